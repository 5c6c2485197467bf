"""Where things live: the project folder, the default database, the shipped data."""

from __future__ import annotations

import os
from pathlib import Path

from analytics import settings

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = PROJECT_DIR / "data"
UNITS_FILE = DATA_DIR / "quang_nam_units_2024.csv"
TEMPLATES_DIR = DATA_DIR / "templates"

DEFAULT_CAMPAIGN_NAME = "Đợt cao điểm 20 ngày"
DEFAULT_START = "2025-02-21"
DEFAULT_DEADLINE = "2025-03-12"
DEFAULT_NOT_REPORTING_DAYS = 3  # report dated D-2 .. D counts as reporting
DEFAULT_JUMP_PCT = 20  # Upload page: a daily increase above this % of a commune's books is flagged


def max_upload_bytes() -> int:
    """The largest file accepted (``HOTICH_MAX_UPLOAD_MB``), asked at each upload so tests can lower it."""
    return settings.current().max_upload_bytes


def _place(value: str | os.PathLike[str]) -> Path:
    text = str(value)
    if text.startswith(("postgresql://", "postgres://")):
        return text  # type: ignore[return-value]  # a URL, not a file
    return Path(value)


def db_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The database file: the explicit override, else ``HOTICH_DB``, else ``data/hotich.duckdb``.

    A ``postgresql://`` URL is returned as it is (a str: a Path would fold its ``//``); the store routes it."""
    if override:
        return _place(override)
    env = settings.current().db
    if env:
        return _place(env)
    return DATA_DIR / "hotich.duckdb"
