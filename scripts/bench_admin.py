"""The "admin" section of `make bench`: beside the demo data, 50,000 registrations and 100,000
outbox messages (bench_admin_data.py); a staff account signs in through allauth's login and its
authenticator code, and each page of the review queue and of the outbox (default list, every
filter, the searches, one change page) is requested over and over, one request at a time, from
gunicorn."""

import time
import urllib.parse
from datetime import timedelta

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from bench_admin_data import ADMIN_DOMAIN, messages_bulk_create, registrations_bulk_create
from bench_http import HOST, csrf_form_token, http_request, login_form_post, proxy_headers
from bench_in_process import queries_of_one_request
from bench_measure import timed_gets
from bench_processes import log
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from members.models import Registration, User
from peernet.outbox.models import OutboxMessage

STAFF_EMAIL = "bench.staff@peernet.test"
STAFF_PASSWORD = "bench-Staff-passphrase-2026"
REQUESTS_PER_PAGE = 20


def staff_create() -> None:
    staff = User.objects.create_superuser(
        email=STAFF_EMAIL, password=STAFF_PASSWORD, first_name="Robin", last_name="Réviseur"
    )
    staff.emailaddress_set.create(email=STAFF_EMAIL, primary=True, verified=True)
    TOTP.activate(staff, generate_totp_secret())


def totp_code(email: str) -> str:
    """The code the staff member's authenticator app shows now, from allauth's own functions."""
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    connection.close()
    secret = decrypt(authenticator.data["secret"])
    period = mfa_settings.TOTP_PERIOD
    if time.time() % period > period - 5:  # still valid when the server checks it
        time.sleep(period - time.time() % period + 0.1)
    return format_hotp_value(hotp_value(secret, int(time.time()) // period))


def staff_sign_in(port: int) -> dict[str, str]:
    """allauth's login form, then its second step with the authenticator code."""
    headers = proxy_headers("en")
    answer, cookies = login_form_post(port, STAFF_EMAIL, STAFF_PASSWORD)
    step = answer.header("Location")
    if answer.status != 302 or "/2fa/" not in step:
        raise RuntimeError(f"The staff login did not ask for the second factor: {answer.status}")
    step = step.removeprefix(f"https://{HOST}")
    page = http_request(port, "GET", step, headers=headers, cookies=cookies)
    cookies.update(page.cookies())
    form = {"code": totp_code(STAFF_EMAIL), "csrfmiddlewaretoken": csrf_form_token(page.body)}
    answer = http_request(port, "POST", step, headers=headers, cookies=cookies, form=form)
    cookies.update(answer.cookies())
    if answer.status != 302:
        raise RuntimeError(f"The authenticator code was refused: {answer.status}")
    check = http_request(port, "GET", "/en/admin/", headers=headers, cookies=cookies)
    if check.status != 200:
        raise RuntimeError(f"The signed-in staff member cannot open the admin: {check.status}")
    return cookies


def admin_pages() -> list[tuple[str, str]]:
    registration = Registration.objects.filter(user__email__endswith=ADMIN_DOMAIN).order_by("pk")
    registration = registration[1234]
    message = OutboxMessage.objects.filter(to_email__endswith=ADMIN_DOMAIN).order_by("pk")[4321]
    # The "past 7 days" link of the date filter, as Django's DateFieldListFilter writes it.
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    week = urllib.parse.urlencode(
        {
            "created_at__gte": str(today - timedelta(days=7)),
            "created_at__lt": str(today + timedelta(days=1)),
        }
    )
    with translation.override("en"):
        queue = reverse("admin:members_registration_changelist")
        outbox = reverse("admin:outbox_outboxmessage_changelist")
        registration_page = reverse("admin:members_registration_change", args=[registration.pk])
        message_page = reverse("admin:outbox_outboxmessage_change", args=[message.pk])
        dashboard = reverse("admin:index")
    return [
        # The admin's first page: what needs doing and the charts (target 500 ms).
        ("dashboard", dashboard),
        ("queue", queue),
        ("queue ?status=pending", f"{queue}?status__exact=pending"),
        ("queue ?flag=likely", f"{queue}?flag=likely"),
        ("queue ?flag=webmail", f"{queue}?flag=webmail"),
        ("queue ?flag=none", f"{queue}?flag=none"),
        ("queue ?waiting=long", f"{queue}?waiting=long"),
        ("queue ?province=QC", f"{queue}?province__exact=QC"),
        ("queue ?kind=first_nation", f"{queue}?organisation_kind__exact=first_nation"),
        (
            "queue pending+likely+QC",
            f"{queue}?status__exact=pending&flag=likely&province__exact=QC",
        ),
        ("queue search name", f"{queue}?q=Cote"),
        ("queue search e-mail", f"{queue}?q=queue01234%40{ADMIN_DOMAIN}"),
        ("queue search organisation", f"{queue}?q=Trois-Rivi%C3%A8res"),
        ("queue change page", registration_page),
        ("outbox", outbox),
        ("outbox ?status=failed", f"{outbox}?status__exact=failed"),
        ("outbox ?carries_secret=no", f"{outbox}?carries_secret__exact=0"),
        ("outbox ?purpose=reminder", f"{outbox}?purpose__exact=meetings.reminder"),
        ("outbox ?language=fr", f"{outbox}?language__exact=fr"),
        ("outbox ?past 7 days", f"{outbox}?{week}"),
        ("outbox search recipient", f"{outbox}?q=queue01234%40{ADMIN_DOMAIN}"),
        ("outbox change page", message_page),
    ]


def measure_admin(*, port: int, registrations: int = 50000, messages: int = 100000) -> dict:
    started = time.monotonic()
    created = registrations_bulk_create(registrations)
    created.update(messages_bulk_create(messages))
    staff_create()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would soon after a load of this size
    connection.close()
    created["seconds"] = round(time.monotonic() - started, 1)
    log(f"  created {created['registrations']} requests and {created['messages']} messages"
        f" in {created['seconds']:.0f} s; signing in as staff with TOTP …")  # fmt: skip
    cookies = staff_sign_in(port)
    pages = []
    for name, path in admin_pages():
        http_request(port, "GET", path, headers=proxy_headers("en"), cookies=cookies)  # warm
        row = {"page": name, "path": path}
        row.update(timed_gets(port, path, cookies=cookies, count=REQUESTS_PER_PAGE))
        row.update(queries_of_one_request(path, language="en", cookies=cookies))
        pages.append(row)
        log(f"  {name}: p50 {row['p50_ms']:.0f} ms, p95 {row['p95_ms']:.0f} ms,"
            f" {row['queries']} queries (HTTP {row['status']})")  # fmt: skip
    return {
        "created": created,
        "pages": pages,
        "percentiles": f"nearest rank over {REQUESTS_PER_PAGE} sequential requests per page,"
        " each on a new connection, after one warming request",
        "target_ms": 250,
    }
