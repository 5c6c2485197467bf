"""Many users at once (issue 7): threads uploading while others read, a dozen CLI imports started together,
a CLI import while the app holds the database. Every upload must be there afterwards and every read must see
an upload whole or not at all.

The marker of an upload: upload ``i`` reports date ``DAY0 + i`` for its own set of communes, every row with
the same figure ``i + 1``; so a reader that sees a date with some but not all of its communes, or two figures,
has seen half an upload.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from analytics import auth, ingest, metrics, store
from analytics.errors import DatabaseBusy
from support import csv_bytes

ROOT = Path(__file__).resolve().parent.parent
DAY0 = date(2025, 2, 1)
PER_FILE = 30  # communes per upload
HEADER = ["report_date", "commune_code", "books_total", "books_digitized"]
# readers see, per report date: how many rows and how many different figures
CONSISTENCY = """SELECT r.report_date, count(*) AS n, min(books_digitized) AS lo, max(books_digitized) AS hi,
                        count(DISTINCT upload_id) AS uploads
                 FROM reports r GROUP BY r.report_date"""


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("conc") / "template.duckdb"
    with store.session(path) as con:
        codes = list(store.units_frame(con, "49")["commune_code"])
        con.execute("CHECKPOINT")
    return path, codes


@pytest.fixture
def db(template, tmp_path):
    import shutil

    path = tmp_path / "conc.duckdb"
    shutil.copyfile(template[0], path)
    return path, template[1]


def upload_bytes(i: int, codes: list[str]) -> bytes:
    """Upload i: date DAY0+i, PER_FILE communes (a window that moves with i), every figure i+1."""
    mine = [codes[(i * 7 + k) % len(codes)] for k in range(PER_FILE)]
    day = (DAY0 + timedelta(days=i)).isoformat()
    return csv_bytes(HEADER, [[day, c, 1000, i + 1] for c in mine])


def check_consistent(con, expected: dict[date, int] | None = None) -> int:
    """Every date seen is one whole upload (PER_FILE rows, one figure); returns how many uploads are visible."""
    seen = 0
    for day, n, lo, hi, uploads in con.execute(CONSISTENCY).fetchall():
        i = (day - DAY0).days
        assert (n, lo, hi, uploads) == (PER_FILE, i + 1, i + 1, 1), f"half an upload visible on {day}: {n} rows"
        seen += 1
    loaded = con.execute("SELECT count(*) FROM uploads WHERE outcome = 'loaded'").fetchone()[0]
    assert loaded >= seen
    return seen


def _reader_loop(path: Path, stop: threading.Event, errors: list, counts: list) -> None:
    """What a dashboard session does: open for one unit of work, read, close; check what it saw."""
    while not stop.is_set():
        try:
            with store.session(path) as con:
                con.execute("BEGIN TRANSACTION")  # one snapshot for the checks and the summary
                check_consistent(con)
                metrics.summary(con, "49", DAY0 + timedelta(days=40))
                con.execute("COMMIT")
            counts.append(1)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(repr(exc))


def test_threads_uploading_and_reading_at_once(db):
    """8 threads upload 2 files each (16 uploads, app path with a signed-in admin) while 8 threads read."""
    path, codes = db
    admin = auth.User("boss", "admin")
    stop = threading.Event()
    errors: list[str] = []
    reads: list[int] = []
    results: list[int] = []

    def uploader(t: int) -> None:
        for k in range(2):
            i = t * 2 + k
            try:
                with store.session(path) as con:
                    prep = ingest.prepare(con, upload_bytes(i, codes), f"up-{i}.csv")
                    assert prep.ok, prep.errors
                with store.session(path) as con:
                    results.append(ingest.commit(con, prep, user=admin, source="app").upload_id)
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    readers = [threading.Thread(target=_reader_loop, args=(path, stop, errors, reads)) for _ in range(8)]
    writers = [threading.Thread(target=uploader, args=(t,)) for t in range(8)]
    for th in readers + writers:
        th.start()
    for th in writers:
        th.join(120)
    stop.set()
    for th in readers:
        th.join(30)
    assert errors == []
    assert len(results) == 16 and len(set(results)) == 16
    assert len(reads) >= 8
    with store.session(path) as con:
        assert check_consistent(con) == 16
        assert con.execute("SELECT count(*) FROM report_rows").fetchone()[0] == 16 * PER_FILE
        assert sorted(r for (r,) in con.execute("SELECT user_name FROM uploads").fetchall()) == ["boss"] * 16


def test_threads_writing_settings_conflicts_are_not_surfaced(db):
    """Writes that touch the same rows (the data version, one setting) from 8 threads: none fails."""
    path, _ = db
    with store.session(path) as con:
        v0 = store.data_version(con)
    errors: list[str] = []

    def writer(t: int) -> None:
        for k in range(10):
            try:
                with store.session(path) as con:
                    store.set_setting(con, "49", "amber_points", str(t * 100 + k), user=f"t{t}")
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    with store.session(path) as con:
        assert store.data_version(con) == v0 + 80
        assert con.execute("SELECT count(*) FROM audit WHERE action = 'settings'").fetchone()[0] == 80


def test_conflicting_raw_writers_are_retried(tmp_path):
    """Without the process write lock DuckDB aborts one of two threads ("Conflict on update"): the retry
    wrapper runs it again."""
    path = tmp_path / "raw.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE c (k INTEGER PRIMARY KEY, v INTEGER)")
    con.execute("INSERT INTO c VALUES (1, 0)")
    con.close()
    conflicts: list[int] = []
    errors: list[str] = []

    @store.retry_conflicts
    def bump(c):
        c.execute("BEGIN TRANSACTION")
        try:
            c.execute("UPDATE c SET v = v + 1 WHERE k = 1")
            time.sleep(0.001)
            c.execute("COMMIT")
        except duckdb.TransactionException:
            conflicts.append(1)
            with contextlib.suppress(duckdb.Error):
                c.execute("ROLLBACK")
            raise

    def worker() -> None:
        c = duckdb.connect(str(path))
        try:
            for _ in range(20):
                bump(c)
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            c.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
    c = duckdb.connect(str(path))
    assert c.execute("SELECT v FROM c").fetchone()[0] == 80
    c.close()
    assert conflicts, "the test did not provoke a conflict"


def _cli(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "HOTICH_LOCK_TIMEOUT": "120", "HOTICH_AUTO_DEMO": "0", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "analytics", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=str(ROOT), **kw)


def test_dozen_cli_imports_started_together(db, tmp_path):
    path, codes = db
    files = []
    for i in range(12):
        f = tmp_path / f"cli-{i}.csv"
        f.write_bytes(upload_bytes(i, codes))
        files.append(f)
    procs = [_cli("ingest", str(f), "--db", str(path), "--json", "--user", f"job{i}") for i, f in enumerate(files)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 12, [o[1][-500:] for o in outs]
    with store.session(path) as con:
        assert check_consistent(con) == 12
        users = sorted(u for (u,) in con.execute("SELECT user_name FROM uploads WHERE outcome = 'loaded'").fetchall())
        assert users == sorted(f"job{i}" for i in range(12))
    waited = sum("waiting" in err for _, err in outs)
    print(f"12 CLI imports together: {waited} said they waited")


def test_cli_import_while_the_app_holds_the_database(db, tmp_path, monkeypatch):
    """The app runs (AppTest, again and again) and 4 dashboard-like reader threads hammer the database while
    3 CLI imports run: the imports get their turn, the app never errors, every read is consistent."""
    from streamlit.testing.v1 import AppTest

    path, codes = db
    monkeypatch.setenv("HOTICH_DB", str(path))
    monkeypatch.setenv("HOTICH_AUTO_DEMO", "0")
    monkeypatch.setenv("HOTICH_KEEP_OPEN_SECONDS", "30")  # the dashboard keeps the file open between reruns
    stop = threading.Event()
    errors: list[str] = []
    reads: list[int] = []
    readers = [threading.Thread(target=_reader_loop, args=(path, stop, errors, reads)) for _ in range(4)]
    for th in readers:
        th.start()
    files = []
    for i in range(3):
        f = tmp_path / f"while-{i}.csv"
        f.write_bytes(upload_bytes(100 + i, codes))
        files.append(f)
    procs = [_cli("ingest", str(f), "--db", str(path), "--user", "cron") for f in files]
    app_runs = 0
    try:
        while any(p.poll() is None for p in procs) or app_runs == 0:
            at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
            assert not at.exception, at.exception
            app_runs += 1
    finally:
        stop.set()
        for th in readers:
            th.join(30)
        store.release()
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 3, [o[1][-500:] for o in outs]
    assert errors == []
    with store.session(path) as con:
        assert check_consistent(con) == 3
    print(f"app runs during the imports: {app_runs}; reader units of work: {len(reads)}")


def test_busy_database_waits_says_so_and_gives_up_after_the_timeout(tmp_path):
    """Another process holds the file: connect waits (telling so), and raises DatabaseBusy after the timeout."""
    path = tmp_path / "busy.duckdb"
    store.connect(path).close()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(3)"),
        str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    told: list[float] = []
    started = time.monotonic()
    with pytest.raises(DatabaseBusy) as e:
        store.connect(path, timeout=0.6, on_wait=told.append)
    assert told and 0.5 <= time.monotonic() - started < 3
    assert e.value.key == "db.busy"
    # a longer timeout: it waits for the holder to finish, then opens
    con = store.connect(path, timeout=30, on_wait=told.append)
    con.close()
    holder.wait(10)


def test_cli_waits_for_a_holder_and_says_it_waits(tmp_path, make_csv):
    """A CLI import finds the file held by another process: it says it waits, then loads when the holder ends."""
    path = tmp_path / "busy.duckdb"
    store.connect(path).close()
    f = make_csv("one.csv", ["report_date", "commune_code", "books_total", "books_digitized"],
                 [["2025-03-01", "20335", 100, 10]])
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True); sys.stdin.read(); c.close()"),
        str(path)], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    cli = _cli("ingest", str(f), "--db", str(path))
    first = cli.stderr.readline()  # blocks until the CLI reports that it waits
    assert "waiting" in first
    holder.stdin.close()  # the holder lets go
    holder.wait(30)
    out, err = cli.communicate(timeout=60)
    assert cli.returncode == 0, err
    with store.session(path) as con:
        assert con.execute("SELECT count(*) FROM uploads WHERE outcome = 'loaded'").fetchone()[0] == 1


def test_threads_opening_the_same_file_at_once(tmp_path):
    """16 threads open and close the same file (sharing DuckDB's instance) 30 times each: no error."""
    path = tmp_path / "open.duckdb"
    store.connect(path).close()
    errors: list[str] = []

    def opener() -> None:
        for _ in range(30):
            try:
                with store.session(path) as con:
                    con.execute("SELECT count(*) FROM units").fetchone()
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))

    threads = [threading.Thread(target=opener) for _ in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert errors == []
