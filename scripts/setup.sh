#!/usr/bin/env bash
# Create .venv (Python 3.11) and install the pinned dependencies. Usage: scripts/setup.sh [requirements file]
set -euo pipefail
cd "$(dirname "$0")/.."
REQ="${1:-requirements.txt}"
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
  done
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$REQ"
# the app's own modules compiled once here: a command started where Python may not write bytecode
# (PYTHONDONTWRITEBYTECODE, a read-only checkout) would otherwise compile ~30 modules on every start (~0.12 s)
.venv/bin/python -m compileall -q -j 0 src ui views app.py urlstate.py >/dev/null || true
# Chart images and the daily brief are rendered by kaleido with a headless Chromium (README "Images and brief").
# Installed here when missing and we may (root + apt); HOTICH_NO_BROWSER=1 skips it. Without it the app still
# runs: the PNG/PDF buttons explain what is missing and the charts' camera button keeps working.
if [ "${HOTICH_NO_BROWSER:-0}" != "1" ] && [ -z "${BROWSER_PATH:-}" ] \
   && ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: chromium could not be installed: PNG/PDF images and the daily brief are off" >&2
  else
    echo "note: install chromium (sudo apt-get install chromium) for PNG/PDF images and the daily brief" >&2
  fi
fi
# PostgreSQL (README "PostgreSQL"): the test suite starts a throw-away server with initdb/pg_ctl, so CI and
# developers need the Debian packages; installed here when missing and we may (root + apt). The DuckDB
# default needs none of it: for a runtime-only setup a missing PostgreSQL is only a note.
have_pg() {
  command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && return 0
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1
}
if ! have_pg; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || echo "warning: postgresql could not be installed" >&2
  fi
  if ! have_pg; then
    if [ "$REQ" = "requirements-dev.txt" ]; then
      echo "error: PostgreSQL (initdb, pg_ctl) is missing and the tests need it: sudo apt-get install postgresql" >&2
      exit 1
    fi
    echo "note: install postgresql (sudo apt-get install postgresql) to run on PostgreSQL (HOTICH_DB=postgresql://…)" >&2
  fi
fi
