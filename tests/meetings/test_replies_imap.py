"""The poller against a real IMAP server (Dovecot): messages appended, polled, moved."""

import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from meetings import selectors
from meetings.choices import ReplyOutcome, Response
from meetings.models import CalendarReply, Invitation
from meetings.replies import mailbox as replies_mailbox
from meetings.replies import parsing
from meetings.replies import tasks as replies_tasks
from meetings.replies.mailbox import MailboxConfigurationError, mailbox_address
from meetings.replies.proof import reply_address
from meetings.replies.tasks import replies_poll_task
from tests.meetings.factories import InvitationFactory, MeetingFactory
from tests.meetings.test_replies import apple_reply, calendar_message, gmail_reply, outlook_reply
from tests.members.factories import MemberFactory, UserFactory

PROCESSED = "PeerNet-processed"
UNPROCESSABLE = "PeerNet-unprocessable"


@pytest.fixture
def mailbox_settings(settings, imap_server):
    settings.PEERNET_REPLY_IMAP_URL = imap_server.url()
    settings.PEERNET_REPLY_IMAP_PROCESSED_FOLDER = PROCESSED
    settings.PEERNET_REPLY_IMAP_UNPROCESSABLE_FOLDER = UNPROCESSABLE
    return settings


def answer(invitation) -> str:
    return Invitation.objects.get(pk=invitation.pk).response


@pytest.mark.unit
def test_one_poll_records_every_client_and_sorts_the_mailbox(mailbox_settings, imap_server, member):
    meeting = MeetingFactory()
    jordan = InvitationFactory(user=member, meeting=meeting)
    other = MemberFactory(user=UserFactory(email="jordan@calgary.ca".replace("jordan", "kim")))
    kim = InvitationFactory(user=other.user, meeting=meeting)
    imap_server.append(outlook_reply(meeting, partstat="TENTATIVE"))
    imap_server.append(
        gmail_reply(
            meeting, partstat="DECLINED", attendee="kim@calgary.ca", sender="kim@calgary.ca"
        )
    )
    imap_server.append(b"From: someone@example.com\r\nSubject: Thanks!\r\n\r\nSee you.\r\n")
    imap_server.append(calendar_message("BEGIN:VCALENDAR\r\nbroken"))

    moved = replies_poll_task()

    assert moved == 4
    assert (answer(jordan), answer(kim)) == (Response.TENTATIVE, Response.DECLINED)
    counted = selectors.meetings_with_counts().get(pk=meeting.pk)
    assert (counted.declined_count, counted.no_answer_count) == (1, 0)
    assert sorted(CalendarReply.objects.values_list("outcome", flat=True)) == sorted(
        [
            ReplyOutcome.RECORDED,
            ReplyOutcome.RECORDED,
            ReplyOutcome.OTHER_MAIL,
            ReplyOutcome.INVALID,
        ]
    )
    assert imap_server.count("INBOX") == 0
    assert imap_server.count(PROCESSED) == 3
    assert imap_server.count(UNPROCESSABLE) == 1
    assert b"broken" in imap_server.messages(UNPROCESSABLE)[0]


@pytest.mark.unit
def test_the_same_message_delivered_twice_is_recorded_once(mailbox_settings, imap_server, member):
    meeting = MeetingFactory()
    invitation = InvitationFactory(user=member, meeting=meeting)
    imap_server.append(apple_reply(meeting))
    replies_poll_task()
    # A later, different answer under the same Message-ID (a copy redelivered): ignored.
    imap_server.append(apple_reply(meeting, partstat="DECLINED"))

    replies_poll_task()

    assert answer(invitation) == Response.TENTATIVE
    assert CalendarReply.objects.count() == 1
    assert (imap_server.count("INBOX"), imap_server.count(PROCESSED)) == (0, 2)


@pytest.mark.unit
def test_a_reply_delivered_to_the_members_reply_address_is_polled_and_recorded(
    mailbox_settings, imap_server, member
):
    meeting = MeetingFactory()
    invitation = InvitationFactory(user=member, meeting=meeting)
    address = reply_address(user_id=member.pk, meeting_id=meeting.pk)
    imap_server.deliver(
        gmail_reply(meeting, partstat="DECLINED", to=address),
        recipient=address,
        sender="jordan@calgary.ca",
    )

    replies_poll_task()

    assert answer(invitation) == Response.DECLINED
    assert CalendarReply.objects.get().outcome == ReplyOutcome.RECORDED
    assert (imap_server.count("INBOX"), imap_server.count(PROCESSED)) == (0, 1)


@pytest.mark.unit
def test_a_message_too_large_is_set_aside_from_its_headers(mailbox_settings, imap_server, member):
    meeting = MeetingFactory()
    InvitationFactory(user=member, meeting=meeting)
    imap_server.append(outlook_reply(meeting) + b"x" * (parsing.MAX_MESSAGE_OCTETS + 10))

    replies_poll_task()

    reply = CalendarReply.objects.get()
    assert (reply.outcome, reply.detail, reply.message_id) == (
        ReplyOutcome.INVALID,
        "message too large",
        "<outlook-1@calgary.ca>",
    )
    assert imap_server.count(UNPROCESSABLE) == 1


@pytest.mark.unit
def test_the_database_down_leaves_the_message_for_the_next_poll(
    mailbox_settings, imap_server, member, monkeypatch
):
    meeting = MeetingFactory()
    invitation = InvitationFactory(user=member, meeting=meeting)
    imap_server.append(outlook_reply(meeting))

    def database_away(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(replies_mailbox, "calendar_reply_receive", database_away)
    with pytest.raises(OperationalError):
        replies_poll_task()
    assert imap_server.count("INBOX") == 1

    monkeypatch.undo()
    mailbox_settings.PEERNET_REPLY_IMAP_URL = imap_server.url()
    mailbox_settings.PEERNET_REPLY_IMAP_PROCESSED_FOLDER = PROCESSED
    replies_poll_task()
    assert answer(invitation) == Response.ACCEPTED
    assert imap_server.count("INBOX") == 0


@pytest.mark.unit
def test_a_fault_of_ours_sets_the_message_aside_and_goes_on(
    mailbox_settings, imap_server, member, monkeypatch
):
    meeting = MeetingFactory()
    InvitationFactory(user=member, meeting=meeting)
    imap_server.append(outlook_reply(meeting))
    monkeypatch.setattr(replies_mailbox, "calendar_reply_receive", lambda **kwargs: 1 / 0)

    assert replies_poll_task() == 1
    assert imap_server.count(UNPROCESSABLE) == 1


def other_mail(number: int) -> bytes:
    return f"From: a@b.ca\r\nMessage-ID: <thanks-{number}@b.ca>\r\n\r\nThanks!\r\n".encode()


@pytest.mark.unit
def test_a_backlog_of_three_batches_is_drained_by_one_beat(mailbox_settings, imap_server, db):
    mailbox_settings.PEERNET_REPLY_IMAP_BATCH = 2
    for number in range(5):
        imap_server.append(other_mail(number))

    replies_poll_task()

    assert (imap_server.count("INBOX"), imap_server.count(PROCESSED)) == (0, 5)
    assert CalendarReply.objects.count() == 5


@pytest.mark.unit
def test_the_polls_one_beat_queues_are_bounded(mailbox_settings, imap_server, monkeypatch, db):
    mailbox_settings.PEERNET_REPLY_IMAP_BATCH = 1
    monkeypatch.setattr(replies_tasks, "FOLLOW_UPS_MAX", 2)
    for number in range(5):
        imap_server.append(other_mail(number))

    replies_poll_task()

    assert (imap_server.count("INBOX"), imap_server.count(PROCESSED)) == (2, 3)


@pytest.mark.unit
def test_with_a_broker_the_next_poll_is_queued_for_any_worker(
    mailbox_settings, imap_server, monkeypatch, db
):
    mailbox_settings.PEERNET_REPLY_IMAP_BATCH = 1
    broker = SimpleNamespace(conf=SimpleNamespace(task_always_eager=False))
    monkeypatch.setattr(replies_tasks, "current_app", broker)
    queued = []
    monkeypatch.setattr(replies_tasks, "task_start", lambda *args: queued.append(args))
    for number in range(3):
        imap_server.append(other_mail(number))

    assert replies_poll_task(follow_up=4) == 1

    assert queued == [("meetings.replies_poll", 5)]
    assert (imap_server.count("INBOX"), imap_server.count(PROCESSED)) == (2, 1)
    assert cache.get(replies_tasks.POLL_LOCK) is None


@pytest.mark.unit
def test_messages_that_could_not_be_moved_queue_no_next_poll(
    mailbox_settings, imap_server, monkeypatch, db
):
    mailbox_settings.PEERNET_REPLY_IMAP_BATCH = 1
    monkeypatch.setattr(replies_mailbox, "_move", lambda mailbox, uid, folder: False)
    for number in range(3):
        imap_server.append(other_mail(number))

    assert replies_poll_task() == 1

    assert CalendarReply.objects.count() == 1
    assert imap_server.count("INBOX") == 3


@pytest.mark.unit
def test_the_database_going_away_mid_batch_moves_only_what_was_recorded(
    mailbox_settings, imap_server, monkeypatch, db
):
    for number in range(3):
        imap_server.append(other_mail(number))
    receive = replies_mailbox.calendar_reply_receive
    calls = []

    def away_at_the_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OperationalError("connection refused")
        return receive(**kwargs)

    monkeypatch.setattr(replies_mailbox, "calendar_reply_receive", away_at_the_second)
    with pytest.raises(OperationalError):
        replies_poll_task()

    assert CalendarReply.objects.count() == 1
    assert (imap_server.count("INBOX"), imap_server.count(PROCESSED)) == (2, 1)


@pytest.mark.unit
def test_a_poll_while_another_runs_reads_nothing(mailbox_settings, imap_server, db):
    imap_server.append(other_mail(1))
    cache.add(replies_tasks.POLL_LOCK, "1", 60)

    assert replies_poll_task() == 0

    assert imap_server.count("INBOX") == 1
    cache.delete(replies_tasks.POLL_LOCK)
    assert replies_poll_task() == 1


@pytest.mark.unit
def test_a_wrong_password_is_logged_and_retried_later(settings, imap_server, caplog):
    settings.PEERNET_REPLY_IMAP_URL = imap_server.url().replace("s3cret", "wrong")
    imap_server.append(b"From: a@b.ca\r\n\r\nhello\r\n")

    assert replies_poll_task() == 0
    assert "The reply mailbox could not be read" in caplog.text
    assert imap_server.count("INBOX") == 1


@pytest.mark.unit
def test_no_mailbox_configured_polls_nothing(settings, db):
    settings.PEERNET_REPLY_IMAP_URL = ""

    assert replies_poll_task() == 0


@pytest.mark.unit
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "imaps://organizer%40peernet.ca:p%40ss%3Aword@mail.example.ca/INBOX",
            ("imaps", "mail.example.ca", 993, "organizer@peernet.ca", "p@ss:word", "INBOX"),
        ),
        (
            "imap+starttls://u:p@mail.example.ca:1143/Replies",
            ("imap+starttls", "mail.example.ca", 1143, "u", "p", "Replies"),
        ),
        ("imap://u:p@127.0.0.1:1143", ("imap", "127.0.0.1", 1143, "u", "p", "INBOX")),
    ],
)
def test_mailbox_addresses(url, expected):
    address = mailbox_address(url)

    assert (
        address.scheme,
        address.host,
        address.port,
        address.user,
        address.password,
        address.folder,
    ) == expected


@pytest.mark.unit
@pytest.mark.parametrize(
    "url",
    ["imap://u:p@mail.example.ca/INBOX", "pop3://u:p@mail.example.ca/", "imaps://mail.example.ca/"],
)
def test_mailbox_addresses_refused(url):
    with pytest.raises(MailboxConfigurationError):
        mailbox_address(url)


@pytest.fixture
def worker_polling(imap_server, monkeypatch, request):
    """A real Celery worker whose settings name the IMAP server (read from its environment)."""
    monkeypatch.setenv("PEERNET_REPLY_IMAP_URL", imap_server.url())
    monkeypatch.setenv("PEERNET_REPLY_IMAP_PROCESSED_FOLDER", PROCESSED)
    monkeypatch.setenv("PEERNET_REPLY_IMAP_UNPROCESSABLE_FOLDER", UNPROCESSABLE)
    # The worker has its own connection: the test's rows must be committed (transactional_db).
    return request.getfixturevalue("celery_worker")


@pytest.mark.integration
def test_a_real_worker_polls_the_mailbox(transactional_db, imap_server, worker_polling, member):
    meeting = MeetingFactory()
    invitation = InvitationFactory(user=member, meeting=meeting)
    imap_server.append(gmail_reply(meeting))

    replies_poll_task.delay()

    # Bounded wait for the worker's own transaction to commit; the assertions are on the rows.
    deadline = time.monotonic() + 60
    while answer(invitation) != Response.ACCEPTED and time.monotonic() < deadline:
        time.sleep(0.2)
    assert answer(invitation) == Response.ACCEPTED
    assert CalendarReply.objects.get().outcome == ReplyOutcome.RECORDED
    counted = selectors.meetings_with_counts().get(pk=meeting.pk)
    assert counted.accepted_count == 1
    while imap_server.count(PROCESSED) < 1 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (imap_server.count("INBOX"), imap_server.count(PROCESSED)) == (0, 1)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("who", "language", "maybe", "counted"),
    [("member", "en", "Maybe", "maybe"), ("french_member", "fr", "Peut-être", "peut-être")],
)
def test_after_one_poll_the_member_and_staff_see_the_answer_in_their_language(
    mailbox_settings, imap_server, request, staff_client, who, language, maybe, counted
):
    user = request.getfixturevalue(who)
    meeting = MeetingFactory()
    invitation = InvitationFactory(user=user, meeting=meeting)
    imap_server.append(
        apple_reply(meeting, partstat="TENTATIVE", attendee=user.email.upper(), sender=user.email)
    )

    assert replies_poll_task() == 1

    assert answer(invitation) == Response.TENTATIVE
    signed_in = Client()
    signed_in.force_login(user)
    with translation.override(language):
        page = signed_in.get(reverse("members:home")).content.decode()
        staff_page = staff_client.get(reverse("admin:meetings_meeting_changelist")).content
    assert f"<strong>{maybe}</strong>" in page
    assert counted in staff_page.decode().lower()
    assert 'class="field-tentative_count">1<' in staff_page.decode()
