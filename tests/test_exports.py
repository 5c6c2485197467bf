"""The official report's export: .xlsx (title, as-of date, Vietnamese headers, percentages, grouped by district)
and CSV, with formula-like text neutralized in both."""

import io
from datetime import date

import openpyxl
import pandas as pd
import pytest

from analytics import exports, metrics, store

D = date(2025, 3, 5)


@pytest.fixture
def listed(tiny_con):
    store.set_campaign(tiny_con, "99", start=date(2025, 3, 1), deadline=date(2025, 3, 11))
    frame = pd.DataFrame([("90002", "2025-03-01", 200, 0), ("90002", "2025-03-05", 200, 40),
                          ("90004", "2025-03-01", 50, 0), ("90004", "2025-03-02", 50, 10),
                          ("90001", "2025-03-01", 100, 0), ("90001", "2025-03-05", 100, 40),
                          ("90003", "2025-03-05", 100, 100)],
                         columns=["commune_code", "report_date", "books_total", "books_digitized"])
    frame["records_digitized"] = None
    frame["row_no"] = range(2, 9)
    store.commit_reports(tiny_con, file_name="a.csv", sha256="a", rows=frame, province_code="99")
    store.add_explanation(tiny_con, "99", "90002", date(2025, 3, 4), "=HYPERLINK(\"http://x\")",
                          date(2025, 3, 10), "+Ông A")
    return metrics.underperformers_full(tiny_con, metrics.view(tiny_con, "99", D))


def test_xlsx_layout(listed):
    data = exports.underperformers_xlsx(listed, as_of=D, province_name="Tỉnh Thử", campaign="Đợt thử", lang="vi")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert "Tỉnh Thử" in ws["A1"].value and ws["A1"].font.bold
    assert "05/03/2025" in ws["A2"].value and "Đợt thử" in ws["A2"].value
    header = [c.value for c in ws[5]]
    assert header[:7] == ["STT", "Mã xã", "Xã/phường/thị trấn", "Hoàn thành (%)", "Kế hoạch (%)",
                          "Chênh lệch (điểm)", "Báo cáo gần nhất"]
    values = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    # grouped: Huyện Hai (90005 never reported, 90004 behind and silent) first, then Huyện Một (90002)
    assert values[0][0].startswith("Huyện Hai (2")
    assert [r[1] for r in values[1:3]] == ["90005", "90004"]
    assert values[3][0].startswith("Huyện Một (1")
    row = values[4]
    assert row[1] == "90002" and row[3] == pytest.approx(20.0) and row[4] == pytest.approx(40.0)
    assert ws.cell(10, 4).number_format == exports.PCT_FORMAT
    assert ws.cell(10, 7).value.date() == D and ws.cell(10, 7).number_format == "dd/mm/yyyy"
    assert row[7] == "chậm 20,0 điểm so với kế hoạch"
    # formula-like text is neutralized
    assert row[8] == "'=HYPERLINK(\"http://x\")" and row[10] == "'+Ông A"
    assert ws.cell(10, 10).value.date() == date(2025, 3, 10)


def test_xlsx_english_headers(listed):
    ws = openpyxl.load_workbook(io.BytesIO(exports.underperformers_xlsx(
        listed, as_of=D, province_name="P", campaign="C", lang="en"))).active
    assert [c.value for c in ws[5]][:2] == ["No.", "Commune code"]


def test_csv(listed):
    text = exports.underperformers_csv(listed, "vi").decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("STT;Huyện;Mã xã;")
    assert "Cam kết hoàn thành" in lines[0] and "Người chịu trách nhiệm" in lines[0]
    assert "'=HYPERLINK" in text and "'+Ông A" in text and "10/03/2025" in text
    assert len(lines) == 4


# --- hostile text through every export: formulas neutralized, control characters out -------------------

# formulas, control characters, and both at once (a control character hiding a formula must not unhide it)
HOSTILE = [
    "=HYPERLINK(\"http://evil.example\",\"Xã\")", "=cmd|' /C calc'!A0", "@SUM(A1:A9)", "+1+cmd|' /C calc'!A0",
    "-2+3", "\t=1+1", "\r=1+1", "Xã An\x00Hòa", "dòng một\x0bdòng hai", "\x1b[31mđỏ\x1b[0m", "\x07=1+1",
    "Hòa\ufffe\x0c", "\x0b@SUM(A1)",
]
TEXT_FIELDS = ["commune", "district", "explanation_reason", "explanation_responsible"]


def _assert_inert(cells: list[str]) -> None:
    """No cell a spreadsheet would run, none it cannot hold."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    from analytics import safetext

    for cell in cells:
        assert safetext.control_char(cell, multiline=True) is None, repr(cell)
        assert not ILLEGAL_CHARACTERS_RE.search(cell), repr(cell)
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r", "\n"):
            assert present_number(cell), repr(cell)


def present_number(cell: str) -> bool:
    import re

    return re.fullmatch(r"[+-]?[\d\s.,]*%?", cell) is not None


def _xlsx_cells(data: bytes) -> list[str]:
    wb = openpyxl.load_workbook(io.BytesIO(data))  # opens at all: one bad character used to break it
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell would run as a formula"
    return [c.value for c in cells if isinstance(c.value, str)]


def _csv_cells(data: bytes) -> list[str]:
    import csv

    text = data.decode("utf-8-sig")
    sep = ";" if text.split("\r\n")[0].count(";") > text.split("\r\n")[0].count(",") else ","
    return [cell for row in csv.reader(io.StringIO(text, newline=""), delimiter=sep) for cell in row]


def _hostile(listed: pd.DataFrame, text: str) -> pd.DataFrame:
    df = listed.copy()
    for col in TEXT_FIELDS:
        df[col] = text
    return df


def _league(text: str) -> pd.DataFrame:
    from analytics import present

    df = pd.DataFrame({"rank": [1], "commune": [text], "district": [text], "status": ["behind"],
                       "completion_pct": [20.0], "planned_pct": [40.0], "gap_pct": [20.0], "recent_per_day": [1.0],
                       "required_per_day": [2.0], "projected_finish": [None], "last_report": [D],
                       "trend": [[0.0, 1.0]]})
    return present.league_table(df, "vi", "commune")


EXPORTS = {
    "underperformers_xlsx": lambda df, text: _xlsx_cells(exports.underperformers_xlsx(
        df, as_of=D, province_name=text, campaign=text, lang="vi")),
    "underperformers_csv": lambda df, text: _csv_cells(exports.underperformers_csv(df, "vi")),
    "league_csv": lambda df, text: _csv_cells(exports.league_csv(_league(text))),
    "template_xlsx": lambda df, text: _xlsx_cells(_templates().template_xlsx(df)),
    "template_csv": lambda df, text: _csv_cells(_templates().template_csv(df)),
}


def _templates():
    from analytics import templates

    return templates


@pytest.mark.parametrize("export", list(EXPORTS))
@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_every_export_is_inert_and_opens(listed, export, text):
    from analytics import present

    df = _hostile(listed, text)
    cells = EXPORTS[export](df, text)
    _assert_inert(cells)
    assert present.neutralize(text) in cells  # the hostile text is kept, readable and inert


def test_control_characters_are_cleaned_not_dropped_with_their_cell(listed):
    """A vertical tab (Word's line break) becomes a line break; the rest of the text stays."""
    df = _hostile(listed, "Chưa có máy quét\x0bđang mượn của huyện\x00")
    ws = openpyxl.load_workbook(io.BytesIO(exports.underperformers_xlsx(
        df, as_of=D, province_name="Tỉnh\x00 Thử", campaign="Đợt\x0b1", lang="vi"))).active
    assert "Tỉnh Thử" in ws["A1"].value and "Đợt\n1" in ws["A2"].value
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Chưa có máy quét\nđang mượn của huyện" in texts


# --- CSV in the user's language: Excel with Vietnamese regional settings reads `;` and decimal commas -------

CSV_LANGS = [("vi", ";", "20,0", "Hoàn thành (%)"), ("en", ",", "20.0", "Completion (%)")]


def _rows(data: bytes, sep: str) -> list[list[str]]:
    import csv

    assert data.startswith("\ufeff".encode())  # the BOM: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))


@pytest.mark.parametrize("lang,sep,twenty,header", CSV_LANGS)
def test_underperformers_csv_in_the_users_language(listed, lang, sep, twenty, header):
    rows = _rows(exports.underperformers_csv(listed, lang), sep)
    assert len({len(r) for r in rows}) == 1 and len(rows[0]) > 5  # split into its columns
    head = rows[0]
    row = next(r for r in rows[1:] if r[head.index(t_code(lang))] == "90002")
    assert row[head.index(header)] == twenty  # 20.0 %: the decimal mark of the language
    assert row[0].isdigit()  # whole numbers (the rank) stay plain


def t_code(lang: str) -> str:
    from analytics.i18n import t

    return t("col.commune_code", lang)


@pytest.mark.parametrize("lang,sep,twenty,header", CSV_LANGS)
def test_league_csv_in_the_users_language(lang, sep, twenty, header):
    from analytics import present

    df = pd.DataFrame({"a": [71.6, 1234567.5, None], "n": [5107, 1, 2], "s": ["x;y", "a,b", "=1"]})
    rows = _rows(present.csv_bytes(df, lang), sep)
    if lang == "vi":
        assert rows[1:] == [["71,6", "5107", "x;y"], ["1234567,5", "1", "a,b"], ["", "2", "'=1"]]
    else:
        assert rows[1:] == [["71.6", "5107", "x;y"], ["1234567.5", "1", "a,b"], ["", "2", "'=1"]]
    assert exports.league_csv(df, lang) == present.csv_bytes(df, lang)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_importer_reads_an_export_back(listed, lang):
    """A `;` file with decimal commas (what a Vietnamese Excel saves) is split the same way on upload."""
    from analytics import readers

    data = exports.underperformers_csv(listed, lang)
    table = readers.read_csv("xuat.csv", data)
    rows = _rows(data, ";" if lang == "vi" else ",")
    assert table.delimiter == (";" if lang == "vi" else ",")
    assert [c for c in table.header] == rows[0]
    assert [[c or "" for c in r] for r in table.rows] == [[c.strip() for c in r] for r in rows[1:]]
