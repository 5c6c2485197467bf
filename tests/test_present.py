"""Display texts and tables: Vietnamese formats, reasons in words, the league table's average row."""

from datetime import date

import pandas as pd
import pytest

from analytics import present

O = {
    "completion_pct": 42.2222, "planned_pct": 53.3333, "books_digitized": 190, "books_total": 12345,
    "days_left": 6, "working_days_left": 4, "calendar": "vn", "required_per_day": 43.33, "recent_per_day": 12.857,
    "required_per_working_day": 65.0, "projected_finish": date(2025, 3, 29), "deadline": date(2025, 3, 11),
    "units_reported_on_day": 2, "units_total": 5, "reporting_rate": 40.0, "reports_on_time": 0, "reports_late": 2,
    "behind_schedule": 2, "not_reporting": 2, "units_completed": 1, "change_pct": 13.3333,
    "previous_day": date(2025, 3, 3), "records_digitized": None,
}


def test_overview_kpis_vi():
    k = present.overview_kpis(O, "vi")
    assert k["completion"] == "42,2 %"
    assert k["change"] == "+13,3 điểm so với 03/03/2025"
    assert k["books_done"] == "190" and k["books_total"] == "trên tổng số 12.345 sổ"
    assert k["completed"] == "1/5 xã"
    assert k["reporting"] == "2/5" and k["reporting_note"] == "40,0 % · muộn 2"
    assert k["days_left"] == "6 ngày" and k["working_days"] == "4 ngày làm việc"
    assert k["required_value"] == "43" and k["recent_value"] == "13"
    assert k["required_working"] == "65/ngày làm việc"
    assert k["pace_note"] == "Đạt 30 % tốc độ cần thiết"
    assert k["projected"] == "29/03/2025" and k["projected_note"] == "Trễ 18 ngày so với hạn"


def test_overview_kpis_en_overdue_and_falling():
    k = present.overview_kpis({**O, "days_left": -2, "change_pct": -1.26, "projected_finish": None}, "en")
    assert k["days_left"] == "2 days overdue"
    assert k["change"] == "-1.3 points since 03/03/2025"  # ASCII minus: Streamlit shows it as a fall
    assert k["projected"] == "–" and k["projected_note"] == "Cannot be projected"


def test_reasons_in_words():
    row = {"last_report": date(2025, 3, 1), "reasons": ["behind_schedule", "not_reporting", "not_completed"],
           "gap_pct": 12.5, "days_since_report": 4}
    assert present.reasons_text(row, "vi") == ("chậm 12,5 điểm so với kế hoạch; không báo cáo 4 ngày; "
                                               "chưa hoàn thành khi đã hết hạn")
    assert present.reasons_text({"last_report": None, "reasons": ["not_reporting"]}, "vi") == "chưa từng báo cáo"


def test_explanation_text():
    row = {"explanation_reason": "Thiếu máy", "explanation_new_completion_date": date(2025, 3, 10),
           "explanation_responsible": "Ông A"}
    assert present.explanation_text(row, "vi") == "Thiếu máy — cam kết xong 10/03/2025 — phụ trách: Ông A"
    assert present.explanation_text({"explanation_reason": float("nan")}, "vi") == ""


def test_league_table_average_row_and_headers():
    df = pd.DataFrame([{
        "rank": 1, "commune": "Xã A", "district": "H", "status": "behind", "completion_pct": 20.0,
        "planned_pct": 40.0, "gap_pct": 20.0, "recent_per_day": 1.5, "required_per_day": 3.0,
        "projected_finish": None, "last_report": date(2025, 3, 5), "trend": [0.0, 1.0]}])
    table = present.league_table(df, "vi", "commune", average=O)
    assert list(table.columns[:5]) == ["STT", "Xã/phường/thị trấn", "Huyện", "Tình trạng", "Hoàn thành (%)"]
    first, second = table.iloc[0], table.iloc[1]
    assert pd.isna(first["STT"]) and first["Xã/phường/thị trấn"] == "Bình quân chung"
    assert first["Hoàn thành (%)"] == 42.2 and first["Chênh lệch (điểm)"] == 11.1
    assert second["STT"] == 1 and second["Tình trạng"] == "■ Chậm > 10 điểm"
    assert second["Báo cáo gần nhất"] == "05/03/2025" and second["Dự kiến hoàn thành"] == "–"
    assert second["14 ngày qua"] == [0.0, 1.0]
    districts = present.league_table(df.rename(columns={"commune": "district_name"}).assign(
        district=["H"]), "en", "district")
    assert "District" in districts.columns and "Commune" not in districts.columns


def test_csv_neutralizes_formulas():
    data = present.csv_bytes(pd.DataFrame({"a": ["=1+1", "-x", "ok"]})).decode("utf-8-sig")
    assert data.splitlines() == ["a", "'=1+1", "'-x", "ok"]


def test_underperformers_by_district():
    df = pd.DataFrame({
        "district": ["H2", "H2", "H1"], "reasons": [["not_reporting"], ["behind_schedule", "not_reporting"],
                                                    ["behind_schedule"]],
        "explanation_reason": [None, "x", float("nan")]})
    out = present.underperformers_by_district(df, "vi")
    assert out.to_dict("records") == [
        {"Huyện": "H2", "Số xã": 2, "Chậm so với kế hoạch": 1, "Không báo cáo": 2,
         "Chưa hoàn thành khi hết hạn": 0, "Đã giải trình": 1},
        {"Huyện": "H1", "Số xã": 1, "Chậm so với kế hoạch": 1, "Không báo cáo": 0,
         "Chưa hoàn thành khi hết hạn": 0, "Đã giải trình": 0},
    ]


# --- tables on screen: their toolbar downloads CSV and copies cells, so text is neutralized -------------------


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(A1)", "+1+1", "-2+3",
                                  "\x00=1+1", "Xã\x0bAn Hòa", "\t=1+1"], ids=repr)
def test_shown_table_neutralizes_text_cells_only(text):
    df = pd.DataFrame({"name": [text, "Xã An Hòa"], "pct": [45.5, -3.0], "trend": [[1.0, 2.0], [0.0, 1.0]],
                       "rank": pd.array([1, None], dtype="Int64")})
    shown = present.shown_table(df)
    assert shown["name"].tolist() == [present.neutralize(text), "Xã An Hòa"]
    assert shown["name"].iloc[0][0] == "'" or "\x0b" in text
    assert "\x00" not in shown["name"].iloc[0] and "\x0b" not in shown["name"].iloc[0]
    assert shown["pct"].tolist() == [45.5, -3.0] and shown["trend"].tolist() == [[1.0, 2.0], [0.0, 1.0]]
    assert shown["rank"].dtype == "Int64" and df["name"].iloc[0] == text  # the caller's frame is untouched


@pytest.mark.parametrize("text", ["-5", "+1.234", "-12,5 %", "-", "- 3"])
def test_plain_numbers_written_as_text_are_left_alone(text):
    assert present.neutralize(text) == text


def test_shown_table_reaches_text_in_mixed_columns():
    df = pd.DataFrame({"mixed": pd.Series(["=1+1", None, [1.0], 5, "Xã\x00An"], dtype=object),
                       "text": pd.Series(["@SUM(A1)", None, "a", "b", "@SUM(A1)"], dtype="str")})
    shown = present.shown_table(df)
    assert shown["mixed"].tolist() == ["'=1+1", None, [1.0], 5, "XãAn"]
    assert shown["text"].tolist()[::4] == ["'@SUM(A1)", "'@SUM(A1)"] and pd.isna(shown["text"].iloc[1])


@pytest.mark.parametrize("as_of, lang, label", [
    (date(2026, 12, 1), "vi", "Xã báo cáo hôm nay"),
    (date(2025, 3, 5), "vi", "Xã báo cáo ngày 05/03/2025"),
    (date(2025, 3, 5), "en", "Communes reporting on 05/03/2025"),
])
def test_reporting_label_names_the_day_unless_today(as_of, lang, label):
    assert present.reporting_label(as_of, date(2026, 12, 1), lang) == label


@pytest.mark.parametrize("lang,line", [("vi", "71,0;5107;"), ("en", "71.0,5107,")])
def test_csv_keeps_numbers_as_numbers_with_their_zeros(lang, line):
    """The exports hold numbers (Excel formats them); a whole 71.0 keeps its decimal, a missing one is empty."""
    data = present.csv_bytes(pd.DataFrame({"a": [71.0], "b": [5107], "c": [None]}), lang).decode("utf-8-sig")
    assert data.splitlines()[1] == line
