"""Every ``HOTICH_*`` setting in one place: its type, default and meaning, parsed once.

Modules ask :func:`current` when they need a value (never at import time), so a setting can be
given per process (the environment), per test (:func:`use`, an explicit :class:`Settings`) or per
command without re-importing anything. A bad value stops with :class:`SettingsError`, naming the
variable, the value and what is expected, instead of being silently replaced by a default.

The README's "Settings" table lists the same fields; a test checks that they agree.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

PREFIX = "HOTICH_"

# DuckDB's own syntax for a memory size; the value goes into a SET statement, which takes no parameters
MEMORY_LIMIT = re.compile(r"^\d{1,6}(\.\d{1,3})?\s?(KB|MB|GB|KiB|MiB|GiB)$")

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _setting(default: Any, help: str, *, low: float | None = None, high: float | None = None,
             choices: tuple[str, ...] | None = None, pattern: re.Pattern[str] | None = None,
             blank: bool = False) -> Any:
    """One field: its default, the help the README repeats, and the bounds a value must respect
    (``blank``: an empty value means something of its own instead of the default)."""
    return field(default=default, metadata={"help": help, "low": low, "high": high, "choices": choices,
                                            "pattern": pattern, "blank": blank})


class SettingsError(ValueError):
    """A ``HOTICH_*`` value that cannot be used; the message says which, and what would do."""


@dataclass(frozen=True)
class Settings:
    """The settings of one process. Each field is read from ``HOTICH_<FIELD NAME IN CAPITALS>``."""

    db: str = _setting("", "database: a DuckDB file path or a postgresql:// URL (empty: data/hotich.duckdb)")
    lang: str = _setting("vi", "language of the command line's messages (vi or en)", choices=("vi", "en"))
    auto_demo: bool = _setting(True, "load the demo into an empty database on first start (0: start empty)")
    open_mode: bool = _setting(True, "until the first account exists everyone may act, with a warning "
                                     "(0: nobody may)")
    view_requires_login: bool = _setting(False, "reading the dashboard needs a sign-in (1: every page)")
    bcrypt_rounds: int = _setting(12, "bcrypt cost of new password hashes (4-16)", low=4, high=16)
    max_failed_logins: int = _setting(5, "failed sign-ins in a row of one name from one client before "
                                         "each further attempt must wait", low=1)
    login_delay_seconds: float = _setting(2.0, "the first wait after too many failures (doubles each time)",
                                          low=0)
    lockout_minutes: float = _setting(15.0, "the longest wait between two sign-in attempts", low=0)
    max_upload_mb: float = _setting(20.0, "largest file accepted, in MB (Streamlit's upload limit is the same)",
                                    low=0)
    max_xlsx_mb: float = _setting(100.0, "largest uncompressed size of an .xlsx/.ods's zip members, in MB "
                                         "(against decompression bombs)", low=0)
    max_rows: int = _setting(100_000, "most data rows read from one file", low=1)
    max_cols: int = _setting(200, "most columns read from one file (a CSV's further columns are dropped)", low=1)
    max_cells: int = _setting(3_000_000, "most cells of the grids read from one workbook, all sheets and "
                                         "empty cells included", low=1)
    lock_timeout: float = _setting(60.0, "seconds a write waits for another process holding the database "
                                         "before 'database busy'", low=0)
    keep_open_seconds: float = _setting(10.0, "seconds the dashboard keeps the database open after a rerun "
                                              "(0: close at once; the test suite sets 0)", low=0)
    memo_size: int = _setting(32, "commune tables the dashboard keeps per data version (0: none; the test "
                                  "suite sets 0)", low=0)
    duckdb_memory_limit: str = _setting("256MB", "DuckDB buffer memory of the dashboard process, e.g. 512MB "
                                                 "(empty: DuckDB's default, 80 % of RAM)", pattern=MEMORY_LIMIT,
                                        blank=True)
    render_timeout: float = _setting(90.0, "seconds one chart image may take to render", low=0)
    pg_pool: int = _setting(4, "connections each process keeps open to PostgreSQL (with a postgresql:// HOTICH_DB)",
                            low=1)

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Parse the ``HOTICH_*`` variables of ``environ``; unset or empty ones keep their default
        (an empty ``blank`` one is kept empty)."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = environ.get(env_name(f.name))
            if raw is not None and raw.strip():
                values[f.name] = _parse(f, raw.strip())
            elif raw is not None and f.metadata["blank"]:
                values[f.name] = ""
        return cls(**values)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def max_xlsx_bytes(self) -> int:
        return int(self.max_xlsx_mb * 1024 * 1024)


def env_name(name: str) -> str:
    """The environment variable of a field: ``max_rows`` -> ``HOTICH_MAX_ROWS``."""
    return PREFIX + name.upper()


def fields() -> tuple[dataclasses.Field[Any], ...]:
    return dataclasses.fields(Settings)


def _default(f: dataclasses.Field[Any]) -> Any:
    return f.default  # every field has one (see _setting)


def _parse(f: dataclasses.Field[Any], raw: str) -> Any:
    name, meta, default = env_name(f.name), f.metadata, _default(f)
    kind = type(default)
    value: Any
    if kind is bool:
        if raw.lower() not in _TRUE + _FALSE:
            raise SettingsError(f"{name}={raw!r}: expected 1 or 0 (also true/false, yes/no, on/off); "
                                f"default {int(default)}")
        value = raw.lower() in _TRUE
    elif kind is int or kind is float:
        try:
            value = kind(raw)
            if not math.isfinite(value):  # "inf" or "nan" would wait forever or compare false
                raise ValueError(raw)
        except ValueError:
            what = "a whole number" if kind is int else "a number"
            raise SettingsError(f"{name}={raw!r}: expected {what}; default {default:g}") from None
        low, high = meta["low"], meta["high"]
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low:g} to {high:g}" if high is not None else f"at least {low:g}"
            raise SettingsError(f"{name}={raw!r}: expected {bounds}; default {default:g}")
    else:
        value = raw
        if meta["choices"] and value not in meta["choices"]:
            raise SettingsError(f"{name}={raw!r}: expected one of {', '.join(meta['choices'])}; "
                                f"default {default}")
        if meta["pattern"] is not None and not meta["pattern"].match(value):
            raise SettingsError(f"{name}={raw!r}: expected a size such as 256MB or 1GB; default {default}")
    return value


# --- the settings in force -------------------------------------------------------------------------

_LOCK = threading.Lock()  # Streamlit sessions are threads of one process
_override: Settings | None = None
_cached: tuple[tuple[tuple[str, str], ...], Settings] | None = None


def current() -> Settings:
    """The settings in force: those given to :func:`use`, else the process environment's.

    The environment is parsed once; it is parsed again only if its ``HOTICH_*`` variables change
    (a command line setting ``HOTICH_DB`` for a child, a test's ``monkeypatch.setenv``), so a change
    is never silently ignored and nothing needs re-importing."""
    global _cached
    if _override is not None:
        return _override
    # keys first (an atomic copy), then each value: another thread may set or drop a variable meanwhile
    snapshot = tuple(sorted((k, v) for k in list(os.environ)
                            if k.startswith(PREFIX) and (v := os.environ.get(k)) is not None))
    cached = _cached
    if cached is not None and cached[0] == snapshot:
        return cached[1]
    parsed = Settings.from_env(dict(snapshot))
    with _LOCK:
        _cached = (snapshot, parsed)
    return parsed


@contextlib.contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """Run a block with explicit settings (tests, a tool embedding the dashboard), whatever the
    environment says; the previous ones come back afterwards."""
    global _override
    with _LOCK:
        before, _override = _override, settings
    try:
        yield settings
    finally:
        with _LOCK:
            _override = before


def changed(**changes: Any) -> Settings:
    """The settings in force with a few fields changed (for :func:`use`)."""
    return dataclasses.replace(current(), **changes)


# --- documentation ---------------------------------------------------------------------------------

_KINDS = {bool: "1/0", int: "whole number", float: "number", str: "text"}


def kind_text(f: dataclasses.Field[Any]) -> str:
    """How a field's value is written, as the README's table says it."""
    return _KINDS[type(_default(f))]


def default_text(f: dataclasses.Field[Any]) -> str:
    """A field's default as the README's table shows it."""
    value = _default(f)
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value) or "(empty)"


def markdown_table() -> str:
    """The README's table of settings (``python -m analytics.settings`` prints it)."""
    rows = ["| Variable | Type | Default | Meaning |", "|---|---|---|---|"]
    rows += [f"| `{env_name(f.name)}` | {kind_text(f)} | `{default_text(f)}` | {f.metadata['help']} |"
             for f in fields()]
    return "\n".join(rows)


if __name__ == "__main__":
    print(markdown_table())
