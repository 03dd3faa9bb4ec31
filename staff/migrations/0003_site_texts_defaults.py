"""The texts of the public pages as the network starts with them (staff.site_text_defaults);
a database that had them already keeps them as staff left them."""

from django.db import migrations

from staff.site_text_defaults import site_texts_create, site_texts_delete


class Migration(migrations.Migration):

    dependencies = [("staff", "0002_site_text_table")]

    operations = [migrations.RunPython(site_texts_create, site_texts_delete)]
