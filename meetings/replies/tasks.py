"""The beat task that polls the organiser's mailbox (PEERNET_REPLY_IMAP_URL)."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from .mailbox import TEMPORARY_ERRORS, mailbox_poll

logger = logging.getLogger(__name__)

# One poll at a time: a slow one must not be joined by the next beat's. The lock outlives a
# poll that dies without releasing it by little more than the longest poll.
POLL_LOCK = "meetings:replies-poll"
POLL_LOCK_SECONDS = 10 * 60


@shared_task(name="meetings.replies_poll", ignore_result=True)
def replies_poll_task() -> int:
    """Read the replies waiting in the mailbox; returns how many messages were moved."""
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
    return result.processed + result.unprocessable
