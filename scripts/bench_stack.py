"""The portal as deployed, started for a `make bench` run: a real SMTP server
(scripts/bench_smtp.py), a Celery worker and gunicorn with ``peernet.settings.production``, plus
the trivial site of scripts/bench_trivial/ under the same gunicorn settings; each is waited for
until it answers."""

import contextlib
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from bench_environment import CELERY_OPTIONS, GUNICORN_OPTIONS
from bench_http import http_request, proxy_headers
from bench_processes import PYTHON, SCRIPTS, Service, wait_until

from peernet.celery import app as celery_app


@dataclass
class Site:
    service: Service
    port: int


@dataclass
class Stack:
    web: Site
    trivial: Site
    smtp_log_path: Path
    smtp_delay_file: Path


def start_gunicorn(name, app, port, *, env, log_dir, extra=()) -> Service:
    argv = [PYTHON, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", *GUNICORN_OPTIONS]
    return Service(name, [*argv, *extra], env=env, log_dir=log_dir)


def _answers(port: int, path: str) -> int | None:
    with contextlib.suppress(OSError):
        return http_request(port, "GET", path, headers=proxy_headers(), timeout=5).status
    return None


def _listens(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
        return True
    return False


def stack_start(services: list[Service], *, env, ports, work: Path, log_dir: Path) -> Stack:
    """Starts each process, appending it to `services` at once so that the caller stops it
    even when a later one fails, and waits until all of them answer."""
    smtp_port, web_port, trivial_port = ports
    delay_file = work / "smtp-delay"
    delay_file.write_text("0")
    smtp_log_path = work / "smtp-messages.jsonl"
    services.append(
        Service(
            "smtp",
            [
                PYTHON,
                str(SCRIPTS / "bench_smtp.py"),
                "--port",
                str(smtp_port),
                "--log",
                str(smtp_log_path),
                "--delay-file",
                str(delay_file),
            ],
            env=env,
            log_dir=log_dir,
        )  # fmt: skip
    )
    worker_argv = [PYTHON, "-m", "celery", "-A", "peernet", "worker", *CELERY_OPTIONS,
                   "-n", f"bench-{os.getpid()}@%h"]  # fmt: skip
    services.append(Service("celery", worker_argv, env=env, log_dir=log_dir))
    web = Site(start_gunicorn("gunicorn", "peernet.wsgi", web_port, env=env, log_dir=log_dir),
               web_port)  # fmt: skip
    services.append(web.service)
    trivial_env = {**env, "DJANGO_SETTINGS_MODULE": "bench_trivial.settings"}
    trivial = Site(
        start_gunicorn("gunicorn-trivial", "bench_trivial.wsgi", trivial_port,
                       env=trivial_env, log_dir=log_dir, extra=["--pythonpath", str(SCRIPTS)]),
        trivial_port,
    )  # fmt: skip
    services.append(trivial.service)

    wait_until(lambda: _listens(smtp_port), timeout=30, what="the SMTP server", services=services)
    wait_until(lambda: _answers(web_port, "/healthz") == 200, timeout=60,
               what="gunicorn", services=services)  # fmt: skip
    wait_until(lambda: _answers(trivial_port, "/") == 200, timeout=60,
               what="the trivial site", services=services)  # fmt: skip
    with celery_app.connection_for_write() as connection:
        wait_until(lambda: celery_app.control.ping(timeout=0.5, connection=connection),
                   timeout=60, what="the Celery worker", services=services)  # fmt: skip
    return Stack(web=web, trivial=trivial, smtp_log_path=smtp_log_path,
                 smtp_delay_file=delay_file)  # fmt: skip
