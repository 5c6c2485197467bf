"""Connections to the DuckDB file and the process's write discipline; ``Database`` picks the backend.

Concurrency design on the DuckDB file (DuckDB allows one writing process per file):
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

With ``HOTICH_DB=postgresql://…`` none of this applies: ``analytics.store.pg`` takes over."""

from __future__ import annotations

import contextlib
import functools
import os
import random
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import duckdb

from analytics import config, queries, settings
from analytics.errors import DatabaseBusy
from analytics.store import pg
from analytics.store.base import Connection
from analytics.store.meta import data_version


def lock_timeout() -> float:
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
        if args and id(args[0]) in _JOINED:  # a conflict aborts the outer transaction: only it can run again
            return fn(*args, **kwargs)
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
    """Open (creating and migrating when new) the database, waiting while another process holds it.

    On PostgreSQL (a ``postgresql://`` URL): a connection to this process's mirror, brought up to date."""
    url = pg.url_of(path)
    if url is not None:
        return pg.database(url).cursor()
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
                    from analytics.store.schema import ensure_schema  # schema needs this module

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
    url = pg.url_of(path)
    if url is not None:  # PostgreSQL: no file to let go of; the mirror is shared by the process's threads
        with pg.database(url).session(read_only=read_only) as con:
            yield con
        return
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


# connections inside ``transaction`` -> what to write once it has ended (refusals: logged whatever became of it)
_JOINED: dict[int, list[Callable[[Connection], None]]] = {}


def in_transaction(con: Connection) -> bool:
    """This connection is inside ``transaction`` (a write started now joins it)."""
    return id(con) in _JOINED


def _after(con: Connection, pending: list[Callable[[Connection], None]]) -> None:
    for log in pending:
        with contextlib.suppress(duckdb.Error):
            log(con)


@contextlib.contextmanager
def transaction(con: Connection) -> Iterator[Connection]:
    """All or nothing: commit on success, roll back on any exception. One writer per process at a time.

    Write through the connection this yields (``with transaction(con) as con:``): on PostgreSQL it is the
    write's own connection (``pg.PgTransaction``), on the DuckDB file it is ``con`` itself.
    A transaction opened inside another (on its connection) joins it: the outer one commits or rolls back
    everything, so an action made of several writes (the Settings form) lands whole or not at all."""
    if id(con) in _JOINED:
        yield con
        return
    pending: list[Callable[[Connection], None]] = []
    db = pg.database_of(con)
    if db is not None:
        keys = [id(con)]
        try:
            with db.transaction(con) as tx:
                keys.append(id(tx))
                for key in keys:
                    _JOINED[key] = pending
                yield cast(Connection, tx)  # a PgTransaction offers the connection methods the writes call
        finally:
            for key in keys:
                _JOINED.pop(key, None)
            _after(con, pending)
        return
    with _WRITE_LOCK:
        _JOINED[id(con)] = pending
        try:
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
        finally:
            del _JOINED[id(con)]
            _after(con, pending)


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
    if pg.url_of(path) is not None:
        return False  # PostgreSQL: the pool and the mirror stay open anyway
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
        keys = list(_PARKED) if path is None or pg.url_of(path) else [str(config.db_path(path))]
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
_OVERLAYS: set[int] = set()  # connections inside ``what_if`` (figures that are not the data version's)


def cache_key(con: Connection) -> tuple[str, int] | None:
    """(database file, data version): what an answer computed on ``con`` depends on, for memoizing it in
    the process; None inside a ``what_if`` overlay, whose figures no version describes."""
    if id(con) in _OVERLAYS:
        return None
    path = con.execute(queries.DATABASE_FILE).fetchone()[0]
    if path is None:  # in memory: maybe the mirror of a PostgreSQL database
        db = pg.database_of(con)
        if db is not None:
            return db.url, data_version(con)
    return str(path or ":memory:"), data_version(con)


class Database:
    """One place the data lives, as datasette's ``Database``: it owns its connections, runs reads
    (``execute``) and hands writes a connection inside one transaction (``transaction``).

    ``Database.open()`` picks the backend from the target (else ``HOTICH_DB``): a DuckDB file (the
    default; the protocol above) or a ``postgresql://`` URL (``pg.PgDatabase``: a pool, and the
    in-memory DuckDB mirror every read runs on)."""

    def __init__(self, target: str | os.PathLike[str] | None = None) -> None:
        self.url = pg.url_of(target)
        self.target = self.url or str(config.db_path(target))
        self.backend = "postgresql" if self.url else "duckdb"

    @classmethod
    def open(cls, target: str | os.PathLike[str] | None = None) -> Database:
        return cls(target)

    def connect(self, **kw: Any) -> Connection:
        return connect(self.target, **kw)

    @contextlib.contextmanager
    def session(self, *, read_only: bool = False, **kw: Any) -> Iterator[Connection]:
        with session(self.target, read_only=read_only, **kw) as con:
            yield con

    def execute(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        """A read in a short session, whole."""
        with self.session(read_only=True) as con:
            return con.execute(sql, params).fetchall() if params is not None else con.execute(sql).fetchall()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Any]:
        """A session and one write transaction in it: ``with db.transaction() as con: ...``."""
        with self.session() as con, transaction(con) as tx:
            yield tx
