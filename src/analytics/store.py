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
  and a crash leaves the last committed state (DuckDB's write-ahead log).
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from analytics import config, queries
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
    return float(os.environ.get("HOTICH_LOCK_TIMEOUT", "60"))


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def connect(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    timeout: float | None = None,
    on_wait: Callable[[float], None] | None = None,
) -> Connection:
    """Open (creating and migrating when new) the database, waiting while another process holds it."""
    target = config.db_path(path)
    if str(target) != ":memory:":
        target.parent.mkdir(parents=True, exist_ok=True)
    limit = lock_timeout() if timeout is None else timeout
    started = time.monotonic()
    told = False
    while True:
        try:
            if read_only and str(target) != ":memory:" and target.exists():
                con = duckdb.connect(str(target), read_only=True)
            else:
                con = duckdb.connect(str(target))
                ensure_schema(con)
            return con
        except duckdb.Error as exc:  # IOException on the file lock
            if not _is_lock_error(exc):
                raise
            waited = time.monotonic() - started
            if waited >= limit:
                raise DatabaseBusy("db.busy", path=str(target), seconds=round(waited)) from exc
            if not told:
                told = True
                if on_wait is not None:
                    on_wait(waited)
                else:
                    print(f"Database {target} is in use by another process; waiting…", file=sys.stderr)
            time.sleep(0.05 + random.random() * 0.15)


@contextlib.contextmanager
def session(path: str | os.PathLike[str] | None = None, *, read_only: bool = False, **kw: Any) -> Iterator[Connection]:
    """A connection for one unit of work, closed afterwards so other processes can write."""
    con = connect(path, read_only=read_only, **kw)
    try:
        yield con
    finally:
        con.close()


@contextlib.contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """All or nothing: commit on success, roll back on any exception."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")


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
            rows = read_units_csv(config.UNITS_FILE)
            _replace_units(con, rows)
            for province_code in sorted({r["province_code"] for r in rows}):
                _ensure_campaign(con, province_code)


# --- meta / data version -------------------------------------------------


def get_meta(con: Connection, key: str, default: str | None = None) -> str | None:
    row = con.execute(queries.META_GET, [key]).fetchone()
    return row[0] if row else default


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
            row = {k: (raw.get(k) or "").strip() for k in UNIT_COLUMNS}
            row["province_code"] = canonical_code(row["province_code"], "province")
            row["district_code"] = canonical_code(row["district_code"], "district")
            row["commune_code"] = canonical_code(row["commune_code"], "commune")
            if not row["province_code"] or not row["commune_code"] or not row["commune_name"]:
                raise InvalidArgument("units.bad_row", file=str(path), row=i)
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


def _replace_units(con: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    provinces = sorted({r["province_code"] for r in rows})
    before = set()
    for p in provinces:
        before |= {c for (c,) in con.execute(queries.COMMUNE_CODES_OF_PROVINCE, [p]).fetchall()}
        con.execute(queries.DELETE_UNITS_OF_PROVINCE, [p])
    records: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    order = 0
    for r in rows:
        p = r["province_code"]
        if ("province", p) not in seen:
            seen.add(("province", p))
            records.append(("province", p, r["province_name"], None, None, p, None, None, order))
            order += 1
        d = r["district_code"]
        if d and ("district", d) not in seen:
            seen.add(("district", d))
            dtype = r["district_name"].split(" ")[0] if r["district_name"] else None
            records.append(("district", d, r["district_name"], dtype, p, p, d, None, order))
            order += 1
        key = ("commune", r["commune_code"])
        if key in seen:
            raise InvalidArgument("units.duplicate_code", code=r["commune_code"])
        seen.add(key)
        records.append(
            ("commune", r["commune_code"], r["commune_name"], r["commune_type"] or None,
             d or p, p, d, r.get("books_total"), order)
        )
        order += 1
    con.executemany(queries.INSERT_UNIT, records)
    after = {r["commune_code"] for r in rows}
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
    }


def replace_units(con: Connection, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Replace the unit lists of the provinces the rows name; communes that disappear keep their reports."""
    with transaction(con):
        result = _replace_units(con, rows)
        for p in sorted({r["province_code"] for r in rows}):
            _ensure_campaign(con, p)
        bump_version(con)
    return result


def provinces(con: Connection) -> pd.DataFrame:
    """Provinces in the unit list with their report counts (most reported first for the default)."""
    return con.execute(queries.PROVINCES).df()


def default_province(con: Connection) -> str:
    """The only province, else the one with the most reports."""
    df = provinces(con)
    if df.empty:
        raise NotFoundError("province.none")
    if len(df) == 1:
        return str(df.iloc[0]["province_code"])
    best = df.sort_values(["reports", "province_code"], ascending=[False, True]).iloc[0]
    return str(best["province_code"])


def resolve_province(con: Connection, province: str | None) -> str:
    if not province:
        return default_province(con)
    code = canonical_code(province, "province")
    if not con.execute(queries.UNIT_EXISTS, ["province", code]).fetchone()[0]:
        raise NotFoundError("province.unknown", province=province)
    return code  # type: ignore[return-value]


def units_frame(con: Connection, province: str) -> pd.DataFrame:
    """Communes of a province with their district, in list order."""
    return con.execute(queries.COMMUNES_OF_PROVINCE, [province]).df()


def all_communes(con: Connection) -> pd.DataFrame:
    return con.execute(queries.ALL_COMMUNES).df()


def aliases(con: Connection) -> pd.DataFrame:
    return con.execute(queries.ALIASES).df()


def add_alias(con: Connection, province: str, district: str | None, alias_key: str, commune_code: str,
              user: str | None = None) -> None:
    """Remember that a name seen in a file means this commune (chosen by a user)."""
    with transaction(con):
        con.execute(queries.DELETE_ALIAS, [province, district, alias_key])
        con.execute(queries.INSERT_ALIAS, [province, district, alias_key, commune_code, _now(), user])
        bump_version(con)


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


def set_campaign(con: Connection, province: str, name: str | None = None, start: date | None = None,
                 deadline: date | None = None) -> Campaign:
    """Change the campaign of a province; the start must come before the deadline."""
    current = get_campaign(con, province)
    new = Campaign(province, name if name else current.name, start or current.start, deadline or current.deadline)
    if new.start >= new.deadline:
        raise InvalidArgument("campaign.order", start=new.start.isoformat(), deadline=new.deadline.isoformat())
    if not new.name.strip():
        raise InvalidArgument("campaign.name_empty")
    with transaction(con):
        con.execute(queries.CAMPAIGN_UPSERT, [province, new.name.strip(), new.start, new.deadline, _now()])
        bump_version(con)
    return new


def get_setting(con: Connection, province: str, key: str, default: str | None = None) -> str | None:
    row = con.execute(queries.SETTING_GET, [province, key]).fetchone()
    return row[0] if row and row[0] is not None else default


def set_setting(con: Connection, province: str, key: str, value: str) -> None:
    with transaction(con):
        con.execute(queries.SETTING_SET, [province, key, value])
        bump_version(con)


# --- uploads and reports ------------------------------------------------


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def find_loaded_upload(con: Connection, sha256: str, report_dates: list[str]) -> int | None:
    """An earlier upload of the same bytes, in force, that gave the same report dates."""
    for upload_id, dates in con.execute(queries.LOADED_UPLOADS_BY_HASH, [sha256]).fetchall():
        if json.loads(dates or "[]") == report_dates:
            return int(upload_id)
    return None


def log_rejected(con: Connection, file_name: str, sha256: str, row_count: int, errors: list[dict[str, Any]],
                 user: str | None = None, source: str = "cli") -> int:
    """Record a rejected attempt: the log keeps it, no figure changes."""
    with transaction(con):
        upload_id = con.execute(queries.NEXT_UPLOAD_ID).fetchone()[0]
        con.execute(
            queries.INSERT_UPLOAD,
            [upload_id, file_name, sha256, _now(), row_count, None, "[]", None, "rejected",
             json.dumps(errors, ensure_ascii=False), "[]", user, source],
        )
    return int(upload_id)


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
        if source != "demo" and is_demo(con):
            clear_reports(con)
            set_demo(con, False)
        return _write_upload(con, file_name=file_name, sha256=sha256, rows=rows, province_code=province_code,
                             warnings=warnings, user=user, source=source)


def replace_with_demo(con: Connection, rows: pd.DataFrame, province_code: str, file_name: str) -> int:
    """Replace every figure with demonstration rows, marked as demo, in one transaction."""
    with transaction(con):
        clear_reports(con)
        set_demo(con, True)
        upload_id, _ = _write_upload(con, file_name=file_name, sha256="demo", rows=rows,
                                     province_code=province_code, warnings=None, user=None, source="demo")
    return upload_id


def _write_upload(con: Connection, *, file_name: str, sha256: str, rows: pd.DataFrame, province_code: str | None,
                  warnings: list[dict[str, Any]] | None, user: str | None, source: str) -> tuple[int, bool]:
    frame = rows[["row_no", "commune_code", "report_date", "books_total", "books_digitized",
                  "records_digitized"]].copy()
    frame["report_date"] = pd.to_datetime(frame["report_date"]).dt.date
    for col in ("books_total", "books_digitized", "records_digitized", "row_no"):
        frame[col] = pd.array(frame[col], dtype="Int64")
    frame["commune_code"] = frame["commune_code"].astype(object)
    dates = sorted({d.isoformat() for d in frame["report_date"]})
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


def withdraw_upload(con: Connection, upload_id: int, user: str | None = None) -> int:
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
    return len(affected)


def uploads(con: Connection, limit: int = 500) -> pd.DataFrame:
    """The upload log, newest first."""
    return con.execute(queries.UPLOADS_LIST, [limit]).df()


def reports_of(con: Connection, commune_codes: list[str]) -> pd.DataFrame:
    """Figures in force of some communes (all dates): used for change previews and checks."""
    return con.execute(queries.REPORTS_OF_CODES, [commune_codes]).df()


def clear_reports(con: Connection) -> None:
    """Empty the figures and the log (used by ``demo``, which replaces the content)."""
    for stmt in queries.CLEAR_ALL:
        con.execute(stmt)


def report_count(con: Connection) -> int:
    return int(con.execute(queries.REPORT_COUNT).fetchone()[0])
