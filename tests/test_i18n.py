"""The catalogue is complete in both languages, and the UI takes its text from it."""

from __future__ import annotations

import ast
import re
import string
from datetime import date
from pathlib import Path

import pytest

from analytics import i18n
from analytics.i18n import CATALOGUE, fmt_date, fmt_int, fmt_pct, t

ROOT = Path(__file__).resolve().parent.parent
UI_FILES = sorted((ROOT / "views").glob("*.py")) + [ROOT / "ui.py", ROOT / "app.py"]
CODE_FILES = UI_FILES + sorted((ROOT / "src" / "analytics").rglob("*.py"))


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_key_complete_in_both_languages(key):
    vi, en = CATALOGUE[key]
    assert vi.strip() and en.strip(), key
    assert fields(vi) == fields(en), key


def test_no_key_written_twice():
    tree = ast.parse((ROOT / "src" / "analytics" / "i18n.py").read_text(encoding="utf-8"))
    keys = []
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "CATALOGUE":
            keys = [k.value for k in node.value.keys]
    assert keys and len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})


def test_every_key_used_in_code_exists():
    """Literal keys passed to t()/tr()/HotichError subclasses, and the prefixes built from them."""
    missing = set()
    for path in CODE_FILES:
        text = path.read_text(encoding="utf-8")
        for key in re.findall(r"""\b(?:tr|t)\(\s*["']([a-z_0-9]+\.[a-z_0-9._]+)["']""", text):
            if key[-1] not in "._" and key not in CATALOGUE:
                missing.add(f"{path.name}: {key}")
        for prefix in re.findall(r"""\b(?:tr|t)\(\s*["']([a-z_0-9]+\.[a-z_0-9._]*[._])["']\s*\+""", text):
            if not any(k.startswith(prefix) for k in CATALOGUE):
                missing.add(f"{path.name}: {prefix}*")
    assert not missing, sorted(missing)


@pytest.mark.parametrize("prefix, names", [
    ("status.", ["done", "on_track", "slightly_behind", "behind", "no_data"]),
    ("loc.filter.", ["all", "top", "bottom", "below_average", "behind_plan", "not_reporting"]),
    ("calendar.", ["vn", "weekdays", "all"]),
    ("measure.", ["books", "records"]),
    ("outcome.", ["loaded", "rejected", "withdrawn"]),
])
def test_built_keys_exist(prefix, names):
    assert all(prefix + n in CATALOGUE for n in names)


DISPLAY = {"title", "header", "subheader", "caption", "markdown", "write", "text", "info", "warning", "error",
           "success", "metric", "button", "download_button", "selectbox", "radio", "text_input", "text_area",
           "number_input", "date_input", "file_uploader", "checkbox", "expander", "tabs", "form_submit_button",
           "toggle", "multiselect", "slider", "select_slider", "set_page_config", "Page", "popover", "toast"}
TEXT_KEYWORDS = {"label", "help", "placeholder", "page_title", "title", "body", "caption"}


def literal_texts(node: ast.Call) -> list[str]:
    found = []
    for arg in node.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            found.append(arg.value)
        elif isinstance(arg, ast.List):
            found += [e.value for e in arg.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        elif isinstance(arg, ast.JoinedStr):
            found += [v.value for v in arg.values if isinstance(v, ast.Constant)]
    for kw in node.keywords:
        if kw.arg in TEXT_KEYWORDS and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            found.append(kw.value.value)
    # words (two letters or more) that a user would read; paths like "views/x.py" are not text
    return [s for s in found if re.search(r"[^\W\d_]{2,}", s) and not s.endswith(".py") and s != "**"]


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_no_literal_ui_text(path):
    """Text shown by a Streamlit element comes from the catalogue (tr()/t()), never a literal in the code."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DISPLAY:
            bad += [f"line {node.lineno}: {s!r}" for s in literal_texts(node)]
    assert not bad, bad


@pytest.mark.parametrize("value, lang, expected", [
    (12345, "vi", "12.345"), (12345, "en", "12,345"), (None, "vi", "–"),
])
def test_fmt_int(value, lang, expected):
    assert fmt_int(value, lang) == expected


@pytest.mark.parametrize("value, lang, expected", [
    (45.27, "vi", "45,3 %"), (45.27, "en", "45.3 %"), (100, "vi", "100,0 %"),
])
def test_fmt_pct(value, lang, expected):
    assert fmt_pct(value, lang) == expected


def test_fmt_date_day_first():
    assert fmt_date(date(2025, 3, 5)) == "05/03/2025" == fmt_date("2025-03-05", "en")


def test_t_falls_back_and_fills():
    assert t("kpi.days_left_value", "vi", days=3) == "3 ngày"
    assert t("kpi.days_left_value", "en", days=3) == "3 days"
    assert t("no.such.key") == "no.such.key"
    assert i18n.DEFAULT_LANG == "vi"


RECORDS_VARIANTS = sorted(k for k in CATALOGUE if k.endswith(".records") and k.count(".") >= 2)  # key + ".records"


@pytest.mark.parametrize("key", RECORDS_VARIANTS)
def test_records_wording_has_a_books_wording_with_the_same_fields(key):
    base = key[: -len(".records")]
    assert base in CATALOGUE, key
    for i in (0, 1):
        assert fields(CATALOGUE[base][i]) == fields(CATALOGUE[key][i]), key
    assert "trường hợp" in CATALOGUE[key][0].lower() and "record" in CATALOGUE[key][1].lower()


@pytest.mark.parametrize("measure, vi, en", [("records", "Tổng số trường hợp", "Records in total"),
                                              ("books", "Tổng số sổ", "Books in total"),
                                              (None, "Tổng số sổ", "Books in total")])
def test_the_measure_picks_the_wording(measure, vi, en):
    assert t("col.books_total", "vi", measure=measure) == vi and t("col.books_total", "en", measure=measure) == en
    # a key without a records wording is the same in both measures
    assert t("kpi.completion", "en", measure=measure) == "Completion"


def test_every_unit_of_count_in_pages_has_a_records_wording():
    """The texts that show figures counted in the view's measure, and name books: each has a records wording."""
    counted = ["kpi.completion_help", "kpi.books", "kpi.per_day", "chart.per_day", "chart.books_axis",
               "col.books_total", "col.books_digitized", "kpi.books_total", "kpi.books_short", "kpi.required_short",
               "kpi.recent_short", "loc.pace_help", "loc.needed_help", "loc.trend_help", "loc.treemap",
               "loc.treemap_help", "loc.heatmap", "col.pace7", "col.needed", "summon.col_total", "weekly.col_books",
               "report.start_figures", "report.end_figures", "report.pace", "report.pace_before_deadline",
               "report.pace_after_deadline", "report.col_books", "report.col_gain", "report.week_gain_cell",
               "report.weekly_note"]
    assert [k for k in counted if k + ".records" not in CATALOGUE] == []
