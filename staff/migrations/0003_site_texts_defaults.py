"""The texts of the public pages as the network starts with them (staff.site_text_defaults);
a database that had them already keeps them as staff left them. Texts added later (the privacy
notice's) are created by the post_migrate receiver (staff.receivers.site_texts_ensure), once
their migration has made their keys valid."""

from django.db import migrations

from staff.site_text_defaults import site_texts_create, site_texts_delete

# The texts this migration created when it was written.
FIRST_KEYS = frozenset(
    {
        "home.purpose",
        "home.expect",
        "home.know",
        "home.join",
        "home.contact",
        "home.land",
        "meetings.intro",
        "cohorts.intro",
    }
)


def site_texts_first_create(apps, schema_editor):
    site_texts_create(apps, schema_editor, keys=FIRST_KEYS)


class Migration(migrations.Migration):

    dependencies = [("staff", "0002_site_text_table")]

    operations = [migrations.RunPython(site_texts_first_create, site_texts_delete)]
