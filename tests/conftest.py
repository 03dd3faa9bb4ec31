"""Fixtures shared by the whole suite: factories' defaults, the real SMTP server, a real Celery
worker process, and Debian's chromium driven by Playwright with axe-core."""

import email
import email.policy
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM use.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def _missing(what: str):
    """`make test` provides every service; elsewhere a test that needs one is skipped."""
    if os.environ.get("PEERNET_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{what} is required by the suite but not available.")
    pytest.skip(f"{what} is not available (run `make test`).")


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in English: a French request earlier in the thread must not leak into
    the next test's reverse() or messages."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _broker_not_paused():
    """A broker failure in one test must not make the next one skip its dispatches."""
    from peernet.outbox import services

    services.this_process.broker_resume()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters and cached fragments never carry over from one test to the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def admin_user(db):
    """pytest-django's admin, as the portal requires staff to be: with an authenticator app."""
    from tests.members.factories import StaffFactory

    return StaffFactory(email="admin@example.com", password="password")


@pytest.fixture
def staff_client(client, db):
    """A client signed in as staff (a superuser with a second factor); the account is
    ``client.staff``."""
    from tests.members.factories import StaffFactory

    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPCollector:
    """An aiosmtpd handler that keeps every message it receives, raw and parsed."""

    def __init__(self):
        self.port = None
        self.raw: list[bytes] = []
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        data = envelope.original_content or envelope.content
        with self._lock:
            self.raw.append(data)
            self.messages.append(email.message_from_bytes(data, policy=email.policy.default))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._lock.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 30.0):
        """Wait until `count` messages arrived (or the timeout passed); return the messages."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._lock.wait(remaining)
            return list(self.messages)


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    handler = SMTPCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


def _database_url(database: dict) -> str:
    user = quote(database.get("USER") or "", safe="")
    password = quote(database.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{database['NAME']}"


@pytest.fixture
def celery_worker(transactional_db, smtp_server, settings):
    """A real `celery worker` process on the real Redis, the test database and smtp_server.

    Use with data that is committed (transactional_db): the worker has its own connection.
    """
    from django.db import connection

    from peernet.celery import app

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url or connection.vendor != "postgresql":
        _missing("A Redis broker and PostgreSQL")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "peernet.settings.test",
        "DATABASE_URL": _database_url(settings.DATABASES["default"]),
        "REDIS_URL": redis_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_server.port}",
        "PYTHONUNBUFFERED": "1",
    }
    app.control.purge()
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    process = celery_worker_start(env=env, label="test")
    try:
        yield process
    finally:
        app.conf.task_always_eager = previous_eager
        celery_worker_stop(process)


def celery_worker_start(
    *, env: dict, label: str, broker_url: str | None = None
) -> subprocess.Popen:
    """Start a real `celery worker` (solo pool, both queues) with `env`, and wait until it
    answers a ping through `broker_url` (the Celery settings' broker when None). Its log is
    ``process.log``."""
    from celery import Celery

    from peernet.celery import app

    # Celery's pools of producers belong to an app and its broker: another broker needs an app.
    control = (
        Celery("peernet-tests", broker=broker_url, set_as_current=False).control
        if broker_url
        else app.control
    )

    name = f"{label}-{uuid.uuid4().hex[:8]}@{socket.gethostname()}"
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"celery-{name.split('@')[0]}.log"
    log = open(log_path, "w+b")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "peernet", "worker", "-Q", "default,mail",
         "--pool=solo", "--concurrency=1", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", name, "-l", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    process.log = log
    deadline = time.monotonic() + 60
    while not control.ping(destination=[name], timeout=0.5):
        if process.poll() is not None or time.monotonic() > deadline:
            log.seek(0)
            output = log.read().decode(errors="replace")[-4000:]
            celery_worker_stop(process)
            pytest.fail("The Celery worker did not start:\n" + output)
    return process


def celery_worker_stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.close()


@pytest.fixture(scope="session")
def browser():
    executable = os.environ.get("PEERNET_CHROMIUM", "/usr/bin/chromium")
    if not Path(executable).exists():
        _missing(f"Chromium at {executable}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


# Tells the test of every Content-Security-Policy violation in any page or frame. Playwright
# adds it outside the page's policy, so the policy cannot block its own witness.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.peernetCspViolation([event.effectiveDirective, event.blockedURI,
    `${event.sourceFile}:${event.lineNumber}`, event.sample, location.href].join(" | "));
}, true);
"""


def _is_policy_message(text: str) -> bool:
    # Chromium reports a refused load or inline code, and a header it cannot parse, this way.
    return "Content Security Policy" in text or "Permissions-Policy" in text


def csp_watch(context) -> list[str]:
    """The Content-Security-Policy violations of every page of `context`, as they happen."""
    violations: list[str] = []

    def on_violation(report: str):
        violations.append(report)

    def on_console(message):
        if _is_policy_message(message.text):
            violations.append(f"console: {message.text}")

    context.expose_function("peernetCspViolation", on_violation)
    context.add_init_script(CSP_LISTENER)
    context.on("console", on_console)
    return violations


@pytest.fixture
def browser_page(browser, live_server):
    """A fresh browser page (own cookies); open `live_server.url + path`.

    The test fails at teardown if any page it opened broke the Content-Security-Policy.
    """
    context = browser.new_context(locale="en-CA", timezone_id="America/Toronto")
    context.set_default_timeout(15_000)
    violations = csp_watch(context)
    page = context.new_page()
    try:
        yield page
        if not page.is_closed():
            # Violation events are delivered asynchronously: let the last ones arrive.
            page.wait_for_timeout(100)
    finally:
        context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def axe_violations():
    """Run axe-core (WCAG 2.0/2.1 A and AA rules) on the page; return its violations."""
    if not AXE_JS.exists():
        _missing("axe-core (npm ci)")
    from django.conf import settings

    # Served as a static file by the test settings, so the page's policy allows it.
    axe_url = f"{settings.STATIC_URL}vendor/axe-core/axe.min.js"

    def run(page) -> list[dict]:
        page.add_script_tag(url=axe_url)
        # axe's CSSOM preload copies @import rules (the admin's forms.css has one) into <style>
        # elements of its own, which the policy rightly refuses; only the experimental
        # css-orientation-lock rule, not run here, needs it. Media are still preloaded.
        violations = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag',
                 values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                 preload: {assets: ['media']}})).violations"""
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "targets": [node["target"] for node in violation["nodes"]][:5],
            }
            for violation in violations
        ]

    return run
