"""The environment of a `make bench` run: what the started processes are given (the production
settings, gunicorn's and the worker's options), and what is written beside the numbers (the
machine, the commit, the versions of what served the pages, the settings of the run)."""

import importlib.metadata
import os
import platform
import re
import secrets
import subprocess
from pathlib import Path

import redis
from bench_http import HOST, ORIGIN
from bench_processes import ROOT
from django.conf import settings
from django.db import connection

GUNICORN_OPTIONS = [
    "--workers", "2", "--worker-class", "sync", "--timeout", "30", "--graceful-timeout", "5",
    "--no-control-socket",
]  # fmt: skip
CELERY_OPTIONS = ["-Q", "default,mail", "--concurrency", "2", "-l", "INFO"]


def production_env(*, smtp_port: int, media_root: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PEERNET_", "CELERY_")) and key != "EMAIL_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "peernet.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_CSRF_TRUSTED_ORIGINS": ORIGIN,
            "DJANGO_MEDIA_ROOT": str(media_root),
            "SITE_URL": ORIGIN,
            "DATABASE_URL": os.environ["DATABASE_URL"],
            "REDIS_URL": os.environ["REDIS_URL"],
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DEFAULT_FROM_EMAIL": "PeerNet <network@peernet.test>",
            "PEERNET_STAFF_EMAILS": "network@peernet.test",
            "PEERNET_TRUSTED_PROXY_COUNT": "1",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def versions() -> dict:
    packages = ["Django", "gunicorn", "celery", "kombu", "redis", "psycopg", "whitenoise",
                "django-allauth", "aiosmtpd"]  # fmt: skip
    found = {name: importlib.metadata.version(name) for name in packages}
    found["python"] = platform.python_version()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        found["postgresql"] = cursor.fetchone()[0]
    connection.close()
    found["redis-server"] = redis.Redis.from_url(os.environ["REDIS_URL"]).info()["redis_version"]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    found["wrk"] = (wrk_version.stdout or wrk_version.stderr).split("[")[0].strip()
    return found


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    return {
        "hostname": platform.node(),
        "platform": platform.platform(),
        "cpu": model.group(1) if model else platform.processor(),
        "cpus": os.cpu_count(),
        "memory_mib": int(memory.group(1)) // 1024 if memory else None,
        "load_average_at_start": os.getloadavg(),
    }


def git_revision() -> dict:
    # Read only: no index refresh, so that a commit made meanwhile never finds index.lock taken.
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}

    def git(*args):
        result = subprocess.run(["git", *args], cwd=ROOT, env=env, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else None

    status = git("status", "--porcelain", "--untracked-files=no")
    return {
        "commit": git("rev-parse", "HEAD"),
        "modified_files": status is not None and bool(status),
    }


def run_settings(options) -> dict:
    """The settings the portal ran with, read once Django is set up in this process."""
    return {
        "django_settings": "peernet.settings.production",
        "https": "X-Forwarded-Proto: https sent with every request (wrk -H); "
        "DJANGO_SECURE_SSL_REDIRECT left at its production default (on)",
        "host": HOST,
        "secure_ssl_redirect": settings.SECURE_SSL_REDIRECT,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
        "cache": settings.CACHES["default"]["BACKEND"],
        "database": "PostgreSQL from scripts/services.sh (fsync off), demo data",
        "gunicorn": GUNICORN_OPTIONS,
        "celery_worker": CELERY_OPTIONS,
        "trivial_site": "scripts/bench_trivial (one view, small template, no middleware)",
        "wrk": {
            "threads": options.threads,
            "connections": options.connections,
            "duration": options.duration,
        },  # fmt: skip
        "queries": "counted in-process with Django's test client and "
        "CaptureQueriesContext against the same database and Redis, second request",
    }
