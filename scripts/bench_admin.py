"""The "admin" and "feed" sections of `make bench` (scripts/bench.py runs them).

admin: 50,000 registrations and 100,000 outbox messages are bulk-created beside the demo data,
a staff account signs in through allauth's login and its authenticator code, and each page of
the review queue and of the outbox (default list, every filter, the searches, one change page)
is requested over and over, one request at a time, from gunicorn.

feed: a member with 20 upcoming meetings (invited to each, some answered) asks for their
personal calendar feed many times, from gunicorn and through Django in this process; the
second says what the server spends, without the connection and gunicorn around it.

Rows are written with bulk_create and never through the services: a meeting created by a
service would invite every member of the run, and the outbox rows must not be sent.
"""

import random
import time
import urllib.parse
from datetime import timedelta

from bench import (
    HOST,
    csrf_form_token,
    http_request,
    nearest_rank,
    proxy_headers,
    queries_of_one_request,
)

STAFF_EMAIL = "bench.staff@peernet.test"
STAFF_PASSWORD = "bench-Staff-passphrase-2026"
FEED_MEMBER_EMAIL = "bench.feed@peernet.test"
ADMIN_DOMAIN = "queue.peernet.test"
SEED = 20260310

FIRST_NAMES = (
    "Amélie, Léa, François, Chloé, Jérôme, Zoë, Renée, Siobhán, Noémie, Hélène, "
    "Thérèse, Ève, Mathéo, Anaïs, Alex, Priya, Wei, Olusegun, Kateri, Tanya, Ahmad, "
    "Marie-Ève, José, Björn"
).split(", ")
LAST_NAMES = (
    "Côté, Tremblay, Gagnon, Bélanger, Lévesque, Bérubé, O'Neil, Nguyễn, Müller, "
    "Sḵwx̱wú7mesh, Ouellet, Paré, Séguin, Thibodeau, Smith, MacDonald, Wong, Singh, "
    "Blackbird, Kootoo, Laliberté, St-Pierre, D'Amours, Fournier, Larivière, Morin"
).split(", ")
PLACES = (
    "Gatineau, Saint-Jérôme, Trois-Rivières, Lévis, Rimouski, Sherbrooke, Moncton, "
    "Iqaluit, Whitehorse, Yellowknife, Kamloops, Nanaimo, Red Deer, Lethbridge, "
    "Brandon, Thunder Bay, Sudbury, Kingston, Guelph, Halifax, Charlottetown, "
    "Corner Brook, Prince Albert, Saskatoon, Québec, Montréal, Baie-Comeau, "
    "Val-d'Or, Rouyn-Noranda, Chéticamp"
).split(", ")
PREFIXES = [
    ("Ville de", "city"),
    ("City of", "city"),
    ("Town of", "town"),
    ("Municipalité de", "municipality"),
    ("MRC de", "mrc"),
    ("County of", "county"),
    ("Regional District of", "regional_district"),
    ("Village of", "village"),
    ("First Nation of", "first_nation"),
    ("Conseil des Atikamekw de", "first_nation"),
    ("Consulting", "other"),
]
JOBS = (
    "Conseillère en environnement, Climate action coordinator, "
    "Sustainability officer, Chargé de projet en économie circulaire, Planner, "
    "Directrice générale, Band manager, Waste reduction lead"
).split(", ")
PROVINCES = ["QC"] * 5 + ["ON"] * 5 + ["BC"] * 3 + ["AB"] * 2
PROVINCES += ["MB", "SK", "NS", "NB", "NL", "PE", "YT", "NT", "NU", "XX"]
# A queue of waiting requests: mostly awaiting review, the rest as a year's traffic leaves them.
REGISTRATION_STATUSES = ["pending"] * 14 + ["submitted"] * 2 + ["approved"] * 2
REGISTRATION_STATUSES += ["rejected", "withdrawn"]
MESSAGE_STATUSES = ["sent"] * 16 + ["failed"] * 2 + ["queued", "sending"]
MESSAGE_PURPOSES = [
    ("meetings.invitation", True),
    ("meetings.reminder", True),
    ("meetings.update", True),
    ("members.welcome", False),
    ("members.rejected", False),
    ("account.email_confirmation", True),
    ("account.password_reset_key", True),
    ("cohorts.interest_staff", False),
]
REQUESTS_PER_PAGE = 20
FEED_REQUESTS = 200


def _timed_gets(port: int, path: str, *, cookies: dict, count: int) -> dict:
    headers = proxy_headers("en")
    timings, statuses, size = [], set(), 0
    for _number in range(count):
        start = time.perf_counter()
        answer = http_request(port, "GET", path, headers=headers, cookies=cookies)
        timings.append((time.perf_counter() - start) * 1000)
        statuses.add(answer.status)
        size = len(answer.body)
    return {
        "status": sorted(statuses)[0] if len(statuses) == 1 else sorted(statuses),
        "bytes": size,
        "requests": count,
        "p50_ms": round(nearest_rank(timings, 50), 1),
        "p95_ms": round(nearest_rank(timings, 95), 1),
        "max_ms": round(max(timings), 1),
    }


# --- The admin ---------------------------------------------------------------------------------


def registrations_bulk_create(count: int) -> dict:
    """Requests from people of many governments, with the flags the assistant would store."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from members.choices import FlagCode
    from members.eligibility import mailbox_key, name_key
    from members.models import Registration, RegistrationFlag, User
    from members.services import PRIVACY_NOTICE_VERSION

    chosen = random.Random(SEED)
    now = timezone.now()
    password = make_password(None)
    organisations = [
        (f"{prefix} {place}" if kind != "other" else f"{place} {prefix} Inc.", kind)
        for prefix, kind in PREFIXES
        for place in PLACES
    ]
    people = []
    for number in range(count):
        first, last = chosen.choice(FIRST_NAMES), chosen.choice(LAST_NAMES)
        organisation, kind = chosen.choice(organisations)
        # Most requests are days old; one in ten has waited for weeks.
        waited = timedelta(hours=chosen.randrange(1, 24 * 5))
        if number % 10 == 0:
            waited = timedelta(days=chosen.randrange(6, 60))
        people.append((number, first, last, organisation, kind, waited))
    users = User.objects.bulk_create(
        [
            User(
                email=f"queue{number:05d}@{ADMIN_DOMAIN}",
                first_name=first,
                last_name=f"{last} {number}" if number % 7 == 0 else last,
                preferred_language="fr" if number % 3 else "en",
                password=password,
            )
            for number, first, last, *_rest in people
        ],
        batch_size=2000,
    )
    registrations = []
    for user, (_number, _first, _last, organisation, kind, waited) in zip(
        users, people, strict=True
    ):
        status = chosen.choice(REGISTRATION_STATUSES)
        submitted = now - waited - timedelta(hours=1)
        registrations.append(
            Registration(
                user=user,
                job_title=chosen.choice(JOBS),
                organisation_name=organisation,
                organisation_kind=kind,
                province=chosen.choice(PROVINCES),
                wants_interpretation=user.preferred_language == "fr",
                privacy_consent_at=submitted,
                privacy_notice_version=PRIVACY_NOTICE_VERSION,
                person_key=name_key(user.first_name, user.last_name),
                mailbox_key=mailbox_key(user.email),
                status=status,
                submitted_at=submitted,
                email_confirmed_at=None if status == "submitted" else submitted,
                decided_at=now if status in ("approved", "rejected") else None,
            )
        )
    registrations = Registration.objects.bulk_create(registrations, batch_size=2000)
    flags = []
    for registration in registrations:
        roll = chosen.random()
        if roll < 0.35:
            codes = [FlagCode.KNOWN_GOVERNMENT]
        elif roll < 0.45:
            codes = [FlagCode.KNOWN_GOVERNMENT, FlagCode.DOMAIN_MISMATCH]
        elif roll < 0.65:
            codes = [FlagCode.WEBMAIL]
        elif roll < 0.7:
            codes = [FlagCode.KIND_INELIGIBLE, FlagCode.DUPLICATE_PERSON]
        else:
            codes = []
        flags += [RegistrationFlag(registration=registration, code=code) for code in codes]
    RegistrationFlag.objects.bulk_create(flags, batch_size=5000)
    return {"registrations": len(registrations), "flags": len(flags)}


def messages_bulk_create(count: int) -> dict:
    """A year of mail: invitations, reminders, account mail, most of it delivered."""
    from django.utils import timezone

    from peernet.outbox.models import OutboxMessage

    chosen = random.Random(SEED + 1)
    now = timezone.now()
    far = now + timedelta(days=365)  # queued rows must not be picked up by the worker
    body = "Bonjour,\n\n" + "Le texte d’une invitation, dans la langue du destinataire. " * 12
    batch = []
    for number in range(count):
        purpose, secret = chosen.choice(MESSAGE_PURPOSES)
        status = chosen.choice(MESSAGE_STATUSES)
        created = now - timedelta(minutes=chosen.randrange(0, 365 * 24 * 60))
        delivered = status == "sent"
        batch.append(
            OutboxMessage(
                status=status,
                purpose=purpose,
                to_email=f"queue{number % 50000:05d}@{ADMIN_DOMAIN}",
                from_email="PeerNet <network@peernet.test>",
                language="fr" if number % 3 else "en",
                subject=f"Rencontre du réseau nº {number % 40}",
                body_text="" if delivered and secret else body,
                carries_secret=secret,
                body_erased_at=created if delivered and secret else None,
                attempts=1 if status != "queued" else 0,
                last_error="550 5.1.1 mailbox unavailable" if status == "failed" else "",
                created_at=created,
                next_attempt_at=far if status in ("queued", "sending") else created,
                dispatched_at=now if status in ("queued", "sending") else created,
                sending_since=now if status == "sending" else None,
                sent_at=created if delivered else None,
            )
        )
        if len(batch) == 5000:
            OutboxMessage.objects.bulk_create(batch)
            batch = []
    OutboxMessage.objects.bulk_create(batch)
    return {"messages": count}


def staff_create() -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from members.models import User

    staff = User.objects.create_superuser(
        email=STAFF_EMAIL, password=STAFF_PASSWORD, first_name="Robin", last_name="Réviseur"
    )
    staff.emailaddress_set.create(email=STAFF_EMAIL, primary=True, verified=True)
    TOTP.activate(staff, generate_totp_secret())


def totp_code(email: str) -> str:
    """The code the staff member's authenticator app shows now, from allauth's own functions."""
    from allauth.mfa import app_settings as mfa_settings
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from allauth.mfa.utils import decrypt
    from django.db import connection

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
    login = "/en/accounts/login/"
    page = http_request(port, "GET", login, headers=headers)
    cookies = page.cookies()
    form = {"login": STAFF_EMAIL, "password": STAFF_PASSWORD,
            "csrfmiddlewaretoken": csrf_form_token(page.body)}  # fmt: skip
    answer = http_request(port, "POST", login, headers=headers, cookies=cookies, form=form)
    cookies.update(answer.cookies())
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
    from django.urls import reverse
    from django.utils import timezone, translation

    from members.models import Registration
    from peernet.outbox.models import OutboxMessage

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


def measure_admin(*, port: int, log, registrations: int = 50000, messages: int = 100000) -> dict:
    from django.db import connection

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
        row.update(_timed_gets(port, path, cookies=cookies, count=REQUESTS_PER_PAGE))
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


# --- The feed ----------------------------------------------------------------------------------


def feed_member_create(meetings: int = 20) -> str:
    """A member invited to `meetings` upcoming meetings, some answered; returns the feed token."""
    from django.utils import timezone

    from meetings.models import CalendarFeed, Invitation, Meeting
    from meetings.services import feed_regenerate
    from members.eligibility import mailbox_key, name_key
    from members.models import Registration, User
    from members.services import PRIVACY_NOTICE_VERSION

    now = timezone.now()
    member = User.objects.create_user(
        email=FEED_MEMBER_EMAIL, first_name="Kateri", last_name="Côté-Blackbird",
        preferred_language="en",
    )  # fmt: skip
    Registration.objects.create(
        user=member, job_title="Climate advisor", organisation_name="Ville de Lévis",
        organisation_kind="city", province="QC", privacy_consent_at=now,
        privacy_notice_version=PRIVACY_NOTICE_VERSION,
        person_key=name_key(member.first_name, member.last_name),
        mailbox_key=mailbox_key(member.email), status="approved", email_confirmed_at=now,
        decided_at=now,
    )  # fmt: skip
    first = (now + timedelta(days=3)).replace(hour=17, minute=0, second=0, microsecond=0)
    created = []
    for number in range(meetings):
        starts = first + timedelta(days=7 * number)
        created.append(
            Meeting.objects.create(
                title_en=f"Peer meeting {number + 1}: heat, floods and budgets",
                title_fr=f"Rencontre {number + 1} : chaleur, inondations et budgets",
                theme_en="Adaptation, step by step",
                theme_fr="L’adaptation, pas à pas",
                description_en="Three members present; then we talk, candidly.\n\n"
                "Bring one question; say what worked, what did not.",
                description_fr="Trois membres présentent; puis on discute, franchement.\n\n"
                "Apportez une question; dites ce qui a marché, ce qui n’a pas marché.",
                starts_at=starts,
                ends_at=starts + timedelta(hours=1),
                join_url=f"https://zoom.example/j/98765{number:04d}",
                passcode="271828",
                has_interpretation=number % 2 == 0,
                status="cancelled" if number == 5 else "scheduled",
            )
        )
    Invitation.objects.bulk_create(
        [
            Invitation(
                meeting=meeting,
                user=member,
                response=["accepted", "declined", "needs_action"][number % 3],
                sequence_sent=0,
                responded_at=now if number % 3 != 2 else None,
            )
            for number, meeting in enumerate(created)
        ]
    )
    feed_regenerate(user=member)
    return CalendarFeed.objects.get(user=member).token


def _in_process_feed_times(path: str, count: int) -> dict:
    """The view as Django serves it in this process (same settings, database and cache)."""
    from django.db import connection
    from django.test import Client

    headers = proxy_headers("en")
    client = Client(headers={k: v for k, v in headers.items() if k != "Host"}, HTTP_HOST=HOST)
    response = client.get(path)
    timings = []
    for _number in range(count):
        start = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    connection.close()
    return {
        "status": response.status_code,
        "bytes": len(response.content),
        "events": response.content.count(b"BEGIN:VEVENT"),
        **queries_of_one_request(path, language="en", cookies={}),
        "p50_ms": round(nearest_rank(timings, 50), 2),
        "p95_ms": round(nearest_rank(timings, 95), 2),
    }


def measure_feed(*, port: int, log, meetings: int = 20) -> dict:
    from django.urls import reverse
    from django.utils import translation

    token = feed_member_create(meetings)
    with translation.override("en"):
        path = reverse("meetings:feed", kwargs={"token": token})
    for _number in range(5):
        http_request(port, "GET", path, headers=proxy_headers("en"))
    over_http = _timed_gets(port, path, cookies={}, count=FEED_REQUESTS)
    in_process = _in_process_feed_times(path, FEED_REQUESTS)
    log(f"  feed ({in_process['events']} events): in Django p50 {in_process['p50_ms']:.1f} ms,"
        f" p95 {in_process['p95_ms']:.1f} ms; over HTTP p50 {over_http['p50_ms']:.1f} ms,"
        f" p95 {over_http['p95_ms']:.1f} ms; {in_process['queries']} queries")  # fmt: skip
    return {
        "upcoming_meetings_of_member": meetings,
        "http": over_http,
        "server": in_process,
        "percentiles": f"nearest rank over {FEED_REQUESTS} sequential requests: over HTTP to"
        " gunicorn (new connection each), and through Django's test client in the bench's"
        " process with the production settings (server time, without the network)",
        "target_ms": 10,
    }


def table_lines(results: dict) -> list[str]:
    lines = []
    admin = results.get("admin")
    if admin:
        created = admin["created"]
        lines += [
            "",
            f"admin with {created['registrations']:,} requests and {created['messages']:,}"
            f" messages (target p95 ≤ {admin['target_ms']} ms, the dashboard 500 ms):",
        ]
        width = max(len(page["page"]) for page in admin["pages"])
        for page in admin["pages"]:
            lines.append(
                f"  {page['page'].ljust(width)}  p50 {page['p50_ms']:6.1f} ms"
                f"  p95 {page['p95_ms']:6.1f} ms  {page['queries']:3d} queries"
                f"  HTTP {page['status']}"
            )
    feed = results.get("feed")
    if feed:
        server, http = feed["server"], feed["http"]
        lines.append(
            f"feed with {feed['upcoming_meetings_of_member']} upcoming meetings"
            f" ({server['events']} events): server p50 {server['p50_ms']:.1f} ms,"
            f" p95 {server['p95_ms']:.1f} ms; over HTTP p50 {http['p50_ms']:.1f} ms,"
            f" p95 {http['p95_ms']:.1f} ms; {server['queries']} queries"
            f" (target ≤ {feed['target_ms']} ms)"
        )
    return lines
