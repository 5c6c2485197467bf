"""Right on a phone (390 × 844) and a laptop, in Chromium: the phone's first screen, chart labels, league
tables, the date field, the browser's Back button and pasted links, two clicks to the worst commune.

Run alone: ``.venv/bin/python -m pytest tests/e2e/test_phone_laptop.py -m browser``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from analytics import metrics, store
from analytics.i18n import fmt_date, fmt_int, fmt_pct
from analytics.units import display_code

from .conftest import PHONE
from .test_browser import EARLIER, LATEST, date_shown, shown_values, wait_idle, wait_query

pytestmark = pytest.mark.browser
TAB_DISTRICTS, TAB_COMMUNES = "Xếp hạng huyện", "Xếp hạng xã"


@pytest.fixture(scope="module")
def facts(app_db: Path) -> dict:
    with store.session(app_db) as con:
        s = metrics.summary(con, None, LATEST)
        o = metrics.overview(con, metrics.view(con, None, LATEST))
        district = max(s["districts"], key=lambda d: d["books_total"])
        communes = metrics.commune_league(con, metrics.view(con, None, LATEST), district["district_code"])
    worst = communes.sort_values(["gap_pct", "commune"], ascending=[False, True], na_position="first").iloc[0]
    return {"summary": s, "overview": o, "district": district, "worst": worst}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  is_mobile=True, has_touch=True)
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()


def visible_in_first_screen(page, text: str) -> bool:
    box = page.get_by_text(text, exact=False).first.bounding_box()
    return box is not None and box["y"] + box["height"] <= PHONE["height"]


def test_phone_first_screen_holds_the_key_facts(phone, app_url, facts):
    phone.goto(app_url)
    wait_idle(phone)
    summary = phone.locator(".st-key-phone_summary")
    assert summary.is_visible()
    box = summary.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"], box
    text = summary.inner_text()
    o = facts["overview"]
    assert fmt_date(LATEST) in text
    assert fmt_pct(o["completion_pct"], "vi") in text
    assert f"{o['days_left']} ngày" in text
    assert fmt_int(o["required_per_day"], "vi") in text and fmt_int(o["recent_per_day"], "vi") in text
    assert fmt_date(o["projected_finish"]) in text
    brief = phone.get_by_role("button", name=re.compile("Báo cáo nhanh.*PNG"))
    assert brief.bounding_box()["y"] > box["y"] + box["height"] - 1  # the brief buttons below the summary


def test_laptop_shows_cards_not_the_phone_summary(page, app_url):
    page.goto(app_url)
    wait_idle(page)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 8")
    assert not page.locator(".st-key-phone_summary").is_visible()
    assert not page.locator('[class*="st-key-phone_title_"]').first.is_visible()  # the chart draws its title


def test_phone_charts_titles_modebar_and_value_labels(phone, app_url):
    phone.goto(app_url)
    wait_idle(phone)
    chart = phone.locator('[data-testid="stPlotlyChart"]').first
    chart.scroll_into_view_if_needed()
    chart.tap()
    phone.wait_for_timeout(300)
    assert not chart.locator(".modebar").is_visible()  # the toolbar does not cover the title on a phone
    # the district ranking: the values beside the names (never over the bars' hatching), 12 px or more
    ranking = phone.locator('[data-testid="stPlotlyChart"]').nth(2)
    ranking.scroll_into_view_if_needed()
    assert ranking.locator("g.bartext").count() == 0
    sizes = ranking.locator("g.ytick text").evaluate_all(
        "els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 12, sizes
    assert "%" in ranking.locator("g.ytick text").first.text_content()


def test_reporting_card_names_the_day_and_the_district_is_marked(page, app_url, facts):
    d = facts["district"]
    page.goto(f"{app_url}/?as_of={EARLIER.isoformat()}&district={display_code(d['district_code'])}")
    wait_idle(page)
    page.locator('[data-testid="stMetricLabel"]').first.wait_for()  # a loaded machine draws the cards late
    labels = page.locator('[data-testid="stMetricLabel"]').all_inner_texts()
    assert any(f"Xã báo cáo ngày {fmt_date(EARLIER)}" in x for x in labels), labels
    assert not any("hôm nay" in x for x in labels), labels
    ranking = page.locator('[data-testid="stPlotlyChart"]').nth(2)
    ranking.scroll_into_view_if_needed()
    ranking.locator("g.ytick text").first.wait_for()
    ticks = ranking.locator("g.ytick text").all_text_contents()
    assert any(t.startswith("▶") and d["district"] in t for t in ticks), ticks
    subtitle = " ".join(ranking.locator("g.annotation").all_text_contents())
    assert d["district"] + "," not in subtitle  # the ranking shows every district: its place is the province


def test_league_tables_put_name_completion_gap_first_on_a_phone(phone, app_url):
    phone.goto(f"{app_url}/dia-ban")
    wait_idle(phone)
    grid = phone.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    phone.wait_for_timeout(500)
    headers = grid.locator('[role="columnheader"]').all_inner_texts()
    headers = [h.strip() for h in headers if h.strip()]
    assert headers[:3] == ["Huyện", "Hoàn thành (%)", "Chênh lệch (điểm)"] or \
        [h.split("\n")[0] for h in headers[:3]][0] == "Huyện", headers


def _type_date(page, text: str) -> None:
    """Type a day into the field, as a keyboard user does, and press Enter (which applies it; the focus stays)."""
    field = page.locator('[data-testid="stSidebar"] .st-key-as_of_input input')
    field.fill("")
    field.type(text)
    page.keyboard.press("Enter")


def test_typed_date_applies_and_a_day_outside_the_data_comes_back(page, app_url, facts):
    page.goto(app_url)
    wait_idle(page)
    _type_date(page, EARLIER.strftime("%d/%m/%Y"))
    wait_query(page, f"as_of={EARLIER.isoformat()}")
    wait_idle(page)
    assert date_shown(page) == EARLIER
    # outside the data's span: the field comes back to the first day, the cards follow, a Vietnamese note says so
    _type_date(page, "01/01/2024")
    page.get_by_text("nằm ngoài khoảng có số liệu").wait_for()
    wait_idle(page)
    sidebar = page.locator('[data-testid="stSidebar"]').inner_text()
    assert "Ngày 01/01/2024 nằm ngoài khoảng có số liệu" in sidebar, sidebar
    assert "outside allowed range" not in sidebar
    shown = date_shown(page)
    assert shown < EARLIER
    assert f"as_of={shown.isoformat()}" in page.url
    assert fmt_date(shown) in page.locator(".st-key-phone_summary").text_content()  # the cards follow the field


def test_back_button_steps_through_date_district_page_tab_commune(page, app_url, facts):
    d = facts["district"]
    page.goto(app_url)
    wait_idle(page)
    _type_date(page, EARLIER.strftime("%d/%m/%Y"))
    wait_query(page, f"as_of={EARLIER.isoformat()}")
    wait_idle(page)
    select = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=re.compile(r"^Huyện$")))
    select.locator('[role="combobox"], input').first.click()
    page.keyboard.type(d["district"])
    page.keyboard.press("Enter")
    wait_query(page, f"district={display_code(d['district_code'])}")
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"] a', has_text="Địa bàn").click()
    page.wait_for_url(re.compile(r"/dia-ban"))
    wait_idle(page)
    page.get_by_role("tab", name=TAB_COMMUNES).click()
    wait_query(page, "tab=xa")
    wait_idle(page)
    # Back: the districts tab, then the Overview of the district, then the whole province, then the other day
    page.go_back()
    page.wait_for_function("() => !location.search.includes('tab=xa')")
    wait_idle(page)
    assert page.get_by_role("tab", selected=True).inner_text() == TAB_DISTRICTS
    # one press of Back after the page menu's click: the previous page, with its date and district (the menu's
    # address without the query string is replaced by the one with it, assets/history.js)
    page.go_back()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/\?"))
    wait_idle(page)
    assert page.locator('[data-testid="stMain"] h1').inner_text() == "Tổng quan tiến độ"
    assert f"district={display_code(d['district_code'])}" in page.url and f"as_of={EARLIER.isoformat()}" in page.url
    assert select.locator("input").first.input_value() == d["district"] and date_shown(page) == EARLIER
    page.go_back()
    page.wait_for_function("() => !location.search.includes('district=')")
    wait_idle(page)
    # the address changes at once, the sidebar with the rerun that follows: wait for the whole province
    page.wait_for_function("el => el.value === 'Toàn tỉnh'", arg=select.locator("input").first.element_handle(),
                           timeout=30_000)
    assert date_shown(page) == EARLIER
    page.go_back()
    page.wait_for_function("() => !location.search.includes('as_of=')")
    wait_idle(page)
    assert date_shown(page) == LATEST


def test_pasted_link_opens_tab_drill_and_commune(page, app_url, facts):
    d, worst = facts["district"], facts["worst"]
    code = display_code(d["district_code"])
    page.goto(f"{app_url}/dia-ban?tab=xa&communes_of={code}&commune={worst['commune_code']}")
    wait_idle(page)
    assert page.get_by_role("tab", selected=True).inner_text() == TAB_COMMUNES
    assert fmt_pct(worst["completion_pct"], "vi") in shown_values(page, fmt_pct(worst["completion_pct"], "vi"))
    page.goto(f"{app_url}/dia-ban?drill={code}")
    wait_idle(page)
    assert page.get_by_text(f"Các xã của {d['district']}").is_visible()


def test_worst_commune_in_two_clicks(page, app_url, facts):
    """Overview → a district's bar (1) → the top row of its communes, sorted by gap (2): the commune's detail."""
    d, worst = facts["district"], facts["worst"]
    page.goto(app_url)
    wait_idle(page)
    ranking = page.locator('[data-testid="stPlotlyChart"]').nth(2)
    ranking.scroll_into_view_if_needed()
    names = ranking.locator("g.ytick text").all_text_contents()
    index = next(i for i, t in enumerate(names) if t.startswith(d["district"] + " "))
    bars = ranking.locator("g.point path")
    # the bars are drawn bottom-up in the order of the ticks (one trace per status): click the one on the row
    tick_box = ranking.locator("g.ytick text").nth(index).bounding_box()
    row_y = tick_box["y"] + tick_box["height"] / 2
    target = next(b for b in bars.all() if (bb := b.bounding_box()) and bb["y"] <= row_y <= bb["y"] + bb["height"])
    tb = target.bounding_box()
    page.mouse.click(tb["x"] + tb["width"] / 2, tb["y"] + tb["height"] / 2)  # plotly takes clicks on its drag layer
    page.wait_for_url(re.compile(r"/dia-ban\?.*drill="))
    wait_idle(page)
    assert page.get_by_text(f"Các xã của {d['district']}").is_visible()
    grid = page.locator('[data-testid="stDataFrame"]').nth(1)
    grid.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = grid.bounding_box()
    # row 0 is the district's average; row 1 the commune furthest behind (rows are 35 px in Glide)
    page.mouse.click(box["x"] + 12, box["y"] + 35 * 2 + 17)
    wait_query(page, "commune=" + quote(str(worst["commune_code"]), safe=""))
    wait_idle(page)
    assert page.get_by_role("tab", selected=True).inner_text() == TAB_COMMUNES
    assert fmt_pct(worst["completion_pct"], "vi") in shown_values(page, fmt_pct(worst["completion_pct"], "vi"))


def test_numbers_in_vietnamese_in_cards_and_tables(page, app_url, facts, screenshots_dir):
    """Cards and the phone summary are formatted by the app (71,6 %, 4.921); the tables are drawn on a canvas
    with the browser's Vietnamese number format (checked on the screenshot by eye; the page is in vi-VN)."""
    page.goto(app_url)
    wait_idle(page)
    o = facts["overview"]
    values = shown_values(page, fmt_pct(o["completion_pct"], "vi"), fmt_int(o["recent_per_day"], "vi"))  # all cards drawn
    assert fmt_pct(o["completion_pct"], "vi") in values and fmt_int(o["recent_per_day"], "vi") in values
    assert not any(re.fullmatch(r"\d+\.\d %", v) for v in values), values  # never 71.6 %
    page.goto(f"{app_url}/dia-ban")
    wait_idle(page)
    assert page.evaluate("navigator.language") == "vi-VN"  # what Streamlit's "localized" tables follow
    page.locator('[data-testid="stDataFrame"]').first.screenshot(path=str(screenshots_dir / "bang-xep-hang.png"))


LAPTOPS = [{"width": 1366, "height": 768}, {"width": 1280, "height": 800}]


def cut_cards(page) -> list[str]:
    """The card values, labels and notes wider than their card (shown cut, "1/233 co…", "Xã báo cáo ngày
    05/03/2…"), with their width and their card's."""
    return page.evaluate("""() => [...document.querySelectorAll(
            '[data-testid="stMetricValue"], [data-testid="stMetricLabel"], [data-testid="stMetricDelta"]')]
        .filter(el => el.offsetParent !== null)
        .flatMap(el => [el, ...el.querySelectorAll('*')])
        .filter(el => el.scrollWidth > el.clientWidth + 1)
        .map(el => `${el.innerText} (${el.scrollWidth} > ${el.clientWidth})`)""")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("viewport", [PHONE, *LAPTOPS], ids=["phone", "1366", "1280"])
def test_every_card_value_fits_its_card(browser, app_url, facts, lang, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  is_mobile=viewport is PHONE, has_touch=viewport is PHONE)
    page = context.new_page()
    page.set_default_timeout(30_000)
    worst, code = facts["worst"], display_code(facts["district"]["district_code"])
    query = "lang=en&" if lang == "en" else ""
    try:
        for path in ("", "/bao-cao-17h", f"/dia-ban?tab=xa&communes_of={code}&commune={worst['commune_code']}"):
            page.goto(f"{app_url}{path}{'&' if '?' in path else '?'}{query}")
            wait_idle(page)
            page.locator('[data-testid="stMetricValue"]').first.wait_for()
            assert not cut_cards(page), (viewport, lang, path, cut_cards(page))
    finally:
        context.close()


def test_a_pages_date_field_typed_refused_and_picked_in_vietnamese(page, app_url):
    """The Underperformers page's deadline field: Enter applies a typed day, a wrong or far day gets a
    Vietnamese message and changes nothing, the calendar names months and weekdays in Vietnamese."""
    page.goto(f"{app_url}/cham-tien-do")
    wait_idle(page)
    field = page.locator(".st-key-summon_deadline input")

    def type_day(text: str) -> None:
        field.fill("")
        field.type(text)
        page.keyboard.press("Enter")

    type_day("20/3/2100")
    page.get_by_text("nằm ngoài khoảng cho phép").wait_for()
    wait_idle(page)
    type_day("20/3/2030")
    page.get_by_text("Chưa quá hạn 20/03/2030").wait_for()
    wait_idle(page)
    assert field.input_value() == "20/03/2030"  # written back the usual way, the message gone
    assert not page.get_by_text("nằm ngoài khoảng cho phép").count()
    type_day("31/02/2030")
    page.get_by_text("«31/02/2030» không phải là ngày hợp lệ").wait_for()
    assert page.get_by_text("Chưa quá hạn 20/03/2030").is_visible()  # the kept day still counts
    page.locator(".st-key-summon_deadline_field [data-testid='stPopover'] button").first.click()
    calendar = page.locator("[data-testid='stPopoverBody'] >> visible=true").last
    calendar.get_by_text("Tháng 3/2030").wait_for()
    heads = calendar.locator("[data-testid='stCaptionContainer']").all_inner_texts()
    assert [h.strip() for h in heads] == ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]
    assert "March" not in calendar.inner_text()
    page.locator(".st-key-summon_deadline_pick_2030-03-25 button >> visible=true").first.click()
    page.get_by_text("Chưa quá hạn 25/03/2030").wait_for()
    assert field.input_value() == "25/03/2030"


def test_settings_form_keeps_what_was_typed_when_a_date_is_picked(page, app_url):
    """The campaign's dates sit above the form (no callbacks in a form): picking one reruns the page, and what
    was typed in the form but not saved yet stays (nothing is saved here: the server's data is shared)."""
    page.goto(f"{app_url}/cai-dat")
    wait_idle(page)
    name = page.locator(".st-key-set_name input")
    name.fill("Chiến dịch thử")
    start = page.locator(".st-key-set_start input")
    before = start.input_value()
    page.locator(".st-key-set_start_field [data-testid='stPopover'] button").first.click()
    day = page.locator("[class*='st-key-set_start_pick_'] button:not([disabled]) >> visible=true").nth(3)
    day.click()
    page.wait_for_function("(b) => document.querySelector('.st-key-set_start input').value !== b", arg=before)
    wait_idle(page)
    page.keyboard.press("Escape")
    assert name.input_value() == "Chiến dịch thử"
