"""Development on one machine: SQLite, tasks in-process, mail written to var/mail/."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# The embedded database and the mail files live under var/, which git does not track.
VAR_DIR.mkdir(parents=True, exist_ok=True)
