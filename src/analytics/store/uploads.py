"""Uploads and the figures they carry: the log, the rows, the figures in force, withdrawals."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import duckdb

from analytics import lazy, queries
from analytics.errors import InvalidArgument, NotFoundError
from analytics.store.audit import record_audit
from analytics.store.base import Connection, _as_timestamps, _now
from analytics.store.database import (
    _OVERLAYS,
    _WRITE_LOCK,
    retry_conflicts,
    transaction,
)
from analytics.store.meta import bump_version, is_demo, set_demo, set_meta

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame


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
    with transaction(con) as con:
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
    with transaction(con) as con:
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
    with transaction(con) as con:
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
    with transaction(con) as con:
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


def upload_communes(con: Connection, upload_id: int) -> set[str]:
    return {code for (code,) in con.execute(queries.UPLOAD_COMMUNES, [upload_id]).fetchall()}


def upload_communes_all(con: Connection) -> dict[int, frozenset[str]]:
    """The communes of every upload that has rows (rejected attempts have none)."""
    return {int(uid): frozenset(codes) for uid, codes in con.execute(queries.UPLOADS_COMMUNES).fetchall()}


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
