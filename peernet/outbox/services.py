"""Queue and deliver stored e-mail (the pretix/pretalx outbox pattern).

A message is rendered in its recipient's language and stored in the same transaction as the
change that caused it; the Celery task that sends it is dispatched only after that
transaction commits, so a rolled-back request sends nothing. Nothing is lost when the broker
is down: the periodic sweep dispatches whatever is still queued.

Each message has one owner of its next attempt at any moment:

- A dispatched message belongs to the task that was queued for it (``dispatched_at``). The
  sweep hands it over again only when that task looks lost: dispatched more than
  ``PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS`` ago *and* nothing waits in the mail queue any more,
  since while a backlog drains its task is most likely still in the queue. A backlog of any
  size thus costs one task run per message.
- Retries after a temporary SMTP error belong to the sweep: the message goes back to
  ``queued`` with ``next_attempt_at`` set by the back-off, and no Celery countdown is used. A
  countdown task would sit unacknowledged in Redis, and Redis hands out again whatever stays
  unacknowledged longer than its visibility timeout (an hour by default, the longest back-off).
- A task that arrives for a message that is not due (a copy redelivered by the broker, or
  queued twice) does nothing and does not count as an attempt.
- A worker that sends holds the row locked in the database for as long as it talks to the
  SMTP server, so that nothing takes a slow delivery over. When the worker dies, PostgreSQL
  ends its session and the lock goes with it; the sweep then finds the row ``sending`` with
  nobody holding it and, after ``PEERNET_OUTBOX_SENDING_GRACE_SECONDS`` counted from the
  start of the attempt, sends it again: within a few minutes.

Many messages queued at once (an invitation to every member) are stored in one statement
and dispatched ``SEND_BATCH`` to a task (``outbox.send_batch``), which sends them one after
the other over the worker's kept connection. A batch changes none of the rules above: each of
its messages is claimed, locked, sent and recorded on its own, exactly as a message of its own
task is, and the batch keeps the dispatch mark of the messages still ahead of it fresh.

Between the SMTP server's "250" and the write that records it, a crash leaves the outcome
unknown. The window is kept as small as it can be: the moment of the 250 is taken at once and
written (status ``sent``, ``sent_at``, the erasure of a credential's body) in one statement in
the transaction that holds the row; if the database went away meanwhile, the worker reconnects
and writes again for up to ``PEERNET_OUTBOX_RECORD_RETRY_SECONDS``, which is shorter than the
grace, so the sweep does not step in while the worker still knows the answer. A row found
``sending`` by the sweep therefore has no record of acceptance, and the server most likely
never said 250 (the worker died while talking to it): it is sent again, with the same
``Message-ID``. Resending is preferred to a state that waits for staff: a message that never
arrived is the worse failure (an invitation, a password reset), and in the rare case that the
first copy did arrive, both carry the same ``Message-ID``, which mail programs fold into one.
A row that does carry a record of acceptance (``sent_at``) is marked sent, never resent.

A message queued with ``carries_secret`` holds a link or code that acts for its recipient (a
password reset, an address confirmation, one-click answers). Its body is erased as soon as it
is delivered, so that the outbox never becomes a store of working credentials, and a message
whose body is gone can never be sent again, only marked failed.
"""

import logging
import smtplib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.validators import validate_email
from django.db import DatabaseError, IntegrityError, transaction
from django.db import connection as database_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from peernet.text import visible_line

from .calendar import CalendarEmailMessage, attach_calendar
from .models import MessageStatus, OutboxMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
# Clocks of the web and worker machines differ a little: a task that arrives this close to the
# message's next attempt is on time, not a stray copy.
EARLY_TOLERANCE = timedelta(seconds=5)
# A claimed message is never handed over twice, so a sweep can hand over a broker outage's
# whole backlog at once rather than a slice a minute.
SWEEP_BATCH = 5000
# Rows per INSERT when many messages are queued at once (an invitation to every member).
QUEUE_BATCH = 500
# Messages per sending task when many are queued at once: enough that the task's own cost is
# shared, few enough that both workers get a share of a chunk of invitations, and that a batch
# sent to a slow server (10 s a message) still ends within the dispatch hold.
SEND_BATCH = 25
WORKER_STOPPED_ERROR = (
    "The worker that was sending this message stopped before the mail server accepted it; "
    "it is sent again with the same Message-ID."
)
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
    return visible_line(subject)


def message_prepare(
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
    """A message as :func:`message_queue` would store it, checked but not saved yet.

    An address that is not one, or longer than the column and SMTP allow, raises
    ``ValidationError``. :func:`messages_queue` stores many of these in one statement.
    """
    recipient_validate(to_email)
    return OutboxMessage(
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
    message = message_prepare(
        to_email=to_email,
        subject=subject,
        text=text,
        html=html,
        language=language,
        purpose=purpose,
        dedupe_key=dedupe_key,
        calendar=calendar,
        calendar_method=calendar_method,
        carries_secret=carries_secret,
    )
    if dedupe_key:
        existing = OutboxMessage.objects.filter(dedupe_key=dedupe_key).first()
        if existing is not None:
            return existing
    message.dispatched_at = timezone.now()
    try:
        with transaction.atomic():
            message.save()
    except IntegrityError:
        # Another transaction queued the same key first.
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: message_dispatch(message_id=message.pk))
    return message


def messages_queue(*, messages: list[OutboxMessage]) -> list[OutboxMessage]:
    """Store prepared messages (:func:`message_prepare`) in one statement, and dispatch them
    in batches of ``SEND_BATCH`` once the current transaction commits.

    The rules of :func:`message_queue` hold for each message: one whose ``dedupe_key`` is
    already used (by an earlier message, or by one stored meanwhile by another transaction)
    is not stored and not dispatched, and the list returned holds the stored message in its
    place, in the order given.
    """
    if not messages:
        return []
    now = timezone.now()
    for message in messages:
        message.dispatched_at = now
    # A key used before makes its row a conflict that PostgreSQL skips, as it does a key that a
    # concurrent transaction holds once that one commits; nothing is stored twice.
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=QUEUE_BATCH)
    # Rows inserted with conflicts ignored come back without their ids. Each message made its
    # own Message-ID, so a row found under one is the row this call stored.
    stored = dict(
        OutboxMessage.objects.filter(
            message_id__in=[message.message_id for message in messages]
        ).values_list("message_id", "pk")
    )
    queued_ids = []
    for message in messages:
        pk = stored.get(message.message_id)
        if pk is not None:
            message.pk = pk
            message._state.adding = False
            message._state.db = OutboxMessage.objects.db
            queued_ids.append(pk)
    skipped = {message.dedupe_key for message in messages if message.pk is None}
    existing = (
        {row.dedupe_key: row for row in OutboxMessage.objects.filter(dedupe_key__in=skipped)}
        if skipped
        else {}
    )
    if queued_ids:
        transaction.on_commit(lambda: messages_dispatch(message_ids=queued_ids))
    return [
        message if message.pk is not None else existing[message.dedupe_key]
        for message in messages
        if message.pk is not None or message.dedupe_key in existing
    ]


def message_send_templated(
    *,
    to_email: str,
    template_prefix: str,
    context: dict,
    language: str,
    purpose: str,
    dedupe_key: str | None = None,
    carries_secret: bool = False,
    calendar: str = "",
    calendar_method: str = "",
) -> OutboxMessage:
    """Render ``template_prefix`` in the recipient's ``language`` and queue the result.

    The rules of :func:`message_render` and :func:`message_queue` apply unchanged: with a
    ``dedupe_key`` already used, the existing message is returned and nothing is queued.
    """
    rendered = message_render(template_prefix=template_prefix, context=context, language=language)
    return message_queue(
        to_email=to_email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        language=language,
        purpose=purpose,
        dedupe_key=dedupe_key,
        calendar=calendar,
        calendar_method=calendar_method,
        carries_secret=carries_secret,
    )


def messages_forget(*, to_email: str) -> int:
    """Delete every message stored for an address, whatever its state; returns how many went.

    Addresses compare without regard to case: one person may have been written to as
    ``Jo@...`` and as ``jo@...``. Queued messages go too: what was still to be sent to a
    person who left is not sent.
    """
    deleted, _ = OutboxMessage.objects.filter(to_email__iexact=to_email).delete()
    return deleted


def recipient_validate(to_email: str) -> None:
    """Refuse what forms should already have refused, for the code paths that skip them."""
    if not isinstance(to_email, str) or len(to_email) > RECIPIENT_MAX_LENGTH:
        raise ValidationError(
            _("Ensure this e-mail address has at most %(limit)d characters."),
            code="recipient_too_long",
            params={"limit": RECIPIENT_MAX_LENGTH},
        )
    validate_email(to_email)


def dispatch_hold() -> timedelta:
    return timedelta(seconds=settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS)


def sending_grace() -> timedelta:
    return timedelta(seconds=settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS)


# After the broker failed to take a message, this process leaves it alone for a moment: each
# try costs up to the broker's socket timeouts (about 1.5 s when Redis is frozen), and a
# request that queues many messages (a bulk approval) must not pay that for every one.
BROKER_PAUSE_SECONDS = 5.0
_broker_paused_until = 0.0


def message_dispatch(*, message_id: int) -> bool:
    """Hand a stored message to the broker; on failure it stays queued for the sweep.

    The caller has marked the row dispatched (``dispatched_at``) before: a task may run before
    this function returns. A failed hand-over clears the mark, so the sweep need not wait.
    """
    global _broker_paused_until
    from .tasks import outbox_message_send

    if time.monotonic() >= _broker_paused_until:
        try:
            outbox_message_send.delay(message_id)
        except Exception:  # the broker is down or refused: the sweep will pick the message up
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "Could not dispatch message %s; it stays queued.", message_id, exc_info=True
            )
        else:
            return True
    try:
        OutboxMessage.objects.filter(pk=message_id, status=MessageStatus.QUEUED).update(
            dispatched_at=None
        )
    except DatabaseError:
        # The database went away too (this runs after the request's commit): the mark then
        # lapses after the dispatch hold, and the sweep takes the message.
        logger.warning("Could not clear the dispatch mark of message %s.", message_id)
    return False


def messages_dispatch(*, message_ids: list[int]) -> int:
    """Hand stored messages to the broker, ``SEND_BATCH`` to a task; returns how many went.

    The rules of :func:`message_dispatch` hold for each batch: the caller has marked every
    message dispatched, and what the broker does not take has its mark cleared and stays
    queued for the sweep.
    """
    global _broker_paused_until
    from .tasks import outbox_messages_send

    handed = 0
    for start in range(0, len(message_ids), SEND_BATCH):
        if time.monotonic() < _broker_paused_until:
            break
        batch = message_ids[start : start + SEND_BATCH]
        try:
            outbox_messages_send.delay(batch)
        except Exception:  # the broker is down or refused: the sweep will pick them up
            _broker_paused_until = time.monotonic() + BROKER_PAUSE_SECONDS
            logger.warning(
                "Could not dispatch %d messages; they stay queued.",
                len(message_ids) - handed,
                exc_info=True,
            )
            break
        handed += len(batch)
    if handed < len(message_ids):
        try:
            OutboxMessage.objects.filter(
                pk__in=message_ids[handed:], status=MessageStatus.QUEUED
            ).update(dispatched_at=None)
        except DatabaseError:
            logger.warning("Could not clear the dispatch mark of %d messages.", len(message_ids))
    return handed


def mail_queue_length() -> int | None:
    """How many tasks wait in the broker's mail queue; None when the broker cannot say."""
    from peernet.celery import app

    if app.conf.task_always_eager:
        return 0
    queue = app.amqp.router.route({}, "outbox.send")["queue"].name
    try:
        with app.connection_for_read() as connection:
            return connection.default_channel.queue_declare(queue=queue).message_count
    except Exception:  # the broker is down: nothing can be dispatched anyway
        logger.warning("Could not read the length of the %s queue.", queue, exc_info=True)
        return None


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


def _claim_due(*, message_id: int, now) -> OutboxMessage | None:
    """Claim a queued message that is due and still has its body, in one statement; None when
    it is not such a message.

    The claim is what :func:`_claim_checked` writes for such a message, in one round trip
    instead of four, and it commits at once (a worker calls this outside any transaction). A
    row that the sweep or another worker holds for a moment is waited for; a row whose
    delivery is under way is ``sending`` and does not match, so the statement never waits for
    an SMTP conversation.
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
    return claimed[0] if claimed else None


def _claim_checked(*, message_id: int, now) -> OutboxMessage | SendResult:
    """Claim the message after looking at why :func:`_claim_due` could not: it is not queued,
    not due, has lost its body, or became due a moment later. Returns the claimed message, or
    the result to report without sending."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=MessageStatus.QUEUED)
            .first()
        )
        if message is None:
            current = OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True)
            return SendResult(status=current.first() or "missing")
        if message.next_attempt_at > now + EARLY_TOLERANCE:
            # A copy the broker delivered again, or one queued twice: the back-off, and the
            # sweep that acts on it, own this message's next attempt.
            logger.info("Message %s is not due until %s.", message.pk, message.next_attempt_at)
            return SendResult(status=message.status)
        if message.body_erased_at is not None:
            # Whatever brought it back (a staff retry, the sweep, a task the broker delivered
            # again), there is nothing left to send: an empty mail would only confuse.
            message.status = MessageStatus.FAILED
            message.sending_since = None
            message.last_error = BODY_ERASED_ERROR
            message.save(update_fields=["status", "sending_since", "last_error"])
            logger.warning("Message %s was not sent again: its body was erased.", message.pk)
            return SendResult(status=message.status)
        # Committed before the SMTP conversation: the attempt counts even if the worker dies
        # in it, so a message that brings workers down reaches MAX_ATTEMPTS and stops.
        message.status = MessageStatus.SENDING
        message.sending_since = now
        message.attempts += 1
        message.dispatched_at = None
        message.save(update_fields=["status", "sending_since", "attempts", "dispatched_at"])
    return message


def message_send(*, message_id: int, connection=None) -> SendResult:
    """Deliver one stored message when it is due; safe to call twice, it is sent once.

    A call for a message that is not queued, or whose next attempt has not come, changes
    nothing and counts no attempt.
    """
    now = timezone.now()
    message = _claim_due(message_id=message_id, now=now)
    if message is None:
        message = _claim_checked(message_id=message_id, now=now)
        if isinstance(message, SendResult):
            return message

    accepted_at = None
    try:
        with transaction.atomic():
            # The lock is this worker's claim for as long as it talks to the server: the
            # sweep skips locked rows, and the lock ends with the worker's database session.
            OutboxMessage.objects.select_for_update().filter(pk=message.pk).values("pk").first()
            _deliver(message, connection)
            accepted_at = timezone.now()
            _delivery_record(message, accepted_at=accepted_at)
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        return _attempt_failed(message, error, reused=connection is None)
    except DatabaseError:
        if accepted_at is None:
            raise  # nothing was sent; the sweep sends the message once the row is free
        _delivery_record_retried(message, accepted_at=accepted_at)
    return SendResult(status=MessageStatus.SENT)


def messages_send(*, message_ids: list[int]) -> list[SendResult]:
    """Deliver a batch of stored messages one after the other, over the worker's one kept
    connection; safe to call twice, each message is sent once.

    Each message is claimed, locked for its SMTP conversation and recorded on its own by
    :func:`message_send`, so a worker that dies in the middle of a batch leaves the messages
    before it sent, the one it was at ``sending`` (taken back by the sweep after the grace)
    and the rest queued. While the batch runs, the messages still ahead of it keep a fresh
    dispatch mark: a slow mail server may make a batch outlast the dispatch hold, and the
    sweep must not hand those messages to a second task meanwhile.
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
        results.append(message_send(message_id=message_id))
    return results


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
    deadline = time.monotonic() + settings.PEERNET_OUTBOX_RECORD_RETRY_SECONDS
    pause = 0.1
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
            pause = min(pause * 2, 5.0)
        else:
            logger.info(
                "Message %s: its delivery was recorded once the database was back.", message.pk
            )
            return


def _attempt_failed(message: OutboxMessage, error: Exception, *, reused: bool) -> SendResult:
    if reused and not isinstance(error, smtplib.SMTPRecipientsRefused):
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


def messages_recover(*, now=None) -> int:
    """Take back messages left ``sending`` by a worker that died; returns how many.

    Only rows nobody holds (a sending worker keeps its row locked) and whose attempt began
    longer than the grace ago. With a record of acceptance, the message is marked sent; without
    one, the server never confirmed it, and it is queued again, with the same Message-ID.
    """
    now = now or timezone.now()
    recovered = 0
    with transaction.atomic():
        orphans = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=MessageStatus.SENDING, sending_since__lt=now - sending_grace())
            .only("pk", "attempts", "sent_at", "body_erased_at")
        )
        for message in orphans:
            if message.sent_at is not None or message.body_erased_at is not None:
                changes = {"status": MessageStatus.SENT, "sending_since": None}
                logger.warning("Message %s was found sending but was accepted: sent.", message.pk)
            elif message.attempts >= MAX_ATTEMPTS:
                changes = {
                    "status": MessageStatus.FAILED,
                    "sending_since": None,
                    "last_error": WORKER_STOPPED_ERROR,
                }
                logger.error("Message %s failed: its worker stopped on every attempt.", message.pk)
            else:
                changes = {
                    "status": MessageStatus.QUEUED,
                    "sending_since": None,
                    "next_attempt_at": now,
                    "dispatched_at": None,
                    "last_error": WORKER_STOPPED_ERROR,
                }
                logger.warning("Message %s was left sending by a worker; sent again.", message.pk)
            OutboxMessage.objects.filter(pk=message.pk).update(**changes)
            recovered += 1
    return recovered


def messages_sweep() -> int:
    """Recover messages of dead workers, then dispatch the due queued messages that no task
    holds; returns how many were dispatched."""
    now = timezone.now()
    messages_recover(now=now)
    due = OutboxMessage.objects.filter(status=MessageStatus.QUEUED, next_attempt_at__lte=now)
    unheld = Q(dispatched_at__isnull=True)
    if due.filter(dispatched_at__lt=now - dispatch_hold()).exists() and mail_queue_length() == 0:
        # Dispatched a while ago and the queue is empty: that task is lost (a broker that
        # restarted without its data, a purge). While a backlog drains, it is not.
        unheld |= Q(dispatched_at__lt=now - dispatch_hold())
    with transaction.atomic():
        claimed = list(
            due.filter(unheld)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:SWEEP_BATCH]
        )
        OutboxMessage.objects.filter(pk__in=claimed).update(dispatched_at=now)
    for message_id in claimed:
        message_dispatch(message_id=message_id)
    return len(claimed)


def message_retry(*, message: OutboxMessage) -> bool:
    """Give a failed message another chance (staff action); False when it cannot have one.

    A message whose body was erased stays failed: sending it again would send nothing.
    """
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, status=MessageStatus.FAILED, body_erased_at__isnull=True
        ).update(
            status=MessageStatus.QUEUED,
            attempts=0,
            next_attempt_at=timezone.now(),
            dispatched_at=timezone.now(),
        )
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
