"""The "registration" section of `make bench`: sign-up forms posted one after the other while
the SMTP server answers late, which the visitor must not wait for."""

import contextlib
import time
from pathlib import Path

from bench_http import csrf_form_token, http_request, proxy_headers
from bench_in_process import queries_of_one_post
from bench_measure import percentiles_ms
from bench_processes import wait_until
from bench_smtp import SmtpLog

REGISTRANT_PREFIX = "bench.registrant"
REGISTER_PATH = "/en/register/"


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


def _to_registrant(address: str) -> bool:
    return address.startswith(REGISTRANT_PREFIX)


def measure_registrations(*, web, count: int, delay: float, delay_file: Path, smtp: SmtpLog):
    """Sequential registrations, each from its own address (allauth limits sign-ups per
    client), while the SMTP server takes `delay` seconds to accept each message."""
    delay_file.write_text(str(delay))
    timings, statuses = [], []
    started = time.time()
    for number in range(count):
        # 198.18.0.0/15 is set aside for benchmarks (RFC 2544).
        headers = proxy_headers("en", client_ip=f"198.18.{number // 250}.{number % 250 + 1}")
        page = http_request(web.port, "GET", REGISTER_PATH, headers=headers)
        form = {**registration_form(number), "csrfmiddlewaretoken": csrf_form_token(page.body)}
        start = time.perf_counter()
        answer = http_request(web.port, "POST", REGISTER_PATH, headers=headers,
                              cookies=page.cookies(), form=form)  # fmt: skip
        timings.append((time.perf_counter() - start) * 1000)
        statuses.append(answer.status)
    finished = time.time()
    # The count measured in-process, with one more registrant, before the server is fast again.
    queries_status, queries = queries_of_one_post(REGISTER_PATH, registration_form(count))
    accepted_during = len(smtp.to(_to_registrant))
    delay_file.write_text("0")
    wanted = count + 1
    with contextlib.suppress(RuntimeError):
        wait_until(lambda: len(smtp.to(_to_registrant)) >= wanted,
                   timeout=delay + 60, what="the registrations' e-mails", interval=0.5)  # fmt: skip
    delivered = smtp.to(_to_registrant)
    held = [message["answered"] - message["received"] for message in delivered]
    return {
        "posts": count,
        "smtp_delay_seconds": delay,
        "statuses": {str(code): statuses.count(code) for code in sorted(set(statuses))},
        **percentiles_ms(timings),
        "max_ms": round(max(timings), 1),
        "timings_ms": [round(value, 1) for value in timings],
        "percentiles": "nearest rank over the POSTs, each on a new connection",
        "queries": queries,
        "queries_status": queries_status,
        "seconds": round(finished - started, 1),
        "emails_accepted_while_posting": accepted_during,
        "emails_accepted_in_the_end": len(delivered),
        "emails_expected": wanted,
        "longest_smtp_answer_seconds": round(max(held), 1) if held else None,
        "smtp_delay_applies_to": "the server's reply to DATA, for messages arriving meanwhile",
    }
