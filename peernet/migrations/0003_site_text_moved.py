"""The page texts moved to the staff app (its migration 0001): peernet forgets the model and
leaves its table, which is the staff app's now."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("peernet", "0002_site_texts_defaults"),
        ("staff", "0001_site_text_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="SiteText")],
        ),
    ]
