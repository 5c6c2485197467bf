"""The analytics package imports without Streamlit (the CLI and tests rely on it)."""

import subprocess
import sys


def test_analytics_does_not_import_streamlit():
    code = ("import sys, analytics.cli, analytics.metrics, analytics.charts, analytics.ingest, analytics.present; "
            "print('streamlit' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
