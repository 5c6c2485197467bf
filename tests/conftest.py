"""Tiny fixtures: every test makes its own temporary database and files."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import shutil
from collections.abc import Callable
from pathlib import Path

# the suite's settings, passed explicitly (production code never looks for the test runner): databases
# are handed between processes at once, and tests change them behind the data version's back
os.environ.setdefault("HOTICH_KEEP_OPEN_SECONDS", "0")
os.environ.setdefault("HOTICH_MEMO_SIZE", "0")

import pytest

from analytics import cli, demo, settings, store
from support import csv_bytes, write_units_csv


@pytest.fixture
def use_settings():
    """Give a test its own settings explicitly: ``use_settings(max_rows=50)`` changes those fields of the
    settings in force until the test ends (calls add up)."""
    with contextlib.ExitStack() as stack:

        def apply(**changes) -> settings.Settings:
            return stack.enter_context(settings.use(dataclasses.replace(settings.current(), **changes)))

        yield apply


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """One new database (schema, shipped units, default campaign), made once and copied per test:
    creating one costs about a second."""
    path = tmp_path_factory.mktemp("template") / "template.duckdb"
    store.connect(path).close()
    return path


@pytest.fixture
def con(db_path: Path, template_db: Path):
    """A new database with the shipped Quảng Nam units and the default campaign."""
    shutil.copyfile(template_db, db_path)
    c = store.connect(db_path)
    yield c
    c.close()


@pytest.fixture
def tiny_con(tmp_path: Path, con):
    """A database whose only province is the tiny hand-made one (99, 2 districts, 5 communes)."""
    store.replace_units(con, store.read_units_csv(write_units_csv(tmp_path / "tiny_units.csv")))
    # remove Quảng Nam so 99 is the only province
    con.execute("DELETE FROM units WHERE province_code = '49'")
    return con


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory, template_db) -> Path:
    """One demo database (the shipped unit lists and the demo figures), made once and copied per test."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    shutil.copyfile(template_db, path)
    with store.session(path) as c:
        demo.load_demo(c)
    return path


@pytest.fixture
def demo_con(db_path: Path, demo_template: Path):
    shutil.copyfile(demo_template, db_path)
    c = store.connect(db_path)
    yield c
    c.close()


@pytest.fixture
def make_csv(tmp_path: Path) -> Callable[..., Path]:
    """make_csv("name.csv", header, rows) -> path of a CSV file in the test's folder."""

    def make(name: str, header: list[str], rows: list[list], **kw) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(header, rows, **kw))
        return path

    return make


@pytest.fixture
def run_cli(db_path: Path, capsys) -> Callable[..., tuple[int, str, str]]:
    """run_cli("summary", "--as-of", "2025-03-01") -> (exit code, stdout, stderr) on the test database."""

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main([*args, "--db", str(db_path)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory, demo_template: Path) -> Path:
    """A demo database shared by the read-only tests of one module (a copy of the session's demo)."""
    path = tmp_path_factory.mktemp("app") / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    return path


@pytest.fixture
def own_demo(tmp_path: Path, demo_template: Path) -> Path:
    """A demo database of the test's own, for tests that write."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    return path
