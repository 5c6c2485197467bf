#!/usr/bin/env bash
# Set up (first time) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt  # also installs chromium when missing (browser tests, images): see setup.sh
# every core (pytest-xdist): tests go to whichever worker is free; the browser tests share one worker
# (xdist_group "browser": one Streamlit server, one browser); "-n 0" runs everything in one process
exec .venv/bin/python -m pytest -n auto --dist loadgroup "$@"
