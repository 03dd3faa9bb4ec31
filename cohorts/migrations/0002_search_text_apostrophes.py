"""Search text written again: typographic apostrophes and dashes are now kept as ASCII."""

from django.db import migrations


def search_text_rebuild(apps, schema_editor):
    from cohorts.models import search_key

    Community = apps.get_model("cohorts", "Community")
    for community in Community.objects.all().iterator():
        # The words of the stored text are enough: it already holds both names and provinces.
        rebuilt = search_key(community.search_text)
        if rebuilt != community.search_text:
            Community.objects.filter(pk=community.pk).update(search_text=rebuilt)


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0001_initial")]

    operations = [migrations.RunPython(search_text_rebuild, migrations.RunPython.noop)]
