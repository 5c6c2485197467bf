"""Accounts, their assignments and sign-in throttling."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from analytics import lazy, queries
from analytics.errors import InvalidArgument, NotFoundError
from analytics.store.audit import record_audit
from analytics.store.base import Connection, _now
from analytics.store.database import retry_conflicts, transaction

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame


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
    with transaction(con) as con:
        con.execute(queries.USER_INSERT, [name, role, password_hash, display_name, _now(), by])
        record_audit(con, by, "user.add", name, {"role": role}, source=source)


@retry_conflicts
def update_user(con: Connection, name: str, *, by: str | None, source: str | None = None,
                password_hash: str | None = None, role: str | None = None, active: bool | None = None,
                scopes: list[tuple[str, str]] | None = None) -> None:
    """Change an account: password, role, active flag or assignments (each given one is replaced)."""
    if get_user(con, name) is None:
        raise NotFoundError("auth.unknown_user", name=name)
    with transaction(con) as con:
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
    with transaction(con) as con:
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
    with transaction(con) as con:
        if account is None:
            count = int(con.execute(queries.THROTTLE_COUNT_ALL).fetchone()[0])
            con.execute(queries.THROTTLE_DELETE_ALL)
        else:
            count = int(con.execute(queries.THROTTLE_COUNT_ACCOUNT, [account]).fetchone()[0])
            con.execute(queries.THROTTLE_DELETE_ACCOUNT, [account])
        record_audit(con, by, "user.unlock", account or "*", {"rows": count}, source=source)
    return count
