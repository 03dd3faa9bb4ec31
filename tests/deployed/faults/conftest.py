"""Faults injected into the services of the deployed portal: the suite's own Redis frozen by
SIGSTOP, its PostgreSQL stopped and started again, and concurrent requests. Each fault is
undone in a ``finally``, whatever the test's outcome, so that the rest of the suite keeps its
services."""

import os
import signal
import subprocess
import time
from contextlib import contextmanager
from glob import glob
from pathlib import Path

from peernet.cache import UNREACHABLE_PAUSE_SECONDS
from tests.conftest import _missing

# The registration form as a person fills it in (English page, French mail).


def services_dir() -> Path:
    """The folder where scripts/test.sh keeps the suite's PostgreSQL and Redis."""
    path = os.environ.get("SERVICES_DIR")
    if not path or not Path(path).is_dir():
        _missing("The suite's own services (scripts/test.sh sets SERVICES_DIR)")
    return Path(path)


@contextmanager
def redis_frozen():
    """Redis stopped by SIGSTOP: connections stay open and nothing answers, as when a host
    hangs or a failover stalls. Always continued on the way out."""
    pid = int((services_dir() / "redis" / "redis.pid").read_text())
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)
        # Each process of the portal skips a cache that timed out for a few seconds
        # (peernet/cache.py), a timer that no request can observe: the next test must find
        # the cache in use again, with its rate limits.
        time.sleep(UNREACHABLE_PAUSE_SECONDS)


def _pg_ctl(*args: str) -> None:
    binaries = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not binaries:
        _missing("PostgreSQL's pg_ctl")
    command = [binaries[-1], *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=30)


@contextmanager
def database_stopped():
    """The suite's PostgreSQL stopped (``-m fast``: clients are disconnected) and started again
    on the way out, the way scripts/services.sh starts it."""
    from django.conf import settings
    from django.db import connections

    folder = services_dir()
    port = settings.DATABASES["default"]["PORT"]
    options = (
        f"-p {port} -k {folder}/run -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
    )
    connections.close_all()
    _pg_ctl("-D", str(folder / "pg"), "-m", "fast", "-w", "stop")
    try:
        yield
    finally:
        _pg_ctl("-D", str(folder / "pg"), "-l", str(folder / "run" / "postgres.log"), "-w",
                "-o", options, "start")  # fmt: skip
        # The test process's connections died with the server: the next query opens a new one.
        connections.close_all()
