"""The page texts move from the peernet app to this one, keeping their rows.

The table is left as it is (``SeparateDatabaseAndState``: only Django's idea of which app owns
the model changes); peernet's migration 0003 forgets the model on its side, and this app's
migration 0002 then renames the table. The content type moves too, so that the permissions
staff groups were given on the texts stay theirs.
"""

from django.db import migrations, models


def content_type_move(apps, schema_editor):
    _content_type_relabel(apps, old="peernet", new="staff")


def content_type_move_back(apps, schema_editor):
    _content_type_relabel(apps, old="staff", new="peernet")


def _content_type_relabel(apps, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    # A database migrated from scratch has no content types yet (they are made after every
    # migration has run): there is nothing to move.
    if not ContentType.objects.filter(app_label=new, model="sitetext").exists():
        ContentType.objects.filter(app_label=old, model="sitetext").update(app_label=new)
    ContentType.objects.clear_cache()


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("peernet", "0002_site_texts_defaults"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='SiteText',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(choices=[('home.purpose', 'Home page: why the network exists'), ('home.expect', 'Home page: what members can expect'), ('home.know', 'Home page: what to know'), ('home.join', 'Home page: how to join'), ('home.contact', 'Home page: contact'), ('home.land', 'Home page: land acknowledgement'), ('meetings.intro', 'Meetings page: introduction'), ('cohorts.intro', 'Cohorts page: introduction')], max_length=40, unique=True, verbose_name='place')),
                        ('title', models.CharField(blank=True, help_text='Shown above the text on the home page.', max_length=200, verbose_name='heading')),
                        ('title_en', models.CharField(blank=True, help_text='Shown above the text on the home page.', max_length=200, null=True, verbose_name='heading')),
                        ('title_fr', models.CharField(blank=True, help_text='Shown above the text on the home page.', max_length=200, null=True, verbose_name='heading')),
                        ('body', models.TextField(help_text='Paragraphs, bold, italics, lists, quotations and links (https or mailto). Anything else, such as scripts, images, styles or headings, is removed.', verbose_name='text')),
                        ('body_en', models.TextField(help_text='Paragraphs, bold, italics, lists, quotations and links (https or mailto). Anything else, such as scripts, images, styles or headings, is removed.', null=True, verbose_name='text')),
                        ('body_fr', models.TextField(help_text='Paragraphs, bold, italics, lists, quotations and links (https or mailto). Anything else, such as scripts, images, styles or headings, is removed.', null=True, verbose_name='text')),
                        ('order', models.PositiveSmallIntegerField(default=0, help_text='Sections of the home page are shown in this order.', verbose_name='order')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='last changed')),
                    ],
                    options={
                        'verbose_name': 'page text',
                        'verbose_name_plural': 'page texts',
                        'ordering': ['order', 'key'],
                        'db_table': 'peernet_sitetext',
                    },
                ),
            ],
        ),
        migrations.RunPython(content_type_move, content_type_move_back),
    ]
