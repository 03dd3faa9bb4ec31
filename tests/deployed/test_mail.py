"""Mail as deployed: asked for on gunicorn, sent by a real worker with the production settings."""

import re

import pytest

from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.deployed.people import person_member
from tests.deployed.waiting import wait_for

pytestmark = [pytest.mark.integration]


def test_a_password_reset_arrives_in_french_once_and_leaves_no_link_behind(
    site, deployed_worker, smtp_server
):
    member = person_member(user__preferred_language="fr", user__email="noemie@gatineau.ca")
    client = site.client("203.0.113.77")
    response = client.post("/en/accounts/password/reset/", {"email": member.email})
    assert response.status == 302, site.log()

    received = smtp_server.wait_for(1, timeout=30)
    assert len(received) == 1
    mail = received[0]
    row = OutboxMessage.objects.get(to_email=member.email)
    assert mail["To"] == member.email
    assert mail["Content-Language"] == "fr"
    assert mail["Message-ID"] == row.message_id
    text = mail.get_body(("plain",)).get_content()
    link = re.search(r"https://peernet\.test(/fr/\S+/password/reset/key/\S+)", text)
    assert link, text

    # The worker records the delivery just after the server has accepted the message.
    row = wait_for(
        lambda: OutboxMessage.objects.filter(pk=row.pk, status=MessageStatus.SENT).first(),
        timeout=10,
    )
    assert row is not None
    assert row.carries_secret
    assert (row.body_text, row.body_html) == ("", "")

    # The link works on the deployed portal, in the member's language.
    page = client.follow(client.get(link.group(1)))
    assert page.status == 200
    assert 'lang="fr"' in page.text
    assert 'name="password1"' in page.text
