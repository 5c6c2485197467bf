"""Who may do what: roles, sign-in with local accounts, and the checked write paths.

Roles
* ``viewer``   reads.
* ``uploader`` reads; uploads and withdraws figures of the districts/communes assigned to it.
* ``admin``    everything: settings, campaign, unit list, accounts, any upload.

Every write the app makes goes through a function here (or ``ingest.commit`` with a ``User``), which
calls ``require`` first, so a page that forgot to hide a button still cannot write. The CLI runs as the
local operator (``operator()``: an admin named ``cli:<os user>``): whoever can run it can open the
database file anyway, so a password there would protect nothing.

Local accounts keep a bcrypt hash (salted, slow; cost ``HOTICH_BCRYPT_ROUNDS``, default 12). After
``HOTICH_MAX_FAILED_LOGINS`` (5) failures in a row an account is locked for ``HOTICH_LOCKOUT_MINUTES``
(15). With an OpenID Connect provider the app signs in with ``st.login`` and maps the e-mail to an
account row of the same name (no password). No Streamlit here.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import bcrypt

from analytics import store
from analytics.errors import HotichError, InvalidArgument, NotFoundError

ROLES = ("viewer", "uploader", "admin")
# action -> roles that may do it (uploader actions are further limited to its communes)
ACTIONS: dict[str, tuple[str, ...]] = {
    "view": ("viewer", "uploader", "admin"),
    "upload": ("uploader", "admin"),
    "withdraw": ("uploader", "admin"),
    "explain": ("uploader", "admin"),
    "alias": ("uploader", "admin"),
    "settings": ("admin",),
    "campaign": ("admin",),
    "units": ("admin",),
    "users": ("admin",),
    "audit": ("admin",),
    "demo": ("admin",),
    "restore": ("admin",),
}
SCOPE_LEVELS = ("province", "district", "commune")
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@+-]{0,99}$")
MIN_PASSWORD = 8
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; longer passwords are refused, not silently cut


class Forbidden(HotichError):
    """The signed-in account may not do this (or nobody is signed in)."""


class SignInFailed(HotichError):
    """Wrong name or password, or a locked or disabled account."""


@dataclass(frozen=True)
class User:
    """The acting account. ``communes``: what an uploader may change (resolved from its assignments)."""

    name: str
    role: str
    source: str = "app"  # app | oidc | cli | open
    communes: frozenset[str] = field(default_factory=frozenset)
    display_name: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can(self, action: str) -> bool:
        return self.role in ACTIONS.get(action, ())


def operator(name: str | None = None) -> User:
    """The local operator of the command line: an admin named ``cli:<os user>``."""
    who = name or os.environ.get("USER") or _os_user()
    return User(name=who if who.startswith("cli:") else f"cli:{who}", role="admin", source="cli")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some containers
        return "operator"


OPEN_USER = User(name="(open)", role="admin", source="open")


def max_failures() -> int:
    return int(os.environ.get("HOTICH_MAX_FAILED_LOGINS", "5"))


def lockout_minutes() -> float:
    return float(os.environ.get("HOTICH_LOCKOUT_MINUTES", "15"))


def bcrypt_rounds() -> int:
    return max(4, min(16, int(os.environ.get("HOTICH_BCRYPT_ROUNDS", "12"))))


def view_requires_login() -> bool:
    """Whether reading the dashboard needs a sign-in (``HOTICH_VIEW_REQUIRES_LOGIN=1``; default open)."""
    return os.environ.get("HOTICH_VIEW_REQUIRES_LOGIN", "0").strip().lower() in ("1", "true", "yes")


# --- the check ---------------------------------------------------------------------


def require(user: User | None, action: str, scope: Iterable[str] | None = None) -> None:
    """Raise ``Forbidden`` unless ``user`` may do ``action`` on the communes ``scope`` (codes)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None:
        if action == "view" and not view_requires_login():
            return
        raise Forbidden("auth.sign_in_needed")
    if not user.can(action):
        raise Forbidden("auth.forbidden", user=user.name, role=user.role, action=action)
    if user.is_admin or scope is None:
        return
    outside = sorted({str(c) for c in scope} - set(user.communes))
    if outside:
        shown = ", ".join(outside[:10]) + (" …" if len(outside) > 10 else "")
        raise Forbidden("auth.outside_scope", user=user.name, communes=shown, count=len(outside))


# --- accounts ------------------------------------------------------------------------


def normalize_name(name: str) -> str:
    text = (name or "").strip().lower()
    if not NAME_RE.match(text):
        raise InvalidArgument("auth.bad_name", name=name)
    return text


def _check_password(password: str) -> bytes:
    raw = (password or "").encode("utf-8")
    if len(password or "") < MIN_PASSWORD:
        raise InvalidArgument("auth.password_short", min=MIN_PASSWORD)
    if len(raw) > MAX_PASSWORD_BYTES:
        raise InvalidArgument("auth.password_long", max=MAX_PASSWORD_BYTES)
    return raw


def hash_password(password: str) -> str:
    return bcrypt.hashpw(_check_password(password), bcrypt.gensalt(rounds=bcrypt_rounds())).decode("ascii")


def verify_password(password: str, hashed: str | None) -> bool:
    raw = (password or "").encode("utf-8")
    if not hashed or len(raw) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(raw, hashed.encode("ascii"))
    except ValueError:
        return False


# a hash to compare against when the name is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=bcrypt_rounds())).decode("ascii")
    return _DUMMY_HASH


def load_user(con: store.Connection, name: str, source: str = "app") -> User | None:
    """The account as it is now (role and assignments re-read), or None when unknown or disabled."""
    row = store.get_user(con, name)
    if row is None or not row["active"]:
        return None
    communes = frozenset(store.user_communes(con, name)) if row["role"] == "uploader" else frozenset()
    return User(name=row["name"], role=row["role"], source=source, communes=communes,
                display_name=row["display_name"])


def authenticate(con: store.Connection, name: str, password: str, source: str = "app") -> User:
    """Check a name and password; count failures and lock the account after too many."""
    try:
        key = normalize_name(name)
    except InvalidArgument:
        verify_password(password, _dummy_hash())
        raise SignInFailed("auth.bad_login") from None
    row = store.get_user(con, key)
    now = store._now()
    if row is None:
        verify_password(password, _dummy_hash())
        store.record_login(con, key, False, max_failures=max_failures(), lock_until=now, known=False,
                           source=source)
        raise SignInFailed("auth.bad_login")
    if row["locked_until"] is not None and row["locked_until"] > now:
        minutes = max(1, round((row["locked_until"] - now).total_seconds() / 60))
        raise SignInFailed("auth.locked", minutes=minutes)
    ok = bool(row["active"]) and verify_password(password, row["password_hash"])
    store.record_login(con, key, ok, max_failures=max_failures(),
                       lock_until=now + timedelta(minutes=lockout_minutes()), known=True, source=source)
    if not ok:
        after = store.get_user(con, key)
        if after and after["locked_until"] is not None and after["locked_until"] > now:
            raise SignInFailed("auth.locked", minutes=round(lockout_minutes()))
        raise SignInFailed("auth.bad_login")
    user = load_user(con, key, source)
    if user is None:
        raise SignInFailed("auth.bad_login")
    return user


def parse_scopes(con: store.Connection, items: Iterable[str]) -> list[tuple[str, str]]:
    """``district:502``, ``commune:20335``, ``province:49`` (or a bare code: its level by its width)."""
    out: list[tuple[str, str]] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if ":" in text:
            level, code = text.split(":", 1)
            level = level.strip().lower()
        else:
            code = text
            level = {2: "province", 3: "district", 5: "commune"}.get(len(text.strip()), "commune")
        if level not in SCOPE_LEVELS:
            raise InvalidArgument("auth.bad_scope", scope=text)
        canon = store.canonical_code(code, level)
        if not canon or not con.execute(store.queries.UNIT_EXISTS, [level, canon]).fetchone()[0]:
            raise NotFoundError("auth.unknown_scope", scope=text)
        out.append((level, canon))
    return out


def add_user(con: store.Connection, actor: User | None, name: str, role: str, password: str | None = None,
             display_name: str | None = None, scopes: Iterable[str] = ()) -> str:
    """Create an account (admin only). Without a password it can sign in through OpenID only."""
    require(actor, "users")
    key = _account_name(name)
    if role not in ROLES:
        raise InvalidArgument("auth.bad_role", role=role, roles=", ".join(ROLES))
    hashed = hash_password(password) if password else None
    parsed = parse_scopes(con, scopes)
    store.insert_user(con, key, role, hashed, (display_name or "").strip()[:200] or None,
                      by=actor.name if actor else None, source=actor.source if actor else None)
    if parsed:
        store.update_user(con, key, by=actor.name if actor else None, source=actor.source if actor else None,
                          scopes=parsed)
    return key


def _account_name(name: str) -> str:
    return normalize_name(name)


def set_password(con: store.Connection, actor: User | None, name: str, password: str) -> None:
    """A new password (admin, or the account itself); also lifts a lock-out."""
    key = normalize_name(name)
    if actor is None or (actor.name != key and not actor.is_admin):
        raise Forbidden("auth.forbidden", user=getattr(actor, "name", "-"), role=getattr(actor, "role", "-"),
                        action="users")
    store.update_user(con, key, by=actor.name, source=actor.source, password_hash=hash_password(password))


def change_user(con: store.Connection, actor: User | None, name: str, *, role: str | None = None,
                active: bool | None = None, scopes: Iterable[str] | None = None) -> None:
    require(actor, "users")
    key = normalize_name(name)
    if role is not None and role not in ROLES:
        raise InvalidArgument("auth.bad_role", role=role, roles=", ".join(ROLES))
    parsed = None if scopes is None else parse_scopes(con, scopes)
    store.update_user(con, key, by=actor.name, source=actor.source, role=role, active=active, scopes=parsed)


def oidc_user(con: store.Connection, email: str | None) -> User | None:
    """The account whose name is this OpenID e-mail (lower case), or None."""
    if not email:
        return None
    try:
        key = normalize_name(email)
    except InvalidArgument:
        return None
    return load_user(con, key, source="oidc")


# --- checked writes: what the app calls --------------------------------------------------


def _src(user: User) -> str:
    return user.source


def withdraw_upload(con: store.Connection, user: User | None, upload_id: int) -> int:
    require(user, "withdraw")
    assert user is not None
    if not user.is_admin:
        require(user, "withdraw", store.upload_communes(con, upload_id))
    return store.withdraw_upload(con, upload_id, user=user.name, source=_src(user))


def set_campaign(con: store.Connection, user: User | None, province: str, name: str | None = None,
                 start: date | None = None, deadline: date | None = None) -> store.Campaign:
    require(user, "campaign")
    assert user is not None
    return store.set_campaign(con, province, name, start, deadline, user=user.name, source=_src(user))


def set_setting(con: store.Connection, user: User | None, province: str, key: str, value: str) -> None:
    require(user, "settings")
    assert user is not None
    store.set_setting(con, province, key, value, user=user.name, source=_src(user))


def replace_units(con: store.Connection, user: User | None, rows: list[dict[str, Any]],
                  file_name: str | None = None) -> dict[str, int]:
    require(user, "units")
    assert user is not None
    return store.replace_units(con, rows, user=user.name, source=_src(user), file_name=file_name)


def add_alias(con: store.Connection, user: User | None, province: str, district: str | None, alias_key: str,
              commune_code: str) -> None:
    require(user, "alias", [commune_code])
    assert user is not None
    store.add_alias(con, province, district, alias_key, commune_code, user=user.name, source=_src(user))


def add_district_alias(con: store.Connection, user: User | None, province: str, alias_key: str,
                       district_code: str) -> None:
    """Remember a district name (uploaders only for a district whose communes they may upload)."""
    communes = store.all_communes(con)
    require(user, "alias", set(communes.loc[communes["district_code"] == district_code, "commune_code"]))
    assert user is not None
    store.add_district_alias(con, province, alias_key, district_code, user=user.name, source=_src(user))


def add_explanation(con: store.Connection, user: User | None, province: str, commune_code: str,
                    explained_on: date, reason: str, new_completion_date: date | None = None,
                    responsible: str | None = None) -> int:
    require(user, "explain", [store.canonical_code(commune_code, "commune") or ""])
    assert user is not None
    return store.add_explanation(con, province, commune_code, explained_on, reason, new_completion_date,
                                 responsible, user=user.name)


def delete_explanation(con: store.Connection, user: User | None, explanation_id: int) -> None:
    require(user, "explain")
    assert user is not None
    if not user.is_admin:
        codes = store.explanations_commune(con, explanation_id)
        require(user, "explain", codes)
    store.delete_explanation(con, explanation_id, user=user.name)


def audit_log(con: store.Connection, user: User | None, limit: int = 1000):
    require(user, "audit")
    return store.audit_log(con, limit)


def users(con: store.Connection, user: User | None):
    require(user, "users")
    return store.users(con)


def now() -> datetime:
    return store._now()


# --- display tables for the admin page (plain text cells: never rendered as HTML/Markdown) -----------


def _when(value: Any) -> str:
    import pandas as pd

    from analytics.i18n import fmt_date

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "–"
    return fmt_date(pd.Timestamp(value).to_pydatetime())


def users_table(df: Any, lang: str = "vi") -> Any:
    import pandas as pd

    from analytics.i18n import t

    rows = df.to_dict("records")
    return pd.DataFrame({
        t("col.account", lang): [str(r["name"]) for r in rows],
        t("admin.display_name", lang): [str(r["display_name"] or "") for r in rows],
        t("col.role", lang): [t("role." + str(r["role"]), lang) for r in rows],
        t("col.scopes", lang): [str(r["scopes"] or "") for r in rows],
        t("col.active", lang): [bool(r["active"]) for r in rows],
        t("col.locked_until", lang): [_when(r["locked_until"]) for r in rows],
        t("col.last_login", lang): [_when(r["last_login"]) for r in rows],
    })


def audit_table(df: Any, lang: str = "vi") -> Any:
    import pandas as pd

    from analytics.i18n import t

    rows = df.to_dict("records")
    return pd.DataFrame({
        t("col.when", lang): [_when(r["logged_at"]) for r in rows],
        t("col.actor", lang): [str(r["user_name"] or "–") for r in rows],
        t("col.source", lang): [str(r["source"] or "–") for r in rows],
        t("col.action", lang): [str(r["action"]) for r in rows],
        t("col.target", lang): [str(r["target"] or "") for r in rows],
        t("col.detail", lang): [str(r["detail"] or "") for r in rows],
        t("col.file", lang): [str(r["file_name"] or "") for r in rows],
    })
