"""The page texts' table takes this app's name, now that peernet has let go of the model."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("staff", "0001_site_text_moved"),
        ("peernet", "0003_site_text_moved"),
    ]

    operations = [
        migrations.AlterModelTable(name="sitetext", table=None),
    ]
