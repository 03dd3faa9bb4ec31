"""The outbox: stored before sent, sent once, retried on temporary errors, failed on permanent."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from peernet.outbox import services
from peernet.outbox.models import MessageStatus, OutboxMessage

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


def test_sweep_sends_due_messages_and_recovers_stuck_ones():
    due = _queue(purpose="tests.due")
    later = _queue(purpose="tests.later")
    stuck = _queue(purpose="tests.stuck")
    OutboxMessage.objects.filter(pk=later.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        status=MessageStatus.SENDING, sending_since=timezone.now() - timedelta(hours=1)
    )
    assert services.messages_sweep() == 2
    statuses = dict(OutboxMessage.objects.values_list("purpose", "status"))
    assert statuses == {"tests.due": "sent", "tests.later": "queued", "tests.stuck": "sent"}
    assert sorted(m.to[0] for m in mail.outbox) == ["amelie@gatineau.ca"] * 2
    assert due.pk != stuck.pk


def test_broker_down_keeps_message_queued(monkeypatch, django_capture_on_commit_callbacks):
    from peernet.outbox import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(tasks.outbox_message_send, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    assert mail.outbox == []
    monkeypatch.undo()
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
    from django.urls import reverse

    from tests.factories import StaffFactory

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
