"""The "pages" section of `make bench`: wrk loads each public page in both languages, and a
signed-in member's home page, between two runs on the trivial view, so that every page is given
as a ratio of a floor measured on the same machine seconds apart."""

from bench_http import cookie_header, http_request, proxy_headers
from bench_in_process import queries_of_one_request
from bench_measure import gunicorn_workers, peak_rss_kib, peak_rss_reset, wrk
from bench_processes import log
from django.urls import reverse
from django.utils import translation

from cohorts.models import Community
from meetings import selectors
from members.choices import RegistrationStatus
from members.management.commands.demo_members import DEMO_PASSWORD, PEOPLE
from members.models import Registration

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


def page_urls() -> list[dict]:
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
            headers["Cookie"] = cookie_header(sent_cookies)
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
