"""Celery tasks of the outbox: thin wrappers that take ids and call one service."""

from celery import shared_task
from celery.signals import worker_process_shutdown

from . import services


# No Celery retry: a temporary failure puts the message back in the queue with its next
# attempt's time, and the sweep dispatches it then (the services package explains why). A
# message sent alone and a batch take the same path, ``messages_send``.
@shared_task(name="outbox.send", acks_late=True)
def outbox_message_send(message_id: int) -> str:
    return services.message_send(message_id=message_id).status


@shared_task(name="outbox.send_batch", acks_late=True)
def outbox_messages_send(message_ids: list[int]) -> list[str]:
    return [result.status for result in services.messages_send(message_ids=message_ids)]


@shared_task(name="outbox.sweep")
def outbox_sweep() -> int:
    return services.messages_sweep()


@worker_process_shutdown.connect
def _close_kept_connection(**kwargs):
    services.connection_reused_close()


@shared_task(name="outbox.purge")
def outbox_purge() -> int:
    return services.messages_purge()
