#!/usr/bin/env bash
# `make bench`: the portal as deployed (gunicorn with the production settings, PostgreSQL, Redis,
# a Celery worker and a real SMTP server, all started here and stopped at the end), measured with
# wrk against a trivial Django view served the same way. Writes var/bench/results.json.
# Never part of the test suite. Extra arguments go to scripts/bench.py (`--duration 1s`,
# `--invitations 100`, `--help`).
set -euo pipefail
cd "$(dirname "$0")/.."

# Ports of the bench's own PostgreSQL and Redis, apart from the test suite's, so that a bench and
# a test run can go on at the same time.
export PEERNET_PG_PORT=${PEERNET_BENCH_PG_PORT:-24371}
export PEERNET_REDIS_PORT=${PEERNET_BENCH_REDIS_PORT:-24372}

source scripts/services.sh
services_packages_install
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian package: wrk (run as root, or install it)." >&2
    exit 1
  fi
  echo "Installing wrk …"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
fi

export PEERNET_BENCH_STARTED=$(date +%s.%N)
services_start
trap services_stop EXIT
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PEERNET_PG_PORT" -U postgres peernet

.venv/bin/python scripts/bench.py "$@"
