"""Handing stored messages to the broker, and asking it how much mail waits.

Whoever dispatches has marked the messages dispatched (``dispatched_at``) before: a task may
run before the hand-over returns. While the mark is recent the sweep leaves the message to its
task. What the broker does not take stays queued with its mark cleared, so that the next sweep
sends it without waiting for the dispatch hold, and the process leaves the broker alone for a
moment (``this_process``).

Tasks are started by name through :mod:`peernet.dispatch`, which honours eager mode; the
outbox never imports its task module.
"""

import logging

from django.db import DatabaseError

from peernet.celery import app
from peernet.dispatch import task_start

from ..models import MessageStatus, OutboxMessage
from .process import this_process
from .tuning import SEND_BATCH

logger = logging.getLogger(__name__)

SEND_TASK = "outbox.send"
SEND_BATCH_TASK = "outbox.send_batch"


def messages_dispatch(*, message_ids: list[int], batched: bool = True) -> int:
    """Hand stored messages to the broker; returns how many it took.

    ``batched``, they go ``SEND_BATCH`` to an ``outbox.send_batch`` task (messages queued
    together); otherwise each goes to an ``outbox.send`` task of its own (a message queued
    alone, the messages the sweep hands over). Both tasks send through the same path.
    """
    size = SEND_BATCH if batched else 1
    handed = 0
    for start in range(0, len(message_ids), size):
        if this_process.broker_paused():
            break
        group = message_ids[start : start + size]
        try:
            if batched:
                task_start(SEND_BATCH_TASK, group)
            else:
                task_start(SEND_TASK, group[0])
        except Exception:  # the broker is down or refused: the sweep will pick them up
            this_process.broker_pause()
            logger.warning(
                "Could not dispatch %d message(s); they stay queued.",
                len(message_ids) - handed,
                exc_info=True,
            )
            break
        handed += len(group)
    if handed < len(message_ids):
        _dispatch_marks_clear(message_ids[handed:])
    return handed


def message_dispatch(*, message_id: int) -> bool:
    """Hand one stored message to an ``outbox.send`` task; False when the broker did not take
    it (it then stays queued for the sweep)."""
    return messages_dispatch(message_ids=[message_id], batched=False) == 1


def _dispatch_marks_clear(message_ids: list[int]) -> None:
    try:
        OutboxMessage.objects.filter(pk__in=message_ids, status=MessageStatus.QUEUED).update(
            dispatched_at=None
        )
    except DatabaseError:
        # The database went away too (this runs after the request's commit): the marks then
        # lapse after the dispatch hold, and the sweep takes the messages.
        logger.warning("Could not clear the dispatch mark of %d message(s).", len(message_ids))


def mail_queue_length() -> int | None:
    """How many tasks wait in the broker's mail queue; None when the broker cannot say."""
    if app.conf.task_always_eager:
        return 0
    queue = app.amqp.router.route({}, SEND_TASK)["queue"].name
    try:
        with app.connection_for_read() as connection:
            return connection.default_channel.queue_declare(queue=queue).message_count
    except Exception:  # the broker is down: nothing can be dispatched anyway
        logger.warning("Could not read the length of the %s queue.", queue, exc_info=True)
        return None
