#!/usr/bin/env bash
# What `make bench` runs (after `make bins`): every benchmark under
# tests/bench, one after the other. Each prints its figures and compares
# them with a baseline measured in the same run; the exit status is non-zero
# only when a scenario had failed sessions, never because it was slow.
#
# Arguments are passed to bench_sessions.py (--help lists them).
# /usr/bin/python3: another python3 on the PATH may lack pika and psycopg2.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec /usr/bin/python3 tests/bench/bench_sessions.py "$@"
