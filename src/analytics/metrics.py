"""The figures leaders read: as-of state, plan, pace, projection, status.

Definitions (the README repeats them): the state on day D is each commune's
latest report on or before D; sums are over the communes with such a report.
The heavy work (scanning the history) is set-based SQL in ``queries``; the
results here are small frames (one row per commune or per day).
"""

from __future__ import annotations

import copy
import dataclasses
import math
import threading
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from analytics import config, lazy, queries, rollup, store, structures
from analytics.errors import NotFoundError
from analytics.units import display_code

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame

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
    depth: int = 0  # how many unit structures back the province's figures roll up from
    requested: date | None = None  # the day asked for, when it lay outside ``date_bounds`` and was moved
    measure: str = "books"  # what the figures count: "books" (sổ) or "records" (trường hợp)

    def params(self) -> dict[str, Any]:
        return {"province": self.province, "as_of": self.as_of, "to": self.as_of, "start": self.start,
                "deadline": self.deadline, "window": self.window, "measure": self.measure}


_FAR = date(9999, 12, 31)


def report_span(con: store.Connection, province: str, depth: int | None = None) -> tuple[date | None, date | None]:
    """First and last report dates among the province's communes (with the reports they roll up from).
    Memoized per data version: a national database scans millions of rows for it, and every view needs it."""
    depth = structures.depth(con, province) if depth is None else depth
    return _memo(con, "report_span", (province, depth), lambda: _report_span(con, province, depth))


def _report_span(con: store.Connection, province: str, depth: int) -> tuple[date | None, date | None]:
    first, last = con.execute(rollup.FIRST_REPORT_DATE[depth], {"province": province, "to": _FAR}).fetchone()  # type: ignore[misc]  # one row
    return first, last


def _day(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def date_bounds(con: store.Connection, province: str, today: date | None = None) -> tuple[date, date]:
    """The as-of dates that can mean something: from the campaign start or the first report (whichever is
    earlier) to today, the deadline or the last report (whichever is later). Outside, nothing changes but
    the per-day work grows with the distance (a URL asking for 9999-12-31 cost 40 s of CPU per tab)."""
    campaign = store.get_campaign(con, province)
    first, last = report_span(con, province)
    today = today or date.today()
    return min(d for d in (campaign.start, first) if d), max(d for d in (today, campaign.deadline, last) if d)


def clamp_day(day: date, bounds: tuple[date, date]) -> date:
    return min(max(day, bounds[0]), bounds[1])


def check_as_of(con: store.Connection, province: str | None, as_of: date | None,
                structure: date | str | None = None) -> None:
    """Refuse an as-of date outside ``date_bounds`` (the CLI: a script should hear it, not get another day)."""
    if as_of is None:
        return
    code = view(con, province, as_of, structure).province
    low, high = date_bounds(con, code)
    if not low <= as_of <= high:
        from analytics.errors import InvalidArgument

        raise InvalidArgument("cli.as_of_out_of_range", as_of=as_of.isoformat(), low=low.isoformat(),
                              high=high.isoformat())


def view(con: store.Connection, province: str | None = None, as_of: date | str | None = None,
         structure: date | str | None = None, *, exact: bool = False, measure: str | None = None) -> View:
    """Resolve the defaults: the province (only one, else most reports), in the structure in force on
    ``structure`` (a date; else on D), and D (its latest report, else today).

    ``exact``: ``province`` is a province's id chosen in a structure (the dashboard's sidebar): taken as
    it is, in its own structure. A D outside ``date_bounds`` is moved to the nearest bound (``requested``
    keeps what was asked), so no caller can make the per-day work unbounded; the dashboard and the CLI
    say so before they get here. ``measure``: "books" or "records"; None, the campaign's default measure.

    Memoized per data version (the question and today are the key): every answer of a page starts here."""
    day = _day(as_of)
    structure_day = _day(structure)
    return _memo(con, "view", (province, day, structure_day, exact, measure, date.today()),
                 lambda: _view(con, province, day, structure_day, exact, measure))


def _view(con: store.Connection, province: str | None, day: date | None, structure_day: date | None,
          exact: bool, measure: str | None) -> View:
    if exact and province:
        structures.of_province(con, province)  # NotFoundError when it is not a province
        code = province
    else:
        code = structures.resolve_province(con, province, structure_day)
    depth = structures.depth(con, code)
    if day is None:
        _, last = report_span(con, code, depth)
        day = last or date.today()
    chosen_at_setup = province is None and code == store.get_meta(con, "default_province")
    if not exact and not chosen_at_setup and structure_day is None \
            and structures.in_force(con, day).id != structures.of_province(con, code).id:
        # by default, the structure in force on D, for the same place (Quảng Nam after 1 Jul 2025: Đà Nẵng)
        try:
            code = structures.province_in(con, code, day)
        except NotFoundError:
            pass
        else:
            depth = structures.depth(con, code)
    campaign = store.get_campaign(con, code)
    bounded = clamp_day(day, date_bounds(con, code))
    window = int(store.get_setting(con, code, "not_reporting_days", str(config.DEFAULT_NOT_REPORTING_DAYS)))
    amber = float(store.get_setting(con, code, "amber_points", "10"))
    if measure is None:
        measure = store.default_measure(con, code)
    elif measure not in MEASURES:
        from analytics.errors import InvalidArgument

        raise InvalidArgument("campaign.bad_measure", value=measure, measures=", ".join(store.MEASURES))
    return View(code, bounded, campaign.start, campaign.deadline, campaign.name, window, amber, depth,
                requested=day if bounded != day else None, measure=measure)


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


# Several answers of one page start from the same commune table (league tables, treemap, summary...).
# With MEMO_SIZE > 0 (the dashboard sets it, see ui/data.py) the last few are kept in the process, keyed on the
# database file, its data version (every write bumps it) and the question, so a page computes each once.
MEMO_SIZE = 0
# each commune table comes with small answers of the same view (the view itself, report span, trend), and
# the country page asks for every province's: the memo holds this many entries per table it may keep
MEMO_ENTRIES_PER_TABLE = 8
_MEMO: dict[tuple, pd.DataFrame] = {}
_MEMO_LOCK = threading.Lock()  # Streamlit sessions are threads of one process


def _memo(con: store.Connection, what: str, args: tuple, compute: Any) -> Any:
    """``compute()``, or the answer kept for this database file, data version and question. A frame is
    handed out as a copy (callers add columns); other answers must be immutable (tuples, frozen views)."""
    hit = _memo_shared(con, what, args, compute)
    copy = getattr(hit, "copy", None)
    return copy() if copy is not None else hit


def commune_status(con: store.Connection, v: View) -> pd.DataFrame:
    """One row per commune of the unit list: figures on D, plan, gap, 7-day pace, status, flags."""
    return _memo(con, "commune_status", (v,), lambda: _commune_status(con, v))


def _commune_status(con: store.Connection, v: View) -> pd.DataFrame:
    """``books_total``/``books_digitized`` hold the figures in the view's measure (records when it is
    "records": a commune whose records target or records digitized is unknown has none, and no completion);
    ``books_count_*`` and ``records_*`` hold both measures as reported."""
    df = con.execute(rollup.COMMUNE_STATUS[v.depth], v.params()).df()
    df["behind_schedule"] = (df["completion_pct"] < df["planned_pct"]).fillna(False).astype(bool)
    df["gap_pct"] = df["planned_pct"] - df["completion_pct"]
    has_week = df["digitized_week_ago"].notna()
    df["recent_per_day"] = (df["books_digitized"] - df["digitized_week_ago"]).where(has_week) / 7.0
    df["remaining"] = (df["books_total"] - df["books_digitized"]).clip(lower=0)
    # each commune against its own deadline (its own, its district's, else the campaign's)
    df["deadline"] = [d or v.deadline for d in _dates(df["deadline"])] if "deadline" in df else v.deadline
    df["days_left"] = [(d - v.as_of).days for d in df["deadline"]]
    df["required_per_day"] = df["remaining"] / df["days_left"].clip(lower=1)
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


PROJECTION_HORIZON_DAYS = 100 * 366  # a finish further away than this is no finish in sight (and no date)


def _project(as_of: date, remaining: float, pace: float | None) -> date | None:
    if remaining <= 0:
        return as_of
    if pace is None or pd.isna(pace) or pace <= 0:
        return None
    days = remaining / pace
    if not days <= PROJECTION_HORIZON_DAYS:  # a crawl (or inf) would give a year past 9999
        return None
    try:
        return as_of + timedelta(days=math.ceil(days))
    except OverflowError:
        return None


def _aggregate(df: pd.DataFrame, v: View) -> dict[str, Any]:
    """Totals of a set of communes on D (province or district), by the definitions."""
    reporting = df[df["last_report"].notna()]
    # in the records measure a unit that reported without a records target counts nowhere in the figures
    # (no completion of unknown size): the sums are over the units with a known target, and say how many lack one
    rep = reporting[reporting["books_total"].notna() & reporting["books_digitized"].notna()]
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
    own_deadlines = _own_deadlines(df, v)
    if own_deadlines:  # units with deadlines of their own: the pace needed is the sum of theirs
        days_left = max((d - v.as_of).days for d in df["deadline"]) if len(df) else days_left
    week = df[df["digitized_week_ago"].notna()]
    recent = float((week["books_digitized"] - week["digitized_week_ago"]).sum() / 7.0) if len(week) else 0.0
    if rep.empty:
        projected = None
    else:
        projected = _project(v.as_of, remaining, recent)
    known = df["last_report"].notna()
    return {
        "measure": v.measure,
        "units_total": int(len(df)),
        "units_reporting": int(len(reporting)),
        "units_without_target": int(len(reporting) - len(rep)),
        "books_count_total": int(df["books_count_total"].where(known).sum()) if len(reporting) else 0,
        "books_count_digitized": int(df["books_count_digitized"].where(known).sum()) if len(reporting) else 0,
        "records_total": _known_sum(df["records_total"].where(known)),
        "records_digitized": _known_sum(df["records_digitized"].where(known)),
        "units_reported_on_day": int(df["reported_on_day"].sum()),
        "units_completed": int((rep["completion_pct"] >= 100.0).sum()),
        "books_total": books_total,
        "books_digitized": books_digitized,
        "remaining": remaining,
        "completion_pct": completion,
        "planned_pct": planned,
        "days_left": days_left,
        "deadline": v.deadline if not own_deadlines else max(df["deadline"]),
        "required_per_day": float(rep["required_per_day"].sum()) if own_deadlines else remaining / max(days_left, 1),
        "recent_per_day": recent,
        "projected_finish": projected,
        "behind_schedule": int(df["behind_schedule"].sum()),
        "not_reporting": int(df["not_reporting"].sum()),
    }


def _known_sum(values: pd.Series) -> int | None:
    """The sum of the known values; None when none is known (a records figure no report gave)."""
    return int(values.sum()) if values.notna().any() else None


def _own_deadlines(df: pd.DataFrame, v: View) -> bool:
    """Whether some of these communes have a deadline other than the campaign's."""
    return "deadline" in df and bool((pd.Series(df["deadline"]) != v.deadline).any())


def summary(con: store.Connection, province: str | None = None, as_of: date | str | None = None,
            structure: date | str | None = None, *, exact: bool = False, measure: str | None = None) -> dict[str, Any]:
    """Where the province stands on D, with every district of its unit list (code order), in ``measure``
    (None: the campaign's default measure).

    Memoized per data version and view (the weekly table asks for the eve and the end of every week);
    each caller gets its own copy."""
    v = view(con, province, as_of, structure, exact=exact, measure=measure)
    return copy.deepcopy(_memo(con, "summary", (v,), lambda: _summary(con, v)))


def _summary(con: store.Connection, v: View) -> dict[str, Any]:
    df = commune_status(con, v)
    s = structures.of_province(con, v.province)
    out: dict[str, Any] = {
        "province": v.province,
        "province_name": _unit_name(con, "province", v.province),
        "structure": s.key,
        "structure_from": s.effective_from,
        "newer_reports": structures.newer_reports(con, v.province),
        "campaign": v.campaign_name,
        "as_of": v.as_of,
        "start": v.start,
        "deadline": v.deadline,
    }
    out.update(_aggregate(df, v))
    out["districts"] = district_table(con, v, df).to_dict("records")
    return out


def province_totals(con: store.Connection, v: View) -> dict[str, Any]:
    """The summary's totals of a province without its districts: the country page needs one row per
    province, and the district tables of 63 provinces cost it more than their totals."""
    out: dict[str, Any] = {"province": v.province, "province_name": _unit_name(con, "province", v.province)}
    out.update(_aggregate(commune_status(con, v), v))
    return out


def _unit_name(con: store.Connection, level: str, code: str) -> str:
    row = con.execute(queries.UNIT_NAME, [level, code]).fetchone()
    return row[0] if row else code


def group_totals(df: pd.DataFrame, v: View, by: str) -> pd.DataFrame:
    """The totals of ``_aggregate`` for every group of communes at once (one groupby, no loop)."""
    reporting = df["last_report"].notna()
    rep = reporting & df["books_total"].notna() & df["books_digitized"].notna()  # a known target (see _aggregate)
    has_week = df["digitized_week_ago"].notna() & df["books_digitized"].notna()
    total = df["books_total"].where(rep, 0).astype("float64")
    work = pd.DataFrame({
        by: df[by],
        "name": df[by.replace("_code", "")] if by.replace("_code", "") in df else df[by],
        "books_total": total,
        "books_digitized": df["books_digitized"].where(rep, 0).astype("float64"),
        "planned_books": (df["planned_pct"] * df["books_total"] / 100.0).where(rep, 0).astype("float64"),
        "week_gain": (df["books_digitized"] - df["digitized_week_ago"]).where(has_week, 0).astype("float64"),
        "books_count_total": df["books_count_total"].where(reporting).astype("float64"),
        "books_count_digitized": df["books_count_digitized"].where(reporting).astype("float64"),
        "records_total": df["records_total"].where(reporting).astype("float64"),
        "records_digitized": df["records_digitized"].where(reporting).astype("float64"),
        "units_total": 1,
        "units_reporting": reporting.astype(int),
        "units_without_target": (reporting & ~rep).astype(int),
        "units_reported_on_day": df["reported_on_day"].astype(int),
        "units_completed": (rep & (df["completion_pct"] >= 100.0)).astype(int),
        "behind_schedule": df["behind_schedule"].astype(int),
        "not_reporting": df["not_reporting"].astype(int),
    })
    g = work.groupby(by, sort=True).agg(
        name=("name", "first"), books_total=("books_total", "sum"), books_digitized=("books_digitized", "sum"),
        planned_books=("planned_books", "sum"), week_gain=("week_gain", "sum"), units_total=("units_total", "sum"),
        books_count_total=("books_count_total", lambda x: x.sum(min_count=1)),
        books_count_digitized=("books_count_digitized", lambda x: x.sum(min_count=1)),
        records_total=("records_total", lambda x: x.sum(min_count=1)),
        records_digitized=("records_digitized", lambda x: x.sum(min_count=1)),
        units_reporting=("units_reporting", "sum"), units_without_target=("units_without_target", "sum"),
        units_reported_on_day=("units_reported_on_day", "sum"),
        units_completed=("units_completed", "sum"), behind_schedule=("behind_schedule", "sum"),
        not_reporting=("not_reporting", "sum"),
    ).reset_index()
    some = g["units_reporting"] > g["units_without_target"]
    positive = g["books_total"] > 0
    g["completion_pct"] = (100.0 * g["books_digitized"] / g["books_total"]).where(positive)
    g.loc[some & ~positive, "completion_pct"] = 100.0
    g["planned_pct"] = (100.0 * g["planned_books"] / g["books_total"]).where(positive)
    g.loc[some & ~positive, "planned_pct"] = 100.0
    g["remaining"] = (g["books_total"] - g["books_digitized"]).clip(lower=0)
    g["recent_per_day"] = g["week_gain"] / 7.0
    g["required_per_day"] = g["remaining"] / max((v.deadline - v.as_of).days, 1)
    if _own_deadlines(df, v):  # a district with a deadline of its own: its communes' needs, summed
        need = df["required_per_day"].where(rep, 0).astype("float64").groupby(df[by]).sum()
        g["required_per_day"] = g[by].map(need).fillna(0.0)
    last = pd.Series(list(df["deadline"]), index=df.index).groupby(df[by]).max() if "deadline" in df else None
    g["deadline"] = g[by].map(last) if last is not None else v.deadline
    g["projected_finish"] = [
        _project(v.as_of, rem, pace) if n else None
        for rem, pace, n in zip(g["remaining"], g["recent_per_day"], g["units_reporting"] - g["units_without_target"])
    ]
    g["status"] = [classify(c, p, v.amber) for c, p in zip(g["completion_pct"], g["planned_pct"])]
    for col in ("books_total", "books_digitized", "remaining"):
        g[col] = g[col].astype("int64")
    for col in ("books_count_total", "books_count_digitized", "records_total", "records_digitized"):
        g[col] = g[col].astype("Int64")
    return g.drop(columns=["planned_books", "week_gain"])


def district_table(con: store.Connection, v: View, communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per district (code order) with its totals, completion, plan and counts on D.

    ``communes``: the view's commune table when the caller has it already (it must be that table: the
    answer is memoized per view, as the summary, the league and the closing page all ask for it)."""
    return _memo(con, "district_table", (v,), lambda: _district_table(con, v, communes))


def _district_table(con: store.Connection, v: View, communes: pd.DataFrame | None) -> pd.DataFrame:
    df = communes if communes is not None else commune_status(con, v)
    columns = ["district_code", "district", "books_total", "books_digitized", "completion_pct", "planned_pct",
               "behind_schedule", "not_reporting", "units_total", "units_reporting", "units_completed",
               "recent_per_day", "required_per_day", "projected_finish", "status", "deadline",
               "units_without_target", "books_count_total", "books_count_digitized", "records_total",
               "records_digitized"]
    with_district = df[df["district_code"].notna()]
    if with_district.empty:
        return pd.DataFrame(columns=columns)
    g = group_totals(with_district, v, "district_code").rename(columns={"name": "district"})
    return g[columns]


def districts_frame(summary_: dict[str, Any]) -> pd.DataFrame:
    """The districts of a ``summary`` as a frame (for charts and tables)."""
    return pd.DataFrame(summary_["districts"])


def underperformers(con: store.Connection, province: str | None = None,
                    as_of: date | str | None = None, structure: date | str | None = None, *,
                    exact: bool = False, measure: str | None = None) -> pd.DataFrame:
    """Communes behind schedule or not reporting: never-reported first, then largest gap to plan first."""
    v = view(con, province, as_of, structure, exact=exact, measure=measure)
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
    """Province (or district) totals for each day up to D: completion, planned, books per day, 7-day average.

    A day's totals do not depend on D (only reports on or before the day count), so the whole history is
    computed once per data version and campaign, and each D takes its first rows: a new as-of date costs
    no query."""
    first_report, last_report, last_deadline = _trend_bounds(con, v)
    if first is None:
        first = min(first_report or v.start, v.start)
    if first > v.as_of:
        first = v.as_of
    # after the last report and the last deadline (the campaign's or a unit's own) nothing changes: figures
    # stay, every plan is at 100 %. The days computed stop there and D gets that day's row, so the work is
    # bounded by the data, not by D
    full_end = max(last_report or v.start, last_deadline, first) + timedelta(days=1)
    end = min(v.as_of, full_end)
    whole = _memo(con, "trend", (v.province, v.depth, v.measure, district, first, full_end, v.start, v.deadline),
                  lambda: _trend_days(con, v, district, first, full_end))
    df = whole[whole["day"] <= end].reset_index(drop=True) if end < full_end else whole
    if end < v.as_of and len(df):
        tail = df.iloc[[-1]].copy()
        tail["day"] = v.as_of
        tail["units_reported_on_day"] = 0
        df = pd.concat([df, tail], ignore_index=True)
    total = df["books_total"].astype("float64")
    df["completion_pct"] = (100.0 * df["books_digitized"] / total).where(total > 0)
    df.loc[(total == 0) & (df["units_reporting"] > 0), "completion_pct"] = 100.0
    df["planned_pct"] = (100.0 * df["planned_books"] / total).where(total > 0)
    df["digitized_per_day"] = df["books_digitized"].diff()
    df["avg7_per_day"] = df["digitized_per_day"].rolling(7, min_periods=1).mean()
    return df


def _trend_bounds(con: store.Connection, v: View) -> tuple[date | None, date | None, date]:
    """First and last report of the province, and its last deadline (the campaign's or a unit's own)."""
    first_report, last_report = report_span(con, v.province, v.depth)
    own = store.unit_deadlines(con, v.province)["deadline"]
    return first_report, last_report, max([v.deadline, *(d for d in _dates(own) if d is not None)])


def _trend_days(con: store.Connection, v: View, district: str | None, first: date, to: date) -> pd.DataFrame:
    params = {"province": v.province, "district": district, "from": first, "to": to,
              "start": v.start, "deadline": v.deadline, "measure": v.measure}
    df = con.execute(rollup.DAILY_TREND[v.depth], params).df()
    df["day"] = _dates(df["day"])
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


def summary_json(con: store.Connection, province: str | None = None, as_of: date | str | None = None,
                 structure: date | str | None = None, measure: str | None = None) -> dict:
    """The CLI's ``summary`` contract: completion, plan, paces and projection in ``measure`` (named by
    ``measure``); books_* and records_* are both measures' figures as reported."""
    s = summary(con, province, as_of, structure, measure=measure)
    keys = ["province", "province_name", "as_of", "start", "deadline", "days_left", "units_total",
            "units_reporting", "units_reported_on_day", "books_total", "books_digitized", "completion_pct",
            "required_per_day", "recent_per_day", "projected_finish", "behind_schedule", "not_reporting"]
    out = {k: s[k] for k in keys}
    out["campaign"] = s["campaign"]
    out["planned_pct"] = s["planned_pct"]
    out["units_completed"] = s["units_completed"]
    out["structure"] = s["structure"]
    out["newer_reports"] = s["newer_reports"]
    out["measure"] = s["measure"]
    out["units_without_target"] = s["units_without_target"]
    out["books_total"], out["books_digitized"] = s["books_count_total"], s["books_count_digitized"]
    out["records_total"], out["records_digitized"] = s["records_total"], s["records_digitized"]
    dkeys = ["district_code", "district", "completion_pct", "behind_schedule",
             "not_reporting", "planned_pct", "units_total", "units_reporting", "units_without_target",
             "records_total", "records_digitized"]
    out["districts"] = [{**{k: display_code(d[k]) if k == "district_code" else d[k] for k in dkeys},
                         "books_total": d["books_count_total"], "books_digitized": d["books_count_digitized"]}
                        for d in s["districts"]]
    out["province"] = display_code(out["province"])
    return to_jsonable(out)


def worst_communes(con: store.Connection, v: View, district: str | None = None, n: int = 10) -> pd.DataFrame:
    """The short list the daily brief shows: worst first (never reported, then the largest gap to plan),
    at most ``n``, of one district when given."""
    df = underperformers(con, v.province, v.as_of, exact=True, measure=v.measure)
    if district is not None:
        df = df[df["district_code"] == district]
    return df.head(n).reset_index(drop=True)


def underperformers_json(con: store.Connection, province: str | None = None,
                         as_of: date | str | None = None, structure: date | str | None = None,
                         measure: str | None = None) -> list[dict]:
    """The CLI's ``underperformers`` contract (completion and plan in ``measure``)."""
    df = underperformers(con, province, as_of, structure, measure=measure)
    keys = ["commune_code", "commune", "district", "completion_pct", "planned_pct", "last_report", "reasons",
            "district_code", "gap_pct"]
    return [to_jsonable({k: display_code(rec[k]) if k.endswith("_code") else rec[k] for k in keys})
            for rec in df.to_dict("records")]


def communes_json(con: store.Connection, province: str | None = None, as_of: date | str | None = None,
                  structure: date | str | None = None, measure: str | None = None) -> list[dict]:
    """The CLI's ``communes`` contract: every commune of the province's list in the chosen structure, both
    measures' figures as reported, completion, plan and status in ``measure``."""
    v = view(con, province, as_of, structure, measure=measure)
    df = commune_status(con, v)
    two_level = df["district_code"].isna().all()
    out = []
    for rec in df.to_dict("records"):
        ref = rec.get("ref_code")
        out.append(to_jsonable({
            "commune_code": ref if isinstance(ref, str) and ref else rec["commune_code"],
            "commune": rec["commune"],
            "district_code": None if two_level else _ref_of(con, "district", rec["district_code"]),
            "district": None if two_level else rec["district"],
            "books_total": rec["books_count_total"],
            "books_digitized": rec["books_count_digitized"],
            "records_total": rec["records_total"],  # None when no report gave one
            "records_digitized": rec["records_digitized"],
            "completion_pct": rec["completion_pct"],
            "planned_pct": rec["planned_pct"],
            "status": rec["status"],
            "last_report": rec["last_report"],
        }))
    return out


def map_frame(con: store.Connection, v: View, district: str | None = None) -> pd.DataFrame:
    """The province's communes with their centroid, target and status on D (the map)."""
    df = commune_status(con, v)
    if district is not None:
        df = df[df["district_code"] == district]
    coords = con.execute(queries.CENTROIDS_OF_PROVINCE, [v.province]).df()
    out = df.merge(coords, on="commune_code", how="left")
    out["books_total"] = out["books_total"].fillna(0)
    return out


def _ref_of(con: store.Connection, level: str, code: Any) -> Any:
    if code is None or (isinstance(code, float) and code != code):
        return None
    row = con.execute(queries.UNIT_REF, [level, code]).fetchone()
    return row[0] if row and row[0] else code


__all__ = ["View", "view", "summary", "summary_json", "communes_json", "commune_status", "district_table", "underperformers",
           "underperformers_json", "trend", "classify", "STATUS_ORDER"]


# --- the dashboard's extra figures --------------------------------------
# These add to the definitions above and never change them: summary_json and
# underperformers_json keep their contracts.

MEASURES = ("books", "records")


def calendar(con: store.Connection, province: str) -> str:
    """The working-day calendar chosen in Settings ("vn", "weekdays" or "all")."""
    from analytics import workdays

    value = store.get_setting(con, province, "workday_calendar", workdays.DEFAULT_CALENDAR)
    return value if value in workdays.CALENDARS else workdays.DEFAULT_CALENDAR


def records_reported(con: store.Connection, province: str) -> bool:
    """Whether any report of the province gives records digitized (the "records" measure)."""
    return bool(con.execute(queries.RECORDS_REPORTED, [province]).fetchone()[0])  # type: ignore[index]  # one row


def previous_change(trend_: pd.DataFrame, as_of: date) -> dict[str, Any]:
    """Completion on D minus completion on the previous day that had reports (None when there is none)."""
    if trend_.empty:
        return {"previous_day": None, "previous_pct": None, "change_pct": None}
    today = trend_[trend_["day"] == as_of]
    before = trend_[(trend_["day"] < as_of) & (trend_["units_reported_on_day"] > 0)]
    if today.empty or before.empty:
        return {"previous_day": None, "previous_pct": None, "change_pct": None}
    now = today["completion_pct"].iloc[-1]
    prev = before["completion_pct"].iloc[-1]
    change = None if pd.isna(now) or pd.isna(prev) else float(now) - float(prev)
    return {"previous_day": before["day"].iloc[-1], "previous_pct": None if pd.isna(prev) else float(prev),
            "change_pct": change}


def overview(con: store.Connection, v: View, district: str | None = None) -> dict[str, Any]:
    """The overview's figures for the province (or one district) on D (memoized per view: see ``_overview``)."""
    return _memo(con, "overview", (v, district), lambda: _overview(con, v, district))


def _overview(con: store.Connection, v: View, district: str | None = None) -> dict[str, Any]:
    """The overview's figures for the province (or one district) on D.

    The summary's figures (same definitions), plus: the change since the previous report day, the reports
    dated D and the late ones among them, calendar and working days left, pace needed per working day,
    and the projected finish's margin against the deadline (positive = days early).
    """
    from analytics import workdays

    df = commune_status(con, v)
    part = df if district is None else df[df["district_code"] == district]
    out: dict[str, Any] = {"province": v.province, "district": district, "as_of": v.as_of, "start": v.start,
                           "deadline": v.deadline, "campaign": v.campaign_name}
    out.update(_aggregate(part, v))  # a district with a deadline of its own: that deadline
    deadline = out["deadline"]
    out["own_deadline"] = deadline != v.deadline
    tr = trend(con, v, district)
    out.update(previous_change(tr, v.as_of))
    from analytics import closing  # the cut-off rule lives there (one definition of "on time")

    cutoff_at = closing.cutoff_utc(v.as_of, closing.cutoff_time(con, v.province))
    on_day, late = con.execute(queries.REPORTS_ON_DAY_TIMELINESS,  # type: ignore[misc]
                               {"province": v.province, "as_of": v.as_of, "district": district,
                                "cutoff_at": cutoff_at}).fetchone()
    out["reports_on_day"] = int(on_day)
    out["reports_late"] = int(late)
    out["reports_on_time"] = int(on_day) - int(late)
    out["reporting_rate"] = _pct(out["units_reported_on_day"], out["units_total"]) if out["units_total"] else None
    cal = calendar(con, v.province)
    left = workdays.days_left(v.as_of, deadline, cal)
    out["calendar"] = cal
    out["working_days_left"] = left["working"]
    out["required_per_working_day"] = out["remaining"] / max(left["working"], 1)
    pf = out["projected_finish"]
    out["margin_days"] = (deadline - pf).days if pf is not None else None
    out["beats_deadline"] = None if pf is None else pf <= deadline
    out["records_digitized"] = (int(part["records_digitized"].sum())
                                if part["records_digitized"].notna().any() else None)
    return out


DAILY_BLOCK_DAYS = 64  # the per-commune days are computed in blocks of this many days, kept per data version


def commune_daily(con: store.Connection, v: View, days: int = 14, district: str | None = None,
                  commune: str | None = None) -> pd.DataFrame:
    """Books and records digitized per commune per day over the ``days`` days up to D (one SQL, long form).

    A commune's figures on a day do not depend on D, so with the memo on, the province's days are computed
    in fixed blocks (every commune, ``DAILY_BLOCK_DAYS`` days) kept per data version, and a question takes
    its days, district or commune from one or two blocks: the next as-of date costs no query. A longer span
    is asked of the database directly."""
    first = v.as_of - timedelta(days=days - 1)
    low, high = first.toordinal() // DAILY_BLOCK_DAYS, v.as_of.toordinal() // DAILY_BLOCK_DAYS
    if MEMO_SIZE <= 0 or high - low > 1:
        return _memo(con, "commune_daily", (v, days, district, commune),
                     lambda: _commune_daily(con, v, days, district, commune))
    parts = []
    for block in range(low, high + 1):
        frame, ordinal, codes = _memo_shared(con, "commune_daily_block", (v.province, v.depth, v.measure, block),
                                             lambda block=block: _daily_block(con, v, block))
        keep = (ordinal >= first.toordinal()) & (ordinal <= v.as_of.toordinal())
        if commune is not None:
            keep &= (frame["commune_code"] == commune).to_numpy()
        elif district is not None:
            keep &= frame["commune_code"].isin(codes.get(district, ())).to_numpy()
        parts.append(frame[keep])
    if len(parts) == 1:
        return parts[0].reset_index(drop=True)
    both = pd.concat(parts, ignore_index=True)
    return both.sort_values("commune_code", kind="stable").reset_index(drop=True)  # the query's order


def _daily_block(con: store.Connection, v: View, block: int) -> tuple[pd.DataFrame, Any, dict]:
    to = date.fromordinal((block + 1) * DAILY_BLOCK_DAYS - 1)
    whole = dataclasses.replace(v, as_of=to, requested=None)
    frame = _commune_daily(con, whole, DAILY_BLOCK_DAYS)
    ordinal = frame["day"].map(date.toordinal).to_numpy()
    units = store.units_frame(con, v.province)
    codes = {d: set(g) for d, g in units.dropna(subset=["district_code"]).groupby("district_code")["commune_code"]}
    return frame, ordinal, codes


def _memo_shared(con: store.Connection, what: str, args: tuple, compute: Any) -> Any:
    """As ``_memo``, but the kept answer itself is handed out: callers only read it (and slice copies)."""
    if MEMO_SIZE <= 0:
        return compute()
    key = store.cache_key(con)
    if key is None:
        return compute()
    full = (*key, what, args)
    with _MEMO_LOCK:
        hit = _MEMO.pop(full, None)
        if hit is not None:
            _MEMO[full] = hit  # most recently used last
    if hit is None:
        hit = compute()
        with _MEMO_LOCK:
            _MEMO[full] = hit
            while len(_MEMO) > MEMO_SIZE * MEMO_ENTRIES_PER_TABLE:
                _MEMO.pop(next(iter(_MEMO)), None)
    return hit


def _commune_daily(con: store.Connection, v: View, days: int = 14, district: str | None = None,
                   commune: str | None = None) -> pd.DataFrame:
    first = v.as_of - timedelta(days=days - 1)
    df = con.execute(rollup.COMMUNE_DAILY[v.depth], {"province": v.province, "district": district, "commune": commune,
                                            "from": first, "to": v.as_of, "measure": v.measure}).df()
    df["day"] = _dates(df["day"])
    # no report yet is "not reported", whatever the span asked (a slice of a longer span has the same type)
    df["reported"] = df["reported"].fillna(False).astype(bool)
    return df


def _sparklines(daily: pd.DataFrame, key: str, measure: str = "books") -> pd.Series:
    col = "books_day" if measure == "books" else "records_day"
    values = daily[col].astype("float64").fillna(0.0)
    return values.groupby(daily[key]).agg(list)


def commune_league(con: store.Connection, v: View, district: str | None = None,
                   measure: str | None = None, days: int = 14) -> pd.DataFrame:
    """The communes' league table (memoized per view: see ``_commune_league``)."""
    return _memo(con, "commune_league", (v, district, measure, days),
                 lambda: _commune_league(con, v, district, measure, days))


def _commune_league(con: store.Connection, v: View, district: str | None = None,
                    measure: str | None = None, days: int = 14) -> pd.DataFrame:
    """The communes' league table: ranked by completion (best first; never reported last), with the gap to
    plan, the 7-day pace, the pace needed, the projection, the last report and a ``days``-day sparkline."""
    df = commune_status(con, v)
    if district is not None:
        df = df[df["district_code"] == district]
    daily = commune_daily(con, v, days, district)
    spark = _sparklines(daily, "commune_code", measure or v.measure)
    df = df.copy()
    df["trend"] = [spark.get(c, [0.0] * days) for c in df["commune_code"]]
    df = df.sort_values(["completion_pct", "gap_pct", "sort_order"], ascending=[False, True, True],
                        na_position="last").reset_index(drop=True)
    df.insert(0, "rank", range(1, len(df) + 1))
    return df


def district_league(con: store.Connection, v: View, measure: str | None = None, days: int = 14) -> pd.DataFrame:
    """The districts' league table (memoized per view: see ``_district_league``)."""
    return _memo(con, "district_league", (v, measure, days), lambda: _district_league(con, v, measure, days))


def _district_league(con: store.Connection, v: View, measure: str | None = None, days: int = 14) -> pd.DataFrame:
    """The districts' league table, ranked by completion, with the same columns as the communes'."""
    communes = commune_status(con, v)
    table = district_table(con, v, communes)
    table["gap_pct"] = table["planned_pct"] - table["completion_pct"]
    last = communes.dropna(subset=["last_report"]).groupby("district_code")["last_report"].max()
    table["last_report"] = [last.get(d) for d in table["district_code"]]
    daily = commune_daily(con, v, days)
    code_to_district = communes.set_index("commune_code")["district_code"]
    daily["district_code"] = daily["commune_code"].map(code_to_district)
    col = "books_day" if (measure or v.measure) == "books" else "records_day"
    per_day = daily.groupby(["district_code", "day"])[col].sum(min_count=1).fillna(0.0).reset_index()
    spark = per_day.groupby("district_code")[col].agg(list)
    table["trend"] = [spark.get(d, [0.0] * days) for d in table["district_code"]]
    table["not_reporting_units"] = table["not_reporting"]
    table = table.sort_values(["completion_pct", "gap_pct", "district_code"], ascending=[False, True, True],
                              na_position="last").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    return table


def league_filter(df: pd.DataFrame, how: str = "all", n: int = 10, average: float | None = None) -> pd.DataFrame:
    """Filter a league table: "all", "top" N, "bottom" N, "below_average", "behind_plan", "not_reporting"."""
    if how == "top":
        return df.head(n)
    if how == "bottom":
        return df[df["completion_pct"].notna()].tail(n).iloc[::-1]
    if how == "below_average":
        if average is None:
            return df.iloc[0:0]
        return df[df["completion_pct"].astype("float64") < average]
    if how == "behind_plan":
        return df[(df["gap_pct"].astype("float64") > 0).fillna(False)]
    if how == "not_reporting":
        if "not_reporting" in df and df["not_reporting"].dtype == bool:
            return df[df["not_reporting"]]
        return df[df["not_reporting"] > 0]
    return df


def underperformers_full(con: store.Connection, v: View, district: str | None = None) -> pd.DataFrame:
    """The Underperformers page's list (memoized per view: see ``_underperformers_full``)."""
    return _memo(con, "underperformers_full", (v, district), lambda: _underperformers_full(con, v, district))


def _underperformers_full(con: store.Connection, v: View, district: str | None = None) -> pd.DataFrame:
    """The Underperformers page's list: behind schedule, not reporting, or (after the deadline) not completed.

    A completed commune is never listed (it has nothing left to report), unlike the CLI's list.
    Grouped by district (the district with the most flagged communes first), worst first within it:
    never reported, then the largest gap to plan, then the lowest completion. Carries each commune's
    latest explanation given on or before D. (The CLI's ``underperformers`` keeps its own contract.)
    """
    df = commune_status(con, v)
    if district is not None:
        df = df[df["district_code"] == district]
    df = df.copy()
    completed = (df["completion_pct"].astype("float64") >= 100.0).fillna(False)
    after_deadline = v.as_of > v.deadline
    df["not_completed"] = after_deadline & ~completed
    df["not_reporting"] = df["not_reporting"] & ~completed  # a completed commune has nothing left to report
    from analytics import closing  # a commitment the unit did not keep is a reason of its own

    missed = closing.missed_commitments(con, v)
    df["missed_commitment_date"] = [missed.get(c) for c in df["commune_code"]]
    df["missed_commitment"] = df["missed_commitment_date"].notna() & ~completed
    bad = df[df["behind_schedule"] | df["not_reporting"] | df["not_completed"] | df["missed_commitment"]].copy()
    bad["never_reported"] = bad["last_report"].isna()
    bad["reasons"] = [
        [r for r, flag in (("behind_schedule", b), ("not_reporting", n), ("not_completed", c),
                           ("missed_commitment", m)) if flag]
        for b, n, c, m in zip(bad["behind_schedule"], bad["not_reporting"], bad["not_completed"],
                              bad["missed_commitment"])
    ]
    counts = bad.groupby("district_code", dropna=False)["commune_code"].transform("count")
    bad["_district_count"] = counts
    bad["_gap"] = bad["gap_pct"].astype("float64").fillna(float("inf"))
    bad["_completion"] = bad["completion_pct"].astype("float64").fillna(-1.0)
    bad = bad.sort_values(["_district_count", "district_code", "never_reported", "_gap", "_completion",
                           "sort_order"], ascending=[False, True, False, False, True, True])
    notes = store.latest_explanations(con, v.province, v.as_of).set_index("commune_code")
    for col in ("reason", "new_completion_date", "responsible", "explained_on"):
        bad["explanation_" + col if col != "explained_on" else "explained_on"] = [
            _none(notes.at[c, col]) if c in notes.index else None for c in bad["commune_code"]]
    cols = ["commune_code", "commune", "district_code", "district", "completion_pct", "planned_pct", "gap_pct",
            "last_report", "days_since_report", "books_total", "books_digitized", "recent_per_day", "status",
            "reasons", "explanation_reason", "explanation_new_completion_date", "explanation_responsible",
            "explained_on", "missed_commitment_date"]
    return bad[cols].reset_index(drop=True)


def _none(x: Any) -> Any:
    if x is None or (not isinstance(x, (list, str)) and pd.isna(x)):
        return None
    if isinstance(x, pd.Timestamp):
        return x.date()
    return x


def commune_detail(con: store.Connection, v: View, commune_code: str) -> dict[str, Any]:
    """One commune on D: its status row, its daily trend against its own plan, its report history,
    the uploads that named it, and its explanations (memoized per data version and view; copies out)."""
    return copy.deepcopy(_memo(con, "commune_detail", (v, commune_code),
                               lambda: _commune_detail(con, v, commune_code)))


def _commune_detail(con: store.Connection, v: View, commune_code: str) -> dict[str, Any]:
    status = commune_status(con, v)
    row = status[status["commune_code"] == commune_code]
    if row.empty:
        from analytics.errors import NotFoundError

        raise NotFoundError("explain.unknown_commune", commune=commune_code)
    rec = {k: _none(x) for k, x in row.iloc[0].to_dict().items()}
    first = min(v.start - timedelta(days=1), rec["first_date"] or v.start)
    days = max((v.as_of - first).days + 1, 1)
    daily = commune_daily(con, v, days, commune=commune_code)
    base_pct, base_date = rec.get("base_pct"), rec.get("base_date")
    if base_date is not None and isinstance(base_date, pd.Timestamp):
        base_date = base_date.date()
    planned: list[float | None] = []
    for d in daily["day"]:
        if base_pct is None or base_date is None or d < base_date:
            planned.append(None)
        elif base_date >= v.deadline:
            planned.append(100.0)
        else:
            span_days = (v.deadline - base_date).days
            planned.append(min(100.0, base_pct + (100.0 - base_pct) * (d - base_date).days / span_days))
    daily["planned_pct"] = planned
    history = con.execute(queries.COMMUNE_REPORTS, [commune_code, v.as_of]).df()
    history["report_date"] = _dates(history["report_date"])
    uploads_ = con.execute(queries.COMMUNE_UPLOADS, [commune_code]).df()
    return {"status": rec, "trend": daily, "history": history, "uploads": uploads_,
            "explanations": store.explanations(con, v.province, commune_code)}


def treemap_frame(con: store.Connection, v: View) -> pd.DataFrame:
    """Communes with their district, books and status for the treemap (province > district > commune)."""
    df = commune_status(con, v)
    return df[["commune_code", "commune", "district_code", "district", "books_total", "books_digitized",
               "completion_pct", "planned_pct", "status"]].copy()


def district_options(con: store.Connection, province: str) -> pd.DataFrame:
    """The districts of a province (code, name) in list order, for the sidebar filter."""
    units = store.units_frame(con, province)
    d = units.dropna(subset=["district_code"]).drop_duplicates("district_code")
    return d[["district_code", "district"]].reset_index(drop=True)
