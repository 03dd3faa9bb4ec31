"""The kinds of calendar mail a meeting sends its members, and what each one decides.

Every kind goes out through one pipeline (``calendar_mail.py``), with the same chunks and the
same guarantees. What differs from one kind to the next is said here, by a
:class:`CalendarMailKind`: who is still to be sent it, which invitation rows a chunk locks,
whether the meeting as the chunk reads it still calls for it, which of the locked members still
lack it, how one member's message renders and how the chunk records it, and which task sends
a chunk of it.

- ``INVITATION``: the iTIP REQUEST (RFC 5546, 3.2.2) that invites a member, or updates their
  copy to the meeting's current revision. Members who declined get no updates (RFC 5546 lets
  the organiser leave them out).
- ``CANCELLATION``: the CANCEL (RFC 5546, 3.2.5) of a cancelled meeting, to every member who
  was sent an earlier revision. Members who declined get it too: several clients keep declined
  events on the calendar.
- ``DEPARTURE``: the CANCEL that removes an upcoming meeting from the calendar of a member who
  leaves, so that no join link stays with a former member.
- ``NEW_TIME``: members who declined keep their calendar as they left it, but a new time may
  suit them: they get an ordinary e-mail, with no calendar part, saying when the meeting now
  takes place, with the links to answer again. It goes out once per member and per revision
  whose time changed: its deduplication key names the invitation and the meeting's SEQUENCE at
  that change.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from members import selectors as member_selectors
from peernet.outbox.models import OutboxMessage

from ..choices import MeetingStatus, Response
from ..models import Invitation, Meeting
from .calendar_messages import (
    NEW_TIME_KEY_PREFIX,
    calendar_message_prepare,
    new_time_dedupe_key,
    new_time_message_prepare,
)


@dataclass(frozen=True)
class Revision:
    """The meeting as the change that queued its mail left it; a chunk compares the meeting it
    reads with this. A field left ``None`` is not compared: the mail is for the meeting as the
    chunk finds it."""

    sequence: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None

    @classmethod
    def of(cls, meeting: Meeting) -> "Revision":
        return cls(sequence=meeting.sequence, starts_at=meeting.starts_at, ends_at=meeting.ends_at)


class CalendarMailKind:
    """One kind of calendar mail: the pipeline asks it whatever is not the same for every kind.

    ``revision`` is always the :class:`Revision` the change that queued the mail left.
    """

    #: The task that sends one chunk of this kind; empty for a kind never sent in chunk tasks.
    chunk_task = ""
    #: Whether a chunk first makes the invitation rows its members lack (only an invitation
    #: makes them).
    creates_invitations = False
    #: Logged, with the invitation's id, for a member whose address cannot be sent to.
    unsent_warning = "Calendar mail of invitation %s was not sent: the address cannot be sent to."

    def pending(self, *, meeting_id: int, revision: Revision) -> QuerySet:
        """The members still to be sent this mail."""
        raise NotImplementedError

    def invitations(self, *, meeting_id: int) -> QuerySet:
        """The invitation rows a chunk locks, before it narrows them to its members."""
        raise NotImplementedError

    def current(self, *, meeting: Meeting, revision: Revision) -> bool:
        """Whether the meeting as it is now still calls for this mail of ``revision``."""
        raise NotImplementedError

    def due(self, *, invitations: list, meeting: Meeting, revision: Revision) -> list:
        """The locked invitations that still lack this mail."""
        return invitations

    def message(self, *, invitation: Invitation, meeting: Meeting, revision: Revision):
        """One member's message, prepared for the outbox (``ValidationError`` for an address
        that cannot be sent to)."""
        raise NotImplementedError

    def record(self, *, invitation_ids: list[int], meeting: Meeting) -> None:
        """Remember what was sent: the revision, on each invitation."""
        Invitation.objects.filter(pk__in=invitation_ids).update(sequence_sent=meeting.sequence)

    def chunk_arguments(
        self, *, meeting_id: int, revision: Revision, after: int | None, upto: int | None
    ) -> tuple:
        """The arguments of :attr:`chunk_task` for the members in ``(after, upto]``."""
        raise NotImplementedError


class InvitationMail(CalendarMailKind):
    chunk_task = "meetings.invitations_chunk_send"
    creates_invitations = True
    unsent_warning = "Invitation %s was not sent: the member's address cannot be sent to."

    def pending(self, *, meeting_id: int, revision: Revision) -> QuerySet:
        """Members not yet sent this revision, less those who declined an earlier one."""
        done = Invitation.objects.filter(meeting_id=meeting_id, user=OuterRef("pk")).filter(
            Q(sequence_sent__gte=revision.sequence)
            | Q(sequence_sent__isnull=False, response=Response.DECLINED)
        )
        return member_selectors.members_active().exclude(Exists(done))

    def invitations(self, *, meeting_id: int) -> QuerySet:
        return Invitation.objects.filter(meeting_id=meeting_id)

    def current(self, *, meeting: Meeting, revision: Revision) -> bool:
        # A meeting changed since: the task queued by that change sends the newer revision.
        return (
            meeting.sequence == revision.sequence
            and meeting.is_open
            and meeting.starts_at > timezone.now()
        )

    def due(self, *, invitations: list, meeting: Meeting, revision: Revision) -> list:
        return [
            invitation
            for invitation in invitations
            if invitation.sequence_sent is None
            or (
                invitation.sequence_sent < meeting.sequence
                and invitation.response != Response.DECLINED
            )
        ]

    def message(self, *, invitation: Invitation, meeting: Meeting, revision: Revision):
        template = "invitation" if invitation.sequence_sent is None else "update"
        return calendar_message_prepare(
            invitation=invitation, meeting=meeting, template=template, method="REQUEST"
        )

    def chunk_arguments(self, *, meeting_id, revision, after, upto) -> tuple:
        return (meeting_id, revision.sequence, after, upto)


class CancellationMail(CalendarMailKind):
    chunk_task = "meetings.cancellations_chunk_send"
    unsent_warning = (
        "The cancellation of invitation %s was not sent: the member's address cannot be sent to."
    )

    def pending(self, *, meeting_id: int, revision: Revision) -> QuerySet:
        """Members sent an earlier revision of the meeting than its current one."""
        sent_earlier = Invitation.objects.filter(
            meeting_id=meeting_id,
            user=OuterRef("pk"),
            sequence_sent__isnull=False,
            sequence_sent__lt=F("meeting__sequence"),
        )
        return member_selectors.members_active().filter(Exists(sent_earlier))

    def invitations(self, *, meeting_id: int) -> QuerySet:
        return Invitation.objects.filter(meeting_id=meeting_id, sequence_sent__isnull=False)

    def current(self, *, meeting: Meeting, revision: Revision) -> bool:
        return meeting.is_cancelled

    def due(self, *, invitations: list, meeting: Meeting, revision: Revision) -> list:
        return [
            invitation for invitation in invitations if invitation.sequence_sent < meeting.sequence
        ]

    def message(self, *, invitation: Invitation, meeting: Meeting, revision: Revision):
        return calendar_message_prepare(
            invitation=invitation, meeting=meeting, template="cancellation", method="CANCEL"
        )

    def chunk_arguments(self, *, meeting_id, revision, after, upto) -> tuple:
        return (meeting_id, after, upto)


class DepartureMail(CalendarMailKind):
    """Sent to one member, in the transaction of their departure: never in chunk tasks."""

    unsent_warning = (
        "The withdrawal of invitation %s was not sent: the member's address cannot be sent to."
    )

    def pending(self, *, meeting_id: int, revision: Revision) -> QuerySet:
        """Everyone who was sent the meeting, members or not: a departure names its member."""
        sent = Invitation.objects.filter(
            meeting_id=meeting_id, user=OuterRef("pk"), sequence_sent__isnull=False
        )
        return get_user_model().objects.filter(Exists(sent))

    def invitations(self, *, meeting_id: int) -> QuerySet:
        return Invitation.objects.filter(meeting_id=meeting_id, sequence_sent__isnull=False)

    def current(self, *, meeting: Meeting, revision: Revision) -> bool:
        # A cancelled meeting was removed already; one that is over no longer matters.
        return meeting.is_open

    def message(self, *, invitation: Invitation, meeting: Meeting, revision: Revision):
        return calendar_message_prepare(
            invitation=invitation, meeting=meeting, template="departure", method="CANCEL"
        )

    def record(self, *, invitation_ids: list[int], meeting: Meeting) -> None:
        """Nothing: the invitations go with the departure."""


class NewTimeMail(CalendarMailKind):
    chunk_task = "meetings.reschedule_notices_chunk_send"
    unsent_warning = (
        "The new time of invitation %s was not sent: the member's address cannot be sent to."
    )

    def pending(self, *, meeting_id: int, revision: Revision) -> QuerySet:
        """Active members who declined a revision they were sent, not yet told this new time."""
        told = OutboxMessage.objects.filter(
            dedupe_key=Concat(
                Value(NEW_TIME_KEY_PREFIX),
                Cast(OuterRef("pk"), output_field=CharField()),
                Value(f":{revision.sequence}"),
                output_field=CharField(),
            )
        )
        declined = Invitation.objects.filter(
            meeting_id=meeting_id,
            user=OuterRef("pk"),
            response=Response.DECLINED,
            sequence_sent__isnull=False,
        ).exclude(Exists(told))
        return member_selectors.members_active().filter(Exists(declined))

    def invitations(self, *, meeting_id: int) -> QuerySet:
        # An answer given since the chunk was queued is read as it is now, under the lock.
        return Invitation.objects.filter(
            meeting_id=meeting_id, response=Response.DECLINED, sequence_sent__isnull=False
        )

    def current(self, *, meeting: Meeting, revision: Revision) -> bool:
        # A later change of the time queued a task of its own, which tells the newer time; a
        # later change of anything else leaves this time to be told.
        return (
            meeting.status == MeetingStatus.SCHEDULED
            and meeting.starts_at > timezone.now()
            and meeting.sequence >= revision.sequence
            and (meeting.starts_at, meeting.ends_at) == (revision.starts_at, revision.ends_at)
        )

    def due(self, *, invitations: list, meeting: Meeting, revision: Revision) -> list:
        # Read under the invitations' locks: a chunk run twice, or beside another, finds the
        # notices stored and renders nothing again.
        keys = {
            invitation.pk: new_time_dedupe_key(
                invitation_id=invitation.pk, sequence=revision.sequence
            )
            for invitation in invitations
        }
        told = set(
            OutboxMessage.objects.filter(dedupe_key__in=keys.values()).values_list(
                "dedupe_key", flat=True
            )
        )
        return [invitation for invitation in invitations if keys[invitation.pk] not in told]

    def message(self, *, invitation: Invitation, meeting: Meeting, revision: Revision):
        return new_time_message_prepare(
            invitation=invitation, meeting=meeting, sequence=revision.sequence
        )

    def record(self, *, invitation_ids: list[int], meeting: Meeting) -> None:
        """Nothing: the message stored under its key is the record (the member's calendar
        copy, and so ``sequence_sent``, is left as it was)."""

    def chunk_arguments(self, *, meeting_id, revision, after, upto) -> tuple:
        starts_at, ends_at = revision.starts_at.isoformat(), revision.ends_at.isoformat()
        return (meeting_id, revision.sequence, starts_at, ends_at, after, upto)


INVITATION = InvitationMail()
CANCELLATION = CancellationMail()
DEPARTURE = DepartureMail()
NEW_TIME = NewTimeMail()
