"""When a meeting's calendar mail goes out: one entry point for each event that calls for it.

Each entry point names a kind of mail (``calendar_kinds.py``) and hands it to the one pipeline
(``calendar_mail.py``), which says why every member gets each revision once. The tasks that
call them are started after the change commits, by name (``peernet.dispatch``):

- a meeting scheduled or changed: :func:`meeting_invitations_fan_out` (the REQUEST);
- a meeting cancelled: :func:`meeting_cancellations_fan_out` (the CANCEL);
- a meeting moved: :func:`meeting_reschedule_notices_send` (the new time, to those who declined);
- a member approved: :func:`member_invitations_send`;
- a member answering again: :func:`invitation_deliver` brings their copy up to date;
- the periodic sweep: :func:`invitations_sweep`, which sends what a lost task did not;
- a member leaving: ``departures.member_departure``.
"""

from datetime import datetime

from django.contrib.auth import get_user_model

from members import selectors as member_selectors

from .. import selectors
from ..choices import MeetingStatus
from ..models import Meeting
from .calendar_kinds import CANCELLATION, INVITATION, NEW_TIME, Revision
from .calendar_mail import calendar_mail_deliver, calendar_mail_fan_out, calendar_mail_send


def meeting_invitations_fan_out(*, meeting: Meeting) -> int:
    """Start the chunk tasks that send the meeting's current revision to every member who
    lacks it; returns how many members that is now."""
    return calendar_mail_fan_out(kind=INVITATION, meeting=meeting)


def meeting_cancellations_fan_out(*, meeting: Meeting) -> int:
    """Start the chunk tasks that send the CANCEL to every member who was sent the meeting;
    returns how many members that is now (none for a meeting that is not cancelled)."""
    return calendar_mail_fan_out(kind=CANCELLATION, meeting=meeting)


def meeting_reschedule_notices_send(
    *, meeting_id: int, sequence: int, starts_at: datetime, ends_at: datetime
) -> int:
    """Start the chunk tasks that tell every active member who declined the meeting that it
    moved to ``starts_at``; returns how many members that is now.

    ``sequence``, ``starts_at`` and ``ends_at`` are the meeting's revision and times as the
    change that moved it left them. Nothing is sent for a meeting that is cancelled, that has
    started, or that has moved again since.
    """
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        return 0
    revision = Revision(sequence=sequence, starts_at=starts_at, ends_at=ends_at)
    return calendar_mail_fan_out(kind=NEW_TIME, meeting=meeting, revision=revision)


def invitation_deliver(*, meeting: Meeting, user) -> bool:
    """Mail ``user`` the meeting's revision as ``meeting`` holds it, as a REQUEST, if not done
    already.

    Returns whether a message was queued. Members who declined get no updates, and nothing is
    sent for a meeting that started, or for one that changed since ``meeting`` was read.
    """
    return bool(
        calendar_mail_deliver(
            kind=INVITATION,
            meeting_id=meeting.pk,
            revision=Revision.of(meeting),
            members=get_user_model().objects.filter(pk=user.pk),
        )
    )


def member_invitations_send(*, user) -> int:
    """Invite a new member to every upcoming meeting."""
    if not member_selectors.members_active().filter(pk=user.pk).exists():
        return 0
    return sum(
        invitation_deliver(meeting=meeting, user=user) for meeting in selectors.meetings_open()
    )


def meeting_invitations_send(*, meeting: Meeting) -> int:
    """Invite every member to a meeting, or send them its latest revision, chunk after chunk
    in this process; returns the count."""
    return calendar_mail_send(kind=INVITATION, meeting=meeting)


def meeting_cancellations_send(*, meeting: Meeting) -> int:
    """Mail the CANCEL to every member who was sent the meeting and is still a member, chunk
    after chunk in this process; returns the count."""
    return calendar_mail_send(kind=CANCELLATION, meeting=meeting)


def invitations_sweep() -> int:
    """Send whatever a lost task did not: missing invitations, updates and cancellations.

    A lost notice of a new time is not made up: what the sweep reads of a meeting does not say
    whether its time changed at its current revision.
    """
    sent = 0
    for meeting in selectors.meetings_open():
        sent += calendar_mail_send(kind=INVITATION, meeting=meeting)
    cancelled = selectors.meetings_upcoming().filter(status=MeetingStatus.CANCELLED)
    for meeting in cancelled:
        sent += calendar_mail_send(kind=CANCELLATION, meeting=meeting)
    return sent
