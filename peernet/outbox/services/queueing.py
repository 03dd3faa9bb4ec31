"""Putting mail in the outbox: render it in the recipient's language, check it, store it, and
dispatch it once the current transaction commits.

Every message is stored by :func:`messages_queue`, in one statement however many there are; a
message queued alone is a list of one. The task that sends a message is dispatched only after
the transaction that stored it commits, so a rolled-back request sends nothing.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from peernet.text import visible_line

from ..models import OutboxMessage
from .dispatching import messages_dispatch
from .tuning import QUEUE_BATCH

# The recipient column's size, and the longest address SMTP carries (RFC 5321, 4.5.3.1.3).
RECIPIENT_MAX_LENGTH = OutboxMessage._meta.get_field("to_email").max_length


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


def recipient_validate(to_email: str) -> None:
    """Refuse what forms should already have refused, for the code paths that skip them."""
    if not isinstance(to_email, str) or len(to_email) > RECIPIENT_MAX_LENGTH:
        raise ValidationError(
            _("Ensure this e-mail address has at most %(limit)d characters."),
            code="recipient_too_long",
            params={"limit": RECIPIENT_MAX_LENGTH},
        )
    validate_email(to_email)


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
    """A message as :func:`messages_queue` stores it, checked but not saved yet.

    ``carries_secret`` marks a message whose body acts for its recipient (a password reset, an
    address confirmation, one-click answers): staff never see that body, and it is erased once
    delivered. An address that is not one, or longer than the column and SMTP allow, raises
    ``ValidationError``.
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


def messages_queue(*, messages: list[OutboxMessage], batched: bool = True) -> list[OutboxMessage]:
    """Store prepared messages (:func:`message_prepare`) in one statement, and dispatch them
    once the current transaction commits: ``SEND_BATCH`` to a task, or, not ``batched``, each
    to a task of its own.

    A message whose ``dedupe_key`` is already used (by an earlier message, or by one stored
    meanwhile by another transaction) is not stored and not dispatched, and the list returned
    holds the stored message in its place, in the order given.
    """
    if not messages:
        return []
    now = timezone.now()
    for message in messages:
        message.dispatched_at = now
    # A key used before makes its row a conflict that PostgreSQL skips, as it does a key that a
    # concurrent transaction holds once that one commits; nothing is stored twice.
    OutboxMessage.objects.bulk_create(messages, ignore_conflicts=True, batch_size=QUEUE_BATCH)
    queued_ids = _stored_ids_fill(messages)
    skipped = {message.dedupe_key for message in messages if message.pk is None}
    existing = (
        {row.dedupe_key: row for row in OutboxMessage.objects.filter(dedupe_key__in=skipped)}
        if skipped
        else {}
    )
    if queued_ids:
        transaction.on_commit(lambda: messages_dispatch(message_ids=queued_ids, batched=batched))
    return [
        message if message.pk is not None else existing[message.dedupe_key]
        for message in messages
        if message.pk is not None or message.dedupe_key in existing
    ]


def _stored_ids_fill(messages: list[OutboxMessage]) -> list[int]:
    """Give the messages this call stored their ids, and return those ids in order.

    Rows inserted with conflicts ignored come back without their ids. Each message made its own
    Message-ID, so a row found under one is the row this call stored.
    """
    stored = dict(
        OutboxMessage.objects.filter(
            message_id__in=[message.message_id for message in messages]
        ).values_list("message_id", "pk")
    )
    ids = []
    for message in messages:
        pk = stored.get(message.message_id)
        if pk is not None:
            message.pk = pk
            message._state.adding = False
            message._state.db = OutboxMessage.objects.db
            ids.append(pk)
    return ids


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
    """Store one message, as :func:`messages_queue` stores a list of one, and dispatch it to a
    task of its own once the current transaction commits.

    With a ``dedupe_key`` already used, the existing message is returned and nothing is queued.
    The rules of :func:`message_prepare` apply: an address that is not one raises
    ``ValidationError`` and stores nothing.
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
    [stored] = messages_queue(messages=[message], batched=False)
    return stored


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
