"""Indexes of the review queue at scale (tens of thousands of requests).

- The queue's order (oldest first) and its status filter read an index instead of sorting
  every request: the first page is the first rows of the index.
- The flag filters look the registrations of one flag up by code.
- On PostgreSQL, the search's "contains" lookups use trigram indexes (pg_trgm) on the
  upper-cased columns, the expression Django's icontains compares (UPPER(column::text)), and
  on the folded name. SQLite has no such index: there the search reads the table, as before.

The indexes are created in SQL rather than declared on the models because the trigram ones
exist on one database only; the B-tree ones are created the same way so that all the
indexes of the queue are in one place.
"""

from django.db import DatabaseError, migrations, transaction

OPS = "gin_trgm_ops"

BTREE = [
    ("members_registration_queue_idx", "members_registration", '("submitted_at", "id")'),
    (
        "members_registration_status_queue_idx",
        "members_registration",
        '("status", "submitted_at", "id")',
    ),
    (
        "members_registrationflag_code_idx",
        "members_registrationflag",
        '("code", "registration_id")',
    ),
]
TRIGRAM = [
    (
        "members_registration_organisation_trgm",
        "members_registration",
        'UPPER("organisation_name"::text)',
    ),
    ("members_registration_job_title_trgm", "members_registration", 'UPPER("job_title"::text)'),
    ("members_registration_person_key_trgm", "members_registration", '"person_key"'),
    ("members_user_email_trgm", "members_user", 'UPPER("email"::text)'),
    ("members_user_first_name_trgm", "members_user", 'UPPER("first_name"::text)'),
    ("members_user_last_name_trgm", "members_user", 'UPPER("last_name"::text)'),
]


def indexes_create(apps, schema_editor):
    execute = schema_editor.execute
    for name, table, columns in BTREE:
        execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" {columns}')
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. A
    # role that may not leaves the search without its indexes, slower but the same.
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    for name, table, expression in TRIGRAM:
        execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({expression} {OPS})')


def indexes_drop(apps, schema_editor):
    names = [name for name, _table, _columns in BTREE]
    if schema_editor.connection.vendor == "postgresql":
        names += [name for name, _table, _expression in TRIGRAM]
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("members", "0002_registration_user_label")]

    operations = [migrations.RunPython(indexes_create, indexes_drop, elidable=False)]
