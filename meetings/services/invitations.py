"""Invitations (iTIP REQUEST and CANCEL, RFC 5546) to every member, idempotent per revision.

A meeting's mail to every member goes out in chunks that the workers share. The task a change
queues (``meetings.invitations_send``, or ``meetings.cancellations_send``) lists the members
still to be sent the meeting's current revision and queues one task per chunk of
``INVITATION_CHUNK`` of them. A chunk is a range of member ids, not a list: the first range is
open below and the last open above, so that together they cover every member, one approved
while the chunks wait included, and each chunk reads its members when it runs, so that one who
left meanwhile is not written to.

A chunk creates its members' missing invitation rows in one statement and a short transaction
of its own (which locks the meeting's key first, as every writer of invitations does). Then,
in one transaction, it locks the invitations of its members (in id order, the order every
sender locks them in), reads the meeting once under those locks, renders each member's mail
in their language and stores all of it in the outbox in one statement, each message under its
deduplication key (invitation and revision), and records the revision sent. A chunk run twice,
beside another chunk, beside the sweep or beside a new member's own invitations waits for the
locks and then finds the revision sent: every member gets each revision once. If the meeting
changed since the chunk was queued, the chunk sends nothing: the task queued by that change
sends the newer revision. A chunk task that is lost is made up by the sweep.
"""

import logging

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db import connection as database_connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from members import selectors as member_selectors
from peernet.outbox.models import OutboxMessage
from peernet.outbox.services import message_prepare, message_render, messages_queue

from .. import ical, selectors
from ..choices import MeetingStatus, Response
from ..links import invitation_links
from ..models import Invitation, Meeting
from ..timezones import EASTERN, meeting_zone_times, zone_for_province

logger = logging.getLogger(__name__)

# Members per chunk task: a few hundred keep a chunk's transaction and its locks short (well
# under a second), while the statements a chunk issues are shared by that many members.
INVITATION_CHUNK = 250


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


def calendar_mail_prepare(*, invitation: Invitation, meeting: Meeting, kind: str) -> OutboxMessage:
    """Render one member's REQUEST or CANCEL with its mail, ready to be stored in the outbox.

    Raises ``ValidationError`` when the member's address is not one the outbox can send to.
    """
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
    rendered = message_render(
        template_prefix=f"meetings/email/{kind}", context=context, language=language
    )
    return message_prepare(
        to_email=user.email,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        language=language,
        purpose=f"meetings.{kind}",
        dedupe_key=f"meetings.{method.lower()}:{invitation.pk}:{meeting.sequence}",
        calendar=calendar,
        calendar_method=method,
        # A REQUEST's text and calendar hold the member's one-click answer links.
        carries_secret=method == "REQUEST",
    )


def calendar_mail_queue(*, invitation: Invitation, meeting: Meeting, kind: str) -> None:
    """Render one member's REQUEST or CANCEL with its mail and store both in the outbox."""
    messages_queue(
        messages=[calendar_mail_prepare(invitation=invitation, meeting=meeting, kind=kind)]
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


# --- who still needs what ----------------------------------------------------------------------


def _requests_pending(*, meeting_id: int, sequence: int) -> QuerySet:
    """Members not yet sent this revision; those who declined one get no updates (RFC 5546
    lets the organiser leave them out)."""
    done = Invitation.objects.filter(meeting_id=meeting_id, user=OuterRef("pk")).filter(
        Q(sequence_sent__gte=sequence) | Q(sequence_sent__isnull=False, response=Response.DECLINED)
    )
    return member_selectors.members_active().exclude(Exists(done))


def _cancellations_pending(*, meeting_id: int) -> QuerySet:
    """Members sent an earlier revision of the meeting than its current one."""
    sent_earlier = Invitation.objects.filter(
        meeting_id=meeting_id,
        user=OuterRef("pk"),
        sequence_sent__isnull=False,
        sequence_sent__lt=F("meeting__sequence"),
    )
    return member_selectors.members_active().filter(Exists(sent_earlier))


def _in_range(members: QuerySet, *, after: int | None, upto: int | None) -> QuerySet:
    if after is not None:
        members = members.filter(pk__gt=after)
    if upto is not None:
        members = members.filter(pk__lte=upto)
    return members


def member_ranges(member_ids: list[int], *, size: int) -> list[tuple[int | None, int | None]]:
    """Cut sorted member ids into ``(after, upto]`` ranges of at most ``size`` of them.

    The first range is open below and the last open above (``None``): together they cover
    every id there is, not only the ones listed.
    """
    ranges, after = [], None
    for start in range(0, len(member_ids), size):
        end = start + size
        upto = member_ids[end - 1] if end < len(member_ids) else None
        ranges.append((after, upto))
        after = upto
    return ranges


# --- one chunk: lock, read the meeting once, render, store in bulk -----------------------------


def _meeting_key_share(meeting_id: int) -> None:
    """Lock the meeting against a change of its key (FOR KEY SHARE) until the transaction ends.

    New invitation rows take this lock anyway when their transaction commits (Django's foreign
    keys are checked then). Taking it first puts the transaction in the order of every other
    writer of invitations, who locks the meeting before the invitation (an answer does), so
    that the two cannot deadlock. A change of the meeting waits for it, briefly.
    """
    if database_connection.vendor != "postgresql":
        return  # SQLite lets one writer in at a time
    table = database_connection.ops.quote_name(Meeting._meta.db_table)
    with database_connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR KEY SHARE", [meeting_id])


def _invitations_create(*, meeting_id: int, users: list) -> None:
    """Create the members' missing invitation rows in one statement, in a short transaction of
    its own: the rows exist before the chunk locks them, with no revision sent yet."""
    with transaction.atomic():
        _meeting_key_share(meeting_id)
        Invitation.objects.bulk_create(
            [
                Invitation(
                    meeting_id=meeting_id,
                    user=user,
                    wants_interpretation=member_selectors.member_wants_interpretation(user),
                )
                for user in users
            ],
            # A member's row made by an earlier run or by a concurrent one (which this
            # statement waits for) is left as it is.
            ignore_conflicts=True,
        )


def _requests_deliver(*, meeting_id: int, sequence: int, members: QuerySet) -> int:
    """Mail ``members`` the meeting's revision ``sequence`` as a REQUEST where not done yet;
    returns how many messages were queued. Nothing is sent for a meeting that started."""
    users = list(members.select_related("registration").order_by("pk"))
    if not users:
        return 0
    _invitations_create(meeting_id=meeting_id, users=users)
    with transaction.atomic():
        invitations = list(
            # Lock the invitations only, not the members' rows joined to them. ``members`` is
            # read again here: a member who left since the line above is not written to.
            Invitation.objects.select_for_update(of=("self",))
            .filter(meeting_id=meeting_id, user__in=members)
            .select_related("user__registration")
            .order_by("pk")
        )
        left = {user.pk for user in users} - {invitation.user_id for invitation in invitations}
        if left:
            # Their departure committed after the first read: the rows made for them must not
            # count them as invited.
            Invitation.objects.filter(
                meeting_id=meeting_id, user_id__in=left, sequence_sent__isnull=True
            ).delete()
        # Read the meeting under the invitations' locks: if it changed since the chunk was
        # queued, the task dispatched by that change sends the newer revision instead.
        current = Meeting.objects.get(pk=meeting_id)
        if (
            current.sequence != sequence
            or not current.is_open
            or current.starts_at <= timezone.now()
        ):
            return 0
        messages, sent = [], []
        for invitation in invitations:
            first = invitation.sequence_sent is None
            if not first and (
                invitation.sequence_sent >= current.sequence
                or invitation.response == Response.DECLINED
            ):
                continue
            invitation.meeting = current
            kind = "invitation" if first else "update"
            try:
                messages.append(
                    calendar_mail_prepare(invitation=invitation, meeting=current, kind=kind)
                )
            except ValidationError:
                # Forms never let such an address in; it must not hold up everyone else.
                logger.warning(
                    "Invitation %s was not sent: the member's address cannot be sent to.",
                    invitation.pk,
                )
                continue
            sent.append(invitation.pk)
        messages_queue(messages=messages)
        Invitation.objects.filter(pk__in=sent).update(sequence_sent=current.sequence)
        return len(sent)


def _cancellations_deliver(*, meeting_id: int, members: QuerySet) -> int:
    """Mail ``members`` who were sent the meeting the CANCEL of its current revision."""
    with transaction.atomic():
        invitations = list(
            Invitation.objects.select_for_update(of=("self",))
            .filter(meeting_id=meeting_id, user__in=members, sequence_sent__isnull=False)
            .select_related("user__registration")
            .order_by("pk")
        )
        if not invitations:
            return 0
        meeting = Meeting.objects.get(pk=meeting_id)
        if not meeting.is_cancelled:
            return 0
        messages, sent = [], []
        for invitation in invitations:
            if invitation.sequence_sent >= meeting.sequence:
                continue
            invitation.meeting = meeting
            try:
                messages.append(
                    calendar_mail_prepare(
                        invitation=invitation, meeting=meeting, kind="cancellation"
                    )
                )
            except ValidationError:
                logger.warning(
                    "The cancellation of invitation %s was not sent: the member's address "
                    "cannot be sent to.",
                    invitation.pk,
                )
                continue
            sent.append(invitation.pk)
        messages_queue(messages=messages)
        Invitation.objects.filter(pk__in=sent).update(sequence_sent=meeting.sequence)
        return len(sent)


def invitation_deliver(*, meeting: Meeting, user) -> bool:
    """Mail ``user`` the meeting's current revision as a REQUEST, if not done already.

    Returns whether a message was queued. Members who declined get no updates (RFC 5546 lets
    the organiser leave them out), and nothing is sent for a meeting that started, or for one
    that changed since ``meeting`` was read.
    """
    users = get_user_model().objects.filter(pk=user.pk)
    return bool(_requests_deliver(meeting_id=meeting.pk, sequence=meeting.sequence, members=users))


def invitation_cancel_deliver(*, invitation: Invitation) -> bool:
    """Mail the CANCEL of the meeting's current revision to one invited member."""
    users = get_user_model().objects.filter(pk=invitation.user_id)
    return bool(_cancellations_deliver(meeting_id=invitation.meeting_id, members=users))


def meeting_invitations_chunk_send(
    *, meeting_id: int, sequence: int, after: int | None, upto: int | None
) -> int:
    """Send revision ``sequence`` to the members in ``(after, upto]`` who lack it."""
    pending = _requests_pending(meeting_id=meeting_id, sequence=sequence)
    return _requests_deliver(
        meeting_id=meeting_id,
        sequence=sequence,
        members=_in_range(pending, after=after, upto=upto),
    )


def meeting_cancellations_chunk_send(
    *, meeting_id: int, after: int | None, upto: int | None
) -> int:
    """Send the CANCEL to the members in ``(after, upto]`` who were sent the meeting."""
    pending = _cancellations_pending(meeting_id=meeting_id)
    return _cancellations_deliver(
        meeting_id=meeting_id, members=_in_range(pending, after=after, upto=upto)
    )


# --- every member: in chunk tasks, or here ----------------------------------------------------


def _ranges_of(pending: QuerySet) -> list[tuple[int | None, int | None]]:
    member_ids = list(pending.order_by("pk").values_list("pk", flat=True))
    return member_ranges(member_ids, size=INVITATION_CHUNK)


def _chunks_queue(task, run_here, ranges, *arguments) -> None:
    """Queue one task per range. The fan-out writes nothing, so there is no transaction to
    wait for. If the broker refuses one, this worker sends the chunks left itself."""
    for index, (after, upto) in enumerate(ranges):
        try:
            task.delay(*arguments, after, upto)
        except Exception:
            logger.warning(
                "Could not queue %d chunks of %s; sending them here.",
                len(ranges) - index,
                task.name,
                exc_info=True,
            )
            for after_left, upto_left in ranges[index:]:
                run_here(after_left, upto_left)
            return


def meeting_invitations_fan_out(*, meeting: Meeting) -> int:
    """Queue the chunk tasks that send the meeting's current revision to every member who
    lacks it; returns how many members that is now."""
    from ..tasks import meeting_invitations_chunk_send_task

    pending = _requests_pending(meeting_id=meeting.pk, sequence=meeting.sequence)
    member_ids = list(pending.order_by("pk").values_list("pk", flat=True))
    _chunks_queue(
        meeting_invitations_chunk_send_task,
        lambda after, upto: meeting_invitations_chunk_send(
            meeting_id=meeting.pk, sequence=meeting.sequence, after=after, upto=upto
        ),
        member_ranges(member_ids, size=INVITATION_CHUNK),
        meeting.pk,
        meeting.sequence,
    )
    return len(member_ids)


def meeting_cancellations_fan_out(*, meeting: Meeting) -> int:
    """Queue the chunk tasks that send the CANCEL to every member who was sent the meeting;
    returns how many members that is now."""
    from ..tasks import meeting_cancellations_chunk_send_task

    if not meeting.is_cancelled:
        return 0
    pending = _cancellations_pending(meeting_id=meeting.pk)
    member_ids = list(pending.order_by("pk").values_list("pk", flat=True))
    _chunks_queue(
        meeting_cancellations_chunk_send_task,
        lambda after, upto: meeting_cancellations_chunk_send(
            meeting_id=meeting.pk, after=after, upto=upto
        ),
        member_ranges(member_ids, size=INVITATION_CHUNK),
        meeting.pk,
    )
    return len(member_ids)


def meeting_invitations_send(*, meeting: Meeting) -> int:
    """Invite every member to a meeting, or send them its latest revision, chunk after chunk
    in this process; returns the count."""
    pending = _requests_pending(meeting_id=meeting.pk, sequence=meeting.sequence)
    return sum(
        meeting_invitations_chunk_send(
            meeting_id=meeting.pk, sequence=meeting.sequence, after=after, upto=upto
        )
        for after, upto in _ranges_of(pending)
    )


def meeting_cancellations_send(*, meeting: Meeting) -> int:
    """Mail the CANCEL to every member who was sent the meeting and is still a member.

    Members who declined get it too: several clients keep declined events on the calendar.
    """
    pending = _cancellations_pending(meeting_id=meeting.pk)
    return sum(
        meeting_cancellations_chunk_send(meeting_id=meeting.pk, after=after, upto=upto)
        for after, upto in _ranges_of(pending)
    )


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
