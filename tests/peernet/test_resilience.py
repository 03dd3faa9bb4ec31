"""When Redis (broker and cache) is down, people can still register and no message is lost."""

import os

import pytest
from django.core import mail
from django.core.cache import caches
from django.urls import reverse

from peernet.cache import CacheUnanswered, ResilientRedisCache
from peernet.celery import app
from peernet.outbox import services
from peernet.outbox.models import MessageStatus, OutboxMessage
from tests.conftest import free_port

pytestmark = [pytest.mark.integration, pytest.mark.django_db]


def _dead_redis_url():
    return f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there


def test_cache_misses_instead_of_failing_while_redis_is_down():
    cache = ResilientRedisCache(
        _dead_redis_url(), {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
    assert cache.get("key", "default") == "default"
    assert cache.add("lock", True) is True  # callers that spin on add() go on
    assert cache.set("key", "value") is None
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("key") is False


def test_a_used_code_mark_is_answered_by_redis_or_not_at_all():
    cache = ResilientRedisCache(
        _dead_redis_url(), {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
    key = "allauth.mfa.totp.used?user=1&code=123456"
    # The first call finds Redis away; the next ones skip it for a while: both refuse.
    for _ in range(2):
        with pytest.raises(CacheUnanswered):
            cache.add(key, "y", timeout=30)
    assert cache.add("lock", True) is True


def test_cache_works_with_a_real_redis():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set by `make test`")
    cache = ResilientRedisCache(os.environ["REDIS_URL"], {})
    cache.set("peernet-test", {"n": 1}, 30)
    assert cache.get("peernet-test") == {"n": 1}
    cache.delete("peernet-test")


@pytest.fixture
def redis_down(settings):
    dead = _dead_redis_url()
    settings.CACHES = {
        "default": {
            "BACKEND": "peernet.cache.ResilientRedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.ACCOUNT_RATE_LIMITS = {"signup": "20/m/ip"}  # allauth uses the cache for these
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = dead, False
    _forget_broker_connections()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = previous
        _forget_broker_connections()
        caches["default"].close()


def _forget_broker_connections():
    """Celery keeps pools of connections and producers: drop them when the broker changes, so
    that later tests (the real worker's) reach the real broker again."""
    app._pool = None
    app.amqp._producer_pool = None
    app.control.mailbox._producer_pool = None


def test_registration_goes_through_and_its_mail_waits_for_the_broker(
    client, redis_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members:register"),
            {
                "first_name": "Amélie",
                "last_name": "Tremblay",
                "email": "amelie@gatineau.ca",
                "job_title": "Analyste",
                "organisation_name": "Ville de Gatineau",
                "organisation_kind": "city",
                "province": "QC",
                "preferred_language": "fr",
                "password1": "a-Long-passphrase-2026",
                "password2": "a-Long-passphrase-2026",
                "privacy_consent": "on",
            },
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert (message.purpose, message.status) == ("account.email_confirmation_signup", "queued")
    assert mail.outbox == []


def test_queued_mail_goes_once_the_broker_is_back(redis_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_queue(
            to_email="jordan@calgary.ca", subject="s", text="t\n", language="en", purpose="t"
        )
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED
    app.conf.task_always_eager = True  # the broker is back (tasks run here)
    services.this_process.broker_resume()  # and the pause after its failure is over
    assert services.messages_sweep() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert [m.to for m in mail.outbox] == [["jordan@calgary.ca"]]


def test_rate_limits_let_people_through_while_the_cache_is_down(redis_down):
    from peernet import ratelimit

    assert [ratelimit.allow("t", limit=1, window_seconds=60) for _ in range(3)] == [True] * 3
