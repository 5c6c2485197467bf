"""Hostile input (issue 7): exports neutralize formulas; names and notes from files or users are shown as
text, never as HTML or Markdown (checked through AppTest on every page)."""

from __future__ import annotations

import csv
import io
import pathlib
import re
from datetime import date

import pytest

from analytics import exports, ingest, metrics, present, store, templates
from support import TINY_UNITS, csv_bytes, write_units_csv

ROOT = pathlib.Path(__file__).resolve().parent.parent
FORMULAS = ["=1+1", "=HYPERLINK(\"http://evil.example\",\"x\")", "+SUM(A1:A9)", "-2+3", "@SUM(A1)",
            "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0"]
MARKDOWN = ["<script>alert(1)</script>", "**bold**", "[link](http://x)", "![img](http://evil.example/t.png)",
            ":red[alarm]", "# Heading", "<img src=x onerror=alert(1)>"]
# unescaped Markdown that must never reach a Markdown-rendering element
RAW_PATTERNS = ["[link](http://x)", "**bold**", "![img](", ":red[alarm]", "<img src=x"]


# --- formulas in exports ---------------------------------------------------------------------


@pytest.mark.parametrize("text", FORMULAS)
def test_neutralize_prefixes_formula_text(text):
    assert present.neutralize(text) == "'" + text


@pytest.mark.parametrize("value", ["Xã An Hòa", "12,5 %", "", "Tam Kỳ - Núi Thành", 5, -5, 2.5, None])
def test_neutralize_leaves_other_values(value):
    assert present.neutralize(value) == value


def test_csv_bytes_neutralizes_every_text_cell():
    import pandas as pd

    formulas = [f for f in FORMULAS if "\r" not in f]
    df = pd.DataFrame({"name": formulas, "n": range(len(formulas)), "neg": [-1] * len(formulas)})
    data = present.csv_bytes(df)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["'" + f for f in formulas]
    assert [r[2] for r in rows[1:]] == ["-1"] * len(formulas)  # numbers stay numbers


def test_csv_bytes_keeps_a_carriage_return_inside_its_cell():
    import pandas as pd

    data = present.csv_bytes(pd.DataFrame({"name": ["a\r=1+1", "b"], "n": [1, 2]}), "en")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 3 and rows[1] == ["a\r=1+1", "1"]


@pytest.fixture
def hostile_db(tmp_path, monkeypatch):
    """A tiny province whose unit names, campaign, uploads and explanations are hostile."""
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    names = MARKDOWN[:4] + ["=HYPERLINK(\"http://evil.example\",\"Xã\")"]
    units = [(p, pn, d, "[link](http://x)" if d == "901" else "**bold**", c, names[i], ty)
             for i, (p, pn, d, dn, c, cn, ty) in enumerate(TINY_UNITS)]
    path = tmp_path / "hostile.duckdb"
    with store.session(path) as con:
        store.replace_units(con, store.read_units_csv(write_units_csv(tmp_path / "u.csv", units)))
        con.execute("DELETE FROM units WHERE province_code = '49'")
        store.set_campaign(con, "99", "**Đợt** [link](http://x) <script>alert(1)</script>")
        header = ["report_date", "commune_code", "books_total", "books_digitized"]
        ingest.ingest_file(con, csv_bytes(header, [["2025-02-21", c, 100, 1] for c in
                                                   ("90001", "90002", "90003", "90004", "90005")]),
                           "[link](http://x).csv", user="**bold**")
        ingest.ingest_file(con, csv_bytes(header, [["2025-03-05", "90001", 100, 90]]), "=1+1.csv")
        if hasattr(store, "add_explanation"):
            store.add_explanation(con, "99", "90002", date(2025, 3, 5), "=HYPERLINK(\"http://evil\") **bold**",
                                  None, "@SUM(A1) [link](http://x)")
        # control characters, as a database written before they were refused at input may hold them
        con.execute("UPDATE units SET name = ? WHERE level = 'commune' AND code = '90004'",
                    ["Phường\x00Tân\x0bThạnh"])
        con.execute("UPDATE uploads SET file_name = ? WHERE file_name = '=1+1.csv'", ["=1+1\x1b[31m.csv"])
    return path


def test_underperformer_exports_neutralize_hostile_names(hostile_db):
    from openpyxl import load_workbook

    with store.session(hostile_db) as con:
        v = metrics.view(con, "99", date(2025, 3, 5))
        df = metrics.underperformers_full(con, v)
    assert len(df) >= 4
    wb = load_workbook(io.BytesIO(exports.underperformers_xlsx(df, as_of=v.as_of, province_name="Tỉnh",
                                                               campaign="=evil()", lang="vi")))
    cells = [c for row in wb.active.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a cell would run as a formula"
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://evil.example\",\"Xã\")" in texts  # the hostile name, kept but inert
    assert not [t for t in texts if t and t[0] in "=+-@"]
    rows = list(csv.reader(io.StringIO(exports.underperformers_csv(df, "vi").decode("utf-8-sig")), delimiter=";"))
    flat = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(\"http://evil.example\",\"Xã\")" in flat
    assert not [cell for cell in flat if cell and (cell[0] in "=+@" or (cell[0] == "-" and not _number(cell)))]


def _number(text: str) -> bool:
    return re.fullmatch(r"-?[\d.,]+", text) is not None


def test_report_templates_neutralize_unit_names():
    import pandas as pd
    from openpyxl import load_workbook

    communes = pd.DataFrame({"district": ["=evil()"], "commune_code": ["90001"], "commune": ["=HYPERLINK(\"x\")"]})
    wb = load_workbook(io.BytesIO(templates.template_xlsx(communes)))
    assert not [c for row in wb.active.iter_rows() for c in row if c.data_type == "f"]
    assert b"\n=" not in templates.template_csv(communes).replace(b",=", b"\n=")


# --- names shown as text, never Markdown/HTML ------------------------------------------------------------------

TEXT_ELEMENTS = ["markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success",
                 "exception", "toast"]


def _markdown_bodies(at) -> list[tuple[str, str, bool]]:
    out = []
    for kind in TEXT_ELEMENTS:
        for el in getattr(at, kind, []):
            body = getattr(el, "value", None) or getattr(el, "body", None) or ""
            allow_html = bool(getattr(getattr(el, "proto", None), "allow_html", False))
            out.append((kind, str(body), allow_html))
    for kind in ["expander", "selectbox", "button", "text_input", "checkbox", "radio", "download_button",
                 "multiselect", "date_input"]:
        for el in getattr(at, kind, []):
            label = getattr(el, "label", None)
            if label:
                out.append((kind + ".label", str(label), False))
    return out


def _texts_in_tables(at) -> str:
    return "\n".join(d.value.to_csv() for d in at.dataframe)


def _table_cells(at) -> list[str]:
    """Every text cell of every table on the page, as its toolbar would download or copy it."""
    return [x for d in at.dataframe for col in d.value.columns for x in d.value[col] if isinstance(x, str)]


def _inert(cell: str) -> bool:
    from analytics import safetext

    if safetext.control_char(cell, multiline=True) is not None:
        return False
    return cell[:1] not in ("=", "+", "-", "@", "\t", "\r", "\n") or re.fullmatch(r"[+-]?[\d\s.,]*%?", cell)


@pytest.mark.parametrize("page", ["overview", "localities", "underperformers", "upload", "settings", "admin"])
def test_pages_show_hostile_names_as_text(hostile_db, monkeypatch, page):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HOTICH_DB", str(hostile_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()  # no accounts: open mode
    assert not at.exception
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    if page == "localities":  # the commune names are in the communes tab, drawn only when open
        from analytics.i18n import t

        at.session_state["loc_tab"] = t("loc.tab_communes", "vi")
        at.run()
    assert not at.exception, at.exception
    for kind, body, allow_html in _markdown_bodies(at):
        for raw in RAW_PATTERNS:
            assert raw not in body, f"{page}: {kind} renders {raw!r} as Markdown: {body[:200]!r}"
        if allow_html:
            assert "<script>" not in body and "onerror" not in body, f"{page}: {kind} allows HTML with user data"
    if page in ("underperformers", "localities", "admin"):
        tables = _texts_in_tables(at)
        assert "[link](http://x)" in tables and "**bold**" in tables  # the names are there, as plain text
    cells = _table_cells(at)
    assert not [c for c in cells if not _inert(c)], f"{page}: a table's CSV download would hold a formula"
    if page in ("underperformers", "localities"):
        assert "'=HYPERLINK(\"http://evil.example\",\"Xã\")" in cells  # kept, inert, as our exports write it
        assert "PhườngTân\nThạnh" in cells
    if page in ("upload", "admin"):
        assert "'=1+1[31m.csv" in cells


def test_campaign_name_is_escaped_in_the_sidebar(hostile_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HOTICH_DB", str(hostile_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    captions = [c.value for c in at.sidebar.caption]
    assert any("\\*\\*Đợt\\*\\* \\[link\\]\\(http\\:\u2060//x\\)" in c for c in captions), captions


def test_pages_draw_tables_only_through_ui_table():
    """``ui.table`` neutralizes what a table's toolbar downloads; a page calling st.dataframe would skip it."""
    assert len(list((ROOT / "views").glob("*.py"))) >= 8  # the pages are there to be checked
    offenders = []
    for path in _glue_and_pages():
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"\.(dataframe|data_editor|table)\(", line) and "ui.table(" not in line:
                offenders.append(f"{path.relative_to(ROOT)}:{no}: {line.strip()}")
    line = "return st.dataframe(styled, **kwargs)"  # styled: present.shown_table(data), numbers formatted
    assert offenders == [f"ui/text.py:{_ui_table_line()}: {line}"]


def _glue_and_pages() -> list[pathlib.Path]:
    return [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "views").glob("*.py"))]


def _ui_table_line() -> int:
    lines = (ROOT / "ui" / "text.py").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines, start=1) if "shown = present.shown_table(data)" in line)
    return next(i for i, line in enumerate(lines, start=1) if i > start and "st.dataframe(styled" in line)


# the one allowed use: ui/files.py hands st.html the constant stylesheet shipped in assets/ (see ui.UPLOADER_CSS)
ALLOWED_HTML = {"ui/files.py": ["st.html(UPLOADER_CSS)"],
                # the phone/laptop layout: a constant stylesheet too (assets/layout.css, no data in it)
                "app.py": ['st.html(Path(__file__).resolve().parent / "assets" / "layout.css")  '
                           '# phone and laptop layout (no data in it)',
                           # the history script: a constant file shipped in assets/, no data, fetches nothing
                           'st.html(Path(__file__).resolve().parent / "assets" / "history.js", '
                           'unsafe_allow_javascript=True)']}


def test_no_unsafe_html_in_pages():
    """No page or the glue turns on HTML rendering (st.html, unsafe_allow_html=True), except the constant
    stylesheets, which hold no markup, no script and fetch nothing, and the constant history script, which
    only wraps history.pushState (no data, no network, no markup)."""
    offenders = []
    for path in _glue_and_pages():
        name = str(path.relative_to(ROOT))
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"unsafe_allow_html\s*=\s*True|st\.html\(|components\.html\(", line):
                if line.strip() not in ALLOWED_HTML.get(name, []):
                    offenders.append(f"{name}:{no}: {line.strip()}")
    assert offenders == []
    css = (ROOT / "assets" / "uploader.css").read_text(encoding="utf-8")
    assert not re.search(r"<|>\s*<|url\(|@import|expression\(|javascript:", css), "stylesheet must stay inert"
    script = (ROOT / "assets" / "history.js").read_text(encoding="utf-8")
    assert not re.search(r"fetch|XMLHttpRequest|WebSocket|import\(|eval|innerHTML|document\.write|src=|href",
                         script), "the history script must stay inert"


def test_md_escape():
    import importlib
    import sys

    sys.path.insert(0, str(ROOT))
    ui = importlib.import_module("ui")
    assert ui.md("**bold** [l](http://x)") == "\\*\\*bold\\*\\* \\[l\\]\\(http\\:\u2060//x\\)"
    assert ui.md("Xã An Hòa") == "Xã An Hòa"


# the patterns Streamlit's Markdown (mdast-util-gfm-autolink-literal) links in text after escapes are resolved
AUTOLINK_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.I)
AUTOLINK_EMAIL = re.compile(r"(?:^|(?<=[\s\W]))([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
URLS = ["http://evil.example/login", "HTTPS://evil.example", "www.evil.example", "WWW.evil.example/x",
        "Xem tại https://evil.example/a?b=c", "admin@evil.example", "mailto:a@evil.example",
        "[x](https://evil.example)", "<https://evil.example>"]


@pytest.mark.parametrize("text", URLS)
def test_md_breaks_bare_urls_and_emails(text):
    import importlib
    import sys

    sys.path.insert(0, str(ROOT))
    ui = importlib.import_module("ui")
    shown = re.sub(r"\\(.)", r"\1", ui.md(text))  # what the text is once Markdown resolved the escapes
    assert AUTOLINK_URL.search(shown) is None and AUTOLINK_EMAIL.search(shown) is None, shown
    assert shown.replace("\u2060", "") == text  # nothing else changes: the joiner is invisible
    assert AUTOLINK_URL.search(text) or AUTOLINK_EMAIL.search(text)  # the pattern would have linked it


def test_upload_page_shows_hostile_file_names_as_text(hostile_db, monkeypatch):
    """File names and names inside files reach captions, headers and messages escaped."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HOTICH_DB", str(hostile_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("views/upload.py").run()
    header = ["report_date", "district", "commune", "books_total", "books_digitized"]
    good = csv_bytes(header, [["2025-03-05", "[link](http://x)", "**bold**", 100, 50]])
    bad = csv_bytes(header, [["2025-03-05", "**bold**", "![img](http://evil.example/t.png)", 100, 50],
                             ["2025-03-05", ":red[alarm]", "[link](http://x)", "x", 1]])
    at.file_uploader(key="upload_files").set_value([("[link](http://x).csv", good, "text/csv"),
                                                    ("**bold**.csv", bad, "text/csv")]).run()
    assert not at.exception, at.exception
    bodies = _markdown_bodies(at)
    assert len(bodies) > 5
    for kind, body, _ in bodies:
        for raw in RAW_PATTERNS:
            assert raw not in body, f"upload: {kind} renders {raw!r} as Markdown: {body[:200]!r}"
    assert any("\\[link\\]\\(http\\:\u2060//x\\)" in body for _, body, _ in bodies)  # the file name is shown, escaped


def test_explanation_form_refuses_control_characters(hostile_db, monkeypatch):
    """Word's line break (U+000B) pasted into the reason: a message saying which character and where, nothing
    saved (it used to be saved, and then the Excel report could not be made for anyone)."""
    from streamlit.testing.v1 import AppTest

    from analytics.i18n import t

    monkeypatch.setenv("HOTICH_DB", str(hostile_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("views/underperformers.py").run()
    with store.session(hostile_db) as con:
        before = len(store.explanations(con, "99"))
    at.selectbox(key="explain_commune").set_value("90001")
    at.text_area(key="explain_reason").input("Thiếu máy quét\x0bđang mượn")
    next(b for b in at.button if b.label == t("explain.save")).click().run()
    assert not at.exception
    assert any("U\\+000B" in e.value and "15" in e.value for e in at.error), [e.value for e in at.error]
    with store.session(hostile_db) as con:
        assert len(store.explanations(con, "99")) == before


def test_unit_list_upload_refuses_control_characters(hostile_db, monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("HOTICH_DB", str(hostile_db))
    units = [u if u[4] != "90003" else (*u[:5], "Thị trấn\x00Cẩm Lệ", u[6]) for u in TINY_UNITS]
    data = write_units_csv(tmp_path / "units.csv", units).read_bytes()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90).run()
    at.switch_page("views/settings.py").run()
    at.file_uploader(key="set_units_file").set_value([("danh_muc.csv", data, "text/csv")]).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    wanted = ["danh\\_muc\\.csv", "4", "commune\\_name", "U\\+0000"]  # file, row, column, character (escaped)
    assert any(all(w in e for w in wanted) for e in errors), errors
    assert not [b for b in at.button if b.key == "set_units_apply"]  # nothing to apply
