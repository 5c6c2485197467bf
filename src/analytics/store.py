"""The one module that owns DuckDB: schema, migrations, connections, writes.

Every function takes the connection as its first argument; nothing connects at
import time. Reads that other modules need are named in ``queries``.

Concurrency design (DuckDB allows one writing process per file):
* nobody holds the database open for long: the app and the CLI open a
  connection for one unit of work and close it (``session``);
* opening waits while another process holds the file lock, up to
  ``HOTICH_LOCK_TIMEOUT`` seconds (default 60), saying that it waits, then
  raises ``DatabaseBusy``;
* every write is one transaction, so a reader sees an upload whole or not at all,
  and a crash leaves the last committed state (DuckDB's write-ahead log);
* threads of one process share DuckDB's instance, each with its own connection; their
  write transactions take one process-wide lock (``transaction``), so they never
  conflict, and a conflict from a write outside it is retried (``retry_conflicts``);
* a process waiting for the file leaves a marker (``<db>.wait``); the holder's new
  sessions then hold back until it has had its turn (``_let_waiter_in``), so a busy
  dashboard cannot starve a CLI import.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import json
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, overload

import duckdb
import pandas as pd

from analytics import config, queries, safetext, settings
from analytics.errors import DatabaseBusy, InvalidArgument, NotFoundError

Connection = duckdb.DuckDBPyConnection

# --- schema ---------------------------------------------------------------

MIGRATIONS: list[list[str]] = [
    # 1: the foundation
    [
        "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE units (
            level VARCHAR NOT NULL,            -- province | district | commune
            code VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            unit_type VARCHAR,                 -- xã, phường, thị trấn, huyện, ...
            parent_code VARCHAR,               -- district (3 levels) or province (2 levels)
            province_code VARCHAR NOT NULL,
            district_code VARCHAR,             -- NULL in the two-level structure
            books_total BIGINT,                -- optional target of a commune
            sort_order INTEGER NOT NULL,
            PRIMARY KEY (level, code))""",
        "CREATE SEQUENCE upload_seq START 1",
        """CREATE TABLE uploads (
            id BIGINT PRIMARY KEY,
            file_name VARCHAR NOT NULL,
            sha256 VARCHAR NOT NULL,
            uploaded_at TIMESTAMP NOT NULL,
            row_count INTEGER NOT NULL,
            communes INTEGER,
            report_dates VARCHAR,              -- JSON list of ISO dates
            province_code VARCHAR,
            outcome VARCHAR NOT NULL,          -- loaded | rejected | withdrawn
            errors VARCHAR,                    -- JSON list of problems
            warnings VARCHAR,                  -- JSON list of problems
            user_name VARCHAR,
            source VARCHAR,                    -- cli | app | demo
            withdrawn_at TIMESTAMP,
            withdrawn_by VARCHAR)""",
        """CREATE TABLE report_rows (          -- every figure of every loaded upload
            upload_id BIGINT NOT NULL,
            row_no INTEGER,
            commune_code VARCHAR NOT NULL,
            report_date DATE NOT NULL,
            books_total BIGINT NOT NULL,
            books_digitized BIGINT NOT NULL,
            records_digitized BIGINT)""",
        """CREATE TABLE reports (              -- the figures in force: latest upload wins
            commune_code VARCHAR NOT NULL,
            report_date DATE NOT NULL,
            books_total BIGINT NOT NULL,
            books_digitized BIGINT NOT NULL,
            records_digitized BIGINT,
            upload_id BIGINT NOT NULL,
            PRIMARY KEY (commune_code, report_date))""",
        """CREATE TABLE campaigns (
            province_code VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            start_date DATE NOT NULL,
            deadline DATE NOT NULL,
            updated_at TIMESTAMP)""",
        """CREATE TABLE settings (
            province_code VARCHAR NOT NULL,
            key VARCHAR NOT NULL,
            value VARCHAR,
            PRIMARY KEY (province_code, key))""",
        """CREATE TABLE aliases (              -- names users confirmed for a unit
            province_code VARCHAR NOT NULL,
            district_code VARCHAR,
            alias_key VARCHAR NOT NULL,
            commune_code VARCHAR NOT NULL,
            created_at TIMESTAMP,
            created_by VARCHAR)""",
    ],
    # explanations: what a lagging unit said and what it committed to
    [
        "CREATE SEQUENCE explanation_seq START 1",
        """CREATE TABLE explanations (
            id BIGINT PRIMARY KEY,
            province_code VARCHAR NOT NULL,
            commune_code VARCHAR NOT NULL,
            explained_on DATE NOT NULL,        -- the day the unit gave the reason
            reason VARCHAR NOT NULL,
            new_completion_date DATE,          -- the unit's commitment
            responsible VARCHAR,               -- who answers for it
            created_at TIMESTAMP NOT NULL,
            created_by VARCHAR)""",
    ],
    # accounts, their assigned districts/communes, and the audit log of every write that is not an
    # upload (the uploads table is the upload log)
    [
        """CREATE TABLE users (
            name VARCHAR PRIMARY KEY,          -- sign-in name (lower case) or the OpenID e-mail
            role VARCHAR NOT NULL,             -- viewer | uploader | admin
            password_hash VARCHAR,             -- bcrypt; NULL: signs in through OpenID only
            display_name VARCHAR,
            active BOOLEAN NOT NULL,
            failed_logins INTEGER NOT NULL,    -- consecutive failures since the last success
            locked_until TIMESTAMP,            -- UTC; sign-in refused until then
            created_at TIMESTAMP,
            created_by VARCHAR,
            last_login TIMESTAMP)""",
        """CREATE TABLE user_scopes (           -- what an uploader may change
            user_name VARCHAR NOT NULL,
            level VARCHAR NOT NULL,            -- district | commune | province
            code VARCHAR NOT NULL,
            PRIMARY KEY (user_name, level, code))""",
        "CREATE SEQUENCE audit_seq START 1",
        """CREATE TABLE audit (
            id BIGINT PRIMARY KEY,
            logged_at TIMESTAMP NOT NULL,      -- UTC
            user_name VARCHAR,
            source VARCHAR,                    -- app | cli | oidc | open
            action VARCHAR NOT NULL,           -- settings | campaign | units | alias | withdraw | user.* | login.* | restore ...
            target VARCHAR,
            detail VARCHAR,                    -- JSON
            file_name VARCHAR)""",
    ],
    # unit lists as versions in time: a structure takes effect on a date (the first, "2024", has none and
    # holds the lists loaded without a date); a unit is one row of one structure, its id unique across
    # structures (the official code, or code@structure when another structure already uses the code), so
    # a code reused by a different unit in a later list never inherits the old unit's reports
    [
        """CREATE TABLE structures (
            id INTEGER PRIMARY KEY,
            key VARCHAR NOT NULL UNIQUE,       -- 2024 | 2025-01 | 2025-07 | a date given to `units --from`
            effective_from DATE,               -- NULL: the first list, in force until the next one
            label_vi VARCHAR,
            label_en VARCHAR,
            source VARCHAR,
            created_at TIMESTAMP)""",
        """INSERT INTO structures VALUES (1, '2024', NULL, 'Danh mục đơn vị trước 01/01/2025',
            'Unit list before 1 Jan 2025', 'data/quang_nam_units_2024.csv', NULL)""",
        "ALTER TABLE units ADD COLUMN structure_id INTEGER DEFAULT 1",
        "ALTER TABLE units ADD COLUMN ref_code VARCHAR",  # the official code, as files write it
        "ALTER TABLE units ADD COLUMN lat DOUBLE",
        "ALTER TABLE units ADD COLUMN lon DOUBLE",
        "ALTER TABLE units ADD COLUMN area_km2 DOUBLE",
        "UPDATE units SET ref_code = code, structure_id = 1",
        """CREATE TABLE unit_links (           -- commune of one structure -> commune of the next that took it in
            from_id VARCHAR NOT NULL,
            to_id VARCHAR NOT NULL,
            is_default BOOLEAN NOT NULL,       -- a commune split between several counts once, for this one
            PRIMARY KEY (from_id, to_id))""",
    ],
    # sign-in throttling instead of a lock-out: failures per (client, name tried) and per client, kept the
    # same way whether the name is an account or not, so no answer tells which accounts exist
    [
        """CREATE TABLE login_throttle (
            key VARCHAR PRIMARY KEY,           -- 'pair:<client>|<name>' or 'client:<client>'
            account VARCHAR,                   -- the name tried (NULL on a client row); maybe no account
            client VARCHAR NOT NULL,           -- the browser's IP address, or 'local'
            failures INTEGER NOT NULL,         -- failures in a row (forgotten after a quiet spell)
            last_failure TIMESTAMP NOT NULL,   -- UTC
            next_allowed TIMESTAMP)""",        # UTC; attempts before it are refused unchecked
        "UPDATE users SET locked_until = NULL",  # the old hard locks are lifted
    ],
    # deadlines of single districts or communes inside the campaign (slow districts until 7 March, the
    # others until 4 March): plan, pace needed and status of a unit use its own
    [
        """CREATE TABLE unit_deadlines (
            province_code VARCHAR NOT NULL,
            level VARCHAR NOT NULL,            -- district | commune
            unit_code VARCHAR NOT NULL,        -- the unit's id
            deadline DATE NOT NULL,
            updated_at TIMESTAMP,
            updated_by VARCHAR,
            PRIMARY KEY (province_code, level, unit_code))""",
    ],
    # district names users matched to a district on the Upload page (the commune ones are in aliases)
    [
        """CREATE TABLE district_aliases (
            province_code VARCHAR NOT NULL,
            alias_key VARCHAR NOT NULL,        -- units.name_key of the name in the file
            district_code VARCHAR NOT NULL,
            created_at TIMESTAMP,
            created_by VARCHAR,
            PRIMARY KEY (province_code, alias_key))""",
    ],
    # the records to do (the count a province may keep in records, beside its books)
    [
        "ALTER TABLE report_rows ADD COLUMN records_total BIGINT",
        "ALTER TABLE reports ADD COLUMN records_total BIGINT",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)
LEVEL_WIDTH = {"province": 2, "district": 3, "commune": 5}


def canonical_code(value: Any, level: str = "commune") -> str | None:
    """One spelling per code: "20335", "020335" and Excel's "20335.0" are the same commune."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer():
            value = int(value)
    text = str(value).strip().replace("\u00a0", "")
    if not text or text.lower() in {"nan", "none", "<na>"}:
        return None
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isdigit():
        return text.lstrip("0").rjust(LEVEL_WIDTH.get(level, 1), "0") or "0"
    return text


# --- connections ------------------------------------------------------------


def lock_timeout() -> float:
    """How long a write waits for another process holding the file (``HOTICH_LOCK_TIMEOUT``)."""
    return settings.current().lock_timeout


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


# Within one process every thread opening the same file shares one DuckDB instance; a connection is
# used by one thread only (one per ``session``). Write transactions of the process take this lock, so
# two threads never write at once (DuckDB would abort one with "Conflict on ..."); other processes are
# kept out by DuckDB's file lock. Reads need no lock: each sees the last committed state (MVCC).
_WRITE_LOCK = threading.RLock()
_SESSIONS_LOCK = threading.Condition()
_SESSIONS: dict[str, int] = {}  # open sessions of this process per database file
_LOCAL = threading.local()  # per thread: files this thread has a session on (nested sessions never wait)
WAIT_MARKER_FRESH = 1.0  # seconds: a waiter elsewhere rewrites its marker more often than this


def _wait_marker(target: Path) -> Path:
    return target.with_name(target.name + ".wait")


def _mark_waiting(target: Path) -> None:
    """Tell the process holding the file that we wait, so it lets go between its units of work."""
    with contextlib.suppress(OSError):
        _wait_marker(target).write_text(str(os.getpid()))


def _other_process_waiting(target: Path) -> bool:
    marker = _wait_marker(target)
    try:
        if time.time() - marker.stat().st_mtime > WAIT_MARKER_FRESH:
            return False
        return marker.read_text().strip() != str(os.getpid())
    except (OSError, ValueError):
        return False


def _is_conflict(exc: BaseException) -> bool:
    return isinstance(exc, duckdb.TransactionException) and "conflict" in str(exc).lower()


def retry_conflicts(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a write again (a few times) when DuckDB aborts it for a write-write conflict."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(20):
            try:
                return fn(*args, **kwargs)
            except duckdb.TransactionException as exc:
                if not _is_conflict(exc) or attempt == 19:
                    raise
                time.sleep(0.01 * (attempt + 1) + random.random() * 0.02)
        raise AssertionError("unreachable")

    return wrapper


def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    timeout: float | None = None,
    on_wait: Callable[[float], None] | None = None,
) -> Connection:
    """Open (creating and migrating when new) the database, waiting while another process holds it."""
    target = config.db_path(path)
    memory = str(target) == ":memory:"
    if not memory:
        target.parent.mkdir(parents=True, exist_ok=True)
    limit = lock_timeout() if timeout is None else timeout
    started = time.monotonic()
    told = False
    while True:
        try:
            if read_only and not memory and target.exists():
                try:
                    con = duckdb.connect(str(target), read_only=True)
                except duckdb.ConnectionException:
                    # this process already has the file open for writing: share that instance
                    con = duckdb.connect(str(target))
            else:
                con = duckdb.connect(str(target))
                try:
                    ensure_schema(con)
                except BaseException:
                    con.close()
                    raise
            if told and not memory:  # our turn came: stop asking the holder to let go
                with contextlib.suppress(OSError, ValueError):
                    if _wait_marker(target).read_text().strip() == str(os.getpid()):
                        _wait_marker(target).unlink()
            return con
        except duckdb.Error as exc:  # IOException on the file lock
            if not _is_lock_error(exc):
                raise
            waited = time.monotonic() - started
            if waited >= limit:
                raise DatabaseBusy("db.busy", path=str(target), seconds=round(waited)) from exc
            _mark_waiting(target)
            if not told:
                told = True
                if on_wait is not None:
                    on_wait(waited)
                else:
                    print(f"Database {target} is in use by another process; waiting…", file=sys.stderr)
            time.sleep(0.05 + random.random() * 0.15)


def _let_waiter_in(key: str, target: Path, limit: float) -> None:
    """Fairness: when another process waits for the file, new sessions of this process hold back until
    this process has let go of it (and the other has had its turn), so a busy dashboard cannot starve
    a CLI import."""
    if key in getattr(_LOCAL, "held", set()):
        return  # a nested session in this thread must not wait for itself
    deadline = time.monotonic() + limit
    with _SESSIONS_LOCK:
        while _other_process_waiting(target) and time.monotonic() < deadline:
            _SESSIONS_LOCK.wait(0.05)


@contextlib.contextmanager
def session(path: str | os.PathLike[str] | None = None, *, read_only: bool = False, **kw: Any) -> Iterator[Connection]:
    """A connection for one unit of work, closed afterwards so other processes can write."""
    target = config.db_path(path)
    key = str(target)
    memory = key == ":memory:"
    if not memory:
        _let_waiter_in(key, target, lock_timeout() if kw.get("timeout") is None else kw["timeout"])
    con = connect(path, read_only=read_only, **kw)
    held: set[str] = getattr(_LOCAL, "held", None) or set()
    _LOCAL.held = held
    nested = key in held
    held.add(key)
    with _SESSIONS_LOCK:
        _SESSIONS[key] = _SESSIONS.get(key, 0) + 1
    try:
        yield con
    finally:
        con.close()
        if not nested:
            held.discard(key)
        with _SESSIONS_LOCK:
            _SESSIONS[key] -= 1
            _SESSIONS_LOCK.notify_all()


@contextlib.contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """All or nothing: commit on success, roll back on any exception. One writer per process at a time."""
    with _WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        else:
            try:
                con.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise


def schema_version(con: Connection) -> int:
    has_meta = con.execute(queries.TABLE_EXISTS, ["meta"]).fetchone()[0]
    if not has_meta:
        return 0
    row = con.execute(queries.META_GET, ["schema_version"]).fetchone()
    return int(row[0]) if row else 0


def ensure_schema(con: Connection) -> None:
    """Create or migrate the schema; a new database also gets the shipped units and default campaign."""
    current = schema_version(con)
    if current >= SCHEMA_VERSION:
        return
    with transaction(con):
        current = schema_version(con)  # another process may have migrated meanwhile
        if current >= SCHEMA_VERSION:
            return
        for version in range(current, SCHEMA_VERSION):
            for statement in MIGRATIONS[version]:
                con.execute(statement)
        con.execute(queries.META_SET, ["schema_version", str(SCHEMA_VERSION)])
        if current == 0:
            con.execute(queries.META_SET, ["data_version", "0"])
            _replace_units(con, read_units_csv(config.UNITS_FILE))


# --- meta / data version -------------------------------------------------


def get_meta(con: Connection, key: str, default: str | None = None) -> str | None:
    rows = con.execute(queries.META_GET, [key]).fetchall()  # whole result: DuckDB 2 refuses register() after
    return rows[0][0] if rows else default                    # a half-read one (what_if reads is_demo first)


def set_meta(con: Connection, key: str, value: str) -> None:
    con.execute(queries.META_SET, [key, value])


def data_version(con: Connection) -> int:
    """A number every write bumps: caches key on it so new data shows at once."""
    return int(get_meta(con, "data_version", "0") or 0)


def bump_version(con: Connection) -> None:
    con.execute(queries.BUMP_VERSION)


def is_demo(con: Connection) -> bool:
    return get_meta(con, "demo", "0") == "1"


def set_demo(con: Connection, flag: bool) -> None:
    set_meta(con, "demo", "1" if flag else "0")


# --- units ---------------------------------------------------------------

UNIT_COLUMNS = [
    "province_code",
    "province_name",
    "district_code",
    "district_name",
    "commune_code",
    "commune_name",
    "commune_type",
]


def read_units_csv(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read a unit list in the shipped format; raise InvalidArgument with the row when malformed."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in UNIT_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidArgument("units.missing_columns", file=str(path), columns=", ".join(missing))
        rows: list[dict[str, Any]] = []
        for i, raw in enumerate(reader, start=2):
            row: dict[str, Any] = {k: (raw.get(k) or "").strip() for k in UNIT_COLUMNS}
            row["province_code"] = canonical_code(row["province_code"], "province")
            row["district_code"] = canonical_code(row["district_code"], "district")
            row["commune_code"] = canonical_code(row["commune_code"], "commune")
            if not row["province_code"] or not row["commune_code"] or not row["commune_name"]:
                raise InvalidArgument("units.bad_row", file=str(path), row=i)
            for column in UNIT_COLUMNS:  # the official names: refused, not silently altered
                found = safetext.control_char(row[column])
                if found is not None:
                    raise InvalidArgument("units.control_char", file=str(path), row=i, column=column,
                                          position=found[0], char=found[1])
            target = (raw.get("books_total") or "").strip()
            if target:
                try:
                    row["books_total"] = int(float(target))
                except ValueError as exc:
                    raise InvalidArgument("units.bad_target", file=str(path), row=i, value=target) from exc
                if row["books_total"] < 0:
                    raise InvalidArgument("units.bad_target", file=str(path), row=i, value=target)
            else:
                row["books_total"] = None
            rows.append(row)
    if not rows:
        raise InvalidArgument("units.empty", file=str(path))
    return rows


BASE_STRUCTURE = 1  # the list loaded without a date (`units FILE`): in force until the first dated one


def _unit_ids(con: Connection, structure_id: int, key: str, refs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The id of each (level, official code) in a structure: the one it already has there (so its reports
    stay attached), else the code itself when no other unit uses it, else ``code@key``."""
    mine = {(lvl, ref): uid for lvl, ref, uid in con.execute(queries.UNIT_IDS_OF_STRUCTURE, [structure_id]).fetchall()}
    wanted = sorted({ref for _, ref in refs} | {f"{ref}@{key}" for _, ref in refs})
    taken = {(lvl, uid) for lvl, uid in con.execute(queries.UNIT_IDS_TAKEN, [structure_id, wanted]).fetchall()}
    out: dict[tuple[str, str], str] = {}
    for lvl, ref in refs:
        if (lvl, ref) in mine:
            out[(lvl, ref)] = mine[(lvl, ref)]
        elif (lvl, ref) not in taken:
            out[(lvl, ref)] = ref
        else:
            out[(lvl, ref)] = f"{ref}@{key}"
    return out


def _replace_units(con: Connection, rows: list[dict[str, Any]], structure_id: int = BASE_STRUCTURE) -> dict[str, int]:
    """Put the provinces the rows name into one structure, replacing their earlier list there."""
    key = con.execute(queries.STRUCTURE_KEY, [structure_id]).fetchone()[0]
    refs: list[tuple[str, str]] = []
    for r in rows:
        refs.append(("province", r["province_code"]))
        if r["district_code"]:
            refs.append(("district", r["district_code"]))
        refs.append(("commune", r["commune_code"]))
    ids = _unit_ids(con, structure_id, key, refs)
    provinces = sorted({ids[("province", r["province_code"])] for r in rows})
    before = set()
    for p in provinces:
        before |= {c for (c,) in con.execute(queries.COMMUNE_CODES_OF_PROVINCE, [p]).fetchall()}
        con.execute(queries.DELETE_UNITS_OF_PROVINCE, [p])
    records: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    order = 0
    for r in rows:
        p = ids[("province", r["province_code"])]
        if ("province", p) not in seen:
            seen.add(("province", p))
            records.append(("province", p, r["province_name"], None, None, p, None, None, order,
                            structure_id, r["province_code"], None, None, None))
            order += 1
        d = ids[("district", r["district_code"])] if r["district_code"] else None
        if d and ("district", d) not in seen:
            seen.add(("district", d))
            dtype = r["district_name"].split(" ")[0] if r["district_name"] else None
            records.append(("district", d, r["district_name"], dtype, p, p, d, None, order,
                            structure_id, r["district_code"], None, None, None))
            order += 1
        c = ids[("commune", r["commune_code"])]
        if ("commune", c) in seen:
            raise InvalidArgument("units.duplicate_code", code=r["commune_code"])
        seen.add(("commune", c))
        records.append(
            ("commune", c, r["commune_name"], r["commune_type"] or None, d or p, p, d, r.get("books_total"), order,
             structure_id, r["commune_code"], _float(r.get("lat")), _float(r.get("lon")), _float(r.get("area_km2")))
        )
        order += 1
    # a code listed here leaves any other province's list of the same structure: the newest list says
    # where a unit belongs
    moved = 0
    for level in ("district", "commune"):
        codes = sorted({rec[1] for rec in records if rec[0] == level})
        if codes:
            moved += con.execute(queries.COUNT_UNITS_OF_CODES, [level, codes]).fetchone()[0]
            con.execute(queries.DELETE_UNITS_OF_CODES, [level, codes])
    if records:  # one set-based insert (executemany costs seconds for a national list of 11,000 units)
        frame = pd.DataFrame.from_records(records, columns=_UNIT_FRAME_COLUMNS)
        for col in ("books_total", "sort_order", "structure_id"):
            frame[col] = pd.array(frame[col], dtype="Int64")
        for col in ("lat", "lon", "area_km2"):
            frame[col] = pd.array(frame[col], dtype="Float64")
        for col in ("level", "code", "name", "unit_type", "parent_code", "province_code", "district_code",
                    "ref_code"):
            frame[col] = frame[col].astype(object)
        con.register("_units_in", frame)
        try:
            con.execute(queries.INSERT_UNITS_FROM_FRAME)
        finally:
            con.unregister("_units_in")
    for p in provinces:
        _ensure_campaign(con, p)
    after = {ids[("commune", r["commune_code"])] for r in rows}
    gone = before - after
    orphaned = 0
    if gone:
        orphaned = con.execute(queries.COUNT_REPORTS_OF_CODES, [sorted(gone)]).fetchone()[0]
    return {
        "provinces": len(provinces),
        "communes": len(after),
        "added": len(after - before),
        "removed": len(gone),
        "orphaned_reports": int(orphaned),
        "moved_from_other_provinces": int(moved),
    }


def _float(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if out != out else out


@retry_conflicts
def replace_units(con: Connection, rows: list[dict[str, Any]], *, user: str | None = None,
                  source: str | None = None, file_name: str | None = None) -> dict[str, int]:
    """Replace the unit lists of the provinces the rows name; communes that disappear keep their reports."""
    with transaction(con):
        result = _replace_units(con, rows)
        bump_version(con)
        record_audit(con, user, "units", ",".join(sorted({r["province_code"] for r in rows})), result,
                     file_name=file_name, source=source)
    return result


def provinces(con: Connection) -> pd.DataFrame:
    """Provinces in the unit list, in list order, with their number of communes."""
    return con.execute(queries.PROVINCES).df()


def default_province(con: Connection) -> str:
    """The province chosen at set-up, else the only one, else the one with the most reports."""
    return resolve_province(con, None)


def resolve_province(con: Connection, province: str | None) -> str:
    """A province's id from a code, a name or an id, in whichever unit structure holds it
    (``structures.resolve_province``, which also knows the structure in force on a day)."""
    from analytics import structures

    return structures.resolve_province(con, province)


def set_default_province(con: Connection, province: str) -> None:
    """The province a fresh session shows first (``setup --province``)."""
    with transaction(con):
        set_meta(con, "default_province", province)
        bump_version(con)


def units_frame(con: Connection, province: str) -> pd.DataFrame:
    """Communes of a province with their district, in list order."""
    return con.execute(queries.COMMUNES_OF_PROVINCE, [province]).df()


def all_communes(con: Connection) -> pd.DataFrame:
    return con.execute(queries.ALL_COMMUNES).df()


def aliases(con: Connection) -> pd.DataFrame:
    return con.execute(queries.ALIASES).df()


@retry_conflicts
def add_alias(con: Connection, province: str, district: str | None, alias_key: str, commune_code: str,
              user: str | None = None, source: str | None = None) -> None:
    """Remember that a name seen in a file means this commune (chosen by a user)."""
    with transaction(con):
        con.execute(queries.DELETE_ALIAS, [province, district, alias_key])
        con.execute(queries.INSERT_ALIAS, [province, district, alias_key, commune_code, _now(), user])
        bump_version(con)
        record_audit(con, user, "alias", commune_code, {"province": province, "district": district,
                                                        "alias": alias_key}, source=source)


def district_aliases(con: Connection) -> dict[str, str]:
    """Names a user matched to a district (name key -> district code); a name two provinces' users gave
    different districts is left out, so it is asked again rather than guessed."""
    found: dict[str, set[str]] = {}
    for key, code in con.execute(queries.DISTRICT_ALIASES).fetchall():
        found.setdefault(key, set()).add(code)
    return {key: next(iter(codes)) for key, codes in found.items() if len(codes) == 1}


@retry_conflicts
def add_district_alias(con: Connection, province: str, alias_key: str, district_code: str,
                       user: str | None = None, source: str | None = None) -> None:
    """Remember that a district name seen in a file means this district (chosen by a user)."""
    with transaction(con):
        con.execute(queries.DELETE_DISTRICT_ALIAS, [province, alias_key])
        con.execute(queries.INSERT_DISTRICT_ALIAS, [province, alias_key, district_code, _now(), user])
        bump_version(con)
        record_audit(con, user, "alias", district_code, {"province": province, "level": "district",
                                                         "alias": alias_key}, source=source)


def demo_replaced_by(con: Connection) -> int | None:
    """The upload that replaced the demo data (None when the demo was never replaced or was loaded again)."""
    value = get_meta(con, "demo_replaced_by")
    return int(value) if value and value.isdigit() else None


# --- campaign and settings --------------------------------------------------


@dataclass(frozen=True)
class Campaign:
    province_code: str
    name: str
    start: date
    deadline: date


def _ensure_campaign(con: Connection, province: str) -> None:
    con.execute(
        queries.INSERT_CAMPAIGN_IF_MISSING,
        [province, config.DEFAULT_CAMPAIGN_NAME, config.DEFAULT_START, config.DEFAULT_DEADLINE, _now()],
    )


def get_campaign(con: Connection, province: str) -> Campaign:
    row = con.execute(queries.CAMPAIGN_GET, [province]).fetchone()
    if row is None:
        return Campaign(province, config.DEFAULT_CAMPAIGN_NAME,
                        date.fromisoformat(config.DEFAULT_START), date.fromisoformat(config.DEFAULT_DEADLINE))
    return Campaign(province, row[0], row[1], row[2])


CAMPAIGN_EARLIEST, CAMPAIGN_LATEST = date(2000, 1, 1), date(2099, 12, 31)
CAMPAIGN_MAX_DAYS = 3660  # ten years


@retry_conflicts
def set_campaign(con: Connection, province: str, name: str | None = None, start: date | None = None,
                 deadline: date | None = None, *, user: str | None = None, source: str | None = None) -> Campaign:
    """Change the campaign of a province; the start must come before the deadline."""
    current = get_campaign(con, province)
    new = Campaign(province, name if name else current.name, start or current.start, deadline or current.deadline)
    if new.start >= new.deadline:
        raise InvalidArgument("campaign.order", start=new.start.isoformat(), deadline=new.deadline.isoformat())
    # the dashboard works day by day between these dates: a deadline in year 9999 would make every page do
    # millions of days of work
    if not (CAMPAIGN_EARLIEST <= new.start and new.deadline <= CAMPAIGN_LATEST):
        raise InvalidArgument("campaign.out_of_range", low=CAMPAIGN_EARLIEST.isoformat(),
                              high=CAMPAIGN_LATEST.isoformat())
    if (new.deadline - new.start).days > CAMPAIGN_MAX_DAYS:
        raise InvalidArgument("campaign.too_long", days=CAMPAIGN_MAX_DAYS, start=new.start.isoformat(),
                              deadline=new.deadline.isoformat())
    if not new.name.strip():
        raise InvalidArgument("campaign.name_empty")
    found = safetext.control_char(new.name.strip())
    if found is not None:
        raise InvalidArgument("campaign.name_control", position=found[0], char=found[1])
    with transaction(con):
        con.execute(queries.CAMPAIGN_UPSERT, [province, new.name.strip(), new.start, new.deadline, _now()])
        bump_version(con)
        record_audit(con, user, "campaign", province, {"name": new.name.strip(), "start": new.start,
                                                       "deadline": new.deadline}, source=source)
    return new


def unit_deadlines(con: Connection, province: str) -> pd.DataFrame:
    """The districts and communes of a province that have a deadline of their own."""
    return con.execute(queries.UNIT_DEADLINES, [province]).df()


@retry_conflicts
def set_unit_deadline(con: Connection, province: str, level: str, code: str, deadline: date | None, *,
                      user: str | None = None, source: str | None = None) -> None:
    """Give a district or a commune its own deadline (None: back to the campaign's)."""
    if level not in ("district", "commune"):
        raise InvalidArgument("deadline.bad_level", level=level)
    row = con.execute(queries.UNIT_OF_PROVINCE, [level, code, province]).fetchall()
    if not row:
        raise NotFoundError("deadline.unknown_unit", unit=code)
    campaign = get_campaign(con, province)
    if deadline is not None and deadline <= campaign.start:
        raise InvalidArgument("deadline.before_start", deadline=deadline.isoformat(), start=campaign.start.isoformat())
    if deadline is not None and (deadline > CAMPAIGN_LATEST or (deadline - campaign.start).days > CAMPAIGN_MAX_DAYS):
        raise InvalidArgument("campaign.too_long", days=CAMPAIGN_MAX_DAYS, start=campaign.start.isoformat(),
                              deadline=deadline.isoformat())
    with transaction(con):
        con.execute(queries.UNIT_DEADLINE_DELETE, [province, level, code])
        if deadline is not None:
            con.execute(queries.UNIT_DEADLINE_INSERT, [province, level, code, deadline, _now(), user])
        bump_version(con)
        record_audit(con, user, "deadline", code, {"province": province, "level": level,
                                                   "deadline": deadline}, source=source)


@overload
def get_setting(con: Connection, province: str, key: str, default: str) -> str: ...
@overload
def get_setting(con: Connection, province: str, key: str, default: None = None) -> str | None: ...
def get_setting(con: Connection, province: str, key: str, default: str | None = None) -> str | None:
    row = con.execute(queries.SETTING_GET, [province, key]).fetchone()
    return row[0] if row and row[0] is not None else default


@retry_conflicts
def set_setting(con: Connection, province: str, key: str, value: str, *, user: str | None = None,
                source: str | None = None) -> None:
    with transaction(con):
        con.execute(queries.SETTING_SET, [province, key, value])
        bump_version(con)
        record_audit(con, user, "settings", province, {"key": key, "value": value}, source=source)


MEASURES = ("records", "books")  # what figures count: records (trường hợp) or books (sổ)


def default_measure(con: Connection, province: str) -> str:
    """The measure a province's figures are counted in when none is chosen (a campaign setting; books
    until one is set, as before the setting existed)."""
    value = get_setting(con, province, "default_measure", "books")
    return value if value in MEASURES else "books"


def set_default_measure(con: Connection, province: str, measure: str, *, user: str | None = None,
                        source: str | None = None) -> None:
    """Choose the measure the province's campaign is counted in by default."""
    if measure not in MEASURES:
        raise InvalidArgument("campaign.bad_measure", value=measure, measures=", ".join(MEASURES))
    set_setting(con, province, "default_measure", measure, user=user, source=source)


# --- uploads and reports ------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def find_loaded_upload(con: Connection, sha256: str, report_dates: list[str]) -> int | None:
    """An earlier upload of the same bytes, in force, that gave the same report dates."""
    for upload_id, dates in con.execute(queries.LOADED_UPLOADS_BY_HASH, [sha256]).fetchall():
        if json.loads(dates or "[]") == report_dates:
            return int(upload_id)
    return None


@retry_conflicts
def log_rejected(con: Connection, file_name: str, sha256: str, row_count: int, errors: list[dict[str, Any]],
                 user: str | None = None, source: str = "cli") -> int:
    """Record a rejected attempt: the log keeps it, no figure changes.

    The same bytes refused before for the same problems by the same user (a clerk re-checking a file, a page
    reloaded, the same command run again) are not logged again: the earlier attempt's id is returned, so the
    log lists the different attempts, not every rerun."""
    text = json.dumps(errors, ensure_ascii=False)
    with transaction(con):
        earlier = con.execute(queries.SAME_REJECTION, [sha256, text, user]).fetchone()[0]
        if earlier is not None:
            return int(earlier)
        upload_id = con.execute(queries.NEXT_UPLOAD_ID).fetchone()[0]
        con.execute(
            queries.INSERT_UPLOAD,
            [upload_id, file_name, sha256, _now(), row_count, None, "[]", None, "rejected", text, "[]", user,
             source],
        )
    return int(upload_id)


@retry_conflicts
def commit_reports(
    con: Connection,
    *,
    file_name: str,
    sha256: str,
    rows: pd.DataFrame,
    province_code: str | None,
    warnings: list[dict[str, Any]] | None = None,
    user: str | None = None,
    source: str = "cli",
) -> tuple[int, bool]:
    """Write one upload in one transaction: the log entry, its rows, and the figures in force.

    ``rows`` holds commune_code, report_date, books_total, books_digitized,
    records_digitized and row_no. A later upload for the same commune and date
    replaces the figures in force; the log keeps both. The first real upload
    into a demo database removes the demo figures in the same transaction.
    Returns (upload id, unchanged): the same bytes giving the same dates, loaded
    before, change nothing.
    """
    with transaction(con):
        replacing_demo = source != "demo" and is_demo(con)
        if replacing_demo:
            clear_reports(con)
            set_demo(con, False)
        upload_id, unchanged = _write_upload(con, file_name=file_name, sha256=sha256, rows=rows,
                                             province_code=province_code, warnings=warnings, user=user,
                                             source=source)
        if replacing_demo:  # remembered, so a dashboard left empty by withdrawing it can say why
            set_meta(con, "demo_replaced_by", str(upload_id))
        return upload_id, unchanged


@retry_conflicts
def replace_with_demo(con: Connection, rows: pd.DataFrame, province_code: str, file_name: str, *,
                      user: str | None = None, source: str | None = None) -> int:
    """Replace every figure with demonstration rows, marked as demo, in one transaction (audited when a
    user asked for it)."""
    with transaction(con):
        if user is not None:
            record_audit(con, user, "demo", province_code, {"reports": len(rows)}, source=source)
        clear_reports(con)
        set_demo(con, True)
        set_meta(con, "demo_replaced_by", "")
        upload_id, _ = _write_upload(con, file_name=file_name, sha256="demo", rows=rows,
                                     province_code=province_code, warnings=None, user=None, source="demo")
    return upload_id


def _with_records_total(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with a records_total column (unknown when the file has none), so every writer stores one."""
    if "records_total" in rows:
        return rows
    return rows.assign(records_total=pd.array([None] * len(rows), dtype="Int64"))


def _write_upload(con: Connection, *, file_name: str, sha256: str, rows: pd.DataFrame, province_code: str | None,
                  warnings: list[dict[str, Any]] | None, user: str | None, source: str) -> tuple[int, bool]:
    frame = _with_records_total(rows)[["row_no", "commune_code", "report_date", "books_total", "books_digitized",
                                       "records_digitized", "records_total"]].copy()
    # each distinct date converted once (millions of rows in a backfill); DuckDB casts to DATE on insert
    frame["report_date"] = _as_timestamps(frame["report_date"]).to_numpy()
    for col in ("books_total", "books_digitized", "records_digitized", "records_total", "row_no"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    frame["commune_code"] = frame["commune_code"].astype(object)
    dates = sorted({pd.Timestamp(d).date().isoformat() for d in pd.unique(frame["report_date"])})
    earlier = find_loaded_upload(con, sha256, dates)
    if earlier is not None:
        return earlier, True
    upload_id = int(con.execute(queries.NEXT_UPLOAD_ID).fetchone()[0])
    con.execute(
        queries.INSERT_UPLOAD,
        [upload_id, file_name, sha256, _now(), len(frame), int(frame["commune_code"].nunique()),
         json.dumps(dates), province_code, "loaded", "[]",
         json.dumps(warnings or [], ensure_ascii=False), user, source],
    )
    frame.insert(0, "upload_id", upload_id)
    con.register("_incoming", frame)
    try:
        con.execute(queries.INSERT_REPORT_ROWS_FROM_INCOMING)
        con.execute(queries.UPSERT_REPORTS_FROM_INCOMING)
    finally:
        con.unregister("_incoming")
    bump_version(con)
    return upload_id, False


@retry_conflicts
def withdraw_upload(con: Connection, upload_id: int, user: str | None = None, source: str | None = None) -> int:
    """Take an upload back: its figures leave, the earlier ones in force come back. Returns rows affected."""
    row = con.execute(queries.UPLOAD_GET, [upload_id]).fetchone()
    if row is None:
        raise NotFoundError("upload.unknown", upload_id=upload_id)
    if row[0] != "loaded":
        raise InvalidArgument("upload.not_withdrawable", upload_id=upload_id, outcome=row[0])
    with transaction(con):
        con.execute(queries.MARK_WITHDRAWN, [_now(), user, upload_id])
        affected = con.execute(queries.KEYS_OF_UPLOAD, [upload_id]).fetchall()
        con.execute(queries.DELETE_REPORTS_OF_UPLOAD_KEYS, [upload_id])
        con.execute(queries.RESTORE_REPORTS_FOR_UPLOAD_KEYS, [upload_id])
        bump_version(con)
        record_audit(con, user, "withdraw", str(upload_id), {"reports": len(affected)}, file_name=row[1],
                     source=source)
    return len(affected)


def uploads(con: Connection, limit: int = 500) -> pd.DataFrame:
    """The upload log, newest first."""
    return con.execute(queries.UPLOADS_LIST, [limit]).df()


def reports_of(con: Connection, commune_codes: list[str]) -> pd.DataFrame:
    """Figures in force of some communes (all dates): used for change previews and checks."""
    return con.execute(queries.REPORTS_OF_CODES, [commune_codes]).df()


@contextlib.contextmanager
def what_if(con: Connection, rows: pd.DataFrame) -> Iterator[Connection]:
    """The figures as they would be with ``rows`` loaded, inside a transaction that is always rolled back.

    Used by the Upload page's change preview (ingest.change_preview): the
    metrics run on the overlaid figures, then everything is undone. The
    first real upload into a demo database replaces the demo, so the overlay
    does too.
    """
    frame = _with_records_total(rows)[["commune_code", "report_date", "books_total", "books_digitized",
                                       "records_digitized", "records_total"]].copy()
    frame["report_date"] = pd.to_datetime(frame["report_date"]).dt.date
    for col in ("books_total", "books_digitized", "records_digitized", "records_total"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    frame["commune_code"] = frame["commune_code"].astype(object)
    frame["upload_id"] = -1
    with _WRITE_LOCK:
        con.execute("BEGIN TRANSACTION")
        _OVERLAYS.add(id(con))  # memoized answers (cache_key) must not serve or see the overlay
        try:
            if is_demo(con):
                con.execute(queries.DELETE_ALL_REPORTS)
            con.register("_incoming", frame)
            try:
                con.execute(queries.UPSERT_REPORTS_FROM_INCOMING)
            finally:
                con.unregister("_incoming")
            yield con
        finally:
            _OVERLAYS.discard(id(con))
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")


def clear_reports(con: Connection) -> None:
    """Empty the figures and the log (used by ``demo``, which replaces the content)."""
    for stmt in queries.CLEAR_ALL:
        con.execute(stmt)


def report_count(con: Connection) -> int:
    return int(con.execute(queries.REPORT_COUNT).fetchone()[0])


# --- explanations -------------------------------------------------------


def add_explanation(con: Connection, province: str, commune_code: str, explained_on: date, reason: str,
                    new_completion_date: date | None = None, responsible: str | None = None,
                    user: str | None = None) -> int:
    """Record what a unit said about its delay and what it committed to. Returns the explanation's id."""
    text = (reason or "").strip()
    if not text:
        raise InvalidArgument("explain.reason_empty")
    code = canonical_code(commune_code, "commune")
    if not con.execute(queries.UNIT_EXISTS, ["commune", code]).fetchone()[0]:
        raise NotFoundError("explain.unknown_commune", commune=commune_code)
    if new_completion_date is not None and new_completion_date < explained_on:
        raise InvalidArgument("explain.commitment_before", date=new_completion_date.isoformat())
    # a control character (U+000B from Word, a NUL) would make the Excel report unreadable: refuse it here
    for key, value, multiline in (("explain.reason_control", text, True),
                                  ("explain.responsible_control", (responsible or "").strip(), False)):
        found = safetext.control_char(value, multiline=multiline)
        if found is not None:
            raise InvalidArgument(key, position=found[0], char=found[1])
    with transaction(con):
        new_id = int(con.execute(queries.NEXT_EXPLANATION_ID).fetchone()[0])
        con.execute(queries.INSERT_EXPLANATION,
                    [new_id, province, code, explained_on, text[:2000], new_completion_date,
                     (responsible or "").strip()[:200] or None, _now(), user])
        bump_version(con)
        record_audit(con, user, "explanation.add", code, {"id": new_id, "explained_on": explained_on})
    return new_id


def delete_explanation(con: Connection, explanation_id: int, user: str | None = None) -> None:
    if not con.execute(queries.EXPLANATION_EXISTS, [explanation_id]).fetchone()[0]:
        raise NotFoundError("explain.unknown", id=explanation_id)
    with transaction(con):
        con.execute(queries.DELETE_EXPLANATION, [explanation_id])
        bump_version(con)
        record_audit(con, user, "explanation.delete", str(explanation_id))


def explanations(con: Connection, province: str, commune_code: str | None = None,
                 as_of: date | None = None) -> pd.DataFrame:
    """Explanations of a province (or one commune), given on or before ``as_of``, newest first."""
    return con.execute(queries.EXPLANATIONS,
                       {"province": province, "commune": commune_code, "as_of": as_of}).df()


def latest_explanations(con: Connection, province: str, as_of: date) -> pd.DataFrame:
    """Each commune's latest explanation given on or before ``as_of``."""
    return con.execute(queries.LATEST_EXPLANATIONS, {"province": province, "as_of": as_of}).df()


def preview_units(con: Connection, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What ``replace_units(rows)`` would change, without writing: per province, the communes added,
    removed and renamed (or moved), and the reports of removed communes that would stop counting."""
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    renamed: list[dict[str, Any]] = []
    for p in sorted({r["province_code"] for r in rows}):
        before = {rec[0]: rec for rec in con.execute(queries.UNITS_OF_PROVINCE_FULL, [p]).fetchall()}
        after = {r["commune_code"]: r for r in rows if r["province_code"] == p}
        for code, r in after.items():
            if code not in before:
                added.append({"commune_code": code, "commune": r["commune_name"], "district": r["district_name"]})
            else:
                _, old_name, old_district, old_district_name = before[code]
                if old_name != r["commune_name"] or (old_district or None) != (r["district_code"] or None):
                    renamed.append({"commune_code": code, "old_name": old_name, "commune": r["commune_name"],
                                    "old_district": old_district_name, "district": r["district_name"]})
        for code, rec in before.items():
            if code not in after:
                removed.append({"commune_code": code, "commune": rec[1], "district": rec[3]})
    gone = sorted(r["commune_code"] for r in removed)
    counts = dict(con.execute(queries.REPORT_COUNTS_OF_CODES, [gone]).fetchall()) if gone else {}
    for r in removed:
        r["reports"] = int(counts.get(r["commune_code"], 0))
    return {
        "provinces": sorted({r["province_code"] for r in rows}),
        "communes": len(rows),
        "added": added,
        "removed": removed,
        "renamed": renamed,
        "orphaned_reports": int(sum(counts.values())),
    }


# --- audit log and accounts ------------------------------------------------


def record_audit(con: Connection, user: str | None, action: str, target: str | None = None,
                 detail: Any = None, file_name: str | None = None, source: str | None = None) -> None:
    """One line in the audit log; call it inside the write's own transaction so both land or neither."""
    audit_id = int(con.execute(queries.NEXT_AUDIT_ID).fetchone()[0])
    text = None if detail is None else json.dumps(detail, ensure_ascii=False, default=str)
    con.execute(queries.AUDIT_INSERT, [audit_id, _now(), user, source, action, target, text, file_name])


@retry_conflicts
def record_refusal(con: Connection, user: str | None, action: str, target: str | None = None, detail: Any = None,
                   file_name: str | None = None, source: str | None = None) -> None:
    """Log a write that was refused (its change is not made): who tried what, and why it was refused."""
    with transaction(con):
        record_audit(con, user, action, target, detail, file_name=file_name, source=source)


def audit_log(con: Connection, limit: int = 1000) -> pd.DataFrame:
    """The audit log (writes other than uploads, sign-ins, account changes), newest first."""
    return con.execute(queries.AUDIT_LIST, [limit]).df()


def get_user(con: Connection, name: str) -> dict[str, Any] | None:
    row = con.execute(queries.USER_GET, [name]).fetchone()
    if row is None:
        return None
    keys = ["name", "role", "password_hash", "display_name", "active", "failed_logins", "locked_until",
            "last_login"]
    return dict(zip(keys, row))


def user_scopes(con: Connection, name: str) -> list[tuple[str, str]]:
    return [(lvl, code) for lvl, code in con.execute(queries.USER_SCOPES, [name]).fetchall()]


def user_communes(con: Connection, name: str) -> set[str]:
    """Communes of the unit list an account may change (through its assigned communes/districts/provinces)."""
    return {code for (code,) in con.execute(queries.USER_COMMUNES, [name]).fetchall()}


def upload_communes(con: Connection, upload_id: int) -> set[str]:
    return {code for (code,) in con.execute(queries.UPLOAD_COMMUNES, [upload_id]).fetchall()}


def user_count(con: Connection) -> int:
    return int(con.execute(queries.USER_COUNT).fetchone()[0])


def users(con: Connection) -> pd.DataFrame:
    """Accounts with their assignments; ``locked_until``: until when sign-ins are paused (any client)."""
    return con.execute(queries.USERS_LIST, [_now()]).df()


@retry_conflicts
def insert_user(con: Connection, name: str, role: str, password_hash: str | None, display_name: str | None,
                *, by: str | None, source: str | None = None) -> None:
    if get_user(con, name) is not None:
        raise InvalidArgument("auth.user_exists", name=name)
    with transaction(con):
        con.execute(queries.USER_INSERT, [name, role, password_hash, display_name, _now(), by])
        record_audit(con, by, "user.add", name, {"role": role}, source=source)


@retry_conflicts
def update_user(con: Connection, name: str, *, by: str | None, source: str | None = None,
                password_hash: str | None = None, role: str | None = None, active: bool | None = None,
                scopes: list[tuple[str, str]] | None = None) -> None:
    """Change an account: password, role, active flag or assignments (each given one is replaced)."""
    if get_user(con, name) is None:
        raise NotFoundError("auth.unknown_user", name=name)
    with transaction(con):
        detail: dict[str, Any] = {}
        if password_hash is not None:
            con.execute(queries.USER_SET_PASSWORD, [password_hash, name])
            con.execute(queries.THROTTLE_DELETE_ACCOUNT, [name])  # a new password lifts any sign-in wait
            detail["password"] = "changed"
        if role is not None:
            con.execute(queries.USER_SET_ROLE, [role, name])
            detail["role"] = role
        if active is not None:
            con.execute(queries.USER_SET_ACTIVE, [active, name])
            detail["active"] = active
        if scopes is not None:
            con.execute(queries.USER_SCOPES_DELETE, [name])
            for level, code in scopes:
                con.execute(queries.USER_SCOPE_INSERT, [name, level, code])
            detail["scopes"] = [f"{lvl}:{code}" for lvl, code in scopes]
        record_audit(con, by, "user.change", name, detail, source=source)


def login_throttle(con: Connection, key: str) -> dict[str, Any] | None:
    """The throttle state of one key (failures, last_failure, next_allowed), or None when it has none."""
    row = con.execute(queries.THROTTLE_GET, [key]).fetchone()
    return None if row is None else dict(zip(["failures", "last_failure", "next_allowed"], row))


@retry_conflicts
def record_login(con: Connection, name: str, outcome: str, *, known: bool, source: str | None = None,
                 client: str | None = None, throttle: Iterable[tuple[str, str | None, int, datetime | None]] = (),
                 clear: Iterable[str] = ()) -> None:
    """Log a sign-in attempt (``ok``, ``failed`` or ``refused``: too early) and store the throttle state.

    ``throttle``: (key, name tried or None, failures, next_allowed) rows to write; ``clear``: keys to drop.
    The same rows are written whether ``name`` is an account or not; ``known`` only keeps the account's
    own counters (shown to administrators) up to date."""
    now = _now()
    with transaction(con):
        if known and outcome == "ok":
            con.execute(queries.USER_LOGIN_OK, [now, name])
        elif known and outcome == "failed":
            con.execute(queries.USER_LOGIN_FAILED, [name])
        for key, account, failures, next_allowed in throttle:
            con.execute(queries.THROTTLE_PUT, [key, account, client or "local", failures, now, next_allowed])
        for key in clear:
            con.execute(queries.THROTTLE_DELETE, [key])
        record_audit(con, name, f"login.{outcome}", name, {"client": client} if client else None, source=source)


@retry_conflicts
def clear_login_throttle(con: Connection, account: str | None, *, by: str | None, source: str | None = None) -> int:
    """Lift the sign-in waits of one name (every client) or, with None, of everyone. Returns rows removed."""
    with transaction(con):
        if account is None:
            count = int(con.execute(queries.THROTTLE_COUNT_ALL).fetchone()[0])
            con.execute(queries.THROTTLE_DELETE_ALL)
        else:
            count = int(con.execute(queries.THROTTLE_COUNT_ACCOUNT, [account]).fetchone()[0])
            con.execute(queries.THROTTLE_DELETE_ACCOUNT, [account])
        record_audit(con, by, "user.unlock", account or "*", {"rows": count}, source=source)
    return count


def upload_communes_all(con: Connection) -> dict[int, frozenset[str]]:
    """The communes of every upload that has rows (rejected attempts have none)."""
    return {int(uid): frozenset(codes) for uid, codes in con.execute(queries.UPLOADS_COMMUNES).fetchall()}


# --- backup and restore --------------------------------------------------------
# A backup is a consistent copy of the database file: the backing-up process holds DuckDB's file lock
# (no other process can write), takes this process's write lock (no thread writes), CHECKPOINTs (the
# write-ahead log is folded into the file) and copies the file; the copy is then opened and checked.
# A restore never swaps files under a running process: it copies every table of the backup into the
# live database in ONE transaction (readers see the old or the restored data, never a mix) and bumps
# the data version so every cache reloads.


def backup(path: str | os.PathLike[str] | None, out_dir: str | os.PathLike[str]) -> dict[str, Any]:
    """Write ``hotich-YYYYmmdd-HHMMSS.duckdb`` (and a ``.json`` manifest) into ``out_dir``."""
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
        with transaction(con):
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


def explanations_commune(con: Connection, explanation_id: int) -> set[str]:
    return {code for (code,) in con.execute(queries.EXPLANATION_COMMUNE, [explanation_id]).fetchall()}


# --- keep the database open between units of work (speed) ----------------------------------
# Opening the file costs about 40 ms at national scale and drops DuckDB's buffer cache, and a page rerun
# opens several sessions. A dashboard process therefore keeps one idle connection ("parked", never used
# for queries) so that the DuckDB instance stays open and every ``session`` connects in about 0.1 ms.
# It lets go after ``seconds`` without use, and at once when another process waits for the file (the
# wait marker of ``connect``), so a CLI import still gets in: new sessions of this process hold back
# (``_let_waiter_in``), the running ones end, the instance closes, the other process takes the lock.

_PARKED: dict[str, Connection] = {}
_PARKED_USED: dict[str, float] = {}
_PARK_LOCK = threading.Lock()
_PARK_SECONDS: dict[str, float] = {}
_PARK_POLL = 0.05
_park_thread: threading.Thread | None = None


def keep_open(path: str | os.PathLike[str] | None = None, seconds: float = 10.0) -> bool:
    """Keep the database's instance open in this process for ``seconds`` after the last call (see above).

    Returns True when a connection is parked. Nothing is kept for ``:memory:``, when ``seconds`` <= 0, or
    while another process waits for the file.
    """
    global _park_thread
    target = config.db_path(path)
    key = str(target)
    if key == ":memory:" or seconds <= 0 or not target.exists():
        return False
    with _PARK_LOCK:
        _PARKED_USED[key] = time.monotonic()
        _PARK_SECONDS[key] = seconds
        if key in _PARKED:
            return True
        if _other_process_waiting(target):
            return False
        try:
            _PARKED[key] = duckdb.connect(key)
        except duckdb.Error:
            return False  # held by another process, or opened read-only here: work as before
        _limit_memory(_PARKED[key])
        if _park_thread is None or not _park_thread.is_alive():
            _park_thread = threading.Thread(target=_release_loop, name="hotich-keep-open", daemon=True)
            _park_thread.start()
    return True


def _limit_memory(con: Connection) -> None:
    """Cap DuckDB's buffer memory in a long-running dashboard process (``HOTICH_DUCKDB_MEMORY_LIMIT``,
    default 256MB; queries that need more spill to disk). DuckDB's default is 80 % of the machine's RAM."""
    limit = settings.current().duckdb_memory_limit
    if limit and settings.MEMORY_LIMIT.match(limit):  # a checked constant: SET takes no parameters
        with contextlib.suppress(duckdb.Error):
            con.execute(f"SET memory_limit = '{limit}'")


def release(path: str | os.PathLike[str] | None = None) -> None:
    """Close the parked connection of a database (all of them when ``path`` is None)."""
    with _PARK_LOCK:
        keys = list(_PARKED) if path is None else [str(config.db_path(path))]
        for key in keys:
            con = _PARKED.pop(key, None)
            if con is not None:
                with contextlib.suppress(duckdb.Error):
                    con.close()


def _release_loop() -> None:
    while True:
        time.sleep(_PARK_POLL)
        now = time.monotonic()
        with _PARK_LOCK:
            keys = list(_PARKED)
        for key in keys:
            idle = now - _PARKED_USED.get(key, 0.0) > _PARK_SECONDS.get(key, 0.0)
            if idle or _other_process_waiting(Path(key)):
                release(key)
        with _PARK_LOCK:
            if not _PARKED:
                global _park_thread
                _park_thread = None
                return


def compare_incoming(con: Connection, rows: pd.DataFrame) -> tuple[int, list[tuple[Any, ...]]]:
    """For rows about to be loaded: how many replace a report in force, and the rows whose books digitized
    go below the report in force just before their date: (row_no, books_digitized, previous, previous date)."""
    frame = pd.DataFrame({
        "row_no": pd.array(rows["row_no"], dtype="Int64"),
        "commune_code": rows["commune_code"].astype(object),
        "report_date": _as_timestamps(rows["report_date"]),
        "books_digitized": pd.array(rows["books_digitized"], dtype="Int64"),
    })
    span = {"first": frame["report_date"].min().date(), "last": frame["report_date"].max().date()}
    con.register("_incoming_cmp", frame)
    try:
        replaced = int(con.execute(queries.INCOMING_REPLACED, span).fetchall()[0][0])
        lower = con.execute(queries.INCOMING_LOWER_THAN_BEFORE, span).fetchall()
    finally:
        con.unregister("_incoming_cmp")
    return replaced, lower


def previous_figures(con: Connection, rows: pd.DataFrame) -> pd.DataFrame:
    """For rows about to be loaded: the commune's report in force on or before each row's date (the one the
    row replaces, or the one before it): row_no, prev_date, prev_total, prev_digitized (NaN/None: none)."""
    columns = ["row_no", "prev_date", "prev_total", "prev_digitized"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    frame = pd.DataFrame({
        "row_no": pd.array(rows["row_no"], dtype="Int64"),
        "commune_code": rows["commune_code"].astype(object).to_numpy(),
        "report_date": _as_timestamps(rows["report_date"]),
    })
    con.register("_incoming_prev", frame)
    try:
        return con.execute(queries.INCOMING_PREVIOUS, {"last": frame["report_date"].max().date()}).df()[columns]
    finally:
        con.unregister("_incoming_prev")


def _as_timestamps(series: pd.Series) -> pd.Series:
    """Dates (date objects, strings or timestamps) as datetime64, converting each distinct value once."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.reset_index(drop=True)
    codes, uniques = pd.factorize(series)
    return pd.Series(pd.to_datetime(pd.Series(uniques, dtype=object)).to_numpy()[codes])


_OVERLAYS: set[int] = set()  # connections inside ``what_if`` (figures that are not the data version's)


def cache_key(con: Connection) -> tuple[str, int] | None:
    """(database file, data version): what an answer computed on ``con`` depends on, for memoizing it in
    the process; None inside a ``what_if`` overlay, whose figures no version describes."""
    if id(con) in _OVERLAYS:
        return None
    path = con.execute(queries.DATABASE_FILE).fetchone()[0]
    return str(path or ":memory:"), data_version(con)


_UNIT_FRAME_COLUMNS = ["level", "code", "name", "unit_type", "parent_code", "province_code", "district_code",
                       "books_total", "sort_order", "structure_id", "ref_code", "lat", "lon", "area_km2"]


def campaign_starts(con: Connection) -> dict[str, date]:
    """Start date of every province's stored campaign (``get_campaign`` gives the default for the others)."""
    return {p: start for p, start in con.execute(queries.CAMPAIGN_STARTS).fetchall()}
