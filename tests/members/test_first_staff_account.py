"""The README's way to the first staff account on a new server works as written: createsuperuser,
the first sign-in, the address confirmed by mail, the password again, an authenticator app."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command

from peernet.outbox.models import OutboxMessage
from tests.deployed.conftest import totp_code

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

EMAIL, PASSWORD = "chief@peernet.example", "a-long-and-unusual-passphrase-42"


def test_createsuperuser_then_the_first_visit_sets_up_the_second_factor(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, email=EMAIL, verbosity=0)

    response = client.get("/en/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/admin/login/")
    response = client.post("/en/accounts/login/", {"login": EMAIL, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"

    # The confirmation link travels by mail only; the test reads it where the outbox keeps it.
    message = OutboxMessage.objects.get(to_email=EMAIL)
    assert message.carries_secret is True
    link = re.search(r"/en/accounts/confirm-email/[^/\s]+/", message.body_text).group(0)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302

    response = client.get("/en/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/en/accounts/reauthenticate/")
    response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/en/accounts/2fa/totp/activate/"
    secret = response.context["form"].secret
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user__email=EMAIL, type="totp").exists()
    response = client.get("/en/admin/")
    assert response.status_code == 200
    assert "PeerNet administration" in response.content.decode()
