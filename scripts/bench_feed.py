"""The "feed" section of `make bench`: a member with 20 upcoming meetings (invited to each, some
answered) asks for their personal calendar feed many times, from gunicorn and through Django in
this process; the second says what the server spends, without the connection and gunicorn
around it. The meetings are written as rows, never through the services: a meeting created by a
service would invite every member of the run."""

import time
from datetime import timedelta

from bench_http import http_request, proxy_headers
from bench_in_process import in_process_client, queries_of_one_request
from bench_measure import percentiles_ms, timed_gets
from bench_members import registration_build
from bench_processes import log
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from meetings.models import CalendarFeed, Invitation, Meeting
from meetings.services import feed_regenerate
from members.models import User

FEED_MEMBER_EMAIL = "bench.feed@peernet.test"
FEED_REQUESTS = 200


def feed_member_create(meetings: int = 20) -> str:
    """A member invited to `meetings` upcoming meetings, some answered; returns the feed token."""
    now = timezone.now()
    member = User.objects.create_user(
        email=FEED_MEMBER_EMAIL, first_name="Kateri", last_name="Côté-Blackbird",
        preferred_language="en",
    )  # fmt: skip
    registration_build(
        user=member, at=now, status="approved", organisation_name="Ville de Lévis",
        province="QC", email_confirmed_at=now, decided_at=now,
    ).save()  # fmt: skip
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
    client = in_process_client()
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
        **percentiles_ms(timings, digits=2),
    }


def measure_feed(*, port: int, meetings: int = 20) -> dict:
    token = feed_member_create(meetings)
    with translation.override("en"):
        path = reverse("meetings:feed", kwargs={"token": token})
    for _number in range(5):
        http_request(port, "GET", path, headers=proxy_headers("en"))
    over_http = timed_gets(port, path, cookies={}, count=FEED_REQUESTS)
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
