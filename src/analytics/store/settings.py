"""Per-province settings (cut-off time, thresholds ...)."""

from __future__ import annotations

from typing import overload

from analytics import queries
from analytics.errors import InvalidArgument
from analytics.store.audit import record_audit
from analytics.store.base import Connection
from analytics.store.database import retry_conflicts, transaction
from analytics.store.meta import bump_version


@overload
def get_setting(con: Connection, province: str, key: str, default: str) -> str: ...
@overload
def get_setting(con: Connection, province: str, key: str, default: None = None) -> str | None: ...
def get_setting(con: Connection, province: str, key: str, default: str | None = None) -> str | None:
    row = con.execute(queries.SETTING_GET, [province, key]).fetchone()
    return row[0] if row and row[0] is not None else default


@retry_conflicts
def set_setting(con: Connection, province: str, key: str, value: str, *, user: str | None = None,
                source: str | None = None) -> None:
    with transaction(con) as con:
        con.execute(queries.SETTING_SET, [province, key, value])
        bump_version(con)
        record_audit(con, user, "settings", province, {"key": key, "value": value}, source=source)


MEASURES = ("records", "books")  # what figures count: records (trường hợp) or books (sổ)


def default_measure(con: Connection, province: str) -> str:
    """The measure a province's figures are counted in when none is chosen (a campaign setting; books
    until one is set, as before the setting existed)."""
    value = get_setting(con, province, "default_measure", "books")
    return value if value in MEASURES else "books"


def set_default_measure(con: Connection, province: str, measure: str, *, user: str | None = None,
                        source: str | None = None) -> None:
    """Choose the measure the province's campaign is counted in by default."""
    if measure not in MEASURES:
        raise InvalidArgument("campaign.bad_measure", value=measure, measures=", ".join(MEASURES))
    set_setting(con, province, "default_measure", measure, user=user, source=source)
