"""The beat task that polls the organiser's mailbox (PEERNET_REPLY_IMAP_URL)."""

import logging

from celery import current_app, shared_task
from django.conf import settings
from django.core.cache import cache

from peernet.dispatch import task_start

from .mailbox import TEMPORARY_ERRORS, PollResult, mailbox_poll

logger = logging.getLogger(__name__)

POLL_TASK = "meetings.replies_poll"
# One poll at a time: a slow one must not be joined by the next beat's. The lock outlives a
# poll that dies without releasing it by little more than the longest poll.
POLL_LOCK = "meetings:replies-poll"
POLL_LOCK_SECONDS = 10 * 60
# A poll that leaves messages behind queues the next one at once, so that a backlog (replies
# to a meeting of thousands) is read in minutes rather than a batch a minute. The chain is
# bounded: a mailbox that refills as fast as it is read still lets the worker do other work
# between beats, and the next beat starts a new chain.
FOLLOW_UPS_MAX = 100


@shared_task(name=POLL_TASK, ignore_result=True)
def replies_poll_task(follow_up: int = 0) -> int:
    """Read the replies waiting in the mailbox; returns how many messages were moved.

    ``follow_up`` counts the polls queued one after the other since the beat's (0)."""
    url = settings.PEERNET_REPLY_IMAP_URL
    if not url:
        return 0
    moved = 0
    while (result := _poll_once(url=url)) is not None:
        moved += result.processed + result.unprocessable
        # A message that could not be moved would be read again by the next poll: that chain
        # waits for the next beat (more_waiting is false then).
        if not result.more_waiting or follow_up >= FOLLOW_UPS_MAX:
            break
        follow_up += 1
        if not current_app.conf.task_always_eager:
            # Queued only once the lock is released, so that the next poll may take it, and
            # left to any worker, so that other work goes on between polls.
            task_start(POLL_TASK, follow_up)
            break
        # Tasks run in-process (make run, the unit tests): the next poll runs here, after
        # this one, rather than nested inside it a hundred levels deep.
    return moved


def _poll_once(*, url: str) -> PollResult | None:
    """One poll of the mailbox, or None when another holds it or it cannot be read now."""
    if not cache.add(POLL_LOCK, "1", POLL_LOCK_SECONDS):
        return None
    try:
        return mailbox_poll(url=url)
    except TEMPORARY_ERRORS as error:
        # The next beat tries again; nothing was lost, as messages move only once read.
        logger.warning("The reply mailbox could not be read: %s", error)
        return None
    finally:
        cache.delete(POLL_LOCK)
