"""The beat task that polls the organiser's mailbox (PEERNET_REPLY_IMAP_URL)."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from peernet.dispatch import task_start

from .mailbox import TEMPORARY_ERRORS, mailbox_poll

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
    if not cache.add(POLL_LOCK, "1", POLL_LOCK_SECONDS):
        return 0
    try:
        result = mailbox_poll(url=url)
    except TEMPORARY_ERRORS as error:
        # The next beat tries again; nothing was lost, as messages move only once read.
        logger.warning("The reply mailbox could not be read: %s", error)
        return 0
    finally:
        cache.delete(POLL_LOCK)
    # Queued only once the lock is released, so that the next poll may take it. A message that
    # could not be moved would be read again by it: that chain waits for the next beat.
    if result.more_waiting and follow_up < FOLLOW_UPS_MAX:
        task_start(POLL_TASK, follow_up + 1)
    return result.processed + result.unprocessable
