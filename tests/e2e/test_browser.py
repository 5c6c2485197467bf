"""The dashboard in a real browser (Playwright + Debian's Chromium): every page at desktop and phone size,
the figures against ``metrics.summary`` on the same database, the as-of date and district controls, an
upload through the real file input, the daily brief and a chart PNG downloaded by one click.

Run alone: ``.venv/bin/python -m pytest tests/e2e -m browser``; HOTICH_SCREENSHOTS=DIR keeps the screenshots.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from analytics import metrics, store
from analytics.i18n import fmt_int, fmt_pct
from analytics.units import display_code

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}

# one worker runs them all (pytest-xdist --dist loadgroup): one Streamlit server and one browser, not one per worker
pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LATEST = date(2025, 3, 5)      # the demo's last report
EARLIER = date(2025, 2, 28)
NEW_DAY = date(2025, 3, 6)     # the day of the file the test uploads
ERROR_TEXTS = ("Traceback (most recent call last)", "StreamlitAPIException", "Exception:")


@pytest.fixture(scope="module")
def expected(app_db: Path) -> dict:
    """The figures, computed from the database before the app starts (it is only read until the upload)."""
    with store.session(app_db) as con:
        latest = metrics.summary(con, None, LATEST)
        earlier = metrics.summary(con, None, EARLIER)
        district = max(earlier["districts"], key=lambda d: d["books_total"])
        reports = con.execute(
            "SELECT commune_code, books_total, books_digitized FROM reports WHERE report_date = ? "
            "ORDER BY commune_code LIMIT 3", [LATEST]).fetchall()
    return {"latest": latest, "earlier": earlier, "district": district, "reports": reports}


def wait_idle(page, timeout: int = 60_000) -> None:
    """Until the script has run to its end and every chart is drawn.

    The app reports "notRunning" before its first run has even started, so first wait for the page's
    title (every page has one), then for the run to end.
    """
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
                 .every(el => el.querySelector('.main-svg'))""", timeout=timeout)
    page.wait_for_timeout(300)


def assert_no_errors(page, where: str) -> None:
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, f"{where}: {exceptions.first.inner_text()}"
    errors = page.locator('[data-testid="stAlertContentError"]')
    assert errors.count() == 0, f"{where}: {errors.first.inner_text()}"
    dialogs = page.locator('[role="dialog"]')
    assert dialogs.count() == 0, f"{where}: {dialogs.first.inner_text()}"  # e.g. "Page not found"
    body = page.inner_text("body")
    for text in ERROR_TEXTS:
        assert text not in body, f"{where}: {text!r} on the page"


def date_shown(page) -> date:
    """The sidebar's as-of date (the field writes it DD/MM/YYYY)."""
    field = page.locator('[data-testid="stSidebar"] .st-key-as_of_input input')
    # a rerun may draw the field afresh for a moment: wait until it holds its day
    page.wait_for_function("el => el.value !== ''", arg=field.element_handle(), timeout=30_000)
    value = field.input_value()
    return date.fromisoformat(value) if "-" in value else date(*reversed([int(x) for x in value.split("/")]))


def metric_values(page) -> list[str]:
    return [v.strip() for v in page.locator('[data-testid="stMetricValue"]').all_inner_texts()]


def shown_values(page, *wanted: str, timeout: int = 60_000) -> list[str]:
    """The KPI values once every ``wanted`` text is among them (a page still being drawn, e.g. on a cold
    server, shows only some cards); on timeout, the values shown then, so the assertion names them."""
    try:
        page.wait_for_function(
            """(wanted) => {
                const shown = [...document.querySelectorAll('[data-testid="stMetricValue"]')]
                    .map(el => el.innerText.trim());
                return wanted.every(w => shown.includes(w));
            }""", arg=list(wanted), timeout=timeout)
    except Exception:  # playwright's TimeoutError: report what is shown instead
        pass
    return metric_values(page)


def nav_pages(page, base: str) -> list[str]:
    """The url paths of every page in the sidebar menu (the app decides which exist)."""
    hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all("els => els.map(e => e.href)")
    return sorted({h.removeprefix(base).strip("/").split("?")[0] for h in hrefs})  # "": the default page


def test_every_page_desktop_and_phone(page, app_url, screenshots_dir):
    page.goto(app_url)
    wait_idle(page)
    paths = nav_pages(page, app_url)
    assert {"", "cham-tien-do", "tai-len"} <= set(paths), paths
    for path in paths:
        name = path or "tong-quan"  # the default page (Tổng quan) lives at the root
        page.set_viewport_size(DESKTOP)
        page.goto(f"{app_url}/{path}")
        wait_idle(page)
        assert_no_errors(page, f"{name} at 1440x900")
        page.screenshot(path=str(screenshots_dir / f"{name}-1440x900.png"))
        page.set_viewport_size(PHONE)  # the same run seen on a phone (Streamlit's layout is responsive)
        page.wait_for_timeout(700)
        wait_idle(page)
        assert_no_errors(page, f"{name} at 390x844")
        page.screenshot(path=str(screenshots_dir / f"{name}-390x844.png"))
    assert len(list(screenshots_dir.glob("*.png"))) >= 2 * len(paths)


def test_overview_figures_match_summary(page, app_url, expected):
    s = expected["latest"]
    page.goto(app_url)
    wait_idle(page)
    assert_no_errors(page, "overview")
    values = shown_values(page, fmt_pct(s["completion_pct"], "vi"), fmt_int(s["books_digitized"], "vi"))
    assert fmt_pct(s["completion_pct"], "vi") in values, values
    assert fmt_int(s["books_digitized"], "vi") in values, values
    assert "DỮ LIỆU MẪU" in page.inner_text("body")
    assert date_shown(page) == LATEST


def wait_query(page, part: str, timeout: int = 30_000) -> None:
    """Until the URL's query (the app mirrors the view there) holds ``part``."""
    page.wait_for_function("part => window.location.search.includes(part)", arg=part, timeout=timeout)


def _set_date(page, day: date) -> None:
    """Pick a date in the sidebar's calendar: open it, go back month by month, click the day."""
    page.locator('[data-testid="stSidebar"] [data-testid="stPopover"] button').first.click()
    shown = date_shown(page)
    for _ in range((shown.year - day.year) * 12 + shown.month - day.month):
        # a rerun may leave the popover's old copy in the page for a moment: click the one shown
        page.locator(".st-key-as_of_prev button >> visible=true").first.click()
        wait_idle(page)
    page.locator(f".st-key-as_of_pick_{day.isoformat()} button >> visible=true").first.click()
    wait_idle(page)
    page.keyboard.press("Escape")  # the calendar stays open after a pick (Streamlit's popover): close it


def test_change_as_of_date_and_district(page, app_url, expected):
    """The as-of date and the district through the link a leader shares (the app mirrors its view in the URL)."""
    page.goto(f"{app_url}/?as_of={EARLIER.isoformat()}")
    wait_idle(page)
    assert date_shown(page) == EARLIER
    assert_no_errors(page, "overview, earlier date")
    values = shown_values(page, fmt_pct(expected["earlier"]["completion_pct"], "vi"))
    assert fmt_pct(expected["earlier"]["completion_pct"], "vi") in values, values
    assert fmt_pct(expected["latest"]["completion_pct"], "vi") not in values
    d = expected["district"]
    page.goto(f"{app_url}/?as_of={EARLIER.isoformat()}&district={d['district_code']}")
    wait_idle(page)
    assert_no_errors(page, "overview, one district")
    assert date_shown(page) == EARLIER
    values = shown_values(page, fmt_pct(d["completion_pct"], "vi"), fmt_int(d["books_digitized"], "vi"))
    assert fmt_pct(d["completion_pct"], "vi") in values, values
    assert fmt_int(d["books_digitized"], "vi") in values, values


def test_pick_as_of_date_and_district_in_the_sidebar(page, app_url, expected):
    page.goto(app_url)
    wait_idle(page)
    _set_date(page, EARLIER)
    wait_query(page, f"as_of={EARLIER.isoformat()}", timeout=20_000)
    wait_idle(page)
    assert_no_errors(page, "overview, date picked")
    assert fmt_pct(expected["earlier"]["completion_pct"], "vi") in shown_values(
        page, fmt_pct(expected["earlier"]["completion_pct"], "vi"))
    d = expected["district"]
    select = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=re.compile(r"^Huyện$")))
    select.locator('[role="combobox"], input').first.click()
    page.keyboard.type(d["district"])
    page.keyboard.press("Enter")
    wait_query(page, f"district={display_code(d['district_code'])}", timeout=20_000)  # the code people write
    wait_idle(page)
    assert fmt_pct(d["completion_pct"], "vi") in shown_values(page, fmt_pct(d["completion_pct"], "vi"))


def test_brief_and_chart_png_download(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=re.compile("Báo cáo nhanh.*PNG")).click()
    brief = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == f"bao-cao-nhanh-{LATEST.isoformat()}.png"
    assert brief[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(brief[16:20], "big") == 1080  # phone portrait width
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=re.compile("Tải ảnh PNG")).first.click()
    png = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.endswith(f"-{LATEST.isoformat()}.png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") >= 1600
    assert_no_errors(page, "overview after downloads")


def test_upload_through_file_input(page, app_url, expected, tmp_path):
    lines = ["Ngày báo cáo,Mã xã,Tổng số sổ,Số sổ đã số hóa"]
    for code, total, done in expected["reports"]:
        lines.append(f"{NEW_DAY.strftime('%d/%m/%Y')},{display_code(code)},{total},{min(total, done + 5)}")
    upload = tmp_path / "bao_cao_06_03.csv"
    upload.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.goto(f"{app_url}/tai-len")
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(upload))
    confirm = page.get_by_role("button", name="Xác nhận nạp số liệu")
    confirm.wait_for()
    wait_idle(page)
    assert_no_errors(page, "upload, checked")
    confirm.click()
    page.get_by_text(re.compile(r"Đã nạp 3 dòng")).wait_for(timeout=60_000)
    wait_idle(page)
    assert_no_errors(page, "upload, loaded")
    # the dashboard moves to the new day by itself
    page.goto(app_url)
    wait_idle(page)
    assert date_shown(page) == NEW_DAY
    assert_no_errors(page, "overview after upload")


# --- the clerk's day on the Upload page, on its own server (it replaces the demo, then brings it back) ---------

ENGLISH_ON_PAGE = re.compile(r"\b(Upload|Drag and drop|per file|Browse files|Limit)\b")


@pytest.fixture
def clerk_url(tmp_path_factory):
    import subprocess
    import sys

    from .conftest import ROOT, serve

    db = tmp_path_factory.mktemp("clerk") / "clerk.duckdb"
    subprocess.run([sys.executable, "-m", "analytics", "demo", "--db", str(db)], check=True, cwd=ROOT,
                   capture_output=True)
    server = serve(db, tmp_path_factory)
    yield next(server), db
    server.close()


def _main_text(page) -> str:
    """The text a reader sees in the main block (inner_text leaves out what CSS hides), once the page's
    stylesheet has hidden the file uploader's own English texts (it may land a moment after the widget)."""
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stFileUploaderDropzoneInstructions"]')]
                              .every(el => getComputedStyle(el).display === 'none')""", timeout=10_000)
    return page.locator('[data-testid="stMain"]').inner_text()


def _shoot(page, screenshots_dir: Path, name: str, at=None) -> None:
    """Desktop and phone screenshots, scrolled to ``at`` (a locator) when given: the page scrolls inside
    Streamlit's main block, so a full-page shot would show the top only."""
    for size, label in ((DESKTOP, "1440x900"), (PHONE, "390x844")):
        page.set_viewport_size(size)
        page.wait_for_timeout(600)
        if at is not None:
            at.evaluate("el => el.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(300)
        page.screenshot(path=str(screenshots_dir / f"{name}-{label}.png"), full_page=True)
    page.set_viewport_size(DESKTOP)
    page.wait_for_timeout(300)


def test_clerk_day_in_the_browser(page, clerk_url, screenshots_dir, tmp_path):
    import io
    from datetime import datetime

    from openpyxl import load_workbook

    from analytics import templates

    url, db = clerk_url
    page.goto(f"{url}/tai-len")
    wait_idle(page)
    assert_no_errors(page, "upload page")
    assert not ENGLISH_ON_PAGE.search(_main_text(page)), _main_text(page)
    _shoot(page, screenshots_dir, "tai-len-dau-ngay")  # not "tai-len": the every-page test writes that one
    # the district's template, downloaded by a click
    page.get_by_text("Tải mẫu báo cáo").click()
    page.locator('.st-key-template_scope [role="combobox"], .st-key-template_scope input').first.click()
    page.keyboard.type("Thành phố Tam Kỳ")
    page.keyboard.press("Enter")
    page.wait_for_timeout(500)
    wait_idle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Mẫu Excel").click()
    assert info.value.suggested_filename == "mau_bao_cao_thanh-pho-tam-ky.xlsx"
    wb = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()))
    ws = wb.active
    first = templates.HEADER_ROW + 1
    rows = range(first, ws.max_row + 1)
    n = len(rows)
    assert n >= 10
    ws["B2"] = datetime(2025, 3, 6)
    filled = n - 3  # filled in part: the last 3 communes have not reported
    for r in rows[:filled]:
        ws.cell(r, 4, 1000)
        ws.cell(r, 5, 700)
    ws.cell(first, 2).value = None
    ws.cell(first, 3).value = "Phường Tân Thanh Mới"    # typed by hand, misspelt
    ws.cell(first + 1, 2).value = None
    ws.cell(first + 1, 1).value = "TP Tam Kyy"          # a misspelt district
    upload = tmp_path / "bao_cao_tam_ky.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    upload.write_bytes(buf.getvalue())
    # a click on the drop zone opens the file chooser
    with page.expect_file_chooser() as chooser:
        page.locator('[data-testid="stFileUploaderDropzone"]').click(position={"x": 300, "y": 30})
    chooser.value.set_files(str(upload))
    page.get_by_text(re.compile(r"bị từ chối: 2 lỗi")).wait_for(timeout=60_000)
    wait_idle(page)
    text = _main_text(page)
    assert f"xã khớp: {filled - 2}" in text and not ENGLISH_ON_PAGE.search(text)
    # the candidates are shown whole, as choices under the problems
    whole = page.get_by_text("Phường Tân Thạnh, Thành phố Tam Kỳ (20335)", exact=True)
    assert whole.is_visible()
    _shoot(page, screenshots_dir, "tai-len-chon-don-vi", at=page.get_by_text("Chọn đơn vị cho các tên chưa khớp", exact=True))
    page.get_by_text("Thành phố Tam Kỳ (502)", exact=True).click()
    wait_idle(page)
    page.get_by_text("Phường Tân Thạnh, Thành phố Tam Kỳ (20335)", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Ghi nhớ các lựa chọn và kiểm tra lại").click()
    page.get_by_text("Đã ghi nhớ 2 tên gọi.").wait_for(timeout=60_000)
    wait_idle(page)
    assert_no_errors(page, "names remembered")
    assert "toàn bộ dữ liệu mẫu" in _main_text(page)  # said before the confirmation
    _shoot(page, screenshots_dir, "tai-len-xem-truoc", at=page.get_by_text("Số liệu từng xã: trước → sau", exact=True))
    page.get_by_text("Tôi đã xem các cảnh báo và vẫn muốn nạp").click()  # the 3 blank rows: skipped
    wait_idle(page)
    page.get_by_role("button", name="Xác nhận nạp số liệu").click()
    page.get_by_text(f"Đã nạp {filled} dòng ({filled} xã)", exact=False).wait_for(timeout=60_000)
    wait_idle(page)
    with store.session(db) as con:
        assert not store.is_demo(con) and store.report_count(con) == filled
    # the next day's file: each commune's figures before → after, a jump and a drop flagged
    day2 = tmp_path / "bao_cao_07_03.csv"
    day2.write_text("Ngày báo cáo,Mã xã,Tổng số sổ,Số sổ đã số hóa\n07/03/2025,20335,1000,950\n"
                    "07/03/2025,20341,1000,650\n07/03/2025,20344,1000,720\n", encoding="utf-8")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(day2))
    page.get_by_text(re.compile(r"2 xã cần xem lại")).wait_for(timeout=60_000)
    wait_idle(page)
    assert page.locator('[data-testid="stDataFrame"] td', has_text="700 → 950").count() == 1
    _shoot(page, screenshots_dir, "tai-len-truoc-sau", at=page.get_by_text("Số liệu từng xã: trước → sau", exact=True))
    # withdraw it: the empty dashboard says why; the demo can come back
    page.get_by_text("Rút lần tải lên").click()
    page.get_by_role("button", name="Rút và khôi phục số liệu trước đó").click()
    page.get_by_text(re.compile(r"dữ liệu mẫu đã bị xóa khi nạp tệp thật đầu tiên")).first.wait_for(timeout=60_000)
    wait_idle(page)
    page.get_by_role("button", name="Nạp lại dữ liệu mẫu").click()
    page.get_by_text(re.compile(r"Đã nạp lại dữ liệu mẫu")).wait_for(timeout=60_000)
    wait_idle(page)
    assert_no_errors(page, "demo loaded again")
    with store.session(db) as con:
        assert store.is_demo(con) and store.report_count(con) > 3000
