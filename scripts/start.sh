#!/usr/bin/env bash
# Set up (first time) and start the dashboard. An empty database gets demo data on first start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
exec .venv/bin/streamlit run app.py "$@"
