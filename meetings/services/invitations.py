"""Invitations (iTIP REQUEST and CANCEL, RFC 5546) to every member, idempotent per revision."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from members import selectors as member_selectors
from peernet.outbox.services import message_send_templated

from .. import ical, selectors
from ..choices import MeetingStatus, Response
from ..links import invitation_links
from ..models import Invitation, Meeting
from ..timezones import EASTERN, meeting_zone_times, zone_for_province


def invitation_mail_context(*, invitation: Invitation, meeting: Meeting, language: str) -> dict:
    own_zone = zone_for_province(member_selectors.member_province(invitation.user))
    return {
        "meeting": meeting,
        "user": invitation.user,
        "invitation": invitation,
        "links": invitation_links(invitation=invitation, language=language),
        "starts_eastern": meeting.starts_at.astimezone(EASTERN),
        "ends_eastern": meeting.ends_at.astimezone(EASTERN),
        "own_times": next(
            (
                times
                for times in meeting_zone_times(
                    starts_at=meeting.starts_at, ends_at=meeting.ends_at, own_zone=own_zone
                )
                if times.is_own and times.zone.key != EASTERN.key
            ),
            None,
        ),
    }


def _attendee(user) -> ical.Person:
    return ical.Person(name=user.get_full_name(), email=user.email)


def calendar_mail_queue(*, invitation: Invitation, meeting: Meeting, kind: str) -> None:
    """Render one member's REQUEST or CANCEL with its mail and store both in the outbox."""
    user = invitation.user
    language = user.preferred_language
    context = invitation_mail_context(invitation=invitation, meeting=meeting, language=language)
    if kind in ("cancellation", "departure"):
        calendar = ical.calendar_cancel(
            meeting=meeting,
            attendee=_attendee(user),
            language=language,
            links={"detail": context["links"]["detail"]},
        )
        method = "CANCEL"
    else:
        calendar = ical.calendar_request(
            meeting=meeting, attendee=_attendee(user), language=language, links=context["links"]
        )
        method = "REQUEST"
    message_send_templated(
        to_email=user.email,
        template_prefix=f"meetings/email/{kind}",
        context=context,
        language=language,
        purpose=f"meetings.{kind}",
        dedupe_key=f"meetings.{method.lower()}:{invitation.pk}:{meeting.sequence}",
        calendar=calendar,
        calendar_method=method,
        # A REQUEST's text and calendar hold the member's one-click answer links.
        carries_secret=method == "REQUEST",
    )


def invitation_get_or_create(*, meeting: Meeting, user) -> Invitation:
    defaults = {"wants_interpretation": member_selectors.member_wants_interpretation(user)}
    try:
        with transaction.atomic():
            invitation, _created = Invitation.objects.get_or_create(
                meeting=meeting, user=user, defaults=defaults
            )
    except IntegrityError:  # another worker created it between the lookup and the insert
        invitation = Invitation.objects.get(meeting=meeting, user=user)
    return invitation


def invitation_deliver(*, meeting: Meeting, user) -> bool:
    """Mail ``user`` the meeting's current revision as a REQUEST, if not done already.

    Returns whether a message was queued. Members who declined get no updates (RFC 5546 lets
    the organiser leave them out), and nothing is sent for a meeting that started.
    """
    with transaction.atomic():
        invitation = invitation_get_or_create(meeting=meeting, user=user)
        invitation = (
            # Lock the invitation only, not the member's row joined to it.
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=invitation.pk)
        )
        # Read the meeting under the invitation's lock: if it changed since the caller read
        # it, the task dispatched by that change sends the newer revision instead.
        current = Meeting.objects.get(pk=meeting.pk)
        if (
            current.sequence != meeting.sequence
            or not current.is_open
            or current.starts_at <= timezone.now()
        ):
            return False
        if invitation.sequence_sent is not None and invitation.sequence_sent >= current.sequence:
            return False
        first = invitation.sequence_sent is None
        if not first and invitation.response == Response.DECLINED:
            return False
        calendar_mail_queue(
            invitation=invitation, meeting=current, kind="invitation" if first else "update"
        )
        invitation.sequence_sent = current.sequence
        invitation.save(update_fields=["sequence_sent"])
        return True


def invitation_cancel_deliver(*, invitation: Invitation) -> bool:
    """Mail the CANCEL of the meeting's current revision to one invited member."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user", "meeting")
            .get(pk=invitation.pk)
        )
        meeting = invitation.meeting
        if not meeting.is_cancelled or invitation.sequence_sent is None:
            return False
        if invitation.sequence_sent >= meeting.sequence:
            return False
        calendar_mail_queue(invitation=invitation, meeting=meeting, kind="cancellation")
        invitation.sequence_sent = meeting.sequence
        invitation.save(update_fields=["sequence_sent"])
        return True


def meeting_invitations_send(*, meeting: Meeting) -> int:
    """Invite every member to a meeting, or send them its latest revision; returns the count."""
    sent = 0
    for user in member_selectors.members_active().select_related("registration").order_by("pk"):
        sent += invitation_deliver(meeting=meeting, user=user)
    return sent


def meeting_cancellations_send(*, meeting: Meeting) -> int:
    """Mail the CANCEL to every member who was sent the meeting and is still a member.

    Members who declined get it too: several clients keep declined events on the calendar.
    """
    sent = 0
    invitations = meeting.invitations.filter(
        user__in=member_selectors.members_active(), sequence_sent__isnull=False
    ).order_by("pk")
    for invitation in invitations:
        sent += invitation_cancel_deliver(invitation=invitation)
    return sent


def member_invitations_send(*, user) -> int:
    """Invite a new member to every upcoming meeting."""
    if not member_selectors.members_active().filter(pk=user.pk).exists():
        return 0
    return sum(
        invitation_deliver(meeting=meeting, user=user) for meeting in selectors.meetings_open()
    )


def invitations_sweep() -> int:
    """Send whatever a lost task did not: missing invitations, updates and cancellations."""
    sent = 0
    for meeting in selectors.meetings_open():
        sent += meeting_invitations_send(meeting=meeting)
    cancelled = selectors.meetings_upcoming().filter(status=MeetingStatus.CANCELLED)
    for meeting in cancelled:
        sent += meeting_cancellations_send(meeting=meeting)
    return sent
