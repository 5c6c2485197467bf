"""The import rules (analytics/ingest/rules.py): each rule once, over whole columns, naming every failing row.

The rules run on the clean table whichever way it was built: walked from an office's layout
(``layout.Walk``) or read column-wise from a plain CSV (``bulk``); a property checks both give the same
problems for the same table.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics import ingest, readers
from analytics.ingest import bulk, layout, model, rules
from analytics.ingest.prepare import check_table, units_of
from support import csv_bytes

TODAY = date(2025, 3, 20)
LABEL = {"report_date": "Ngày báo cáo", "commune_code": "Mã xã", "books_total": "Tổng số sổ",
         "books_digitized": "Số sổ đã số hóa", "records_digitized": "Số trường hợp đã số hóa",
         "records_total": "Tổng số trường hợp", "extra:percent": "Tỷ lệ (%)"}


def fake_units(targets: dict[str, int | None] | None = None) -> model.Units:
    """Two units of province 49, named by their code in messages."""
    codes = ["20335", "20338"]
    targets = {"20335": 1000, "20338": None} if targets is None else targets
    index = SimpleNamespace(label=lambda c: f"Xã {c}")
    communes = pd.DataFrame({"commune_code": codes, "district_code": ["502", "502"]})
    return model.Units(communes, targets, {c: "49" for c in codes}, index=index)


def table(rows: list[dict], given: date | None = None, fallback: date | None = None) -> model.Table:
    """A clean table from rows of cells ({"row": 7, "unit": "20335", "report_date": "06/03/2025", ...})."""
    columns = sorted({k for r in rows for k in r} - {"row", "unit"})
    cells = {c: [r.get(c) for r in rows] for c in columns}
    return model.Table(np.array([r["row"] for r in rows], dtype=np.int64),
                       np.array([r.get("unit", "20335") for r in rows], dtype=object), cells,
                       {c: LABEL[c] for c in [*columns, "commune_code"]}, fallback_date=fallback, given_date=given)


def checked(t: model.Table, units: model.Units | None = None) -> tuple[list[model.Problem], list[model.Problem]]:
    prep = model.Prepared("f.xlsx", "", model.EMPTY_ROWS.copy())
    out = rules.check_rows(prep, t, units or fake_units())
    errors = [p.problem for p in sorted(out.problems, key=lambda p: (p.row, p.rank))]
    return errors, out.warnings


def row(n: int, date_cell: object = "06/03/2025", total: object = 1000, digitized: object = 400, **more) -> dict:
    return {"row": n, "report_date": date_cell, "books_total": total, "books_digitized": digitized, **more}


# one case per rule: (table, given date, fallback date, expected (row, column, value, key, params) of the problem)
RULES = {
    "date_unreadable": ([row(7, "32/03/2025")], None, None,
                        (7, "Ngày báo cáo", "32/03/2025", "value.bad_date", {})),
    "date_differs": ([row(7, "05/03/2025")], date(2025, 3, 6), date(2025, 3, 6),
                     (7, "Ngày báo cáo", "05/03/2025", "check.date_differs", {"given": "06/03/2025"})),
    "date_missing": ([row(7, None)], None, None, (7, "Ngày báo cáo", None, "check.date_missing", {})),
    "not_a_number": ([row(7, digitized="nhiều")], None, None,
                     (7, "Số sổ đã số hóa", "nhiều", "value.not_number", {})),
    "not_whole": ([row(7, total="10,5")], None, None, (7, "Tổng số sổ", "10,5", "value.not_whole", {})),
    "negative": ([row(7, digitized=-4)], None, None, (7, "Số sổ đã số hóa", "-4", "value.negative", {})),
    "records_total_negative": ([row(7, records_digitized=3, records_total="-3")], None, None,
                               (7, "Tổng số trường hợp", "-3", "value.negative", {})),
    "total_missing": ([{**row(7, total=None), "unit": "20338"}], None, None,
                      (7, "Tổng số sổ", None, "check.total_missing", {})),
    "digitized_missing": ([row(7, digitized=None)], None, None,
                          (7, "Số sổ đã số hóa", None, "check.digitized_missing", {})),
    "over_total": ([row(7, total=100, digitized=400)], None, None,
                   (7, "Số sổ đã số hóa", "400", "check.over_total", {"total": 100})),
    "records_over_total": ([row(7, records_digitized=50, records_total=40)], None, None,
                           (7, "Số trường hợp đã số hóa", "50", "check.records_over_total", {"total": 40})),
}


@pytest.mark.parametrize("case", list(RULES))
def test_each_rule_names_its_row(case):
    rows, given, fallback, (row_no, column, value, key, params) = RULES[case]
    errors, _ = checked(table(rows, given, fallback))
    [e] = errors
    assert (e.file, e.row, e.column, e.value, e.problem_key, e.params) == ("f.xlsx", row_no, column, value, key,
                                                                          params)
    assert e.fix_key.startswith("fix.") and e.severity == "error"


@pytest.mark.parametrize("rows,expected", [
    ([row(7, "05/03/2025"), row(8, None)], ["05/03/2025", "06/03/2025"]),  # an empty date cell takes the file's
    ([row(7, total=None)], [1000]),  # an empty total takes the unit's planned total
])
def test_what_a_row_may_leave_out(rows, expected):
    t = table(rows, fallback=date(2025, 3, 6))
    out = rules.check_rows(model.Prepared("f.xlsx", "", model.EMPTY_ROWS.copy()), t, fake_units())
    assert not out.problems
    got = out.dates if isinstance(expected[0], str) else out.counts["books_total"]
    assert [v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in got] == expected


def test_percent_that_disagrees_is_a_warning():
    errors, [w] = checked(table([row(7, **{"extra:percent": "40%"}), row(8, **{"extra:percent": "55"})]))
    assert not errors
    assert (w.row, w.column, w.value, w.problem_key, w.severity) == (8, "Tỷ lệ (%)", "55", "check.pct_mismatch",
                                                                      "warning")


def test_a_file_with_several_bad_rows_names_every_one():
    """Not just the first: every bad row is named, in the file's order, each at its sheet row."""
    t = table([row(5), row(6, total=100, digitized=400), row(7, "31/02/2025"), row(8, total=10, digitized=11),
               row(9, digitized="x"), row(10), row(11, total=5, digitized=6)])
    errors, _ = checked(t)
    assert [(e.row, e.problem_key) for e in errors] == [
        (6, "check.over_total"), (7, "value.bad_date"), (8, "check.over_total"), (9, "value.not_number"),
        (11, "check.over_total")]


def test_several_problems_of_one_row_in_reading_order():
    errors, _ = checked(table([row(4, "x", total="-1", digitized="y")]))
    assert [(e.row, e.problem_key, e.column) for e in errors] == [
        (4, "value.bad_date", "Ngày báo cáo"), (4, "value.negative", "Tổng số sổ"),
        (4, "value.not_number", "Số sổ đã số hóa")]


@pytest.mark.parametrize("second,key,severity", [
    (row(9), "check.duplicate_same", "warning"),
    (row(9, digitized=450), "check.duplicate", "error"),
])
def test_the_same_commune_twice(second, key, severity):
    t = table([row(4), row(5, unit="20338"), second])
    prep = model.Prepared("f.xlsx", "", model.EMPTY_ROWS.copy())
    out = rules.check_rows(prep, t, fake_units({"20335": 1000, "20338": 900}))
    keep = rules.duplicates(prep, t, out, fake_units())
    [p] = prep.errors + prep.warnings
    assert (p.row, p.value, p.problem_key, p.severity, p.params) == (9, "Xã 20335", key, severity, {"first_row": 4})
    assert list(t.row_no[keep]) == [4, 5]


def test_dates_after_today_and_before_the_campaign(con):
    t = table([row(4, "06/03/2030"), row(5, "01/01/2020"), row(6, "07/03/2030")])
    prep = model.Prepared("f.xlsx", "", model.EMPTY_ROWS.copy(), date_source="column")
    units = fake_units()
    out = rules.check_rows(prep, t, units)
    keep = rules.duplicates(prep, t, out, units)
    rules.dates(con, prep, t, out, keep, rules.provinces(t, out, keep, units), TODAY)
    assert [(e.row, e.value, e.problem_key) for e in prep.errors] == [
        (4, "06/03/2030", "check.date_future"), (6, "07/03/2030", "check.date_future")]
    [w] = prep.warnings
    assert (w.row, w.problem_key) == (5, "check.date_before_campaign")


def test_a_national_sized_table_keeps_numpy_columns(monkeypatch):
    monkeypatch.setattr(model, "OBJECT_ROWS", 2)
    t = table([row(4), row(5, unit="20338", total=900)])
    t.cells["books_total"] = [1000, 900, 800][:2]
    out = rules.check_rows(model.Prepared("f.csv", "", model.EMPTY_ROWS.copy()), t, fake_units())
    frame = rules.rows_frame(t, out, np.arange(2))
    assert list(frame["books_total"]) == [1000, 900]
    monkeypatch.setattr(model, "OBJECT_ROWS", 1)
    frame = rules.rows_frame(t, out, np.arange(2))
    assert frame["books_total"].dtype == np.int64 and str(frame["records_digitized"].dtype) == "Int64"


def test_a_file_through_prepare_names_every_bad_row(con):
    header = ["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"]
    data = csv_bytes(header, [["06/03/2025", "20335", "100", "400"], ["06/03/2025", "20338", "100", "10"],
                              ["06/03/2025", "20341", "50", "60"], ["06/03/2025", "20344", "1.5", "1"]])
    prep = ingest.prepare(con, data, "bao-cao.csv", today=TODAY)
    assert [(e.row, e.column, e.problem_key) for e in prep.errors] == [
        (2, "Số sổ đã số hóa", "check.over_total"), (4, "Số sổ đã số hóa", "check.over_total"),
        (5, "Tổng số sổ", "value.not_whole")]
    assert prep.rows.empty


@pytest.mark.parametrize("title", [[], ["UBND TỈNH QUẢNG NAM", ""]])  # read by pyarrow, or by readers
def test_records_to_do_follow_the_books_rules(con, title):
    header = ["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa", "Tổng số trường hợp",
              "Số trường hợp đã số hóa"]
    rows = [["06/03/2025", "20335", "100", "10", "50", "60"], ["06/03/2025", "20338", "100", "10", "-5", "1"],
            ["06/03/2025", "20341", "100", "10", "70", "71"]]
    data = ("\n".join(title) + ("\n" if title else "")).encode() + csv_bytes(header, rows)
    prep = ingest.prepare(con, data, "bao-cao.csv", today=TODAY)
    first = 2 + len(title)
    assert [(e.row, e.column, e.problem_key) for e in prep.errors] == [
        (first, "Số trường hợp đã số hóa", "check.records_over_total"),
        (first + 1, "Tổng số trường hợp", "value.negative"),
        (first + 2, "Số trường hợp đã số hóa", "check.records_over_total")]


# --- the fast path and the office path give the same problems ------------------------------------------------

CODES = ["20335", "20338", "20341", "0020344"]
DATE_CELLS = ["06/03/2025", "2025-03-05", "06/03/2030", "01/01/2020", "32/01/2025", "", "hôm qua"]
COUNT_CELLS = st.one_of(st.integers(0, 3000).map(str), st.sampled_from(["", "1.000", "-5", "2,5", "nhiều", "0"]))


@st.composite
def plain_tables(draw):
    n = draw(st.integers(1, 8))
    rows = []
    for _ in range(n):
        total, digitized = draw(COUNT_CELLS), draw(COUNT_CELLS)
        if not total and not digitized:
            digitized = "1"  # a row without any figure is a template row: the walk's, by design
        rows.append([draw(st.sampled_from(DATE_CELLS)), draw(st.sampled_from(CODES)), total, digitized])
    name = draw(st.sampled_from(["bao-cao.csv", "bao-cao-06-03-2025.csv"]))
    return name, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plain_tables())
def test_fast_path_and_office_path_give_the_same_problems(con, case):
    name, rows = case
    data = csv_bytes(["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"], rows)
    units = units_of(con, None)
    fast = model.Prepared(name, "", model.EMPTY_ROWS.copy())
    built = bulk.plain_csv(fast, data, units)
    assert built is not None  # a plain table of known codes: the fast path builds it
    check_table(con, fast, built, units, TODAY)
    office = model.Prepared(name, "", model.EMPTY_ROWS.copy())
    walked = layout.Walk(con, office, readers.read_table(name, data), units, report_date=None).run()
    check_table(con, office, walked, units, TODAY)
    assert [p.as_dict("en") for p in fast.errors] == [p.as_dict("en") for p in office.errors]
    assert [p.as_dict("en") for p in fast.warnings] == [p.as_dict("en") for p in office.warnings]
    assert fast.rows.equals(office.rows.reset_index(drop=True))


def test_the_rules_are_written_once():
    """No rule is decided outside the rules: their message keys appear in rules.py (and the model's table of
    "done ≤ to do" pairs) and in no other module of the package; the fast path imports no prepare/ingest."""
    from pathlib import Path

    root = Path(rules.__file__).parent
    keys = ["check.over_total", "check.records_over_total", "check.date_future", "check.duplicate",
            "check.duplicate_same", "check.date_before_campaign", "check.total_missing",
            "check.digitized_missing", "check.date_missing", "check.date_differs", "check.pct_mismatch"]
    where = {key: sorted(p.name for p in root.glob("*.py") if f'"{key}"' in p.read_text(encoding="utf-8"))
             for key in keys}
    assert where == {key: (["model.py"] if "over_total" in key else ["rules.py"]) for key in keys}
    bulk_text = (root / "bulk.py").read_text(encoding="utf-8")
    assert "import prepare" not in bulk_text and "ingest.prepare" not in bulk_text
