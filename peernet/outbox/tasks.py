"""Celery tasks of the outbox: thin wrappers that take ids and call one service."""

from celery import shared_task
from celery.signals import worker_process_shutdown

from . import services


@shared_task(name="outbox.send", bind=True, max_retries=services.MAX_ATTEMPTS, acks_late=True)
def outbox_message_send(self, message_id: int) -> str:
    result = services.message_send(message_id=message_id)
    if result.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=result.retry_in.total_seconds())
    return result.status


@shared_task(name="outbox.sweep")
def outbox_sweep() -> int:
    return services.messages_sweep()


@worker_process_shutdown.connect
def _close_kept_connection(**kwargs):
    services.connection_reused_close()


@shared_task(name="outbox.purge")
def outbox_purge() -> int:
    return services.messages_purge()
