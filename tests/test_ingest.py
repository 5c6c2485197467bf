"""The importer: the corpus of real-world shapes (tests/data/corpus), the canonical contract, checks, CLI, changes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from analytics import config, ingest, store
from analytics.errors import IngestRejected
from analytics.ingest import layout
from support import csv_bytes, json_lines

CORPUS = Path(__file__).parent / "data" / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


# every test that touches a database runs on the DuckDB file and on PostgreSQL (conftest's ``backend``)
BOTH_BACKENDS = True


@pytest.fixture
def fresh_db(place: str) -> str:
    """The CLI's database, ready before the CLI opens it: the file or the URL ``run_cli`` passes to ``--db``."""
    return place


def _figures(con) -> dict[str, tuple[int, int]]:
    df = con.execute("SELECT commune_code, books_total, books_digitized FROM reports").df()
    return {r.commune_code: (int(r.books_total), int(r.books_digitized)) for r in df.itertuples()}


def _state(con, *, version: bool = True) -> tuple:
    """Everything a rejected file must leave alone. On PostgreSQL every transaction, the one that only logs
    a rejected attempt included, moves the data version (each row carries the version that wrote it, and
    the other processes' mirrors catch up by it): ``version=False`` leaves it out."""
    reports = con.execute("SELECT * FROM reports ORDER BY ALL").fetchall()
    rows = con.execute("SELECT * FROM report_rows ORDER BY ALL").fetchall()
    loaded = con.execute("SELECT id, outcome FROM uploads WHERE outcome <> 'rejected' ORDER BY id").fetchall()
    return reports, rows, loaded, store.data_version(con) if version else None


# --- the corpus ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", MANIFEST, ids=[f"{c['file']}{'-' + c['case'] if c.get('case') else ''}"
                                                for c in MANIFEST])
def test_corpus(con, backend, case):
    data = (CORPUS / case["file"]).read_bytes()
    given = date.fromisoformat(case["date"]) if case.get("date") else None
    before = _state(con, version=backend == "duckdb")
    prep = ingest.prepare(con, data, case["file"], report_date=given, sheet=case.get("pick_sheet"))
    assert sorted({w.problem_key for w in prep.warnings}) == case["warnings"], [w.as_dict("en") for w in prep.warnings]
    if not case["load"]:
        got = [(p.row, p.problem_key) for p in prep.errors]
        assert got == [(e["row"], e["key"]) for e in case["errors"]], [p.as_dict("en") for p in prep.errors]
        for p, e in zip(prep.errors, case["errors"]):
            if "column" in e:
                assert p.column == e["column"]
            if "value" in e:
                assert p.value == e["value"]
            if "mentions" in e:
                assert e["mentions"] in p.as_dict("vi")["problem"]
            d = p.as_dict("vi")
            assert d["problem"] and d["fix"] and d["problem"] != p.problem_key and d["fix"] != p.fix_key
        with pytest.raises(IngestRejected):
            ingest.ingest_file(con, data, case["file"], report_date=given, sheet=case.get("pick_sheet"))
        assert _state(con, version=backend == "duckdb") == before  # nothing written but the logged attempt
        assert store.uploads(con).iloc[0]["outcome"] == "rejected"
        return
    assert prep.errors == [], [p.as_dict("en") for p in prep.errors]
    assert len(prep.rows) == case["rows"]
    assert prep.report_dates == case["report_dates"]
    for key in ("sheet", "header_row", "date_source"):
        if key in case:
            assert getattr(prep, key) == case[key]
    if "skipped" in case:
        assert len(prep.skipped) == case["skipped"]
    result = ingest.commit(con, prep)
    assert result.rows == case["rows"] and not result.unchanged
    if "figures" in case:
        assert _figures(con) == {k: tuple(v) for k, v in case["figures"].items()}


def test_official_report_recognition(con):
    """The official shape: header rows 8-9 merged, numbering row, district rows, Tổng cộng, signatures."""
    prep = ingest.prepare(con, (CORPUS / "bao_cao_chinh_thuc.xlsx").read_bytes(), "bao_cao_chinh_thuc.xlsx")
    assert prep.header_row == 8 and prep.header_rows == 2
    assert prep.columns["books_total"] == "Số lượng sổ hộ tịch (quyển) Tổng số"
    assert prep.columns["books_digitized"] == "Số lượng sổ hộ tịch (quyển) Đã số hóa"
    assert prep.columns["commune"] == "Đơn vị"
    assert [s["kind"] for s in prep.skipped] == ["numbering", "heading", "heading", "total", "footer"]
    assert prep.skipped[1]["row"] == 11 and prep.skipped[1]["text"] == "Thành phố Tam Kỳ"
    assert prep.rows["row_no"].iloc[0] == 12  # the sheet's own row number
    assert "UBND TỈNH QUẢNG NAM" in prep.title_lines[0]
    assert prep.rows_read == 35 and prep.communes_matched == 30


def test_row_numbers_in_excel_errors(con, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["UBND TỈNH QUẢNG NAM"])
    ws.append(["Báo cáo ngày 25/02/2025"])
    ws.append([])
    ws.append(["Mã xã", "Tên xã", "Tổng số sổ", "Số sổ đã số hóa"])
    ws.append(["20335", "Phường Tân Thạnh", 100, 50])
    ws.append(["20338", "Phường Phước Hòa", 100, 150])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    prep = ingest.prepare(con, path.read_bytes(), "r.xlsx")
    [e] = prep.errors
    assert (e.row, e.column, e.value, e.problem_key) == (6, "Số sổ đã số hóa", "150", "check.over_total")


# --- the canonical file on the tiny unit list and the real one -----------------------------------

TINY_HEADER = ["report_date", "district", "commune_code", "commune", "books_total", "books_digitized"]


@pytest.mark.parametrize("code", ["90001", "090001", "90001.0", " 90001 "])
def test_code_spellings(tiny_con, code):
    prep = ingest.prepare(tiny_con, csv_bytes(TINY_HEADER, [["2025-02-25", "", code, "", "10", "5"]]), "c.csv")
    assert prep.errors == [] and list(prep.rows["commune_code"]) == ["90001"]


@pytest.mark.parametrize("code", ["20335", "020335", "20335.0"])
def test_code_spellings_real_list(con, code):
    prep = ingest.prepare(con, csv_bytes(TINY_HEADER, [["2025-02-25", "", code, "Tân Thạnh", "10", "5"]]), "c.csv")
    assert prep.errors == [] and list(prep.rows["commune_code"]) == ["20335"]


def test_excel_number_code(con, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"])
    wb.active.append([date(2025, 2, 25), 20335.0, 100, 40])
    path = tmp_path / "n.xlsx"
    wb.save(path)
    prep = ingest.prepare(con, path.read_bytes(), "n.xlsx")
    assert prep.errors == [] and list(prep.rows["commune_code"]) == ["20335"]
    assert prep.report_dates == ["2025-02-25"]


@pytest.mark.parametrize("name,ok", [("Xã An Hòa", True), ("An Hoà", True), ("an hoa", True),
                                     ("Xã Bình Hòa", False)])
def test_code_with_name(tiny_con, name, ok):
    prep = ingest.prepare(tiny_con, csv_bytes(TINY_HEADER, [["2025-02-25", "", "90001", name, "10", "5"]]), "c.csv")
    assert prep.ok is ok
    if not ok:
        assert prep.errors[0].problem_key == "check.name_mismatch_commune"


@pytest.mark.parametrize("district,name,code", [
    ("Huyện Một", "Xã An Hoà", "90001"),
    ("huyen mot", "an hoa", "90001"),
    ("H. Một", "Bình Thủy", "90002"),       # new tone placement for the list's "Thuỷ"
    ("Một", "TT. Cẩm Lệ", "90003"),
    ("Huyện Hai", "P. Tân Thạnh", "90004"),
    ("Huyện Hai", "Tam Ky", "90005"),        # accents ignored only as a fallback
    ("Huyện Hai", "XÃ   TAM  KỲ", "90005"),
])
def test_name_matching_tiny(tiny_con, district, name, code):
    prep = ingest.prepare(tiny_con, csv_bytes(TINY_HEADER, [["2025-02-25", district, "", name, "10", "5"]]), "c.csv")
    assert prep.errors == [], [p.as_dict("en") for p in prep.errors]
    assert list(prep.rows["commune_code"]) == [code]


def test_names_ambiguous_without_accents_are_not_guessed(con):
    rows = [["2025-02-25", "Huyện Phú Ninh", "", "Tam Dan", "10", "5"],
            ["2025-02-25", "Huyện Phú Ninh", "", "Tam Đàn", "10", "5"],
            ["2025-02-25", "Huyện Nam Trà My", "", "Xã Trà Dơn", "10", "5"]]
    prep = ingest.prepare(con, csv_bytes(TINY_HEADER, rows), "a.csv")
    [e] = prep.errors
    assert (e.row, e.problem_key) == (2, "check.ambiguous_commune")
    assert "20374" in e.params["candidates"] and "20392" in e.params["candidates"]
    assert prep.unmatched[0]["codes"] == ["20374", "20392"]


def test_unknown_name_lists_candidates_and_alias_is_remembered(con):
    rows = [["2025-02-25", "Thành phố Tam Kỳ", "", "Phường Tân Thanh Mới", "10", "5"]]
    data = csv_bytes(TINY_HEADER, rows)
    prep = ingest.prepare(con, data, "u.csv")
    [e] = prep.errors
    assert e.problem_key == "check.unknown_commune" and "20335" in e.params["candidates"]
    [u] = prep.unmatched
    assert u["codes"][0] == "20335" and u["district_code"] == "502"
    store.add_alias(con, "49", u["district_code"], u["alias_key"], "20335")
    again = ingest.prepare(con, data, "u.csv")
    assert again.errors == [] and list(again.rows["commune_code"]) == ["20335"]


@pytest.mark.parametrize("name,code", [("Phường Phước Hòa", "20338"), ("Xã Phước Hoà", "20729"),
                                       ("P. Phước Hoà", "20338"), ("Phước Hòa", None), ("Thị trấn Phước Hòa", None)])
def test_district_required_only_for_names_found_in_several(con, name, code):
    """Without a district, a name is looked up in the whole province; the type word tells "Phường Phước Hòa"
    (Tam Kỳ) from "Xã Phước Hoà" (Phước Sơn); a name still in several districts needs the district column."""
    prep = ingest.prepare(con, csv_bytes(["report_date", "commune", "books_total", "books_digitized"],
                                         [["2025-02-25", name, "10", "5"], ["2025-02-25", "Xã Tam Ngọc", "10", "5"]]),
                          "d.csv")
    if code is None:
        assert [(p.row, p.problem_key, p.column) for p in prep.errors] == [
            (1, "check.missing_column", "district (Huyện)")]
    else:
        assert prep.errors == [] and list(prep.rows["commune_code"]) == [code, "20389"]


def test_books_total_from_target_and_report_wins(tiny_con, tmp_path):
    from support import TINY_UNITS, write_units_csv

    rows = [r + (str(100 * (i + 1)),) for i, r in enumerate(TINY_UNITS)]
    store.replace_units(tiny_con, store.read_units_csv(write_units_csv(tmp_path / "t.csv", rows, ["books_total"])))
    header = ["report_date", "commune_code", "books_digitized"]
    prep = ingest.prepare(tiny_con, csv_bytes(header, [["2025-02-25", "90002", "50"]]), "t.csv")
    assert prep.errors == [] and int(prep.rows["books_total"].iloc[0]) == 200
    header = ["report_date", "commune_code", "books_total", "books_digitized"]
    prep = ingest.prepare(tiny_con, csv_bytes(header, [["2025-02-25", "90002", "300", "50"]]), "t.csv")
    assert int(prep.rows["books_total"].iloc[0]) == 300
    # without a target the total is required
    prep = ingest.prepare(tiny_con, csv_bytes(["report_date", "commune_code", "books_digitized"],
                                              [["2025-02-25", "90002", "50"]]), "t.csv")
    assert prep.errors == []
    tiny_con.execute("UPDATE units SET books_total = NULL")
    prep = ingest.prepare(tiny_con, csv_bytes(["report_date", "commune_code", "books_digitized"],
                                              [["2025-02-25", "90002", "50"]]), "t.csv")
    assert [(p.row, p.problem_key) for p in prep.errors] == [(2, "check.total_missing")]


@pytest.mark.parametrize("rows,expected", [
    ([["2025-02-25", "", "90001", "", "10.5", "5"]], [(2, "books_total", "value.not_whole")]),
    ([["2025-02-25", "", "90001", "", "10", "-5"]], [(2, "books_digitized", "value.negative")]),
    ([["2025-02-25", "", "90001", "", "10", "năm"]], [(2, "books_digitized", "value.not_number")]),
    ([["2025-02-25", "", "90001", "", "10", "11"]], [(2, "books_digitized", "check.over_total")]),
    ([["25/13/2025", "", "90001", "", "10", "5"]], [(2, "report_date", "value.bad_date")]),
    ([["2025-02-25", "", "99999", "", "10", "5"]], [(2, "commune_code", "check.unknown_commune")]),
    ([["2025-02-25", "", "90001", "", "10", "5"], ["2025-02-25", "", "090001", "", "10", "6"]],
     [(3, "commune_code", "check.duplicate")]),
    ([["2025-02-25", "", "", "", "10", "5"]], [(2, "commune_code", "check.no_commune")]),
])
def test_canonical_errors(tiny_con, rows, expected):
    prep = ingest.prepare(tiny_con, csv_bytes(TINY_HEADER, rows), "e.csv")
    assert [(p.row, p.column, p.problem_key) for p in prep.errors] == expected


def test_date_given_and_differing(tiny_con):
    header = ["report_date", "commune_code", "books_total", "books_digitized"]
    data = csv_bytes(header, [["", "90001", "10", "5"], ["2025-02-25", "90002", "10", "5"]])
    prep = ingest.prepare(tiny_con, data, "d.csv", report_date=date(2025, 2, 25))
    assert prep.errors == [] and prep.report_dates == ["2025-02-25"]
    prep = ingest.prepare(tiny_con, data, "d.csv", report_date=date(2025, 2, 26))
    assert [(p.row, p.problem_key) for p in prep.errors] == [(3, "check.date_differs")]
    prep = ingest.prepare(tiny_con, data, "d.csv")
    assert [(p.row, p.problem_key) for p in prep.errors] == [(2, "check.date_missing")]


def test_title_date_and_form_date(con):
    lines = "UBND TỈNH QUẢNG NAM\nBáo cáo ngày 25 tháng 02 năm 2025\nMã xã,Tổng số sổ,Số sổ đã số hóa\n20335,100,50\n"
    prep = ingest.prepare(con, lines.encode(), "x.csv")
    assert prep.errors == [] and prep.report_dates == ["2025-02-25"] and prep.date_source == "title"
    assert prep.header_row == 3 and list(prep.rows["row_no"]) == [4]
    prep = ingest.prepare(con, lines.encode(), "x.csv", report_date=date(2025, 2, 24))
    assert prep.report_dates == ["2025-02-24"]
    assert [w.problem_key for w in prep.warnings] == ["check.date_title_differs"]


def test_future_is_error_before_campaign_is_warning(tiny_con):
    header = ["report_date", "commune_code", "books_total", "books_digitized"]
    prep = ingest.prepare(tiny_con, csv_bytes(header, [["2025-03-02", "90001", "10", "5"]]), "f.csv",
                          today=date(2025, 3, 1))
    assert [p.problem_key for p in prep.errors] == ["check.date_future"]
    prep = ingest.prepare(tiny_con, csv_bytes(header, [["2025-02-20", "90001", "10", "5"]]), "f.csv",
                          today=date(2025, 3, 1))
    assert prep.errors == [] and [w.problem_key for w in prep.warnings] == ["check.date_before_campaign"]


def test_too_large(tiny_con, use_settings):
    use_settings(max_upload_mb=100 / 1024 / 1024)
    prep = ingest.prepare(tiny_con, b"a," * 100, "big.csv")
    assert [p.problem_key for p in prep.errors] == ["read.too_large"]


# --- writes: lower figures, idempotence, withdrawal, preview ------------------------------------------------

H = ["report_date", "commune_code", "books_total", "books_digitized"]


def test_lower_than_before_is_a_warning(tiny_con):
    ingest.ingest_file(tiny_con, csv_bytes(H, [["2025-02-24", "90001", "100", "50"]]), "a.csv")
    prep = ingest.prepare(tiny_con, csv_bytes(H, [["2025-02-25", "90001", "100", "40"],
                                                  ["2025-02-25", "90002", "100", "40"]]), "b.csv")
    assert prep.errors == []
    [w] = prep.warnings
    assert (w.row, w.problem_key, w.params) == (2, "check.lower_than_before", {"previous": 50, "date": "24/02/2025"})
    assert (prep.new_reports, prep.replaced_reports) == (2, 0)
    with pytest.raises(IngestRejected):
        ingest.ingest_file(tiny_con, csv_bytes(H, [["2025-02-25", "90001", "100", "40"]]), "b.csv", strict=True)
    result = ingest.ingest_file(tiny_con, csv_bytes(H, [["2025-02-25", "90001", "100", "40"]]), "b.csv")
    assert [w.problem_key for w in result.warnings] == ["check.lower_than_before"]


def test_same_file_twice_changes_nothing(tiny_con, backend):
    data = csv_bytes(H, [["2025-02-25", "90001", "100", "50"]])
    first = ingest.ingest_file(tiny_con, data, "a.csv")
    version, before = store.data_version(tiny_con), _state(tiny_con, version=False)
    again = ingest.ingest_file(tiny_con, data, "copy.csv")
    assert again.unchanged and again.upload_id == first.upload_id
    assert _state(tiny_con, version=False) == before and len(store.uploads(tiny_con)) == 1
    if backend == "duckdb":  # on PostgreSQL the transaction that found nothing new still moves it (_state)
        assert store.data_version(tiny_con) == version


def test_withdraw_restores_previous_figures(tiny_con):
    first = ingest.ingest_file(tiny_con, csv_bytes(H, [["2025-02-25", "90001", "100", "50"],
                                                       ["2025-02-25", "90002", "100", "10"]]), "a.csv")
    second = ingest.ingest_file(tiny_con, csv_bytes(H, [["2025-02-25", "90001", "100", "60"],
                                                        ["2025-02-26", "90001", "100", "70"]]), "b.csv")
    assert _figures(tiny_con)["90001"] in {(100, 60), (100, 70)}
    assert store.withdraw_upload(tiny_con, second.upload_id, user="tester") == 2
    rows = tiny_con.execute("SELECT commune_code, report_date, books_digitized, upload_id FROM reports "
                            "ORDER BY ALL").fetchall()
    assert rows == [("90001", date(2025, 2, 25), 50, first.upload_id), ("90002", date(2025, 2, 25), 10, first.upload_id)]
    log = store.uploads(tiny_con).set_index("upload_id")
    assert log.loc[second.upload_id, "outcome"] == "withdrawn" and log.loc[second.upload_id, "withdrawn_by"] == "tester"
    # the same file again after a withdrawal is loaded anew (the withdrawn upload is not "in force")
    third = ingest.ingest_file(tiny_con, csv_bytes(H, [["2025-02-25", "90001", "100", "60"],
                                                       ["2025-02-26", "90001", "100", "70"]]), "b.csv")
    assert not third.unchanged
    store.withdraw_upload(tiny_con, first.upload_id)
    rows = tiny_con.execute("SELECT commune_code, report_date, books_digitized FROM reports ORDER BY ALL").fetchall()
    assert rows == [("90001", date(2025, 2, 25), 60), ("90001", date(2025, 2, 26), 70)]


def test_change_preview_writes_nothing(tiny_con):
    ingest.ingest_file(tiny_con, csv_bytes(H, [["2025-02-25", "90001", "100", "50"],
                                               ["2025-02-25", "90002", "300", "100"]]), "a.csv")
    before = _state(tiny_con)
    prep = ingest.prepare(tiny_con, csv_bytes(H, [["2025-02-26", "90001", "100", "90"],
                                                  ["2025-02-25", "90002", "300", "150"],
                                                  ["2025-02-26", "90003", "200", "20"]]), "b.csv")
    change = ingest.change_preview(tiny_con, prep)
    assert (change["new_reports"], change["replaced_reports"]) == (2, 1)
    assert change["as_of"] == date(2025, 2, 26)
    # before: (50 + 100) / 400; after: (90 + 150 + 20) / (100 + 300 + 200)
    assert change["completion_before"] == pytest.approx(100 * 150 / 400)
    assert change["completion_after"] == pytest.approx(100 * 260 / 600)
    assert _state(tiny_con) == before


def test_change_preview_on_demo_replaces_the_demo(demo_con):
    prep = ingest.prepare(demo_con, csv_bytes(H, [["2025-03-05", "20335", "100", "25"]]), "r.csv")
    change = ingest.change_preview(demo_con, prep)
    assert change["completion_after"] == pytest.approx(25.0)
    assert store.is_demo(demo_con)


# --- the command line ----------------------------------------------------------------------------------

def test_cli_rejected_contract(fresh_db, run_cli, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa"],
                               [["25/02/2025", "20335", "100", "40"], ["25/02/2025", "20338", "100", "-1"]]))
    code, out, err = run_cli("ingest", str(path), "--json")
    assert code == 2
    [obj] = json_lines(out)
    assert obj["ok"] is False and obj["file"] == str(path)
    [e] = obj["errors"]
    assert {k: e[k] for k in ("file", "row", "column", "value")} == {"file": "bad.csv", "row": 3,
                                                                    "column": "Số sổ đã số hóa", "value": "-1"}
    assert e["problem"] == "Số âm" and e["fix"].startswith("Ghi số nguyên")
    assert "dòng 3" in err and "Số sổ đã số hóa" in err
    with store.session(fresh_db) as con:
        assert store.report_count(con) == 0
        assert list(store.uploads(con)["outcome"]) == ["rejected"]


def test_cli_warnings_printed_and_strict(fresh_db, run_cli, tmp_path):
    path = tmp_path / "base.csv"
    path.write_bytes(csv_bytes(H, [["2025-02-18", "20335", "100", "10"]]))
    code, out, err = run_cli("ingest", str(path), "--strict", "--json")
    assert code == 2 and json_lines(out)[0]["ok"] is False
    code, out, err = run_cli("ingest", str(path), "--json")
    assert code == 0 and "21/02/2025" in err
    obj = json_lines(out)[0]
    assert obj["ok"] and obj["rows"] == 1 and obj["report_dates"] == ["2025-02-18"]


def test_cli_sheet_option(fresh_db, run_cli):
    path = CORPUS / "hai_trang.xlsx"
    code, out, err = run_cli("ingest", str(path), "--sheet", "25-02", "--json")
    assert code == 0, err
    code, out, err = run_cli("ingest", str(path), "--sheet", "Không có", "--json")
    assert code == 2 and json_lines(out)[0]["errors"][0]["problem"].startswith("Không có trang tính")


def test_cli_and_page_share_one_path(fresh_db, run_cli):
    code, out, _ = run_cli("ingest", str(CORPUS / "bao_cao_chinh_thuc.xlsx"), "--json")
    assert code == 0
    obj = json_lines(out)[0]
    assert (obj["rows"], obj["communes"], obj["report_dates"]) == (30, 30, ["2025-02-25"])
    with store.session(fresh_db) as con:
        frame = con.execute("SELECT * FROM report_rows").df()
    assert frame["row_no"].min() == 12
    assert isinstance(frame, pd.DataFrame)


def test_cli_refuses_a_file_over_the_limit_unread(fresh_db, run_cli, tmp_path, use_settings):
    use_settings(max_upload_mb=1)
    path = tmp_path / "huge.csv"
    path.write_bytes(b"Ma xa,So so da so hoa\n" + b"20335,1\n" * 400_000)  # 3.2 MB
    code, out, err = run_cli("ingest", str(path), "--json")
    assert code == 2
    [e] = json_lines(out)[0]["errors"]
    assert e["problem"] == "Tệp quá lớn (3.1 MB, tối đa 1.0 MB)"


def test_upload_limit_matches_streamlit_setting():
    import os
    import tomllib

    streamlit = tomllib.loads((Path(__file__).parent.parent / ".streamlit" / "config.toml").read_text())
    if "HOTICH_MAX_UPLOAD_MB" not in os.environ:
        assert streamlit["server"]["maxUploadSize"] * 1024 * 1024 == config.max_upload_bytes()


def test_cli_withdraw(fresh_db, run_cli, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(csv_bytes(H, [["2025-02-25", "20335", "100", "40"]]))
    b.write_bytes(csv_bytes(H, [["2025-02-25", "20335", "100", "60"]]))
    run_cli("ingest", str(a))
    code, out, _ = run_cli("ingest", str(b), "--json")
    up = json_lines(out)[0]["upload_id"]
    code, out, _ = run_cli("withdraw", str(up), "--json", "--user", "tester")
    assert code == 0 and json_lines(out)[0] == {"upload_id": up, "ok": True, "reports": 1}
    with store.session(fresh_db) as con:
        assert con.execute("SELECT books_digitized FROM reports").fetchall() == [(40,)]
    code, _, err = run_cli("withdraw", str(up))
    assert code == 1 and str(up) in err


# --- the office corpus: files made and saved by LibreOffice (tests/data/make_office_corpus.py) -------------

OFFICE = CORPUS / "office"
OFFICE_MANIFEST = json.loads((OFFICE / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.duckdb_only  # how LibreOffice's files are read; the corpus above checks writing on both backends
@pytest.mark.parametrize("case", OFFICE_MANIFEST, ids=[c["file"] for c in OFFICE_MANIFEST])
def test_office_corpus(con, case):
    """Each class of office file, in each format LibreOffice writes, loads with the figures drawn into it
    (per district: communes, Σ books_total, Σ books_digitized) or is refused with the expected problem."""
    prep = ingest.prepare(con, (OFFICE / case["file"]).read_bytes(), case["file"], today=date(2025, 3, 1))
    assert sorted({w.problem_key for w in prep.warnings}) == case["warnings"], [w.as_dict("en") for w in prep.warnings]
    if not case["load"]:
        assert [p.problem_key for p in prep.errors] == case["errors"], [p.as_dict("en") for p in prep.errors]
        return
    assert prep.errors == [], [p.as_dict("en") for p in prep.errors]
    assert prep.report_dates == case["report_dates"] and prep.date_source == case["date_source"]
    district_of = dict(zip(store.all_communes(con)["commune_code"], store.all_communes(con)["district_code"]))
    got: dict[str, list[int]] = {}
    for r in prep.rows.itertuples():
        s = got.setdefault(district_of[r.commune_code], [0, 0, 0])
        s[0], s[1], s[2] = s[0] + 1, s[1] + int(r.books_total), s[2] + int(r.books_digitized)
    assert got == case["districts"]
    if "chosen" in case:
        assert prep.columns["books_digitized"] == case["chosen"]
    if "without_figures" in case:
        [note] = [w for w in prep.warnings if w.problem_key == "check.rows_without_figures"]
        assert note.params["count"] == case["without_figures"]
    result = ingest.commit(con, prep)
    assert result.rows == len(_figures(con)) == case["rows"]
    for w in prep.warnings:  # every note names what it took, in both languages, every blank filled in
        for lang in ("vi", "en"):
            d = w.as_dict(lang)
            assert d["problem"] != w.problem_key and d["fix"] != w.fix_key and "{" not in d["problem"] + d["fix"]


def _lines(*rows: str) -> bytes:
    return ("\n".join(rows) + "\n").encode("utf-8")


PHUOC_SON = [("Thị trấn Khâm Đức", "20722"), ("Phước Xuân", "20725"), ("Xã Phước Hoà", "20729")]


@pytest.mark.parametrize("title,total", [
    ("UBND HUYỆN PHƯỚC SƠN", "Tổng cộng"), ("Báo cáo của huyện Phước Sơn", "TỔNG CỘNG"),
    ("UBND HUYEN PHUOC SON", "Cộng"), ("PHÒNG TƯ PHÁP HUYỆN PHƯỚC SƠN", "Toàn huyện")])
def test_district_from_title_and_total_under_header(con, title, total):
    """A district's own report: the district only in the title; a total right under the header does not make
    the communes a footer; the signatures under the table are."""
    data = _lines(title, "Ngày 25/02/2025", "Tên đơn vị,Tổng số sổ,Số sổ đã số hóa", f"{total},300,150",
                  *(f"{name},100,50" for name, _ in PHUOC_SON), ",,", "Người lập biểu,,", "Nguyễn Văn An,,")
    prep = ingest.prepare(con, data, "bc.csv", today=date(2025, 3, 1))
    assert prep.errors == [], [p.as_dict("en") for p in prep.errors]
    assert list(prep.rows["commune_code"]) == [code for _, code in PHUOC_SON]
    [note] = [w for w in prep.warnings if w.problem_key == "check.district_from_title"]
    assert note.params["district"] == "Huyện Phước Sơn" and title in note.params["text"]
    assert "Huyện Phước Sơn" in note.as_dict("vi")["problem"] and title in note.as_dict("en")["problem"]
    assert not [w for w in prep.warnings if "total" in w.problem_key]  # 300 / 150 is the communes' sum
    assert [s["kind"] for s in prep.skipped][-2:] in (["note", "note"], ["footer", "footer"])


def test_district_from_file_name_and_two_districts_in_title(con):
    rows = ["Tên đơn vị,Tổng số sổ,Số sổ đã số hóa", *(f"{name},100,50" for name, _ in PHUOC_SON)]
    prep = ingest.prepare(con, _lines("Ngày 25/02/2025", *rows), "bao_cao_phuoc_son_25-02.csv", today=date(2025, 3, 1))
    assert prep.errors == [] and [w.problem_key for w in prep.warnings] == ["check.district_from_file_name"]
    # a title naming two districts is not guessed from: Khâm Đức is only in Phước Sơn, but Phước Hoà is in two
    prep = ingest.prepare(con, _lines("UBND HUYỆN PHƯỚC SƠN gửi UBND THÀNH PHỐ TAM KỲ", "Ngày 25/02/2025",
                                      "Tên đơn vị,Tổng số sổ,Số sổ đã số hóa", "Phước Hoà,100,50"), "x.csv",
                          today=date(2025, 3, 1))
    assert [(p.problem_key, p.column) for p in prep.errors] == [("check.missing_column", "district (Huyện)")]


def test_district_column_filled_down_in_csv(con):
    """A district written once for its block (a merged cell saved as CSV leaves the cells under it empty)."""
    data = csv_bytes(["Ngày báo cáo", "Huyện", "Xã", "Tổng số sổ", "Số sổ đã số hóa"], [
        ["25/02/2025", "Thành phố Tam Kỳ", "Phước Hòa", "100", "10"],
        ["25/02/2025", "", "An Mỹ", "100", "20"],
        ["25/02/2025", "Huyện Phước Sơn", "Phước Hoà", "100", "30"],
        ["25/02/2025", "", "Khâm Đức", "100", "40"],
        ["25/02/2025", "", "Tam Ngọc", "100", "50"],  # a Tam Kỳ commune whose district cell was left empty
    ])
    prep = ingest.prepare(con, data, "d.csv", today=date(2025, 3, 1))
    assert prep.errors == [], [p.as_dict("en") for p in prep.errors]
    assert list(prep.rows["commune_code"]) == ["20338", "20341", "20729", "20722", "20389"]


@pytest.mark.parametrize("headers,report,expected", [
    (["Đã số hóa đến 18/02", "Đã số hóa đến 25/02"], None, 1),
    (["Đã số hóa đến 25/02", "Đã số hóa đến 18/02"], None, 0),
    (["Đã số hóa đến ngày 25/02/2025", "Đã số hóa đến ngày 26/02/2025"], date(2025, 2, 25), 0),
    (["Đã số hóa (tuần trước)", "Đã số hóa (tuần này)"], None, 1),
    (["Số hóa trong tuần", "Lũy kế đã số hóa"], None, 1),
    (["Đã số hóa", "Đã số hóa"], date(2025, 2, 25), None),
    (["Đã số hóa đến 18/02", "Đã số hóa"], None, None),
])
def test_pick_one_of_two_columns(headers, report, expected):
    assert layout.pick_column(headers, report) == expected


def test_two_digitized_columns(con):
    header = ["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Đã số hóa đến 18/02", "Đã số hóa đến 25/02"]
    data = csv_bytes(header, [["25/02/2025", "20335", "100", "10", "20"], ["25/02/2025", "20338", "100", "15", "25"]])
    prep = ingest.prepare(con, data, "two.csv", today=date(2025, 3, 1))
    assert prep.errors == [] and list(prep.rows["books_digitized"]) == [20, 25]
    [w] = prep.warnings
    assert w.problem_key == "check.column_chosen" and "(E)" in w.params["chosen"] and "(D)" in w.params["columns"]
    assert "Đã số hóa đến 18/02" in prep.ignored_columns
    header[3] = header[4] = "Số sổ đã số hóa"
    prep = ingest.prepare(con, csv_bytes(header, [["25/02/2025", "20335", "100", "10", "20"]]), "two.csv",
                          today=date(2025, 3, 1))
    [e] = prep.errors
    assert e.problem_key == "check.columns_same_kind" and "(D)" in e.params["columns"] and "(E)" in e.params["columns"]
    assert "«Số sổ đã số hóa» (D)" in e.as_dict("vi")["problem"]
    prep = ingest.prepare(con, csv_bytes(header, [["25/02/2025", "20335", "100", "", "20"]]), "two.csv",
                          today=date(2025, 3, 1))  # only one of them filled in: that one
    assert prep.errors == [] and list(prep.rows["books_digitized"]) == [20]
    assert [w.problem_key for w in prep.warnings] == ["check.column_chosen"]


def test_the_shipped_template_filled_in_part(con):
    """The template lists every commune; a clerk writes the day on its date line, fills in a few communes and
    leaves the rest: those are skipped and counted (one note), and the plain-file fast path leaves the file
    to the row checks."""
    from analytics import templates
    from analytics.ingest import bulk
    from analytics.ingest.prepare import units_of

    text = templates.template_csv(store.all_communes(con)).decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[1] == "Ngày báo cáo:,__/__/____"
    lines[1] = "Ngày báo cáo:,25/02/2025"
    head = templates.HEADER_ROW  # lines[head:] are the communes
    filled = []
    communes = len([line for line in lines[head:] if line])
    for i, line in enumerate(lines[head:], start=head):
        if line and line.split(",")[1] in ("20335", "20338", "20729"):
            cells = line.split(",")
            cells[3], cells[4] = "120", "60"
            lines[i] = ",".join(cells)
            filled.append(cells[1])
    data = "\r\n".join(lines).encode("utf-8-sig")
    assert bulk.plain_csv(ingest.Prepared("t.csv", "", ingest.EMPTY_ROWS.copy()), data,
                          units_of(con, None)) is None
    prep = ingest.prepare(con, data, "mau_bao_cao.csv", today=date(2025, 3, 1))
    assert prep.errors == [] and sorted(prep.rows["commune_code"]) == sorted(filled)
    assert prep.report_dates == ["2025-02-25"] and prep.date_source == "title"
    [note] = prep.warnings
    assert note.problem_key == "check.rows_without_figures" and note.params["count"] == communes - 3
    dated = templates.template_csv(store.all_communes(con)).decode("utf-8-sig").replace("__/__/____", "25/02/2025")
    blank = ingest.prepare(con, dated.encode("utf-8-sig"), "mau.csv", today=date(2025, 3, 1))
    assert [p.problem_key for p in blank.errors] == ["read.no_rows"]


# --- records to do (records_total), beside the books ------------------------------------------------------------

RECORDS_HEADER = ["report_date", "commune_code", "books_total", "books_digitized", "records_total",
                  "records_digitized"]


def _prepared(con, data: bytes, path: str) -> ingest.Prepared:
    """The file read by one path: built column-wise (bulk) or walked row by row (layout); the same rules then."""
    from analytics import readers
    from analytics.ingest import bulk
    from analytics.ingest.prepare import check_table, units_of

    prep = ingest.Prepared(file_name="r.csv", sha256="", rows=ingest.EMPTY_ROWS.copy())
    units = units_of(con, None)
    if path == "bulk":
        built = bulk.plain_csv(prep, data, units)
        assert built is not None  # a plain file: the fast path builds its table
    else:
        built = layout.Walk(con, prep, readers.read_table("r.csv", data), units, report_date=None).run()
    check_table(con, prep, built, units, date(2025, 3, 1))
    return prep


@pytest.mark.parametrize("header", [
    ["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa", "Tổng số trường hợp", "Số trường hợp đã số hóa"],
    ["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa", "Tổng số dữ liệu", "Số dữ liệu đã số hóa"],
    ["Ngày báo cáo", "Mã xã", "Tổng số sổ", "Số sổ đã số hóa", "Tổng số hồ sơ/trường hợp cần số hóa",
     "Số trường hợp đã số hóa"],
    RECORDS_HEADER,
])
@pytest.mark.parametrize("path", ["bulk", "general"])
def test_records_total_is_read_and_carried(tiny_con, header, path):
    data = csv_bytes(header, [["2025-02-25", "90001", "10", "5", "600", "300"],
                              ["2025-02-25", "90002", "20", "5", "", "100"]])
    prep = _prepared(tiny_con, data, path)
    assert not prep.errors, [p.as_dict() for p in prep.errors]
    got = prep.rows.set_index("commune_code")
    assert int(got.at["90001", "records_total"]) == 600 and pd.isna(got.at["90002", "records_total"])
    assert int(got.at["90001", "records_digitized"]) == 300
    full = ingest.prepare(tiny_con, data, "r.csv", today=date(2025, 3, 1))
    ingest.commit(tiny_con, full)
    stored = store.reports_of(tiny_con, ["90001", "90002"]).set_index("commune_code")
    assert int(stored.at["90001", "records_total"]) == 600 and pd.isna(stored.at["90002", "records_total"])


@pytest.mark.parametrize("path", ["bulk", "general"])
def test_more_records_digitized_than_to_do_is_an_error(tiny_con, path):
    data = csv_bytes(RECORDS_HEADER, [["2025-02-25", "90001", "10", "5", "600", "601"]])
    prep = _prepared(tiny_con, data, path)  # one rule, whichever way the table was built
    assert prep.rows.empty
    assert [(p.row, p.column, p.problem_key) for p in prep.errors] == [
        (2, "records_digitized", "check.records_over_total")]
    assert prep.errors[0].params["total"] == 600
