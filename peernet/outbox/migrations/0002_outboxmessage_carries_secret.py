from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="outboxmessage",
            options={
                "ordering": ["-created_at", "-pk"],
                "permissions": [
                    ("view_outboxmessage_body", "Can read the body of e-mail messages")
                ],
                "verbose_name": "e-mail message",
                "verbose_name_plural": "e-mail messages",
            },
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="carries_secret",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "The message holds a link or code that acts for its recipient (password "
                    "reset, address confirmation, one-click answers): its body is never shown "
                    "and is erased once delivered."
                ),
                verbose_name="carries a credential",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="body_erased_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="body erased"),
        ),
    ]
