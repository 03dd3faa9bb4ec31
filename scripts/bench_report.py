"""What a `make bench` run leaves: the results as JSON, and the table printed at the end, one
part per section of the run."""

import json
from pathlib import Path


def results_write(results: dict, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def rss_mib(kib: int | None) -> str:
    return f"{kib / 1024:.0f}" if kib else "?"


def pages_lines(pages: list[dict]) -> list[str]:
    header = ["page", "req/s", "trivial req/s", "ratio", "p50 ms", "p95 ms", "p99 ms",
              "queries", "peak RSS MiB"]  # fmt: skip
    rows = []
    for page in pages:
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
    return lines


def registration_lines(registration: dict) -> list[str]:
    return [
        "",
        f"registration POST, SMTP answering {registration['smtp_delay_seconds']:.0f} s late:"
        f" p50 {registration['p50_ms']:.0f} ms, p95 {registration['p95_ms']:.0f} ms,"
        f" max {registration['max_ms']:.0f} ms over {registration['posts']} POSTs"
        f" (HTTP {registration['statuses']}), {registration['queries']} queries",
    ]


def invitations_lines(invitations: dict) -> list[str]:
    if not invitations["complete"]:
        return [
            f"invitations: only {invitations.get('members_delivered_to', 0)} of"
            f" {invitations['members']} members delivered to within"
            f" {invitations['timeout_seconds']:.0f} s"
        ]
    queued = invitations["all_queued_after_seconds"]
    return [
        f"invitations: {invitations['members']} members, all delivered"
        f" {invitations['all_delivered_after_seconds']:.0f} s after the meeting was"
        f" created ({invitations['messages_per_second']:.1f} messages/s; first after"
        f" {invitations['first_message_after_seconds']:.1f} s, all in the outbox after"
        f" {f'{queued:.0f} s' if queued is not None else '?'}); 10,000 would take about"
        f" {invitations['estimated_seconds_for_10000']:.0f} s (target 60 s);"
        f" {invitations.get('second_copies', 0)} members got a second copy"
    ]


def admin_lines(admin: dict) -> list[str]:
    created = admin["created"]
    lines = [
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
    return lines


def feed_lines(feed: dict) -> list[str]:
    server, http = feed["server"], feed["http"]
    return [
        f"feed with {feed['upcoming_meetings_of_member']} upcoming meetings"
        f" ({server['events']} events): server p50 {server['p50_ms']:.1f} ms,"
        f" p95 {server['p95_ms']:.1f} ms; over HTTP p50 {http['p50_ms']:.1f} ms,"
        f" p95 {http['p95_ms']:.1f} ms; {server['queries']} queries"
        f" (target ≤ {feed['target_ms']} ms)"
    ]


def replies_lines(replies: dict) -> list[str]:
    kept = f"{replies['recorded']} answers recorded, {replies['kept']} kept for staff"
    polls = f"{replies['polls']} polls, {replies['poll_seconds_mean']} s each on average"
    if not replies["complete"]:
        return [
            f"replies: only {replies['read']} of {replies['replies']} read from the IMAP mailbox"
            f" within {replies['timeout_seconds']:.0f} s ({kept}; {polls})"
        ]
    return [
        f"replies: {replies['replies']} read from the IMAP mailbox"
        f" {replies['all_read_after_seconds']:.0f} s after the first poll"
        f" ({replies['replies_per_second']:.1f} replies/s; {kept}; {polls}); 10,000 would take"
        f" about {replies['estimated_seconds_for_10000']:.0f} s"
        f" (target {replies['target_seconds']} s)"
    ]


def workers_lines(workers: dict[str, int | None]) -> list[str]:
    return [
        "gunicorn workers' peak RSS over the whole run: "
        + ", ".join(f"{rss_mib(kib)} MiB" for kib in workers.values())
    ]


# The parts of the table after the pages, each printed when its section was measured.
SECTION_LINES = [
    ("registration_post", registration_lines),
    ("invitations", invitations_lines),
    ("admin", admin_lines),
    ("feed", feed_lines),
    ("replies", replies_lines),
    ("peak_rss_after_run_kib", workers_lines),
]


def table(results: dict) -> str:
    lines = pages_lines(results.get("pages", []))
    for key, section_lines in SECTION_LINES:
        if results.get(key):
            lines += section_lines(results[key])
    return "\n".join(lines)
