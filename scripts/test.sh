#!/usr/bin/env bash
# Set up (first time) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt  # also installs chromium when missing (browser tests, images): see setup.sh
exec .venv/bin/python -m pytest "$@"
