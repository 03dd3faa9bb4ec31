"""Development on one machine: SQLite, tasks in-process, mail written to var/mail/."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Security keys on http://127.0.0.1:8000 (browsers allow WebAuthn on https only otherwise).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# The embedded database and the mail files live under var/, which git does not track.
VAR_DIR.mkdir(parents=True, exist_ok=True)
