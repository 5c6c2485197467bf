"""Closing the campaign: the daily cut-off, commitments, the units to summon, the weekly roll-up."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pandas as pd
import pytest
from openpyxl import load_workbook

from analytics import closing, exports, metrics, present, store
from analytics.errors import InvalidArgument

DAY = date(2025, 3, 5)


def upload(con, rows: list[tuple[str, str, int, int]], name: str, at: datetime | None = None, monkeypatch=None,
           source: str = "cli") -> int:
    """One upload of (commune, date, total, digitized) rows; ``at`` = the upload time in UTC."""
    frame = pd.DataFrame(rows, columns=["commune_code", "report_date", "books_total", "books_digitized"])
    frame["records_digitized"] = None
    frame["row_no"] = range(2, len(frame) + 2)
    if at is not None:
        monkeypatch.setattr(store, "_now", lambda: at)
    upload_id, _ = store.commit_reports(con, file_name=name, sha256=name, rows=frame, province_code="99",
                                        source=source)
    return upload_id


@pytest.fixture
def tiny(tiny_con):
    store.set_campaign(tiny_con, "99", start=date(2025, 3, 1), deadline=date(2025, 3, 11))
    return tiny_con


# --- the cut-off --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("17:00", time(17, 0)), ("17h", time(17, 0)), ("17h30", time(17, 30)), ("8:05", time(8, 5)),
    (" 16 giờ 45 ", time(16, 45)),
])
def test_parse_cutoff(text, expected):
    assert closing.parse_cutoff(text) == expected


@pytest.mark.parametrize("text", ["", "25:00", "17:75", "năm giờ", "17:00:00"])
def test_parse_cutoff_refuses(text):
    with pytest.raises(InvalidArgument) as exc:
        closing.parse_cutoff(text)
    assert exc.value.key == "cutoff.bad_time"


def test_cutoff_is_vietnam_time_and_uploads_are_utc():
    # 17:00 in Hà Nội is 10:00 UTC; the uploads table stores naive UTC (store._now)
    assert closing.cutoff_utc(DAY) == datetime(2025, 3, 5, 10, 0)
    assert closing.cutoff_utc(DAY, time(8, 30)) == datetime(2025, 3, 5, 1, 30)


def test_on_time_at_1659_late_at_1701(tiny, monkeypatch):
    # 16:59 and 17:01 Vietnam time are 09:59 and 10:01 UTC
    upload(tiny, [("90001", "2025-03-05", 100, 40)], "a.csv", datetime(2025, 3, 5, 9, 59), monkeypatch)
    upload(tiny, [("90002", "2025-03-05", 100, 40)], "b.csv", datetime(2025, 3, 5, 10, 1), monkeypatch)
    # a correction for 90001 after the cut-off does not make its on-time report late
    upload(tiny, [("90001", "2025-03-05", 100, 41)], "a2.csv", datetime(2025, 3, 5, 11, 0), monkeypatch)
    v = metrics.view(tiny, "99", DAY)
    arr = closing.arrivals(tiny, v).set_index("commune_code")
    assert arr.at["90001", "status"] == "on_time"
    assert arr.at["90002", "status"] == "late"
    assert arr.at["90003", "status"] == "missing"
    assert arr.at["90002", "arrived_local"] == datetime(2025, 3, 5, 17, 1)
    panel = closing.cutoff_panel(tiny, v, now=datetime(2025, 3, 5, 12, 0))
    assert (panel["on_time"], panel["late"], panel["missing"], panel["passed"]) == (1, 1, 3, True)
    assert list(panel["not_in"]["commune_code"]) == ["90002", "90003", "90004", "90005"]
    # the Overview's "late" is the same rule
    o = metrics.overview(tiny, v)
    assert (o["reports_on_day"], o["reports_late"], o["reports_on_time"]) == (2, 1, 1)
    # before the cut-off the list is provisional
    assert closing.cutoff_panel(tiny, v, now=datetime(2025, 3, 5, 9, 0))["passed"] is False
    # a later cut-off (setting) makes the 17:01 report on time, everywhere
    store.set_setting(tiny, "99", closing.CUTOFF_KEY, "18:00")
    assert closing.arrivals(tiny, v).set_index("commune_code").at["90002", "status"] == "on_time"
    assert metrics.overview(tiny, v)["reports_late"] == 0


def test_a_withdrawn_upload_does_not_count(tiny, monkeypatch):
    first = upload(tiny, [("90001", "2025-03-05", 100, 40)], "a.csv", datetime(2025, 3, 5, 9, 0), monkeypatch)
    upload(tiny, [("90001", "2025-03-05", 100, 45)], "b.csv", datetime(2025, 3, 5, 12, 0), monkeypatch)
    store.withdraw_upload(tiny, first)
    arr = closing.arrivals(tiny, metrics.view(tiny, "99", DAY)).set_index("commune_code")
    assert arr.at["90001", "status"] == "late"


def test_the_text_for_the_chat_group(tiny, monkeypatch):
    upload(tiny, [("90001", "2025-03-05", 100, 40), ("90004", "2025-03-05", 100, 40)], "a.csv",
           datetime(2025, 3, 5, 9, 0), monkeypatch)
    upload(tiny, [("90002", "2025-03-05", 100, 40)], "b.csv", datetime(2025, 3, 5, 10, 20), monkeypatch)
    upload(tiny, [("90005", "2025-03-04", 100, 100)], "c.csv", datetime(2025, 3, 4, 9, 0), monkeypatch)
    panel = closing.cutoff_panel(tiny, metrics.view(tiny, "99", DAY))
    text = closing.cutoff_text(panel, "Tỉnh Thử")
    assert text.splitlines() == [
        "DANH SÁCH ĐƠN VỊ CHƯA BÁO CÁO SỐ HÓA SỔ HỘ TỊCH",
        "(số liệu đến 17h ngày 05/03/2025)",
        "Tỉnh Thử: 2/4 xã chưa báo cáo.",  # 90005 was complete before the day: nothing to report
        "",
        "Huyện Một (2 xã):",
        "- Xã Bình Thuỷ (báo cáo lúc 17:20)",
        "- Thị trấn Cẩm Lệ",
        "",
        "Trong đó 1 xã báo cáo sau 17h.",
    ]
    english = closing.cutoff_text(panel, "Tỉnh Thử", "en")
    assert "(figures as of 17:00 on 05/03/2025)" in english


def test_demo_reports_count_as_on_time(demo_con):
    panel = closing.cutoff_panel(demo_con, metrics.view(demo_con))
    assert panel["late"] == 0 and panel["on_time"] > 200
    assert metrics.overview(demo_con, metrics.view(demo_con))["reports_late"] == 0


# --- commitments --------------------------------------------------------------------------------------------

@pytest.fixture
def promised(tiny, monkeypatch):
    upload(tiny, [("90002", "2025-03-01", 200, 100), ("90003", "2025-03-01", 100, 50),
                  ("90004", "2025-03-01", 100, 10), ("90001", "2025-03-01", 100, 90),
                  ("90005", "2025-03-01", 100, 90)], "base.csv")
    upload(tiny, [("90002", "2025-03-04", 200, 180), ("90003", "2025-03-04", 100, 100),
                  ("90004", "2025-03-04", 100, 20)], "d4.csv")
    upload(tiny, [("90002", "2025-03-05", 200, 200), ("90004", "2025-03-05", 100, 30)], "d5.csv")
    store.add_explanation(tiny, "99", "90002", date(2025, 3, 2), "Thiếu máy quét", date(2025, 3, 4), "Ông A")
    store.add_explanation(tiny, "99", "90003", date(2025, 3, 2), "Cán bộ nghỉ", date(2025, 3, 6), "Bà B")
    store.add_explanation(tiny, "99", "90004", date(2025, 3, 2), "=HYPERLINK(\"x\")", date(2025, 3, 4), "Ông C")
    return tiny


@pytest.mark.parametrize("day, expected", [
    # 90002 committed to 04/03 and reached 100 % on 05/03: due on 04/03 (the day is not over), missed after
    # 90003 committed to 06/03 and reached 100 % on 04/03: kept as soon as it is there
    # 90004 committed to 04/03 and never finished
    (date(2025, 3, 3), {"90002": "due", "90003": "due", "90004": "due"}),
    (date(2025, 3, 4), {"90002": "due", "90003": "kept", "90004": "due"}),
    (date(2025, 3, 5), {"90002": "missed", "90003": "kept", "90004": "missed"}),
])
def test_commitments_kept_missed_due(promised, day, expected):
    df = closing.commitments(promised, metrics.view(promised, "99", day))
    assert dict(zip(df["commune_code"], df["status"])) == expected


def test_a_commitment_given_after_d_is_not_shown(promised):
    assert closing.commitments(promised, metrics.view(promised, "99", date(2025, 3, 1))).empty


def test_missed_commitment_is_a_reason_in_the_underperformers_list_and_exports(promised):
    v = metrics.view(promised, "99", DAY)
    assert closing.missed_commitments(promised, v) == {"90002": date(2025, 3, 4), "90004": date(2025, 3, 4)}
    df = metrics.underperformers_full(promised, v).set_index("commune_code")
    assert "90002" not in df.index  # complete now: never listed
    assert "missed_commitment" in df.at["90004", "reasons"]
    full = metrics.underperformers_full(promised, v)
    row = full[full["commune_code"] == "90004"].iloc[0].to_dict()
    assert "không hoàn thành như cam kết ngày 04/03" in present.reasons_text(row)
    csv = exports.underperformers_csv(full).decode("utf-8-sig")
    assert "không hoàn thành như cam kết ngày 04/03" in csv
    wb = load_workbook(io.BytesIO(exports.underperformers_xlsx(full, as_of=DAY, province_name="Tỉnh Thử",
                                                               campaign="Đợt")))
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any("không hoàn thành như cam kết ngày 04/03" in c for c in cells)
    # on 04/03 the commitment is still due: no such reason
    early = metrics.underperformers_full(promised, metrics.view(promised, "99", date(2025, 3, 4)))
    assert not any("missed_commitment" in r for r in early["reasons"])


def test_commitments_table_in_words(promised):
    table = closing.commitments_table(closing.commitments(promised, metrics.view(promised, "99", DAY)))
    assert list(table["Kết quả"]) == ["Không thực hiện", "Không thực hiện", "Đã thực hiện"]
    assert list(table["Cam kết xong ngày"])[:2] == ["04/03/2025", "04/03/2025"]


# --- the units to summon ------------------------------------------------------------------------------------

def test_summon_after_the_campaign_deadline(promised):
    assert closing.summon_list(promised, metrics.view(promised, "99", date(2025, 3, 11))).empty  # on the day
    after = closing.summon_list(promised, metrics.view(promised, "99", date(2025, 3, 12)))
    # 90002 and 90003 are complete; 90001, 90005 at 90 %, 90004 at 30 %; grouped by district, lowest first
    assert list(after["commune_code"]) == ["90001", "90004", "90005"]
    r = after.set_index("commune_code").loc["90004"]
    assert (r["books_total"], r["books_digitized"], r["remaining"], r["gap_to_full"]) == (100, 30, 70, 70.0)
    assert r["explanation_responsible"] == "Ông C" and r["missed_commitment"] == date(2025, 3, 4)


@pytest.mark.parametrize("deadlines", [
    pd.Series({"90001": date(2025, 3, 4), "90002": date(2025, 3, 4), "90003": date(2025, 3, 4),
               "90004": date(2025, 3, 7), "90005": date(2025, 3, 7)}),
    lambda code: date(2025, 3, 4) if code in {"90001", "90002", "90003"} else date(2025, 3, 7),
    {"90001": date(2025, 3, 4), "90004": date(2025, 3, 7), "90005": date(2025, 3, 7)},  # missing → the deadline
])
def test_summon_with_a_deadline_per_commune(promised, deadlines):
    # the slower district (902) had until 07/03, the other until 04/03
    on5 = closing.summon_list(promised, metrics.view(promised, "99", DAY), deadlines)
    assert list(on5["commune_code"]) == ["90001"]
    assert on5.iloc[0]["deadline"] == date(2025, 3, 4)
    on8 = closing.summon_list(promised, metrics.view(promised, "99", date(2025, 3, 8)), deadlines)
    assert list(on8["commune_code"]) == ["90001", "90004", "90005"]


def test_summon_exports_are_neutralized(promised):
    v = metrics.view(promised, "99", date(2025, 3, 12))
    communes = closing.summon_list(promised, v)
    districts = closing.summon_districts(promised, v, communes)
    assert list(districts["district_code"]) == ["901", "902"]
    assert list(districts["summoned"]) == [1, 2]
    data = exports.summon_xlsx(communes, districts, as_of=v.as_of, province_name="Tỉnh Thử", campaign="Đợt")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Đơn vị phải giải trình", "Theo huyện"]
    cells = [c for row in wb.active.iter_rows(values_only=True) for c in row]
    assert "'=HYPERLINK(\"x\")" in cells and "Ông C" in cells
    assert not any(isinstance(c, str) and c.startswith("=") for c in cells)
    csv = exports.summon_csv(communes).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "Xã Tam Kỳ" in csv


# --- the weekly roll-up -------------------------------------------------------------------------------------

def test_weekly_roll_up_hand_computed(tiny):
    upload(tiny, [("90001", "2025-02-28", 100, 10), ("90002", "2025-02-28", 100, 20),
                  ("90004", "2025-02-28", 200, 50)], "base.csv")
    upload(tiny, [("90001", "2025-03-07", 100, 40), ("90002", "2025-03-06", 100, 50),
                  ("90004", "2025-03-07", 200, 150)], "w1.csv")
    upload(tiny, [("90001", "2025-03-10", 100, 100), ("90004", "2025-03-11", 200, 200)], "w2.csv")
    v = metrics.view(tiny, "99", date(2025, 3, 20))  # after the deadline: the period ends on 11/03
    assert closing.week_spans(v) == [(1, date(2025, 3, 1), date(2025, 3, 7)), (2, date(2025, 3, 8), date(2025, 3, 11))]
    wk = closing.weekly(tiny, v).set_index(["week", "code"])
    one = wk.loc[(1, "901")]
    assert (one["start_digitized"], one["end_digitized"], one["progress_books"]) == (30, 90, 60)
    assert one["start_pct"] == pytest.approx(15.0) and one["end_pct"] == pytest.approx(45.0)
    assert one["progress_points"] == pytest.approx(30.0)
    two = wk.loc[(2, "901")]
    assert (two["start_digitized"], two["end_digitized"], two["progress_books"], two["units_completed"]) == \
        (90, 150, 60, 1)
    province = wk.loc[(2, "99")]
    assert (province["start_digitized"], province["end_digitized"]) == (240, 350)
    assert province["end_pct"] == pytest.approx(87.5)
    table = closing.weekly_table(closing.weekly(tiny, v))
    assert table.iloc[0]["Tuần"] == "Tuần 1 (01/03–07/03)"
    assert closing.weekly(tiny, metrics.view(tiny, "99", date(2025, 2, 28))).empty  # before the start


def test_cli_cutoff(tiny, db_path, run_cli, monkeypatch):
    import json

    upload(tiny, [("90001", "2025-03-05", 100, 40)], "a.csv", datetime(2025, 3, 5, 10, 30), monkeypatch)
    tiny.close()
    code, out, _ = run_cli("cutoff", "--as-of", "2025-03-05")
    assert code == 0 and out.splitlines()[1] == "(số liệu đến 17h ngày 05/03/2025)"
    assert "- Xã An Hòa (báo cáo lúc 17:30)" in out
    code, out, _ = run_cli("cutoff", "--as-of", "2025-03-05", "--json")
    data = json.loads(out)
    assert (data["late"], data["missing"], data["cutoff"]) == (1, 4, "17:00")
    assert data["not_reported"][0] == {"commune_code": "90001", "commune": "Xã An Hòa", "district": "Huyện Một",
                                       "status": "late", "arrived_at": "2025-03-05T17:30:00"}
