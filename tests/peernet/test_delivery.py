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
