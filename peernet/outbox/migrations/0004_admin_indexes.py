"""Indexes of the outbox's admin at scale (a hundred thousand messages and more).

- Each list filter (purpose, language, carries a credential) reads its own index, newest
  first as the list is ordered, and the purpose filter's choices are read off its index.
- The Message-ID search is an exact match; on PostgreSQL it reads an index of the upper-cased
  value, the expression Django's iexact compares.
- On PostgreSQL, the search's "contains" lookups on recipient, subject and purpose use
  trigram indexes (pg_trgm) of the upper-cased columns. SQLite has no such index: there the
  search reads the table, as before.

The indexes are created in SQL rather than declared on the model because the trigram ones
exist on one database only; the B-tree ones are created the same way so that all the indexes
of the outbox's admin are in one place.
"""

from django.db import DatabaseError, migrations, transaction

TABLE = "outbox_outboxmessage"
OPS = "gin_trgm_ops"
BTREE = [
    ("outbox_message_purpose_idx", '("purpose", "created_at")'),
    ("outbox_message_language_idx", '("language", "created_at")'),
    ("outbox_message_secret_idx", '("carries_secret", "created_at")'),
]
# On PostgreSQL, where Django's iexact compares UPPER(column::text) (SQLite uses LIKE).
MESSAGE_ID = ("outbox_message_message_id_upper_idx", '(UPPER("message_id"::text))')
TRIGRAM = [
    ("outbox_message_to_email_trgm", 'UPPER("to_email"::text)'),
    ("outbox_message_subject_trgm", 'UPPER("subject"::text)'),
    ("outbox_message_purpose_trgm", 'UPPER("purpose"::text)'),
]


def indexes_create(apps, schema_editor):
    execute = schema_editor.execute
    for name, columns in BTREE:
        execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{TABLE}" {columns}')
    if schema_editor.connection.vendor != "postgresql":
        return
    execute(f'CREATE INDEX IF NOT EXISTS "{MESSAGE_ID[0]}" ON "{TABLE}" {MESSAGE_ID[1]}')
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. A
    # role that may not leaves the search without its indexes, slower but the same.
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    for name, expression in TRIGRAM:
        execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{TABLE}" USING gin ({expression} {OPS})')


def indexes_drop(apps, schema_editor):
    names = [name for name, _columns in BTREE]
    if schema_editor.connection.vendor == "postgresql":
        names += [MESSAGE_ID[0]] + [name for name, _expression in TRIGRAM]
    for name in names:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("outbox", "0003_message_id_dispatched_at")]

    operations = [migrations.RunPython(indexes_create, indexes_drop, elidable=False)]
