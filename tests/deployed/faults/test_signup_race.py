"""Sign-ups that race: several requests with one new address at the same moment are answered
like requests that come one after the other. One account, one request for review, the same
page for everybody, and mail only to the address itself."""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.test import Client

from members.forms import RegistrationForm
from members.models import Registration, User
from peernet.outbox.models import OutboxMessage
from tests.deployed.people import REGISTRATION

pytestmark = pytest.mark.integration

CONCURRENT_SIGN_UPS = 20


def test_the_sign_up_that_loses_the_race_takes_the_already_registered_path(
    client, db, monkeypatch, django_capture_on_commit_callbacks
):
    """The race, made certain: the address check ran before the other sign-up committed."""
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/en/register/", REGISTRATION)
    # What the second request's check saw: nobody with that address yet.
    monkeypatch.setattr(RegistrationForm, "validate_unique_email", lambda self, value: value)
    with django_capture_on_commit_callbacks(execute=True):
        second = Client().post(
            "/en/register/",
            {**REGISTRATION, "email": "Amelie.Tremblay@Gatineau.ca", "first_name": "Quelqu’un"},
        )
    assert (second.status_code, second["Location"]) == (first.status_code, first["Location"])
    assert first["Location"] == "/en/accounts/confirm-email/"
    assert User.objects.get().first_name == "Amélie"
    assert Registration.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["amelie.tremblay@gatineau.ca"]] * 2
    assert [message.subject for message in mail.outbox] == [
        "[PeerNet] Confirmez votre adresse courriel",
        "[PeerNet] Vous avez déjà un compte PeerNet",
    ]


def test_concurrent_sign_ups_with_one_address_all_get_the_normal_page(site):
    clients = [site.client(client_ip=f"203.0.113.{10 + n}") for n in range(CONCURRENT_SIGN_UPS)]
    for each in clients:
        assert each.get("/en/register/").status == 200  # the CSRF cookie, as a browser has it
    start = threading.Barrier(CONCURRENT_SIGN_UPS)
    answers: list = [None] * CONCURRENT_SIGN_UPS

    def sign_up(index):
        start.wait(timeout=30)
        try:
            answers[index] = clients[index].post("/en/register/", REGISTRATION)
        except OSError as error:  # a hung request is reported with the others
            answers[index] = error

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(CONCURRENT_SIGN_UPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = Counter(getattr(answer, "status", repr(answer)) for answer in answers)
    assert statuses == {302: CONCURRENT_SIGN_UPS}, site.log()
    assert {answer.location for answer in answers} == {"/en/accounts/confirm-email/"}
    assert User.objects.filter(email="amelie.tremblay@gatineau.ca").count() == 1
    assert Registration.objects.count() == 1
    # The first request's confirmation, and nothing for the others: as in the sequential case,
    # the owner would be told of a second sign-up, but allauth sends one account mail per
    # address every three minutes (ACCOUNT_RATE_LIMITS "confirm_email"), and the confirmation
    # used that turn.
    assert list(OutboxMessage.objects.values_list("to_email", "purpose")) == [
        ("amelie.tremblay@gatineau.ca", "account.email_confirmation_signup")
    ]
