"""The country: every province of a unit structure ranked by the same definitions as a province's
communes, the national totals and trend, and the map of every commune.

A province counts with its own campaign (start, deadline) and its own as-of state; the national figures
are sums over the provinces that have figures, and the national plan is their target-weighted mean (as a
province's is of its communes). It works the same for the 63 provinces of 1 Jan 2025 and the 34 of
1 Jul 2025: the structure is chosen, the figures roll up into it (``structures``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from analytics import metrics, queries, store, structures

PROVINCE_COLUMNS = ["province_code", "province", "books_total", "books_digitized", "completion_pct", "planned_pct",
                    "gap_pct", "recent_per_day", "required_per_day", "projected_finish", "units_total",
                    "units_reporting", "units_reported_on_day", "reporting_rate", "units_completed", "status",
                    "deadline", "as_of"]


@dataclass(frozen=True)
class Country:
    """The national picture on a day, in one structure."""

    structure: structures.Structure
    as_of: date
    provinces: pd.DataFrame      # one row per province of the structure (PROVINCE_COLUMNS), best first
    totals: dict                 # the national sums (as a province's summary)
    trend: pd.DataFrame          # day, books_total, books_digitized, completion_pct, planned_pct, per day
    view: metrics.View           # start: the earliest campaign start; deadline: the latest deadline


def _structure(con: store.Connection, structure: str | date | None, as_of: date | None) -> structures.Structure:
    if isinstance(structure, str) and structure:
        found = [s for s in structures.all_structures(con) if s.key == structure]
        if found:
            return found[0]
        structure = date.fromisoformat(structure)
    return structures.in_force(con, structure or as_of)


def provinces_with_figures(con: store.Connection, s: structures.Structure) -> list[str]:
    """Provinces of ``s`` whose communes have reports of their own or roll some up from older structures
    (memoized per data version)."""
    return list(metrics._memo_shared(con, "provinces_with_figures", (s,), lambda: tuple(_with_figures(con, s))))


def _with_figures(con: store.Connection, s: structures.Structure) -> list[str]:
    frame = structures.provinces(con)
    here = set(frame.loc[frame["structure_id"] == s.id, "province_code"])
    out: list[str] = []
    for rec in frame[frame["reports"] > 0].to_dict("records"):
        code = rec["province_code"]
        if code in here:
            out.append(code)
            continue
        older = rec["effective_from"] is None or (s.effective_from is not None
                                                  and pd.Timestamp(rec["effective_from"]).date() < s.effective_from)
        if not older:
            continue  # reports of a newer structure do not count here
        try:
            mapped = structures.province_in(con, code, s.effective_from or date.min)
        except Exception:  # a province with no successor in this structure: nothing to add
            continue
        if mapped in here:
            out.append(mapped)
    return sorted(set(out))


def country(con: store.Connection, structure: str | date | None = None, as_of: date | str | None = None,
            measure: str | None = None) -> Country:
    """Every province of the structure in force on ``structure`` (a key or a date; default: on D), on D
    (default: the latest report among the provinces with figures), in one measure for all (sums of records
    and books would mean nothing): ``measure``, else the default measure all those provinces share, else books.

    Memoized per data version and question (each caller gets its own frames): every province's totals come
    from its as-of state, itself read from its history kept per version, so a new D costs no query."""
    day = metrics._day(as_of)
    c = metrics._memo_shared(con, "country", (structure, day, measure, date.today()),
                             lambda: _country(con, structure, day, measure))
    return dataclasses.replace(c, provinces=c.provinces.copy(), totals=dict(c.totals), trend=c.trend.copy())


def _country(con: store.Connection, structure: str | date | None, day: date | None, measure: str | None) -> Country:
    s = _structure(con, structure, day)
    with_figures = provinces_with_figures(con, s)
    for p in with_figures:  # every province's state needs its history: read first, it also gives the dates
        metrics._history(con, p, metrics._province_facts(con, p)[1])
    if measure is None:
        defaults = {metrics.default_measure(con, p) for p in with_figures}
        measure = defaults.pop() if len(defaults) == 1 else "books"
    views = {p: metrics.view(con, p, day, exact=True, measure=measure) for p in with_figures}
    if day is None:  # one day for the country: the latest report; only the provinces behind it again
        day = max((v.as_of for v in views.values()), default=date.today())
        views = {p: v if v.as_of == day else metrics.view(con, p, day, exact=True, measure=measure)
                 for p, v in views.items()}
    rows = []
    trends: list[tuple[np.ndarray, dict[str, np.ndarray]]] = []
    for p, v in views.items():
        sm = metrics.province_totals(con, v)  # the totals only: 63 district tables cost more than the page
        gap = None if sm["planned_pct"] is None or sm["completion_pct"] is None \
            else sm["planned_pct"] - sm["completion_pct"]
        rows.append({
            "province_code": p, "province": sm["province_name"], "books_total": sm["books_total"],
            "books_digitized": sm["books_digitized"], "completion_pct": sm["completion_pct"],
            "planned_pct": sm["planned_pct"], "gap_pct": gap, "recent_per_day": sm["recent_per_day"],
            "required_per_day": sm["required_per_day"], "projected_finish": sm["projected_finish"],
            "units_total": sm["units_total"], "units_reporting": sm["units_reporting"],
            "units_reported_on_day": sm["units_reported_on_day"],
            "reporting_rate": 100.0 * sm["units_reported_on_day"] / sm["units_total"] if sm["units_total"] else None,
            "units_completed": sm["units_completed"],
            "status": metrics.classify(sm["completion_pct"], sm["planned_pct"], v.amber),
            "deadline": v.deadline, "as_of": v.as_of,
        })
        trends.append(metrics.trend_sums(con, v))
    others = metrics._memo_shared(con, "structure_provinces", (s.id,), lambda: structures.provinces(con, s.id))
    for rec in others[~others["province_code"].isin(with_figures)].to_dict("records"):
        rows.append({"province_code": rec["province_code"], "province": rec["province_name"], "books_total": 0,
                     "books_digitized": 0, "completion_pct": None, "planned_pct": None, "gap_pct": None,
                     "recent_per_day": None, "required_per_day": None, "projected_finish": None,
                     "units_total": int(rec["communes"]), "units_reporting": 0, "units_reported_on_day": 0,
                     "reporting_rate": 0.0, "units_completed": 0, "status": "no_data", "deadline": None,
                     "as_of": day})
    table = pd.DataFrame(rows, columns=PROVINCE_COLUMNS)
    table["_c"] = table["completion_pct"].astype("float64")
    table = table.sort_values(["_c", "province"], ascending=[False, True], na_position="last") \
        .drop(columns="_c").reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    start = min((v.start for v in views.values()), default=day)
    deadline = max((v.deadline for v in views.values()), default=day)
    nv = metrics.View(province="", as_of=day, start=start, deadline=deadline, campaign_name="", measure=measure)
    return Country(s, day, table, _totals(table, nv), _national_trend(trends), nv)


def _totals(table: pd.DataFrame, v: metrics.View) -> dict:
    """The national sums, in the keys of a province's summary."""
    rep = table[table["status"] != "no_data"]
    total = float(rep["books_total"].sum())
    done = float(rep["books_digitized"].sum())
    planned = (rep["planned_pct"].astype("float64") * rep["books_total"]).sum() / total if total else None
    recent = float(rep["recent_per_day"].fillna(0).sum())
    remaining = max(total - done, 0.0)
    return {
        "books_total": int(total), "books_digitized": int(done),
        "completion_pct": 100.0 * done / total if total else None, "planned_pct": planned,
        "recent_per_day": recent, "required_per_day": float(rep["required_per_day"].fillna(0).sum()),
        "remaining": remaining, "provinces_total": int(len(table)), "provinces_reporting": int(len(rep)),
        "units_total": int(table["units_total"].sum()), "units_reporting": int(table["units_reporting"].sum()),
        "units_reported_on_day": int(table["units_reported_on_day"].sum()),
        "projected_finish": metrics._project(v.as_of, remaining, recent) if len(rep) else None,
    }


def _national_trend(trends: list[tuple[np.ndarray, dict[str, np.ndarray]]]) -> pd.DataFrame:
    """Day by day sums of the provinces' trends (a province counts from its first report on; a sum of
    nothing known is unknown)."""
    cols = ["day", *metrics.TREND_SUMS]
    if not trends:
        return pd.DataFrame(columns=[*cols, "completion_pct", "planned_pct", "digitized_per_day", "avg7_per_day"])
    days, where = np.unique(np.concatenate([d for d, _ in trends]), return_inverse=True)
    df = pd.DataFrame({"day": [metrics._from_day_number(d) for d in days.tolist()]})
    for col in metrics.TREND_SUMS:
        values = np.concatenate([t[col] for _, t in trends])
        known = ~np.isnan(values)
        sums = np.bincount(where, weights=np.where(known, values, 0.0), minlength=len(days))
        df[col] = np.where(np.bincount(where, weights=known, minlength=len(days)) > 0, sums, np.nan)
    total = df["books_total"].astype("float64")
    df["completion_pct"] = (100.0 * df["books_digitized"] / total).where(total > 0)
    df["planned_pct"] = (100.0 * df["planned_books"] / total).where(total > 0)
    df["digitized_per_day"] = df["books_digitized"].astype("float64").diff()
    df["avg7_per_day"] = df["digitized_per_day"].rolling(7, min_periods=1).mean()
    return df


def ranking_frame(c: Country) -> pd.DataFrame:
    """The provinces in the shape the ranking chart draws (district, completion, planned, status)."""
    return c.provinces.rename(columns={"province": "district", "province_code": "district_code"})


def map_frame(con: store.Connection, c: Country) -> pd.DataFrame:
    """Every commune of the structure with its centroid, target and status, for the national map
    (memoized per data version and country; each caller gets its own copy)."""
    return metrics._memo(con, "country_map", (c.structure.id, c.as_of, c.view.measure,
                                              tuple(c.provinces.loc[c.provinces["status"] != "no_data",
                                                                    "province_code"])),
                         lambda: _map_frame(con, c))


def _map_frame(con: store.Connection, c: Country) -> pd.DataFrame:
    units = con.execute(queries.COMMUNES_WITH_CENTROIDS, [c.structure.id]).df()
    parts = []
    for p in c.provinces.loc[c.provinces["status"] != "no_data", "province_code"]:
        v = metrics.view(con, p, c.as_of, exact=True, measure=c.view.measure)
        parts.append(metrics.status_columns(con, v))
    status = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["commune_code", "books_total", "completion_pct", "status"])
    frame = units.merge(status, on="commune_code", how="left")
    frame["status"] = frame["status"].fillna("no_data")
    frame["books_total"] = frame["books_total"].fillna(0)
    return frame
