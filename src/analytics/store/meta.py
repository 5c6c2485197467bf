"""Key/value facts about the database: the data version every write bumps, the demo flag."""

from __future__ import annotations

from analytics import queries
from analytics.store.base import Connection


def get_meta(con: Connection, key: str, default: str | None = None) -> str | None:
    rows = con.execute(queries.META_GET, [key]).fetchall()  # whole result: DuckDB 2 refuses register() after
    return rows[0][0] if rows else default                    # a half-read one (what_if reads is_demo first)


def set_meta(con: Connection, key: str, value: str) -> None:
    con.execute(queries.META_SET, [key, value])


def data_version(con: Connection) -> int:
    """A number every write bumps: caches key on it so new data shows at once."""
    return int(get_meta(con, "data_version", "0") or 0)


def bump_version(con: Connection) -> None:
    con.execute(queries.BUMP_VERSION)


def is_demo(con: Connection) -> bool:
    return get_meta(con, "demo", "0") == "1"


def set_demo(con: Connection, flag: bool) -> None:
    set_meta(con, "demo", "1" if flag else "0")


def demo_replaced_by(con: Connection) -> int | None:
    """The upload that replaced the demo data (None when the demo was never replaced or was loaded again)."""
    value = get_meta(con, "demo_replaced_by")
    return int(value) if value and value.isdigit() else None
