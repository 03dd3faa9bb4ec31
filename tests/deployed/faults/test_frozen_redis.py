"""Redis frozen (SIGSTOP: the socket stays open, nothing answers) under the deployed portal:
requests that touch the broker or the cache still answer within a few seconds, the mail they
queue waits in the outbox for the sweep, and what must not open without the cache stays shut:
the sign-in lock and one-time codes."""

import time

import pytest

from members.models import Registration
from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.deployed.conftest import totp_code
from tests.deployed.people import PASSWORD, REGISTRATION, person_member, person_staff

from .conftest import redis_frozen

pytestmark = pytest.mark.integration

# What a frozen Redis may cost a request: about 1.5 s for the broker (peernet/settings/base.py)
# and what the cache's timeouts allow, on top of the page itself.
ANSWER_WITHIN_SECONDS = 3.0


def timed(method, *args):
    started = time.monotonic()
    response = method(*args)
    return response, time.monotonic() - started


def test_registration_answers_in_seconds_and_its_mail_waits_in_the_outbox(site):
    client = site.client()
    # A hung request must fail this test, not hold it for gunicorn's 30 s.
    client.timeout = 10
    assert client.get("/en/register/").status == 200
    with redis_frozen():
        response, elapsed = timed(client.post, "/en/register/", REGISTRATION)
    assert response.status == 302, site.log()
    assert response.location == "/en/accounts/confirm-email/"
    assert elapsed < ANSWER_WITHIN_SECONDS, f"{elapsed:.1f} s"
    registration = Registration.objects.select_related("user").get()
    assert registration.user.email == "amelie.tremblay@gatineau.ca"
    assert list(OutboxMessage.objects.values_list("to_email", "purpose", "status")) == [
        ("amelie.tremblay@gatineau.ca", "account.email_confirmation_signup", MessageStatus.QUEUED)
    ]


def test_sign_in_pages_answer_in_seconds_while_their_rate_limits_cannot_be_read(site):
    client = site.client()
    client.timeout = 10
    assert client.get("/en/accounts/login/").status == 200
    answers = {}
    with redis_frozen():
        for language in ("en", "fr"):
            path = f"/{language}/accounts/login/"
            answers[language] = (
                timed(client.get, path),
                timed(client.post, path, {"login": "nobody@gatineau.ca", "password": "x1"}),
            )
    refusals = {
        "en": "The email address and/or password you specified are not correct.",
        "fr": "L’adresse courriel ou le mot de passe sont incorrects.",
    }
    for language, ((page, page_elapsed), (refused, refused_elapsed)) in answers.items():
        assert page.status == 200
        assert page_elapsed < ANSWER_WITHIN_SECONDS, f"{language}: {page_elapsed:.1f} s"
        # A wrong password is refused as usual (400 with the form), not with a server error.
        assert refused.status == 400, site.log()
        assert refused_elapsed < ANSWER_WITHIN_SECONDS, f"{language}: {refused_elapsed:.1f} s"
        assert refusals[language] in refused.text


def test_the_sign_in_lock_holds_while_redis_is_frozen(site):
    member = person_member(user__email="jordan@calgary.ca")
    client = site.client()
    client.timeout = 10
    assert client.get("/en/accounts/login/").status == 200
    with redis_frozen():
        for attempt in range(15):
            client.post(
                "/en/accounts/login/", {"login": member.email, "password": f"wrong-{attempt:08d}"}
            )
        response = client.post("/en/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert response.status == 400, site.log()
    assert "Too many failed login attempts" in response.text
    assert client.get("/en/me/").status == 302  # still signed out


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "Your code cannot be checked right now. Try again in a moment."),
        ("fr", "Votre code ne peut pas être vérifié pour l’instant. Réessayez dans un instant."),
    ],
)
def test_a_totp_code_is_refused_while_redis_is_frozen(site, language, refusal):
    staff = person_staff(email="lead@peernet.example")
    client = site.client()
    client.timeout = 10
    path = f"/{language}/accounts/login/"
    client.get(path)
    response = client.post(path, {"login": staff.email, "password": PASSWORD})
    assert response.location == f"/{language}/accounts/2fa/authenticate/", site.log()
    code = totp_code(staff.totp_secret)
    with redis_frozen():
        answers = [client.post(response.location, {"code": code}) for _ in range(2)]
    for answer in answers:
        assert answer.status == 400, site.log()
        assert refusal in answer.text
    assert client.get(f"/{language}/admin/").status == 302
