"""What one process of the outbox keeps in memory between messages.

This is the outbox's only state outside the database, held by one object, ``this_process``:

- the SMTP connection a worker reuses. A handshake per message is slow in bulk, and servers
  limit concurrent connections (Exchange Online allows three per mailbox), so a worker process
  opens one on first use and keeps it for the next messages;
- the moment until which the process leaves the broker alone after it failed to take a task
  (``BROKER_PAUSE_SECONDS``).

Both belong to the process on purpose. A connection is a socket, which no other process can
use. The pause spares this process the broker's socket timeouts; it is not kept in the cache,
because the cache is the same Redis as the broker, so asking it whether Redis is frozen would
cost the very timeout the pause saves, and every process learns of a failure by its own first
try anyway. Keeping both on one object leaves one place to read, and to reset when a worker
shuts down or a test starts.
"""

import logging
import time

from django.core.mail import get_connection

from .tuning import BROKER_PAUSE_SECONDS

logger = logging.getLogger(__name__)


class OutboxProcess:
    """The kept SMTP connection and the broker pause of the current process."""

    def __init__(self):
        self._smtp_connection = None
        self._broker_paused_until = 0.0  # time.monotonic() of this process

    def smtp_connection(self):
        """The kept connection, opened on first use and again after it was closed."""
        if self._smtp_connection is None:
            self._smtp_connection = get_connection()
        self._smtp_connection.open()  # does nothing when it is already open
        return self._smtp_connection

    def smtp_connection_close(self) -> None:
        """Close and drop the kept connection; the next message opens a new one."""
        if self._smtp_connection is not None:
            try:
                self._smtp_connection.close()
            except Exception:  # closing a broken connection may fail; it is dropped either way
                logger.debug("Closing the SMTP connection failed.", exc_info=True)
        self._smtp_connection = None

    def broker_paused(self) -> bool:
        return time.monotonic() < self._broker_paused_until

    def broker_pause(self) -> None:
        """The broker just failed: leave it alone for ``BROKER_PAUSE_SECONDS``."""
        self._broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS

    def broker_resume(self) -> None:
        self._broker_paused_until = 0.0


this_process = OutboxProcess()


def connection_reused_close() -> None:
    """Close the worker's kept SMTP connection (on errors, and when a worker shuts down)."""
    this_process.smtp_connection_close()
