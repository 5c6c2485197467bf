"""Report templates: the province's or one district's communes, the date written once in the header block
and read back as the report's date."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest

from analytics import ingest, store, templates
from analytics.i18n import t


@pytest.fixture
def tam_ky(con):
    communes = store.units_frame(con, "49")
    return communes[communes["district_code"] == "502"].reset_index(drop=True)


def _filled_csv(communes, day_text: str) -> bytes:
    text = templates.template_csv(communes, "Thành phố Tam Kỳ").decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[1] == "Ngày báo cáo:,__/__/____"
    lines[1] = f"Ngày báo cáo:,{day_text}"
    head = templates.HEADER_ROW
    body = [line[:-4] + ",100,40,," if line else line for line in lines[head:]]  # books total, done; records empty
    return "\r\n".join(lines[:head] + body).encode("utf-8-sig")


def test_district_template_lists_only_its_communes(con, tam_ky):
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(templates.template_xlsx(tam_ky, "Thành phố Tam Kỳ"))).active
    assert ws["A1"].value == "BÁO CÁO TIẾN ĐỘ SỐ HÓA SỔ HỘ TỊCH · Thành phố Tam Kỳ"
    assert (ws["A2"].value, ws["B2"].value) == ("Ngày báo cáo:", "__/__/____")
    header = [c.value for c in ws[templates.HEADER_ROW]]
    assert header == ["Huyện", "Mã xã", "Xã", "Tổng số sổ", "Số sổ đã số hóa", "Tổng số trường hợp",
                      "Số trường hợp đã số hóa"]
    codes = [ws.cell(r, 2).value for r in range(templates.HEADER_ROW + 1, ws.max_row + 1)]
    assert codes == list(tam_ky["commune_code"]) and len(codes) == 13


@pytest.mark.parametrize("cell", [datetime(2025, 2, 25), "25/02/2025", "25-2-2025"])
def test_the_date_cell_is_read_as_the_report_date_xlsx(con, tam_ky, cell):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(templates.template_xlsx(tam_ky, "Thành phố Tam Kỳ")))
    ws = wb.active
    ws["B2"] = cell
    for r in range(templates.HEADER_ROW + 1, ws.max_row + 1):
        ws.cell(r, 4, 100)
        ws.cell(r, 5, 40)
    out = io.BytesIO()
    wb.save(out)
    prep = ingest.prepare(con, out.getvalue(), "mau_bao_cao_thanh-pho-tam-ky.xlsx")
    assert prep.ok, [p.as_dict() for p in prep.errors]
    assert prep.report_dates == ["2025-02-25"] and prep.date_source == "title" and len(prep.rows) == 13


def test_the_date_cell_is_read_as_the_report_date_csv(con, tam_ky):
    prep = ingest.prepare(con, _filled_csv(tam_ky, "25/02/2025"), "mau.csv")
    assert prep.ok and prep.report_dates == ["2025-02-25"] and prep.date_source == "title"


def test_a_date_cell_left_blank_asks_for_the_date(con, tam_ky):
    prep = ingest.prepare(con, _filled_csv(tam_ky, "__/__/____"), "mau.csv")
    [problem] = prep.errors
    assert problem.fix_key == "fix.date_give"
    assert "Ngày báo cáo" in problem.as_dict("vi", "page")["fix"]


def test_whole_province_template_has_every_commune(con):
    communes = store.units_frame(con, "49")
    text = templates.template_csv(communes).decode("utf-8-sig")
    assert text.startswith(templates.TITLE + "\r\n")
    assert text.count("\r\n") == templates.HEADER_ROW + len(communes)


@pytest.mark.parametrize("place, name", [
    (None, "mau_bao_cao.xlsx"),
    ("Thành phố Tam Kỳ", "mau_bao_cao_thanh-pho-tam-ky.xlsx"),
    ("Huyện Đại Lộc", "mau_bao_cao_huyen-dai-loc.xlsx"),
])
def test_file_names_are_ascii(place, name):
    assert templates.file_name(place, "xlsx") == name


def test_template_date_is_not_in_the_future_of_the_check(con, tam_ky):
    # a date the clerk writes after the campaign is read, and checked like any report date
    prep = ingest.prepare(con, _filled_csv(tam_ky, "25/02/2099"), "mau.csv", today=date(2025, 3, 1))
    assert [p.problem_key for p in prep.errors] == ["check.date_future"]
    assert t("check.date_future", today="01/03/2025") == prep.errors[0].as_dict()["problem"]
