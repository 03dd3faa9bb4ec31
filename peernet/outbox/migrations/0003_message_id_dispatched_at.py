from django.db import migrations, models

import peernet.outbox.models


def message_ids_fill(apps, schema_editor):
    # One value per row: a default on AddField would give every existing row the same one.
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    for message in OutboxMessage.objects.filter(message_id__isnull=True).only("pk").iterator():
        OutboxMessage.objects.filter(pk=message.pk).update(
            message_id=peernet.outbox.models.message_id_new()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0002_outboxmessage_carries_secret"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="message_id",
            field=models.CharField(max_length=255, null=True, editable=False),
        ),
        migrations.RunPython(message_ids_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="outboxmessage",
            name="message_id",
            field=models.CharField(
                default=peernet.outbox.models.message_id_new,
                editable=False,
                help_text=(
                    "Sent as the message's header on every attempt, so that mail programs show "
                    "a message that reached them twice only once."
                ),
                max_length=255,
                unique=True,
                verbose_name="Message-ID",
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="dispatched_at",
            field=models.DateTimeField(
                blank=True,
                help_text="While this is recent, the sweep leaves the message to the task it queued.",
                null=True,
                verbose_name="handed to the task queue",
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="sent_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When the mail server accepted the message (its 250 reply).",
                null=True,
                verbose_name="sent",
            ),
        ),
    ]
