"""ui.act: a write from a page is one role check, one transaction, its error shown in the user's language."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics import auth, store
from analytics.errors import InvalidArgument
from analytics.i18n import t

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the script below imports ui from the repository's root


@pytest.fixture
def tiny(tiny_con, db_path, monkeypatch):
    """The tiny province with an admin 'boss' and a viewer 'xem'."""
    monkeypatch.setenv("HOTICH_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("HOTICH_DB", str(db_path))
    op = auth.operator("tester")
    auth.add_user(tiny_con, op, "boss", "admin", "boss-password")
    auth.add_user(tiny_con, op, "xem", "viewer", "xem-password")
    return tiny_con


def _two_settings_then(con, user, fail: str | None) -> str:
    """Two writes, then (when asked) a user error: the page's action the test runs."""
    auth.set_setting(con, user, "99", "amber_points", "4")
    auth.set_setting(con, user, "99", "not_reporting_days", "9")
    if fail:
        raise InvalidArgument(fail, start="2025-03-10", deadline="2025-03-01")
    return "done"


def _script(db: str, fail: str | None) -> None:
    """The page under test: one action, its outcome shown."""
    import streamlit as st

    import ui
    from tests.test_ui_actions import _two_settings_then

    done = ui.act("settings", _two_settings_then, fail, at=ui.At(db, 0))
    st.session_state["outcome"] = (done.ok, done.value)


def _run(db_path: Path, who: str | None, lang: str = "vi", fail: str | None = None) -> AppTest:
    at = AppTest.from_function(_script, args=(str(db_path), fail), default_timeout=60)
    if who:
        at.session_state["auth_user"] = who
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _settings(con) -> tuple:
    return (store.get_setting(con, "99", "amber_points"), store.get_setting(con, "99", "not_reporting_days"),
            store.data_version(con))


@pytest.mark.parametrize("who,lang", [("xem", "vi"), ("xem", "en"), (None, "en")])
def test_a_refused_role_writes_nothing_and_says_so(tiny, db_path, who, lang):
    before = _settings(tiny)
    at = _run(db_path, who, lang)
    assert at.session_state["outcome"] == (False, None)
    key = "auth.forbidden.settings" if who else "auth.sign_in_needed"
    user = auth.load_user(tiny, who) if who else None
    expected = t(key, lang, user=who, role=user.role if user else None, action="settings")
    assert [e.value for e in at.error] == [expected]
    assert _settings(tiny) == before
    refused = store.audit_log(tiny)
    assert list(refused["action"][:1]) == ["refused:settings"]  # the administrator sees who tried


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_error_after_some_writes_rolls_all_back(tiny, db_path, lang):
    before = _settings(tiny)
    at = _run(db_path, "boss", lang, fail="campaign.order")
    assert at.session_state["outcome"] == (False, None)
    assert [e.value for e in at.error] == [t("campaign.order", lang, start="2025\\-03\\-10",
                                              deadline="2025\\-03\\-01")]
    assert _settings(tiny) == before  # the two settings written before the error are gone too


def test_an_allowed_action_lands_whole(tiny, db_path):
    version = store.data_version(tiny)
    at = _run(db_path, "boss")
    assert at.session_state["outcome"] == (True, "done") and not at.error
    amber, window, now = _settings(tiny)
    assert (amber, window) == ("4", "9") and now > version


def test_nested_transactions_join_and_refusals_outlive_the_rollback(tiny):
    """A write inside ``store.transaction`` joins it; a refusal inside is logged after the rollback."""
    boss, xem = auth.load_user(tiny, "boss"), auth.load_user(tiny, "xem")
    before = _settings(tiny)
    with pytest.raises(auth.Forbidden), store.transaction(tiny):
        auth.set_setting(tiny, boss, "99", "amber_points", "4")
        assert store.in_transaction(tiny)
        auth.set_setting(tiny, xem, "99", "amber_points", "5")
    assert not store.in_transaction(tiny)
    assert _settings(tiny) == before
    log = store.audit_log(tiny)
    assert list(log["action"]) [:1] == ["refused:settings"] and "settings" not in set(log["action"])


def test_save_settings_writes_all_or_nothing(tiny, monkeypatch):
    boss = auth.load_user(tiny, "boss")
    campaign = store.get_campaign(tiny, "99")
    before = (_settings(tiny), store.get_setting(tiny, "99", "jump_pct"))
    real = store.set_setting

    def failing_last(con, province, key, value, **kw):
        if key == "jump_pct":
            raise InvalidArgument("campaign.name_empty")
        return real(con, province, key, value, **kw)

    monkeypatch.setattr(store, "set_setting", failing_last)
    with pytest.raises(InvalidArgument):
        auth.save_settings(tiny, boss, "99", "Đợt mới", date(2025, 1, 2), date(2025, 6, 30),
                           {"amber_points": "3", "not_reporting_days": "4", "jump_pct": "30"})
    assert store.get_campaign(tiny, "99") == campaign  # the campaign, written first, is rolled back too
    assert (_settings(tiny), store.get_setting(tiny, "99", "jump_pct")) == before
    monkeypatch.setattr(store, "set_setting", real)
    auth.save_settings(tiny, boss, "99", "Đợt mới", date(2025, 1, 2), date(2025, 6, 30),
                       {"amber_points": "3", "not_reporting_days": "4", "jump_pct": "30"})
    assert store.get_campaign(tiny, "99").name == "Đợt mới"
    assert _settings(tiny)[:2] == ("3", "4") and store.get_setting(tiny, "99", "jump_pct") == "30"


def test_the_settings_form_saves_nothing_when_its_last_part_fails(monkeypatch, own_demo):
    """The Settings page writes its whole form in one transaction: the cut-off (written last) failing leaves
    the campaign and every threshold as they were, and says why."""
    from analytics import closing, metrics

    monkeypatch.setenv("HOTICH_DB", str(own_demo))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    real = store.set_setting

    def failing_cutoff(con, province, key, value, **kw):
        if key == closing.CUTOFF_KEY:
            raise InvalidArgument("campaign.name_empty")
        return real(con, province, key, value, **kw)

    monkeypatch.setattr(store, "set_setting", failing_cutoff)
    with store.session(own_demo) as con:
        v = metrics.view(con)
        before = (v, store.data_version(con))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/settings.py").run()
    at.text_input(key="set_name").set_value("Đợt khác")
    at.number_input(key="set_amber").set_value(5.0)
    at.number_input(key="set_window").set_value(4)
    next(b for b in at.button if b.label == t("settings.save")).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("campaign.name_empty")]
    with store.session(own_demo) as con:
        assert (metrics.view(con), store.data_version(con)) == before
    monkeypatch.setattr(store, "set_setting", real)
    next(b for b in at.button if b.label == t("settings.save")).click().run()
    with store.session(own_demo) as con:
        v = metrics.view(con)
        assert (v.campaign_name, v.amber, v.window) == ("Đợt khác", 5.0, 4)
