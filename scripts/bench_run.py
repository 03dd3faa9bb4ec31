"""The part of a `make bench` run that needs Django set up in this process: it starts the
portal as deployed, then measures the chosen sections one after the other and adds their results
to the run's."""

import os
from pathlib import Path

from bench_admin import measure_admin
from bench_environment import run_settings, versions
from bench_feed import measure_feed
from bench_http import sign_in
from bench_imap import mailbox_start
from bench_invitations import measure_invitations
from bench_measure import gunicorn_workers, peak_rss_kib
from bench_pages import demo_member, measure_pages, page_urls
from bench_processes import Service, log
from bench_registration import measure_registrations
from bench_replies import measure_replies
from bench_smtp import SmtpLog
from bench_stack import stack_start


def run_measure(
    results: dict, *, options, env: dict, ports, work: Path, services: list[Service]
) -> None:
    mailbox = None
    if "replies" in options.only:
        # Before the worker starts: it reads the mailbox's address from its environment.
        log("Starting the organiser's IMAP mailbox (Dovecot) …")
        mailbox = mailbox_start(services, work=work, env=env, log_dir=work / "logs")
        env = {**env, "PEERNET_REPLY_IMAP_URL": mailbox.url}
    log("Starting the SMTP server, the Celery worker and gunicorn …")
    stack = stack_start(services, env=env, ports=ports, work=work, log_dir=work / "logs")
    web, trivial = stack.web, stack.trivial
    results["versions"] = versions()
    results["settings"] = run_settings(options)

    if "pages" in options.only:
        pages = page_urls()
        email, password = demo_member()
        cookies = sign_in(web.port, email, password)
        results["signed_in_as"] = email
        log(
            f"Measuring {len(pages)} pages, each between two runs on the trivial view"
            f" ({options.duration} each) …"
        )
        results["pages"] = measure_pages(
            pages, web=web, trivial=trivial, options=options, script=work / "summary.lua",
            cookies=cookies,
        )  # fmt: skip

    smtp = SmtpLog(stack.smtp_log_path)
    if "registration" in options.only:
        log(f"Registering {options.registrations} people, SMTP answering "
            f"{options.smtp_delay:.0f} s late …")  # fmt: skip
        results["registration_post"] = measure_registrations(
            web=web, count=options.registrations, delay=options.smtp_delay,
            delay_file=stack.smtp_delay_file, smtp=smtp,
        )  # fmt: skip

    if "invitations" in options.only:
        log(f"Inviting {options.invitations} members to a new meeting …")
        results["invitations"] = measure_invitations(
            count=options.invitations, env=env, smtp=smtp,
            timeout=options.invitations_timeout, services=services,
        )  # fmt: skip

    if "admin" in options.only:
        log("Filling the review queue and the outbox, then timing their admin pages …")
        results["admin"] = measure_admin(port=web.port)

    if "feed" in options.only:
        log("Timing a member's calendar feed …")
        results["feed"] = measure_feed(port=web.port)

    if mailbox is not None:
        log(f"Reading {options.replies} calendar replies from the IMAP mailbox …")
        results["replies"] = measure_replies(
            count=options.replies, mailbox=mailbox, timeout=options.replies_timeout,
            services=services,
        )  # fmt: skip
    results["peak_rss_after_run_kib"] = {
        str(pid): peak_rss_kib(pid) for pid in gunicorn_workers(web.service.pid)
    }
    results["machine"]["load_average_at_end"] = os.getloadavg()
