"""One pipeline for every kind of calendar mail (``calendar_kinds.py``), idempotent per revision.

A meeting's mail to its members goes out in chunks that the workers share. The entry point of
the change that calls for it lists the members still to be sent it and starts one task per
chunk of ``CHUNK_SIZE`` of them (:func:`calendar_mail_fan_out`). A chunk is a range of member
ids, not a list: the first range is open below and the last open above, so that together they
cover every member, one approved while the chunks wait included, and each chunk reads its
members when it runs, so that one who left meanwhile is not written to.

A chunk (:func:`calendar_mail_deliver`) that sends invitations first creates its members'
missing invitation rows in one statement and a short transaction of its own (which locks the
meeting's key first, as every writer of invitations does). Then, in one transaction, it locks
the invitations of its members (in id order, the order every sender locks them in), reads the
meeting once under those locks, renders each member's mail in their language, stores all of
it in the outbox in one statement, each message under its deduplication key, and records what
was sent. A chunk run twice, beside another chunk, beside the sweep or beside a new member's
own invitations waits for the locks and then finds the mail sent: every member gets each
revision once. If the meeting changed since the chunk was queued so that the mail no longer
fits, the chunk sends nothing: the task started by that change sends what does. A lost chunk
task of invitations or cancellations is made up by the sweep (``invitations_sweep``).
"""

import logging

from django.core.exceptions import ValidationError
from django.db import connection as database_connection
from django.db import transaction
from django.db.models import QuerySet

from members import selectors as member_selectors
from peernet.dispatch import task_start
from peernet.outbox.services import messages_queue

from ..models import Invitation, Meeting
from .calendar_kinds import CalendarMailKind, Revision

logger = logging.getLogger(__name__)

# Members per chunk task: a few hundred keep a chunk's transaction and its locks short (well
# under a second), while the statements a chunk issues are shared by that many members.
CHUNK_SIZE = 250


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


def _in_range(members: QuerySet, *, after: int | None, upto: int | None) -> QuerySet:
    if after is not None:
        members = members.filter(pk__gt=after)
    if upto is not None:
        members = members.filter(pk__lte=upto)
    return members


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


def calendar_mail_deliver(
    *, kind: CalendarMailKind, meeting_id: int, revision: Revision, members: QuerySet
) -> int:
    """Mail ``members`` the ``kind`` of mail of ``revision`` where they still lack it; returns
    how many messages were queued. Nothing is sent when the meeting no longer calls for it."""
    users = []
    if kind.creates_invitations:
        users = list(members.select_related("registration").order_by("pk"))
        if not users:
            return 0
        _invitations_create(meeting_id=meeting_id, users=users)
    with transaction.atomic():
        invitations = list(
            # Lock the invitations only, not the members' rows joined to them. ``members`` is
            # read again here: a member who left since the line above is not written to.
            kind.invitations(meeting_id=meeting_id)
            .select_for_update(of=("self",))
            .filter(user__in=members)
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
        if not invitations:
            return 0
        # Read under the invitations' locks: a change since the chunk was queued is seen.
        meeting = Meeting.objects.filter(pk=meeting_id).first()
        if meeting is None or not kind.current(meeting=meeting, revision=revision):
            return 0
        for invitation in invitations:
            invitation.meeting = meeting
        messages, sent = [], []
        for invitation in kind.due(invitations=invitations, meeting=meeting, revision=revision):
            try:
                messages.append(
                    kind.message(invitation=invitation, meeting=meeting, revision=revision)
                )
            except ValidationError:
                # Forms never let such an address in; it must not hold up everyone else, and
                # left unsent, a corrected address is sent the mail by the next sweep.
                logger.warning(kind.unsent_warning, invitation.pk)
                continue
            sent.append(invitation.pk)
        messages_queue(messages=messages)
        kind.record(invitation_ids=sent, meeting=meeting)
        return len(sent)


def calendar_mail_chunk_send(
    *,
    kind: CalendarMailKind,
    meeting_id: int,
    revision: Revision,
    after: int | None,
    upto: int | None,
) -> int:
    """Send ``kind`` of ``revision`` to the members in ``(after, upto]`` who still lack it."""
    pending = kind.pending(meeting_id=meeting_id, revision=revision)
    return calendar_mail_deliver(
        kind=kind,
        meeting_id=meeting_id,
        revision=revision,
        members=_in_range(pending, after=after, upto=upto),
    )


# --- every member: in chunk tasks, or here ----------------------------------------------------


def _pending_ranges(
    *, kind: CalendarMailKind, meeting: Meeting, revision: Revision
) -> tuple[int, list[tuple[int | None, int | None]]]:
    pending = kind.pending(meeting_id=meeting.pk, revision=revision)
    member_ids = list(pending.order_by("pk").values_list("pk", flat=True))
    return len(member_ids), member_ranges(member_ids, size=CHUNK_SIZE)


def calendar_mail_fan_out(
    *, kind: CalendarMailKind, meeting: Meeting, revision: Revision | None = None
) -> int:
    """Start the chunk tasks that send ``kind`` of ``revision`` (by default the meeting as it
    is) to every member who lacks it; returns how many members that is now.

    Nothing is started for a meeting that no longer calls for the mail. Starting writes
    nothing, so there is no transaction to wait for. If the broker refuses a task, this worker
    sends the chunks left itself.
    """
    revision = revision or Revision.of(meeting)
    if not kind.current(meeting=meeting, revision=revision):
        return 0
    count, ranges = _pending_ranges(kind=kind, meeting=meeting, revision=revision)
    for index, (after, upto) in enumerate(ranges):
        arguments = kind.chunk_arguments(
            meeting_id=meeting.pk, revision=revision, after=after, upto=upto
        )
        try:
            task_start(kind.chunk_task, *arguments)
        except Exception:
            logger.warning(
                "Could not queue %d chunks of %s; sending them here.",
                len(ranges) - index,
                kind.chunk_task,
                exc_info=True,
            )
            for after_left, upto_left in ranges[index:]:
                calendar_mail_chunk_send(
                    kind=kind,
                    meeting_id=meeting.pk,
                    revision=revision,
                    after=after_left,
                    upto=upto_left,
                )
            break
    return count


def calendar_mail_send(
    *, kind: CalendarMailKind, meeting: Meeting, revision: Revision | None = None
) -> int:
    """Send ``kind`` of ``revision`` (by default the meeting as ``meeting`` holds it) to every
    member who lacks it, chunk after chunk in this process; returns how many were queued."""
    revision = revision or Revision.of(meeting)
    _count, ranges = _pending_ranges(kind=kind, meeting=meeting, revision=revision)
    return sum(
        calendar_mail_chunk_send(
            kind=kind, meeting_id=meeting.pk, revision=revision, after=after, upto=upto
        )
        for after, upto in ranges
    )
