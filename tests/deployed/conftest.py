"""The portal as it is deployed: gunicorn with ``peernet.settings.production`` in front of the test
database, a real Redis (broker, cache and rate-limit counters) and, where a test needs one, a
real Celery worker with the same settings.

Requests reach gunicorn the way a TLS proxy forwards them: with ``X-Forwarded-Proto: https`` and
``X-Forwarded-For`` naming the client, a public host name, and the secure ``__Host-`` cookies that
a browser would keep. Tests here use ``transactional_db``: gunicorn has its own connections and
sees only committed rows.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

from tests.conftest import (
    ROOT,
    _database_url,
    _missing,
    celery_worker_start,
    celery_worker_stop,
    free_port,
)

HOST = "peernet.test"
ORIGIN = f"https://{HOST}"
# Redis database of the deployed portal, apart from the one the other integration tests use, so
# that flushing its counters between tests touches nothing else.
REDIS_DB = 3


@dataclass
class Response:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    def header(self, name: str, default: str | None = None) -> str | None:
        values = self.headers.get(name.lower())
        return values[-1] if values else default

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.header("location", "")


@dataclass
class DeployedClient:
    """A browser behind the TLS proxy: keeps cookies (``Secure`` ones too), sends the CSRF token
    and the Origin header that Django checks on HTTPS, and names its own address."""

    port: int
    client_ip: str = "203.0.113.10"
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 20.0
    last_path: str = ""

    def request(self, method, path, *, data=None, headers=None, raw_body=None):
        connection = HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        sent = {
            "Host": HOST,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.client_ip,
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) PeerNetDeployedTest",
            "Accept-Language": "en-CA,en;q=0.8",
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        self.last_path = path
        body = raw_body
        if data is not None:
            if method == "POST" and "csrfmiddlewaretoken" not in data:
                data = {**data, "csrfmiddlewaretoken": self.csrf_token or ""}
            body = urllib.parse.urlencode(data, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST":
            sent["Origin"] = ORIGIN
            sent["Referer"] = ORIGIN + path
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            payload = raw.read()
            received: dict[str, list[str]] = {}
            for name, value in raw.getheaders():
                received.setdefault(name.lower(), []).append(value)
        finally:
            connection.close()
        for cookie_header in received.get("set-cookie", []):
            jar = SimpleCookie()
            jar.load(cookie_header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(status=raw.status, headers=received, body=payload)

    @property
    def csrf_token(self) -> str | None:
        return self.cookies.get("__Host-csrftoken") or self.cookies.get("csrftoken")

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def head(self, path, **kwargs):
        return self.request("HEAD", path, **kwargs)

    def post(self, path, data=None, **kwargs):
        if self.csrf_token is None:
            self.get(path)  # a browser has the page, and so the CSRF cookie, before it posts
        return self.request("POST", path, data=data or {}, **kwargs)

    def follow(self, response: Response, *, limit: int = 5) -> Response:
        """Follow redirects within the site with GET, as a browser does after a POST."""
        for _ in range(limit):
            if response.status not in (301, 302, 303, 307, 308):
                return response
            target = urllib.parse.urlsplit(response.location)
            assert target.netloc in ("", HOST), f"redirect off the site: {response.location}"
            path = target.path + (f"?{target.query}" if target.query else "")
            response = self.get(path)
        return response

    def login(self, email: str, password: str, *, totp_secret: str | None = None, language="en"):
        """Sign in through allauth's form, then the TOTP step when the account has one."""
        path = f"/{language}/accounts/login/"
        self.get(path)
        response = self.post(path, {"login": email, "password": password})
        response = self.follow(response)
        if totp_secret is not None and "/2fa/" in self.last_path:
            response = self.follow(self.post(self.last_path, {"code": totp_code(totp_secret)}))
        return response


def totp_code(secret: str) -> str:
    from tests.second_factor import totp_code_of_secret

    return totp_code_of_secret(secret)


@dataclass
class DeployedSite:
    port: int
    redis_url: str
    env: dict
    log_path: Path
    media_root: Path
    pid: int = 0

    def client(self, client_ip: str = "203.0.113.10") -> DeployedClient:
        return DeployedClient(port=self.port, client_ip=client_ip)

    def workers(self) -> set[int]:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()

    def workers_restart(self, timeout: float = 30) -> None:
        """New gunicorn workers (SIGHUP), as after a deployment: what a worker keeps for its
        lifetime, such as Django's content types, is read again from the database. The test
        database is emptied between tests, and its rows come back with other ids."""
        before = self.workers()
        os.kill(self.pid, signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while self.workers() & before or len(self.workers()) < len(before):
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not restart its workers:\n" + self.log())
            time.sleep(0.1)
        while True:
            try:
                if self.client().get("/healthz").status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gunicorn's new workers do not answer:\n" + self.log())
            time.sleep(0.1)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


def _production_env(
    *, database_url: str, redis_url: str, port: int = 0, extra: dict | None = None
) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PEERNET_", "CELERY_")) and key != "EMAIL_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "peernet.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            # localhost too, for the browser: Chromium keeps Secure cookies for it over HTTP.
            "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"{ORIGIN},http://localhost:{port}",
            "SITE_URL": ORIGIN,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DEFAULT_FROM_EMAIL": "PeerNet <network@peernet.test>",
            "PEERNET_TRUSTED_PROXY_COUNT": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra or {})
    return env


@pytest.fixture(scope="session")
def _collected_static():
    """The manifest that production's static storage reads, collected once for the run."""
    env = _production_env(database_url="sqlite:///:memory:", redis_url="")
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if result.returncode != 0:
        pytest.fail("collectstatic failed:\n" + result.stderr[-4000:])


@pytest.fixture(scope="session")
def deployed_site(django_db_setup, django_db_blocker, _collected_static, tmp_path_factory):
    """gunicorn (2 sync workers) with the production settings, as the compose file runs it."""
    from django.conf import settings
    from django.db import connection

    redis_url = os.environ.get("REDIS_URL")
    with django_db_blocker.unblock():
        vendor = connection.vendor
    if not redis_url or vendor != "postgresql":
        _missing("A Redis broker and PostgreSQL")
    redis_url = redis_url.rsplit("/", 1)[0] + f"/{REDIS_DB}"
    port = free_port()
    media_root = tmp_path_factory.mktemp("media")
    env = _production_env(
        database_url=_database_url(settings.DATABASES["default"]),
        redis_url=redis_url,
        port=port,
        # The tests sign answer links and encrypt TOTP secrets the way the portal does.
        extra={"DJANGO_SECRET_KEY": settings.SECRET_KEY, "DJANGO_MEDIA_ROOT": str(media_root)},
    )
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "peernet.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--timeout", "30", "--graceful-timeout", "5",
         "--no-control-socket", "--access-logfile", "-"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    site = DeployedSite(
        port=port,
        redis_url=redis_url,
        env=env,
        log_path=log_path,
        media_root=media_root,
        pid=process.pid,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("gunicorn did not start:\n" + site.log())
            try:
                site.client().get("/healthz")
                break
            except OSError:
                time.sleep(0.2)
        yield site
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


@pytest.fixture
def site(deployed_site, transactional_db, settings):
    """The deployed portal with an empty database and fresh rate-limit counters; files the test
    stores land in the portal's media folder."""
    import redis

    redis.Redis.from_url(deployed_site.redis_url).flushdb()
    settings.MEDIA_ROOT = deployed_site.media_root
    return deployed_site


@pytest.fixture
def deployed_worker(site, smtp_server):
    """A real `celery worker` with the production settings, delivering to smtp_server."""
    env = {**site.env, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}"}
    process = celery_worker_start(env=env, label="deployed", broker_url=site.redis_url)
    try:
        yield process
    finally:
        celery_worker_stop(process)
