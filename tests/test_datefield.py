"""The sidebar's as-of date: a typed day applies on Enter, bad text changes nothing, the calendar speaks the
user's language."""

from __future__ import annotations

from datetime import date

import pytest
from test_app_pages import app, ok

from analytics import metrics, store
from analytics.i18n import t
from ui.datefield import parse_day

FIELD = "as_of_input"


@pytest.mark.parametrize("text,day", [
    ("05/03/2025", date(2025, 3, 5)), ("5/3/2025", date(2025, 3, 5)), (" 2025-03-05 ", date(2025, 3, 5)),
    ("31/02/2025", None), ("2025-3-5", None), ("05.03.2025", None), ("", None), ("abc", None),
    ("05/03/25", None), ("2025-02-29", None), ("29/02/2024", date(2024, 2, 29)),
])
def test_parse_day(text, day):
    assert parse_day(text) == day


def bounds(path) -> tuple[date, date]:
    with store.session(path) as con:
        return metrics.date_bounds(con, store.default_province(con))


def notes(at) -> list[str]:
    return [w.value for w in at.sidebar.warning if w.icon == ":material/event_busy:"]


def completion(at, lang: str = "vi") -> str:
    return next(m.value for m in at.metric if m.label == t("kpi.completion", lang))


def test_a_typed_day_applies_on_enter(monkeypatch, demo_file):
    at = ok(app(monkeypatch, demo_file))
    before = completion(at)
    at.sidebar.text_input(key=FIELD).input("1/3/2025").run()  # Enter commits the text field
    ok(at)
    assert at.query_params["as_of"] == "2025-03-01"
    assert at.sidebar.text_input(key=FIELD).value == "01/03/2025"  # written back the usual way
    assert completion(at) != before and not notes(at) and not at.sidebar.error


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("text", ["31/02/2025", "hôm qua", "2025/03/01"])
def test_malformed_text_says_why_and_changes_nothing(monkeypatch, demo_file, lang, text):
    at = ok(app(monkeypatch, demo_file, **({"lang": "en"} if lang == "en" else {})))
    before, url = completion(at, lang), dict(at.query_params)
    at.sidebar.text_input(key=FIELD).input(text).run()
    ok(at)
    [err] = at.sidebar.error
    assert err.value == t("datefield.malformed", lang, asked=text, shown="05/03/2025")
    assert completion(at, lang) == before and dict(at.query_params) == url
    # a valid day afterwards applies and the message goes
    at.sidebar.text_input(key=FIELD).input("2025-03-01").run()
    assert not ok(at).sidebar.error and at.query_params["as_of"] == "2025-03-01"


@pytest.mark.parametrize("text,side", [("01/01/2020", 0), ("31/12/2099", 1)])
def test_a_day_outside_the_data_is_clamped_with_a_note(monkeypatch, demo_file, text, side):
    low, high = bounds(demo_file)
    shown = (low, high)[side]
    at = ok(app(monkeypatch, demo_file))
    at.sidebar.text_input(key=FIELD).input(text).run()
    ok(at)
    assert at.sidebar.text_input(key=FIELD).value == shown.strftime("%d/%m/%Y")  # the field follows the cards
    [note] = notes(at)
    assert note == t("phone.as_of_typed_outside", asked=text, low=low.strftime("%d/%m/%Y"),
                     high=high.strftime("%d/%m/%Y"), shown=shown.strftime("%d/%m/%Y"))
    assert at.query_params.get("as_of", "") in ("", shown.isoformat())


def day_buttons(at) -> dict[str, object]:
    return {b.key: b for b in at.sidebar.button if (b.key or "").startswith("as_of_pick_")}


@pytest.mark.parametrize("lang,title,heads", [
    ("vi", "**Tháng 3/2025**", ["T2", "T3", "T4", "T5", "T6", "T7", "CN"]),
    ("en", "**March 2025**", ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]),
])
def test_the_calendar_in_the_users_language_and_a_click_applies(monkeypatch, demo_file, lang, title, heads):
    low, high = bounds(demo_file)
    at = ok(app(monkeypatch, demo_file, **({"lang": "en"} if lang == "en" else {})))
    assert title in [m.value for m in at.sidebar.markdown]
    captions = [c.value for c in at.sidebar.caption]
    assert all(h in captions for h in heads)
    days = day_buttons(at)
    assert len(days) == 31
    chosen = [k for k, b in days.items() if b.proto.type == "primary"]
    assert chosen == ["as_of_pick_2025-03-05"]
    for key, b in days.items():
        assert b.disabled == (not low <= date.fromisoformat(key[-10:]) <= high)
    days["as_of_pick_2025-03-02"].click().run()
    ok(at)
    assert at.query_params["as_of"] == "2025-03-02"
    assert at.sidebar.text_input(key=FIELD).value == "02/03/2025"
    assert [k for k, b in day_buttons(at).items() if b.proto.type == "primary"] == ["as_of_pick_2025-03-02"]
    # the previous month: February's days, its title
    at.sidebar.button(key="as_of_prev").click().run()
    ok(at)
    assert len(day_buttons(ok(at))) == 28 and "2025-03-02" == at.query_params["as_of"]


def test_the_field_keeps_its_day_when_the_language_changes(monkeypatch, demo_file):
    at = ok(app(monkeypatch, demo_file))
    at.sidebar.text_input(key=FIELD).input("02/03/2025").run()
    at.sidebar.selectbox(key="lang_select").set_value("en").run()
    ok(at)
    assert at.sidebar.text_input(key=FIELD).value == "02/03/2025" and at.query_params["as_of"] == "2025-03-02"
    assert at.sidebar.text_input(key=FIELD).label == t("sidebar.as_of", "en")
