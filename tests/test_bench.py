"""The benchmark's quick mode runs end to end (so it never rots); its generator and baselines are right.

No time is asserted here: the figures depend on the machine (see bench/results/results.md).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from analytics import ingest, metrics, store
from bench import generate, naive
from bench import run as bench_run


def test_national_units_follow_the_code_conventions():
    units = generate.national_units(communes=400, districts=30, provinces=4)
    assert len({r["province_code"] for r in units}) == 4
    codes = [r["commune_code"] for r in units]
    assert len(codes) == len(set(codes)) == 400
    assert all(len(r["province_code"]) == 2 and len(r["district_code"]) == 3 and len(r["commune_code"]) == 5
               for r in units)
    assert all(store.canonical_code(c) == c for c in codes)
    # Quảng Nam keeps its real list; made-up names are unique within their province
    qn = [r for r in units if r["province_code"] == "49"]
    assert len(qn) == len(generate.province_units())
    for p in {r["province_code"] for r in units}:
        names = [r["commune_name"] for r in units if r["province_code"] == p]
        assert len(names) == len(set(names))


def test_year_reports_are_cumulative_with_gaps():
    units = generate.national_units(communes=300, districts=20, provinces=3)
    year = generate.year_reports(units, days=40)
    assert year["report_date"].max() == pd.Timestamp(generate.END)
    assert year["report_date"].min() >= pd.Timestamp(generate.END - timedelta(days=39))
    assert len(year) < 300 * 40  # some days carry no report, some communes never report
    assert not year.duplicated(["commune_code", "report_date"]).any()
    ordered = year.sort_values(["commune_code", "report_date"])
    steps = ordered.groupby("commune_code")["books_digitized"].diff().dropna()
    assert (steps >= 0).all()
    assert (year["books_digitized"] <= year["books_total"]).all()


def test_daily_file_and_backfill_go_through_ingest(tmp_path):
    """A day's CSV and .xlsx and a history with many dates are accepted by ``ingest`` like any file."""
    units = generate.national_units(communes=300, districts=20, provinces=3)
    year = generate.year_reports(units, days=20)
    con = store.connect(tmp_path / "b.duckdb")
    try:
        store.replace_units(con, units)
        history = generate.history_csv(year)
        result = ingest.ingest_file(con, history, "lich-su.csv", today=date(2025, 3, 20))
        assert result.rows == len(year)
        assert len(result.report_dates) == 20
        assert store.report_count(con) == len(year)
        day = generate.END + timedelta(days=1)
        frame = generate.day_reports(units, year, day)
        for name, data in (("ngay.csv", generate.daily_csv(frame)), ("ngay.xlsx", generate.daily_xlsx(frame))):
            prep = ingest.prepare(con, data, name, today=date(2025, 3, 20))
            assert not prep.errors, [p.as_dict("en") for p in prep.errors[:3]]
            assert len(prep.rows) == len(frame)
            assert prep.report_dates == [day.isoformat()]
        assert ingest.commit(con, prep).rows == len(frame)
        assert store.report_count(con) == len(year) + len(frame)
    finally:
        con.close()


def test_naive_baselines_agree_with_metrics(tmp_path):
    units = generate.national_units(communes=300, districts=20, provinces=3)
    year = generate.year_reports(units, days=30)
    con = store.connect(tmp_path / "n.duckdb")
    try:
        store.replace_units(con, units)
        store.commit_reports(con, file_name="y", sha256="y", rows=year.assign(row_no=range(2, len(year) + 2)),
                             province_code=None)
        v = metrics.view(con, "49", generate.END)
        s = metrics.summary(con, "49", v.as_of)
        p = naive.summary(con, "49", v.as_of, v.start, v.deadline)
        assert (p["books_total"], p["books_digitized"], p["units_reporting"]) == \
            (s["books_total"], s["books_digitized"], s["units_reporting"])
        t = metrics.trend(con, v)
        nt = naive.trend(con, "49", v.as_of, t["day"].iloc[0])
        assert int(nt["books_digitized"].iloc[-1]) == int(t["books_digitized"].iloc[-1])
        under = metrics.underperformers(con, "49", v.as_of)
        assert set(naive.underperformers(con, "49", v.as_of, v.start, v.deadline)["commune_code"]) == \
            set(under["commune_code"])
    finally:
        con.close()


@pytest.mark.slow
def test_quick_mode_runs_end_to_end(tmp_path):
    assert bench_run.main(["--quick", "--out", str(tmp_path / "out"), "--results", str(tmp_path / "res")]) == 0
    doc = json.loads((tmp_path / "res" / "results.json").read_text())
    md = (tmp_path / "res" / "results.md").read_text()
    quick = doc["scales"]["quick"]
    assert quick["communes"] == 320 and quick["report_rows"] > 0
    a = quick["analytics"]["49"]
    for name in ("summary", "underperformers", "trend", "district_table", "commune_status"):
        assert "median" in a[name], a[name]
    assert a["check_totals_agree"] is True
    assert quick["ingest"]["csv"]["rows"] == quick["ingest"]["xlsx"]["rows"] > 0
    assert quick["ingest"]["row_by_row"]["n"] >= 1
    assert quick["backfill"]["rows"] == quick["report_rows"]
    assert "error" not in quick["pages"], quick["pages"]
    assert quick["pages"]["pages"]["overview.py"]["warm"]["n"] == 1
    assert not quick["pages"]["exceptions"]
    assert "## Targets" in md and "slowest analytics query" in md
