"""A meeting's mail to every member in chunks that the workers share: each chunk is safe to run
twice or beside another, members who join or leave meanwhile are treated right, a lost chunk
is made up by the sweep, and a change of the meeting mid-way sends only the newer revision."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings import services, tasks
from meetings.choices import Response
from meetings.models import Invitation, Meeting
from meetings.services import calendar_kinds, calendar_mail
from members.choices import RegistrationStatus
from members.models import Registration
from members.services import registration_withdraw
from peernet.outbox.models import OutboxMessage
from tests.meetings.factories import MeetingFactory
from tests.members.factories import MemberFactory, UserFactory

pytestmark = pytest.mark.unit


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(calendar_mail, "CHUNK_SIZE", 2)


@pytest.fixture
def queued_chunks(monkeypatch):
    """The chunk tasks the fan-out queues, kept instead of run: (task, arguments)."""
    queued = []

    def keep(task):
        return lambda arguments, **options: queued.append((task, arguments))

    for task in (
        tasks.meeting_invitations_chunk_send_task,
        tasks.meeting_cancellations_chunk_send_task,
        tasks.meeting_reschedule_notices_chunk_send_task,
    ):
        monkeypatch.setattr(task, "apply_async", keep(task))
    return queued


def chunk_send(*, meeting_id: int, sequence: int, after: int | None, upto: int | None) -> int:
    """One chunk of invitations, sent as its task sends it."""
    return tasks.meeting_invitations_chunk_send_task.run(meeting_id, sequence, after, upto)


def run(chunk) -> int:
    task, arguments = chunk
    return task.run(*arguments)


def members_named(prefix: str, count: int) -> list:
    return [
        MemberFactory(user=UserFactory(email=f"{prefix}{number}@gatineau.ca")).user
        for number in range(count)
    ]


def members(count: int) -> list:
    return members_named("member", count)


def requests_by_member(purpose: str | None = None) -> Counter:
    rows = OutboxMessage.objects.filter(purpose__startswith="meetings.")
    if purpose:
        rows = rows.filter(purpose=purpose)
    return Counter(rows.values_list("to_email", flat=True))


def sequences_sent(meeting) -> dict[str, int | None]:
    return dict(
        Invitation.objects.filter(meeting=meeting).values_list("user__email", "sequence_sent")
    )


def test_ranges_cover_every_member_id_including_ones_not_listed():
    assert calendar_mail.member_ranges([], size=2) == []
    assert calendar_mail.member_ranges([7], size=2) == [(None, None)]
    assert calendar_mail.member_ranges([3, 5, 8, 13, 21], size=2) == [
        (None, 5),
        (5, 13),
        (13, None),
    ]
    assert calendar_mail.member_ranges([3, 5, 8, 13], size=2) == [(None, 5), (5, None)]


def test_the_fan_out_shares_the_members_among_chunk_tasks(db, small_chunks, queued_chunks):
    everyone = members(5)
    meeting = MeetingFactory()

    assert services.meeting_invitations_fan_out(meeting=meeting) == 5
    assert [task.name for task, _ in queued_chunks] == ["meetings.invitations_chunk_send"] * 3
    assert OutboxMessage.objects.count() == 0  # the fan-out itself writes nothing
    assert [run(chunk) for chunk in queued_chunks] == [2, 2, 1]
    assert requests_by_member("meetings.invitation") == {user.email: 1 for user in everyone}
    assert set(sequences_sent(meeting).values()) == {0}
    # Every member has the revision: a second fan-out has nothing to share out.
    queued_chunks.clear()
    assert services.meeting_invitations_fan_out(meeting=meeting) == 0
    assert queued_chunks == []


def test_chunks_run_twice_send_one_message_per_member(db, small_chunks, queued_chunks):
    everyone = members(5)
    meeting = MeetingFactory()
    services.meeting_invitations_fan_out(meeting=meeting)

    assert [run(chunk) for chunk in queued_chunks] == [2, 2, 1]
    assert [run(chunk) for chunk in queued_chunks] == [0, 0, 0]
    assert services.meeting_invitations_send(meeting=meeting) == 0  # nor the sweep's way
    assert requests_by_member() == {user.email: 1 for user in everyone}
    assert Invitation.objects.filter(meeting=meeting).count() == 5


@pytest.mark.django_db(transaction=True)
def test_chunks_running_at_the_same_time_send_one_message_per_member(small_chunks):
    everyone = members(6)
    meeting = MeetingFactory()
    ranges = [(None, None), (None, everyone[3].pk), (everyone[1].pk, None)]
    start = threading.Barrier(len(ranges))
    sent, errors = [], []

    def chunk(after, upto):
        try:
            start.wait(timeout=10)
            sent.append(chunk_send(meeting_id=meeting.pk, sequence=0, after=after, upto=upto))
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=chunk, args=bounds) for bounds in ranges]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sum(sent) == 6
    assert requests_by_member() == {user.email: 1 for user in everyone}
    assert Invitation.objects.filter(meeting=meeting).count() == 6
    assert set(sequences_sent(meeting).values()) == {0}


@pytest.mark.django_db(transaction=True)
def test_a_member_answering_while_their_chunk_runs_neither_deadlocks_nor_gets_two(monkeypatch):
    first, answering = members(2)
    meeting = MeetingFactory()
    prepare = calendar_kinds.calendar_message_prepare
    answered, errors = threading.Event(), []

    def answer():
        try:
            services.invitation_answer(meeting=meeting, user=answering, response=Response.ACCEPTED)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            answered.set()
            connection.close()

    thread = threading.Thread(target=answer)

    def prepare_while_answering(**arguments):
        if not answered.is_set() and not thread.is_alive():
            thread.start()
            # The answer holds the meeting now, and waits for the invitation this chunk holds.
            assert not answered.wait(timeout=1)
        return prepare(**arguments)

    monkeypatch.setattr(calendar_kinds, "calendar_message_prepare", prepare_while_answering)
    assert services.meeting_invitations_send(meeting=meeting) == 2
    thread.join(timeout=30)

    assert errors == []
    assert Invitation.objects.get(meeting=meeting, user=answering).response == Response.ACCEPTED
    assert requests_by_member() == {first.email: 1, answering.email: 1}


def test_a_member_approved_while_the_fan_out_runs_is_invited_once(db, small_chunks, queued_chunks):
    everyone = members(3)
    meeting = MeetingFactory()
    services.meeting_invitations_fan_out(meeting=meeting)
    [newcomer] = members_named("newcomer", 1)

    # The last chunk is open above: it takes the newcomer in, and the newcomer's own
    # invitations (queued by the approval) then find it done, whichever runs first.
    assert [run(chunk) for chunk in queued_chunks] == [2, 2]
    assert services.member_invitations_send(user=newcomer) == 0
    assert requests_by_member() == {user.email: 1 for user in [*everyone, newcomer]}


def test_a_member_approved_before_the_last_chunk_is_invited_once_by_either_path(
    db, small_chunks, queued_chunks
):
    members(3)
    meeting = MeetingFactory()
    services.meeting_invitations_fan_out(meeting=meeting)
    [newcomer] = members_named("newcomer", 1)

    assert services.member_invitations_send(user=newcomer) == 1
    assert [run(chunk) for chunk in queued_chunks] == [2, 1]
    assert requests_by_member()["newcomer0@gatineau.ca"] == 1


def test_a_member_who_leaves_while_the_fan_out_runs_is_not_written_to(
    db, small_chunks, queued_chunks
):
    staying, leaving, *others = members(4)
    meeting = MeetingFactory()
    services.meeting_invitations_fan_out(meeting=meeting)
    registration_withdraw(registration=leaving.registration, actor=leaving)

    assert sum(run(chunk) for chunk in queued_chunks) == 3
    assert "member1@gatineau.ca" not in requests_by_member()
    assert not Invitation.objects.filter(meeting=meeting, user=leaving).exists()
    assert requests_by_member() == {user.email: 1 for user in [staying, *others]}


def test_a_member_who_leaves_between_the_chunks_two_reads_is_neither_written_to_nor_counted(
    db, monkeypatch
):
    staying, leaving = members(2)
    meeting = MeetingFactory()
    insert = Invitation.objects.bulk_create

    def insert_then_leave(*arguments, **options):
        created = insert(*arguments, **options)
        # The departure commits right after the chunk made the rows, before it locks them.
        Registration.objects.filter(user=leaving).update(status=RegistrationStatus.WITHDRAWN)
        return created

    monkeypatch.setattr(Invitation.objects, "bulk_create", insert_then_leave)
    assert services.meeting_invitations_send(meeting=meeting) == 1
    assert requests_by_member() == {staying.email: 1}
    assert list(Invitation.objects.filter(meeting=meeting).values_list("user", flat=True)) == [
        staying.pk
    ]


def test_a_lost_chunk_task_is_made_up_by_the_sweep(db, small_chunks, queued_chunks):
    everyone = members(5)
    meeting = MeetingFactory()
    services.meeting_invitations_fan_out(meeting=meeting)
    first, lost, last = queued_chunks

    assert run(first) + run(last) == 3
    assert services.invitations_sweep() == 2
    assert services.invitations_sweep() == 0
    assert requests_by_member() == {user.email: 1 for user in everyone}
    assert set(sequences_sent(meeting).values()) == {0}


def test_a_meeting_changed_mid_fan_out_sends_only_the_newer_revision(
    db, small_chunks, queued_chunks
):
    early = members(2)
    late = members_named("late", 2)
    meeting = MeetingFactory()
    services.meeting_invitations_fan_out(meeting=meeting)
    first, stale = queued_chunks
    assert run(first) == 2  # the two early members have revision 0

    queued_chunks.clear()
    services.meeting_update(meeting=meeting, passcode="111111")
    assert services.meeting_invitations_fan_out(meeting=Meeting.objects.get(pk=meeting.pk)) == 4
    assert run(stale) == 0  # queued for revision 0: the newer fan-out sends revision 1
    assert sum(run(chunk) for chunk in queued_chunks) == 4

    stored = OutboxMessage.objects.values_list("to_email", "purpose", "dedupe_key")
    by_member = Counter((email, purpose) for email, purpose, _ in stored)
    assert by_member == {
        **{(user.email, "meetings.invitation"): 1 for user in early},
        **{(user.email, "meetings.update"): 1 for user in early},
        **{(user.email, "meetings.invitation"): 1 for user in late},
    }
    late_keys = {key for email, _, key in stored if email.startswith("late")}
    assert all(key.endswith(":1") for key in late_keys)
    assert set(sequences_sent(meeting).values()) == {1}


def test_cancellations_go_out_in_chunks_once_each(db, small_chunks, queued_chunks):
    everyone = members(3)
    meeting = MeetingFactory()
    services.meeting_invitations_send(meeting=meeting)
    cancelled = services.meeting_cancel(meeting=meeting)

    assert services.meeting_cancellations_fan_out(meeting=cancelled) == 3
    assert [task.name for task, _ in queued_chunks] == ["meetings.cancellations_chunk_send"] * 2
    assert [run(chunk) for chunk in queued_chunks] == [2, 1]
    assert [run(chunk) for chunk in queued_chunks] == [0, 0]
    assert services.invitations_sweep() == 0
    assert requests_by_member("meetings.cancellation") == {user.email: 1 for user in everyone}


def test_new_time_notices_go_out_in_chunks_once_each(db, small_chunks, queued_chunks):
    everyone = members(3)
    meeting = MeetingFactory()
    services.meeting_invitations_send(meeting=meeting)
    Invitation.objects.filter(meeting=meeting).update(response=Response.DECLINED)
    services.meeting_update(
        meeting=meeting,
        starts_at=meeting.starts_at + timedelta(hours=2),
        ends_at=meeting.ends_at + timedelta(hours=2),
    )
    moved = Meeting.objects.get(pk=meeting.pk)
    change = {
        "meeting_id": moved.pk,
        "sequence": moved.sequence,
        "starts_at": moved.starts_at,
        "ends_at": moved.ends_at,
    }

    assert services.meeting_reschedule_notices_send(**change) == 3
    assert [task.name for task, _ in queued_chunks] == [
        "meetings.reschedule_notices_chunk_send"
    ] * 2
    assert [run(chunk) for chunk in queued_chunks] == [2, 1]
    assert [run(chunk) for chunk in queued_chunks] == [0, 0]
    queued_chunks.clear()
    assert services.meeting_reschedule_notices_send(**change) == 0
    assert queued_chunks == []
    assert requests_by_member("meetings.rescheduled") == {user.email: 1 for user in everyone}
    # Their calendar copies are left as they were.
    assert set(sequences_sent(meeting).values()) == {0}


def test_a_meeting_not_cancelled_queues_no_cancellations(db, queued_chunks):
    members(2)
    meeting = MeetingFactory()
    services.meeting_invitations_send(meeting=meeting)
    assert services.meeting_cancellations_fan_out(meeting=meeting) == 0
    assert (
        services.calendar_mail_chunk_send(
            kind=services.CANCELLATION,
            meeting_id=meeting.pk,
            revision=services.Revision(),
            after=None,
            upto=None,
        )
        == 0
    )
    assert queued_chunks == []


def test_an_address_that_cannot_be_sent_to_holds_up_nobody_else(db, small_chunks):
    good, bad, other = members(3)
    type(bad).objects.filter(pk=bad.pk).update(email="not an address")
    meeting = MeetingFactory()

    assert services.meeting_invitations_send(meeting=meeting) == 2
    assert requests_by_member() == {good.email: 1, other.email: 1}
    # Left unsent, so that a corrected address is invited by the next sweep.
    assert Invitation.objects.get(meeting=meeting, user=bad).sequence_sent is None
    type(bad).objects.filter(pk=bad.pk).update(email="fixed@gatineau.ca")
    assert services.invitations_sweep() == 1


def test_a_broker_that_refuses_the_chunks_has_the_fan_out_send_them_itself(
    db, small_chunks, monkeypatch
):
    everyone = members(5)
    meeting = MeetingFactory()
    calls = []

    def broker_down(*arguments):
        calls.append(arguments)
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.meeting_invitations_chunk_send_task, "apply_async", broker_down)
    assert services.meeting_invitations_fan_out(meeting=meeting) == 5
    assert len(calls) == 1  # the first refusal is enough: the rest are not offered
    assert requests_by_member() == {user.email: 1 for user in everyone}


def test_the_task_reports_the_members_it_shared_out(db, queued_chunks):
    members(3)
    meeting = MeetingFactory()
    assert tasks.meeting_invitations_send_task.run(meeting.pk) == 3
    assert len(queued_chunks) == 1
    assert tasks.meeting_invitations_send_task.run(987654) == 0


def test_a_chunk_costs_the_same_queries_for_few_or_many_members(db):
    meeting = MeetingFactory()
    few = members(2)
    with CaptureQueriesContext(connection) as small:
        sent = chunk_send(meeting_id=meeting.pk, sequence=0, after=None, upto=None)
    assert sent == 2
    more = members_named("more", 10)
    with CaptureQueriesContext(connection) as large:
        sent = chunk_send(meeting_id=meeting.pk, sequence=0, after=few[-1].pk, upto=None)
    assert sent == len(more)
    assert len(large) == len(small), [query["sql"][:80] for query in large]
    # Its members; the meeting's key lock and the invitations' insert; the invitations' lock,
    # the meeting, the messages' insert and read-back, the revision recorded (each of the two
    # transactions a savepoint here).
    assert len(small) <= 12, [query["sql"][:100] for query in small]
