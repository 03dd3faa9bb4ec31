"""Celery settings: the broker, the queues, how long a request may wait for the broker, and
the beat schedule. Imported by base.py (``CELERY_TIMEZONE`` is set there, from ``TIME_ZONE``)."""

from zoneinfo import ZoneInfo

import environ
from django_celery_beat.tzcrontab import TzAwareCrontab

env = environ.Env()

# Redis as broker when REDIS_URL is set, otherwise tasks run in-process. The cache uses the
# same Redis (base.py).
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Only sending waits in the mail queue: the sweep, which rescues a backlog, must not queue
# behind it. Outbox retries use no countdown (the sweep dispatches them when due), so Redis's
# visibility timeout never has to outlast a back-off.
CELERY_TASK_ROUTES = {
    "outbox.send": {"queue": "mail"},
    "outbox.send_batch": {"queue": "mail"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hang a request: publishing gives up quickly, and the
# periodic outbox sweep sends whatever was stored but not handed over.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    # A Redis that accepts connections but never answers (frozen, failing over, behind a
    # dropped NAT entry) would hold a request forever: kombu's Redis transport sets no socket
    # timeout of its own. A publish and its one retry, which reconnects and pings, take at
    # most three of these, so a frozen broker costs a request about 1.5 s.
    "socket_timeout": 0.5,
    "socket_connect_timeout": 0.5,
    # A publish that timed out may still have reached Redis: redis-py must not send it again.
    "retry_on_timeout": False,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # A sweep not run within its minute is dropped, as the next one does the same work
    # (django-celery-beat's name for a task's "expires").
    "outbox-sweep": {"task": "outbox.sweep", "schedule": 60.0, "options": {"expire_seconds": 55}},
    "members-purge": {"task": "members.registrations_purge", "schedule": 6 * 3600.0},
    "outbox-purge": {"task": "outbox.purge", "schedule": 24 * 3600.0},
    # Meetings: reminders 7 days and 1 day before (a unique row per member, meeting and kind
    # keeps them from going twice), and a sweep that sends whatever a lost task did not.
    "meetings-reminders": {"task": "meetings.reminders_send", "schedule": 15 * 60.0},
    "meetings-invitations-sweep": {"task": "meetings.invitations_sweep", "schedule": 30 * 60.0},
    # Calendar replies: the organiser's mailbox (PEERNET_REPLY_IMAP_URL) is read every minute.
    "meetings-replies-poll": {
        "task": "meetings.replies_poll",
        "schedule": 60.0,
        "options": {"expire_seconds": 55},
    },
    # The staff digest at 8:00 Eastern whatever CELERY_TIMEZONE says (staff/digest.py); its
    # dedupe key holds the day, so a second run on the same day sends nothing.
    "staff-digest": {
        "task": "peernet.staff_digest",
        "schedule": TzAwareCrontab(minute="0", hour="8", tz=ZoneInfo("America/Toronto")),
    },
}
