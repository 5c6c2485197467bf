"""Lint and types: ``ruff check`` and ``mypy`` (configured in pyproject.toml) run with the suite, so the
README's one test command (and CI) covers them; a finding fails with the tools' own output."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("tool", [["ruff", "check", "."], ["mypy"]], ids=["ruff", "mypy"])
def test_clean(tool):
    if importlib.util.find_spec(tool[0]) is None:
        if os.environ.get("CI"):
            pytest.fail(f"{tool[0]} is not installed (requirements-dev.txt)")
        pytest.skip(f"{tool[0]} is not installed (pip install -r requirements-dev.txt)")
    done = subprocess.run([sys.executable, "-m", *tool], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(tool)} found problems:\n{done.stdout}{done.stderr}"
