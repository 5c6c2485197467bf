"""The figures leaders read: as-of state, plan, pace, projection, status.

Definitions (the README repeats them): the state on day D is each commune's
latest report on or before D; sums are over the communes with such a report.
The heavy work (scanning the history) is set-based SQL in ``queries``; the
results here are small frames (one row per commune or per day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pandas as pd

from analytics import config, queries, store

STATUS_ORDER = ["done", "on_track", "slightly_behind", "behind", "no_data"]


@dataclass(frozen=True)
class View:
    """What a question is about: a province on an as-of date, within its campaign."""

    province: str
    as_of: date
    start: date
    deadline: date
    campaign_name: str
    window: int = config.DEFAULT_NOT_REPORTING_DAYS
    amber: float = 10.0  # points behind plan still "slightly behind"

    def params(self) -> dict[str, Any]:
        return {"province": self.province, "as_of": self.as_of, "start": self.start,
                "deadline": self.deadline, "window": self.window}


def report_span(con: store.Connection, province: str) -> tuple[date | None, date | None]:
    """First and last report dates among the province's communes."""
    first, last = con.execute(queries.FIRST_REPORT_DATE, [province]).fetchone()
    return first, last


def view(con: store.Connection, province: str | None = None, as_of: date | str | None = None) -> View:
    """Resolve the defaults: the province (only one, else most reports) and D (its latest report, else today)."""
    code = store.resolve_province(con, province)
    campaign = store.get_campaign(con, code)
    if as_of is None:
        _, last = report_span(con, code)
        day = last or date.today()
    elif isinstance(as_of, str):
        day = date.fromisoformat(as_of)
    else:
        day = as_of
    window = int(store.get_setting(con, code, "not_reporting_days", str(config.DEFAULT_NOT_REPORTING_DAYS)))
    amber = float(store.get_setting(con, code, "amber_points", "10"))
    return View(code, day, campaign.start, campaign.deadline, campaign.name, window, amber)


def _pct(num: float, den: float) -> float:
    return 100.0 * num / den


def classify(completion: float | None, planned: float | None, amber: float = 10.0) -> str:
    """Status against plan: done (100 %), on_track, slightly_behind (≤ amber points), behind, no_data."""
    if completion is None or (isinstance(completion, float) and math.isnan(completion)):
        return "no_data"
    if completion >= 100.0:
        return "done"
    if planned is None or (isinstance(planned, float) and math.isnan(planned)) or completion >= planned:
        return "on_track"
    return "slightly_behind" if planned - completion <= amber else "behind"


def commune_status(con: store.Connection, v: View) -> pd.DataFrame:
    """One row per commune of the unit list: figures on D, plan, gap, 7-day pace, status, flags."""
    df = con.execute(queries.COMMUNE_STATUS, v.params()).df()
    df["behind_schedule"] = (df["completion_pct"] < df["planned_pct"]).fillna(False).astype(bool)
    df["gap_pct"] = df["planned_pct"] - df["completion_pct"]
    has_week = df["digitized_week_ago"].notna()
    df["recent_per_day"] = (df["books_digitized"] - df["digitized_week_ago"]).where(has_week) / 7.0
    df["remaining"] = (df["books_total"] - df["books_digitized"]).clip(lower=0)
    days_left = (v.deadline - v.as_of).days
    df["required_per_day"] = df["remaining"] / max(days_left, 1)
    df["projected_finish"] = [
        _project(v.as_of, rem, pace) if pd.notna(rem) else None
        for rem, pace in zip(df["remaining"], df["recent_per_day"])
    ]
    df["status"] = [classify(c, p, v.amber) for c, p in zip(df["completion_pct"], df["planned_pct"])]
    df["days_since_report"] = [
        (v.as_of - d).days if d is not None and not pd.isna(d) else None for d in _dates(df["last_report"])
    ]
    df["last_report"] = _dates(df["last_report"])
    return df


def _dates(series: pd.Series) -> list[date | None]:
    return [None if pd.isna(x) else pd.Timestamp(x).date() for x in series]


def _project(as_of: date, remaining: float, pace: float | None) -> date | None:
    if remaining <= 0:
        return as_of
    if pace is None or pd.isna(pace) or pace <= 0:
        return None
    return as_of + timedelta(days=math.ceil(remaining / pace))


def _aggregate(df: pd.DataFrame, v: View) -> dict[str, Any]:
    """Totals of a set of communes on D (province or district), by the definitions."""
    rep = df[df["last_report"].notna()]
    books_total = int(rep["books_total"].sum()) if len(rep) else 0
    books_digitized = int(rep["books_digitized"].sum()) if len(rep) else 0
    if rep.empty:
        completion = None
        planned = None
    elif books_total == 0:
        completion = 100.0
        planned = 100.0
    else:
        completion = _pct(books_digitized, books_total)
        planned = float((rep["planned_pct"] * rep["books_total"]).sum() / books_total)
    remaining = max(books_total - books_digitized, 0)
    days_left = (v.deadline - v.as_of).days
    week = df[df["digitized_week_ago"].notna()]
    recent = float((week["books_digitized"] - week["digitized_week_ago"]).sum() / 7.0) if len(week) else 0.0
    if rep.empty:
        projected = None
    else:
        projected = _project(v.as_of, remaining, recent)
    return {
        "units_total": int(len(df)),
        "units_reporting": int(len(rep)),
        "units_reported_on_day": int(df["reported_on_day"].sum()),
        "units_completed": int((rep["completion_pct"] >= 100.0).sum()),
        "books_total": books_total,
        "books_digitized": books_digitized,
        "remaining": remaining,
        "completion_pct": completion,
        "planned_pct": planned,
        "days_left": days_left,
        "required_per_day": remaining / max(days_left, 1),
        "recent_per_day": recent,
        "projected_finish": projected,
        "behind_schedule": int(df["behind_schedule"].sum()),
        "not_reporting": int(df["not_reporting"].sum()),
    }


def summary(con: store.Connection, province: str | None = None, as_of: date | str | None = None) -> dict[str, Any]:
    """Where the province stands on D, with every district of its unit list (code order)."""
    v = view(con, province, as_of)
    df = commune_status(con, v)
    out: dict[str, Any] = {
        "province": v.province,
        "province_name": _unit_name(con, "province", v.province),
        "campaign": v.campaign_name,
        "as_of": v.as_of,
        "start": v.start,
        "deadline": v.deadline,
    }
    out.update(_aggregate(df, v))
    out["districts"] = district_table(con, v, df).to_dict("records")
    return out


def _unit_name(con: store.Connection, level: str, code: str) -> str:
    row = con.execute(queries.UNIT_NAME, [level, code]).fetchone()
    return row[0] if row else code


def district_table(con: store.Connection, v: View, communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per district (code order) with its totals, completion, plan and counts on D."""
    df = communes if communes is not None else commune_status(con, v)
    rows = []
    with_district = df[df["district_code"].notna()]
    for code in sorted(with_district["district_code"].unique()):
        part = with_district[with_district["district_code"] == code]
        agg = _aggregate(part, v)
        rows.append({
            "district_code": code,
            "district": part["district"].iloc[0],
            "books_total": agg["books_total"],
            "books_digitized": agg["books_digitized"],
            "completion_pct": agg["completion_pct"],
            "planned_pct": agg["planned_pct"],
            "behind_schedule": agg["behind_schedule"],
            "not_reporting": agg["not_reporting"],
            "units_total": agg["units_total"],
            "units_reporting": agg["units_reporting"],
            "units_completed": agg["units_completed"],
            "recent_per_day": agg["recent_per_day"],
            "required_per_day": agg["required_per_day"],
            "projected_finish": agg["projected_finish"],
            "status": classify(agg["completion_pct"], agg["planned_pct"], v.amber),
        })
    columns = ["district_code", "district", "books_total", "books_digitized", "completion_pct", "planned_pct",
               "behind_schedule", "not_reporting", "units_total", "units_reporting", "units_completed",
               "recent_per_day", "required_per_day", "projected_finish", "status"]
    return pd.DataFrame(rows, columns=columns)


def districts_frame(summary_: dict[str, Any]) -> pd.DataFrame:
    """The districts of a ``summary`` as a frame (for charts and tables)."""
    return pd.DataFrame(summary_["districts"])


def underperformers(con: store.Connection, province: str | None = None,
                    as_of: date | str | None = None) -> pd.DataFrame:
    """Communes behind schedule or not reporting: never-reported first, then largest gap to plan first."""
    v = view(con, province, as_of)
    df = commune_status(con, v)
    bad = df[df["behind_schedule"] | df["not_reporting"]].copy()
    bad["never_reported"] = bad["last_report"].isna()
    bad["reasons"] = [
        [r for r, flag in (("behind_schedule", b), ("not_reporting", n)) if flag]
        for b, n in zip(bad["behind_schedule"], bad["not_reporting"])
    ]
    bad["_gap"] = bad["gap_pct"].fillna(float("inf"))
    bad = bad.sort_values(["never_reported", "_gap", "sort_order"], ascending=[False, False, True])
    cols = ["commune_code", "commune", "district_code", "district", "completion_pct", "planned_pct", "gap_pct",
            "last_report", "days_since_report", "books_total", "books_digitized", "recent_per_day", "status",
            "reasons"]
    return bad[cols].reset_index(drop=True)


def trend(con: store.Connection, v: View, district: str | None = None, first: date | None = None) -> pd.DataFrame:
    """Province (or district) totals for each day up to D: completion, planned, books per day, 7-day average."""
    if first is None:
        first_report, _ = report_span(con, v.province)
        first = min(first_report or v.start, v.start)
    if first > v.as_of:
        first = v.as_of
    params = {"province": v.province, "district": district, "from": first, "to": v.as_of,
              "start": v.start, "deadline": v.deadline}
    df = con.execute(queries.DAILY_TREND, params).df()
    df["day"] = _dates(df["day"])
    total = df["books_total"].astype("float64")
    df["completion_pct"] = (100.0 * df["books_digitized"] / total).where(total > 0)
    df.loc[(total == 0) & (df["units_reporting"] > 0), "completion_pct"] = 100.0
    df["planned_pct"] = (100.0 * df["planned_books"] / total).where(total > 0)
    df["digitized_per_day"] = df["books_digitized"].diff()
    df["avg7_per_day"] = df["digitized_per_day"].rolling(7, min_periods=1).mean()
    return df


def to_jsonable(obj: Any) -> Any:
    """Dates as ISO strings, NaN as null, numpy numbers as Python numbers."""
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(x) for x in obj]
    if isinstance(obj, date):
        return obj.isoformat()
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if obj is pd.NaT or obj is pd.NA:
        return None
    return obj


def summary_json(con: store.Connection, province: str | None = None, as_of: date | str | None = None) -> dict:
    """The CLI's ``summary`` contract."""
    s = summary(con, province, as_of)
    keys = ["province", "province_name", "as_of", "start", "deadline", "days_left", "units_total",
            "units_reporting", "units_reported_on_day", "books_total", "books_digitized", "completion_pct",
            "required_per_day", "recent_per_day", "projected_finish", "behind_schedule", "not_reporting"]
    out = {k: s[k] for k in keys}
    out["campaign"] = s["campaign"]
    out["planned_pct"] = s["planned_pct"]
    out["units_completed"] = s["units_completed"]
    dkeys = ["district_code", "district", "books_total", "books_digitized", "completion_pct", "behind_schedule",
             "not_reporting", "planned_pct", "units_total", "units_reporting"]
    out["districts"] = [{k: d[k] for k in dkeys} for d in s["districts"]]
    return to_jsonable(out)


def underperformers_json(con: store.Connection, province: str | None = None,
                         as_of: date | str | None = None) -> list[dict]:
    """The CLI's ``underperformers`` contract."""
    df = underperformers(con, province, as_of)
    keys = ["commune_code", "commune", "district", "completion_pct", "planned_pct", "last_report", "reasons",
            "district_code", "gap_pct"]
    return [to_jsonable({k: rec[k] for k in keys}) for rec in df.to_dict("records")]


__all__ = ["View", "view", "summary", "summary_json", "commune_status", "district_table", "underperformers",
           "underperformers_json", "trend", "classify", "STATUS_ORDER"]
