"""From bytes to a table: encodings, delimiters, layouts of official reports, legacy text, hostile files."""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

import pytest

from analytics import readers, settings, tcvn3
from analytics.ingest import layout
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


def test_decompression_bomb_refused_before_parsing(use_settings):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<x/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 5_000_000 + b"</a>")
    data = buf.getvalue()
    assert len(data) < 20_000
    use_settings(max_xlsx_mb=1)
    with pytest.raises(ReadError) as exc:
        read_table("bomb.xlsx", data)
    assert exc.value.problem.problem_key == "read.bomb"


def test_rows_and_columns_capped(use_settings):
    use_settings(max_rows=50)
    text = "Mã xã,Số sổ đã số hóa\n" + "20335,1\n" * 100
    with pytest.raises(ReadError) as exc:
        read_table("many.csv", text.encode())
    assert exc.value.problem.problem_key == "read.too_many_rows"
    use_settings(max_rows=100000, max_cols=3)
    table = read_table("wide.csv", ("Mã xã,Số sổ đã số hóa,a,b,c,d\n20335,1,2,3,4,5\n").encode())
    assert len(table.rows[0]) == 3
    many = (CORPUS / "bao_cao_chinh_thuc.xlsx").read_bytes()
    use_settings(max_rows=10)
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


# --- .ods merged cells (calamine gives none) -----------------------------------------------------------------

_ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
             'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
             'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>')


def _ods(content: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        zf.writestr("content.xml", _ODS_HEAD + content + "</office:spreadsheet></office:body></office:document-content>")
    return buf.getvalue()


def test_ods_merges_counted_not_expanded():
    """LibreOffice writes a million empty rows as one element: positions are counted; spans past the limits
    are cut; a damaged content.xml gives what was read before the damage."""
    huge = ('<table:table table:name="S"><table:table-row table:number-rows-repeated="1048570">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
            '<table:table-row><table:table-cell table:number-columns-repeated="3"/>'
            '<table:table-cell table:number-rows-spanned="4" table:number-columns-spanned="2"/>'
            '</table:table-row></table:table>'
            '<table:table table:name="T"><table:table-header-rows><table:table-row>'
            '<table:table-cell table:number-columns-spanned="3"><text:p>Số lượng</text:p></table:table-cell>'
            '<table:covered-table-cell table:number-columns-repeated="2"/>'
            '<table:table-cell table:number-rows-spanned="999999999999"/></table:table-row></table:table-header-rows>'
            '</table:table>')
    assert readers.ods_merged_ranges(_ods(huge)) == {"S": [], "T": [((0, 0), (0, 2)),
                                                                    ((0, 3), (settings.current().max_rows - 1, 3))]}
    damaged = _ods('<table:table table:name="S"><table:table-row><table:table-cell table:number-columns-spanned="2"/>'
                   '</table:table-row><table:table-row><broken')
    assert readers.ods_merged_ranges(damaged) == {"S": [((0, 0), (0, 1))]}
    assert readers.ods_merged_ranges(b"PK\x03\x04 not a zip") == {}


def test_ods_district_merged_down_is_read_like_xlsx():
    """The same document saved by LibreOffice as .ods and .xlsx gives the same cells (the district merged
    down over its communes included)."""
    office = CORPUS / "office"
    ods = read_table("t.ods", (office / "tinh_huyen_gop_o.ods").read_bytes())
    xlsx = read_table("t.xlsx", (office / "tinh_huyen_gop_o.xlsx").read_bytes())
    assert readers.ods_merged_ranges((office / "tinh_huyen_gop_o.ods").read_bytes())["Toàn tỉnh"]
    assert ods.rows == xlsx.rows and ods.header == xlsx.header and ods.title_lines == xlsx.title_lines
    districts = [r[ods.columns["district"]] for r in ods.rows[2:]]  # under the column numbers and TỔNG CỘNG
    assert None not in districts and districts[0] == districts[12] == "Thành phố Tam Kỳ" != districts[13]


@pytest.mark.parametrize("text,kind", [("Toàn huyện", "total"), ("TOÀN HUYỆN", "total"), ("toan thi xa", "total"),
                                       ("Toàn huyện Phước Sơn", "subtotal"), ("Cộng", "subtotal"),
                                       ("Thị xã Điện Bàn", None)])
def test_district_totals(text, kind):
    assert layout.total_kind(text) == kind


def test_figure_headers_naming_a_date_and_duplicates():
    header = ["Ngày báo cáo", "Tổng số sổ", "Đã số hóa đến ngày 18/02", "Đã số hóa đến ngày 25/02", "Ghi chú"]
    assert [layout.classify_header(h) for h in header] == ["report_date", "books_total", "books_digitized",
                                                          "books_digitized", "note"]
    assert layout.duplicate_columns(header) == {"books_digitized": [2, 3]}
    assert layout.map_columns(header)[0]["books_digitized"] == 2  # the first; ingest decides between them
    records = ["Tổng số trường hợp", "Số trường hợp đã số hóa", "Tổng số trường hợp đã số hóa"]
    assert [layout.classify_header(h) for h in records] == ["records_total", "records_digitized", "records_digitized"]
