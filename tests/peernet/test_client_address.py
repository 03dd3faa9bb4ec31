"""The client's address behind the TLS proxy: one definition (allauth's), used by allauth's rate
limits and PeerNet's own, so that a limit counts the person and not the proxy, and a forged
X-Forwarded-For changes nothing when no proxy is trusted."""

import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory

from peernet.ratelimit import client_address
from tests.conftest import ROOT, _missing
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.unit]

PROXY = "10.0.0.5"
PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def rate_limits(settings):
    """The test settings switch allauth's limits off; these tests need its defaults."""
    settings.ACCOUNT_RATE_LIMITS = {}


def _request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta)


def test_without_trusted_proxies_a_forged_forwarded_for_is_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert client_address(_request(HTTP_X_FORWARDED_FOR="203.0.113.9")) == PROXY
    assert client_address(_request(HTTP_X_REAL_IP="203.0.113.9")) == PROXY


def test_one_trusted_proxy_reads_the_address_it_appended(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert client_address(_request(HTTP_X_FORWARDED_FOR="203.0.113.9")) == "203.0.113.9"
    # What the client wrote itself comes first and is ignored.
    forged = "198.51.100.1, 192.0.2.77, 203.0.113.9"
    assert client_address(_request(HTTP_X_FORWARDED_FOR=forged)) == "203.0.113.9"
    # No header at all: the peer itself.
    assert client_address(_request()) == PROXY


def test_two_trusted_proxies(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    forwarded = "198.51.100.1, 203.0.113.9, 10.0.0.4"
    assert client_address(_request(HTTP_X_FORWARDED_FOR=forwarded)) == "203.0.113.9"


def test_a_forwarded_for_shorter_than_the_proxies_is_a_bad_request(settings, client, db):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    with pytest.raises(SuspiciousOperation):
        client_address(_request(HTTP_X_FORWARDED_FOR="203.0.113.9"))
    response = client.post(
        "/en/cohorts/join/", {"email": "x@rimouski.ca"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert response.status_code == 400
    # allauth's own pages too, and in French, rather than a 500 from inside its rate limits.
    for path in ("/en/accounts/login/", "/fr/accounts/login/", "/fr/accounts/password/reset/"):
        response = client.post(
            path, {"login": "x@rimouski.ca", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.9"
        )
        assert response.status_code == 400, path
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.parametrize(
    "value", ["not-an-address", "", "999.1.1.1", "203.0.113.9\x00", "1" * 5000, "<script>"]
)
def test_a_forwarded_for_that_is_no_address_is_refused(settings, value):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    request = _request(HTTP_X_FORWARDED_FOR=value)
    if value == "":
        assert client_address(request) == PROXY  # an empty header is no header
        return
    with pytest.raises(PermissionDenied):
        client_address(request)


def test_a_trusted_header_names_the_client(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    request = _request(HTTP_X_REAL_IP="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert client_address(request) == "203.0.113.9"
    with pytest.raises(PermissionDenied):  # the proxy always sets it: without it, refuse
        client_address(_request())


def test_ipv6_clients_count_by_their_network(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first = _request(HTTP_X_FORWARDED_FOR="2001:db8:1:2::1")
    second = _request(HTTP_X_FORWARDED_FOR="2001:db8:1:2:ffff::9")
    assert client_address(first) == client_address(second) == "2001:db8:1:2::"


def _read_settings(**environment) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({'count': s.ALLAUTH_TRUSTED_PROXY_COUNT, "
        "'header': s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, "
        "'cache': s.CACHES['default']['BACKEND']}))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PEERNET_TRUSTED") and key != "REDIS_URL"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "peernet.settings.production",
        "DJANGO_SECRET_KEY": "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "peernet.example.ca",
        **environment,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True
    )
    return json.loads(result.stdout)


def test_the_settings_come_from_the_environment_once():
    assert _read_settings() == {
        "count": 0,
        "header": None,
        "cache": "django.core.cache.backends.locmem.LocMemCache",
    }
    assert _read_settings(
        PEERNET_TRUSTED_PROXY_COUNT="1", REDIS_URL="redis://127.0.0.1:6399/0"
    ) == {"count": 1, "header": None, "cache": "peernet.cache.ResilientRedisCache"}
    assert _read_settings(PEERNET_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")["header"] == "X-Real-IP"


def _failed_logins(client, count, *, forwarded_for=None):
    for n in range(count):
        extra = {"HTTP_X_FORWARDED_FOR": forwarded_for(n)} if forwarded_for else {}
        response = client.post(
            "/en/accounts/login/",
            {"login": f"someone{n}@gatineau.ca", "password": "wrong-password-1"},
            REMOTE_ADDR=PROXY,
            **extra,
        )
        assert response.status_code in (400, 429)


def _person_signs_in(client, user, *, forwarded_for=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return client.post(
        "/en/accounts/login/",
        {"login": user.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        **extra,
    )


@pytest.mark.django_db
def test_behind_one_proxy_thirty_strangers_do_not_lock_out_the_next_person(
    client, settings, rate_limits
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    member = MemberFactory().user
    member.emailaddress_set.create(email=member.email, primary=True, verified=True)
    _failed_logins(client, 30, forwarded_for=lambda n: f"198.51.100.{n + 1}")
    response = _person_signs_in(client, member, forwarded_for="203.0.113.200")
    assert (response.status_code, response["Location"]) == (302, "/en/me/")
    assert client.session["_auth_user_id"] == str(member.pk)


@pytest.mark.django_db
def test_without_trusted_proxies_forged_addresses_do_not_escape_the_limit(
    client, settings, rate_limits
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    member = MemberFactory().user
    member.emailaddress_set.create(email=member.email, primary=True, verified=True)
    # One client writing a new X-Forwarded-For each time is still one client.
    _failed_logins(client, 30, forwarded_for=lambda n: f"198.51.100.{n + 1}")
    response = _person_signs_in(client, member, forwarded_for="203.0.113.200")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(("count", "statuses"), [(1, {400}), (0, {400, 429})])
def test_peernets_own_limit_counts_the_same_client(client, settings, count, statuses):
    """The expression-of-interest form allows 10 submissions an hour per client."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    seen = set()
    for n in range(12):
        response = client.post(
            "/en/cohorts/join/",
            {"email": "not-an-address"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}",
        )
        seen.add(response.status_code)
    assert seen == statuses


@pytest.mark.integration
@pytest.mark.django_db
def test_login_counters_live_in_redis_when_it_is_configured(client, settings, rate_limits):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        _missing("Redis")
    settings.CACHES = {
        "default": {
            "BACKEND": "peernet.cache.ResilientRedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "test-client-address",
        }
    }
    import redis
    from django.core.cache import cache

    cache.clear()
    try:
        member = MemberFactory().user
        member.emailaddress_set.create(email=member.email, primary=True, verified=True)
        _failed_logins(client, 30)
        # Read back through a connection of its own: the counters are in Redis, per client.
        keys = redis.Redis.from_url(redis_url).keys("test-client-address:*allauth:rl:*")
        per_client = {key.decode().split(":ip:")[1] for key in keys if b":ip:" in key}
        assert per_client == {PROXY}
        assert _person_signs_in(client, member).status_code == 429
    finally:
        cache.clear()
