"""`make bench`: throughput, latency, queries and memory of the portal as deployed.

scripts/bench.sh starts PostgreSQL and Redis and then runs this file, which migrates the fresh
database, collects the static files, loads the demo data and starts what production runs: a
real SMTP server (scripts/bench_smtp.py), a Celery worker and gunicorn with
``peernet.settings.production``, plus the trivial site of scripts/bench_trivial/ under the same
gunicorn settings (bench_stack.py). wrk loads each page between two runs on the trivial view, so
every page is given as a ratio of a floor measured on the same machine seconds apart
(bench_pages.py). Then a registration is timed while the SMTP server answers late
(bench_registration.py), invitations are timed from a new meeting until the SMTP server has
received them all (bench_invitations.py), the admin's review queue and outbox are timed at scale
(bench_admin.py), a member's calendar feed (bench_feed.py), and calendar replies read by the
worker from a real IMAP mailbox until each has its row (bench_replies.py). Everything is written to
var/bench/results.json and summed up in a table (bench_report.py).

Requests reach gunicorn the way the TLS proxy forwards them (``X-Forwarded-Proto: https``,
``X-Forwarded-For``, a public host name): the production HTTPS redirect stays on
(bench_http.py).
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import django
from bench_environment import git_revision, machine, production_env
from bench_measure import WRK_SCRIPT, duration_seconds
from bench_processes import ROOT, Service, free_port, log, manage
from bench_report import results_write, table

OUTPUT = ROOT / "var" / "bench" / "results.json"
SECTIONS = ("pages", "registration", "invitations", "admin", "feed", "replies")


def django_setup() -> None:
    """Django in this process, with the settings of the environment (the run's own)."""
    sys.path.insert(0, str(ROOT))
    django.setup()


def run(options) -> dict:
    began = time.time()
    work = Path(tempfile.mkdtemp(prefix="peernet-bench-"))
    logs = work / "logs"
    logs.mkdir()
    media = work / "media"
    media.mkdir()
    (work / "summary.lua").write_text(WRK_SCRIPT)
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
        django_setup()
        # Imported here, not at the top: the measuring modules import the project's models,
        # which Django allows only once it is set up with the run's settings.
        import bench_run

        bench_run.run_measure(
            results,
            options=options,
            env=env,
            ports=(smtp_port, web_port, trivial_port),
            work=work,
            services=services,
        )
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


def meeting_create() -> None:
    """`--meeting-create`: the subprocess in which the invitations section schedules its
    meeting (bench_invitations.py)."""
    django_setup()
    # Imported here, not at the top: the module imports the project's models, which Django
    # allows only once it is set up.
    import bench_invitations

    bench_invitations.meeting_create_command()


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
    parser.add_argument("--replies", type=int, default=10000,
                        help="calendar replies read from the IMAP mailbox (10000)")  # fmt: skip
    parser.add_argument("--replies-timeout", type=float, default=900,
                        help="seconds to wait for every reply to be read (900)")  # fmt: skip
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
        meeting_create()
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
    results_write(results, output)
    print()
    print(table(results))
    print()
    print(f"Written to {output} in {results['seconds'] / 60:.1f} min."
          " Compare ratios across runs, not req/s.")  # fmt: skip


if __name__ == "__main__":
    main()
