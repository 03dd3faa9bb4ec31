"""Queue and deliver stored e-mail (the pretix/pretalx outbox pattern).

A message is rendered in its recipient's language and stored in the same transaction as the
change that caused it; the Celery task that sends it is dispatched only after that
transaction commits, so a rolled-back request sends nothing. Delivery locks the row, so running
the task twice sends once; temporary SMTP failures are retried with a growing delay and
permanent ones mark the message failed. Nothing is lost when the broker is down: the periodic
sweep dispatches whatever is still queued.

A message queued with ``carries_secret`` holds a link or code that acts for its recipient (a
password reset, an address confirmation, one-click answers). Its body is erased as soon as it
is delivered, so that the outbox never becomes a store of working credentials, and a message
whose body is gone can never be sent again, only marked failed.
"""

import logging
import smtplib
import unicodedata
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import MessageStatus, OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# A message left "sending" this long belongs to a worker that died; it is tried again.
SENDING_TIMEOUT = timedelta(minutes=15)
# The recipient column's size, and the longest address SMTP carries (RFC 5321, 4.5.3.1.3).
RECIPIENT_MAX_LENGTH = OutboxMessage._meta.get_field("to_email").max_length
BODY_ERASED_ERROR = (
    "The body of this message was erased after it was delivered, because it carried a "
    "credential; it cannot be sent again. Ask for a new message instead."
)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def message_render(*, template_prefix: str, context: dict, language: str) -> RenderedMessage:
    """Render ``<prefix>_subject.txt``, ``<prefix>_body.txt`` and ``<prefix>_body.html``."""
    with translation.override(language):
        subject = render_to_string(f"{template_prefix}_subject.txt", context)
        text = render_to_string(f"{template_prefix}_body.txt", context)
        html = render_to_string(f"{template_prefix}_body.html", context)
    return RenderedMessage(
        subject=subject_clean(subject), text=text.strip() + "\n", html=html.strip()
    )


def subject_clean(subject: str) -> str:
    """One line of visible text: a line break would let content inject headers, and control
    characters (ESC, DEL, C1, separators) have no place in a subject."""
    visible = "".join(
        " " if unicodedata.category(char)[0] in "CZ" and char != " " else char for char in subject
    )
    return " ".join(visible.split())


def message_queue(
    *,
    to_email: str,
    subject: str,
    text: str,
    html: str = "",
    language: str,
    purpose: str,
    dedupe_key: str | None = None,
    calendar: str = "",
    calendar_method: str = "",
    carries_secret: bool = False,
) -> OutboxMessage:
    """Store a message and dispatch its delivery once the current transaction commits.

    With a ``dedupe_key`` already used, the existing message is returned and nothing is queued.
    ``carries_secret`` marks a message whose body acts for its recipient: staff never see that
    body, and it is erased once delivered. An address that is not one, or longer than the
    column and SMTP allow, raises ``ValidationError`` and stores nothing.
    """
    recipient_validate(to_email)
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    message = OutboxMessage(
        to_email=to_email,
        from_email=settings.DEFAULT_FROM_EMAIL,
        subject=subject_clean(subject),
        body_text=text,
        body_html=html,
        language=language,
        purpose=purpose,
        dedupe_key=dedupe_key or None,
        calendar=calendar,
        calendar_method=calendar_method,
        carries_secret=carries_secret,
    )
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Another transaction queued the same key first.
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: message_dispatch(message_id=message.pk))
    return message


def recipient_validate(to_email: str) -> None:
    """Refuse what forms should already have refused, for the code paths that skip them."""
    if not isinstance(to_email, str) or len(to_email) > RECIPIENT_MAX_LENGTH:
        raise ValidationError(
            _("Ensure this e-mail address has at most %(limit)d characters."),
            code="recipient_too_long",
            params={"limit": RECIPIENT_MAX_LENGTH},
        )
    validate_email(to_email)


def message_dispatch(*, message_id: int) -> bool:
    """Hand a stored message to the broker; on failure it stays queued for the sweep."""
    from .tasks import outbox_message_send

    try:
        outbox_message_send.delay(message_id)
    except Exception:  # the broker is down or refused: the sweep will pick the message up
        logger.warning("Could not dispatch message %s; it stays queued.", message_id, exc_info=True)
        return False
    return True


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes, at most an hour."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def _is_permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


def _build_email(message: OutboxMessage, connection) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=message.from_email,
        to=[message.to_email],
        connection=connection,
        headers={"Content-Language": message.language},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    if message.calendar:
        from .calendar import attach_calendar

        attach_calendar(email, message.calendar, message.calendar_method)
    return email


# One SMTP connection per worker process, opened on first use and kept for the next messages:
# a handshake per message is slow in bulk, and servers limit concurrent connections (Exchange
# Online allows three per mailbox), so a worker never holds more than one.
_reused_connection = None


def _connection_reused():
    global _reused_connection
    if _reused_connection is None:
        _reused_connection = get_connection()
    _reused_connection.open()  # does nothing when it is already open
    return _reused_connection


def connection_reused_close() -> None:
    """Close the worker's kept connection (on errors, and when a worker shuts down)."""
    global _reused_connection
    if _reused_connection is not None:
        try:
            _reused_connection.close()
        except Exception:  # closing a broken connection may fail; it is dropped either way
            logger.debug("Closing the SMTP connection failed.", exc_info=True)
    _reused_connection = None


def _deliver(message: OutboxMessage, connection) -> None:
    if connection is not None:
        _build_email(message, connection).send()
        return
    fresh = get_connection()
    if not isinstance(fresh, SMTPBackend):
        # Console, file and memory backends: one fresh connection (and file) per message.
        _build_email(message, fresh).send()
        return
    try:
        _build_email(message, _connection_reused()).send()
    except smtplib.SMTPServerDisconnected:
        # The server closed the idle connection: open a new one and try once more.
        connection_reused_close()
        _build_email(message, _connection_reused()).send()


@dataclass(frozen=True)
class SendResult:
    status: str
    retry_in: timedelta | None = None


def message_send(*, message_id: int, connection=None) -> SendResult:
    """Deliver one stored message; safe to call twice, only a queued message is sent."""
    now = timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=MessageStatus.QUEUED)
            .first()
        )
        if message is None:
            current = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True)
            return SendResult(status=current.first() or "missing")
        if message.body_erased_at is not None:
            # Whatever brought it back (a staff retry, the sweep, a task the broker delivered
            # again), there is nothing left to send: an empty mail would only confuse.
            message.status = MessageStatus.FAILED
            message.sending_since = None
            message.last_error = BODY_ERASED_ERROR
            message.save(update_fields=["status", "sending_since", "last_error"])
            logger.warning("Message %s was not sent again: its body was erased.", message.pk)
            return SendResult(status=message.status)
        message.status = MessageStatus.SENDING
        message.sending_since = now
        message.attempts += 1
        message.save(update_fields=["status", "sending_since", "attempts"])

    try:
        _deliver(message, connection)
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        if connection is None and not isinstance(error, smtplib.SMTPRecipientsRefused):
            connection_reused_close()
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

    message.status = MessageStatus.SENT
    message.sent_at = timezone.now()
    message.sending_since = None
    message.last_error = ""
    fields = ["status", "sent_at", "sending_since", "last_error"]
    if message.carries_secret:
        # Erased in the same write that records the delivery: there is no moment at which a
        # delivered credential still sits in the table.
        message.body_text = message.body_html = message.calendar = ""
        message.body_erased_at = message.sent_at
        fields += ["body_text", "body_html", "calendar", "body_erased_at"]
    message.save(update_fields=fields)
    return SendResult(status=message.status)


def messages_sweep() -> int:
    """Dispatch due queued messages and recover those whose worker died; returns the count."""
    now = timezone.now()
    OutboxMessage.objects.filter(
        status=MessageStatus.SENDING, sending_since__lt=now - SENDING_TIMEOUT
    ).update(status=MessageStatus.QUEUED, sending_since=None, next_attempt_at=now)
    due = list(
        OutboxMessage.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )
    for message_id in due:
        message_dispatch(message_id=message_id)
    return len(due)


def message_retry(*, message: OutboxMessage) -> bool:
    """Give a failed message another chance (staff action); False when it cannot have one.

    A message whose body was erased stays failed: sending it again would send nothing.
    """
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, status=MessageStatus.FAILED, body_erased_at__isnull=True
        ).update(status=MessageStatus.QUEUED, attempts=0, next_attempt_at=timezone.now())
    if updated:
        transaction.on_commit(lambda: message_dispatch(message_id=message.pk))
    return bool(updated)


def messages_purge(*, now=None) -> int:
    """Forget delivered and failed mail after its retention period; returns how many went."""
    now = now or timezone.now()
    limit = now - timedelta(days=settings.PEERNET_OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        status__in=[MessageStatus.SENT, MessageStatus.FAILED], created_at__lt=limit
    ).delete()
    return deleted
