"""Approval end to end: the real Celery worker takes the task from Redis and delivers the
welcome through a real SMTP server."""

import pytest

from members import services
from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.members.factories import RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_approving_a_french_registrant_delivers_one_french_welcome(celery_worker, smtp_server):
    registration = RegistrationFactory(
        user__email="marie.gagnon@gatineau.ca", user__preferred_language="fr"
    )
    services.registration_approve(registration=registration, reviewer=StaffFactory())

    messages = smtp_server.wait_for(1, timeout=60)
    # Give a duplicate every chance to show up before asserting there is none.
    messages = smtp_server.wait_for(2, timeout=3)
    assert len(messages) == 1
    message = messages[0]
    assert message["To"] == "marie.gagnon@gatineau.ca"
    assert message["Subject"] == "Bienvenue à PeerNet"
    assert message["Content-Language"] == "fr"
    text = message.get_body(("plain",)).get_content()
    assert "Votre demande a été approuvée" in text
    assert "http://testserver/fr/" in text
    html = message.get_body(("html",)).get_content()
    assert 'lang="fr"' in html
    stored = OutboxMessage.objects.get(purpose="members.welcome")
    assert (stored.status, stored.attempts) == (MessageStatus.SENT, 1)
