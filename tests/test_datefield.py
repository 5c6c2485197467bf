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


# --- the pages' own date fields (settings, underperformers, upload): the same field, refusing what is wrong ---

def page(monkeypatch, path, name: str, **params: str):
    return ok(ok(app(monkeypatch, path, **params)).switch_page(name).run())


def save_settings(at, lang: str = "vi"):
    next(b for b in at.button if b.label == t("settings.save", lang)).click().run()
    return ok(at)


def campaign(path):
    with store.session(path) as con:
        return store.get_campaign(con, metrics.view(con).province)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_settings_dates_typed_with_enter_and_saved_with_the_form(monkeypatch, own_demo, lang):
    at = page(monkeypatch, own_demo, "views/settings.py", **({"lang": "en"} if lang == "en" else {}))
    assert not at.date_input  # no Streamlit date input with its English calendar is left on the page
    at.text_input(key="set_deadline").input("30/6/2025").run()  # Enter applies: the field writes it back
    assert ok(at).text_input(key="set_deadline").value == "30/06/2025" and not at.error
    at.number_input(key="set_window").set_value(5)
    save_settings(at, lang)
    assert campaign(own_demo).deadline == date(2025, 6, 30)
    assert at.text_input(key="set_deadline").value == "30/06/2025"  # the saved value, shown again


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("text,key,args", [
    ("31/02/2025", "datefield.malformed_kept", {"asked": "31/02/2025", "kept": "21/02/2025"}),
    ("01/01/1999", "datefield.outside", {"asked": "01/01/1999", "low": "01/01/2000", "high": "31/12/2099",
                                         "kept": "21/02/2025"}),
])
def test_a_wrong_date_is_refused_and_the_form_saves_nothing(monkeypatch, own_demo, lang, text, key, args):
    at = page(monkeypatch, own_demo, "views/settings.py", **({"lang": "en"} if lang == "en" else {}))
    before = campaign(own_demo)
    at.text_input(key="set_start").input(text).run()
    [err] = ok(at).error
    assert err.value == t(key, lang, **args)
    save_settings(at, lang)
    assert any(e.value == t("datefield.pending", lang) for e in at.error)
    assert campaign(own_demo) == before
    # a good day afterwards: the message goes and the form saves
    at.text_input(key="set_start").input("20/02/2025").run()
    assert not ok(at).error
    save_settings(at, lang)
    assert campaign(own_demo).start == date(2025, 2, 20)


@pytest.mark.parametrize("lang,title", [("vi", "**Tháng 2/2025**"), ("en", "**February 2025**")])
def test_a_pages_calendar_speaks_the_users_language_and_a_click_applies(monkeypatch, own_demo, lang, title):
    at = page(monkeypatch, own_demo, "views/settings.py", **({"lang": "en"} if lang == "en" else {}))
    assert title in [m.value for m in at.markdown]
    at.button(key="set_start_pick_2025-02-18").click().run()
    assert ok(at).text_input(key="set_start").value == "18/02/2025"
    assert at.button(key="set_start_pick_2025-02-18").proto.type == "primary"
    at.button(key="set_start_next").click().run()
    assert "**" + ("Tháng 3/2025" if lang == "vi" else "March 2025") + "**" in [m.value for m in ok(at).markdown]
    save_settings(at, lang)
    assert campaign(own_demo).start == date(2025, 2, 18)


def test_unit_deadline_typed_then_saved(monkeypatch, own_demo):
    at = page(monkeypatch, own_demo, "views/settings.py")
    with store.session(own_demo) as con:
        v = metrics.view(con)
        district = metrics.district_options(con, v.province).iloc[0]["district_code"]
    at.selectbox(key="set_unit").set_value(f"district:{district}")
    at.text_input(key="set_unit_day").input("2025-03-09").run()
    next(b for b in ok(at).button if b.label == t("settings.unit_deadline_save")).click().run()
    with store.session(own_demo) as con:
        own = store.unit_deadlines(con, v.province)
    assert own.iloc[0]["deadline"].date() == date(2025, 3, 9)


def test_explanation_with_an_optional_commitment_date(monkeypatch, own_demo):
    at = page(monkeypatch, own_demo, "views/underperformers.py")
    assert at.text_input(key="explain_new_date").value == ""  # may stay empty
    assert at.text_input(key="explain_date").value == "05/03/2025"  # the as-of date
    code = at.selectbox(key="explain_commune").value
    at.text_input(key="explain_new_date").input("12/03/2025").run()
    at.text_input(key="explain_new_date").input("").run()  # emptied again: no commitment, no message
    assert not ok(at).error
    at.text_input(key="explain_new_date").input("12/03/2025").run()
    at.text_area(key="explain_reason").input("Thiếu máy")
    next(b for b in at.button if b.label == t("explain.save")).click().run()
    ok(at)
    with store.session(own_demo) as con:
        notes = store.explanations(con, metrics.view(con).province, code)
    assert notes.iloc[-1]["new_completion_date"].date() == date(2025, 3, 12)
    assert at.text_input(key="explain_new_date").value == ""  # cleared with the form


def test_summon_deadline_typed(monkeypatch, own_demo):
    at = page(monkeypatch, own_demo, "views/underperformers.py", as_of="2025-03-13")
    at.text_input(key="summon_deadline").input("20/03/2025").run()
    assert any(i.value == t("summon.not_yet", deadline="20/03/2025") for i in ok(at).info)
    at.text_input(key="summon_deadline").input("hôm nay").run()
    [err] = ok(at).error
    assert err.value.startswith("«hôm nay» không phải là ngày hợp lệ")
    assert any(i.value == t("summon.not_yet", deadline="20/03/2025") for i in at.info)  # the kept day still counts


def test_upload_date_field_follows_its_checkbox(monkeypatch, own_demo):
    at = page(monkeypatch, own_demo, "views/upload.py")
    assert at.text_input(key="upload_date").disabled
    at.checkbox(key="upload_use_date").check().run()
    assert not ok(at).text_input(key="upload_date").disabled
    at.text_input(key="upload_date").input("04/03/2025").run()
    assert ok(at).text_input(key="upload_date").value == "04/03/2025"
