"""Sending stored messages: claim each one, talk to the SMTP server, record the answer.

One path sends every message, whether its task carried one (``outbox.send``) or a batch
(``outbox.send_batch``): :func:`messages_send`, which takes each message in turn through
:func:`message_claim`, the SMTP conversation and the record of its outcome, so that the
guarantees below hold message by message.

- A message is claimed in one statement that only a queued, due message with its body
  matches; the claim counts the attempt and commits before the SMTP conversation, so a message
  that brings workers down reaches ``MAX_ATTEMPTS`` and stops. A task that arrives for a
  message that is not due (a copy redelivered by the broker, or queued twice) does nothing and
  counts no attempt.
- The worker holds the row locked for as long as it talks to the server, so that nothing takes
  a slow delivery over. When the worker dies, PostgreSQL ends its session and the lock goes
  with it; the sweep then takes the message back after the grace (:mod:`.recovery`).
- Between the server's "250" and the write that records it, a crash leaves the outcome
  unknown. The window is kept as small as it can be: the moment of the 250 is taken at once and
  written (status ``sent``, ``sent_at``, the erasure of a credential's body) in one statement
  in the transaction that holds the row; if the database went away meanwhile, the worker
  reconnects and writes again for up to ``PEERNET_OUTBOX_RECORD_RETRY_SECONDS``, which is
  shorter than the grace, so the sweep does not step in while the worker still knows the
  answer.
- A temporary SMTP error puts the message back in the queue with its next attempt's time
  (:func:`retry_delay`); the sweep sends it then. A permanent one (5xx) marks it failed.
- A message that carries a credential has its body erased in the write that records its
  delivery, and a message whose body is gone is never sent again, only marked failed.
"""

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import DatabaseError, transaction
from django.db import connection as database_connection
from django.utils import timezone

from ..calendar import CalendarEmailMessage, attach_calendar
from ..models import MessageStatus, OutboxMessage
from .process import this_process
from .tuning import (
    EARLY_TOLERANCE,
    MAX_ATTEMPTS,
    RECORD_RETRY_FIRST_PAUSE_SECONDS,
    RECORD_RETRY_LONGEST_PAUSE_SECONDS,
    dispatch_hold,
    record_retry_seconds,
    retry_delay,
)

logger = logging.getLogger(__name__)

BODY_ERASED_ERROR = (
    "The body of this message was erased after it was delivered, because it carried a "
    "credential; it cannot be sent again. Ask for a new message instead."
)


@dataclass(frozen=True)
class SendResult:
    status: str
    retry_in: timedelta | None = None


def messages_send(*, message_ids: list[int], connection=None) -> list[SendResult]:
    """Deliver stored messages one after the other, over the worker's one kept connection (or
    ``connection``); safe to call twice, each message is sent once.

    A worker that dies in the middle of a batch leaves the messages before it sent, the one it
    was at ``sending`` (taken back by the sweep after the grace) and the rest queued. While the
    batch runs, the messages still ahead of it keep a fresh dispatch mark: a slow mail server
    may make a batch outlast the dispatch hold, and the sweep must not hand those messages to a
    second task meanwhile.
    """
    refresh_every = dispatch_hold().total_seconds() / 2
    marked = time.monotonic()
    results = []
    for index, message_id in enumerate(message_ids):
        if time.monotonic() - marked > refresh_every:
            OutboxMessage.objects.filter(
                pk__in=message_ids[index:],
                status=MessageStatus.QUEUED,
                dispatched_at__isnull=False,
            ).update(dispatched_at=timezone.now())
            marked = time.monotonic()
        results.append(_message_deliver(message_id=message_id, connection=connection))
    return results


def message_send(*, message_id: int, connection=None) -> SendResult:
    """Deliver one stored message when it is due: :func:`messages_send` for a batch of one."""
    [result] = messages_send(message_ids=[message_id], connection=connection)
    return result


def message_claim(*, message_id: int, now) -> OutboxMessage | SendResult:
    """Claim a queued message that is due and still has its body; otherwise the result to
    report without sending (see :func:`_claim_refused`).

    The claim is one statement that commits at once (a worker calls this outside any
    transaction). A row that the sweep or another worker holds for a moment is waited for; a
    row whose delivery is under way is ``sending`` and does not match, so the statement never
    waits for an SMTP conversation.
    """
    operations = database_connection.ops
    table = operations.quote_name(OutboxMessage._meta.db_table)
    since, due_by = (
        operations.adapt_datetimefield_value(moment) for moment in (now, now + EARLY_TOLERANCE)
    )
    claimed = list(
        OutboxMessage.objects.raw(
            f"UPDATE {table} SET status = %s, sending_since = %s, attempts = attempts + 1,"
            " dispatched_at = NULL"
            " WHERE id = %s AND status = %s AND next_attempt_at <= %s AND body_erased_at IS NULL"
            " RETURNING *",
            [MessageStatus.SENDING, since, message_id, MessageStatus.QUEUED, due_by],
        )
    )
    return claimed[0] if claimed else _claim_refused(message_id=message_id, now=now)


def _claim_refused(*, message_id: int, now) -> SendResult:
    """Why the claim matched nothing: the message is gone, not queued, not due, or has lost its
    body (it is then marked failed). None of these counts an attempt."""
    row = (
        OutboxMessage.objects.filter(pk=message_id)
        .values("status", "next_attempt_at", "body_erased_at")
        .first()
    )
    if row is None:
        return SendResult(status="missing")
    if row["status"] != MessageStatus.QUEUED:
        return SendResult(status=row["status"])
    if row["next_attempt_at"] > now + EARLY_TOLERANCE:
        # A copy the broker delivered again, or one queued twice: the back-off, and the sweep
        # that acts on it, own this message's next attempt.
        logger.info("Message %s is not due until %s.", message_id, row["next_attempt_at"])
        return SendResult(status=MessageStatus.QUEUED)
    if row["body_erased_at"] is not None:
        # Whatever brought it back (a staff retry, the sweep, a task the broker delivered
        # again), there is nothing left to send: an empty mail would only confuse.
        OutboxMessage.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
            status=MessageStatus.FAILED, sending_since=None, last_error=BODY_ERASED_ERROR
        )
        logger.warning("Message %s was not sent again: its body was erased.", message_id)
        return SendResult(status=MessageStatus.FAILED)
    # Queued and due again since the claim looked (the sweep took it back, staff retried it):
    # whoever queued it again dispatched it too, and that task sends it.
    return SendResult(status=MessageStatus.QUEUED)


def _message_deliver(*, message_id: int, connection) -> SendResult:
    """Claim, send and record one message; a call for a message that is not queued, or whose
    next attempt has not come, changes nothing and counts no attempt."""
    message = message_claim(message_id=message_id, now=timezone.now())
    if isinstance(message, SendResult):
        return message
    accepted_at = None
    try:
        with transaction.atomic():
            # The lock is this worker's claim for as long as it talks to the server: the
            # sweep skips locked rows, and the lock ends with the worker's database session.
            OutboxMessage.objects.select_for_update().filter(pk=message.pk).values("pk").first()
            _smtp_send(message, connection)
            accepted_at = timezone.now()
            _delivery_record(message, accepted_at=accepted_at)
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        return _attempt_failed(message, error, reused=connection is None)
    except DatabaseError:
        if accepted_at is None:
            raise  # nothing was sent; the sweep sends the message once the row is free
        _delivery_record_retried(message, accepted_at=accepted_at)
    return SendResult(status=MessageStatus.SENT)


def _email_build(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    # Only a calendar needs the class that passes ready-made MIME parts through.
    email_class = CalendarEmailMessage if message.calendar else EmailMultiAlternatives
    email = email_class(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to_email],
        connection=connection,
        # The same Message-ID on every attempt: a copy that arrives twice shows once.
        headers={"Content-Language": message.language, "Message-ID": message.message_id},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.calendar:
        attach_calendar(email, message.calendar, message.calendar_method)
    return email


def _smtp_send(message: OutboxMessage, connection) -> None:
    if connection is not None:
        _email_build(message, connection).send()
        return
    fresh = get_connection()
    if not isinstance(fresh, SMTPBackend):
        # Console, file and memory backends: one fresh connection (and file) per message.
        _email_build(message, fresh).send()
        return
    try:
        _email_build(message, this_process.smtp_connection()).send()
    except smtplib.SMTPServerDisconnected:
        # The server closed the idle connection: open a new one and try once more.
        this_process.smtp_connection_close()
        _email_build(message, this_process.smtp_connection()).send()


def _delivery_record(message: OutboxMessage, *, accepted_at) -> None:
    """Record the server's acceptance: status, time and, for a credential, the erasure."""
    fields = {
        "status": MessageStatus.SENT,
        "sent_at": accepted_at,
        "sending_since": None,
        "last_error": "",
    }
    if message.carries_secret:
        # Erased in the same write that records the delivery: there is no moment at which a
        # delivered credential still sits in the table.
        fields |= {"body_text": "", "body_html": "", "calendar": "", "body_erased_at": accepted_at}
    # Whatever happened to the row meanwhile (the sweep may have queued it again after a long
    # outage), the server has it: the record wins.
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=MessageStatus.SENT).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)


def _delivery_record_retried(message: OutboxMessage, *, accepted_at) -> None:
    """Write the acceptance again and again while the database is away, within a deadline
    shorter than the sweep's grace, so that the sweep does not resend what went out."""
    deadline = time.monotonic() + record_retry_seconds()
    pause = RECORD_RETRY_FIRST_PAUSE_SECONDS
    while True:
        if not database_connection.in_atomic_block:
            database_connection.close()  # the next query opens a fresh session
        try:
            _delivery_record(message, accepted_at=accepted_at)
        except DatabaseError:
            if time.monotonic() + pause > deadline:
                logger.error(
                    "Message %s (%s) was accepted by the mail server at %s, but the database "
                    "could not record it; if it is sent again, it keeps its Message-ID.",
                    message.pk,
                    message.message_id,
                    accepted_at.isoformat(),
                )
                raise
            logger.warning("Recording the delivery of message %s failed; retrying.", message.pk)
            time.sleep(pause)
            pause = min(pause * 2, RECORD_RETRY_LONGEST_PAUSE_SECONDS)
        else:
            logger.info(
                "Message %s: its delivery was recorded once the database was back.", message.pk
            )
            return


def _attempt_failed(message: OutboxMessage, error: Exception, *, reused: bool) -> SendResult:
    if reused and not isinstance(error, smtplib.SMTPRecipientsRefused):
        this_process.smtp_connection_close()
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.sending_since = None
    if _is_permanent(error) or message.attempts >= MAX_ATTEMPTS:
        message.status = MessageStatus.FAILED
        message.save(update_fields=["status", "last_error", "sending_since"])
        logger.error("Message %s failed: %s", message.pk, message.last_error)
        return SendResult(status=message.status)
    delay = retry_delay(message.attempts)
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = timezone.now() + delay
    message.save(update_fields=["status", "last_error", "sending_since", "next_attempt_at"])
    logger.warning("Message %s will be retried in %s: %s", message.pk, delay, error)
    return SendResult(status=message.status, retry_in=delay)


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False
