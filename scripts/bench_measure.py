"""How `make bench` measures: wrk's throughput and latency, the gunicorn workers' peak memory,
and nearest-rank percentiles of requests timed one at a time."""

import argparse
import contextlib
import json
import math
import re
import subprocess
import time
from pathlib import Path

from bench_http import http_request, proxy_headers

# wrk prints its own summary; this gives exact percentiles and the error counts as one line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, ' ..
    '"errors_read": %d, "errors_write": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"p50_us": %.0f, "p90_us": %.0f, "p95_us": %.0f, "p99_us": %.0f, "max_us": %.0f, ' ..
    '"mean_us": %.1f}\\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


def duration_seconds(text: str) -> float:
    found = re.fullmatch(r"(\d+)(s|m)?", text)
    if not found:
        raise argparse.ArgumentTypeError("a wrk duration such as 5s or 1m")
    return int(found.group(1)) * (60 if found.group(2) == "m" else 1)


def wrk(url: str, headers: dict[str, str], options, script: Path) -> dict:
    argv = ["wrk", f"-t{options.threads}", f"-c{options.connections}", f"-d{options.duration}",
            "--latency", "-s", str(script)]  # fmt: skip
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    timeout = duration_seconds(options.duration) + 60
    result = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=True)
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH_JSON "))
    summary = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = summary["duration_us"] / 1e6
    summary["requests_per_second"] = round(summary["requests"] / seconds, 1) if seconds else 0.0
    summary["errors"] = sum(value for key, value in summary.items() if key.startswith("errors_"))
    return summary


def gunicorn_workers(master_pid: int) -> list[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    with contextlib.suppress(OSError):
        return [int(pid) for pid in children.read_text().split()]
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            if re.search(rf"^PPid:\s+{master_pid}$", status.read_text(), re.MULTILINE):
                pids.append(int(status.parent.name))
    return pids


def peak_rss_kib(pid: int) -> int | None:
    with contextlib.suppress(OSError):
        found = re.search(r"^VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
        return int(found.group(1)) if found else None
    return None


def peak_rss_reset(pids: list[int]) -> bool:
    """Start each worker's peak RSS again from its current size (Linux 4.0+, clear_refs 5)."""
    done = True
    for pid in pids:
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            done = False
    return done


def nearest_rank(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    return ordered[max(math.ceil(percent / 100 * len(ordered)) - 1, 0)]


def percentiles_ms(timings: list[float], *, digits: int = 1) -> dict:
    return {
        "p50_ms": round(nearest_rank(timings, 50), digits),
        "p95_ms": round(nearest_rank(timings, 95), digits),
    }


def timed_gets(port: int, path: str, *, cookies: dict, count: int) -> dict:
    """`count` GETs to gunicorn one after the other, each on a new connection."""
    headers = proxy_headers("en")
    timings, statuses, size = [], set(), 0
    for _number in range(count):
        start = time.perf_counter()
        answer = http_request(port, "GET", path, headers=headers, cookies=cookies)
        timings.append((time.perf_counter() - start) * 1000)
        statuses.add(answer.status)
        size = len(answer.body)
    return {
        "status": sorted(statuses)[0] if len(statuses) == 1 else sorted(statuses),
        "bytes": size,
        "requests": count,
        **percentiles_ms(timings),
        "max_ms": round(max(timings), 1),
    }
