"""Small helpers every store module shares: the connection type, code spelling, the clock."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import duckdb

from analytics import lazy

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame

Connection = duckdb.DuckDBPyConnection


LEVEL_WIDTH = {"province": 2, "district": 3, "commune": 5}


def canonical_code(value: Any, level: str = "commune") -> str | None:
    """One spelling per code: "20335", "020335" and Excel's "20335.0" are the same commune."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip().replace("\u00a0", "")
    if not text or text.lower() in {"nan", "none", "<na>"}:
        return None
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit():
        return text.lstrip("0").rjust(LEVEL_WIDTH.get(level, 1), "0") or "0"
    return text


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if out != out else out


def utcnow() -> datetime:
    """The clock of every write (UTC, naive: the columns are TIMESTAMP)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _now() -> datetime:
    """``utcnow`` looked up on the package, so a test can freeze the clock of every store module at once
    (``monkeypatch.setattr(store, "_now", ...)``)."""
    return sys.modules["analytics.store"]._now()


def _as_timestamps(series: pd.Series) -> pd.Series:
    """Dates (date objects, strings or timestamps) as datetime64, converting each distinct value once."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.reset_index(drop=True)
    codes, uniques = pd.factorize(series)
    return pd.Series(pd.to_datetime(pd.Series(uniques, dtype=object)).to_numpy()[codes])
