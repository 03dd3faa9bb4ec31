"""The default texts of the public pages were created here until the texts moved to the staff
app, whose migration 0003_site_texts_defaults creates them now (from staff.site_text_defaults).
A database that ran this migration already has them; the staff migration adds only what is
missing.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("peernet", "0001_site_texts")]

    operations = []
