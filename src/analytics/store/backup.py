"""Backup and restore of the DuckDB file (PostgreSQL's are pg_dump/pg_restore, see the README).

A backup is a consistent copy of the database file: the backing-up process holds DuckDB's file lock
(no other process can write), takes this process's write lock (no thread writes), CHECKPOINTs (the
write-ahead log is folded into the file) and copies the file; the copy is then opened and checked.
A restore never swaps files under a running process: it copies every table of the backup into the
live database in ONE transaction (readers see the old or the restored data, never a mix) and bumps
the data version so every cache reloads."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from analytics import config, queries
from analytics.errors import InvalidArgument, NotFoundError
from analytics.store import pg
from analytics.store.audit import record_audit
from analytics.store.base import Connection, _now
from analytics.store.database import _WRITE_LOCK, session, transaction
from analytics.store.meta import data_version, set_meta
from analytics.store.schema import ensure_schema, schema_version


def backup(path: str | os.PathLike[str] | None, out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Write ``hotich-YYYYmmdd-HHMMSS.duckdb`` (and a ``.json`` manifest) into ``out_dir``."""
    if pg.url_of(path) is not None:
        raise InvalidArgument("backup.postgresql")
    import hashlib
    import shutil

    source = config.db_path(path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    final = out / f"hotich-{stamp}.duckdb"
    partial = out / f".hotich-{stamp}.duckdb.partial"
    with session(source) as con, _WRITE_LOCK:
        con.execute("CHECKPOINT")
        shutil.copyfile(source, partial)
        counts = table_counts(con)
        version = schema_version(con)
    check = duckdb.connect(str(partial), read_only=True)
    try:
        copied = table_counts(check)
    finally:
        check.close()
    if copied != counts:
        partial.unlink(missing_ok=True)
        raise InvalidArgument("backup.mismatch", file=str(final))
    os.replace(partial, final)
    digest = hashlib.sha256(final.read_bytes()).hexdigest()
    manifest = {"file": final.name, "source": str(source), "created_at": _now().isoformat(),
                "schema_version": version, "sha256": digest, "tables": counts}
    final.with_suffix(".json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    return {**manifest, "path": str(final)}


def table_counts(con: Connection) -> dict[str, int]:
    out = {}
    for (name,) in con.execute(queries.USER_TABLES).fetchall():
        out[name] = int(con.execute(queries.count_rows(name)).fetchone()[0])
    return out


def find_backup(source: str | os.PathLike[str]) -> Path:
    """A backup file, or the newest backup in a folder."""
    src = Path(source)
    if src.is_dir():
        found = sorted(src.glob("hotich-*.duckdb"))
        if not found:
            raise NotFoundError("backup.none", folder=str(src))
        return found[-1]
    if not src.is_file():
        raise NotFoundError("file.not_found", file=str(src))
    return src


def restore(path: str | os.PathLike[str] | None, source: str | os.PathLike[str], *,
            user: str | None = None, audit_source: str | None = "cli") -> dict[str, Any]:
    """Replace the content of the database at ``path`` with a backup, in one transaction."""
    if pg.url_of(path) is not None:
        raise InvalidArgument("backup.postgresql")
    import shutil
    import tempfile

    backup_file = find_backup(source)
    target = config.db_path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=target.parent) as tmp:
        work = Path(tmp) / "backup.duckdb"
        shutil.copyfile(backup_file, work)  # never write into the backup itself
        try:
            bk = duckdb.connect(str(work))
        except duckdb.Error as exc:
            raise InvalidArgument("backup.unreadable", file=str(backup_file), error=str(exc)[:200]) from exc
        try:
            try:
                if not bk.execute(queries.TABLE_EXISTS, ["uploads"]).fetchone()[0]:
                    raise InvalidArgument("backup.unreadable", file=str(backup_file), error="no uploads table")
                ensure_schema(bk)  # an older backup is brought to the current schema first
            except duckdb.Error as exc:
                raise InvalidArgument("backup.unreadable", file=str(backup_file), error=str(exc)[:200]) from exc
            tables = {name: [c for (c,) in bk.execute(queries.TABLE_COLUMNS, [name]).fetchall()]
                      for (name,) in bk.execute(queries.USER_TABLES).fetchall()}
            frames = {name: bk.sql(queries.select_all(name)).to_arrow_table() for name in tables}
            sequences = dict(bk.execute(queries.SEQUENCES).fetchall())
            backup_version = data_version(bk)
        finally:
            bk.close()
    with session(target) as con:
        with transaction(con) as con:
            live = {name for (name,) in con.execute(queries.USER_TABLES).fetchall()}
            current_version = data_version(con)
            for name in sorted(live):
                con.execute(queries.delete_all(name))
            for name, cols in tables.items():
                if name not in live:
                    continue
                live_cols = {c for (c,) in con.execute(queries.TABLE_COLUMNS, [name]).fetchall()}
                use = [c for c in cols if c in live_cols]
                view = "_restore_" + name
                con.register(view, frames[name])
                try:
                    con.execute(queries.insert_from(name, use, view))
                finally:
                    con.unregister(view)
            for name, last in sequences.items():
                for stmt in queries.recreate_sequence(name, (last or 0) + 1):
                    con.execute(stmt)
            set_meta(con, "data_version", str(max(current_version, backup_version) + 1))
            record_audit(con, user, "restore", str(target), {"rows": {n: len(f) for n, f in frames.items()}},
                         file_name=backup_file.name, source=audit_source)
        counts = table_counts(con)
    return {"restored_from": str(backup_file), "db": str(target), "tables": counts}
