"""The sign-in lock (allauth's limit on failed sign-ins) is counted in the database: it holds
while the cache cannot answer, a wrong password is still told as such, a right one takes its
attempt back, and a password reset by mail lifts the lock."""

from datetime import timedelta

import pytest
from allauth.account.adapter import get_adapter
from django.test import Client, RequestFactory
from django.utils import timezone

from members import services
from members.models import SignInFailures
from tests.members.factories import MemberFactory
from tests.members.test_mfa_forms import cache_away  # noqa: F401 (fixture)
from tests.members.test_staff_auth import TOO_MANY
from tests.second_factor import PASSWORD

pytestmark = [pytest.mark.unit, pytest.mark.django_db]

NOT_CORRECT = {
    "en": "The email address and/or password you specified are not correct.",
    "fr": "L’adresse courriel ou le mot de passe sont incorrects.",
}


@pytest.fixture
def rate_limits(settings):
    """allauth's defaults: 10 failures a minute from one address, 5 in 5 minutes per account."""
    settings.ACCOUNT_RATE_LIMITS = {}


def _try(client, email, password, language="en"):
    return client.post(f"/{language}/accounts/login/", {"login": email, "password": password})


@pytest.mark.usefixtures("cache_away")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_fifteen_wrong_passwords_lock_the_account_while_the_cache_cannot_answer(
    rate_limits, language
):
    member = MemberFactory().user
    member.emailaddress_set.create(email=member.email, primary=True, verified=True)
    client = Client()
    first = _try(client, member.email, "wrong-guess-0001", language)
    assert first.status_code == 400
    assert NOT_CORRECT[language] in first.content.decode()
    for attempt in range(14):
        _try(client, member.email, f"wrong-guess-{attempt:04d}", language)
    response = _try(client, member.email, PASSWORD, language)
    assert response.status_code == 400
    assert TOO_MANY[language] in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_right_password_takes_its_attempt_back(rate_limits):
    member = MemberFactory().user
    member.emailaddress_set.create(email=member.email, primary=True, verified=True)
    client = Client()
    for attempt in range(4):
        _try(client, member.email, f"wrong-guess-{attempt:04d}")
    assert _try(client, member.email, PASSWORD).status_code == 302
    client.logout()
    # Four failures stay counted: the fifth wrong one still gets through to the password check,
    # the sixth attempt is locked.
    assert NOT_CORRECT["en"] in _try(client, member.email, "wrong-guess-9").content.decode()
    assert TOO_MANY["en"] in _try(client, member.email, PASSWORD).content.decode()


def test_a_password_reset_by_mail_lifts_the_lock(rate_limits):
    member = MemberFactory().user
    member.emailaddress_set.create(email=member.email, primary=True, verified=True)
    client = Client()
    for attempt in range(5):
        _try(client, member.email, f"wrong-guess-{attempt:04d}")
    assert SignInFailures.objects.exists()
    assert TOO_MANY["en"] in _try(client, member.email, PASSWORD).content.decode()
    # What allauth calls once the password was reset from the link in the mail.
    request = RequestFactory().post("/en/accounts/password/reset/key/done/")
    get_adapter()._delete_login_attempts_cached_email(request, email=member.email)
    assert _try(client, member.email, PASSWORD).status_code == 302


def test_counts_past_their_period_are_forgotten(rate_limits):
    member = MemberFactory().user
    client = Client()
    _try(client, member.email, "wrong-guess-0001")
    SignInFailures.objects.update(forget_after="2000-01-01T00:00:00Z")
    _try(client, "someone.else@gatineau.ca", "wrong-guess-0001")
    assert not SignInFailures.objects.filter(forget_after__year=2000).exists()
    assert SignInFailures.objects.count() == 2  # the client's address and the other account


def test_the_scheduled_purge_forgets_counts_whose_period_is_over():
    now = timezone.now()
    SignInFailures.objects.create(
        key="over", moments=[1.0], forget_after=now - timedelta(seconds=1)
    )
    SignInFailures.objects.create(
        key="running", moments=[2.0], forget_after=now + timedelta(minutes=4)
    )
    services.registrations_purge(now=now)
    assert list(SignInFailures.objects.values_list("key", flat=True)) == ["running"]
