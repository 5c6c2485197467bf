"""Backup and restore (issue 7): ``python -m analytics backup --db PATH --out DIR`` and
``restore --db PATH --from DIR_OR_FILE``; a restored database gives the same summary."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from analytics import auth, cli, ingest, store
from support import csv_bytes

HEADER = ["report_date", "commune_code", "books_total", "books_digitized"]


@pytest.fixture
def demo_db(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("HOTICH_BCRYPT_ROUNDS", "4")
    path = tmp_path / "live.duckdb"
    with store.session(path) as con:
        codes = list(store.units_frame(con, "49")["commune_code"])
        rows = [[day, c, 100 + k % 50, (k * 7 + n * 3) % 90] for n, day in enumerate(["2025-03-04", "2025-03-05"])
                for k, c in enumerate(codes)]
        ingest.ingest_file(con, csv_bytes(HEADER, rows[: len(codes)]), "first.csv", user="ops")
        ingest.ingest_file(con, csv_bytes(HEADER, rows[len(codes):]), "real.csv", user="ops")
        auth.add_user(con, auth.operator("t"), "boss", "admin", "boss-password")
        store.set_setting(con, "49", "amber_points", "7", user="boss")
    return path


def _run(*args: str, capsys) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_backup_then_restore_gives_the_same_summary(demo_db, tmp_path, capsys):
    code, out, err = _run("backup", "--db", str(demo_db), "--out", str(tmp_path / "bk"), "--json", capsys=capsys)
    assert code == 0, err
    info = json.loads(out)
    backup_file = Path(info["path"])
    assert backup_file.exists() and backup_file.with_suffix(".json").exists()
    manifest = json.loads(backup_file.with_suffix(".json").read_text())
    assert manifest["tables"]["reports"] == info["tables"]["reports"] == info["tables"]["report_rows"] > 400
    before = _run("summary", "--db", str(demo_db), "--as-of", "2025-03-05", capsys=capsys)[1]

    # restore into a new file, and over a database with other content
    fresh = tmp_path / "fresh.duckdb"
    code, _, err = _run("restore", "--db", str(fresh), "--from", str(tmp_path / "bk"), capsys=capsys)
    assert code == 0, err
    assert _run("summary", "--db", str(fresh), "--as-of", "2025-03-05", capsys=capsys)[1] == before

    with store.session(demo_db) as con:
        ingest.ingest_file(con, csv_bytes(HEADER, [["2025-03-06", "20338", 50, 50]]), "later.csv")
        store.withdraw_upload(con, 2)  # real.csv
        version_before = store.data_version(con)
    assert _run("summary", "--db", str(demo_db), "--as-of", "2025-03-05", capsys=capsys)[1] != before
    code, _, err = _run("restore", "--db", str(demo_db), "--from", str(backup_file), capsys=capsys)
    assert code == 0, err
    assert _run("summary", "--db", str(demo_db), "--as-of", "2025-03-05", capsys=capsys)[1] == before
    with store.session(demo_db) as con:
        assert store.data_version(con) > version_before  # caches keyed on the version reload
        assert [r[0] for r in con.execute("SELECT file_name FROM uploads ORDER BY id").fetchall()] == [
            "first.csv", "real.csv"]
        assert store.get_setting(con, "49", "amber_points") == "7"
        assert auth.authenticate(con, "boss", "boss-password").role == "admin"
        log = store.audit_log(con)
        restore_row = log[log["action"] == "restore"].iloc[0]
        assert (restore_row["action"], restore_row["file_name"]) == ("restore", backup_file.name)
        # the id sequences continue after the restored rows: a new upload gets a new id
        new = ingest.ingest_file(con, csv_bytes(HEADER, [["2025-03-07", "20341", 50, 50]]), "after.csv")
        assert new.upload_id == 3
        store.set_setting(con, "49", "amber_points", "8")  # the audit sequence continues too


def test_restore_refuses_garbage_and_leaves_the_database(demo_db, tmp_path, capsys):
    bad = tmp_path / "hotich-bad.duckdb"
    bad.write_bytes(b"not a database at all" * 100)
    before = _run("summary", "--db", str(demo_db), capsys=capsys)[1]
    code, _, err = _run("restore", "--db", str(demo_db), "--from", str(bad), "--lang", "en", capsys=capsys)
    assert code == 1 and "Cannot read the backup" in err
    code, _, err = _run("restore", "--db", str(demo_db), "--from", str(tmp_path / "empty"), capsys=capsys)
    assert code == 1
    assert _run("summary", "--db", str(demo_db), capsys=capsys)[1] == before


def test_backup_during_uploads_is_consistent(demo_db, tmp_path):
    """Backups taken while another thread keeps uploading hold each upload whole (or not at all)."""
    codes = ["20335", "20338", "20341", "20344"]
    stop = threading.Event()
    errors: list[str] = []

    def uploader() -> None:
        i = 0
        while not stop.is_set() and i < 40:
            try:
                with store.session(demo_db) as con:
                    data = csv_bytes(HEADER, [[f"2025-04-{1 + i % 28:02d}", c, 100, i + 1] for c in codes])
                    ingest.ingest_file(con, data, f"bg-{i}.csv")
            except Exception as exc:  # noqa: BLE001
                errors.append(repr(exc))
            i += 1

    th = threading.Thread(target=uploader)
    th.start()
    backups = [store.backup(demo_db, tmp_path / "bk") for _ in range(4)]
    stop.set()
    th.join(60)
    assert errors == []
    for b in backups:
        target = tmp_path / f"check-{Path(b['path']).stem}.duckdb"
        store.restore(target, b["path"])
        with store.session(target) as con:
            bad = con.execute("""SELECT u.file_name FROM uploads u
                                 WHERE u.outcome = 'loaded' AND u.file_name LIKE 'bg-%'
                                   AND (SELECT count(*) FROM report_rows r WHERE r.upload_id = u.id) <> 4""").fetchall()
            assert bad == []
            assert b["tables"]["report_rows"] == con.execute("SELECT count(*) FROM report_rows").fetchone()[0]
