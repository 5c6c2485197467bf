"""The figures leaders read: as-of state, plan, pace, projection, status.

Definitions (the README repeats them): the state on day D is each commune's
latest report on or before D; sums are over the communes with such a report.
The heavy work (scanning the history) is set-based SQL in ``queries``; the
results here are small frames (one row per commune or per day).
"""

from __future__ import annotations

import copy
import math
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

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
    depth = _depth(con, province) if depth is None else depth
    return _memo(con, "report_span", (province, depth), lambda: _report_span(con, province, depth))


def _depth(con: store.Connection, province: str) -> int:
    """The province's depth (``structures.depth``), kept per data version: every view of the country page asks."""
    return int(_memo_shared(con, "province_depth", (province,), lambda: structures.depth(con, province)))


def _report_span(con: store.Connection, province: str, depth: int) -> tuple[date | None, date | None]:
    h = _kept(con, "history", (province, depth))
    if h is not None:  # the history already read holds every date: no scan of its own
        if not len(h.key):
            return None, None
        days = h.key - h.base[np.searchsorted(h.base, h.key, side="right") - 1]
        return _from_day_number(days.min()), _from_day_number(days.max())
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
        _province_facts(con, province)  # NotFoundError when it is not a province
        code = province
    else:
        code = structures.resolve_province(con, province, structure_day)
    depth = _province_facts(con, code)[1]
    if day is None:
        _, last = report_span(con, code, depth)
        day = last or date.today()
    chosen_at_setup = province is None and code == store.get_meta(con, "default_province")
    if not exact and not chosen_at_setup and structure_day is None \
            and structures.in_force(con, day).id != _province_facts(con, code)[0].id:
        # by default, the structure in force on D, for the same place (Quảng Nam after 1 Jul 2025: Đà Nẵng)
        try:
            code = structures.province_in(con, code, day)
        except NotFoundError:
            pass
        else:
            depth = _province_facts(con, code)[1]
    campaign, bounds, window, amber, measure = _view_settings(con, code, measure)
    bounded = clamp_day(day, bounds)
    return View(code, bounded, campaign.start, campaign.deadline, campaign.name, window, amber, depth,
                requested=day if bounded != day else None, measure=measure)


def default_measure(con: store.Connection, province: str) -> str:
    """The campaign's default measure (memoized per data version with the view's settings)."""
    return str(_view_settings(con, province, None)[4])


def _province_facts(con: store.Connection, code: str) -> tuple[structures.Structure, int]:
    """A province's structure and depth (memoized per data version: every view asks)."""
    return _memo_shared(con, "province_facts", (code,),
                        lambda: (structures.of_province(con, code), _depth(con, code)))


def _view_settings(con: store.Connection, code: str, measure: str | None) -> tuple:
    """What a province's views share whatever D: campaign, date bounds, settings, measure (memoized per
    data version and today: the country page asks for every province's view of a new day)."""
    return _memo(con, "view_settings", (code, measure, date.today()), lambda: _read_view_settings(con, code, measure))


def _read_view_settings(con: store.Connection, code: str, measure: str | None) -> tuple:
    if measure is not None and measure in MEASURES:  # the same settings as the default measure's: read once
        campaign, bounds, window, amber, _ = _view_settings(con, code, None)
        return campaign, bounds, window, amber, measure
    campaign = store.get_campaign(con, code)
    bounds = date_bounds(con, code)
    window = int(store.get_setting(con, code, "not_reporting_days", str(config.DEFAULT_NOT_REPORTING_DAYS)))
    amber = float(store.get_setting(con, code, "amber_points", "10"))
    if measure is None:
        measure = store.default_measure(con, code)
    elif measure not in MEASURES:
        from analytics.errors import InvalidArgument

        raise InvalidArgument("campaign.bad_measure", value=measure, measures=", ".join(store.MEASURES))
    return campaign, bounds, window, amber, measure


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
# the keys of each class of answers (lasting or not, see _LASTING) from least to most recently used: eviction
# takes the oldest of a class at once (a scan of the whole memo at each insert cost the country page 30 ms)
_ORDER: dict[bool, OrderedDict[tuple, None]] = {True: OrderedDict(), False: OrderedDict()}
_MEMO_LOCK = threading.Lock()  # Streamlit sessions are threads of one process
_COMPUTING = threading.local()  # the memo key of the answer this thread is computing


def _memo(con: store.Connection, what: str, args: tuple, compute: Any) -> Any:
    """``compute()``, or the answer kept for this database file, data version and question. A frame is
    handed out as a copy (callers add columns); other answers must be immutable (tuples, frozen views)."""
    hit = _memo_shared(con, what, args, compute)
    copy = getattr(hit, "copy", None)
    return copy() if copy is not None else hit


def commune_status(con: store.Connection, v: View) -> pd.DataFrame:
    """One row per commune of the unit list: figures on D, plan, gap, 7-day pace, status, flags."""
    return _memo(con, "commune_status", (v,), lambda: _commune_status(con, v))


# --- the as-of state ------------------------------------------------------------------------------------
# A commune's figures on D are those of its latest row on or before D in its rolled-up history, which does
# not depend on D: the history is read once per data version (one scan), and the state on any D is a few
# binary searches over it in numpy (a new as-of date costs no query; the CLI's summary needs no pandas).

_EPOCH = date(1970, 1, 1).toordinal()
_SHIFT = 1 << 32  # key = commune's place * _SHIFT + day number (ROLLED_HISTORY)
_NO_DAY = np.iinfo(np.int64).min  # "no such date" in the day-number arrays
_CHUNK = 1 << 20  # rows per slice when a whole history is scanned in numpy


def _day_number(day: date) -> int:
    return day.toordinal() - _EPOCH


def _from_day_number(n: int) -> date:
    return date.fromordinal(int(n) + _EPOCH)


class _History:
    """A province's communes (list order) and their rolled-up history in one structure, kept per data
    version (shared by every view and measure: only read)."""

    def __init__(self, units: list[tuple], rows: dict[str, Any]) -> None:
        self.n = len(units)
        self.commune_code = [u[0] for u in units]
        self.ref_code = [u[1] for u in units]
        self.commune = [u[2] for u in units]
        self.district_code = [u[3] for u in units]
        self.district = [u[4] for u in units]
        self.sort_order = np.array([u[5] for u in units], dtype=np.int32)
        self.own_deadline = np.array([_NO_DAY if u[6] is None else _day_number(u[6]) for u in units],
                                     dtype=np.int64)
        self.key = np.ascontiguousarray(_filled(rows["key"], 0), dtype=np.int64)
        self.base = np.arange(self.n, dtype=np.int64) * _SHIFT
        self.starts = np.searchsorted(self.key, self.base, side="left")
        self.values = {c: _filled(rows[c], np.nan).astype(np.float64, copy=False)  # NaN for NULL
                       for c in ("books_total", "books_digitized", "records_digitized", "records_total")}
        self._known: dict[str, tuple[np.ndarray | None, np.ndarray, np.ndarray]] = {}  # per measure
        self._lock = threading.Lock()

    def latest(self, day: int, subset: tuple[np.ndarray | None, np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """Per commune, the index of its latest row on or before ``day`` (-1: none); among the rows of
        ``subset`` (``known``) only when given."""
        rows, key, starts = subset if subset is not None else (None, self.key, self.starts)
        idx = np.searchsorted(key, self.base + day, side="right") - 1
        found = idx >= starts
        if rows is not None:
            idx = rows[np.where(found, idx, 0)] if len(rows) else idx
        return np.where(found, idx, -1)

    def first(self, subset: tuple[np.ndarray | None, np.ndarray, np.ndarray]) -> np.ndarray:
        """Per commune, the index of its first row among ``subset`` (-1: none)."""
        rows, key, starts = subset
        if not len(key):
            return np.full(self.n, -1)
        at = np.minimum(starts, len(key) - 1)
        found = (starts < len(key)) & (key[at] < self.base + _SHIFT)
        return np.where(found, at if rows is None else rows[at], -1)

    def day_of(self, idx: np.ndarray) -> np.ndarray:
        """The day number of each row index (``_NO_DAY`` for -1)."""
        return np.where(idx >= 0, _take(self.key, idx, 0) - self.base, _NO_DAY)

    def at(self, column: str, idx: np.ndarray) -> np.ndarray:
        """A reported column at each row index (NaN for -1)."""
        return np.where(idx >= 0, _take(self.values[column], idx, np.nan), np.nan)

    def in_measure(self, measure: str, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Target and digitized at each row index in ``measure`` (see ``_in_measure``)."""
        return _in_measure(measure, *(self.at(c, idx) for c in
                                      ("books_total", "books_digitized", "records_total", "records_digitized")))

    def known(self, measure: str) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
        """The rows whose completion is known in ``measure`` (``arg_max``/``arg_min`` of the completion skip
        the others): their indices, keys and each commune's first place among them; computed once per measure."""
        with self._lock:
            hit = self._known.get(measure)
            if hit is None:
                known = np.empty(len(self.key), dtype=bool)
                for at in range(0, len(known), _CHUNK):  # in slices: a national history is millions of rows
                    part = slice(at, at + _CHUNK)
                    known[part] = ~np.isnan(_completion(*_in_measure(measure, *(self.values[c][part] for c in (
                        "books_total", "books_digitized", "records_total", "records_digitized")))))
                rows = np.flatnonzero(known).astype(np.int32)
                if len(rows) == len(known):
                    hit = (None, self.key, self.starts)  # every row: no index of its own
                else:
                    key = self.key[rows]
                    hit = (rows, key, np.searchsorted(key, self.base, side="left"))
                self._known[measure] = hit
        return hit


def _take(values: np.ndarray, idx: np.ndarray, fill: Any) -> np.ndarray:
    """``values`` at each index (``fill`` where it is -1, or when there are no values at all)."""
    if not len(values):
        return np.full(len(idx), fill)
    return values[np.maximum(idx, 0)]


def _filled(column: Any, fill: Any) -> np.ndarray:
    """A fetched column (a masked array when it holds NULLs) as a plain array with ``fill`` for NULL."""
    return column.filled(fill) if isinstance(column, np.ma.MaskedArray) else np.asarray(column)


def _in_measure(measure: str, books_total: np.ndarray, books_digitized: np.ndarray, records_total: np.ndarray,
                records_digitized: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The target and the digitized figure in the view's measure: books, or records only where both records
    figures are known (else neither: no completion of unknown size)."""
    if measure != "records":
        return books_total, books_digitized
    unknown = np.isnan(records_total) | np.isnan(records_digitized)
    return np.where(unknown, np.nan, records_total), np.where(unknown, np.nan, records_digitized)


def _completion(total: np.ndarray, done: np.ndarray) -> np.ndarray:
    """100 × digitized / target; 100 for a target of 0; NaN when the target or the figure is unknown."""
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(total == 0, 100.0, 100.0 * done / total)
    return np.where(np.isnan(total), np.nan, pct)


def _history(con: store.Connection, province: str, depth: int) -> _History:
    """The province's communes and their whole rolled-up history (kept per data version)."""
    return _memo_shared(con, "history", (province, depth), lambda: _read_history(con, province, depth))


def _read_history(con: store.Connection, province: str, depth: int) -> _History:
    units = con.execute(queries.STATUS_UNITS, {"province": province}).fetchall()
    rows = con.execute(rollup.ROLLED_HISTORY[depth], {"province": province, "to": _FAR}).fetchnumpy()
    return _History(units, rows)


def _state(con: store.Connection, v: View) -> tuple[_History, dict[str, Any]]:
    """The province's history and every commune's figures on D as numpy arrays (memoized per view; only
    read): the rules of the commune table, written once; ``commune_status`` is its frame."""
    return _memo_shared(con, "state", (v,), lambda: _with_state(_history(con, v.province, v.depth), v))


def _with_state(h: _History, v: View) -> tuple[_History, dict[str, Any]]:
    return h, _compute_state(h, v)


def _compute_state(h: _History, v: View) -> dict[str, Any]:
    d, start = _day_number(v.as_of), _day_number(v.start)
    last = h.latest(d)
    has = last >= 0
    last_day = h.day_of(last)
    total, done = h.in_measure(v.measure, last)
    known = h.known(v.measure)
    # every row counts only up to D: the state before the campaign start is the latest row on or before both
    pre = h.latest(min(start, d))
    pre_known = h.latest(min(start, d), known)
    pre_pct = _completion(*h.in_measure(v.measure, pre_known))
    first_day = np.where(has, h.day_of(np.where(has, h.starts, -1)), _NO_DAY)
    first_known = h.first(known)
    first_known = np.where(h.day_of(first_known) <= d, first_known, -1)
    first_pct = _completion(*h.in_measure(v.measure, first_known))
    week = h.latest(d - 7)
    _, week_done = h.in_measure(v.measure, week)
    before = h.latest(d - 1)
    _, before_done = h.in_measure(v.measure, before)
    base_pct = np.where(np.isnan(pre_pct), first_pct, pre_pct)
    base_day = np.where(pre >= 0, start, first_day)
    deadline_day = np.where(h.own_deadline != _NO_DAY, h.own_deadline, _day_number(v.deadline))
    completion = _completion(total, done)
    with np.errstate(divide="ignore", invalid="ignore"):
        # least/greatest skip NULL as in SQL: an unknown base completion gives a plan of 100 %
        line = np.fmin(100.0, np.fmax(base_pct, base_pct + (100.0 - base_pct) * (d - base_day)
                                      / (deadline_day - base_day)))
    planned = np.where(~has, np.nan, np.where(base_day >= deadline_day, 100.0, line))
    remaining = np.maximum(total - done, 0.0)
    days_left = deadline_day - d
    week_gain = np.where(np.isnan(week_done), np.nan, done - week_done)
    return {
        "reporting": has, "last_day": last_day, "books_total": total, "books_digitized": done,
        "records_digitized": h.at("records_digitized", last), "records_total": h.at("records_total", last),
        "books_count_total": h.at("books_total", last), "books_count_digitized": h.at("books_digitized", last),
        "completion_pct": completion, "planned_pct": planned, "deadline_day": deadline_day,
        "base_pct": np.where(has, base_pct, np.nan), "base_day": np.where(has, base_day, _NO_DAY),
        "first_day": first_day,
        "digitized_week_ago": week_done, "records_week_ago": h.at("records_digitized", week),
        "week_ago_day": h.day_of(week), "digitized_day_before": before_done, "day_before_day": h.day_of(before),
        "reported_on_day": has & (last_day == d),
        "not_reporting": ~has | (last_day < d - (v.window - 1)),
        "behind_schedule": completion < planned,
        "gap_pct": planned - completion,
        "recent_per_day": week_gain / 7.0,
        "remaining": remaining,
        "days_left": days_left,
        "required_per_day": remaining / np.maximum(days_left, 1),
        "week_gain": week_gain,
    }


# the commune table's columns, in order, and where each comes from
_INT_COLUMNS = ("books_total", "books_digitized", "records_digitized", "records_total", "books_count_total",
                "books_count_digitized")


def _commune_status(con: store.Connection, v: View) -> pd.DataFrame:
    """``books_total``/``books_digitized`` hold the figures in the view's measure (records when it is
    "records": a commune whose records target or records digitized is unknown has none, and no completion);
    ``books_count_*`` and ``records_*`` hold both measures as reported."""
    h, st = _state(con, v)
    ints = {c: _int_column(st[c]) for c in (*_INT_COLUMNS, "digitized_week_ago", "records_week_ago",
                                             "digitized_day_before", "remaining")}
    nullable = isinstance(ints["books_total"], pd.api.extensions.ExtensionArray) \
        or isinstance(ints["books_digitized"], pd.api.extensions.ExtensionArray)
    weekly = nullable or isinstance(ints["digitized_week_ago"], pd.api.extensions.ExtensionArray)
    last = [_from_day_number(x) if x != _NO_DAY else None for x in st["last_day"]]
    deadlines = [_from_day_number(x) for x in st["deadline_day"]]
    df = pd.DataFrame({
        "commune_code": h.commune_code, "ref_code": h.ref_code, "commune": h.commune,
        "district_code": h.district_code, "district": h.district,
        "last_report": last, **{c: ints[c] for c in _INT_COLUMNS},
        "completion_pct": st["completion_pct"], "planned_pct": st["planned_pct"], "deadline": deadlines,
        "base_pct": st["base_pct"], "base_date": _timestamps(st["base_day"]),
        "first_date": _timestamps(st["first_day"]),
        "digitized_week_ago": ints["digitized_week_ago"], "records_week_ago": ints["records_week_ago"],
        "week_ago_date": _timestamps(st["week_ago_day"]),
        "digitized_day_before": ints["digitized_day_before"], "day_before_date": _timestamps(st["day_before_day"]),
        "reported_on_day": st["reported_on_day"], "not_reporting": st["not_reporting"],
        "sort_order": h.sort_order,
        "behind_schedule": st["behind_schedule"], "gap_pct": st["gap_pct"],
        "recent_per_day": _float_column(st["recent_per_day"], weekly), "remaining": ints["remaining"],
        "days_left": st["days_left"].astype(np.int64),
        "required_per_day": _float_column(st["required_per_day"], nullable),
        "projected_finish": [_project(v.as_of, rem, pace) if not math.isnan(rem) else None
                             for rem, pace in zip(st["remaining"].tolist(), st["recent_per_day"].tolist())],
        "status": _statuses(st, v),
        "days_since_report": _int_column(np.where(st["reporting"], _day_number(v.as_of) - st["last_day"], np.nan),
                                         nullable_as="float64"),
    })
    return df


def _int_column(values: np.ndarray, nullable_as: str = "Int64") -> Any:
    """Counts as the database hands them out: int64, or (with NULLs) ``nullable_as``."""
    missing = np.isnan(values)
    if not missing.any():
        return values.astype(np.int64)
    if nullable_as == "float64":  # as pandas makes a column of numbers and None (of None only: objects)
        return np.full(len(values), None, dtype=object) if missing.all() else values
    return pd.arrays.IntegerArray(np.where(missing, 0, values).astype(np.int64), missing)


def _float_column(values: np.ndarray, nullable: bool) -> Any:
    """A figure derived from counts: Float64 (NA for unknown) when the counts had NULLs, as pandas gives."""
    if not nullable:
        return values
    missing = np.isnan(values)
    return pd.arrays.FloatingArray(np.where(missing, 0.0, values), missing)


def _timestamps(days: np.ndarray) -> np.ndarray:
    """Day numbers as datetime64[us] (NaT for none), the type the database gives dates in."""
    out = np.where(days == _NO_DAY, 0, days).astype("datetime64[D]").astype("datetime64[us]")
    out[days == _NO_DAY] = np.datetime64("NaT")
    return out


def _dates(series: pd.Series) -> list[date | None]:
    return [None if pd.isna(x) else pd.Timestamp(x).date() for x in series]


PROJECTION_HORIZON_DAYS = 100 * 366  # a finish further away than this is no finish in sight (and no date)


def _missing(x: Any) -> bool:
    """None, NaN or pandas' NA (checked without loading pandas)."""
    if x is None:
        return True
    try:
        return math.isnan(x)
    except TypeError:  # pandas' NA and NaT refuse float()
        return True


def _project(as_of: date, remaining: float, pace: float | None) -> date | None:
    if remaining <= 0:
        return as_of
    if pace is None or _missing(pace) or pace <= 0:
        return None
    days = remaining / pace
    if not days <= PROJECTION_HORIZON_DAYS:  # a crawl (or inf) would give a year past 9999
        return None
    try:
        return as_of + timedelta(days=math.ceil(days))
    except OverflowError:
        return None


def _aggregate(df: pd.DataFrame | dict[str, np.ndarray], v: View) -> dict[str, Any]:
    """Totals of a set of communes on D (province or district), by the definitions (``_totals``): of a
    commune table (or part of one), or of a view's state."""
    cols = _columns_of(df) if not isinstance(df, dict) else df
    n = len(cols["reporting"])
    own = _own_deadlines(cols, v)
    g = _totals(cols, np.zeros(n, dtype=np.int64), 1, v, own)
    reporting = int(g["units_reporting"][0])
    return {
        "measure": v.measure,
        "units_total": int(g["units_total"][0]),
        "units_reporting": reporting,
        "units_without_target": int(g["units_without_target"][0]),
        "books_count_total": int(g["books_count_total"][0]) if reporting else 0,
        "books_count_digitized": int(g["books_count_digitized"][0]) if reporting else 0,
        "records_total": _known(g, "records_total", 0),
        "records_digitized": _known(g, "records_digitized", 0),
        "units_reported_on_day": int(g["units_reported_on_day"][0]),
        "units_completed": int(g["units_completed"][0]),
        "books_total": int(g["books_total"][0]),
        "books_digitized": int(g["books_digitized"][0]),
        "remaining": int(g["remaining"][0]),
        "completion_pct": _float(g["completion_pct"][0]),
        "planned_pct": _float(g["planned_pct"][0]),
        "days_left": (g["deadline"][0] - v.as_of).days if own and n else (v.deadline - v.as_of).days,
        "deadline": g["deadline"][0] if own and n else v.deadline,
        "required_per_day": float(g["required_per_day"][0]),
        "recent_per_day": float(g["recent_per_day"][0]),
        "projected_finish": g["projected_finish"][0],
        "behind_schedule": int(g["behind_schedule"][0]),
        "not_reporting": int(g["not_reporting"][0]),
    }


def _float(x: Any) -> float | None:
    return None if math.isnan(x) else float(x)


def _known(g: dict[str, Any], column: str, i: int) -> int | None:
    """A sum of known values; None when none is known (a records figure no report gave)."""
    return int(g[column][i]) if g[column + "_known"][i] else None


def _columns_of(df: pd.DataFrame) -> dict[str, np.ndarray]:
    """A commune table's columns that ``_totals`` reads, as the state's arrays."""
    def num(c: str) -> np.ndarray:
        return df[c].to_numpy(dtype=np.float64, na_value=np.nan)

    deadlines = df["deadline"] if "deadline" in df else []
    return {
        "reporting": df["last_report"].notna().to_numpy(dtype=bool),
        **{c: num(c) for c in ("books_total", "books_digitized", "planned_pct", "digitized_week_ago",
                               "books_count_total", "books_count_digitized", "records_total",
                               "records_digitized", "completion_pct", "required_per_day")},
        **{c: df[c].to_numpy(dtype=bool) for c in ("reported_on_day", "behind_schedule", "not_reporting")},
        "deadline_day": np.array([_day_number(d) for d in deadlines], dtype=np.int64),
    }


def _own_deadlines(cols: dict[str, np.ndarray], v: View) -> bool:
    """Whether some of these communes have a deadline other than the campaign's."""
    return bool((cols["deadline_day"] != _day_number(v.deadline)).any())


def _totals(c: dict[str, np.ndarray], group: np.ndarray, k: int, v: View, own: bool) -> dict[str, Any]:
    """The totals of every group of communes (``group``: each commune's group, 0..k-1) on D, by the
    definitions: the sums are over the communes that reported with a known target (in the records measure
    a unit without a records target counts nowhere in the figures, and says so in units_without_target);
    the plan is their target-weighted mean; the pace is the last 7 days' gain; with deadlines of their own
    (``own``) the pace needed is the sum of the communes' own."""
    def add(x: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=x, minlength=k)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(group, weights=mask, minlength=k).astype(np.int64)

    reporting = c["reporting"]
    total, done = c["books_total"], c["books_digitized"]
    rep = reporting & ~np.isnan(total) & ~np.isnan(done)
    books_total, books_done = add(np.where(rep, total, 0.0)), add(np.where(rep, done, 0.0))
    planned_books = add(np.where(rep, c["planned_pct"] * total, 0.0))
    with_target = count(rep)
    with np.errstate(divide="ignore", invalid="ignore"):
        completion = np.where(with_target == 0, np.nan, np.where(books_total == 0, 100.0, 100.0 * books_done / books_total))
        planned = np.where(with_target == 0, np.nan, np.where(books_total == 0, 100.0, planned_books / books_total))
    remaining = np.maximum(books_total - books_done, 0.0)
    week = ~np.isnan(c["digitized_week_ago"]) & ~np.isnan(done)
    recent = add(np.where(week, done - c["digitized_week_ago"], 0.0)) / 7.0
    if own:
        required = add(np.where(rep, c["required_per_day"], 0.0))
    else:
        required = remaining / max((v.deadline - v.as_of).days, 1)
    last = np.full(k, _NO_DAY, dtype=np.int64)
    np.maximum.at(last, group, c["deadline_day"])
    out: dict[str, Any] = {
        "books_total": books_total.astype(np.int64), "books_digitized": books_done.astype(np.int64),
        "completion_pct": completion, "planned_pct": planned,
        "units_total": count(np.ones(len(group), dtype=bool)), "units_reporting": count(reporting),
        "units_without_target": count(reporting & ~rep), "units_reported_on_day": count(c["reported_on_day"]),
        "units_completed": count(rep & (c["completion_pct"] >= 100.0)),
        "behind_schedule": count(c["behind_schedule"]), "not_reporting": count(c["not_reporting"]),
        "remaining": remaining.astype(np.int64), "recent_per_day": recent, "required_per_day": required,
        "deadline": [_from_day_number(x) if x != _NO_DAY else v.deadline for x in last.tolist()],
        "projected_finish": [_project(v.as_of, rem, pace) if n else None
                             for rem, pace, n in zip(remaining.tolist(), recent.tolist(), with_target.tolist())],
        "status": [classify(x, p, v.amber) for x, p in zip(completion.tolist(), planned.tolist())],
    }
    for col in ("books_count_total", "books_count_digitized", "records_total", "records_digitized"):
        known = reporting & ~np.isnan(c[col])
        out[col] = add(np.where(known, c[col], 0.0)).astype(np.int64)
        out[col + "_known"] = count(known) > 0
    return out


_GROUP_COLUMNS = ["books_total", "books_digitized", "completion_pct", "planned_pct", "behind_schedule",
                  "not_reporting", "units_total", "units_reporting", "units_completed", "recent_per_day",
                  "required_per_day", "projected_finish", "status", "deadline", "units_without_target",
                  "books_count_total", "books_count_digitized", "records_total", "records_digitized"]
_NULLABLE_SUMS = ("books_count_total", "books_count_digitized", "records_total", "records_digitized")


def _grouped(cols: dict[str, np.ndarray], keys: list, names: list, v: View, own: bool | None = None) -> dict[str, list]:
    """``_totals`` of the communes grouped by ``keys`` (None: in no group), one entry per group in key
    order: each column as a list of Python values (None where a sum has nothing known). ``own``: whether
    deadlines of their own count (None: whether the grouped communes have some)."""
    present = [i for i, key in enumerate(keys) if key is not None and key == key]
    codes = sorted({keys[i] for i in present})
    if not codes:
        return {}
    place = {code: j for j, code in enumerate(codes)}
    sub = np.array(present, dtype=np.int64)
    part = {c: x[sub] for c, x in cols.items()}
    group = np.array([place[keys[i]] for i in present], dtype=np.int64)
    g = _totals(part, group, len(codes), v, _own_deadlines(part, v) if own is None else own)
    first: dict[Any, Any] = {}
    for i in present:
        first.setdefault(keys[i], names[i])
    out: dict[str, list] = {"code": codes, "name": [first[c] for c in codes]}
    for col in _GROUP_COLUMNS:
        values = g[col].tolist() if isinstance(g[col], np.ndarray) else g[col]
        if col in _NULLABLE_SUMS:
            values = [x if k else None for x, k in zip(values, g[col + "_known"].tolist())]
        out[col] = values
    return out


def _group_frame(grouped: dict[str, list], by: str, name: str) -> pd.DataFrame:
    """``_grouped`` as a frame: counts int64, the sums that may be unknown Int64."""
    frame = pd.DataFrame({by: grouped["code"], name: grouped["name"],
                          **{c: grouped[c] for c in _GROUP_COLUMNS if c not in _NULLABLE_SUMS}})
    for col in _NULLABLE_SUMS:
        frame[col] = pd.array(grouped[col], dtype="Int64")
    for col in ("completion_pct", "planned_pct", "recent_per_day", "required_per_day"):
        frame[col] = frame[col].astype("float64")
    return frame


def group_totals(df: pd.DataFrame, v: View, by: str) -> pd.DataFrame:
    """The totals of ``_aggregate`` for every group of communes of a commune table at once."""
    cols = _columns_of(df)
    name = by.replace("_code", "")
    frame = _group_frame(_grouped(cols, list(df[by]), list(df[name] if name in df else df[by]), v,
                                  _own_deadlines(cols, v)), by, "name")
    return frame if len(frame) else pd.DataFrame(columns=[by, "name", *_GROUP_COLUMNS])


def _district_grouped(state: tuple[_History, dict[str, Any]], v: View) -> dict[str, list]:
    """The view's districts' totals (see ``_grouped``)."""
    h, st = state
    return _grouped(st, h.district_code, h.district, v)


def _district_records(state: tuple[_History, dict[str, Any]], v: View) -> list[dict[str, Any]]:
    """The view's districts (code order) with their totals, as records (what the summary holds)."""
    grouped = _district_grouped(state, v)
    if not grouped:
        return []
    keys = ["district_code", "district", *_GROUP_COLUMNS]
    rows = zip(grouped["code"], grouped["name"], *(grouped[c] for c in _GROUP_COLUMNS))
    return [dict(zip(keys, row)) for row in rows]


def summary(con: store.Connection, province: str | None = None, as_of: date | str | None = None,
            structure: date | str | None = None, *, exact: bool = False, measure: str | None = None) -> dict[str, Any]:
    """Where the province stands on D, with every district of its unit list (code order), in ``measure``
    (None: the campaign's default measure).

    Memoized per data version and view (the weekly table asks for the eve and the end of every week);
    each caller gets its own copy."""
    v = view(con, province, as_of, structure, exact=exact, measure=measure)
    return copy.deepcopy(_memo(con, "summary", (v,), lambda: _summary(con, v)))


def _summary(con: store.Connection, v: View) -> dict[str, Any]:
    state = _state(con, v)
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
    out.update(_aggregate(state[1], v))
    out["districts"] = _district_records(state, v)
    return out


def province_totals(con: store.Connection, v: View) -> dict[str, Any]:
    """The summary's totals of a province without its districts: the country page needs one row per
    province, and the district tables of 63 provinces cost it more than their totals."""
    out: dict[str, Any] = {"province": v.province, "province_name": _unit_name(con, "province", v.province)}
    out.update(_aggregate(_state(con, v)[1], v))
    return out


def _unit_name(con: store.Connection, level: str, code: str) -> str:
    return _memo_shared(con, "unit_name", (level, code), lambda: _read_unit_name(con, level, code))


def _read_unit_name(con: store.Connection, level: str, code: str) -> str:
    row = con.execute(queries.UNIT_NAME, [level, code]).fetchone()
    return row[0] if row else code


def district_table(con: store.Connection, v: View, communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per district (code order) with its totals, completion, plan and counts on D.

    ``communes``: the view's commune table when the caller has it already (it must be that table: the
    answer is memoized per view, as the summary, the league and the closing page all ask for it)."""
    return _memo(con, "district_table", (v,), lambda: _district_table(con, v, communes))


def _district_table(con: store.Connection, v: View, communes: pd.DataFrame | None) -> pd.DataFrame:
    # the view's state is the commune table's own source: ``communes`` adds nothing to read
    grouped = _district_grouped(_state(con, v), v)
    if not grouped:
        return pd.DataFrame(columns=["district_code", "district", *_GROUP_COLUMNS])
    return _group_frame(grouped, "district_code", "district")


def districts_frame(summary_: dict[str, Any]) -> pd.DataFrame:
    """The districts of a ``summary`` as a frame (for charts and tables)."""
    return pd.DataFrame(summary_["districts"])


def underperformers(con: store.Connection, province: str | None = None,
                    as_of: date | str | None = None, structure: date | str | None = None, *,
                    exact: bool = False, measure: str | None = None) -> pd.DataFrame:
    """Communes behind schedule or not reporting: never-reported first, then largest gap to plan first
    (memoized per view)."""
    v = view(con, province, as_of, structure, exact=exact, measure=measure)
    return _memo(con, "underperformers", (v,), lambda: _underperformers(con, v))


def _underperformers(con: store.Connection, v: View) -> pd.DataFrame:
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
    no query. Memoized per view (the derived columns cost more than the slice)."""
    return _memo(con, "trend_view", (v, district, first), lambda: _trend(con, v, district, first))


def _trend_whole(con: store.Connection, v: View, district: str | None, first: date | None
                 ) -> tuple[pd.DataFrame, date, tuple]:
    """The whole memoized history of daily totals (shared: only read), the last day D takes from it, and
    the history's memo key."""
    first_report, last_report, last_deadline = _trend_bounds(con, v)
    if first is None:
        first = min(first_report or v.start, v.start)
    if first > v.as_of:
        first = v.as_of
    # after the last report and the last deadline (the campaign's or a unit's own) nothing changes: figures
    # stay, every plan is at 100 %. The days computed stop there and D gets that day's row, so the work is
    # bounded by the data, not by D
    full_end = max(last_report or v.start, last_deadline, first) + timedelta(days=1)
    key = (v.province, v.depth, v.measure, district, first, full_end, v.start, v.deadline)
    whole = _memo_shared(con, "trend", key, lambda: _trend_days(con, v, district, first, full_end))
    return whole, min(v.as_of, full_end), key


def _trend(con: store.Connection, v: View, district: str | None, first: date | None) -> pd.DataFrame:
    whole, end, _ = _trend_whole(con, v, district, first)
    df = whole[whole["day"] <= end].reset_index(drop=True)
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


TREND_SUMS = ("books_total", "books_digitized", "planned_books")


def trend_sums(con: store.Connection, v: View) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The province's daily sums up to D as ``trend`` has them (day numbers; ``TREND_SUMS`` as float, NaN
    when unknown), without a frame: the country page adds every province's."""
    whole, end, key = _trend_whole(con, v, None, None)
    days, values = _memo_shared(con, "trend_sums", key, lambda: (
        np.array([_day_number(d) for d in whole["day"]], dtype=np.int64),
        {c: whole[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in TREND_SUMS}))
    n = int(np.searchsorted(days, _day_number(end), side="right"))
    out_days, out = days[:n], {c: x[:n] for c, x in values.items()}
    if end < v.as_of and n:  # the figures of the last day computed hold on D
        out_days = np.append(out_days, _day_number(v.as_of))
        out = {c: np.append(x, x[-1]) for c, x in out.items()}
    return out_days, out


def _trend_bounds(con: store.Connection, v: View) -> tuple[date | None, date | None, date]:
    """First and last report of the province, and its last deadline (the campaign's or a unit's own)."""
    return _memo_shared(con, "trend_bounds", (v.province, v.depth, v.deadline), lambda: _read_trend_bounds(con, v))


def _read_trend_bounds(con: store.Connection, v: View) -> tuple[date | None, date | None, date]:
    first_report, last_report = report_span(con, v.province, v.depth)
    own = store.unit_deadlines(con, v.province)["deadline"]
    return first_report, last_report, max([v.deadline, *(d for d in _dates(own) if d is not None)])


def _trend_days(con: store.Connection, v: View, district: str | None, first: date, to: date) -> pd.DataFrame:
    h = _history(con, v.province, v.depth)
    days, sums = _daily_sums(h, v, district, _day_number(first), _day_number(to))
    return pd.DataFrame({"day": [_from_day_number(d) for d in days], **sums})


def _daily_sums(h: _History, v: View, district: str | None, first: int, to: int
                ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """For each day from ``first`` to ``to`` (day numbers), the sums over the communes (of ``district``, when
    given) of their latest row on or before the day, and the books-weighted plan of those rows.

    A row counts from its date until the commune's next row: each adds its figures over that span of days
    (a difference array, one cumulative sum), so the work is rows + days, not communes × days. The plan of a
    commune is piecewise linear in the day (its base until the base date, a line to its deadline, 100 %
    after), so a row adds ``a + b × day`` over each piece it spans."""
    nd = to - first + 1
    key = h.key
    commune = np.searchsorted(h.base, key, side="right") - 1
    row_day = key - h.base[commune] if h.n else np.zeros(0, dtype=np.int64)
    last_of_commune = np.ones(len(key), dtype=bool)
    last_of_commune[:-1] = commune[1:] != commune[:-1]
    next_day = np.where(last_of_commune, to + 1, np.roll(row_day, -1))
    keep = row_day <= to  # the rows the trend reads: those up to its last day
    if district is not None and h.n:
        keep &= np.array([d == district for d in h.district_code], dtype=bool)[commune]
    # the span of days each row is in force, as offsets from ``first`` ([lo, hi), clipped to the range)
    lo = np.clip(row_day - first, 0, nd)
    hi = np.clip(np.minimum(next_day, to + 1) - first, 0, nd)
    span = keep & (hi > lo)

    def spread(weights: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Per day, the sum of ``weights`` over the rows whose span [start, end) holds the day."""
        return np.cumsum(np.bincount(start, weights, nd + 1) - np.bincount(end, weights, nd + 1))[:nd]

    lo_s, hi_s = lo[span], hi[span]
    ones = np.ones(len(lo_s))
    out: dict[str, np.ndarray] = {}
    out["units_reporting"] = np.rint(spread(ones, lo_s, hi_s)).astype(np.int64)
    on_day = keep & (row_day >= first)
    out["units_reported_on_day"] = np.bincount(row_day[on_day] - first, minlength=nd)[:nd].astype(np.int64)
    total, done = _in_measure(v.measure, *(h.values[c] for c in (
        "books_total", "books_digitized", "records_total", "records_digitized")))
    for name, values in (("books_total", total), ("books_digitized", done),
                         ("records_digitized", h.values["records_digitized"])):
        x = values[span]
        known = ~np.isnan(x)
        count = spread(known.astype(np.float64), lo_s, hi_s)
        out[name] = np.where(count > 0.5, spread(np.where(known, x, 0.0), lo_s, hi_s), np.nan)
    weighted = spread((~np.isnan(total[span])).astype(np.float64), lo_s, hi_s)  # sum() of no value is NULL
    out["planned_books"] = np.where(weighted > 0.5, _planned_books(h, v, span, commune, lo, hi, total, first,
                                                                   to, nd, spread), np.nan)
    return np.arange(first, to + 1, dtype=np.int64), out


def _planned_books(h: _History, v: View, span: np.ndarray, commune: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   total: np.ndarray, first: int, to: int, nd: int, spread: Any) -> np.ndarray:
    """Per day, the sum of planned % × target / 100 of the rows in force (``_daily_sums``). A commune's plan
    starts from its base: its completion at the campaign start (the latest known on or before it) from the
    start, else its first known completion from its first row; a line from there to its deadline, capped
    to [base, 100]; 100 % when the base is unknown, at least 100 %, or on or after the deadline. The base
    is read from all rows up to the trend's last day (as one plan for the whole trend)."""
    start = _day_number(v.start)
    cut = min(start, to)
    known = h.known(v.measure)
    pre = h.latest(cut)
    pre_pct = _completion(*h.in_measure(v.measure, h.latest(cut, known)))
    first_known = h.first(known)
    first_known = np.where(h.day_of(first_known) <= to, first_known, -1)
    base_pct = np.where(np.isnan(pre_pct), _completion(*h.in_measure(v.measure, first_known)), pre_pct)
    first_day = h.day_of(h.first((None, h.key, h.starts)))
    base_day = np.where(pre >= 0, start, first_day)
    deadline = np.where(h.own_deadline != _NO_DAY, h.own_deadline, _day_number(v.deadline))
    flat = np.isnan(base_pct) | (base_pct >= 100.0) | (base_day >= deadline)  # 100 % every day
    c = commune[span]
    w = total[span]
    ok = ~np.isnan(w)
    c, w, lo, hi = c[ok], w[ok], lo[span][ok], hi[span][ok]
    b_pct, b_off, d_off, fl = base_pct[c], base_day[c] - first, deadline[c] - first, flat[c]
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(fl, 0.0, (100.0 - b_pct) / (d_off - b_off))
    # pieces: [lo, b] at the base, (b, deadline) on the line, [deadline, hi) at 100 % (all of it when flat)
    p1_end = np.where(fl, lo, np.clip(b_off + 1, lo, hi))
    p3_start = np.where(fl, lo, np.clip(d_off, p1_end, hi))
    # the 100 % pieces add whole numbers (exact); the others cancel only up to rounding, so where none is in
    # force (after every deadline) their sum is 0, not a residue: a plan at 100 % reads exactly 100
    ones = np.ones(len(w))
    at_base = np.where(spread(ones, lo, p1_end) > 0.5, spread(np.where(fl, 0.0, w * b_pct), lo, p1_end), 0.0)
    a = np.where(fl, 0.0, w * (b_pct - slope * b_off))
    b = np.where(fl, 0.0, w * slope)
    x = np.arange(nd, dtype=np.float64)
    on_line = np.where(spread(ones, p1_end, p3_start) > 0.5,
                       spread(a, p1_end, p3_start) + spread(b, p1_end, p3_start) * x, 0.0)
    return (spread(w * 100.0, p3_start, hi) + at_base + on_line) / 100.0


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
    if "pandas" in sys.modules and (obj is pd.NaT or obj is pd.NA):  # no frame was made: neither can be here
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

    h, part = _state(con, v)
    if district is not None:
        inside = np.array([d == district for d in h.district_code], dtype=bool)
        part = {k: x[inside] for k, x in part.items()}
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
    records = part["records_digitized"]
    out["records_digitized"] = int(np.nansum(records)) if (~np.isnan(records)).any() else None
    return out


def commune_daily(con: store.Connection, v: View, days: int = 14, district: str | None = None,
                  commune: str | None = None) -> pd.DataFrame:
    """Books and records digitized per commune per day over the ``days`` days up to D (long form).

    A commune's figures on a day do not depend on D: they are read from the province's history (kept per
    data version) with binary searches, so the next as-of date costs no query."""
    return _memo(con, "commune_daily", (v, days, district, commune),
                 lambda: _commune_daily(con, v, days, district, commune))


def _kept(con: store.Connection, what: str, args: tuple) -> Any:
    """The answer kept for this question (as ``_memo_shared``), or None: never computes."""
    if MEMO_SIZE <= 0:
        return None
    outer = getattr(_COMPUTING, "key", None)
    key = outer[1] if outer is not None and outer[0] == id(con) else store.cache_key(con)
    if key is None:
        return None
    with _MEMO_LOCK:
        return _MEMO.get((*key, what, args))


def _memo_shared(con: store.Connection, what: str, args: tuple, compute: Any) -> Any:
    """As ``_memo``, but the kept answer itself is handed out: callers only read it (and slice copies)."""
    if MEMO_SIZE <= 0:
        return compute()
    outer = getattr(_COMPUTING, "key", None)
    # within another answer's computation on the same connection the version cannot change (reads only):
    # its key serves, and the nested answers cost no query for it
    key = outer[1] if outer is not None and outer[0] == id(con) else store.cache_key(con)
    if key is None:
        return compute()
    full = (*key, what, args)
    lasting = what in _LASTING
    with _MEMO_LOCK:
        hit = _MEMO.get(full)
        if hit is not None:
            _ORDER[lasting][full] = None
            _ORDER[lasting].move_to_end(full)  # most recently used last
    if hit is None:
        _COMPUTING.key = (id(con), key)
        try:
            hit = compute()
        finally:
            _COMPUTING.key = outer
        with _MEMO_LOCK:
            _MEMO[full] = hit
            _ORDER[lasting][full] = None
            _ORDER[lasting].move_to_end(full)
            _evict(lasting)
    return hit


# answers that hold for every as-of date of a data version (a province's history, its daily totals, its
# settings): a page asking for new dates must not push them out, so they are counted apart, with a bound of
# their own (the country page keeps about ten per province)
_LASTING = frozenset({"history", "trend", "trend_sums", "trend_bounds", "report_span", "view_settings",
                      "unit_name", "province_facts", "provinces_with_figures",
                      "structure_provinces", "explanations", "province_depth", "commune_reports", "commune_uploads"})
MEMO_LASTING_FACTOR = 4


def _evict(lasting: bool) -> None:
    """Drop the least recently used answers of the class just added beyond its bound (under _MEMO_LOCK)."""
    bound = MEMO_SIZE * MEMO_ENTRIES_PER_TABLE * (MEMO_LASTING_FACTOR if lasting else 1)
    order = _ORDER[lasting]
    while len(order) > bound:
        key, _ = order.popitem(last=False)
        _MEMO.pop(key, None)  # a key the memo no longer holds (it was cleared) just leaves the order


def _commune_daily(con: store.Connection, v: View, days: int = 14, district: str | None = None,
                   commune: str | None = None) -> pd.DataFrame:
    h = _history(con, v.province, v.depth)
    first, to = _day_number(v.as_of) - (days - 1), _day_number(v.as_of)
    rows = _communes_of(h, district, commune)
    m = _commune_days(h, v.measure, rows, first, to)
    nd = to - first + 1
    return pd.DataFrame({
        "commune_code": [h.commune_code[i] for i in rows for _ in range(nd)],
        "day": [_from_day_number(d) for d in range(first, to + 1)] * len(rows),
        **{c: m[c].ravel() for c in ("books_day", "records_day", "completion_pct", "reported")}})


def _communes_of(h: _History, district: str | None = None, commune: str | None = None) -> np.ndarray:
    """The places in ``h`` of the communes asked for (of ``district``, or ``commune`` only), by code."""
    rows = [i for i in range(h.n) if (commune is None or h.commune_code[i] == commune)
            and (district is None or h.district_code[i] == district)]
    return np.array(sorted(rows, key=lambda i: h.commune_code[i]), dtype=np.int64)


def _commune_days(h: _History, measure: str, rows: np.ndarray, first: int, to: int) -> dict[str, np.ndarray]:
    """Per commune of ``rows`` (places in ``h``) and day from ``first`` to ``to`` (day numbers), as
    communes × days arrays: the digitized figure in ``measure`` of its latest row on or before the day minus
    the same the day before (``books_day``; NaN when either is unknown), the records likewise
    (``records_day``), the completion on the day, and whether the commune reported that day. One binary
    search per commune and day over the history (the heat map, the sparklines, a commune's own trend)."""
    days = np.arange(first - 1, to + 1, dtype=np.int64)  # one day more: the first day's difference
    nd = len(days)
    base = h.base[rows][:, None]
    idx = np.searchsorted(h.key, (base + days[None, :]).ravel(), side="right") - 1
    idx = np.where(idx >= np.repeat(h.starts[rows], nd), idx, -1)
    total, done = h.in_measure(measure, idx)
    done = done.reshape(len(rows), nd)
    records = h.at("records_digitized", idx).reshape(len(rows), nd)
    row_day = (_take(h.key, idx, 0).reshape(len(rows), nd) - base)
    reported = (idx.reshape(len(rows), nd) >= 0) & (row_day == days[None, :])
    return {"books_day": done[:, 1:] - done[:, :-1], "records_day": records[:, 1:] - records[:, :-1],
            "completion_pct": _completion(total, done.ravel()).reshape(len(rows), nd)[:, 1:],
            "reported": reported[:, 1:]}


def _sparklines(con: store.Connection, v: View, days: int, measure: str | None = None) -> dict[str, np.ndarray]:
    """Each commune's figure digitized per day over the ``days`` days up to D (0 for an unknown day), from
    the history: the leagues' sparklines. ``measure`` "books" picks the view's measure, else the records."""
    h = _history(con, v.province, v.depth)
    rows = np.arange(h.n, dtype=np.int64)
    m = _commune_days(h, v.measure, rows, _day_number(v.as_of) - (days - 1), _day_number(v.as_of))
    values = np.nan_to_num(m["books_day" if (measure or v.measure) == "books" else "records_day"], nan=0.0)
    return dict(zip(h.commune_code, values))


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
    spark = _sparklines(con, v, days, measure)
    df = df.copy()
    df["trend"] = [spark[c].tolist() for c in df["commune_code"]]
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
    spark = _sparklines(con, v, days, measure)
    per_district: dict[Any, np.ndarray] = {}
    for code, district in zip(communes["commune_code"], communes["district_code"]):
        if isinstance(district, str):
            per_district[district] = per_district.get(district, 0.0) + spark[code]
    table["trend"] = [per_district[d].tolist() if d in per_district else [0.0] * days for d in table["district_code"]]
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

    every_note = _explanations(con, v.province)
    on_d = every_note[pd.to_datetime(every_note["explained_on"]) <= pd.Timestamp(v.as_of)]
    # without a commitment given by D none can be missed: the commitments' queries are skipped
    missed = closing.missed_commitments(con, v) if on_d["new_completion_date"].notna().any() else {}
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
    # each commune's latest explanation on or before D (LATEST_EXPLANATIONS): the first of the newest-first list
    notes = on_d.drop_duplicates("commune_code", keep="first").set_index("commune_code")
    for col in ("reason", "new_completion_date", "responsible", "explained_on"):
        bad["explanation_" + col if col != "explained_on" else "explained_on"] = [
            _none(notes.at[c, col]) if c in notes.index else None for c in bad["commune_code"]]
    cols = ["commune_code", "commune", "district_code", "district", "completion_pct", "planned_pct", "gap_pct",
            "last_report", "days_since_report", "books_total", "books_digitized", "recent_per_day", "status",
            "reasons", "explanation_reason", "explanation_new_completion_date", "explanation_responsible",
            "explained_on", "missed_commitment_date"]
    return bad[cols].reset_index(drop=True)


def _explanations(con: store.Connection, province: str) -> pd.DataFrame:
    """Every explanation of the province, newest first (kept per data version, shared: only read): each
    as-of date of the Underperformers page takes its own from it without a query."""
    return _memo_shared(con, "explanations", (province,), lambda: store.explanations(con, province))


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
    # the reports, uploads and explanations of a commune do not depend on D: read once per data version
    every = _memo_shared(con, "commune_reports", (commune_code,), lambda: _commune_reports(con, commune_code))
    history = every[[d <= v.as_of for d in every["report_date"]]].reset_index(drop=True)
    uploads_ = _memo(con, "commune_uploads", (commune_code,),
                     lambda: con.execute(queries.COMMUNE_UPLOADS, [commune_code]).df())
    notes = _explanations(con, v.province)
    notes = notes[notes["commune_code"] == commune_code].reset_index(drop=True)
    return {"status": rec, "trend": daily, "history": history, "uploads": uploads_, "explanations": notes}


def _commune_reports(con: store.Connection, commune_code: str) -> pd.DataFrame:
    history = con.execute(queries.COMMUNE_REPORTS, [commune_code, _FAR]).df()
    history["report_date"] = _dates(history["report_date"])
    return history


def status_columns(con: store.Connection, v: View) -> pd.DataFrame:
    """Each commune's code, target, completion and status on D, as the commune table has them, straight
    from the view's state (the national map asks for every province's)."""
    h, st = _state(con, v)
    return pd.DataFrame({
        "commune_code": h.commune_code, "books_total": _int_column(st["books_total"]),
        "completion_pct": st["completion_pct"],
        "status": _statuses(st, v),
    })


def _statuses(st: dict[str, Any], v: View) -> list[str]:
    return [classify(c, p, v.amber) for c, p in zip(st["completion_pct"].tolist(), st["planned_pct"].tolist())]


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
