#!/usr/bin/env bash
# The whole test suite against a real PostgreSQL and Redis started here, with the real Celery
# worker, SMTP server and Debian's chromium used by the integration and browser tests.
# Extra arguments go to pytest (e.g. `scripts/test.sh -m unit`).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/services.sh
services_packages_install
services_start
trap services_stop EXIT

export DJANGO_SETTINGS_MODULE=peernet.settings.test
# Playwright's sync API runs an event loop in the test thread.
export DJANGO_ALLOW_ASYNC_UNSAFE=true
export PEERNET_CHROMIUM=${PEERNET_CHROMIUM:-/usr/bin/chromium}
unset EMAIL_URL CELERY_TASK_ALWAYS_EAGER
export PEERNET_REQUIRE_SERVICES=1

.venv/bin/python -m pytest "$@"
