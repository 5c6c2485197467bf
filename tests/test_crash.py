"""Crashes (issue 7): a process killed (SIGKILL) in the middle of ingesting, at random moments, again and
again. Afterwards the database opens and holds each upload whole or not at all.

The child prepares its files, says "ready", then commits one upload after another (each one transaction
of 240 communes x 5 dates); in half of the rounds DuckDB checkpoints after every commit, so kills also land
inside a checkpoint. The parent kills it after a random delay and checks the database.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from analytics import store

ROOT = Path(__file__).resolve().parent.parent
DAY0 = date(2000, 1, 1)
DATES_PER_UPLOAD = 5
KILLS = int(os.environ.get("HOTICH_CRASH_KILLS", "12"))

# A "zygote" imports everything once, then forks one child per round (importing pandas and DuckDB costs
# seconds; forking costs milliseconds). It never opens the database itself, so each child starts clean.
ZYGOTE = r"""
import dataclasses, os, sys
from datetime import date, timedelta
from analytics import ingest, store
from support import csv_bytes

DAY0 = date(2000, 1, 1)


def work(path, first, count, checkpoint_often):
    con = store.connect(path)
    if checkpoint_often:
        con.execute("SET wal_autocheckpoint = '1KB'")
    codes = list(store.units_frame(con, "49")["commune_code"])
    rows = [[(DAY0 + timedelta(days=first * 5 + d)).isoformat(), c, 1000, first % 900 + 1]
            for d in range(5) for c in codes]
    base = ingest.prepare(con, csv_bytes(["report_date", "commune_code", "books_total", "books_digitized"], rows),
                          f"crash-{first}.csv")
    assert base.ok, base.errors[:3]
    preps = [base]
    for i in range(first + 1, first + count):  # the same checked rows moved to other dates (preparing is slow)
        frame = base.rows.copy()
        frame["report_date"] = [d + timedelta(days=(i - first) * 5) for d in frame["report_date"]]
        frame["books_digitized"] = i % 900 + 1
        preps.append(dataclasses.replace(base, file_name=f"crash-{i}.csv", sha256=f"{base.sha256}-{i}",
                                         rows=frame, warnings=[]))
    print("ready", flush=True)
    for prep in preps:
        ingest.commit(con, prep, user="crash", source="cli")
        print("committed", prep.file_name, flush=True)
    con.close()
    print("done", flush=True)


for line in sys.stdin:
    path, first, count, often = line.split()
    pid = os.fork()
    if pid == 0:
        try:
            work(path, int(first), int(count), often == "1")
        finally:
            os._exit(0)
    print("pid", pid, flush=True)
    _, status = os.waitpid(pid, 0)
    print("exit", status, flush=True)
"""


def check_whole(con) -> tuple[int, int]:
    """Every loaded upload has all its rows and all its figures in force; nothing else is in force."""
    communes = len(store.units_frame(con, "49"))
    loaded = con.execute("SELECT id, file_name, row_count FROM uploads WHERE outcome = 'loaded'").fetchall()
    for upload_id, file_name, row_count in loaded:
        i = int(file_name.removeprefix("crash-").removesuffix(".csv"))
        assert row_count == communes * DATES_PER_UPLOAD
        got = con.execute("SELECT count(*) FROM report_rows WHERE upload_id = ?", [upload_id]).fetchone()[0]
        assert got == row_count, f"upload {file_name}: {got} of {row_count} rows"
        n, lo, hi, first, last = con.execute(
            "SELECT count(*), min(books_digitized), max(books_digitized), min(report_date), max(report_date) "
            "FROM reports WHERE upload_id = ?", [upload_id]).fetchone()
        assert (n, lo, hi) == (row_count, i % 900 + 1, i % 900 + 1)
        assert (first, last) == (DAY0 + timedelta(days=i * 5), DAY0 + timedelta(days=i * 5 + 4))
    in_force = con.execute("SELECT count(DISTINCT upload_id), count(*) FROM reports").fetchone()
    assert in_force == (len(loaded), len(loaded) * communes * DATES_PER_UPLOAD)
    orphans = con.execute("SELECT count(*) FROM report_rows WHERE upload_id NOT IN (SELECT id FROM uploads)")
    assert orphans.fetchone()[0] == 0
    return len(loaded), con.execute("SELECT count(*) FROM uploads").fetchone()[0]


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_killed_mid_ingest_leaves_whole_uploads_only(tmp_path):
    path = tmp_path / "crash.duckdb"
    with store.session(path) as con:
        con.execute("CHECKPOINT")
    rng = random.Random(20250312)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests")]), "HOTICH_AUTO_DEMO": "0"}
    zygote = subprocess.Popen([sys.executable, "-c", ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True, cwd=str(ROOT), env=env)

    def round_trip(first: int, count: int, often: bool, kill: bool) -> tuple[bool, int]:
        zygote.stdin.write(f"{path} {first} {count} {int(often)}\n")
        zygote.stdin.flush()
        pid = int(zygote.stdout.readline().split()[1])
        assert zygote.stdout.readline().strip() == "ready"
        if kill:
            time.sleep(rng.uniform(0.0, 0.35))
            with contextlib.suppress(ProcessLookupError):  # it may have finished all its commits already
                os.kill(pid, signal.SIGKILL)
        committed = 0
        while True:
            line = zygote.stdout.readline().strip()
            assert line, "the zygote died"
            if line.startswith("exit"):
                status = int(line.split()[1])
                return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, committed
            committed += line.startswith("committed")

    survived = 0
    in_commit = 0  # kills that landed while uploads were still being written
    loaded_before = 0
    started = time.monotonic()
    try:
        for rnd in range(KILLS):
            killed, committed = round_trip(rnd * 10, 10, rnd % 2 == 1, kill=True)
            with store.session(path) as con:  # opens (and replays the write-ahead log) after the crash
                loaded, _ = check_whole(con)
            # every commit the child reported is there; at most one more (killed after COMMIT, before printing)
            assert loaded_before + committed <= loaded <= loaded_before + committed + 1
            loaded_before = loaded
            survived += killed
            in_commit += killed and committed < 10
        # after all that, a normal import still works
        killed, committed = round_trip(KILLS * 10, 1, False, kill=False)
        assert not killed and committed == 1
    finally:
        zygote.stdin.close()
        zygote.wait(30)
    with store.session(path) as con:
        loaded, attempts = check_whole(con)
    assert loaded == loaded_before + 1
    assert survived >= KILLS * 3 // 4 and in_commit >= KILLS // 2
    print(f"kills survived: {survived} ({in_commit} during the commits); uploads whole afterwards: {loaded}; "
          f"time {time.monotonic() - started:.1f}s")
