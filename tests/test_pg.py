"""PostgreSQL as the shared store: several processes importing and reading at once, an importer killed in
the middle of its write, an upload seen by another process within 2 s, ``migrate``, the SQL translation.

Markers as in test_concurrency: upload ``i`` reports date ``DAY0 + i`` for its own communes, every row with
the figure ``i + 1``, so a reader that sees part of a date, or two figures on it, has seen half an upload."""

from __future__ import annotations

import datetime
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import psycopg
import pytest
from test_concurrency import CONSISTENCY, DAY0, PER_FILE, check_consistent, upload_bytes

from analytics import cli, queries, store
from analytics.errors import InvalidArgument
from analytics.store import pg

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def _env(url: str) -> dict[str, str]:
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT), str(ROOT / "tests")])
    return {**os.environ, "HOTICH_DB": url, "HOTICH_AUTO_DEMO": "0", "HOTICH_OPEN_MODE": "1", "PYTHONPATH": path}


def _cli(url: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analytics", *args, "--db", url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(url), cwd=str(ROOT))


# a dashboard process: the real app (Streamlit's AppTest on app.py, its cached wrappers, its PostgreSQL
# mirror) re-running the Overview again and again; after each run the same process checks, on one snapshot
# of that mirror, that every date is one whole upload
READER = textwrap.dedent("""
    import json, sys, time
    from streamlit.testing.v1 import AppTest
    from analytics import store
    from test_pg import APP, reader_check
    url, seconds = sys.argv[1], float(sys.argv[2])
    reads, torn, seen, failed = 0, [], 0, []
    at = AppTest.from_file(APP, default_timeout=120)
    end = time.time() + seconds
    while time.time() < end:
        at.run()
        failed += [e.value for e in at.exception]
        with store.session(url) as con:
            try:
                seen = max(seen, reader_check(con))
            except AssertionError as exc:
                torn.append(str(exc))
        reads += 1
    print(json.dumps({"reads": reads, "torn": torn, "seen": seen, "exceptions": failed[:3]}))
""")


def reader_check(con) -> int:
    """check_consistent on one snapshot of the mirror."""
    con.execute("BEGIN TRANSACTION")
    try:
        return check_consistent(con)
    finally:
        con.execute("COMMIT")


def _codes(url: str) -> list[str]:
    with store.session(url) as con:
        return list(store.units_frame(con, "49")["commune_code"])


def test_importers_and_dashboards_at_once(pg_url, tmp_path):
    """3 dashboard processes read while 6 CLI importers load 2 files each, all on one PostgreSQL."""
    codes = _codes(pg_url)
    files = []
    for i in range(12):
        f = tmp_path / f"imp-{i}.csv"
        f.write_bytes(upload_bytes(i, codes))
        files.append(f)
    readers = [subprocess.Popen([sys.executable, "-c", READER, pg_url, "25"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=_env(pg_url), cwd=str(ROOT))
               for _ in range(3)]
    importers = [_cli(pg_url, "ingest", str(files[2 * k]), str(files[2 * k + 1]), "--json", "--user", f"job{k}")
                 for k in range(6)]
    outs = [p.communicate(timeout=240) for p in importers]
    assert [p.returncode for p in importers] == [0] * 6, [o[1][-800:] for o in outs]
    assert not any("waiting" in err for _, err in outs)  # no file lock, no wait marker on PostgreSQL
    results = []
    for p in readers:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert all(r["torn"] == [] and r["exceptions"] == [] for r in results), results
    assert all(r["reads"] >= 2 for r in results), results  # a loaded CI machine reads slowly; none torn is the point
    with store.session(pg_url) as con:
        assert check_consistent(con) == 12
        assert con.execute("SELECT count(*) FROM report_rows").fetchone()[0] == 12 * PER_FILE
        users = sorted(u for (u,) in con.execute("SELECT user_name FROM uploads WHERE outcome = 'loaded'").fetchall())
    assert users == sorted(f"job{k}" for k in range(6) for _ in range(2))
    print(f"6 importers, 3 dashboards: reads {[r['reads'] for r in results]}, none torn")


def _wait_for_lock_waiter(url: str, timeout: float = 60) -> int:
    """The backend pid of another session waiting for a lock in this database."""
    end = time.time() + timeout
    with psycopg.connect(url, autocommit=True) as c:
        while time.time() < end:
            row = c.execute("""SELECT pid FROM pg_stat_activity WHERE datname = current_database()
                               AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()""").fetchone()
            if row:
                return int(row[0])
            time.sleep(0.05)
    raise AssertionError("the importer never reached its write")


def test_importer_killed_mid_commit_leaves_nothing(pg_url, tmp_path):
    """The importer has written its log entry and its rows and waits to write the figures in force (the test
    holds a lock on them): killed with SIGKILL there, none of it is left; the next import goes through."""
    codes = _codes(pg_url)
    f = tmp_path / "killed.csv"
    f.write_bytes(upload_bytes(3, codes))
    with store.session(pg_url) as con:
        before = (store.data_version(con), store.report_count(con))
    blocker = psycopg.connect(pg_url)
    blocker.execute("LOCK TABLE reports IN EXCLUSIVE MODE")
    proc = _cli(pg_url, "ingest", str(f), "--json")
    try:
        _wait_for_lock_waiter(pg_url)
        with psycopg.connect(pg_url, autocommit=True) as c:  # the importer's own rows are in, uncommitted
            assert c.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        blocker.rollback()
        blocker.close()
    assert proc.returncode == -signal.SIGKILL
    time.sleep(0.5)
    with psycopg.connect(pg_url, autocommit=True) as c:
        for _ in range(100):  # the server ends the orphaned backend when it next talks to it
            if not c.execute("""SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
                                AND (state LIKE 'idle in transaction%' OR wait_event_type = 'Lock')""").fetchone()[0]:
                break
            time.sleep(0.1)
        assert c.execute("SELECT count(*) FROM uploads").fetchone()[0] == 0
        assert c.execute("SELECT count(*) FROM report_rows").fetchone()[0] == 0
    with store.session(pg_url) as con:
        assert (store.data_version(con), store.report_count(con)) == before
    again = _cli(pg_url, "ingest", str(f), "--json")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    with store.session(pg_url) as con:
        assert check_consistent(con) == 1


# another dashboard process: the app open on the Overview; it says when its own mirror (what its pages
# read) holds more reports than when it started
WATCHER = textwrap.dedent("""
    import sys, time
    from streamlit.testing.v1 import AppTest
    from analytics import store
    from test_pg import APP
    url = sys.argv[1]
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, [e.value for e in at.exception]
    with store.session(url) as con:
        base = store.report_count(con)
    print("ready", flush=True)
    end = time.time() + 120
    while time.time() < end:
        with store.session(url) as con:
            if store.report_count(con) > base:
                print(repr(time.time()), flush=True)
                break
        time.sleep(0.01)
""")

# a dashboard process that uploads: the Upload page, the file chosen, then confirmed; it prints when the
# confirming run has ended (the user sees "loaded" then), the moment the other process must catch up from
UPLOADER = textwrap.dedent("""
    import hashlib, sys, time
    from streamlit.testing.v1 import AppTest
    from test_pg import APP
    path = sys.argv[2]
    data = open(path, "rb").read()
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page("views/upload.py").run()
    at.file_uploader(key="upload_files").set_value([("seen.csv", data, "text/csv")]).run()
    assert not at.exception, [e.value for e in at.exception]
    digest = hashlib.sha256(data).hexdigest()
    for box in at.checkbox:  # the marker dates are before the campaign: a warning the user confirms
        if box.key == "warn_" + digest:
            box.check().run()
    at.button(key="confirm_" + digest).click().run()
    done = time.time()
    assert not at.exception, [e.value for e in at.exception]
    assert at.success, "no success message"
    print(repr(done), flush=True)
""")


def _py(url: str, script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, url, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env(url), cwd=str(ROOT))


def test_upload_through_one_process_shows_in_another_within_2s(pg_url, tmp_path):
    """An upload confirmed on the Upload page of one dashboard process is in another's mirror within 2 s."""
    f = tmp_path / "seen.csv"
    f.write_bytes(upload_bytes(0, _codes(pg_url)))
    watcher = _py(pg_url, WATCHER)
    ready = watcher.stdout.readline().strip()
    assert ready == "ready", watcher.communicate(timeout=60)[1][-2000:]
    uploader = _py(pg_url, UPLOADER, str(f))
    up_out, up_err = uploader.communicate(timeout=240)
    assert uploader.returncode == 0, up_err[-2000:]
    out, err = watcher.communicate(timeout=120)
    assert watcher.returncode == 0, err[-2000:]
    seen = float(out.strip().splitlines()[-1])
    with store.session(pg_url) as con:
        assert check_consistent(con) == 1
        assert list(store.uploads(con)["outcome"]) == ["loaded"]
        # the log's time is taken inside the write, before its commit: the lag measured from it is an upper bound
        [(logged,)] = con.execute("SELECT uploaded_at FROM uploads").fetchall()
    lag = seen - logged.replace(tzinfo=datetime.UTC).timestamp()
    shown = seen - float(up_out.strip().splitlines()[-1])
    print(f"upload on one dashboard seen by another {lag:.3f} s after its write began "
          f"({shown:+.3f} s after the uploader's page said so)")
    assert lag < 2.0


def test_later_commit_wins_and_both_are_logged(pg_url):
    """Two processes' uploads of the same commune and date: the one committed later is in force."""
    import pandas as pd

    def frame(digitized: int) -> pd.DataFrame:
        return pd.DataFrame({"commune_code": ["20335"], "report_date": ["2025-02-25"], "books_total": [100],
                             "books_digitized": [digitized], "records_digitized": [None], "row_no": [2]})

    first = store.connect(pg_url)
    other = pg.PgDatabase(pg_url)  # a second process's view: its own pool and mirror
    try:
        store.commit_reports(first, file_name="a.csv", sha256="a", rows=frame(10), province_code="49")
        with other.session() as con2:
            store.commit_reports(con2, file_name="b.csv", sha256="b", rows=frame(20), province_code="49")
        time.sleep(pg.REFRESH_EVERY + 0.05)  # a session looks at PostgreSQL's version at most this often
        with store.session(pg_url) as again:
            assert list(store.reports_of(again, ["20335"])["books_digitized"]) == [20]
            assert sorted(store.uploads(again)["file_name"]) == ["a.csv", "b.csv"]
    finally:
        first.close()
        other.close()


def test_migrate_moves_a_file_with_the_same_summary(pg_url, demo_template, tmp_path, capsys):
    src = tmp_path / "moved.duckdb"
    src.write_bytes(Path(demo_template).read_bytes())
    assert cli.main(["migrate", "--from", str(src), "--to", pg_url]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["same"] is True
    assert result["before"] == {k: result["after"][k] for k in result["before"]}
    assert result["before"]["totals"]["reports"] > 3000
    assert cli.main(["summary", "--db", str(src)]) == 0
    on_file = capsys.readouterr().out
    assert cli.main(["summary", "--db", pg_url]) == 0
    assert capsys.readouterr().out == on_file


def test_backup_on_postgresql_points_to_pg_dump(pg_url, tmp_path):
    with pytest.raises(InvalidArgument) as caught:
        store.backup(pg_url, tmp_path)
    assert caught.value.key == "backup.postgresql"


def test_unreachable_server_is_said_plainly(monkeypatch, capsys):
    monkeypatch.setattr(pg, "CONNECT_TIMEOUT", 1)
    assert cli.main(["summary", "--db", "postgresql://nobody@127.0.0.1:1/none", "--lang", "en"]) == 1
    assert "Could not reach PostgreSQL postgresql://nobody@127.0.0.1:1/none" in capsys.readouterr().err


def test_a_mirror_behind_the_pruned_log_reloads_whole(pg_url, monkeypatch):
    """The log of deleted rows is pruned; a process whose copy is older than what is kept reloads it whole
    (and so does not keep a row another process deleted)."""
    monkeypatch.setattr(pg, "KEEP_DELETED", 2)
    monkeypatch.setattr(pg, "PRUNE_EVERY", 1)
    behind = pg.PgDatabase(pg_url)  # a process that then sleeps
    ahead = pg.PgDatabase(pg_url)
    try:
        from datetime import date

        with behind.session() as con:
            assert store.unit_deadlines(con, "49").empty
        with ahead.session() as con:
            store.set_unit_deadline(con, "49", "commune", "20335", date(2025, 3, 10))
        time.sleep(pg.REFRESH_EVERY + 0.05)
        with behind.session() as con:
            assert len(store.unit_deadlines(con, "49")) == 1
        with ahead.session() as con:
            store.set_unit_deadline(con, "49", "commune", "20335", None)  # a deletion, logged then pruned
            for k in range(4):
                store.set_setting(con, "49", f"k{k}", "v")
        with psycopg.connect(pg_url) as c:
            assert c.execute("SELECT count(*) FROM _deleted").fetchone()[0] <= 3
        time.sleep(pg.REFRESH_EVERY + 0.05)
        with behind.session() as con:
            assert store.unit_deadlines(con, "49").empty
            assert store.get_setting(con, "49", "k3") == "v"
            assert store.get_meta(con, "mirror_of")  # still knows what it mirrors
    finally:
        behind.close()
        ahead.close()


def test_migrations_are_recorded(pg_url):
    with psycopg.connect(pg_url) as c:
        applied = [v for (v,) in c.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert applied == list(range(1, store.SCHEMA_VERSION + 1))


def test_a_write_outside_a_transaction_is_refused_by_postgresql(pg_url):
    """Every row carries the data version; a write that bypasses store.transaction would be invisible to
    the mirrors, so the trigger refuses it."""
    with psycopg.connect(pg_url) as c, pytest.raises(psycopg.errors.RaiseException):
        c.execute("INSERT INTO settings (province_code, key, value) VALUES ('49', 'x', 'y')")


def test_threads_of_one_process_write_and_read(pg_url):
    codes = _codes(pg_url)
    from analytics import auth, ingest

    errors: list[str] = []

    def upload(i: int) -> None:
        try:
            with store.session(pg_url) as con:
                prep = ingest.prepare(con, upload_bytes(i, codes), f"t-{i}.csv")
                ingest.commit(con, prep, user=auth.User("boss", "admin"), source="app")
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert errors == []
    with store.session(pg_url) as con:
        assert check_consistent(con) == 6


@pytest.mark.parametrize(("duck", "expected"), [
    (queries.SETTING_SET, "INSERT INTO settings (province_code, key, value) VALUES (%s, %s, %s) "
                          "ON CONFLICT (province_code, key) DO UPDATE SET value = EXCLUDED.value"),
    (queries.USER_SCOPE_INSERT, "INSERT INTO user_scopes (user_name, level, code) VALUES (%s, %s, %s) "
                                "ON CONFLICT DO NOTHING"),
    (queries.DELETE_UNITS_OF_CODES, "DELETE FROM units WHERE level = %s AND code = ANY(%s)"),
    ("SELECT 1 WHERE $a = 5 AND x LIKE 'a%'", "SELECT 1 WHERE %(a)s = 5 AND x LIKE 'a%%'"),
])
def test_translation_to_postgresql(duck, expected):
    keys = {"settings": ["province_code", "key"], "user_scopes": ["user_name", "level", "code"]}
    assert pg.to_pg(duck, keys) == expected


def test_url_routing(monkeypatch):
    monkeypatch.setenv("HOTICH_DB", "postgresql://u@h/db")
    assert pg.url_of(None) == "postgresql://u@h/db"
    assert pg.url_of("x.duckdb") is None
    monkeypatch.setenv("HOTICH_DB", "data/x.duckdb")
    assert pg.url_of(None) is None
    assert store.Database("postgres://u@h/d").backend == "postgresql"
    assert store.Database("a.duckdb").backend == "duckdb"


def test_consistency_query_is_shared():
    assert "GROUP BY r.report_date" in CONSISTENCY and DAY0.year == 2025
