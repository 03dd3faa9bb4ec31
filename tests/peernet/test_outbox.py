"""The outbox: stored before sent, sent once, retried on temporary errors, failed on permanent."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import OperationalError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from peernet.celery import app
from peernet.outbox import services, tasks
from peernet.outbox.calendar import CalendarEmailMessage
from peernet.outbox.models import MessageStatus, OutboxMessage
from peernet.outbox.services import delivery, recovery
from tests.members.factories import StaffFactory

pytestmark = [pytest.mark.unit, pytest.mark.django_db]


def _queue(**overrides):
    values = dict(
        to_email="amelie@gatineau.ca",
        subject="Bonjour",
        text="Texte\n",
        html="<p>Texte</p>",
        language="fr",
        purpose="tests.hello",
    )
    values.update(overrides)
    return services.message_queue(**values)


class FailingConnection:
    """An e-mail backend stand-in that raises what a real SMTP server would answer."""

    def __init__(self, error):
        self.error = error

    def send_messages(self, messages):
        raise self.error


def test_message_is_sent_after_commit_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = _queue()
        assert mail.outbox == []
    assert len(callbacks) == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["amelie@gatineau.ca"]
    assert sent.subject == "Bonjour"
    assert sent.alternatives[0].content == "<p>Texte</p>"
    assert sent.extra_headers["Content-Language"] == "fr"


def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _queue()
            raise RuntimeError("the request failed")
    assert callbacks == []
    assert OutboxMessage.objects.count() == 0
    assert mail.outbox == []


def test_sending_twice_sends_once():
    message = _queue()
    first = services.message_send(message_id=message.pk)
    second = services.message_send(message_id=message.pk)
    assert (first.status, second.status) == ("sent", "sent")
    assert len(mail.outbox) == 1


def test_same_dedupe_key_queues_one_message():
    first = _queue(dedupe_key="welcome:1")
    second = _queue(dedupe_key="welcome:1", subject="Other")
    assert first.pk == second.pk
    assert OutboxMessage.objects.count() == 1


def test_subject_line_breaks_cannot_inject_headers():
    message = _queue(subject="Hello\r\nBcc: victim@example.com")
    assert message.subject == "Hello Bcc: victim@example.com"
    services.message_send(message_id=message.pk)
    assert mail.outbox[0].bcc == []
    assert "\n" not in mail.outbox[0].subject


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPServerDisconnected("connection lost"),
        smtplib.SMTPResponseException(421, b"Service not available"),
        ConnectionRefusedError(111, "Connection refused"),
    ],
)
def test_temporary_error_keeps_message_queued_with_backoff(error):
    message = _queue()
    before = timezone.now()
    result = services.message_send(message_id=message.pk, connection=FailingConnection(error))
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert message.attempts == 1
    assert result.retry_in == timedelta(minutes=1)
    assert message.next_attempt_at >= before + timedelta(minutes=1)
    assert type(error).__name__ in message.last_error


def test_permanent_error_marks_message_failed():
    message = _queue()
    error = smtplib.SMTPRecipientsRefused({"amelie@gatineau.ca": (550, b"No such user")})
    result = services.message_send(message_id=message.pk, connection=FailingConnection(error))
    message.refresh_from_db()
    assert result.retry_in is None
    assert message.status == MessageStatus.FAILED
    assert "SMTPRecipientsRefused" in message.last_error


def test_backoff_grows_and_is_capped():
    assert [services.retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 20)] == [
        1, 2, 4, 8, 60, 60,
    ]  # fmt: skip


def test_gives_up_after_max_attempts():
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS - 1)
    services.message_send(
        message_id=message.pk, connection=FailingConnection(smtplib.SMTPServerDisconnected())
    )
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == services.MAX_ATTEMPTS


def test_sweep_sends_due_messages_and_recovers_stuck_ones(settings):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 180
    due = _queue(purpose="tests.due")
    later = _queue(purpose="tests.later")
    stuck = _queue(purpose="tests.stuck")
    # Not handed to the broker (it was down): nobody holds the first two.
    OutboxMessage.objects.filter(pk__in=[due.pk, later.pk]).update(dispatched_at=None)
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status=MessageStatus.SENDING, sending_since=timezone.now() - timedelta(minutes=4)
    )
    assert services.messages_sweep() == 2
    statuses = dict(OutboxMessage.objects.values_list("purpose", "status"))
    assert statuses == {"tests.due": "sent", "tests.later": "queued", "tests.stuck": "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["amelie@gatineau.ca"] * 2
    assert due.pk != stuck.pk


def test_broker_down_keeps_message_queued(monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.outbox_message_send, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert mail.outbox == []
    # The failed hand-over gave the message back to the sweep at once.
    assert message.dispatched_at is None
    monkeypatch.undo()
    services.this_process.broker_resume()  # the pause after a failure is over
    assert services.messages_sweep() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_failed_message_can_be_retried_by_staff(django_capture_on_commit_callbacks):
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.FAILED, attempts=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_retry(message=message)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 1


def test_staff_see_messages_and_retry_failed_ones(client, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory())
    failed = _queue(purpose="tests.failed")
    sent = _queue(purpose="tests.sent")
    OutboxMessage.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED)
    OutboxMessage.objects.filter(pk=sent.pk).update(status=MessageStatus.SENT)
    changelist = reverse("admin:outbox_outboxmessage_changelist")
    html = client.get(changelist).content.decode()
    assert "tests.failed" in html and "tests.sent" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist,
            {"action": "retry_failed", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert "1 message was queued again." in [str(m) for m in response.context["messages"]]
    assert dict(OutboxMessage.objects.values_list("purpose", "status")) == {
        "tests.failed": "sent",
        "tests.sent": "sent",
    }
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Réunion\x1b[31m\x7f du\u2028mois\x85", "Réunion [31m du mois"),
        ("Hello\r\n\tBcc: x@example.com", "Hello Bcc: x@example.com"),
        ("Sḵwx̱wú7mesh\u00a0—\u200bmeeting", "Sḵwx̱wú7mesh — meeting"),
    ],
)
def test_subjects_keep_only_visible_text_on_one_line(subject, expected):
    assert _queue(subject=subject).subject == expected


def test_purge_forgets_old_delivered_and_failed_mail_only(settings):
    settings.PEERNET_OUTBOX_RETENTION_DAYS = 90
    now = timezone.now()
    ages = {"old-sent": 91, "old-failed": 120, "old-queued": 200, "recent-sent": 10}
    for purpose, days in ages.items():
        message = _queue(purpose=purpose)
        status = purpose.split("-")[1]
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=status, created_at=now - timedelta(days=days)
        )
    assert services.messages_purge(now=now) == 2
    assert sorted(OutboxMessage.objects.values_list("purpose", flat=True)) == [
        "old-queued",
        "recent-sent",
    ]


# --- one owner for each message's next attempt ---------------------------------------------


def _capture_message_ids(connection_class):
    seen = []

    class Capturing(connection_class):
        def send_messages(self, messages):
            seen.extend(message.message()["Message-ID"] for message in messages)
            return super().send_messages(messages)

    return Capturing, seen


def test_message_id_is_stored_and_sent_unchanged_on_every_attempt(settings):
    settings.DEFAULT_FROM_EMAIL = "PeerNet <network@peernet.example.ca>"
    message = _queue()
    other = _queue(to_email="jordan@calgary.ca")
    assert re.fullmatch(r"<[0-9a-f]{32}@peernet\.example\.ca>", message.message_id)
    assert message.message_id != other.message_id

    failing, seen = _capture_message_ids(FailingConnection)
    error = smtplib.SMTPResponseException(451, b"Try again later")
    services.message_send(message_id=message.pk, connection=failing(error))
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.message_send(message_id=message.pk).status == MessageStatus.SENT

    message.refresh_from_db()
    assert seen == [message.message_id]
    assert mail.outbox[0].message()["Message-ID"] == message.message_id
    assert message.attempts == 2


def test_a_copy_that_arrives_before_the_next_attempt_does_nothing():
    message = _queue()
    error = smtplib.SMTPResponseException(451, b"Try again later")
    services.message_send(message_id=message.pk, connection=FailingConnection(error))
    message.refresh_from_db()
    before = (message.status, message.attempts, message.next_attempt_at, message.last_error)

    # The broker hands the task over again (visibility timeout), or a second copy was queued.
    result = services.message_send(message_id=message.pk)

    message.refresh_from_db()
    assert (result.status, result.retry_in) == (MessageStatus.QUEUED, None)
    assert (message.status, message.attempts, message.next_attempt_at, message.last_error) == before
    assert mail.outbox == []


def test_a_retry_waits_for_the_sweep_and_no_task_holds_it():
    message = _queue()
    error = smtplib.SMTPResponseException(451, b"Try again later")
    services.message_send(message_id=message.pk, connection=FailingConnection(error))
    message.refresh_from_db()
    assert message.dispatched_at is None  # no Celery countdown holds it
    assert services.messages_sweep() == 0  # not due yet
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    assert services.messages_sweep() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert len(mail.outbox) == 1


def test_sweep_skips_messages_their_task_still_holds(settings, monkeypatch):
    settings.PEERNET_OUTBOX_DISPATCH_HOLD_SECONDS = 300
    now = timezone.now()
    recent = _queue(purpose="tests.recent")
    old = _queue(purpose="tests.old")
    OutboxMessage.objects.filter(pk=recent.pk).update(dispatched_at=now - timedelta(minutes=1))
    OutboxMessage.objects.filter(pk=old.pk).update(dispatched_at=now - timedelta(minutes=10))

    # A backlog waits in the mail queue: the old message's task is most likely in it.
    monkeypatch.setattr(recovery, "mail_queue_length", lambda: 1200)
    assert services.messages_sweep() == 0
    # The broker cannot say: dispatching again would only add copies.
    monkeypatch.setattr(recovery, "mail_queue_length", lambda: None)
    assert services.messages_sweep() == 0
    assert mail.outbox == []

    # Nothing waits any more, and the old message is still queued: its task was lost.
    monkeypatch.setattr(recovery, "mail_queue_length", lambda: 0)
    assert services.messages_sweep() == 1
    statuses = dict(OutboxMessage.objects.values_list("purpose", "status"))
    assert statuses == {"tests.recent": "queued", "tests.old": "sent"}


def test_sweep_marks_what_it_dispatches(monkeypatch):
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(dispatched_at=None)
    dispatched = []
    monkeypatch.setattr(
        tasks.outbox_message_send, "apply_async", lambda args, **options: dispatched.append(*args)
    )
    before = timezone.now()
    assert services.messages_sweep() == 1
    assert services.messages_sweep() == 0  # the task it queued now holds the message
    message.refresh_from_db()
    assert dispatched == [message.pk]
    assert message.dispatched_at >= before


def test_only_sending_waits_in_the_mail_queue():
    def queue_of(task):
        return app.amqp.router.route({}, task)["queue"].name

    assert [queue_of(task) for task in ("outbox.send", "outbox.sweep", "outbox.purge")] == [
        "mail",
        "default",
        "default",
    ]


# --- a message found "sending": what the sweep decides ---------------------------------------


def _left_sending(*, minutes_ago: float, **fields):
    message = _queue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING,
        attempts=1,
        sending_since=timezone.now() - timedelta(minutes=minutes_ago),
        dispatched_at=None,
        **fields,
    )
    return message


def test_recovery_resends_with_the_same_message_id_what_the_server_never_accepted(settings):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 120
    message = _left_sending(minutes_ago=3)
    assert services.messages_sweep() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert [m.message()["Message-ID"] for m in mail.outbox] == [message.message_id]


def test_recovery_leaves_a_recent_attempt_to_its_worker(settings):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 120
    message = _left_sending(minutes_ago=1)
    assert services.messages_recover() == 0
    assert services.messages_sweep() == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    assert mail.outbox == []


def test_recovery_marks_sent_what_the_server_accepted(settings):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 120
    accepted = timezone.now() - timedelta(minutes=3)
    message = _left_sending(minutes_ago=4, sent_at=accepted)
    assert services.messages_recover() == 1
    message.refresh_from_db()
    assert (message.status, message.sent_at, message.attempts) == (MessageStatus.SENT, accepted, 1)
    assert mail.outbox == []


def test_recovery_stops_a_message_whose_worker_died_on_every_attempt(settings):
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 120
    message = _left_sending(minutes_ago=3)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=services.MAX_ATTEMPTS)
    assert services.messages_sweep() == 0
    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        MessageStatus.FAILED,
        services.WORKER_STOPPED_ERROR,
    )
    assert mail.outbox == []


# --- the database goes away right after the server's 250 ------------------------------------


def _record_fails(monkeypatch, times: int):
    real = delivery._delivery_record
    calls = []

    def flaky(message, *, accepted_at):
        calls.append(accepted_at)
        if len(calls) <= times:
            raise OperationalError("terminating connection due to administrator command")
        return real(message, accepted_at=accepted_at)

    monkeypatch.setattr(delivery, "_delivery_record", flaky)
    monkeypatch.setattr(delivery.time, "sleep", lambda seconds: None)
    return calls


def test_a_delivery_is_recorded_once_the_database_is_back(monkeypatch, settings):
    settings.PEERNET_OUTBOX_RECORD_RETRY_SECONDS = 30
    message = _queue()
    calls = _record_fails(monkeypatch, times=3)
    assert services.message_send(message_id=message.pk).status == MessageStatus.SENT
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (
        MessageStatus.SENT,
        1,
        calls[0],  # the moment of the 250, not of the write that finally went through
    )
    assert len(calls) == 4
    assert len(mail.outbox) == 1
    assert services.messages_sweep() == 0


def test_a_delivery_the_database_never_recorded_is_sent_again_with_its_message_id(
    monkeypatch, settings
):
    settings.PEERNET_OUTBOX_RECORD_RETRY_SECONDS = 0
    settings.PEERNET_OUTBOX_SENDING_GRACE_SECONDS = 120
    message = _queue()
    _record_fails(monkeypatch, times=2)  # in the worker's transaction, then once more
    with pytest.raises(OperationalError):
        services.message_send(message_id=message.pk)
    message.refresh_from_db()
    assert (message.status, message.sent_at) == (MessageStatus.SENDING, None)
    OutboxMessage.objects.filter(pk=message.pk).update(
        sending_since=timezone.now() - timedelta(minutes=3)
    )
    assert services.messages_sweep() == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.SENT, 2)
    assert [m.message()["Message-ID"] for m in mail.outbox] == [message.message_id] * 2


def test_staff_see_the_delivery_record_read_only(client):
    client.force_login(StaffFactory())
    message = _queue()
    sent_at = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(status=MessageStatus.SENT, sent_at=sent_at)
    response = client.get(reverse("admin:outbox_outboxmessage_change", args=[message.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Message-ID", "Handed to the task queue", "Sent"):
        assert f"<label>{label}:</label>" in html
    assert escape(message.message_id) in html
    assert 'name="message_id"' not in html and 'name="dispatched_at"' not in html

    found = client.get(reverse("admin:outbox_outboxmessage_changelist"), {"q": message.message_id})
    assert list(found.context["cl"].result_list) == [message]


def test_after_a_broker_failure_the_process_leaves_the_broker_alone_for_a_moment(monkeypatch):
    calls = []

    def failing_start(args, **options):
        calls.append(*args)
        raise OSError("broker frozen")

    monkeypatch.setattr(tasks.outbox_message_send, "apply_async", failing_start)
    first, second = (
        services.message_queue(
            to_email=f"person{n}@gatineau.ca", subject="Hi", text="Hi\n", language="en",
            purpose="tests.pause",
        )
        for n in range(2)
    )  # fmt: skip
    assert services.message_dispatch(message_id=first.pk) is False
    assert services.message_dispatch(message_id=second.pk) is False
    assert calls == [first.pk]  # the second did not wait for the frozen broker again
    assert list(
        OutboxMessage.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "status", "dispatched_at"
        )
    ) == [(MessageStatus.QUEUED, None), (MessageStatus.QUEUED, None)]

    services.this_process.broker_resume()
    monkeypatch.setattr(
        tasks.outbox_message_send, "apply_async", lambda args, **options: calls.append(0)
    )
    assert services.message_dispatch(message_id=second.pk) is True


@pytest.fixture
def hello_templates(tmp_path, settings):
    """A message template of the outbox's own, so that these tests need no app's mail."""
    (tmp_path / "hello_subject.txt").write_text(
        "{% load i18n %}{% get_current_language as language %}Hello\n{{ name }} ({{ language }})"
    )
    (tmp_path / "hello_body.txt").write_text(
        "{% load i18n %}{% get_current_language as language %}\n  {{ name }}, {{ language }}  \n\n"
    )
    (tmp_path / "hello_body.html").write_text(
        "{% load i18n %}{% get_current_language as language %}<p>{{ name }}, {{ language }}</p>\n"
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    return "hello"


def test_send_templated_renders_in_the_recipient_language_and_queues(
    hello_templates, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        message = services.message_send_templated(
            to_email="amelie@gatineau.ca",
            template_prefix=hello_templates,
            context={"name": "Amélie"},
            language="fr",
            purpose="tests.hello",
            dedupe_key="tests.hello:1",
            carries_secret=True,
            calendar="BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
            calendar_method="REQUEST",
        )
    assert len(callbacks) == 1
    stored = OutboxMessage.objects.get()
    assert stored.pk == message.pk
    assert (stored.subject, stored.body_text, stored.body_html) == (
        "Hello Amélie (fr)",
        "Amélie, fr\n",
        "<p>Amélie, fr</p>",
    )
    assert (stored.to_email, stored.language, stored.purpose, stored.dedupe_key) == (
        "amelie@gatineau.ca",
        "fr",
        "tests.hello",
        "tests.hello:1",
    )
    assert stored.carries_secret is True
    assert (stored.calendar, stored.calendar_method) == (
        "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        "REQUEST",
    )


def test_send_templated_stores_what_render_then_queue_stores(hello_templates):
    rendered = services.message_render(
        template_prefix=hello_templates, context={"name": "Jo"}, language="en"
    )
    queued = services.message_queue(
        to_email="jo@gatineau.ca",
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        language="en",
        purpose="tests.hello",
    )
    templated = services.message_send_templated(
        to_email="jo@gatineau.ca",
        template_prefix=hello_templates,
        context={"name": "Jo"},
        language="en",
        purpose="tests.hello",
    )
    fields = ["subject", "body_text", "body_html", "language", "purpose", "calendar"]
    assert list(OutboxMessage.objects.filter(pk=queued.pk).values(*fields)) == list(
        OutboxMessage.objects.filter(pk=templated.pk).values(*fields)
    )
    assert (templated.dedupe_key, templated.carries_secret, templated.calendar_method) == (
        None,
        False,
        "",
    )


def test_send_templated_with_a_used_dedupe_key_returns_the_first_message(hello_templates):
    first = services.message_send_templated(
        to_email="jo@gatineau.ca",
        template_prefix=hello_templates,
        context={"name": "Jo"},
        language="en",
        purpose="tests.hello",
        dedupe_key="tests.hello:jo",
    )
    second = services.message_send_templated(
        to_email="jo@gatineau.ca",
        template_prefix=hello_templates,
        context={"name": "Someone else"},
        language="fr",
        purpose="tests.hello",
        dedupe_key="tests.hello:jo",
    )
    assert second.pk == first.pk
    assert list(OutboxMessage.objects.values_list("subject", flat=True)) == ["Hello Jo (en)"]


def test_forget_deletes_every_message_of_the_address_whatever_its_case_or_state():
    kept = _queue(to_email="someone.else@gatineau.ca")
    for email in ("Leaving@Gatineau.ca", "leaving@gatineau.ca"):
        _queue(to_email=email)
    sent = _queue(to_email="LEAVING@gatineau.ca")
    services.message_send(message_id=sent.pk)
    failed = _queue(to_email="leaving@GATINEAU.ca")
    OutboxMessage.objects.filter(pk=failed.pk).update(status=MessageStatus.FAILED)
    assert services.messages_forget(to_email="leaving@gatineau.ca") == 4
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [kept.pk]
    assert services.messages_forget(to_email="leaving@gatineau.ca") == 0


def test_only_a_message_with_a_calendar_is_built_as_a_calendar_message():
    plain = _queue()
    invitation = _queue(
        to_email="jo@gatineau.ca",
        calendar="BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n",
        calendar_method="REQUEST",
    )
    services.message_send(message_id=plain.pk)
    services.message_send(message_id=invitation.pk)
    assert [type(email) for email in mail.outbox] == [EmailMultiAlternatives, CalendarEmailMessage]
    assert [part.mimetype for part in mail.outbox[1].alternatives] == [
        "text/html",
        "text/calendar",
    ]
