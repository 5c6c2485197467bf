"""The baselines: the same answers computed the naive way.

* analytics: pandas over the whole history, loaded from the database at every
  question (load everything, filter, sort, group), as an app without SQL would;
* ingest: the day's rows parsed with ``csv`` and written with one INSERT per row.

These mirror the definitions of ``metrics`` (latest report on or before D per
commune, plan from the campaign start to the deadline) closely enough to be
the same work; the bench checks that the headline totals agree.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics import store
from analytics.values import parse_count, parse_date

REPORT_COLUMNS = "commune_code, report_date, books_total, books_digitized, records_digitized"


def load_all(con: store.Connection) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every report and every commune, into pandas."""
    reports = con.execute(f"SELECT {REPORT_COLUMNS} FROM reports").df()  # noqa: S608 (constant text)
    units = con.execute("SELECT code AS commune_code, name AS commune, province_code, district_code, sort_order "
                        "FROM units WHERE level = 'commune'").df()
    return reports, units


def commune_status(reports: pd.DataFrame, units: pd.DataFrame, province: str, as_of: date, start: date,
                   deadline: date, window: int = 3) -> pd.DataFrame:
    """Latest report on or before D per commune, the week-ago figure and the plan, in pandas."""
    u = units[units["province_code"] == province]
    day = pd.Timestamp(as_of)
    r = reports[reports["commune_code"].isin(u["commune_code"]) & (reports["report_date"] <= day)]
    r = r.sort_values(["commune_code", "report_date"])
    latest = r.groupby("commune_code").last()
    week = r[r["report_date"] <= day - pd.Timedelta(days=7)].groupby("commune_code")["books_digitized"].last()
    pct = np.where(r["books_total"] == 0, 100.0, 100.0 * r["books_digitized"] / r["books_total"].where(
        r["books_total"] != 0, 1))
    r = r.assign(pct=pct)
    pre = r[r["report_date"] <= pd.Timestamp(start)].groupby("commune_code")["pct"].last()
    first = r.groupby("commune_code")["pct"].first()
    first_date = r.groupby("commune_code")["report_date"].first()
    df = u.set_index("commune_code").join(latest, how="left")
    df["digitized_week_ago"] = week
    base = pre.reindex(df.index).fillna(first.reindex(df.index))
    base_date = pd.Series(pd.Timestamp(start), index=df.index).where(pre.reindex(df.index).notna(),
                                                                     first_date.reindex(df.index))
    span = (pd.Timestamp(deadline) - base_date).dt.days.clip(lower=1)
    gone = (day - base_date).dt.days
    df["planned_pct"] = (base + (100 - base) * gone / span).clip(upper=100.0)
    df["completion_pct"] = np.where(df["books_total"] == 0, 100.0,
                                    100.0 * df["books_digitized"] / df["books_total"].where(df["books_total"] != 0))
    df["not_reporting"] = df["report_date"].isna() | (df["report_date"] < day - pd.Timedelta(days=window - 1))
    df["behind"] = df["completion_pct"] < df["planned_pct"]
    return df.reset_index()


def summary(con: store.Connection, province: str, as_of: date, start: date, deadline: date) -> dict[str, Any]:
    reports, units = load_all(con)
    df = commune_status(reports, units, province, as_of, start, deadline)
    rep = df[df["report_date"].notna()]
    districts = rep.groupby("district_code")[["books_total", "books_digitized"]].sum()
    return {"books_total": int(rep["books_total"].sum()), "books_digitized": int(rep["books_digitized"].sum()),
            "units_reporting": len(rep), "districts": len(districts)}


def underperformers(con: store.Connection, province: str, as_of: date, start: date, deadline: date) -> pd.DataFrame:
    reports, units = load_all(con)
    df = commune_status(reports, units, province, as_of, start, deadline)
    bad = df[df["behind"] | df["not_reporting"]].copy()
    bad["gap"] = (bad["planned_pct"] - bad["completion_pct"]).fillna(float("inf"))
    return bad.sort_values(["gap", "sort_order"], ascending=[False, True])


def trend(con: store.Connection, province: str, as_of: date, first: date) -> pd.DataFrame:
    """Totals per day: a commune × day grid carried forward (pivot, forward fill, sum)."""
    reports, units = load_all(con)
    codes = units.loc[units["province_code"] == province, "commune_code"]
    r = reports[reports["commune_code"].isin(codes) & (reports["report_date"] <= pd.Timestamp(as_of))]
    days = pd.date_range(pd.Timestamp(min(first, as_of)), pd.Timestamp(as_of), freq="D")
    out = {}
    for col in ("books_total", "books_digitized"):
        grid = r.pivot(index="report_date", columns="commune_code", values=col).sort_index()
        grid = grid.reindex(grid.index.union(days)).ffill().reindex(days)
        out[col] = grid.sum(axis=1)
    return pd.DataFrame(out)


def row_by_row_ingest(con: store.Connection, data: bytes, file_name: str) -> int:
    """Parse the day's CSV and write it one INSERT per row (one transaction, no checks beyond parsing)."""
    text = data.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text))
    next(reader)
    upload_id = int(con.execute("SELECT nextval('upload_seq')").fetchone()[0])
    n = 0
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO uploads (id, file_name, sha256, uploaded_at, row_count, outcome) "
                "VALUES (?, ?, 'naive', now(), 0, 'loaded')", [upload_id, file_name])
    for i, row in enumerate(reader, start=2):
        day = parse_date(row[0])
        code = store.canonical_code(row[2])
        values = [code, day, parse_count(row[4]), parse_count(row[5]), parse_count(row[6])]
        con.execute("INSERT INTO report_rows (upload_id, row_no, commune_code, report_date, books_total, "
                    "books_digitized, records_digitized) VALUES (?, ?, ?, ?, ?, ?, ?)", [upload_id, i, *values])
        con.execute("INSERT OR REPLACE INTO reports (commune_code, report_date, books_total, books_digitized, "
                    "records_digitized, upload_id) VALUES (?, ?, ?, ?, ?, ?)", [*values, upload_id])
        n += 1
    con.execute("COMMIT")
    return n


def first_day(as_of: date, days: int) -> date:
    return as_of - timedelta(days=days - 1)
