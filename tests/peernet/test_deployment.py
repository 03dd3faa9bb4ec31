"""What a production deployment sends: HTTPS, HSTS, cookies, CSP, Permissions-Policy, caching
of signed-in pages, and the health probe."""

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache

from peernet.middleware import PrivateCacheMiddleware
from tests.conftest import ROOT, free_port
from tests.members.factories import MemberFactory, StaffFactory, UserFactory

PRODUCTION_NAMES = [
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "CSRF_COOKIE_NAME",
    "MFA_TRUST_COOKIE_NAME",
    "SILENCED_SYSTEM_CHECKS",
    "LANGUAGE_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
    "CONTENT_SECURITY_POLICY",
]
# Applied to the test settings to see the production module's choices at work in requests.
REQUEST_NAMES = PRODUCTION_NAMES[:10]


def production_environment(**overrides) -> dict[str, str]:
    """What a deployment must set, and nothing the machine running the tests happens to have."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "COHORTS_"))
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "peernet.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "peernet.example.ca",
    }
    return environment | overrides


def production_settings(**overrides) -> dict:
    # Read as Django and allauth see them, defaults included.
    code = (
        "import json, django\n"
        "django.setup()\n"
        "from django.conf import settings\n"
        "from allauth.mfa import app_settings\n"
        f"values = {{n: getattr(settings, n, None) for n in {PRODUCTION_NAMES!r}}}\n"
        "values['MFA_TRUST_COOKIE_NAME'] = app_settings.TRUST_COOKIE_NAME\n"
        "print(json.dumps(values, default=str))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def deploy_check(**overrides) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def production():
    return production_settings()


@pytest.fixture
def as_production(settings, production):
    """The test settings with the production module's HTTPS, HSTS and cookie choices."""
    for name in REQUEST_NAMES:
        value = production[name]
        setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    return settings


def policy(response) -> dict[str, str]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, _space, value = part.strip().partition(" ")
        directives[name] = value
    return directives


# --- the production module and its switches --------------------------------------------------


@pytest.mark.unit
def test_deploy_check_passes_with_the_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.unit
def test_deploy_check_still_warns_when_https_is_switched_off():
    result = deploy_check(DJANGO_SECURE_SSL_REDIRECT="false", DJANGO_SECURE_HSTS_SECONDS="0")
    assert result.returncode == 1
    assert "security.W008" in result.stderr
    assert "security.W004" in result.stderr


@pytest.mark.unit
def test_production_defaults_are_https_everywhere(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]
    assert production["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_HSTS_PRELOAD"] is False
    assert production["SILENCED_SYSTEM_CHECKS"] == ["security.W021"]
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["MFA_TRUST_COOKIE_NAME"] == "__Host-mfa_trusted"
    assert production["LANGUAGE_COOKIE_NAME"] == "__Host-django_language"
    assert production["LANGUAGE_COOKIE_SECURE"] is True


@pytest.mark.unit
def test_each_https_setting_has_its_switch():
    switched = production_settings(
        DJANGO_SECURE_SSL_REDIRECT="false",
        DJANGO_SECURE_HSTS_SECONDS="600",
        DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS="false",
        DJANGO_SECURE_COOKIES="false",
    )
    assert switched["SECURE_SSL_REDIRECT"] is False
    assert switched["SECURE_HSTS_SECONDS"] == 600
    assert switched["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert switched["SESSION_COOKIE_SECURE"] is False
    assert switched["CSRF_COOKIE_SECURE"] is False
    # A __Host- cookie without Secure is dropped by the browser: plain names over HTTP.
    assert switched["SESSION_COOKIE_NAME"] == "sessionid"
    assert switched["CSRF_COOKIE_NAME"] == "csrftoken"
    assert switched["MFA_TRUST_COOKIE_NAME"] == "mfa_trusted"
    assert switched["LANGUAGE_COOKIE_NAME"] == "django_language"


@pytest.mark.unit
def test_preload_is_the_domain_owners_switch():
    preloaded = production_settings(DJANGO_SECURE_HSTS_PRELOAD="true")
    assert preloaded["SECURE_HSTS_PRELOAD"] is True
    assert preloaded["SILENCED_SYSTEM_CHECKS"] == []
    result = deploy_check(DJANGO_SECURE_HSTS_PRELOAD="true")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.unit
def test_tile_server_is_allowed_for_images_only_when_configured(production):
    assert production["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["img-src"] == ["'self'", "data:"]
    with_tiles = production_settings(
        COHORTS_MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    )
    directives = with_tiles["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["img-src"] == ["'self'", "data:", "https://*.tiles.example.org"]
    assert directives["script-src"] == ["'self'", "csp.constants.NONCE"]
    assert directives["connect-src"] == ["'self'"]


# --- headers of real pages --------------------------------------------------------------------


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def assert_strict_policy(response):
    directives = policy(response)
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no page uses a nonce today
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def assert_permissions_policy(response):
    features = dict(
        item.strip().split("=", 1) for item in response["Permissions-Policy"].split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
        assert features[feature] == "()"
    assert features["publickey-credentials-get"] == "(self)"
    assert features["publickey-credentials-create"] == "(self)"


@pytest.mark.unit
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_public_page_headers_over_https(client, as_production, language):
    response = client.get(f"/{language}/", secure=True)
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_permissions_policy(response)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    # Anyone's copy of a public page may be kept.
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.unit
@pytest.mark.django_db
def test_plain_http_is_redirected_to_https(client, as_production):
    response = client.get("/fr/?province=QC")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/fr/?province=QC"
    assert "Strict-Transport-Security" not in response  # only sent over HTTPS (RFC 6797, 7.2)


@pytest.mark.unit
@pytest.mark.django_db
def test_a_proxy_that_terminates_tls_says_so_with_x_forwarded_proto(client, as_production):
    response = client.get("/en/", headers={"x-forwarded-proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.unit
@pytest.mark.django_db
def test_member_page_is_private_and_never_stored(client, as_production):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.get(reverse("members:home"), secure=True)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "Expires" not in response
    assert_strict_policy(response)
    assert_permissions_policy(response)
    # The same public page, once signed in, is not kept either: it names the member.
    home = client.get("/fr/", secure=True)
    assert home["Cache-Control"] == "private, no-store"


@pytest.mark.unit
@pytest.mark.django_db
def test_admin_page_headers(client, as_production):
    client.force_login(StaffFactory())
    response = client.get(reverse("admin:index"), secure=True)
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_permissions_policy(response)
    # The admin's own never_cache header is kept, and marked private.
    cache_control = cache_directives(response)
    assert {"private", "no-store", "no-cache", "must-revalidate"} <= cache_control
    assert "public" not in cache_control


@pytest.mark.unit
@pytest.mark.django_db
def test_allauth_pages_headers_and_host_prefixed_cookies(client, as_production):
    response = client.get("/en/accounts/login/", secure=True)
    assert response.status_code == 200
    assert_strict_policy(response)
    assert_permissions_policy(response)
    csrf = response.cookies["__Host-csrftoken"]
    assert csrf["secure"] is True
    assert csrf["path"] == "/"
    assert csrf["domain"] == ""
    assert "csrftoken" not in response.cookies

    user = UserFactory(email="amelie@gatineau.ca")
    user.emailaddress_set.create(email=user.email, primary=True, verified=True)
    signed_in = client.post(
        "/en/accounts/login/",
        {"login": "amelie@gatineau.ca", "password": "correct-horse-battery-9"},
        secure=True,
    )
    assert signed_in.status_code == 302
    session = signed_in.cookies["__Host-sessionid"]
    assert (session["secure"], session["path"], session["domain"]) == (True, "/", "")
    assert session["httponly"] is True
    assert {"private", "no-store"} <= cache_directives(signed_in)  # allauth's never_cache, kept

    password_page = client.get("/fr/accounts/password/change/", secure=True)
    assert password_page.status_code == 200
    assert password_page["Cache-Control"] == "private, no-store"
    assert_strict_policy(password_page)


@pytest.mark.unit
def test_nonce_is_in_the_policy_only_when_a_page_uses_it(settings):
    from csp.middleware import CSPMiddleware

    def inline_script_view(request):
        return HttpResponse(f'<script nonce="{request.csp_nonce}">1</script>')

    def plain_view(request):
        return HttpResponse("<p>plain</p>")

    request = RequestFactory().get("/")
    used = CSPMiddleware(inline_script_view)(request)
    script_src = policy(used)["script-src"]
    assert script_src == f"'self' 'nonce-{request._csp_nonce}'"
    assert f'nonce="{request._csp_nonce}"' in used.content.decode()
    unused = CSPMiddleware(plain_view)(RequestFactory().get("/"))
    assert policy(unused)["script-src"] == "'self'"


# --- the signed-in cache rule, view by view ---------------------------------------------------


def _signed_in_request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


@pytest.mark.unit
@pytest.mark.django_db
def test_laxer_cache_headers_are_replaced_for_signed_in_people():
    def cached_view(request):
        response = HttpResponse("x")
        patch_cache_control(response, public=True, max_age=3600)
        response["Expires"] = "Thu, 01 Jan 2099 00:00:00 GMT"
        return response

    response = PrivateCacheMiddleware(cached_view)(_signed_in_request(UserFactory()))
    assert response["Cache-Control"] == "private, no-store"
    assert "Expires" not in response
    anonymous = PrivateCacheMiddleware(cached_view)(_signed_in_request(AnonymousUser()))
    assert anonymous["Cache-Control"] == "public, max-age=3600"


@pytest.mark.unit
@pytest.mark.django_db
def test_stricter_cache_headers_of_a_view_are_kept():
    view = never_cache(lambda request: HttpResponse("x"))
    response = PrivateCacheMiddleware(view)(_signed_in_request(UserFactory()))
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "Expires" in response

    def export_view(request):
        response = HttpResponse("{}")
        response["Cache-Control"] = "no-store"
        return response

    exported = PrivateCacheMiddleware(export_view)(_signed_in_request(UserFactory()))
    assert exported["Cache-Control"] == "no-store, private"


# --- the health probe -------------------------------------------------------------------------


def _real_redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("PEERNET_REQUIRE_SERVICES") == "1":
            pytest.fail("REDIS_URL is required by the suite.")
        pytest.skip("REDIS_URL is set by `make test`")
    return url


def _redis_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "peernet.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def frozen_redis():
    """A server that accepts connections and never answers, like a Redis stopped by SIGSTOP."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://:s3cret-password@127.0.0.1:{listener.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=2)
    for connection in accepted:
        connection.close()
    listener.close()


def _uses_postgresql():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the probe is checked against the real PostgreSQL of `make test`")


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_is_ok_with_real_postgresql_and_redis(client, settings):
    _uses_postgresql()
    url = _real_redis_url()
    settings.CELERY_BROKER_URL = url
    settings.CACHES = _redis_cache(url)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_without_a_broker_when_tasks_run_in_process(client, settings):
    settings.CELERY_BROKER_URL = "memory://localhost/"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down_and_says_nothing_of_it(client, settings):
    port = free_port()
    settings.CELERY_BROKER_URL = f"redis://:s3cret-password@127.0.0.1:{port}/0"
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "cache": "ok", "broker": "unavailable"},
    }
    body = response.content.decode()
    for secret in ("127.0.0.1", str(port), "s3cret", "redis"):
        assert secret not in body


@pytest.mark.integration
@pytest.mark.django_db
def test_healthz_gives_up_on_a_frozen_redis_within_a_few_seconds(client, settings, frozen_redis):
    settings.CELERY_BROKER_URL = frozen_redis
    settings.CACHES = _redis_cache(frozen_redis)
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "unavailable",
        "broker": "unavailable",
    }
    assert elapsed < 5, elapsed
    assert "s3cret" not in response.content.decode()


@pytest.mark.unit
@pytest.mark.django_db
def test_healthz_answers_plain_http_with_the_https_redirect_on(client, as_production):
    settings = as_production
    settings.CELERY_BROKER_URL = "memory://localhost/"
    assert client.get("/en/").status_code == 301
    response = client.get("/healthz")
    assert response.status_code == 200
    # Still only the allowed hosts: the compose probe sends the first of them as Host.
    assert client.get("/healthz", headers={"host": "internal.invalid"}).status_code == 400


@pytest.mark.unit
@pytest.mark.django_db
def test_healthz_refuses_other_methods(client, settings):
    settings.CELERY_BROKER_URL = "memory://localhost/"
    assert client.post("/healthz").status_code == 405
    assert client.get("/en/healthz").status_code == 404


# --- the browser enforces the policy, and the browser tests see it ----------------------------


@pytest.mark.e2e
def test_the_browser_refuses_inline_code_and_the_tests_hear_of_it(browser, live_server, db):
    from tests.conftest import csp_watch

    context = browser.new_context()
    violations = csp_watch(context)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/en/")
        ran = page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.inlineRan = true";
                document.head.append(script);
                const styled = document.createElement("div");
                styled.setAttribute("style", "color: red");
                document.body.append(styled);
                return window.inlineRan === true;
            }"""
        )
        page.wait_for_timeout(200)
    finally:
        context.close()
    assert ran is False
    assert any(report.startswith("script-src-elem | inline") for report in violations)
    assert any(report.startswith("style-src-attr | inline") for report in violations)


ACCOUNT_PAGES = [
    "/en/accounts/login/",
    "/fr/accounts/password/reset/",
    "/en/accounts/email/",
    "/fr/accounts/password/change/",
    "/en/accounts/2fa/",
    "/en/accounts/2fa/totp/activate/",
    "/fr/accounts/2fa/webauthn/add/",
]


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_account_and_second_factor_pages_keep_to_the_policy(browser_page, live_server):
    """allauth's pages, WebAuthn's included (static scripts and JSON data blocks): the fixture
    fails the test on any violation."""
    user = UserFactory(email="amelie@gatineau.ca")
    user.emailaddress_set.create(email=user.email, primary=True, verified=True)
    page = browser_page
    page.goto(live_server.url + ACCOUNT_PAGES[0])
    page.fill("input[name=login]", "amelie@gatineau.ca")
    page.fill("input[name=password]", "correct-horse-battery-9")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(live_server.url + "/en/me/")
    for path in ACCOUNT_PAGES[1:]:
        response = page.goto(live_server.url + path)
        if "/reauthenticate/" in page.url:
            # Second-factor settings ask for the password again.
            page.fill("input[name=password]", "correct-horse-battery-9")
            with page.expect_navigation() as navigation:
                page.locator("main form button[type=submit]").first.click()
            response = navigation.value
        assert (path, response.status, page.url) == (path, 200, live_server.url + path)
        assert response.headers["permissions-policy"].count("publickey-credentials") == 2


@pytest.mark.unit
@pytest.mark.django_db
def test_healthz_does_not_wait_for_a_database_that_hangs(client, settings, monkeypatch):
    from peernet import health

    settings.CELERY_BROKER_URL = "memory://localhost/"
    # Like a PostgreSQL stopped by SIGSTOP: the connection is accepted and never answered.
    monkeypatch.setattr(health.Database, "run", lambda self: time.sleep(8))
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unavailable", "cache": "ok"}
