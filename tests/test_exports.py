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
    assert lines[0].startswith("STT,Huyện,Mã xã,")
    assert "Cam kết hoàn thành" in lines[0] and "Người chịu trách nhiệm" in lines[0]
    assert "'=HYPERLINK" in text and "'+Ông A" in text and "10/03/2025" in text
    assert len(lines) == 4
