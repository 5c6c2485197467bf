"""No SQL built from user data (issue 7): injection strings in every field that reaches the database leave
the tables intact and are stored verbatim where they are stored; a static check finds no SQL assembled
with f-strings, ``.format`` or ``%`` in the analytics package."""

from __future__ import annotations

import ast
import json
import pathlib
import re
from datetime import date

import pytest

from analytics import auth, ingest, safetext, store
from analytics.errors import HotichError
from support import TINY_UNITS, csv_bytes, fast_bcrypt, write_units_csv

ROOT = pathlib.Path(__file__).resolve().parent.parent
INJECTIONS = [
    "'; DROP TABLE reports; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM units;--",
    "1; DELETE FROM uploads",
    "' OR ''='",
    "\\'; DROP TABLE users; --",
    "%' OR '%'='",
    "$province",
    "?",
    "x' UNION SELECT password_hash FROM users --",
]
HEADER = ["report_date", "district", "commune_code", "commune", "books_total", "books_digitized"]


def _fingerprint(con) -> dict[str, int]:
    return store.table_counts(con)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Built once, copied per test: the tiny province, one upload, one admin."""
    path = tmp_path_factory.mktemp("inj") / "template.duckdb"
    with fast_bcrypt():
        with store.session(path) as con:
            store.replace_units(con, store.read_units_csv(write_units_csv(path.parent / "u.csv")))
            con.execute("DELETE FROM units WHERE province_code = '49'")
            ingest.ingest_file(con, csv_bytes(["report_date", "commune_code", "books_total", "books_digitized"],
                                              [["2025-02-21", "90001", 100, 10]]), "good.csv")
            auth.add_user(con, auth.operator("t"), "boss", "admin", "boss-password")
            con.execute("CHECKPOINT")
    return path


@pytest.fixture
def base(template, tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("HOTICH_BCRYPT_ROUNDS", "4")
    path = tmp_path / "inj.duckdb"
    shutil.copyfile(template, path)
    con = store.connect(path)
    yield con
    con.close()


def _intact(con, before: dict[str, int], grown: set[str]) -> None:
    """Every table still there; rows only added where the action adds them."""
    after = _fingerprint(con)
    assert set(after) == set(before)
    for name, n in before.items():
        if name in grown or name == "meta":
            assert after[name] >= n, name
        else:
            assert after[name] == n, f"{name}: {n} -> {after[name]}"
    assert con.execute("SELECT count(*) FROM units WHERE province_code = '99'").fetchone()[0] == 8


@pytest.mark.parametrize("evil", INJECTIONS)
def test_file_name_and_user_are_stored_verbatim(base, evil):
    before = _fingerprint(base)
    data = csv_bytes(["report_date", "commune_code", "books_total", "books_digitized"],
                     [["2025-02-22", "90002", 100, 20]])
    res = ingest.ingest_file(base, data, evil + ".csv", user=evil)
    row = base.execute("SELECT file_name, user_name FROM uploads WHERE id = ?", [res.upload_id]).fetchone()
    assert row == (evil + ".csv", evil)
    _intact(base, before, {"uploads", "report_rows", "reports"})


@pytest.mark.parametrize("evil", INJECTIONS)
def test_names_and_codes_inside_files(base, evil):
    """Hostile commune/district names and codes: rejected with the value quoted verbatim in the log."""
    before = _fingerprint(base)
    data = csv_bytes(HEADER, [["2025-02-22", evil, "", evil, 100, 20], ["2025-02-22", "Huyện Một", evil, "", 1, 1]])
    with pytest.raises(HotichError):
        ingest.ingest_file(base, data, "bad.csv")
    errors = json.loads(base.execute("SELECT errors FROM uploads ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert any(evil in (e.get("value") or "") for e in errors)
    _intact(base, before, {"uploads", "audit"})


@pytest.mark.parametrize("evil", INJECTIONS)
def test_unit_list_names(base, tmp_path, evil):
    before = _fingerprint(base)
    units = [(p, pn, d, evil if d == "902" else dn, c, evil if c == "90005" else cn, ty)
             for p, pn, d, dn, c, cn, ty in TINY_UNITS]
    store.replace_units(base, store.read_units_csv(write_units_csv(tmp_path / "evil.csv", units)))
    assert base.execute("SELECT name FROM units WHERE level = 'commune' AND code = '90005'").fetchone()[0] == evil
    assert base.execute("SELECT name FROM units WHERE level = 'district' AND code = '902'").fetchone()[0] == evil
    _intact(base, before, {"audit"})


@pytest.mark.parametrize("evil", INJECTIONS)
def test_campaign_settings_aliases_explanations(base, evil):
    before = _fingerprint(base)
    admin = auth.load_user(base, "boss")
    auth.set_campaign(base, admin, "99", evil)
    assert store.get_campaign(base, "99").name == evil.strip()
    auth.set_setting(base, admin, "99", evil, evil)
    assert store.get_setting(base, "99", evil) == evil
    auth.add_alias(base, admin, "99", "901", evil, "90001")
    assert base.execute("SELECT alias_key FROM aliases WHERE commune_code = '90001'").fetchone()[0] == evil
    grown = {"audit", "aliases", "settings", "campaigns"}
    if hasattr(store, "add_explanation"):
        eid = auth.add_explanation(base, admin, "99", "90001", date(2025, 3, 1), evil, None, evil)
        row = base.execute("SELECT reason, responsible FROM explanations WHERE id = ?", [eid]).fetchone()
        assert row == (evil.strip(), evil.strip())
        grown.add("explanations")
    for bad_province in (evil, evil + "99"):
        with pytest.raises(HotichError):
            store.resolve_province(base, bad_province)
    _intact(base, before, grown)


@pytest.mark.parametrize("evil", INJECTIONS)
def test_user_names_passwords_scopes_and_sign_in(base, evil):
    before = _fingerprint(base)
    admin = auth.load_user(base, "boss")
    with pytest.raises(HotichError):  # not a valid account name: refused before any SQL
        auth.add_user(base, admin, evil, "viewer", "long-enough-1")
    with pytest.raises(auth.SignInFailed):
        auth.authenticate(base, evil, evil + "-long-enough")
    with pytest.raises(auth.SignInFailed):
        auth.authenticate(base, "boss", evil + "-long-enough")
    with pytest.raises(HotichError):
        auth.add_user(base, admin, "officer", "uploader", "long-enough-1", scopes=[evil])
    # a password and a display name are free text: stored (hashed / verbatim), never interpreted
    name = auth.add_user(base, admin, "officer", "viewer", evil + "-long-enough", display_name=evil)
    assert store.get_user(base, name)["display_name"] == evil.strip()
    assert auth.authenticate(base, "officer", evil + "-long-enough").name == "officer"
    _intact(base, before, {"audit", "users", "login_throttle"})  # failed sign-ins are counted


@pytest.fixture(scope="module")
def full_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("inj_full") / "full.duckdb"
    with store.session(path) as con:
        con.execute("CHECKPOINT")
    return path


@pytest.mark.parametrize("evil", INJECTIONS[:4])
def test_cli_arguments(run_cli, db_path, make_csv, full_template, evil):
    import shutil

    shutil.copyfile(full_template, db_path)
    f = make_csv("one.csv", ["report_date", "commune_code", "books_total", "books_digitized"],
                 [["2025-03-01", "20335", 100, 10]])
    code, _, _ = run_cli("summary", "--province", evil)
    assert code == 1
    code, _, err = run_cli("ingest", str(f), "--user", evil)
    assert code == 0, err
    code, _, _ = run_cli("campaign", "--name", evil)
    assert code == 0
    with store.session(db_path) as con:
        assert con.execute("SELECT user_name FROM uploads").fetchone()[0] == evil
        assert store.get_campaign(con, "49").name == evil.strip()
        assert con.execute("SELECT count(*) FROM units").fetchone()[0] > 200
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 1


# --- static: no SQL assembled from values -----------------------------------------------------------

SQL_CALLS = {"execute", "executemany", "sql", "query", "from_query"}


def _dynamic_sql(node: ast.AST) -> bool:
    """An f-string, ``"..." % x``, ``"...".format(...)`` or a string concatenation with a non-literal."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return True
    return False


# Reviewed exceptions (file, function): SQL that cannot take parameters, built only from a checked value.
# store.database._limit_memory: ``SET memory_limit`` from an environment variable matched against ^\d+(\.\d+)?(KB|MB|GB)$.
ALLOWED = {("database.py", "_limit_memory")}


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_no_sql_built_with_string_formatting():
    offenders = []
    files = sorted((ROOT / "src" / "analytics").rglob("*.py")) + [*sorted((ROOT / "ui").glob("*.py")), ROOT / "app.py",
                                                                 *sorted((ROOT / "views").glob("*.py"))]
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        # names bound to dynamic strings anywhere in the module
        dynamic_names = {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) and _dynamic_sql(n.value)
                         for t in n.targets if isinstance(t, ast.Name)}
        allowed_lines = {n for f in _functions(tree) if (path.name, f.name) in ALLOWED
                         for n in range(f.lineno, (f.end_lineno or f.lineno) + 1)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
                if not node.args or node.lineno in allowed_lines:
                    continue
                first = node.args[0]
                if _dynamic_sql(first) or (isinstance(first, ast.Name) and first.id in dynamic_names):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_the_static_check_would_catch_one():
    code = "def f(con, name):\n    con.execute(f\"SELECT * FROM t WHERE n = '{name}'\")\n"
    tree = ast.parse(code)
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "execute"]
    assert _dynamic_sql(calls[0].args[0])
    assert _dynamic_sql(ast.parse("'SELECT %s' % x", mode="eval").body)
    assert _dynamic_sql(ast.parse("'SELECT {}'.format(x)", mode="eval").body)
    assert not _dynamic_sql(ast.parse("queries.REPORT_COUNT", mode="eval").body)


def test_queries_are_constants():
    """Every named SQL in queries.py is a plain string (or list of them); the few identifier helpers take
    names from DuckDB's own catalogue and refuse anything but [a-z_][a-z0-9_]*."""
    tree = ast.parse((ROOT / "src" / "analytics" / "queries.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            value = node.value
            items = value.elts if isinstance(value, ast.List) else [value]
            assert all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in items), node.lineno
    from analytics import queries

    for bad in ["users; DROP TABLE x", 'a"b', "Users", "", "x--"]:
        with pytest.raises(ValueError):
            queries._ident(bad)
    assert queries.count_rows("reports") == 'SELECT count(*) FROM "reports"'


def test_rolled_up_queries_hold_only_constant_text():
    """The queries composed per depth of the unit-structure chain are the constant templates with constant
    CTE text in place: no value is ever part of the text."""
    from analytics import queries, rollup

    for composed, template in [(rollup.ROLLED_HISTORY, queries.ROLLED_HISTORY),
                               (rollup.FIRST_REPORT_DATE, queries.FIRST_REPORT_DATE)]:
        assert len(composed) == rollup.MAX_DEPTH + 1
        for depth, sql in enumerate(composed):
            literals = set(re.findall(r"'(\w*)'", sql))
            # 'records': the measure's name $measure is compared with (a constant, never a value)
            assert "{" not in sql and literals <= {"commune", "district", "day", "records"}, literals
            assert sql == template.replace("{ROLLED}", rollup.ROLLED_REPORTS[depth])
    assert f"lin{rollup.MAX_DEPTH}" in rollup.ROLLED_REPORTS[rollup.MAX_DEPTH]


def test_pages_hold_no_sql():
    for path in [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py")), *sorted((ROOT / "views").glob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        assert ".execute(" not in text and "duckdb" not in text, path.name


# --- control characters: refused where text comes in, cleaned where a report only names a unit ------------------

CONTROLS = ["\x00", "\x0b", "\x0c", "\x1b", "\x07", "\x7f", "\x85", "\ufffe"]


@pytest.mark.parametrize("ch", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_explanations_with_control_characters_are_refused(base, ch):
    admin = auth.load_user(base, "boss")
    before = _fingerprint(base)
    for reason, responsible, key in ((f"Thiếu máy{ch} quét", "Ông A", "explain.reason_control"),
                                     ("Thiếu máy quét", f"Ông{ch} A", "explain.responsible_control")):
        with pytest.raises(HotichError) as info:
            auth.add_explanation(base, admin, "99", "90001", date(2025, 3, 1), reason, None, responsible)
        assert info.value.key == key
        position = (reason if key == "explain.reason_control" else responsible).index(ch) + 1
        assert info.value.values == {"position": position, "char": f"U+{ord(ch):04X}"}
        assert f"U+{ord(ch):04X}" in info.value.render("vi")
    with pytest.raises(HotichError) as info:
        auth.set_campaign(base, admin, "99", f"Đợt{ch}1")
    assert info.value.key == "campaign.name_control"
    _intact(base, before, set())  # nothing written, not even the audit
    # line breaks and tabs are ordinary in a reason; a responsible person's name is one line
    auth.add_explanation(base, admin, "99", "90001", date(2025, 3, 1), "Một\r\nhai\tba", None, "Ông A")
    with pytest.raises(HotichError):
        auth.add_explanation(base, admin, "99", "90001", date(2025, 3, 1), "Lý do", None, "Ông\tA")


@pytest.mark.parametrize("column", ["province_name", "district_name", "commune_name", "commune_type"])
@pytest.mark.parametrize("ch", CONTROLS[:4] + ["\t"], ids=lambda c: f"U+{ord(c):04X}")
def test_unit_lists_with_control_characters_are_refused(base, tmp_path, column, ch):
    index = ["province_code", "province_name", "district_code", "district_name", "commune_code", "commune_name",
             "commune_type"].index(column)
    units = [tuple(f"{v[:3]}{ch}{v[3:]}" if i == index and n == 2 else v for i, v in enumerate(u))
             for n, u in enumerate(TINY_UNITS)]
    path = write_units_csv(tmp_path / "units.csv", units)
    with pytest.raises(HotichError) as info:
        store.read_units_csv(path)
    assert info.value.key == "units.control_char"
    assert info.value.values["row"] == 4 and info.value.values["column"] == column  # header = row 1
    assert info.value.values["position"] == 4 and info.value.values["char"] == f"U+{ord(ch):04X}"


@pytest.mark.parametrize("ch", ["\x00", "\x0b", "\x1b", "\x07", "\x1f"], ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_in_a_report_are_read_as_spaces(base, ch):
    """A report's names only pick a unit of the list (they are never stored as names): a stray control
    character does not stop the match, and none reaches the messages, the upload log or the terminal."""
    header = ["report_date", "district", "commune", "books_total", "books_digitized", "ghi_chu"]
    note = "Ghi chú dài cho đủ một tệp thật " * 8  # (a file of mostly control characters is not a table)
    good = csv_bytes(header, [["2025-02-22", "Huyện Một", f"Xã An{ch}Hòa", 100, 20, note],
                              ["2025-02-22", f"Huyện{ch}Một", "Bình Thuỷ", 100, 20, note]])
    prep = ingest.prepare(base, good, "bao_cao.csv", today=date(2025, 3, 10))
    assert prep.ok, [p.as_dict() for p in prep.errors]
    assert sorted(prep.rows["commune_code"]) == ["90001", "90002"]
    bad = csv_bytes(header, [["2025-02-22", "Huyện Hai", f"Xã{ch}\x1b[31mNowhere", 100, 20, note]])
    prep = ingest.prepare(base, bad, "bao_cao.csv", today=date(2025, 3, 10))
    assert [(p.row, p.problem_key) for p in prep.errors] == [(2, "check.unknown_commune")]
    assert "Nowhere" in prep.errors[0].value
    assert all(safetext.control_char(str(p.value), multiline=True) is None for p in prep.errors + prep.warnings)
    assert all(safetext.control_char(u["name"], multiline=True) is None for u in prep.unmatched)
