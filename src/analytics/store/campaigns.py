"""A province's campaign (start, deadline) and the deadlines of single units."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from analytics import config, lazy, queries, safetext
from analytics.errors import InvalidArgument, NotFoundError
from analytics.store.audit import record_audit
from analytics.store.base import Connection, _now
from analytics.store.database import retry_conflicts, transaction
from analytics.store.meta import bump_version

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame


@dataclass(frozen=True)
class Campaign:
    province_code: str
    name: str
    start: date
    deadline: date


def _ensure_campaign(con: Connection, province: str) -> None:
    con.execute(
        queries.INSERT_CAMPAIGN_IF_MISSING,
        [province, config.DEFAULT_CAMPAIGN_NAME, config.DEFAULT_START, config.DEFAULT_DEADLINE, _now()],
    )


def get_campaign(con: Connection, province: str) -> Campaign:
    row = con.execute(queries.CAMPAIGN_GET, [province]).fetchone()
    if row is None:
        return Campaign(province, config.DEFAULT_CAMPAIGN_NAME,
                        date.fromisoformat(config.DEFAULT_START), date.fromisoformat(config.DEFAULT_DEADLINE))
    return Campaign(province, row[0], row[1], row[2])


CAMPAIGN_EARLIEST, CAMPAIGN_LATEST = date(2000, 1, 1), date(2099, 12, 31)


CAMPAIGN_MAX_DAYS = 3660  # ten years


@retry_conflicts
def set_campaign(con: Connection, province: str, name: str | None = None, start: date | None = None,
                 deadline: date | None = None, *, user: str | None = None, source: str | None = None) -> Campaign:
    """Change the campaign of a province; the start must come before the deadline."""
    current = get_campaign(con, province)
    new = Campaign(province, name if name else current.name, start or current.start, deadline or current.deadline)
    if new.start >= new.deadline:
        raise InvalidArgument("campaign.order", start=new.start.isoformat(), deadline=new.deadline.isoformat())
    # the dashboard works day by day between these dates: a deadline in year 9999 would make every page do
    # millions of days of work
    if not (CAMPAIGN_EARLIEST <= new.start and new.deadline <= CAMPAIGN_LATEST):
        raise InvalidArgument("campaign.out_of_range", low=CAMPAIGN_EARLIEST.isoformat(),
                              high=CAMPAIGN_LATEST.isoformat())
    if (new.deadline - new.start).days > CAMPAIGN_MAX_DAYS:
        raise InvalidArgument("campaign.too_long", days=CAMPAIGN_MAX_DAYS, start=new.start.isoformat(),
                              deadline=new.deadline.isoformat())
    if not new.name.strip():
        raise InvalidArgument("campaign.name_empty")
    found = safetext.control_char(new.name.strip())
    if found is not None:
        raise InvalidArgument("campaign.name_control", position=found[0], char=found[1])
    with transaction(con) as con:
        con.execute(queries.CAMPAIGN_UPSERT, [province, new.name.strip(), new.start, new.deadline, _now()])
        bump_version(con)
        record_audit(con, user, "campaign", province, {"name": new.name.strip(), "start": new.start,
                                                       "deadline": new.deadline}, source=source)
    return new


@retry_conflicts
def save_settings(con: Connection, province: str, name: str | None, start: date | None, deadline: date | None,
                  settings: dict[str, str], *, measure: str | None = None, user: str | None = None,
                  source: str | None = None) -> Campaign:
    """The campaign, its measure (None: unchanged) and several settings in ONE transaction: a form saved half
    (the campaign changed, the thresholds not) would show figures no one chose; on any error nothing is written."""
    from analytics import store  # through the package, where every write is named (and tests replace one)

    with transaction(con) as tx:
        campaign = store.set_campaign(tx, province, name, start, deadline, user=user, source=source)
        if measure is not None:
            store.set_default_measure(tx, province, measure, user=user, source=source)
        for key, value in settings.items():
            store.set_setting(tx, province, key, value, user=user, source=source)
    return campaign


def unit_deadlines(con: Connection, province: str) -> pd.DataFrame:
    """The districts and communes of a province that have a deadline of their own."""
    return con.execute(queries.UNIT_DEADLINES, [province]).df()


@retry_conflicts
def set_unit_deadline(con: Connection, province: str, level: str, code: str, deadline: date | None, *,
                      user: str | None = None, source: str | None = None) -> None:
    """Give a district or a commune its own deadline (None: back to the campaign's)."""
    if level not in ("district", "commune"):
        raise InvalidArgument("deadline.bad_level", level=level)
    row = con.execute(queries.UNIT_OF_PROVINCE, [level, code, province]).fetchall()
    if not row:
        raise NotFoundError("deadline.unknown_unit", unit=code)
    campaign = get_campaign(con, province)
    if deadline is not None and deadline <= campaign.start:
        raise InvalidArgument("deadline.before_start", deadline=deadline.isoformat(), start=campaign.start.isoformat())
    if deadline is not None and (deadline > CAMPAIGN_LATEST or (deadline - campaign.start).days > CAMPAIGN_MAX_DAYS):
        raise InvalidArgument("campaign.too_long", days=CAMPAIGN_MAX_DAYS, start=campaign.start.isoformat(),
                              deadline=deadline.isoformat())
    with transaction(con) as con:
        con.execute(queries.UNIT_DEADLINE_DELETE, [province, level, code])
        if deadline is not None:
            con.execute(queries.UNIT_DEADLINE_INSERT, [province, level, code, deadline, _now(), user])
        bump_version(con)
        record_audit(con, user, "deadline", code, {"province": province, "level": level,
                                                   "deadline": deadline}, source=source)


def campaign_starts(con: Connection) -> dict[str, date]:
    """Start date of every province's stored campaign (``get_campaign`` gives the default for the others)."""
    return {p: start for p, start in con.execute(queries.CAMPAIGN_STARTS).fetchall()}
