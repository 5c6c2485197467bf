"""From bytes to a table: encodings, delimiters, layouts of official reports, legacy text, hostile files."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest

from analytics import layout, readers, tcvn3
from analytics.readers import ReadError, read_table

CORPUS = Path(__file__).parent / "data" / "corpus"
TEXT = "Huyện,Xã,Tổng số sổ,Số sổ đã số hóa\nHuyện Núi Thành,Xã Tam Hòa,\"1.234\",56\n"


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"),
                                               ("utf-16", "utf-16"), ("utf-16-le", "utf-16-le"),
                                               ("cp1258", "cp1258")])
def test_encodings(encoding, expected):
    data = TEXT.encode(encoding) if encoding != "cp1258" else _cp1258(TEXT)
    table = read_table("f.csv", data)
    assert table.encoding == expected
    assert table.rows[0][1] == "Xã Tam Hòa" and unicodedata.is_normalized("NFC", table.rows[0][1])
    assert table.columns == {"district": 0, "commune": 1, "books_total": 2, "books_digitized": 3}


def _cp1258(text: str) -> bytes:
    import importlib.util

    spec = importlib.util.spec_from_file_location("mk", CORPUS.parent / "make_corpus.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    data = mk.to_cp1258(text)
    assert b"\xd2" in data or b"\xf2" in data or b"\xcc" in data or b"\xec" in data  # combining tone marks
    return data


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiters(delimiter):
    text = TEXT.replace(",", delimiter).replace('"1.234"', "1.234")
    table = read_table("f.csv", text.encode())
    assert table.delimiter == delimiter and len(table.rows[0]) == 4


def test_tcvn3_bytes_and_cells():
    assert tcvn3.to_unicode("X· Hßa") == "Xã Hòa"
    assert tcvn3.to_unicode("Sè sæ ®· sè hãa") == "Số sổ đã số hóa"
    assert tcvn3.looks_tcvn3("X· Hßa") and not tcvn3.looks_tcvn3("Xã Hòa") and not tcvn3.looks_tcvn3("Tam Ky")
    table = read_table("t.csv", (CORPUS / "tcvn3.csv").read_bytes())
    assert table.encoding == "tcvn3" and table.rows[0][0] == "Huyện Thăng Bình"
    assert ("read.tcvn3_converted", {}) in table.notes


def test_header_found_under_title_lines_with_merged_two_row_header():
    table = read_table("b.xlsx", (CORPUS / "bao_cao_chinh_thuc.xlsx").read_bytes())
    assert (table.header_row, table.header_rows, table.sheet) == (8, 2, "Báo cáo")
    assert table.header[:5] == ["STT", "Đơn vị", "Số lượng sổ hộ tịch (quyển) Tổng số",
                                "Số lượng sổ hộ tịch (quyển) Đã số hóa", "Tỷ lệ (%)"]
    assert table.extras == {"stt": 0, "percent": 4, "note": 5}
    assert table.row_numbers[0] == 10 and table.title_lines[0].startswith("UBND TỈNH QUẢNG NAM")


def test_legacy_xls_is_read():
    """A BIFF8 .xls (made with xlwt by tests/data/make_corpus.py), read by python-calamine."""
    table = read_table("bao_cao_cu.xls", (CORPUS / "bao_cao_cu.xls").read_bytes())
    assert table.kind == "xls" and table.header_row == 4 and table.columns["commune"] == 1
    assert table.rows[0][1] == "Huyện Tiên Phước"  # the district row, recognized later by ingest
    assert table.rows[1][:4] == [1, "Thị trấn Tiên Kỳ", 196, 117]
    assert table.row_numbers[:2] == [5, 6]


@pytest.mark.parametrize("header,expected", [
    ("Số sổ đã số hóa (quyển)", "books_digitized"), ("SO SO DA SO HOA", "books_digitized"),
    ("Tổng số sổ hộ tịch", "books_total"), ("Books total", "books_total"), ("Tên đơn vị", "commune"),
    ("Xã/phường/thị trấn", "commune"), ("Huyện/thị xã/thành phố", "district"), ("Mã ĐVHC", "commune_code"),
    ("Ngày báo cáo", "report_date"), ("Số trường hợp đã số hóa", "records_digitized"), ("Tỷ lệ (%)", "percent"),
    ("STT", "stt"), ("Ghi chú", "note"), ("Người lập", None),
])
def test_headers(header, expected):
    assert layout.classify_header(header) == expected
    assert layout.classify_header(unicodedata.normalize("NFD", header)) == expected


def test_not_tables():
    with pytest.raises(ReadError) as exc:
        read_table("x.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert exc.value.problem.problem_key == "read.not_table"
    with pytest.raises(ReadError) as exc:
        read_table("x.csv", bytes(range(256)) * 4)
    assert exc.value.problem.problem_key == "read.not_table"
    with pytest.raises(ReadError) as exc:
        read_table("x.csv", b"   \n\n")
    assert exc.value.problem.problem_key == "read.empty"


def test_decompression_bomb_refused_before_parsing(monkeypatch):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<x/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 5_000_000 + b"</a>")
    data = buf.getvalue()
    assert len(data) < 20_000
    monkeypatch.setattr(readers, "MAX_XLSX_UNCOMPRESSED", 1024 * 1024)
    with pytest.raises(ReadError) as exc:
        read_table("bomb.xlsx", data)
    assert exc.value.problem.problem_key == "read.bomb"


def test_rows_and_columns_capped(monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 50)
    text = "Mã xã,Số sổ đã số hóa\n" + "20335,1\n" * 100
    with pytest.raises(ReadError) as exc:
        read_table("many.csv", text.encode())
    assert exc.value.problem.problem_key == "read.too_many_rows"
    monkeypatch.setattr(readers, "MAX_ROWS", 100000)
    monkeypatch.setattr(readers, "MAX_COLS", 3)
    table = read_table("wide.csv", ("Mã xã,Số sổ đã số hóa,a,b,c,d\n20335,1,2,3,4,5\n").encode())
    assert len(table.rows[0]) == 3
    many = (CORPUS / "bao_cao_chinh_thuc.xlsx").read_bytes()
    monkeypatch.setattr(readers, "MAX_ROWS", 10)
    with pytest.raises(ReadError) as exc:
        read_table("b.xlsx", many)
    assert exc.value.problem.problem_key == "read.too_many_rows"


def test_sheet_choice():
    data = (CORPUS / "hai_trang.xlsx").read_bytes()
    table = read_table("h.xlsx", data)
    assert table.sheet == "24-02" and table.data_sheets == ["24-02", "25-02"]
    assert read_table("h.xlsx", data, "25-02").sheet == "25-02"
    with pytest.raises(ReadError) as exc:
        read_table("h.xlsx", data, "nope")
    assert exc.value.problem.problem_key == "read.no_sheet"
    table = read_table("g.xlsx", (CORPUS / "bao_cao_co_huong_dan.xlsx").read_bytes())
    assert table.sheet == "Báo cáo" and table.sheets == ["Hướng dẫn", "Báo cáo"]
