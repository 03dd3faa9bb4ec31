"""Benchmarks: response times, query counts and memory of the main pages and flows.

Writes var/bench/results.json. Numbers, not pass/fail: compare runs on the same machine.
Runs on a throwaway SQLite database (or DATABASE_URL when set) with in-process tasks.
"""

import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peernet.settings.test")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import translation  # noqa: E402

PAGES = [
    ("home", "home", {}),
    ("register", "members:register", {}),
    ("meetings", "meetings:list", {}),
    ("cohorts", "cohorts:list", {}),
    ("cohort_map", "cohorts:map", {}),
]


def timed(function, repeat):
    durations, queries = [], []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            function()
            durations.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured.captured_queries))
    return {
        "median_ms": round(statistics.median(durations), 2),
        "p90_ms": round(sorted(durations)[int(len(durations) * 0.9) - 1], 2),
        "queries": max(queries),
        "runs": repeat,
    }


def main():
    call_command("migrate", verbosity=0)
    # The pages are measured with the demo content that `make run` shows.
    call_command("demo_data", verbosity=0, stdout=open(os.devnull, "w"))
    client = Client()
    results = {"python": platform.python_version(), "database": connection.vendor, "pages": {}}

    for name, viewname, kwargs in PAGES:
        for language in ("en", "fr"):
            with translation.override(language):
                url = reverse(viewname, kwargs=kwargs)
            response = client.get(url)
            if response.status_code != 200:
                results["pages"][f"{name}.{language}"] = {"status": response.status_code}
                continue
            results["pages"][f"{name}.{language}"] = timed(lambda url=url: client.get(url), 30)

    counter = iter(range(10**6))

    def register():
        number = next(counter)
        response = Client().post(
            "/en/register/",
            {
                "first_name": "Amélie",
                "last_name": f"Tremblay{number}",
                "email": f"bench{number}@gatineau.ca",
                "job_title": "Analyst",
                "organisation_name": "Ville de Gatineau",
                "organisation_kind": "city",
                "province": "QC",
                "preferred_language": "fr",
                "password1": "a-Long-passphrase-2026",
                "password2": "a-Long-passphrase-2026",
                "privacy_consent": "on",
            },
        )
        assert response.status_code == 302, response.status_code

    results["registration_post"] = timed(register, 50)

    from members import eligibility
    from members.models import Registration

    registration = Registration.objects.select_related("user").last()
    results["eligibility_assess_with_50_requests"] = timed(
        lambda: eligibility.assess(registration), 50
    )
    results["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    reset_queries()

    out = ROOT / "var" / "bench" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    print(f"Written to {out}")


if __name__ == "__main__":
    main()
