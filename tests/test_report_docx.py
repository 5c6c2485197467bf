"""The report to the Chairman (Word, Nghị định 30/2020 form): it opens, holds the header block, the three
sections, the annex with one row per commune and the figures of ``metrics.summary``; a two-level variant."""

from __future__ import annotations

import io
import re
import shutil
import unicodedata
from datetime import date

import docx
import pandas as pd
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn

from analytics import metrics, report_docx, store
from analytics.i18n import fmt_int, fmt_pct
from support import write_units_csv

AS_OF = date(2025, 3, 5)


def all_paragraphs(document) -> list:
    """Every paragraph of the body, those inside tables included, in order."""
    out = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            out.append(docx.text.paragraph.Paragraph(block, document))
        elif block.tag == qn("w:tbl"):
            table = docx.table.Table(block, document)
            for row in table.rows:
                for cell in row.cells:
                    out += cell.paragraphs
    return out


def texts(document) -> list[str]:
    """The text of every paragraph (the no-break space before "%" read as a space)."""
    return [p.text.replace("\u00a0", " ") for p in all_paragraphs(document)]


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory, demo_template):
    """One demo database and its report for the read-only tests of this module (a report takes seconds)."""
    path = tmp_path_factory.mktemp("report") / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    con = store.connect(path)
    data = report_docx.gather(con, None, AS_OF, signed_on=date(2025, 3, 13))
    payload = report_docx.render(data)
    yield con, data, payload, docx.Document(io.BytesIO(payload))
    con.close()


def test_header_block(demo_report):
    _, _, _, d = demo_report
    paras = all_paragraphs(d)
    by_text = {p.text: p for p in paras}
    for line in ("UBND TỈNH QUẢNG NAM", "SỞ TƯ PHÁP", "Số: …/BC-STP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                 "Độc lập - Tự do - Hạnh phúc", "Quảng Nam, ngày 13 tháng 3 năm 2025", "BÁO CÁO",
                 "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh"):
        assert line in by_text, line
    assert all(r.underline for r in by_text["Độc lập - Tự do - Hạnh phúc"].runs)
    assert all(r.bold for r in by_text["Độc lập - Tự do - Hạnh phúc"].runs)
    assert all(r.italic for r in by_text["Quảng Nam, ngày 13 tháng 3 năm 2025"].runs)
    assert all(r.bold for r in by_text["SỞ TƯ PHÁP"].runs)
    assert not any(r.bold for r in by_text["UBND TỈNH QUẢNG NAM"].runs)
    subject = next(t for t in by_text if t.startswith("Kết quả số hóa sổ hộ tịch trong Đợt cao điểm 20 ngày"))
    assert "(từ ngày 21/02/2025 đến ngày 05/03/2025)" in subject
    assert "DỮ LIỆU MẪU - KHÔNG DÙNG ĐỂ BÁO CÁO" in by_text  # demo data says so


def test_three_sections_in_order_and_closing_parts(demo_report):
    _, _, _, d = demo_report
    lines = texts(d)
    order = [lines.index(h) for h in ("I. KẾT QUẢ THỰC HIỆN", "II. TỒN TẠI, HẠN CHẾ VÀ NGUYÊN NHÂN",
                                      "III. ĐỀ XUẤT, KIẾN NGHỊ", "Nơi nhận:", "Phụ lục")]
    assert order == sorted(order)
    assert "[Sở Tư pháp đề xuất, kiến nghị: …]" in lines  # for the author to write
    assert any(t.startswith("(Kèm theo Báo cáo số …/BC-STP ngày 13/03/2025") for t in lines)


def test_figures_of_the_summary_at_start_and_end(demo_report):
    con, data, _, d = demo_report
    start = metrics.summary(con, None, date(2025, 2, 20))  # the eve of the campaign start
    end = metrics.summary(con, None, AS_OF)
    body = "\n".join(texts(d))
    # the demo campaign counts in records: the province's 642.806 of 1.443.893 before the period
    assert data.view.measure == "records" and "642.806/1.443.893 trường hợp hộ tịch" in body
    assert f"{fmt_int(start['books_digitized'])}/{fmt_int(start['books_total'])}" in body
    assert fmt_pct(start["completion_pct"]) in body
    assert f"{fmt_int(end['books_digitized'])}/{fmt_int(end['books_total'])}" in body
    assert fmt_pct(end["completion_pct"]) in body
    assert f"tăng {fmt_int(end['books_digitized'] - start['books_digitized'])} trường hợp" in body
    assert data.start_day == date(2025, 2, 20)
    # the district table of section I: one row per district and the total
    district_table = d.tables[1]
    assert len(district_table.rows) == 1 + len(end["districts"]) + 1
    assert district_table.rows[-1].cells[5].text == fmt_pct(end["completion_pct"]).replace(" ", "\u00a0")


def test_annex_has_one_row_per_commune_in_a_landscape_section(demo_report):
    con, data, _, d = demo_report
    annex = d.tables[-2]  # the last one is the weekly roll-up
    numbered = [r for r in annex.rows if r.cells[0].text.isdigit()]
    units = store.units_frame(con, data.view.province)
    assert len(numbered) == len(units)
    names = {r.cells[1].text for r in numbered}
    assert names == set(units["commune"])
    district_rows = [r.cells[1].text for r in annex.rows if re.match(r"^[IVXLC]+\. ", r.cells[1].text)]
    assert len(district_rows) == units["district_code"].nunique()
    assert annex.rows[-1].cells[1].text == "Toàn tỉnh"
    weekly = d.tables[-1]
    assert weekly.rows[0].cells[3].text.startswith("Tuần 1 (21/02–27/02)")
    assert d.sections[-1].orientation == WD_ORIENT.LANDSCAPE
    assert d.sections[-1].page_width > d.sections[-1].page_height


def test_page_setup_fonts_and_page_numbers(demo_report):
    _, _, payload, d = demo_report
    first = d.sections[0]
    mm = [round(x.mm) for x in (first.page_width, first.page_height, first.left_margin, first.right_margin,
                                 first.top_margin, first.bottom_margin)]
    assert mm == [210, 297, 30, 15, 20, 20]  # A4; margins within Nghị định 30's ranges
    normal = d.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    # page numbers top centre, none on page 1
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert "PAGE" not in first.first_page_header._element.xml
    assert not d.sections[-1].different_first_page_header_footer
    assert len(payload) < 400_000


def test_vietnamese_text_with_diacritics(demo_report):
    _, _, _, d = demo_report
    body = "\n".join(texts(d))
    assert unicodedata.normalize("NFC", body) == body
    for phrase in ("Tồn tại, hạn chế và nguyên nhân".upper(), "Kết quả chung toàn tỉnh", "Đơn vị cấp huyện",
                   "Huyện Bắc Trà My", "Chưa hoàn thành", "người chịu trách nhiệm"[:10]):
        assert phrase in body, phrase
    assert not re.search(r"Ã[\x80-\xbf]|áº|á»|Æ°|Ä‘|\ufffd", body)  # no UTF-8 read as Latin-1


def test_explanations_and_missed_commitments_in_section_two(demo_con):
    v = metrics.view(demo_con, None, AS_OF)
    code = metrics.underperformers_full(demo_con, v).iloc[0]["commune_code"]
    store.add_explanation(demo_con, v.province, code, date(2025, 3, 1), "Thiếu máy quét", date(2025, 3, 3),
                          "Ông Trần Văn A")
    data = report_docx.gather(demo_con, None, AS_OF)
    body = "\n".join(texts(docx.Document(io.BytesIO(report_docx.render(data)))))
    assert "Thiếu máy quét; cam kết hoàn thành ngày 03/03/2025; người chịu trách nhiệm: Ông Trần Văn A." in body
    assert "cam kết hoàn thành ngày 03/03/2025, đến ngày 05/03/2025 đạt" in body


def test_english_report(demo_con):
    data = report_docx.gather(demo_con, None, AS_OF)
    body = "\n".join(texts(docx.Document(io.BytesIO(report_docx.render(data, "en")))))
    assert "QUẢNG NAM PROVINCE PEOPLE'S COMMITTEE" in body and "I. RESULTS" in body


@pytest.mark.parametrize("name, parent, kind", [
    ("Tỉnh Quảng Nam", "UBND TỈNH QUẢNG NAM", "tỉnh"),
    ("Thành phố Đà Nẵng", "UBND THÀNH PHỐ ĐÀ NẴNG", "thành phố"),
    ("TP. Hồ Chí Minh", "UBND THÀNH PHỐ HỒ CHÍ MINH", "thành phố"),
    ("Quảng Ngãi", "UBND TỈNH QUẢNG NGÃI", "tỉnh"),
])
def test_parent_body_from_the_province_name(name, parent, kind):
    assert report_docx.parent_body(name) == parent
    assert report_docx.province_parts(name)[0] == kind


@pytest.mark.parametrize("day, text", [
    (date(2025, 3, 13), "Quảng Nam, ngày 13 tháng 3 năm 2025"),
    (date(2025, 2, 5), "Quảng Nam, ngày 05 tháng 02 năm 2025"),  # Nghị định 30: 0 before days < 10, months 1–2
    (date(2025, 12, 31), "Quảng Nam, ngày 31 tháng 12 năm 2025"),
])
def test_place_and_date(day, text):
    assert report_docx.place_date("Tỉnh Quảng Nam", day) == text


TWO_LEVEL = [
    ("48", "Thành phố Đà Nẵng", "", "", "20194", "Phường Hải Châu", "phường"),
    ("48", "Thành phố Đà Nẵng", "", "", "20200", "Phường Thanh Khê", "phường"),
    ("48", "Thành phố Đà Nẵng", "", "", "20300", "Xã Hòa Vang", "xã"),
]


@pytest.fixture
def two_level(tmp_path, con):
    store.replace_units(con, store.read_units_csv(write_units_csv(tmp_path / "dn.csv", TWO_LEVEL)))
    con.execute("DELETE FROM units WHERE province_code = '49'")
    frame = pd.DataFrame([("20194", "2025-02-20", 100, 40), ("20200", "2025-02-20", 200, 50),
                          ("20300", "2025-02-20", 100, 90), ("20194", "2025-03-05", 100, 100),
                          ("20200", "2025-03-05", 200, 120), ("20300", "2025-03-04", 100, 95)],
                         columns=["commune_code", "report_date", "books_total", "books_digitized"])
    frame["records_digitized"] = None
    frame["row_no"] = range(2, len(frame) + 2)
    store.commit_reports(con, file_name="dn.csv", sha256="dn", rows=frame, province_code="48")
    store.add_explanation(con, "48", "20200", date(2025, 3, 1), "Mất điện", date(2025, 3, 4), "Bà Lê Thị B")
    return con


def test_two_level_province_groups_by_commune(two_level):
    data = report_docx.gather(two_level, None, AS_OF, signed_on=date(2025, 3, 6))
    assert data.two_level
    d = docx.Document(io.BytesIO(report_docx.render(data)))
    lines = texts(d)
    assert "UBND THÀNH PHỐ ĐÀ NẴNG" in lines
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân thành phố" in lines
    assert "Đà Nẵng, ngày 06 tháng 3 năm 2025" in lines
    assert "2. Kết quả theo đơn vị cấp xã" in lines
    body = "\n".join(lines)
    assert "cấp huyện" not in body and "Huyện" not in body
    assert "Kết quả chung toàn thành phố" in body
    assert "Phường Thanh Khê (60,0 %); Xã Hòa Vang (95,0 %)." in body
    assert "Phường Thanh Khê: Mất điện; cam kết hoàn thành ngày 04/03/2025; người chịu trách nhiệm: Bà Lê Thị B." in body
    annex = d.tables[-2]
    numbered = [r for r in annex.rows if r.cells[0].text.isdigit()]
    assert [r.cells[1].text for r in numbered] == ["Phường Hải Châu", "Phường Thanh Khê", "Xã Hòa Vang"]
    assert not any(re.match(r"^[IVXLC]+\. ", r.cells[1].text) for r in annex.rows)
    assert annex.rows[-1].cells[1].text == "Toàn thành phố"
    # the weekly roll-up lists the communes (no districts)
    weekly_units = [r.cells[1].text for r in d.tables[-1].rows[1:]]
    assert weekly_units == ["Phường Hải Châu", "Phường Thanh Khê", "Xã Hòa Vang", "Thành phố Đà Nẵng"]


def test_cli_report(demo_con, db_path, run_cli, tmp_path):
    demo_con.close()
    out = tmp_path / "bao-cao.docx"
    code, stdout, _ = run_cli("report", "--out", str(out), "--as-of", "2025-03-05", "--json")
    assert code == 0, stdout
    assert out.stat().st_size > 10_000
    assert docx.Document(str(out)).sections[-1].orientation == WD_ORIENT.LANDSCAPE
    code, _, stderr = run_cli("report", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and ".docx" in stderr


def _png(width: int = 40, height: int = 20) -> bytes:
    """A small valid PNG (white), so the test needs no renderer."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + b"\xff" * (3 * width) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_charts_go_in_the_annex_when_given(demo_report):
    _, data, plain, d = demo_report
    assert len(d.inline_shapes) == 0  # the report is complete without them
    with_charts = docx.Document(io.BytesIO(report_docx.render(data, charts=[_png(), _png()])))
    assert len(with_charts.inline_shapes) == 2
    assert "BIỂU ĐỒ" in texts(with_charts)


def test_control_characters_do_not_break_the_document(demo_report):
    import dataclasses

    _, data, _, _ = demo_report
    unfinished = data.unfinished.copy()
    unfinished.loc[unfinished.index[0], "explanation_reason"] = "Thiếu\x0bmáy\x00 quét"
    broken = dataclasses.replace(data, unfinished=unfinished)
    body = "\n".join(texts(docx.Document(io.BytesIO(report_docx.render(broken)))))
    assert "Thiếu\nmáy quét" in body


def test_the_report_in_books_says_books(demo_report):
    con, _, _, _ = demo_report
    data = report_docx.gather(con, None, AS_OF, signed_on=date(2025, 3, 13), measure="books")
    body = "\n".join(texts(docx.Document(io.BytesIO(report_docx.render(data)))))
    start = metrics.summary(con, None, date(2025, 2, 20), measure="books")
    assert data.view.measure == "books"
    assert f"{fmt_int(start['books_digitized'])}/{fmt_int(start['books_total'])} sổ hộ tịch" in body
    assert "trường hợp" not in body
