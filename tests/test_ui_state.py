"""The sidebar's state: switching the language redraws the whole page in it on the same run."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.i18n import t

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _app(monkeypatch, path: Path, **params: str) -> AppTest:
    monkeypatch.setenv("HOTICH_DB", str(path))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    monkeypatch.delenv("HOTICH_OPEN_MODE", raising=False)
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def sidebar_texts(at: AppTest) -> list[tuple[str, object]]:
    """Every text the sidebar shows: labels, the options as written, captions, warnings, buttons."""
    assert not at.exception, [e.value for e in at.exception]
    out: list[tuple[str, object]] = []
    for kind in ("selectbox", "radio"):
        out += [(kind, (w.label, tuple(w.options))) for w in getattr(at.sidebar, kind)]
    out += [("date_input", w.label) for w in at.sidebar.date_input]
    out += [("text_input", w.label) for w in at.sidebar.text_input]
    out += [("button", w.label) for w in at.sidebar.button]
    for kind in ("caption", "warning", "info", "error", "markdown"):
        out += [(kind, w.value) for w in getattr(at.sidebar, kind)]
    return out


@pytest.mark.parametrize("start,to", [("vi", "en"), ("en", "vi")])
def test_switching_the_language_translates_every_label_at_once(monkeypatch, demo_file, start, to):
    fresh = _app(monkeypatch, demo_file, lang=to)  # what the sidebar says when opened in the new language
    expected = sidebar_texts(fresh)
    at = _app(monkeypatch, demo_file, lang=start)
    assert sidebar_texts(at) != expected
    at.sidebar.selectbox(key="lang_select").set_value(to).run()
    assert sidebar_texts(at) == expected  # the same run: no label left in the old language
    assert (t("auth.open_mode", to)) in [w.value for w in at.sidebar.warning]  # drawn above the picker
    assert at.title[0].value == t("overview.title", to)
    assert at.query_params.get("lang") == (None if to == "vi" else to)  # the link keeps the language
