"""Taking back what a worker or the broker lost, and giving failed mail another chance.

The beat task ``outbox.sweep`` runs :func:`messages_sweep` every minute on the default queue,
so that it never waits behind a backlog of mail. It is the owner of every message that no task
holds:

- a message whose worker died while sending (``sending``, with nobody holding its row, longer
  than the grace after its attempt began): one with a record of acceptance (``sent_at``) is
  marked sent, never resent; one without is sent again, with the same ``Message-ID``. The
  server most likely never said 250 (the worker died while talking to it), and a message that
  never arrived is the worse failure (an invitation, a password reset); in the rare case that
  the first copy did arrive, both carry the same ``Message-ID``, which mail programs fold into
  one;
- a message that is due (a retry after its back-off, one the broker did not take) and not
  dispatched;
- a dispatched message whose task looks lost: dispatched longer than the dispatch hold ago
  *and* nothing waits in the mail queue any more, since while a backlog drains its task is
  most likely still in the queue. A backlog of any size thus costs one task run per message.
"""

import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..models import MessageStatus, OutboxMessage
from .dispatching import mail_queue_length, messages_dispatch
from .tuning import MAX_ATTEMPTS, SWEEP_BATCH, dispatch_hold, sending_grace

logger = logging.getLogger(__name__)

WORKER_STOPPED_ERROR = (
    "The worker that was sending this message stopped before the mail server accepted it; "
    "it is sent again with the same Message-ID."
)


def messages_recover(*, now=None) -> int:
    """Take back messages left ``sending`` by a worker that died; returns how many.

    Only rows nobody holds (a sending worker keeps its row locked) and whose attempt began
    longer than the grace ago. With a record of acceptance, the message is marked sent; without
    one, the server never confirmed it, and it is queued again, with the same Message-ID.
    """
    now = now or timezone.now()
    with transaction.atomic():
        orphans = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.SENDING, sending_since__lt=now - sending_grace())
            .only("pk", "attempts", "sent_at", "body_erased_at")
        )
        for message in orphans:
            OutboxMessage.objects.filter(pk=message.pk).update(**_orphan_changes(message, now))
    return len(orphans)


def _orphan_changes(message: OutboxMessage, now) -> dict:
    if message.sent_at is not None or message.body_erased_at is not None:
        logger.warning("Message %s was found sending but was accepted: sent.", message.pk)
        return {"status": MessageStatus.SENT, "sending_since": None}
    if message.attempts >= MAX_ATTEMPTS:
        logger.error("Message %s failed: its worker stopped on every attempt.", message.pk)
        return {
            "status": MessageStatus.FAILED,
            "sending_since": None,
            "last_error": WORKER_STOPPED_ERROR,
        }
    logger.warning("Message %s was left sending by a worker; sent again.", message.pk)
    return {
        "status": MessageStatus.QUEUED,
        "sending_since": None,
        "next_attempt_at": now,
        "dispatched_at": None,
        "last_error": WORKER_STOPPED_ERROR,
    }


def messages_sweep() -> int:
    """Recover messages of dead workers, then dispatch the due queued messages that no task
    holds, each to a task of its own; returns how many were dispatched."""
    now = timezone.now()
    messages_recover(now=now)
    due = OutboxMessage.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
    unheld = Q(dispatched_at__isnull=True)
    if due.filter(dispatched_at__lt=now - dispatch_hold()).exists() and mail_queue_length() == 0:
        # Dispatched a while ago and the queue is empty: that task is lost (a broker that
        # restarted without its data, a purge). While a backlog drains, it is not.
        unheld |= Q(dispatched_at__lt=now - dispatch_hold())
    with transaction.atomic():
        claimed = list(
            due.filter(unheld)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        OutboxMessage.objects.filter(pk__in=claimed).update(dispatched_at=now)
    messages_dispatch(message_ids=claimed, batched=False)
    return len(claimed)


def message_retry(*, message: OutboxMessage) -> bool:
    """Give a failed message another chance (staff action); False when it cannot have one.

    A message whose body was erased stays failed: sending it again would send nothing.
    """
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, status=MessageStatus.FAILED, body_erased_at__isnull=True
        ).update(
            status=MessageStatus.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            dispatched_at=timezone.now(),
        )
    if updated:
        transaction.on_commit(lambda: messages_dispatch(message_ids=[message.pk], batched=False))
    return bool(updated)
