"""How one member's calendar mail renders: the message, in the member's language, ready for
the outbox (``messages_queue`` stores a chunk's messages in one statement)."""

from peernet.outbox.models import OutboxMessage
from peernet.outbox.services import message_prepare, message_render

from .. import ical
from ..models import Invitation, Meeting
from ..replies.proof import reply_address
from .mail_context import invitation_mail_context


def _member_message_prepare(
    *,
    invitation: Invitation,
    context: dict,
    template: str,
    dedupe_key: str,
    carries_secret: bool,
    calendar: str = "",
    calendar_method: str = "",
) -> OutboxMessage:
    """Render ``meetings/email/<template>_*`` in the member's language, as the message of
    purpose ``meetings.<template>``. Raises ``ValidationError`` when the member's address is not
    one the outbox can send to."""
    user = invitation.user
    language = user.preferred_language
    rendered = message_render(
        template_prefix=f"meetings/email/{template}", context=context, language=language
    )
    return message_prepare(
        to_email=user.email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        language=language,
        purpose=f"meetings.{template}",
        dedupe_key=dedupe_key,
        calendar=calendar,
        calendar_method=calendar_method,
        carries_secret=carries_secret,
    )


def calendar_message_prepare(
    *, invitation: Invitation, meeting: Meeting, template: str, method: str
) -> OutboxMessage:
    """Render one member's REQUEST or CANCEL with its mail, ready to be stored in the outbox.

    ``template`` names the mail (``meetings/email/<template>_*``) and its purpose. Raises
    ``ValidationError`` when the member's address is not one the outbox can send to.
    """
    user = invitation.user
    language = user.preferred_language
    context = invitation_mail_context(invitation=invitation, meeting=meeting, language=language)
    attendee = ical.Person(name=user.get_full_name(), email=user.email)
    # The member's own reply address, the same in every revision: the reply it receives
    # proves which invitation it answers (meetings.replies.proof).
    host = ical.Person(
        name=ical.organizer().name,
        email=reply_address(user_id=user.pk, meeting_id=meeting.pk),
    )
    if method == "CANCEL":
        calendar = ical.calendar_cancel(
            meeting=meeting,
            attendee=attendee,
            language=language,
            links={"detail": context["links"]["detail"]},
            host=host,
        )
    else:
        calendar = ical.calendar_request(
            meeting=meeting,
            attendee=attendee,
            language=language,
            links=context["links"],
            host=host,
        )
    return _member_message_prepare(
        invitation=invitation,
        context=context,
        template=template,
        dedupe_key=f"meetings.{method.lower()}:{invitation.pk}:{meeting.sequence}",
        calendar=calendar,
        calendar_method=method,
        # A REQUEST's text and calendar hold the member's one-click answer links.
        carries_secret=method == "REQUEST",
    )


# A notice of a new time is stored under this key, followed by ``<invitation>:<sequence>``.
NEW_TIME_KEY_PREFIX = "meetings.rescheduled:"


def new_time_dedupe_key(*, invitation_id: int, sequence: int) -> str:
    return f"{NEW_TIME_KEY_PREFIX}{invitation_id}:{sequence}"


def new_time_message_prepare(
    *, invitation: Invitation, meeting: Meeting, sequence: int
) -> OutboxMessage:
    """Render the plain e-mail, with no calendar part, that tells a member who declined the
    meeting when it now takes place; ``sequence`` is the revision that moved it.

    Raises ``ValidationError`` when the member's address is not one the outbox can send to.
    """
    language = invitation.user.preferred_language
    return _member_message_prepare(
        invitation=invitation,
        context=invitation_mail_context(invitation=invitation, meeting=meeting, language=language),
        template="rescheduled",
        dedupe_key=new_time_dedupe_key(invitation_id=invitation.pk, sequence=sequence),
        # The links to answer again act for the member.
        carries_secret=True,
    )
