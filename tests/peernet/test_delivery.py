"""Delivery through a real SMTP server that is down, then back: the message waits, then goes."""

import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import get_connection

from peernet.outbox import services
from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.conftest import SMTPCollector, free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def smtp_connection(port):
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port, timeout=5
    )


def test_message_waits_while_the_mail_server_is_down_and_goes_when_it_is_back():
    port = free_port()
    message = services.message_queue(
        to_email="jordan@calgary.ca",
        subject="Welcome to PeerNet",
        text="Hello Jordan\n",
        html="<p>Hello Jordan</p>",
        language="en",
        purpose="tests.delivery",
    )

    # Nothing listens on the port: the connection is refused, the message stays queued.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    result = services.message_send(message_id=message.pk, connection=smtp_connection(port))
    message.refresh_from_db()
    assert result.retry_in is not None
    assert (message.status, message.attempts) == (MessageStatus.QUEUED, 1)
    assert "ConnectionRefusedError" in message.last_error

    handler = SMTPCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=message.created_at)
        result = services.message_send(message_id=message.pk, connection=smtp_connection(port))
        received = handler.wait_for(1, timeout=10)
    finally:
        controller.stop()
    message.refresh_from_db()
    assert (result.status, message.status, message.attempts) == ("sent", "sent", 2)
    assert len(received) == 1
    assert received[0]["Subject"] == "Welcome to PeerNet"
    assert received[0]["Message-ID"] == message.message_id  # the one the first attempt used
    assert received[0]["To"] == "jordan@calgary.ca"
    assert received[0].get_body(("html",)).get_content().strip() == "<p>Hello Jordan</p>"


def test_permanent_refusal_by_a_real_server_marks_the_message_failed():
    class Refusing(SMTPCollector):
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            return "550 5.1.1 No such mailbox"

    handler = Refusing()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        message = services.message_queue(
            to_email="nobody@calgary.ca", subject="s", text="t\n", language="en", purpose="t"
        )
        services.message_send(message_id=message.pk, connection=smtp_connection(controller.port))
    finally:
        controller.stop()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert "550" in message.last_error


class CountingSMTP(SMTPCollector):
    """Counts SMTP sessions (one EHLO each) as well as messages."""

    def __init__(self):
        super().__init__()
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.sessions += 1
        session.host_name = hostname
        return responses


@pytest.fixture
def counting_smtp(settings):
    handler = CountingSMTP()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    services.connection_reused_close()
    try:
        yield handler
    finally:
        services.connection_reused_close()
        controller.stop()


def _queue(number):
    return services.message_queue(
        to_email=f"member{number}@calgary.ca",
        subject=f"Invitation {number}",
        text="Hello\n",
        language="en",
        purpose="tests.bulk",
    )


def test_bulk_sends_reuse_one_smtp_connection(counting_smtp):
    messages = [_queue(number) for number in range(5)]
    for message in messages:
        assert services.message_send(message_id=message.pk).status == "sent"
    received = counting_smtp.wait_for(5, timeout=10)
    assert sorted(m["Subject"] for m in received) == [f"Invitation {n}" for n in range(5)]
    assert counting_smtp.sessions == 1


def test_a_connection_closed_by_the_server_is_reopened(counting_smtp):
    first, second = _queue(1), _queue(2)
    services.message_send(message_id=first.pk)
    # The server (or a network device) drops the idle connection without telling us.
    services.this_process.smtp_connection().connection.close()
    result = services.message_send(message_id=second.pk)
    assert result.status == "sent"
    assert len(counting_smtp.wait_for(2, timeout=10)) == 2
    assert counting_smtp.sessions == 2
