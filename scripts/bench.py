"""`make bench`: throughput, latency, queries and memory of the portal as deployed.

scripts/bench.sh starts PostgreSQL and Redis and then runs this file, which migrates the fresh
database, collects the static files, loads the demo data and starts what production runs: a
real SMTP server (scripts/bench_smtp.py), a Celery worker and gunicorn with
``peernet.settings.production``, plus the trivial site of scripts/bench_trivial/ under the same
gunicorn settings. wrk loads each page between two runs on the trivial view, so every page is
given as a ratio of a floor measured on the same machine seconds apart. Then a registration is
timed while the SMTP server answers late, and invitations are timed from a new meeting until
the SMTP server has received them all. Everything is written to var/bench/results.json.

Requests reach gunicorn the way the TLS proxy forwards them (``X-Forwarded-Proto: https``,
``X-Forwarded-For``, a public host name): the production HTTPS redirect stays on.
"""

import argparse
import contextlib
import ctypes
import http.client
import importlib.metadata
import json
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "var" / "bench" / "results.json"
PYTHON = sys.executable
HOST = "peernet.test"
ORIGIN = f"https://{HOST}"
CLIENT_IP = "203.0.113.10"
ACCEPT_LANGUAGE = {"en": "en-CA,en;q=0.8", "fr": "fr-CA,fr;q=0.8"}
INVITEE_DOMAIN = "invitees.peernet.test"
REGISTRANT_PREFIX = "bench.registrant"

# Public pages, each in both languages: (name, URL name, the object its address needs).
PUBLIC_PAGES = [
    ("home", "home", None),
    ("meetings", "meetings:list", None),
    ("meeting", "meetings:detail", "meeting"),
    ("cohorts", "cohorts:list", None),
    ("cohort_map", "cohorts:map", None),
    ("community", "cohorts:community", "community"),
    ("programme", "cohorts:programme", None),
    ("register", "members:register", None),
]

GUNICORN_OPTIONS = [
    "--workers", "2", "--worker-class", "sync", "--timeout", "30", "--graceful-timeout", "5",
    "--no-control-socket",
]  # fmt: skip
CELERY_OPTIONS = ["-Q", "default,mail", "--concurrency", "2", "-l", "INFO"]

# wrk prints its own summary; this gives exact percentiles and the error counts as one line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"p50_us": %.0f, "p90_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, "max_us": %.0f, ' ..
    '"mean_us": %.1f}\\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


STARTED = time.monotonic()


def log(message: str) -> None:
    # Time since the start, not the clock: Django's setup changes the process's time zone.
    minutes, seconds = divmod(int(time.monotonic() - STARTED), 60)
    print(f"[{minutes:02d}:{seconds:02d}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    # A child left behind by a killed benchmark would hold its port and keep loading the
    # machine: the kernel sends it SIGTERM when this process goes away.
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Service:
    """A process started for the run, in its own process group, stopped with all its children."""

    def __init__(self, name: str, argv: list[str], *, env: dict, log_dir: Path):
        self.name = name
        self.argv = argv
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, preexec_fn=_die_with_parent,
        )  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

    def check_running(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")

    def tail(self, size: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-size:]

    def stop(self, timeout: float = 15) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        # Workers that outlived their master (it was killed first) go with the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self._log.close()


def wait_until(condition, *, timeout: float, what: str, services=(), interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        for service in services:
            service.check_running()
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(interval)


# --- HTTP, the way the TLS proxy forwards a browser's requests --------------------------------


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        for name, value in self.headers:
            if name.lower() == "set-cookie":
                jar.load(value)
        return {name: morsel.value for name, morsel in jar.items()}

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")


def proxy_headers(language: str = "en", client_ip: str = CLIENT_IP) -> dict[str, str]:
    return {
        "Host": HOST,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": client_ip,
        "Accept-Language": ACCEPT_LANGUAGE[language],
        "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) PeerNetBench",
    }


def http_request(port, method, path, *, headers, cookies=None, form=None, timeout=60) -> Answer:
    sent = dict(headers)
    body = None
    if cookies:
        sent["Cookie"] = "; ".join(f"{key}={value}" for key, value in cookies.items())
    if form is not None:
        body = urllib.parse.urlencode(form).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent["Origin"] = ORIGIN
        sent["Referer"] = ORIGIN + path
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def csrf_form_token(body: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not found:
        raise RuntimeError("No CSRF token in the form.")
    return found.group(1).decode()


def sign_in(port: int, email: str, password: str) -> dict[str, str]:
    """Sign in through allauth's login form, as a browser does; returns the cookies."""
    path = "/en/accounts/login/"
    page = http_request(port, "GET", path, headers=proxy_headers())
    cookies = page.cookies()
    form = {"login": email, "password": password, "csrfmiddlewaretoken": csrf_form_token(page.body)}
    answer = http_request(port, "POST", path, headers=proxy_headers(), cookies=cookies, form=form)
    cookies.update(answer.cookies())
    if answer.status != 302 or not any("sessionid" in name for name in cookies):
        raise RuntimeError(f"Signing in as {email} failed: {answer.status}")
    return cookies


# --- Measurements ---------------------------------------------------------------------------


def duration_seconds(text: str) -> float:
    found = re.fullmatch(r"(\d+)(s|m)?", text)
    if not found:
        raise argparse.ArgumentTypeError("a wrk duration such as 5s or 1m")
    return int(found.group(1)) * (60 if found.group(2) == "m" else 1)


def wrk(url: str, headers: dict[str, str], options, script: Path) -> dict:
    argv = ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{options.duration}",
            "--latency", "-s", str(script)]  # fmt: skip
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    timeout = duration_seconds(options.duration) + 60
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH_JSON "))
    summary = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = summary["duration_us"] / 1e6
    summary["requests_per_second"] = round(summary["requests"] / seconds, 1) if seconds else 0.0
    summary["errors"] = sum(value for key, value in summary.items() if key.startswith("errors_"))
    return summary


def gunicorn_workers(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    with contextlib.suppress(OSError):
        return [int(pid) for pid in children.read_text().split()]
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            if re.search(rf"^PPid:\s+{master_pid}$", status.read_text(), re.MULTILINE):
                pids.append(int(status.parent.name))
    return pids


def peak_rss_kib(pid: int) -> int | None:
    with contextlib.suppress(OSError):
        found = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
        return int(found.group(1)) if found else None
    return None


def peak_rss_reset(pids: list[int]) -> bool:
    """Start each worker's peak RSS again from its current size (Linux 4.0+, clear_refs 5)."""
    done = True
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            done = False
    return done


def nearest_rank(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(percent / 100 * len(ordered)) - 1, 0)]


def queries_of_one_request(path: str, *, language: str, cookies: dict[str, str]) -> dict:
    """Queries of one request in this process (test client, production settings, the same
    database and Redis), after one request that warms the caches as wrk's first requests do."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    headers = proxy_headers(language)
    client = Client(
        headers={key: value for key, value in headers.items() if key != "Host"},
        HTTP_HOST=HOST,
    )
    for name, value in cookies.items():
        client.cookies[name] = value
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    connection.close()
    return {"queries_status": response.status_code, "queries": len(captured.captured_queries)}


class SmtpLog:
    """The messages the SMTP server has accepted, read as its log grows."""

    def __init__(self, path: Path):
        self.path = path
        self.offset = 0
        self.messages: list[dict] = []

    def read(self) -> list[dict]:
        with contextlib.suppress(FileNotFoundError), self.path.open("rb") as stream:
            stream.seek(self.offset)
            chunk = stream.read()
            complete = chunk[: chunk.rfind(b"\n") + 1]
            self.offset += len(complete)
            self.messages += [json.loads(line) for line in complete.splitlines() if line]
        return self.messages

    def to(self, predicate) -> list[dict]:
        return [m for m in self.read() if any(predicate(address) for address in m["to"])]


# --- Steps of the run -----------------------------------------------------------------------


def production_env(*, smtp_port: int, media_root: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PEERNET_", "CELERY_")) and key != "EMAIL_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "peernet.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_CSRF_TRUSTED_ORIGINS": ORIGIN,
            "DJANGO_MEDIA_ROOT": str(media_root),
            "SITE_URL": ORIGIN,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": os.environ["REDIS_URL"],
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DEFAULT_FROM_EMAIL": "PeerNet <network@peernet.test>",
            "PEERNET_STAFF_EMAILS": "network@peernet.test",
            "PEERNET_TRUSTED_PROXY_COUNT": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def manage(args: list[str], *, env: dict, log_dir: Path, timeout: float = 300) -> None:
    log_path = log_dir / f"manage-{args[0]}.log"
    with log_path.open("wb") as output:
        result = subprocess.run(
            [PYTHON, "manage.py", *args], cwd=ROOT, env=env, stdout=output,
            stderr=subprocess.STDOUT, timeout=timeout,
        )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n" + log_path.read_text()[-4000:])


def start_gunicorn(name, app, port, *, env, log_dir, extra=()) -> Service:
    argv = [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", *GUNICORN_OPTIONS]
    return Service(name, [*argv, *extra], env=env, log_dir=log_dir)


def page_urls() -> list[dict]:
    from django.urls import reverse
    from django.utils import translation

    from cohorts.models import Community
    from meetings import selectors

    meeting = selectors.meeting_next() or selectors.meetings_upcoming().first()
    community = (
        Community.objects.filter(cohorts__isnull=False).order_by("slug").first()
        or Community.objects.order_by("slug").first()
    )
    objects = {
        "meeting": {"pk": meeting.pk} if meeting else None,
        "community": {"slug": community.slug} if community else None,
    }
    pages = []
    for language in ("en", "fr"):
        for name, url_name, needs in PUBLIC_PAGES:
            if needs and objects[needs] is None:
                raise RuntimeError(f"The demo data has no {needs} for the page {name}.")
            with translation.override(language):
                path = reverse(url_name, kwargs=objects[needs] if needs else None)
            pages.append({"page": f"{name}.{language}", "path": path, "language": language})
    with translation.override("en"):
        pages.append(
            {"page": "member_home.en", "path": reverse("members:home"), "language": "en",
             "signed_in": True}
        )  # fmt: skip
    return pages


def demo_member() -> tuple[str, str]:
    """An approved demo member and the demo password (members/.../demo_members.py)."""
    from members.choices import RegistrationStatus
    from members.management.commands.demo_members import DEMO_PASSWORD, PEOPLE
    from members.models import Registration

    approved = [person[2] for person in PEOPLE if person[-1] == "approved"]
    registration = (
        Registration.objects.filter(user__email__in=approved, status=RegistrationStatus.APPROVED)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if registration is None:
        raise RuntimeError("No approved demo member to sign in with.")
    return registration.user.email, DEMO_PASSWORD


def measure_pages(pages, *, web, trivial, options, script, cookies) -> list[dict]:
    trivial_url = f"http://127.0.0.1:{trivial.port}/"
    results = []
    for number, page in enumerate(pages, start=1):
        headers = proxy_headers(page["language"])
        sent_cookies = cookies if page.get("signed_in") else {}
        first = http_request(web.port, "GET", page["path"], headers=headers, cookies=sent_cookies)
        row = {**page, "status": first.status, "bytes": len(first.body)}
        row.update(queries_of_one_request(page["path"], language=page["language"],
                                          cookies=sent_cookies))  # fmt: skip
        if first.status != 200 or row["queries_status"] != 200:
            log(f"  {page['page']}: HTTP {first.status}, not measured")
            results.append(row)
            continue
        if sent_cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in sent_cookies.items())
        # The trivial view just before and just after the page: their mean is the page's floor,
        # and their difference shows how much the machine's load moved meanwhile.
        before = wrk(trivial_url, proxy_headers(), options, script)
        workers = gunicorn_workers(web.service.pid)
        rss_reset = peak_rss_reset(workers)
        measured = wrk(f"http://127.0.0.1:{web.port}{page['path']}", headers, options, script)
        after = wrk(trivial_url, proxy_headers(), options, script)
        floor = (before["requests_per_second"] + after["requests_per_second"]) / 2
        row.update(
            {
                "requests_per_second": measured["requests_per_second"],
                "trivial_requests_per_second": round(floor, 1),
                "ratio": round(measured["requests_per_second"] / floor, 4) if floor else None,
                "trivial_after_to_before": round(
                    after["requests_per_second"] / before["requests_per_second"], 2
                )
                if before["requests_per_second"]
                else None,
                "p50_ms": measured["p50_us"] / 1000,
                "p95_ms": measured["p95_us"] / 1000,
                "p99_ms": measured["p99_us"] / 1000,
                "wrk": measured,
                "trivial_wrk_before": before,
                "trivial_wrk_after": after,
                "peak_rss_kib": {str(pid): peak_rss_kib(pid) for pid in workers},
                "peak_rss_since": "start of this page's run" if rss_reset else "worker start",
            }
        )
        results.append(row)
        log(
            f"  [{number}/{len(pages)}] {page['page']}: {row['requests_per_second']:.0f} req/s"
            f" (trivial {row['trivial_requests_per_second']:.0f}), ratio {row['ratio']},"
            f" p99 {row['p99_ms']:.1f} ms, {row['queries']} queries"
            + (f", {measured['errors']} errors" if measured["errors"] else "")
        )
    return results


def registration_form(number: int) -> dict[str, str]:
    return {
        "first_name": "Amélie",
        "last_name": f"Tremblay {number}",
        "email": f"{REGISTRANT_PREFIX}{number}@gatineau.ca",
        "job_title": "Analyste, transition écologique",
        "department": "Environnement",
        "organisation_name": "Ville de Gatineau",
        "organisation_kind": "city",
        "province": "QC",
        "preferred_language": "fr",
        "wants_interpretation": "on",
        "password1": "a-Long-passphrase-2026",
        "password2": "a-Long-passphrase-2026",
        "privacy_consent": "on",
    }


def measure_registrations(*, web, count: int, delay: float, delay_file: Path, smtp: SmtpLog):
    """Sequential registrations, each from its own address (allauth limits sign-ups per
    client), while the SMTP server takes `delay` seconds to accept each message."""
    delay_file.write_text(str(delay))
    timings, statuses = [], []
    path = "/en/register/"
    started = time.time()
    for number in range(count):
        # 198.18.0.0/15 is set aside for benchmarks (RFC 2544).
        headers = proxy_headers("en", client_ip=f"198.18.{number // 250}.{number % 250 + 1}")
        page = http_request(web.port, "GET", path, headers=headers)
        form = {**registration_form(number), "csrfmiddlewaretoken": csrf_form_token(page.body)}
        start = time.perf_counter()
        answer = http_request(web.port, "POST", path, headers=headers, cookies=page.cookies(),
                              form=form)  # fmt: skip
        timings.append((time.perf_counter() - start) * 1000)
        statuses.append(answer.status)
    finished = time.time()
    # The count measured in-process, with one more registrant, before the server is fast again.
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(headers={k: v for k, v in proxy_headers().items() if k != "Host"},
                    HTTP_HOST=HOST)  # fmt: skip
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        response = client.post(path, registration_form(count))
    connection.close()
    accepted_during = len(smtp.to(lambda a: a.startswith(REGISTRANT_PREFIX)))
    delay_file.write_text("0")
    wanted = count + 1
    with contextlib.suppress(RuntimeError):
        wait_until(lambda: len(smtp.to(lambda a: a.startswith(REGISTRANT_PREFIX))) >= wanted,
                   timeout=delay + 60, what="the registrations' e-mails", interval=0.5)  # fmt: skip
    delivered = smtp.to(lambda a: a.startswith(REGISTRANT_PREFIX))
    held = [message["answered"] - message["received"] for message in delivered]
    return {
        "posts": count,
        "smtp_delay_seconds": delay,
        "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        "p50_ms": round(nearest_rank(timings, 50), 1),
        "p95_ms": round(nearest_rank(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "timings_ms": [round(value, 1) for value in timings],
        "percentiles": "nearest rank over the POSTs, each on a new connection",
        "queries": len(captured.captured_queries),
        "queries_status": response.status_code,
        "seconds": round(finished - started, 1),
        "emails_accepted_while_posting": accepted_during,
        "emails_accepted_in_the_end": len(delivered),
        "emails_expected": wanted,
        "longest_smtp_answer_seconds": round(max(held), 1) if held else None,
        "smtp_delay_applies_to": "the server's reply to DATA, for messages arriving meanwhile",
    }


def members_bulk_create(count: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection
    from django.utils import timezone

    from members.choices import Province, RegistrationStatus
    from members.eligibility import mailbox_key, name_key
    from members.models import Registration, User
    from members.services import PRIVACY_NOTICE_VERSION

    now = timezone.now()
    password = make_password(None)
    provinces = [code for code in Province.values if code != "XX"]
    users = User.objects.bulk_create(
        [
            User(
                email=f"member{number:05d}@{INVITEE_DOMAIN}",
                first_name="Alex",
                last_name=f"Member {number}",
                preferred_language="fr" if number % 2 else "en",
                password=password,
            )
            for number in range(count)
        ],
        batch_size=1000,
    )
    Registration.objects.bulk_create(
        [
            Registration(
                user=user,
                job_title="Climate advisor",
                organisation_name="City of Gatineau",
                organisation_kind="city",
                province=provinces[number % len(provinces)],
                wants_interpretation=user.preferred_language == "fr",
                privacy_consent_at=now,
                privacy_notice_version=PRIVACY_NOTICE_VERSION,
                person_key=name_key(user.first_name, user.last_name),
                mailbox_key=mailbox_key(user.email),
                status=RegistrationStatus.APPROVED,
                submitted_at=now,
                email_confirmed_at=now,
                decided_at=now,
            )
            for number, user in enumerate(users)
        ],
        batch_size=1000,
    )
    connection.close()


def meeting_create_command() -> None:
    """Run in a subprocess with the production settings: schedule a meeting the way staff do,
    print when it was committed (its invitations are queued on commit)."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.utils import timezone

    from meetings.services import meeting_create

    starts = (timezone.now() + timedelta(days=21)).replace(minute=0, second=0, microsecond=0)
    called = time.time()
    meeting = meeting_create(
        title_en="Benchmark meeting: circular procurement",
        title_fr="Rencontre d’essai : approvisionnement circulaire",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        join_url="https://zoom.example/j/123456789",
        passcode="314159",
    )
    committed = time.time()
    print(json.dumps({"meeting": meeting.pk, "called": called, "committed": committed}))


def measure_invitations(*, count: int, env: dict, smtp: SmtpLog, timeout: float, services):
    from peernet.outbox.models import OutboxMessage

    started = time.monotonic()
    members_bulk_create(count)
    created_seconds = time.monotonic() - started
    invitee = f"@{INVITEE_DOMAIN}"
    result = subprocess.run(
        [PYTHON, __file__, "--meeting-create"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError("Creating the meeting failed:\n" + result.stderr[-4000:])
    created = json.loads(result.stdout.strip().splitlines()[-1])
    committed = created["committed"]
    queued_at = None
    deadline = time.monotonic() + timeout
    while True:
        for service in services:
            service.check_running()
        delivered = smtp.to(lambda address: address.endswith(invitee))
        recipients = {address for message in delivered for address in message["to"]}
        if queued_at is None:
            from django.db import connection

            if OutboxMessage.objects.filter(to_email__endswith=invitee).count() >= count:
                queued_at = time.time()
            connection.close()
        if len(recipients) >= count or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    from members.selectors import members_active

    invited_in_total = members_active().count()
    # The moment each member's first copy was accepted: the last of them is when everyone had
    # theirs. A second copy to anyone is counted apart, as a failure of "exactly one".
    first_copies: dict[str, float] = {}
    for message in delivered:
        for address in message["to"]:
            first_copies[address] = min(message["answered"], first_copies.get(address, math.inf))
    answered = sorted(first_copies.values())
    last = answered[count - 1] if len(answered) >= count else None
    seconds = (last - committed) if last else None
    rate = count / seconds if seconds else None
    return {
        "members": count,
        "members_invited_in_total": invited_in_total,
        "counted": f"members created here ({count}) who had a message accepted by the SMTP server",
        "members_created_in_seconds": round(created_seconds, 1),
        "meeting_create_seconds": round(committed - created["called"], 3),
        "delivered": len(delivered),
        "members_delivered_to": len(first_copies),
        "second_copies": len(delivered) - len(first_copies),
        "complete": last is not None,
        "first_message_after_seconds": round(answered[0] - committed, 2) if answered else None,
        "all_queued_after_seconds": round(queued_at - committed, 1) if queued_at else None,
        "all_delivered_after_seconds": round(seconds, 1) if seconds else None,
        "messages_per_second": round(rate, 1) if rate else None,
        "estimated_seconds_for_10000": round(10000 / rate) if rate else None,
        "timeout_seconds": timeout,
    }


def versions() -> dict:
    from django.db import connection

    packages = ["Django", "gunicorn", "celery", "kombu", "redis", "psycopg", "whitenoise",
                "django-allauth", "aiosmtpd"]  # fmt: skip
    found = {name: importlib.metadata.version(name) for name in packages}
    found["python"] = platform.python_version()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        found["postgresql"] = cursor.fetchone()[0]
    connection.close()
    import redis

    found["redis-server"] = redis.Redis.from_url(os.environ["REDIS_URL"]).info()["redis_version"]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    found["wrk"] = (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip()
    return found


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    return {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "cpu": model.group(1) if model else platform.processor(),
        "cpus": os.cpu_count(),
        "memory_mib": int(memory.group(1)) // 1024 if memory else None,
        "load_average_at_start": os.getloadavg(),
    }


def git_revision() -> dict:
    # Read only: no index refresh, so that a commit made meanwhile never finds index.lock taken.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}

    def git(*args):
        result = subprocess.run(["git", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "HEAD"),
        "modified_files": status is not None and bool(status),
    }


def rss_mib(kib: int | None) -> str:
    return f"{kib / 1024:.0f}" if kib else "?"


def table(results: dict) -> str:
    header = ["page", "req/s", "trivial req/s", "ratio", "p50 ms", "p95 ms", "p99 ms",
              "queries", "peak RSS MiB"]  # fmt: skip
    rows = []
    for page in results.get("pages", []):
        if "requests_per_second" not in page:
            rows.append([page["page"], f"HTTP {page['status']}", "", "", "", "", "",
                         str(page.get("queries", "")), ""])  # fmt: skip
            continue
        peaks = [value for value in page["peak_rss_kib"].values() if value]
        rows.append(
            [
                page["page"],
                f"{page['requests_per_second']:.0f}",
                f"{page['trivial_requests_per_second']:.0f}",
                f"{page['ratio']:.3f}",
                f"{page['p50_ms']:.1f}",
                f"{page['p95_ms']:.1f}",
                f"{page['p99_ms']:.1f}",
                str(page["queries"]),
                rss_mib(max(peaks) if peaks else None),
            ]
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        " | ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in
                   enumerate(zip(row, widths, strict=True)))
        for row in [header, *rows]
    ]  # fmt: skip
    lines.insert(1, "-|-".join("-" * width for width in widths))
    registration = results.get("registration_post")
    if registration:
        lines.append("")
        lines.append(
            f"registration POST, SMTP answering {registration['smtp_delay_seconds']:.0f} s late:"
            f" p50 {registration['p50_ms']:.0f} ms, p95 {registration['p95_ms']:.0f} ms,"
            f" max {registration['max_ms']:.0f} ms over {registration['posts']} POSTs"
            f" (HTTP {registration['statuses']}), {registration['queries']} queries"
        )
    invitations = results.get("invitations")
    if invitations:
        if invitations["complete"]:
            queued = invitations["all_queued_after_seconds"]
            lines.append(
                f"invitations: {invitations['members']} members, all delivered"
                f" {invitations['all_delivered_after_seconds']:.0f} s after the meeting was"
                f" created ({invitations['messages_per_second']:.1f} messages/s; first after"
                f" {invitations['first_message_after_seconds']:.1f} s, all in the outbox after"
                f" {f'{queued:.0f} s' if queued is not None else '?'}); 10,000 would take about"
                f" {invitations['estimated_seconds_for_10000']:.0f} s (target 60 s);"
                f" {invitations.get('second_copies', 0)} members got a second copy"
            )
        else:
            lines.append(
                f"invitations: only {invitations.get('members_delivered_to', 0)} of"
                f" {invitations['members']} members delivered to within"
                f" {invitations['timeout_seconds']:.0f} s"
            )
    import bench_admin

    lines += bench_admin.table_lines(results)
    workers = results.get("peak_rss_after_run_kib")
    if workers:
        lines.append(
            "gunicorn workers' peak RSS over the whole run: "
            + ", ".join(f"{rss_mib(kib)} MiB" for kib in workers.values())
        )
    return "\n".join(lines)


@dataclass
class Site:
    service: Service
    port: int


def run(options) -> dict:
    began = time.time()
    work = Path(tempfile.mkdtemp(prefix="peernet-bench-"))
    logs = work / "logs"
    logs.mkdir()
    media = work / "media"
    media.mkdir()
    script = work / "summary.lua"
    script.write_text(WRK_SCRIPT)
    smtp_port, web_port, trivial_port = free_port(), free_port(), free_port()
    env = production_env(smtp_port=smtp_port, media_root=media)
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "revision": git_revision(),
    }
    services: list[Service] = []
    try:
        log("Migrating a fresh database, collecting static files, loading the demo data …")
        manage(["migrate", "--noinput", "-v0"], env=env, log_dir=logs)
        manage(["collectstatic", "--noinput", "-v0"], env=env, log_dir=logs)
        manage(["demo_data"], env=env, log_dir=logs)

        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.conf import settings

        from peernet.celery import app as celery_app

        log("Starting the SMTP server, the Celery worker and gunicorn …")
        delay_file = work / "smtp-delay"
        delay_file.write_text("0")
        smtp_log_path = work / "smtp-messages.jsonl"
        smtp_service = Service(
            "smtp",
            [PYTHON, str(ROOT / "scripts" / "bench_smtp.py"), "--port", str(smtp_port),
             "--log", str(smtp_log_path), "--delay-file", str(delay_file)],
            env=env, log_dir=logs,
        )  # fmt: skip
        services.append(smtp_service)
        worker_argv = [PYTHON, "-m", "celery", "-A", "peernet", "worker", *CELERY_OPTIONS,
                       "-n", f"bench-{os.getpid()}@%h"]  # fmt: skip
        worker = Service("celery", worker_argv, env=env, log_dir=logs)
        services.append(worker)
        web = Site(start_gunicorn("gunicorn", "peernet.wsgi", web_port, env=env, log_dir=logs),
                   web_port)  # fmt: skip
        services.append(web.service)
        trivial_env = {**env, "DJANGO_SETTINGS_MODULE": "bench_trivial.settings"}
        trivial = Site(
            start_gunicorn("gunicorn-trivial", "bench_trivial.wsgi", trivial_port,
                           env=trivial_env, log_dir=logs,
                           extra=["--pythonpath", str(ROOT / "scripts")]),
            trivial_port,
        )  # fmt: skip
        services.append(trivial.service)

        def answers(port, path):
            with contextlib.suppress(OSError):
                return http_request(port, "GET", path, headers=proxy_headers(), timeout=5).status
            return None

        def smtp_listens():
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", smtp_port), 1),
            ):
                return True
            return False

        wait_until(smtp_listens, timeout=30, what="the SMTP server", services=services)
        wait_until(lambda: answers(web_port, "/healthz") == 200, timeout=60,
                   what="gunicorn", services=services)  # fmt: skip
        wait_until(lambda: answers(trivial_port, "/") == 200, timeout=60,
                   what="the trivial site", services=services)  # fmt: skip
        with celery_app.connection_for_write() as connection:
            wait_until(lambda: celery_app.control.ping(timeout=0.5, connection=connection),
                       timeout=60, what="the Celery worker", services=services)  # fmt: skip

        results["versions"] = versions()
        results["settings"] = {
            "django_settings": "peernet.settings.production",
            "https": "X-Forwarded-Proto: https sent with every request (wrk -H); "
            "DJANGO_SECURE_SSL_REDIRECT left at its production default (on)",
            "host": HOST,
            "secure_ssl_redirect": settings.SECURE_SSL_REDIRECT,
            "session_cookie": settings.SESSION_COOKIE_NAME,
            "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
            "cache": settings.CACHES["default"]["BACKEND"],
            "database": "PostgreSQL from scripts/services.sh (fsync off), demo data",
            "gunicorn": GUNICORN_OPTIONS,
            "celery_worker": CELERY_OPTIONS,
            "trivial_site": "scripts/bench_trivial (one view, small template, no middleware)",
            "wrk": {
                "threads": options.threads,
                "connections": options.connections,
                "duration": options.duration,
            },  # fmt: skip
            "queries": "counted in-process with Django's test client and "
            "CaptureQueriesContext against the same database and Redis, second request",
        }

        if "pages" in options.only:
            pages = page_urls()
            email, password = demo_member()
            cookies = sign_in(web_port, email, password)
            results["signed_in_as"] = email
            log(
                f"Measuring {len(pages)} pages, each between two runs on the trivial view"
                f" ({options.duration} each) …"
            )
            results["pages"] = measure_pages(
                pages, web=web, trivial=trivial, options=options, script=script, cookies=cookies
            )

        smtp = SmtpLog(smtp_log_path)
        if "registration" in options.only:
            log(f"Registering {options.registrations} people, SMTP answering "
                f"{options.smtp_delay:.0f} s late …")  # fmt: skip
            results["registration_post"] = measure_registrations(
                web=web, count=options.registrations, delay=options.smtp_delay,
                delay_file=delay_file, smtp=smtp,
            )  # fmt: skip

        if "invitations" in options.only:
            log(f"Inviting {options.invitations} members to a new meeting …")
            results["invitations"] = measure_invitations(
                count=options.invitations, env=env, smtp=smtp,
                timeout=options.invitations_timeout, services=services,
            )  # fmt: skip

        if "admin" in options.only or "feed" in options.only:
            import bench_admin

        if "admin" in options.only:
            log("Filling the review queue and the outbox, then timing their admin pages …")
            results["admin"] = bench_admin.measure_admin(port=web.port, log=log)

        if "feed" in options.only:
            log("Timing a member's calendar feed …")
            results["feed"] = bench_admin.measure_feed(port=web.port, log=log)
        results["peak_rss_after_run_kib"] = {
            str(pid): peak_rss_kib(pid) for pid in gunicorn_workers(web.service.pid)
        }
        results["machine"]["load_average_at_end"] = os.getloadavg()
        results["seconds"] = round(time.time() - began, 1)
        started = os.environ.get("PEERNET_BENCH_STARTED")
        if started:
            results["seconds_with_services"] = round(time.time() - float(started), 1)
        return results
    except Exception:
        for service in services:
            print(f"--- {service.name} log ---\n{service.tail(2000)}", file=sys.stderr)
        raise
    finally:
        if services:
            log("Stopping what the run started …")
        for service in reversed(services):
            service.stop()
        shutil.rmtree(work, ignore_errors=True)


SECTIONS = ("pages", "registration", "invitations", "admin", "feed")


def sections(text: str) -> set[str]:
    chosen = {name.strip() for name in text.split(",") if name.strip()}
    unknown = chosen - set(SECTIONS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(SECTIONS)}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description="Measure the portal as deployed.")
    parser.add_argument("--duration", default="5s", type=str, help="wrk -d per page (5s)")
    parser.add_argument("--threads", type=int, default=2, help="wrk -t (2)")
    parser.add_argument("--connections", type=int, default=16, help="wrk -c (16)")
    parser.add_argument("--registrations", type=int, default=20, help="registration POSTs (20)")
    parser.add_argument("--smtp-delay", type=float, default=10.0,
                        help="seconds the SMTP server waits before accepting a message"
                        " during the registrations (10)")  # fmt: skip
    parser.add_argument("--invitations", type=int, default=10000,
                        help="members invited to a new meeting (10000)")  # fmt: skip
    parser.add_argument("--invitations-timeout", type=float, default=300,
                        help="seconds to wait for every invitation (300)")  # fmt: skip
    parser.add_argument(
        "--only",
        type=sections,
        default=",".join(SECTIONS),
        help=f"parts to measure, comma-separated ({','.join(SECTIONS)})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=OUTPUT,
        help=f"where the results go ({OUTPUT.relative_to(ROOT)})",
    )
    parser.add_argument("--meeting-create", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.meeting_create:
        meeting_create_command()
        return
    duration_seconds(options.duration)
    if "DATABASE_URL" not in os.environ or "REDIS_URL" not in os.environ:
        parser.error("run through scripts/bench.sh (make bench), which starts PostgreSQL and Redis")
    # A stop from outside (kill, a closed terminal) unwinds like Ctrl-C, stopping every process.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda signum, frame: sys.exit(128 + signum))

    try:
        results = run(options)
    except KeyboardInterrupt:
        print("Interrupted: everything the run started is stopped.", file=sys.stderr)
        sys.exit(130)
    output = options.output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print()
    print(table(results))
    print()
    print(f"Written to {output} in {results['seconds'] / 60:.1f} min."
          " Compare ratios across runs, not req/s.")  # fmt: skip


if __name__ == "__main__":
    main()
