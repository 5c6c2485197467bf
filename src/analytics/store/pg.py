"""PostgreSQL as the system of record, DuckDB as each process's analytics copy.

Why this shape: the metrics are DuckDB SQL (ASOF joins, arg_max, list functions) and stay so; what one
DuckDB file cannot give is several processes writing at once. So with ``HOTICH_DB=postgresql://…``:

* the tables live in PostgreSQL, created by the same numbered migrations as the DuckDB file
  (``schema.MIGRATIONS``), recorded in ``schema_migrations``;
* every process keeps an in-memory DuckDB **mirror** of every table, and every read (the metrics, the
  pages, the checks of an import) runs there, unchanged;
* every PostgreSQL row carries ``_v``, the data version of the transaction that last wrote it (a trigger
  stamps it), and a deleted row leaves its old values in ``_deleted`` with that version; a mirror holding
  version N fetches only rows with ``_v`` > N (``refresh``): incremental, and whole per version;
* a write (``transaction``) takes the data-version row ``FOR UPDATE`` first: PostgreSQL's row lock orders
  the writers of every process (no file lock, no wait marker), so versions are given in commit order and
  a mirror never skips a row committed late. Under that lock the mirror is brought to the latest version,
  the write's own statements run on the mirror (so its reads see its earlier writes, in DuckDB's dialect)
  and its writing statements are sent to PostgreSQL too; at the end the mirror's part is rolled back and
  PostgreSQL commits; the mirror then takes the committed rows like any other change. An upload is
  therefore all there or not there for every reader, and of two uploads of the same commune and date the
  later commit wins (both stay in the log).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np

from analytics import lazy, queries, settings

if TYPE_CHECKING:  # mypy sees pandas and pyarrow themselves
    import pandas as pd
    import pyarrow as pa
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame
    pa = lazy.module("pyarrow")  # only a PostgreSQL mirror builds Arrow tables (0.1-0.3 s to import)

URL_PREFIXES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT = 15  # seconds to reach the server before saying it cannot be reached
REFRESH_EVERY = 0.2
# the log of deleted rows is kept for this many versions (a mirror further behind reloads whole), pruned
# by every PRUNE_EVERY-th write
KEEP_DELETED = 20_000
PRUNE_EVERY = 200  # seconds: a session checks PostgreSQL's data version at most this often
VERSION_LOCK_KEY = 727406  # pg_advisory_xact_lock key of the migrations (any constant of our own)

# keys of the tables without a primary key: what identifies a row for the mirror
EXTRA_KEYS = {"aliases": ["province_code", "district_code", "alias_key"], "report_rows": ["upload_id"]}
INTERNAL_TABLES = {"_deleted", "schema_migrations"}


def is_url(target: Any) -> bool:
    return isinstance(target, str) and target.startswith(URL_PREFIXES)


def url_of(path: Any) -> str | None:
    """The PostgreSQL URL a ``path`` argument (or ``HOTICH_DB`` when it is None) names, else None."""
    if path:
        return str(path) if is_url(str(path)) else None
    env = settings.current().db
    return env if is_url(env) else None


# --- SQL ----------------------------------------------------------------------------------------------

PG_CURRENT_VERSION_FOR_UPDATE = "SELECT value FROM meta WHERE key = 'data_version' FOR UPDATE"
PG_CURRENT_VERSION = "SELECT value FROM meta WHERE key = 'data_version'"
PG_SET_VERSION = "UPDATE meta SET value = %s WHERE key = 'data_version'"
PG_SET_LOCAL_VERSION = "SELECT set_config('hotich.version', %s, true)"
PG_MIGRATIONS_TABLE = """CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT (now() AT TIME ZONE 'utc'))"""
PG_APPLIED = "SELECT version FROM schema_migrations ORDER BY version"
PG_RECORD_MIGRATION = "INSERT INTO schema_migrations (version) VALUES (%s)"
PG_ADVISORY = "SELECT pg_advisory_xact_lock(%s)"
PG_TABLE_EXISTS = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = %s"
PG_TABLES = """SELECT table_name FROM information_schema.tables
               WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"""
PG_PRIMARY_KEYS = """
SELECT c.relname, a.attname FROM pg_index i
JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indisprimary ORDER BY c.relname, array_position(i.indkey, a.attnum)
"""
PG_DELETED_TABLE = "CREATE TABLE IF NOT EXISTS _deleted (tbl TEXT NOT NULL, old JSONB NOT NULL, _v BIGINT NOT NULL)"
PG_DELETED_INDEX = "CREATE INDEX IF NOT EXISTS _deleted__v ON _deleted (_v)"
PG_STAMP_FUNCTION = """
CREATE OR REPLACE FUNCTION hotich_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW._v := nullif(current_setting('hotich.version', true), '')::bigint;
    IF NEW._v IS NULL THEN
        RAISE EXCEPTION 'hotich: a write outside store.transaction (no data version)';
    END IF;
    RETURN NEW;
END $$"""
PG_DELETED_FUNCTION = """
CREATE OR REPLACE FUNCTION hotich_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO _deleted (tbl, old, _v)
    VALUES (TG_TABLE_NAME, to_jsonb(OLD), nullif(current_setting('hotich.version', true), '')::bigint);
    RETURN OLD;
END $$"""
PG_PRUNE_DELETED = "DELETE FROM _deleted WHERE _v < %s"
PG_DELETED_FLOOR = "SELECT value FROM meta WHERE key = 'deleted_floor'"
PG_DELETED_SINCE = "SELECT tbl, old FROM _deleted WHERE _v > %s AND _v <= %s ORDER BY _v"
PG_SETVAL = "SELECT setval(%s, %s)"
PG_NEXTVAL = re.compile(r"^\s*SELECT\s+nextval\('(\w+)'\)\s*$", re.I)

# statements whose PostgreSQL form differs beyond the mechanical translation (``to_pg``)
PG_FORMS: dict[str, str | None] = {
    # the version was bumped when the transaction took the version row
    queries.BUMP_VERSION: None,
}

_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# the pool retries a refused connection with a warning each time; one message is enough (db.unreachable)
logging.getLogger("psycopg.pool").setLevel(logging.ERROR)


def _ident(name: str) -> str:
    """A table or column name from the catalogue, checked and quoted (never user data)."""
    if not _IDENT.fullmatch(name or ""):
        raise ValueError(f"unexpected identifier {name!r}")
    return '"' + name + '"'


def _pg_add_version_column(table: str) -> str:
    return "ALTER TABLE " + _ident(table) + " ADD COLUMN IF NOT EXISTS _v BIGINT NOT NULL DEFAULT 0"


def _pg_version_index(table: str) -> str:
    return "CREATE INDEX IF NOT EXISTS " + _ident(table + "__v") + " ON " + _ident(table) + " (_v)"


def _pg_stamp_trigger(table: str) -> str:
    return ("CREATE OR REPLACE TRIGGER " + _ident(table + "__v") + " BEFORE INSERT OR UPDATE ON " + _ident(table)
            + " FOR EACH ROW EXECUTE FUNCTION hotich_stamp()")


def _pg_deleted_trigger(table: str) -> str:
    return ("CREATE OR REPLACE TRIGGER " + _ident(table + "__d") + " AFTER DELETE ON " + _ident(table)
            + " FOR EACH ROW EXECUTE FUNCTION hotich_deleted()")


def _pg_changed_rows(table: str, columns: list[str]) -> str:
    return ("SELECT " + ", ".join(_ident(c) for c in columns) + " FROM " + _ident(table)
            + " WHERE _v > %s AND _v <= %s")


def _pg_restore_reports(columns: list[str]) -> str:
    """RESTORE_REPORTS_FOR_UPLOAD_KEYS without DuckDB's arg_max: for each key of the upload, the row of the
    latest loaded upload still carrying it, every column of ``reports`` (whatever columns it has)."""
    cols = ", ".join(_ident(c) for c in columns)
    picked = ", ".join("rr." + _ident(c) for c in columns)
    return ("INSERT INTO reports (" + cols + ") SELECT DISTINCT ON (rr.commune_code, rr.report_date) " + picked
            + " FROM report_rows rr JOIN uploads u ON u.id = rr.upload_id AND u.outcome = 'loaded'"
            + " WHERE (rr.commune_code, rr.report_date) IN"
            + " (SELECT commune_code, report_date FROM report_rows WHERE upload_id = %s)"
            + " ORDER BY rr.commune_code, rr.report_date, rr.upload_id DESC, rr.row_no DESC NULLS LAST")


def _pg_temp_table(name: str, columns: list[tuple[str, str]]) -> str:
    return ("CREATE TEMP TABLE " + _ident(name) + " (" + ", ".join(_ident(c) + " " + t for c, t in columns)
            + ") ON COMMIT DROP")


def _pg_copy(name: str, columns: list[str]) -> str:
    return "COPY " + _ident(name) + " (" + ", ".join(_ident(c) for c in columns) + ") FROM STDIN"


def _pg_analyze(name: str) -> str:
    return "ANALYZE " + _ident(name)


def _pg_drop_temp(name: str) -> str:
    return "DROP TABLE IF EXISTS " + _ident(name)


def _pg_count(table: str) -> str:
    return "SELECT count(*) FROM " + _ident(table)


def _duck_delete_keys(table: str, keys: list[tuple[str, str]], frame: str) -> str:
    cond = " AND ".join("t." + _ident(c) + " IS NOT DISTINCT FROM CAST(k." + _ident(c) + " AS " + typ + ")"
                        for c, typ in keys)
    return ("DELETE FROM " + _ident(table) + " t WHERE EXISTS (SELECT 1 FROM " + _ident(frame) + " k WHERE "
            + cond + ")")


def _duck_insert(table: str, columns: list[str], frame: str) -> str:
    cols = ", ".join(_ident(c) for c in columns)
    return "INSERT INTO " + _ident(table) + " (" + cols + ") SELECT " + cols + " FROM " + _ident(frame)


_DUCK_COLUMNS = """SELECT table_name, column_name, data_type FROM information_schema.columns
                   WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"""
_DUCK_META_SET = "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)"
MIRROR_OF = "SELECT value FROM meta WHERE key = 'mirror_of'"
_DUCK_META_CLEAR = "DELETE FROM meta WHERE key <> 'mirror_of'"

_WRITTEN = re.compile(r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO\s+(\w+)|DELETE\s+FROM\s+(\w+)|UPDATE\s+(\w+))", re.I)
_QMARK = re.compile(r"\?")
_NAMED = re.compile(r"\$([a-z_][a-z0-9_]*)")
_LIST_CONTAINS = re.compile(r"list_contains\((\?|\$[a-z_]+),\s*([a-z_.]+)\)")
_OR_REPLACE = re.compile(r"INSERT\s+OR\s+REPLACE\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I)
_OR_IGNORE = re.compile(r"INSERT\s+OR\s+IGNORE\s+INTO", re.I)
_DOUBLE = re.compile(r"\bDOUBLE\b(?!\s+PRECISION)")


def migration_to_pg(statement: str) -> str:
    """A migration statement (written for DuckDB) in PostgreSQL's spelling; the two differ only here."""
    return _DOUBLE.sub("DOUBLE PRECISION", statement)


def to_pg(sql: str, primary_keys: dict[str, list[str]]) -> str:
    """DuckDB's spelling of a write statement in PostgreSQL's: placeholders, list membership, upserts."""
    out = _LIST_CONTAINS.sub(lambda m: f"{m.group(2)} = ANY({m.group(1)})", sql)
    out = out.replace("%", "%%")
    out = _NAMED.sub(lambda m: f"%({m.group(1)})s", out)
    out = _QMARK.sub("%s", out)
    upsert = _OR_REPLACE.search(out)
    if upsert:
        table, cols = upsert.group(1), [c.strip() for c in upsert.group(2).split(",")]
        keys = primary_keys.get(table) or []
        rest = [c for c in cols if c not in keys]
        out = _OR_REPLACE.sub(lambda m: f"INSERT INTO {m.group(1)} ({m.group(2)})", out)
        action = ("DO UPDATE SET " + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest)) if rest else "DO NOTHING"
        out = out.rstrip().rstrip(";") + f" ON CONFLICT ({', '.join(keys)}) {action}"
    elif _OR_IGNORE.search(out):
        out = _OR_IGNORE.sub("INSERT INTO", out).rstrip().rstrip(";") + " ON CONFLICT DO NOTHING"
    return out


def _plain(value: Any) -> Any:
    """A value psycopg can send: numpy and pandas scalars as Python ones, missing values as NULL."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:
        return None
    return value


def _plain_params(params: Any) -> Any:
    if params is None:
        return None
    if isinstance(params, dict):
        return {k: _plain(v) for k, v in params.items()}
    return [_plain(v) for v in params]


def _pg_type(series: pd.Series) -> str:
    kind = series.dtype
    if pd.api.types.is_bool_dtype(kind):
        return "BOOLEAN"
    if pd.api.types.is_integer_dtype(kind):
        return "BIGINT"
    if pd.api.types.is_float_dtype(kind):
        return "DOUBLE PRECISION"
    if pd.api.types.is_datetime64_any_dtype(kind):
        return "TIMESTAMP"
    for value in series:
        if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
            continue
        if isinstance(value, bool):
            return "BOOLEAN"
        if isinstance(value, (int, np.integer)):
            return "BIGINT"
        if isinstance(value, (float, np.floating, Decimal)):
            return "DOUBLE PRECISION"
        if isinstance(value, datetime):
            return "TIMESTAMP"
        if isinstance(value, date):
            return "DATE"
        return "TEXT"
    return "TEXT"


def _arrow(columns: list[str], rows: list[tuple[Any, ...]]) -> pa.Table:
    return pa.table({c: pa.array([r[i] for r in rows]) for i, c in enumerate(columns)})


def _meta_value(frame: pd.DataFrame | None, key: str) -> str | None:
    if frame is None or frame.empty:
        return None
    found = frame.loc[frame["key"] == key, "value"]
    return None if found.empty else str(found.iloc[0])


def _key_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# --- the database ------------------------------------------------------------------------------------

_DATABASES: dict[str, PgDatabase] = {}
_DATABASES_LOCK = threading.Lock()
_BY_TOKEN: dict[str, PgDatabase] = {}  # a mirror's ``mirror_of`` -> its database (two may share a URL)


def database(url: str) -> PgDatabase:
    """This process's one ``PgDatabase`` for a URL (its pool and its mirror)."""
    with _DATABASES_LOCK:
        db = _DATABASES.get(url)
        if db is None:
            db = _DATABASES[url] = PgDatabase(url)
        return db


def forget(url: str | None = None) -> None:
    """Close the pool and drop the mirror of one URL (all with None): tests drop their databases after."""
    with _DATABASES_LOCK:
        urls = list(_DATABASES) if url is None else [url]
        for u in urls:
            db = _DATABASES.pop(u, None)
            if db is not None:
                db.close()


def database_of(con: Any) -> PgDatabase | None:
    """The PostgreSQL database a connection reads (a mirror cursor or a write transaction), else None."""
    if isinstance(con, PgTransaction):
        return con.db
    try:
        rows = con.execute(MIRROR_OF).fetchall()
    except duckdb.Error:
        return None
    if not rows or not rows[0][0]:
        return None
    return _BY_TOKEN.get(rows[0][0])


class PgDatabase:
    """One PostgreSQL database seen from this process: a connection pool, the in-memory DuckDB mirror, the
    version the mirror holds. Thread-safe: threads share the mirror, each with its own cursor."""

    backend = "postgresql"

    def __init__(self, url: str) -> None:
        from psycopg_pool import ConnectionPool

        from analytics.store import database as _database

        self.url = url
        self.pool = ConnectionPool(url, min_size=1, max_size=settings.current().pg_pool,
                                   open=True, timeout=60, kwargs={"autocommit": False})
        try:
            self.pool.wait(timeout=CONNECT_TIMEOUT)
        except Exception as exc:  # the server is down, the URL or the password is wrong
            self.pool.close()
            from analytics.errors import DatabaseBusy

            raise DatabaseBusy("db.unreachable", url=self.safe_url(), seconds=CONNECT_TIMEOUT) from exc
        self.lock = _database._WRITE_LOCK  # the mirror's writers: refresh, a write's overlay, what_if
        self.held = -1
        self.checked_at = 0.0
        self.primary_keys: dict[str, list[str]] = {}
        self.columns: dict[str, list[tuple[str, str]]] = {}
        self.mirror = duckdb.connect(":memory:")
        self.migrate()
        self._build_mirror()
        self.refresh(force=True)
        self._seed()

    def __repr__(self) -> str:
        return f"PgDatabase({self.safe_url()})"

    def safe_url(self) -> str:
        """The URL without its password (for messages and summaries)."""
        return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", self.url)

    def close(self) -> None:
        _BY_TOKEN.pop(f"{self.url}#{id(self)}", None)
        with contextlib.suppress(Exception):
            self.pool.close()
        with contextlib.suppress(duckdb.Error):
            self.mirror.close()

    # --- schema ---------------------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply the pending numbered migrations (``schema.MIGRATIONS``), each recorded in
        ``schema_migrations``, then make sure every table is versioned for the mirrors. One process at a
        time (an advisory lock); a fresh database also gets the shipped units, as a new DuckDB file does."""
        from analytics.store.schema import MIGRATIONS, SCHEMA_VERSION

        done: list[int] = []
        fresh = False
        with self.pool.connection() as pg:
            with pg.transaction():
                pg.execute(PG_ADVISORY, [VERSION_LOCK_KEY])
                pg.execute(PG_MIGRATIONS_TABLE)
                applied = {v for (v,) in pg.execute(PG_APPLIED).fetchall()}
                pending = [n for n in range(1, SCHEMA_VERSION + 1) if n not in applied]
                if pending:
                    fresh = not applied
                    version = 1
                    if not fresh:
                        version = int(pg.execute(PG_CURRENT_VERSION_FOR_UPDATE).fetchone()[0]) + 1
                    pg.execute(PG_SET_LOCAL_VERSION, [str(version)])
                    for n in pending:
                        for statement in MIGRATIONS[n - 1]:
                            pg.execute(migration_to_pg(statement))
                        pg.execute(PG_RECORD_MIGRATION, [n])
                        done.append(n)
                    self._install_versioning(pg)
                    pg.execute(to_pg(queries.META_SET, self._keys(pg)), ["schema_version", str(SCHEMA_VERSION)])
                    pg.execute(to_pg(queries.META_SET, self._keys(pg)), ["data_version", str(version)])
                self.primary_keys = self._keys(pg)
        return done

    def _keys(self, pg: Any) -> dict[str, list[str]]:
        keys: dict[str, list[str]] = {}
        for table, column in pg.execute(PG_PRIMARY_KEYS).fetchall():
            keys.setdefault(table, []).append(column)
        return keys

    def _install_versioning(self, pg: Any) -> None:
        pg.execute(PG_DELETED_TABLE)
        pg.execute(PG_DELETED_INDEX)
        pg.execute(PG_STAMP_FUNCTION)
        pg.execute(PG_DELETED_FUNCTION)
        for (table,) in pg.execute(PG_TABLES).fetchall():
            if table in INTERNAL_TABLES:
                continue
            pg.execute(_pg_add_version_column(table))
            pg.execute(_pg_version_index(table))
            pg.execute(_pg_stamp_trigger(table))
            pg.execute(_pg_deleted_trigger(table))

    def _seed(self) -> None:
        from analytics import config
        from analytics.store.units import _replace_units, read_units_csv

        if self.mirror.execute(queries.META_GET, ["seeded"]).fetchall() or self.mirror.execute(
                _pg_count("units")).fetchone()[0]:
            return  # seeded once, or a database moved here (migrate) with its own units
        cur = self.mirror.cursor()
        try:
            with self.transaction(cur) as tx:
                if tx.execute(queries.META_GET, ["seeded"]).fetchall() or tx.execute(_pg_count("units")).fetchone()[0]:
                    return  # done once (by this process or another)
                _replace_units(tx, read_units_csv(config.UNITS_FILE))  # type: ignore[arg-type]  # answers as a connection
                tx.execute(queries.META_SET, ["seeded", "1"])
        finally:
            cur.close()

    def _build_mirror(self) -> None:
        """The mirror's tables: the same migrations, in DuckDB (no data: it all comes from PostgreSQL)."""
        from analytics.store.schema import MIGRATIONS

        with self.lock:
            with contextlib.suppress(duckdb.Error):
                self.mirror.close()
            self.mirror = duckdb.connect(":memory:")
            for statements in MIGRATIONS:
                for statement in statements:
                    self.mirror.execute(statement)
            self.mirror.execute(queries.delete_all("structures"))
            token = f"{self.url}#{id(self)}"
            _BY_TOKEN[token] = self
            self.mirror.execute(_DUCK_META_SET, ["mirror_of", token])
            self.columns = {}
            for table, column, typ in self.mirror.execute(_DUCK_COLUMNS).fetchall():
                self.columns.setdefault(table, []).append((column, typ))
            self.held = -1

    # --- the mirror -----------------------------------------------------------------------------------
    def refresh(self, *, force: bool = False, pg: Any = None, upto: int | None = None) -> int:
        """Bring the mirror to PostgreSQL's data version: the rows changed and deleted since the version it
        holds, applied in one DuckDB transaction (a reader sees the old version or the new, whole)."""
        now = time.monotonic()
        if not force and now - self.checked_at < REFRESH_EVERY:
            return self.held
        if pg is None:
            with self.pool.connection() as own:
                with own.transaction():
                    own.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    return self._refresh_from(own, upto)
        return self._refresh_from(pg, upto)

    def _refresh_from(self, pg: Any, upto: int | None) -> int:
        self.checked_at = time.monotonic()
        latest = int(pg.execute(PG_CURRENT_VERSION).fetchone()[0]) if upto is None else upto
        if latest == self.held:
            return latest
        since = start = self.held
        full = False
        if since >= 0:
            floor = pg.execute(PG_DELETED_FLOOR).fetchone()
            if floor is not None and since < int(floor[0]):  # deletions it missed are no longer logged
                since, full = -1, True
        deleted: dict[str, list[dict[str, Any]]] = {}
        for table, old in pg.execute(PG_DELETED_SINCE, [since, latest]).fetchall():
            deleted.setdefault(table, []).append(old if isinstance(old, dict) else json.loads(old))
        changed: dict[str, list[tuple[Any, ...]]] = {}
        for table, cols in self.columns.items():
            names = [c for c, _ in cols]
            rows = pg.execute(_pg_changed_rows(table, names), [since, latest]).fetchall()
            if rows:
                changed[table] = rows
        with self.lock:
            if self.held != start:  # another thread refreshed meanwhile
                return self.held
            cur = self.mirror.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                try:
                    if full:
                        for table in sorted(self.columns):
                            cur.execute(queries.delete_all(table) if table != "meta" else _DUCK_META_CLEAR)
                    for table in sorted(set(deleted) | set(changed)):
                        self._apply(cur, table, deleted.get(table, []), changed.get(table, []), since >= 0)
                    cur.execute("COMMIT")
                except BaseException:
                    with contextlib.suppress(duckdb.Error):
                        cur.execute("ROLLBACK")
                    raise
            finally:
                cur.close()
            self.held = latest
        return latest

    def _apply(self, cur: Any, table: str, deleted: list[dict[str, Any]], rows: list[tuple[Any, ...]],
               replace: bool = True) -> None:
        cols = self.columns.get(table)
        if not cols:
            return
        names = [c for c, _ in cols]
        types = dict(cols)
        key_cols = self.primary_keys.get(table) or EXTRA_KEYS.get(table) or names
        keys = {tuple(_key_text(old.get(k)) for k in key_cols) for old in deleted}
        index = [names.index(k) for k in key_cols]
        if replace or table in ("structures", "meta"):  # the first load has only the mirror's own rows to replace
            keys |= {tuple(_key_text(r[i]) for i in index) for r in rows}
        if keys:
            frame = pa.table({k: pa.array([key[i] for key in keys], type=pa.string())
                              for i, k in enumerate(key_cols)})
            cur.register("_mirror_keys", frame)
            try:
                cur.execute(_duck_delete_keys(table, [(k, types[k]) for k in key_cols], "_mirror_keys"))
            finally:
                cur.unregister("_mirror_keys")
        if rows:
            cur.register("_mirror_rows", _arrow(names, rows))
            try:
                cur.execute(_duck_insert(table, names, "_mirror_rows"))
            finally:
                cur.unregister("_mirror_rows")

    # --- sessions and writes ------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection to the mirror for one unit of work, brought to the latest version first."""
        if self.lock.acquire(blocking=False):  # a write or a what_if of this process holds it: read as is
            try:
                self.refresh()
            finally:
                self.lock.release()
        return self.mirror.cursor()

    @contextlib.contextmanager
    def session(self, *, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextlib.contextmanager
    def transaction(self, con: Any) -> Iterator[PgTransaction]:
        """One write, all or nothing, ordered against every other process's by the data-version row lock."""
        with self.lock:
            with self.pool.connection() as pg:
                tx = None
                try:
                    current = int(pg.execute(PG_CURRENT_VERSION_FOR_UPDATE).fetchone()[0])
                    version = current + 1
                    pg.execute(PG_SET_LOCAL_VERSION, [str(version)])
                    pg.execute(PG_SET_VERSION, [str(version)])
                    if version % PRUNE_EVERY == 0 and version > KEEP_DELETED:
                        pg.execute(PG_PRUNE_DELETED, [version - KEEP_DELETED])
                        pg.execute(to_pg(queries.META_SET, self.primary_keys),
                                   ["deleted_floor", str(version - KEEP_DELETED)])
                    self._refresh_from(pg, current)  # nobody else can commit now: the mirror is exact
                    overlay = self.mirror.cursor()
                    overlay.execute("BEGIN TRANSACTION")
                    tx = PgTransaction(self, pg, overlay)
                    yield tx
                except BaseException:
                    pg.rollback()
                    raise
                else:
                    pg.commit()
                finally:
                    if tx is not None:
                        with contextlib.suppress(duckdb.Error):
                            tx.overlay.execute("ROLLBACK")
                        tx.overlay.close()
            self.refresh(force=True)
            if tx is not None:
                tx.finish()

    def execute(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        """A read on the mirror, whole (convenience for scripts and tests)."""
        with self.session() as con:
            return con.execute(sql, params).fetchall()

    def replace_all(self, frames: dict[str, pd.DataFrame], sequences: dict[str, int | None]) -> int:
        """Replace every table's content with ``frames`` in one transaction (``migrate``), the sequences
        set after their last value; the data version moves past every mirror's. Returns that version."""
        with self.lock:
            with self.pool.connection() as pg:
                try:
                    version = max(int(pg.execute(PG_CURRENT_VERSION_FOR_UPDATE).fetchone()[0]),
                                  int(_meta_value(frames.get("meta"), "data_version") or 0)) + 1
                    pg.execute(PG_SET_LOCAL_VERSION, [str(version)])
                    for table in sorted(self.columns):
                        pg.execute(queries.delete_all(table))
                    for table, frame in frames.items():
                        if table not in self.columns or frame.empty:
                            continue
                        names = [c for c, _ in self.columns[table] if c in frame.columns]
                        with pg.cursor().copy(_pg_copy(table, names)) as copy:
                            for row in frame[names].itertuples(index=False, name=None):
                                copy.write_row([_plain(v) for v in row])
                    for name, last in sequences.items():
                        if last is not None and _IDENT.fullmatch(name):
                            pg.execute(PG_SETVAL, [name, int(last)])
                    pg.execute(to_pg(queries.META_SET, self.primary_keys), ["data_version", str(version)])
                except BaseException:
                    pg.rollback()
                    raise
                else:
                    pg.commit()
            self.refresh(force=True)
        return version

    def pg_counts(self) -> dict[str, int]:
        """Rows per table in PostgreSQL itself (the summary ``migrate`` prints)."""
        with self.pool.connection() as pg:
            return {t: int(pg.execute(_pg_count(t)).fetchone()[0]) for t in sorted(self.columns)}


class PgTransaction:
    """The connection a write gets on PostgreSQL: reads on the mirror (exact under the version lock, and
    seeing this write's own statements), writes on the mirror and on PostgreSQL, ids from PostgreSQL."""

    def __init__(self, db: PgDatabase, pg: Any, overlay: duckdb.DuckDBPyConnection) -> None:
        self.db = db
        self.pg = pg
        self.overlay = overlay
        self.frames: dict[str, pd.DataFrame | pa.Table] = {}
        self.temp: set[str] = set()
        self.stale: set[str] = set()  # tables written since their statistics were taken

    def execute(self, sql: str, params: Any = None) -> Any:
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        seq = PG_NEXTVAL.match(sql)
        if seq:
            return self.pg.execute(sql)
        if head in ("INSERT", "UPDATE", "DELETE"):
            result = self.overlay.execute(sql, params) if params is not None else self.overlay.execute(sql)
            self._to_pg(sql, params)
            return result
        return self.overlay.execute(sql, params) if params is not None else self.overlay.execute(sql)

    def _to_pg(self, sql: str, params: Any) -> None:
        form = PG_FORMS.get(sql, sql) if sql in PG_FORMS else sql
        if form is None:
            return
        if sql == queries.RESTORE_REPORTS_FOR_UPLOAD_KEYS:
            form = _pg_restore_reports([c for c, _ in self.db.columns["reports"]])
        elif form is sql:
            form = to_pg(sql, self.db.primary_keys)
        uses_frame = False
        for name in self.frames:
            if name in sql:
                uses_frame = True
                if name not in self.temp:
                    self._send_frame(name)
        if uses_frame:  # a set-based statement: the planner needs the statistics of what this write changed
            for table in sorted(self.stale):
                self.pg.execute(_pg_analyze(table))
            self.stale.clear()
        self.pg.execute(form, _plain_params(params) if params is not None else [])
        written = _WRITTEN.match(sql)
        if written:
            self.stale.add(next(g for g in written.groups() if g))

    def _send_frame(self, name: str) -> None:
        frame = self.frames[name]
        if isinstance(frame, pa.Table):
            frame = frame.to_pandas()
        columns = [(str(c), _pg_type(frame[c])) for c in frame.columns]
        self.pg.execute(_pg_temp_table(name, columns))
        with self.pg.cursor().copy(_pg_copy(name, [c for c, _ in columns])) as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([_plain(v) for v in row])
        self.temp.add(name)
        self.pg.execute(_pg_analyze(name))  # a temporary table has no statistics: joins would loop for minutes

    def register(self, name: str, frame: Any) -> None:
        self.overlay.register(name, frame)
        self.frames[name] = frame

    def unregister(self, name: str) -> None:
        self.overlay.unregister(name)
        self.frames.pop(name, None)
        if name in self.temp:
            self.pg.execute(_pg_drop_temp(name))
            self.temp.discard(name)

    def sql(self, query: str) -> Any:
        return self.overlay.sql(query)

    def close(self) -> None:  # the transaction closes it
        return None

    def finish(self) -> None:
        """After the transaction: reads (``con`` rebound by ``with transaction(con) as con``) go on to the
        refreshed mirror; a write there would bypass PostgreSQL, so none is allowed."""
        self.overlay = self.db.mirror.cursor()
        self.pg = _Closed()


class _Closed:
    def execute(self, *args: Any, **kw: Any) -> Any:
        raise RuntimeError("write after the transaction ended: open a new store.transaction")

    def cursor(self) -> Any:
        return self
