"""Settings: one typed field per HOTICH_* variable, parsed once, documented in the README."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from analytics import cli, config, settings
from analytics.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parent.parent


def _readme_rows() -> dict[str, list[str]]:
    """The README's settings table: variable -> its other cells (type, default, meaning)."""
    rows = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| `(HOTICH_[A-Z_]+)` \|(.*)\|$", line)
        if m:
            rows[m.group(1)] = [c.strip() for c in m.group(2).split("|")]
    return rows


def test_the_readme_documents_every_setting():
    rows = _readme_rows()
    for f in settings.fields():
        name = settings.env_name(f.name)
        assert name in rows, f"README.md: add {name} to the Settings table (python -m analytics.settings)"
        kind, default, meaning = rows[name]
        assert kind == settings.kind_text(f), name
        assert default == f"`{settings.default_text(f)}`", name
        assert len(meaning) > 10, name
    assert set(rows) == {settings.env_name(f.name) for f in settings.fields()}, "README lists a setting that is gone"


def test_every_field_has_help_and_a_default():
    for f in settings.fields():
        assert f.metadata["help"] and f.default is not dataclasses.MISSING, f.name


def test_no_module_reads_a_hotich_variable_itself():
    """One reader: a variable read elsewhere would escape the table, the checks and the tests' settings."""
    files = [*(ROOT / "src" / "analytics").rglob("*.py"), *(ROOT / "ui").glob("*.py"), ROOT / "app.py", *(ROOT / "views").glob("*.py")]
    direct = re.compile(r"""(environ(\.get)?|getenv)\s*[(\[]\s*f?["']HOTICH_""")
    offenders = [str(p.relative_to(ROOT)) for p in files if p.name != "settings.py" and direct.search(p.read_text())]
    assert offenders == []


def test_an_empty_environment_gives_the_defaults():
    assert Settings.from_env({}) == Settings()
    assert Settings.from_env({"HOTICH_MAX_ROWS": "", "HOTICH_LANG": "  "}) == Settings()


@pytest.mark.parametrize(("var", "raw", "field", "value"), [
    ("HOTICH_DB", "/srv/hotich.duckdb", "db", "/srv/hotich.duckdb"),
    ("HOTICH_LANG", "en", "lang", "en"),
    ("HOTICH_MAX_ROWS", " 5000000 ", "max_rows", 5_000_000),
    ("HOTICH_MAX_UPLOAD_MB", "2048", "max_upload_mb", 2048.0),
    ("HOTICH_MAX_UPLOAD_MB", "0.5", "max_upload_mb", 0.5),
    ("HOTICH_LOCK_TIMEOUT", "2.5", "lock_timeout", 2.5),
    ("HOTICH_KEEP_OPEN_SECONDS", "0", "keep_open_seconds", 0.0),
    ("HOTICH_AUTO_DEMO", "0", "auto_demo", False),
    ("HOTICH_OPEN_MODE", "off", "open_mode", False),
    ("HOTICH_VIEW_REQUIRES_LOGIN", "1", "view_requires_login", True),
    ("HOTICH_VIEW_REQUIRES_LOGIN", "Yes", "view_requires_login", True),
    ("HOTICH_BCRYPT_ROUNDS", "4", "bcrypt_rounds", 4),
    ("HOTICH_DUCKDB_MEMORY_LIMIT", "1GB", "duckdb_memory_limit", "1GB"),
    ("HOTICH_DUCKDB_MEMORY_LIMIT", "", "duckdb_memory_limit", ""),  # empty: DuckDB's own default
])
def test_values_are_parsed_to_their_type(var, raw, field, value):
    got = getattr(Settings.from_env({var: raw}), field)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(("var", "raw", "expected"), [
    ("HOTICH_MAX_ROWS", "many", "expected a whole number; default 100000"),
    ("HOTICH_MAX_ROWS", "1.5", "expected a whole number"),
    ("HOTICH_MAX_ROWS", "0", "expected at least 1"),
    ("HOTICH_LOCK_TIMEOUT", "1m", "expected a number; default 60"),
    ("HOTICH_LOCK_TIMEOUT", "-1", "expected at least 0"),
    ("HOTICH_LOCK_TIMEOUT", "inf", "expected a number"),
    ("HOTICH_RENDER_TIMEOUT", "nan", "expected a number"),
    ("HOTICH_BCRYPT_ROUNDS", "20", "expected from 4 to 16; default 12"),
    ("HOTICH_AUTO_DEMO", "maybe", "expected 1 or 0"),
    ("HOTICH_LANG", "fr", "expected one of vi, en"),
    ("HOTICH_DUCKDB_MEMORY_LIMIT", "1'; DROP", "expected a size such as 256MB"),
])
def test_a_bad_value_says_which_variable_and_what_would_do(var, raw, expected):
    with pytest.raises(SettingsError) as exc:
        Settings.from_env({var: raw})
    assert str(exc.value).startswith(f"{var}={raw!r}: ") and expected in str(exc.value)


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().max_rows = 1  # type: ignore[misc]


def test_current_follows_the_environment_and_use_overrides_it(monkeypatch, tmp_path):
    monkeypatch.setenv("HOTICH_DB", str(tmp_path / "a.duckdb"))
    first = settings.current()
    assert first is settings.current()  # parsed once while the environment stays the same
    assert config.db_path() == tmp_path / "a.duckdb"
    with settings.use(Settings(db=str(tmp_path / "b.duckdb"))):
        assert config.db_path() == tmp_path / "b.duckdb"
        with settings.use(settings.changed(max_rows=7)) as inner:
            assert inner.max_rows == 7 and settings.current().db == str(tmp_path / "b.duckdb")
        assert settings.current().max_rows == Settings().max_rows
    assert config.db_path() == tmp_path / "a.duckdb"
    monkeypatch.setenv("HOTICH_MAX_ROWS", "12")
    assert settings.current().max_rows == 12  # a change is seen, not ignored


def test_use_settings_fixture_gives_a_test_its_own_values(use_settings):
    before = settings.current()
    assert use_settings(max_cols=3).max_cols == 3
    assert use_settings(max_rows=9) == dataclasses.replace(before, max_cols=3, max_rows=9)
    assert config.max_upload_bytes() == before.max_upload_bytes


def test_the_cli_stops_on_a_bad_setting_naming_it(monkeypatch, capsys):
    monkeypatch.setenv("HOTICH_LANG", "klingon")
    assert cli.main(["summary"]) == 2
    assert "HOTICH_LANG='klingon': expected one of vi, en" in capsys.readouterr().err
