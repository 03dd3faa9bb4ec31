#!/usr/bin/env bash
# `make bench`: measure, write var/bench/results.json. Never part of the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python scripts/bench.py
