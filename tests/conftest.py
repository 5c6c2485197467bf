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


# --- the two backends ------------------------------------------------------------------------------------
# A test module that sets ``BOTH_BACKENDS = True`` runs each test that uses ``backend`` (through ``con``,
# ``demo_con`` or ``place``) on the DuckDB file and on PostgreSQL. The PostgreSQL server is started once per
# session (tests/pgserver.py); each test gets a database copied from a migrated and seeded template.
BACKENDS = ("duckdb", "postgresql")


def pytest_configure(config):
    config.addinivalue_line("markers", "both_backends: run the test on the DuckDB file and on PostgreSQL")
    config.addinivalue_line("markers", "duckdb_only: in a BOTH_BACKENDS module, a test about reading files only")


def pytest_generate_tests(metafunc):
    both = getattr(metafunc.module, "BOTH_BACKENDS", False) or metafunc.definition.get_closest_marker("both_backends")
    if metafunc.definition.get_closest_marker("duckdb_only"):
        both = False
    if "backend" in metafunc.fixturenames and both:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    return getattr(request, "param", "duckdb")


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL for the session; skipped only when its programs are not installed at all."""
    import pgserver

    folder = pgserver.binaries()
    if folder is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL (initdb, pg_ctl) is not installed: scripts/setup.sh installs it in CI")
        pytest.skip("PostgreSQL is not installed (initdb/pg_ctl not on PATH nor in /usr/lib/postgresql/15/bin)")
    server = pgserver.Server(folder).start()
    yield server
    store.pg.forget()
    server.stop()


@pytest.fixture(scope="session")
def pg_template(pg_server) -> str:
    """A migrated PostgreSQL database with the shipped units and the default campaign, copied per test."""
    url = pg_server.create_database("hotich_template")
    store.connect(url).close()
    store.pg.forget(url)
    return "hotich_template"


@pytest.fixture(scope="session")
def pg_demo_template(pg_server, pg_template) -> str:
    url = pg_server.create_database("hotich_demo", template=pg_template)
    with store.session(url) as c:
        demo.load_demo(c)
    store.pg.forget(url)
    return "hotich_demo"


_PG_COUNTER = iter(range(1, 1_000_000))


def _pg_database(request, template_fixture: str) -> str:
    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue(template_fixture)
    name = f"t{os.getpid()}_{next(_PG_COUNTER)}"
    url = server.create_database(name, template=template)

    def drop() -> None:
        store.pg.forget(url)
        server.drop_database(name)

    request.addfinalizer(drop)
    return url


@pytest.fixture
def pg_url(request) -> str:
    """A new PostgreSQL database (schema, shipped units, default campaign), dropped after the test."""
    return _pg_database(request, "pg_template")


@pytest.fixture
def place(request, backend: str, db_path: Path, template_db: Path) -> str:
    """Where the test's database lives: a DuckDB file (copied from the template) or a PostgreSQL URL."""
    if backend == "postgresql":
        return _pg_database(request, "pg_template")
    shutil.copyfile(template_db, db_path)
    return str(db_path)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """One new database (schema, shipped units, default campaign), made once and copied per test:
    creating one costs about a second."""
    path = tmp_path_factory.mktemp("template") / "template.duckdb"
    store.connect(path).close()
    return path


@pytest.fixture
def con(place: str):
    """A new database with the shipped Quảng Nam units and the default campaign (on the test's backend)."""
    c = store.connect(place)
    yield c
    c.close()


@pytest.fixture
def tiny_con(tmp_path: Path, con):
    """A database whose only province is the tiny hand-made one (99, 2 districts, 5 communes)."""
    store.replace_units(con, store.read_units_csv(write_units_csv(tmp_path / "tiny_units.csv")))
    # remove Quảng Nam so 99 is the only province
    with store.transaction(con) as tx:
        tx.execute("DELETE FROM units WHERE province_code = '49'")
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
def demo_con(request, backend: str, db_path: Path, demo_template: Path):
    if backend == "postgresql":
        c = store.connect(_pg_database(request, "pg_demo_template"))
        yield c
        c.close()
        return
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
def cli_db(request, backend: str, db_path: Path) -> str:
    """The ``--db`` of the test's CLI runs: a DuckDB file not made yet (the CLI makes it) or a new PostgreSQL
    database (migrated and seeded, as the CLI leaves a new one)."""
    return request.getfixturevalue("place") if backend == "postgresql" else str(db_path)


@pytest.fixture
def run_cli(cli_db: str, capsys) -> Callable[..., tuple[int, str, str]]:
    """run_cli("summary", "--as-of", "2025-03-01") -> (exit code, stdout, stderr) on the test database."""

    def run(*args: str) -> tuple[int, str, str]:
        code = cli.main([*args, "--db", cli_db])
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
