"""Every number that paces the outbox, with the reason for its value.

The constants are the code's own choices. The durations a deployment may change are settings
(README lists them, ``peernet/settings/base.py`` sets their defaults); they are read here when
they are used, so that an operator's or a test's value takes effect at once.
"""

from datetime import timedelta

from django.conf import settings

# Attempts before a message that keeps failing for a temporary reason is marked failed: with
# the back-off below, the last one comes about four hours after the first.
MAX_ATTEMPTS = 10
# Clocks of the web and worker machines differ a little: a task that arrives this close to the
# message's next attempt is on time, not a stray copy.
EARLY_TOLERANCE = timedelta(seconds=5)
# Rows per INSERT when many messages are queued at once (an invitation to every member).
QUEUE_BATCH = 500
# Messages per sending task when many are queued at once: enough that the task's own cost is
# shared, few enough that both workers get a share of a chunk of invitations, and that a batch
# sent to a slow server (10 s a message) still ends within the dispatch hold.
SEND_BATCH = 25
# A claimed message is never handed over twice, so a sweep can hand over a broker outage's
# whole backlog at once rather than a slice a minute.
SWEEP_BATCH = 5000
# After the broker failed to take a message, a process leaves it alone this long: each try
# costs up to the broker's socket timeouts (about 1.5 s when Redis is frozen), and a request
# that queues many messages (a bulk approval) must not pay that for every one.
BROKER_PAUSE_SECONDS = 5.0
# While the database is away after a server's 250, the worker writes the record again after
# this pause, doubled each time up to the longest, until the record retry window is over.
RECORD_RETRY_FIRST_PAUSE_SECONDS = 0.1
RECORD_RETRY_LONGEST_PAUSE_SECONDS = 5.0


def retry_delay(attempts: int) -> timedelta:
    """The wait after a temporary SMTP error: 1, 2, 4, ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def dispatch_hold() -> timedelta:
    """How long the sweep leaves a dispatched message to the task that was queued for it."""
    return timedelta(seconds=settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS)


def sending_grace() -> timedelta:
    """How long after its attempt began the sweep takes back a ``sending`` message nobody
    holds (its worker died)."""
    return timedelta(seconds=settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS)


def record_retry_seconds() -> float:
    """How long a worker keeps writing the record of a delivery while the database is away;
    shorter than the grace, so that the sweep never resends what the worker knows went out."""
    return settings.PEERNET_OUTBOX_RECORD_RETRY_SECONDS


def retention() -> timedelta:
    """How long delivered and failed mail is kept, for staff to see what was sent to whom."""
    return timedelta(days=settings.PEERNET_OUTBOX_RETENTION_DAYS)
