"""The benchmark's quick mode runs end to end (so it never rots); its generator and baselines are right.

No time is asserted here: the figures depend on the machine (see bench/results/results.md).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

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
    assert "## Targets" in md and "slowest analytics function" in md
    assert "cli_summary" in quick and "median" in quick["cli_summary"]


# --- the column-wise fast path of ingest (analytics/ingest/bulk.py) gives the walk's outcome -------------

FAST_HEADER = ["STT", "Ngày báo cáo", "Mã xã", "Xã", "Tổng số sổ", "Số sổ đã số hóa", "Ghi chú"]
TAN_THANH = ["20335", "Phường Tân Thạnh"]
PHUOC_HOA = ["20338", "Phường Phước Hòa"]
FAST_CASES = {
    # name: (rows, whether the fast path builds the table); the same rules then check either table
    "plain": ([[1, "06/03/2025", *TAN_THANH, 1000, 400, "x"], [2, "06/03/2025", *PHUOC_HOA, 900, 501, ""]], True),
    "thousands_and_iso": ([[1, "2025-03-06", *TAN_THANH, "1.000", "400", ""]], True),
    "lower_than_before": ([[1, "06/03/2025", *TAN_THANH, 1000, 100, ""]], True),
    "before_campaign": ([[1, "01/02/2025", *TAN_THANH, 1000, 400, ""]], True),
    "duplicate": ([[1, "06/03/2025", *TAN_THANH, 1000, 400, ""], [2, "06/03/2025", *TAN_THANH, 1000, 400, ""]],
                  True),
    "duplicate_differs": ([[1, "06/03/2025", *TAN_THANH, 1000, 400, ""],
                           [2, "06/03/2025", *TAN_THANH, 1000, 450, ""]], True),
    "over_total": ([[1, "06/03/2025", *TAN_THANH, 100, 400, ""]], True),
    "bad_date": ([[1, "32/03/2025", *TAN_THANH, 1000, 400, ""]], True),
    "future_date": ([[1, "06/03/2030", *TAN_THANH, 1000, 400, ""]], True),
    "not_a_number": ([[1, "06/03/2025", *TAN_THANH, "nhiều", "-4", ""]], True),
    "total_from_plan": ([[1, "06/03/2025", *TAN_THANH, "", 400, ""]], True),
    "name_mismatch": ([[1, "06/03/2025", "20335", "Xã Không Có", 1000, 400, ""]], False),
    "total_row": ([[1, "06/03/2025", *TAN_THANH, 1000, 400, ""], ["", "06/03/2025", "", "Tổng cộng", 1000, 400, ""]],
                  False),
    "unknown_code": ([[1, "06/03/2025", "99999", "Xã Mới", 1000, 400, ""]], False),
    "blank_template_row": ([[1, "06/03/2025", *TAN_THANH, "", "", ""]], False),
}


@pytest.mark.parametrize("case", list(FAST_CASES))
def test_fast_path_matches_the_general_path(con, case):
    from analytics import readers
    from analytics.ingest import bulk, layout
    from analytics.ingest.prepare import check_table, units_of
    from support import csv_bytes

    store.commit_reports(con, file_name="earlier.csv", sha256="e", province_code="49", rows=pd.DataFrame({
        "row_no": [2], "commune_code": ["20335"], "report_date": [date(2025, 3, 1)], "books_total": [1000],
        "books_digitized": [300], "records_digitized": [None]}))
    rows, plain = FAST_CASES[case]
    data = csv_bytes(FAST_HEADER, rows)
    today = date(2025, 3, 20)
    units = units_of(con, None)
    fast = ingest.Prepared(file_name="f.csv", sha256="", rows=ingest.EMPTY_ROWS.copy())
    built = bulk.plain_csv(fast, data, units)
    assert (built is not None) is plain
    general = ingest.Prepared(file_name="f.csv", sha256="", rows=ingest.EMPTY_ROWS.copy())
    walked = layout.Walk(con, general, readers.read_table("f.csv", data), units, report_date=None).run()
    check_table(con, general, walked, units, today)
    if not plain:
        assert fast.rows.empty and not fast.warnings and not fast.errors  # untouched: the walk decides
        return
    check_table(con, fast, built, units, today)
    assert [p.as_dict("en") for p in fast.errors] == [p.as_dict("en") for p in general.errors]
    assert fast.rows.equals(general.rows.reset_index(drop=True))  # same values, same (Python) types
    assert [w.as_dict("en") for w in fast.warnings] == [w.as_dict("en") for w in general.warnings]
    assert (fast.new_reports, fast.replaced_reports, fast.province_code, fast.columns, fast.ignored_columns) == \
        (general.new_reports, general.replaced_reports, general.province_code, general.columns,
         general.ignored_columns)
    if case == "lower_than_before":
        assert [w.problem_key for w in fast.warnings] == ["check.lower_than_before"]
        assert fast.warnings[0].params == {"previous": 300, "date": "01/03/2025"}
    if case in ("over_total", "bad_date", "future_date", "duplicate_differs"):
        assert fast.errors and fast.rows.empty


# --- the dashboard's speed-ups keep answers exact ------------------------------------------------------


def test_commune_table_memo_follows_the_data_version(demo_con, monkeypatch):
    monkeypatch.setattr(metrics, "MEMO_SIZE", 8)
    metrics._MEMO.clear()
    v = metrics.view(demo_con, "49", date(2025, 3, 1), measure="books")  # the figures written below are books
    first = metrics.commune_status(demo_con, v)
    assert sum(1 for key in metrics._MEMO if "commune_status" in key) == 1
    first.loc[0, "books_digitized"] = -1  # a caller changing its copy does not change the memo
    again = metrics.commune_status(demo_con, v)
    assert again["books_digitized"].iloc[0] != -1
    code = str(again["commune_code"].iloc[0])
    # a write bumps the data version: the next answer is computed again and shows the new figure
    store.commit_reports(demo_con, file_name="x.csv", sha256="x", province_code="49", source="app", rows=pd.DataFrame({
        "row_no": [2], "commune_code": [code], "report_date": [date(2025, 3, 1)], "books_total": [5000],
        "books_digitized": [4321], "records_digitized": [None]}))
    fresh = metrics.commune_status(demo_con, v)
    assert int(fresh.loc[fresh["commune_code"] == code, "books_digitized"].iloc[0]) == 4321
    # inside a what-if overlay nothing is served from, or kept in, the memo
    kept = dict(metrics._MEMO)
    with store.what_if(demo_con, pd.DataFrame({
            "commune_code": [code], "report_date": [date(2025, 3, 1)], "books_total": [5000],
            "books_digitized": [10], "records_digitized": [None]})):
        inside = metrics.commune_status(demo_con, v)
        assert int(inside.loc[inside["commune_code"] == code, "books_digitized"].iloc[0]) == 10
    assert metrics._MEMO.keys() == kept.keys()
    metrics._MEMO.clear()


@pytest.mark.parametrize("day", [date(2025, 2, 1), date(2025, 2, 21), date(2025, 3, 1), date(2025, 3, 5),
                                 date(2025, 12, 31)])
@pytest.mark.parametrize("district", [None, "FIRST"])
def test_trend_sliced_from_the_memo_equals_the_trend_computed_for_the_day(demo_con, monkeypatch, day, district):
    """The whole history is computed once and each D takes its rows: the same frame as the query up to D."""
    v = metrics.view(demo_con, "49", day)
    if district == "FIRST":
        district = str(metrics.district_options(demo_con, "49")["district_code"].iloc[0])
    monkeypatch.setattr(metrics, "MEMO_SIZE", 0)
    plain = metrics.trend(demo_con, v, district)
    monkeypatch.setattr(metrics, "MEMO_SIZE", 8)
    metrics._MEMO.clear()
    metrics.trend(demo_con, metrics.view(demo_con, "49", date(2025, 3, 5)), district)  # the memo holds the history
    memo = metrics.trend(demo_con, v, district)
    assert any("trend" in key for key in metrics._MEMO)
    pd.testing.assert_frame_equal(memo, plain)
    metrics._MEMO.clear()


@pytest.mark.parametrize("day", [date(2025, 2, 10), date(2025, 2, 21), date(2025, 3, 5), date(2025, 12, 31)])
@pytest.mark.parametrize("days", [1, 14, 60])
@pytest.mark.parametrize("scope", ["province", "district", "commune"])
def test_commune_daily_sliced_from_the_history_equals_the_query(demo_con, monkeypatch, day, days, scope):
    v = metrics.view(demo_con, "49", day)
    units = store.units_frame(demo_con, "49")
    district = str(units["district_code"].iloc[-1]) if scope == "district" else None
    commune = str(units["commune_code"].iloc[3]) if scope == "commune" else None
    monkeypatch.setattr(metrics, "MEMO_SIZE", 0)
    plain = metrics.commune_daily(demo_con, v, days, district, commune)
    monkeypatch.setattr(metrics, "MEMO_SIZE", 8)
    metrics._MEMO.clear()
    memo = metrics.commune_daily(demo_con, v, days, district, commune)
    if plain.empty:  # an empty result has no string column type to compare
        assert memo.empty and list(memo.columns) == list(plain.columns)
    else:
        pd.testing.assert_frame_equal(memo, plain)
    metrics._MEMO.clear()


@pytest.mark.parametrize("name", ["overview", "commune_league", "district_league", "underperformers_full",
                                  "district_table", "summary_json", "commune_detail"])
def test_page_answers_are_the_same_with_the_memo(demo_con, monkeypatch, name):
    """Each page answer is memoized per view (and the tables under it): a second call, and a call for
    another day after the first, give what the plain computation gives."""
    calls = {
        "overview": lambda v: metrics.overview(demo_con, v),
        "commune_league": lambda v: metrics.commune_league(demo_con, v),
        "district_league": lambda v: metrics.district_league(demo_con, v),
        "underperformers_full": lambda v: metrics.underperformers_full(demo_con, v),
        "district_table": lambda v: metrics.district_table(demo_con, v),
        "summary_json": lambda v: metrics.summary_json(demo_con, v.province, v.as_of),
        "commune_detail": lambda v: metrics.commune_detail(
            demo_con, v, str(metrics.commune_status(demo_con, v)["commune_code"].iloc[2])),
    }
    days = [date(2025, 3, 5), date(2025, 2, 27), date(2025, 3, 5)]
    monkeypatch.setattr(metrics, "MEMO_SIZE", 0)
    plain = [calls[name](metrics.view(demo_con, "49", d)) for d in days]
    monkeypatch.setattr(metrics, "MEMO_SIZE", 32)
    metrics._MEMO.clear()
    memo = [calls[name](metrics.view(demo_con, "49", d)) for d in days]
    for a, b in zip(memo, plain):
        for x, y in zip(*((list(d.values()) if isinstance(d, dict) else [d]) for d in (a, b))):
            if isinstance(x, pd.DataFrame):
                pd.testing.assert_frame_equal(x, y)
            else:
                assert x == y
    metrics._MEMO.clear()


def test_view_memo_gives_the_same_view_and_follows_the_version(demo_con, monkeypatch):
    monkeypatch.setattr(metrics, "MEMO_SIZE", 8)
    metrics._MEMO.clear()
    first = metrics.view(demo_con, "49", date(2025, 3, 1))
    assert metrics.view(demo_con, "49", date(2025, 3, 1)) is first
    store.set_setting(demo_con, first.province, "amber_points", "3")  # a write bumps the data version
    assert metrics.view(demo_con, "49", date(2025, 3, 1)).amber == 3.0
    metrics._MEMO.clear()


def test_summary_command_loads_no_dashboard_library(demo_file):
    """``python -m analytics summary`` is a script's call: it must not pay for the charts, the dashboard,
    the Word report or the Excel readers (the import alone took most of its second), nor for pandas and
    pyarrow: its figures come from the view's numpy state."""
    code = ("import runpy, sys\n"
            f"sys.argv = ['analytics', 'summary', '--db', {str(demo_file)!r}]\n"
            "try:\n    runpy.run_module('analytics', run_name='__main__')\nexcept SystemExit as exc:\n"
            "    assert not exc.code, exc.code\n"
            "heavy = ('plotly', 'streamlit', 'kaleido', 'docx', 'rapidfuzz', 'python_calamine', 'openpyxl', 'odf',\n"
            "         'pandas', 'pyarrow')\n"
            "print('LOADED', sorted(m for m in heavy if m in sys.modules))\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path(__file__).resolve().parent.parent / "src"),
                                                       os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "LOADED []"


def test_keep_open_lets_another_process_in(tmp_path):
    import subprocess
    import sys
    import time

    db = tmp_path / "k.duckdb"
    store.connect(db).close()
    try:
        assert store.keep_open(db, 30.0)
        with store.session(db) as con:
            assert store.data_version(con) >= 0
        code = f"from analytics import store\nwith store.session({str(db)!r}) as c: print(store.data_version(c))"
        started = time.monotonic()
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                              env={**__import__("os").environ, "HOTICH_LOCK_TIMEOUT": "20"})
        assert proc.returncode == 0, proc.stderr
        assert time.monotonic() - started < 20  # released at once when the other process waited
        assert str(db) not in store._PARKED
    finally:
        store.release()
