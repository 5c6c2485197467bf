"""Who may do what: roles, sign-in with local accounts, and the checked write paths.

Roles
* ``viewer``   reads.
* ``uploader`` reads; uploads and withdraws figures of the districts/communes assigned to it.
* ``admin``    everything: settings, campaign, unit list, accounts, any upload.

Every write the app makes goes through a function here (or ``ingest.commit`` with a ``User``), which
calls ``require`` first, so a page that forgot to hide a button still cannot write. The CLI runs as the
local operator (``operator()``: an admin named ``cli:<os user>``): whoever can run it can open the
database file anyway, so a password there would protect nothing.

Local accounts keep a bcrypt hash (salted, slow; cost ``HOTICH_BCRYPT_ROUNDS``, default 12). Wrong
passwords are throttled, never locked: after ``HOTICH_MAX_FAILED_LOGINS`` (5) failures in a row of one
name from one client (and 4 times as many from one client, whatever the names), each further attempt
must wait a delay that doubles from ``HOTICH_LOGIN_DELAY_SECONDS`` (2) up to ``HOTICH_LOCKOUT_MINUTES``
(15). A hard lock would let anyone keep the administrator out by typing wrong passwords; a delay per
client only slows the one who types them. Unknown names get exactly the same answers, state and bcrypt
work as real ones, so nothing tells which accounts exist. With an OpenID Connect provider the app signs
in with ``st.login`` and maps the e-mail to an account row of the same name (no password). No Streamlit
here.
"""

from __future__ import annotations

import getpass
import math
import os
import re
import threading
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import bcrypt

from analytics import settings, store
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
    """Wrong name or password, a disabled account, or an attempt made before its wait was over."""


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
    """Failures in a row of one name from one client before each further attempt has to wait."""
    return settings.current().max_failed_logins


# a client (an office behind one address, or someone trying many names) gets this many times as many
CLIENT_FAILURE_FACTOR = 4


def lockout_minutes() -> float:
    """The longest wait between two attempts (the delays double up to it)."""
    return settings.current().lockout_minutes


def first_delay_seconds() -> float:
    return settings.current().login_delay_seconds


def forget_after() -> timedelta:
    """A name or client quiet this long starts again from zero failures."""
    return max(timedelta(hours=1), 2 * timedelta(minutes=lockout_minutes()))


def throttle_delay(failures: int, free: int) -> float:
    """Seconds to wait after the ``failures``-th failure in a row, when ``free`` failures cost nothing."""
    if failures < free:
        return 0.0
    cap = lockout_minutes() * 60
    return min(cap, first_delay_seconds() * 2 ** min(failures - free, 40))


def bcrypt_rounds() -> int:
    return settings.current().bcrypt_rounds


def view_requires_login() -> bool:
    """Whether reading the dashboard needs a sign-in (``HOTICH_VIEW_REQUIRES_LOGIN=1``; default open)."""
    return settings.current().view_requires_login


# --- the check ---------------------------------------------------------------------


def require(user: User | None, action: str, scope: Iterable[str] | None = None, **context: Any) -> None:
    """Raise ``Forbidden`` unless ``user`` may do ``action`` on the communes ``scope`` (codes).

    The message names the action (``auth.forbidden.<action>``, ``auth.outside.<action>``): a refused
    withdrawal speaks of the upload, not of "the file". ``context`` fills it in (e.g. ``upload_id``)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None:
        if action == "view" and not view_requires_login():
            return
        raise Forbidden("auth.sign_in_needed", action=action)
    if not user.can(action):
        raise Forbidden(f"auth.forbidden.{action}", user=user.name, role=user.role, action=action, **context)
    if user.is_admin or scope is None:
        return
    outside = sorted({str(c) for c in scope} - set(user.communes))
    if outside:
        shown = ", ".join(outside[:10]) + (" …" if len(outside) > 10 else "")
        raise Forbidden(f"auth.outside.{action}", user=user.name, communes=shown, count=len(outside),
                        action=action, **context)


def check(con: store.Connection, user: User | None, action: str, scope: Iterable[str] | None = None, *,
          target: str | None = None, file_name: str | None = None, **context: Any) -> None:
    """``require``, and when it refuses, an audit row ``refused:<action>`` (who, what, why) before raising.

    A refused write changes nothing, but someone tried it: the administrator should be able to see who."""
    codes = None if scope is None else sorted({str(c) for c in scope})
    try:
        require(user, action, codes, **context)
    except Forbidden as exc:
        _log_refusal(con, user, action, exc, target, file_name)
        raise


def _log_refusal(con: store.Connection, user: User | None, action: str, exc: Forbidden, target: str | None,
                 file_name: str | None) -> None:
    detail = {"reason": exc.key, "role": user.role if user else None}
    detail.update({k: exc.values[k] for k in ("communes", "count") if k in exc.values})
    store.record_refusal(con, user.name if user else None, f"refused:{action}", target, detail,
                         file_name=file_name, source=user.source if user else None)


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


# a hash to compare against when the name is unknown (or has no password), so a wrong name costs as long
# as a wrong password; one per cost factor, the cost of the real hashes
_DUMMY_HASHES: dict[int, str] = {}


def _dummy_hash() -> str:
    rounds = bcrypt_rounds()
    if rounds not in _DUMMY_HASHES:
        _DUMMY_HASHES[rounds] = bcrypt.hashpw(b"not-a-password", bcrypt.gensalt(rounds=rounds)).decode("ascii")
    return _DUMMY_HASHES[rounds]


def load_user(con: store.Connection, name: str, source: str = "app") -> User | None:
    """The account as it is now (role and assignments re-read), or None when unknown or disabled."""
    row = store.get_user(con, name)
    if row is None or not row["active"]:
        return None
    communes = frozenset(store.user_communes(con, name)) if row["role"] == "uploader" else frozenset()
    return User(name=row["name"], role=row["role"], source=source, communes=communes,
                display_name=row["display_name"])


# Sign-ins from one client are checked one at a time (the check of the wait, the bcrypt comparison and the
# new state), so a burst of parallel attempts cannot all slip through the same open moment. A fixed pool
# of locks: memory does not grow with the number of clients.
_CLIENT_LOCKS = [threading.Lock() for _ in range(64)]


def client_key(client: str | None) -> str:
    """The throttling key of a client: its IP address as the server saw it, or ``local``."""
    text = client.strip()[:100] if isinstance(client, str) else ""
    return text or "local"


def _tried_name(name: str) -> str:
    """The name as tried, for throttling: normalized like an account name, whether or not it is one."""
    return (name or "").strip().lower()[:100]


def _throttle_keys(name: str, client: str) -> dict[str, tuple[str | None, int]]:
    """key -> (name recorded on the row, failures that cost nothing)."""
    return {f"pair:{client}|{name}": (name, max_failures()),
            f"client:{client}": (None, max_failures() * CLIENT_FAILURE_FACTOR)}


def _failures_now(state: dict[str, Any] | None, now: datetime) -> int:
    if state is None or state["last_failure"] is None or now - state["last_failure"] > forget_after():
        return 0
    return int(state["failures"])


def authenticate(con: store.Connection, name: str, password: str, source: str = "app",
                 client: str | None = None) -> User:
    """Check a name and password from ``client`` (its IP address; the page passes it).

    Every refusal is ``auth.bad_login``, or ``auth.bad_login_wait`` with the seconds to wait once the
    failures of this name from this client (or of this client) ask for a pause; an attempt made before the
    pause is over is refused unchecked with the same message. Known and unknown names go through the same
    steps (same rows, same bcrypt work), so neither the answer nor its time tells whether an account exists.
    """
    tried, who = _tried_name(name), client_key(client)
    keys = _throttle_keys(tried, who)
    with _CLIENT_LOCKS[zlib.crc32(who.encode("utf-8")) % len(_CLIENT_LOCKS)]:
        now = store._now()
        states = {key: store.login_throttle(con, key) for key in keys}
        waits = [(state["next_allowed"] - now).total_seconds() for state in states.values()
                 if state is not None and state["next_allowed"] is not None and state["next_allowed"] > now]
        if waits:
            store.record_login(con, tried, "refused", known=False, source=source, client=who)
            raise SignInFailed("auth.bad_login_wait", seconds=max(1, math.ceil(max(waits))))
        try:
            row = store.get_user(con, normalize_name(name))
        except InvalidArgument:
            row = None
        hashed = row["password_hash"] if row is not None and row["password_hash"] else None
        matches = verify_password(password, hashed or _dummy_hash())  # the same work for every name
        ok = matches and hashed is not None and bool(row and row["active"])
        if ok:
            assert row is not None
            pair = next(iter(keys))
            # the client's count stays: signing in to one's own account must not reset a guesser's budget
            store.record_login(con, row["name"], "ok", known=True, source=source, client=who, clear=[pair])
            user = load_user(con, row["name"], source)
            if user is None:
                raise SignInFailed("auth.bad_login")
            return user
        rows, delay = [], 0.0
        for key, (account, free) in keys.items():
            failures = _failures_now(states[key], now) + 1
            wait = throttle_delay(failures, free)
            delay = max(delay, wait)
            rows.append((key, account, failures, now + timedelta(seconds=wait) if wait > 0 else None))
        store.record_login(con, tried, "failed", known=row is not None, source=source, client=who, throttle=rows)
    if delay > 0:
        raise SignInFailed("auth.bad_login_wait", seconds=max(1, math.ceil(delay)))
    raise SignInFailed("auth.bad_login")


def unlock(con: store.Connection, actor: User | None, name: str | None) -> int:
    """Lift the sign-in waits of account ``name`` (every client), or of everyone with None; logged.

    The administrator's way in when someone has been typing wrong passwords from the same address."""
    require(actor, "users")
    assert actor is not None
    key = None
    if name is not None:
        key = normalize_name(name)
        if store.get_user(con, key) is None:
            raise NotFoundError("auth.unknown_user", name=name)
    return store.clear_login_throttle(con, key, by=actor.name, source=actor.source)


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
    check(con, actor, "users", target=_tried_name(name))
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
    """A new password (admin, or the account itself); also lifts every sign-in wait of the account."""
    key = normalize_name(name)
    if actor is None or (actor.name != key and not actor.is_admin):
        check(con, actor, "users", target=key)  # refuses (and logs) anyone but an admin
    assert actor is not None  # check() refuses an anonymous actor
    store.update_user(con, key, by=actor.name, source=actor.source, password_hash=hash_password(password))


def change_user(con: store.Connection, actor: User | None, name: str, *, role: str | None = None,
                active: bool | None = None, scopes: Iterable[str] | None = None) -> None:
    check(con, actor, "users", target=_tried_name(name))
    key = normalize_name(name)
    if role is not None and role not in ROLES:
        raise InvalidArgument("auth.bad_role", role=role, roles=", ".join(ROLES))
    parsed = None if scopes is None else parse_scopes(con, scopes)
    assert actor is not None  # check() refuses an anonymous actor
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
    check(con, user, "withdraw", target=str(upload_id), upload_id=upload_id)
    assert user is not None
    if not user.is_admin:
        check(con, user, "withdraw", store.upload_communes(con, upload_id), target=str(upload_id),
              upload_id=upload_id)
    return store.withdraw_upload(con, upload_id, user=user.name, source=_src(user))


def set_campaign(con: store.Connection, user: User | None, province: str, name: str | None = None,
                 start: date | None = None, deadline: date | None = None) -> store.Campaign:
    check(con, user, "campaign", target=province)
    assert user is not None
    return store.set_campaign(con, province, name, start, deadline, user=user.name, source=_src(user))


def set_setting(con: store.Connection, user: User | None, province: str, key: str, value: str) -> None:
    check(con, user, "settings", target=province)
    assert user is not None
    store.set_setting(con, province, key, value, user=user.name, source=_src(user))


def save_settings(con: store.Connection, user: User | None, province: str, name: str | None, start: date | None,
                  deadline: date | None, settings: dict[str, str], measure: str | None = None) -> store.Campaign:
    """The Settings form: the campaign, its measure and the settings together, in one transaction
    (``store.save_settings``)."""
    check(con, user, "campaign", target=province)
    check(con, user, "settings", target=province)
    assert user is not None
    return store.save_settings(con, province, name, start, deadline, settings, measure=measure, user=user.name,
                               source=_src(user))


def set_default_measure(con: store.Connection, user: User | None, province: str, measure: str) -> None:
    check(con, user, "settings", target=province)
    assert user is not None
    store.set_default_measure(con, province, measure, user=user.name, source=_src(user))


def set_unit_deadline(con: store.Connection, user: User | None, province: str, level: str, code: str,
                      deadline: date | None) -> None:
    check(con, user, "campaign", target=code)
    assert user is not None
    store.set_unit_deadline(con, province, level, code, deadline, user=user.name, source=_src(user))


def setup_province(con: store.Connection, user: User | None, province: str,
                   structure_day: date | None = None) -> dict[str, Any]:
    """Set the database up for another province (the shipped unit lists, the province shown first)."""
    from analytics import structures

    check(con, user, "units", target=province)
    result = structures.setup(con, province, structure_day)
    with store.transaction(con) as con:
        store.record_audit(con, user.name if user else None, "setup", result["province_id"],
                           {"structure": result["structure"]}, source=_src(user) if user else None)
    return result


def replace_units(con: store.Connection, user: User | None, rows: list[dict[str, Any]],
                  file_name: str | None = None) -> dict[str, int]:
    check(con, user, "units", file_name=file_name)
    assert user is not None
    return store.replace_units(con, rows, user=user.name, source=_src(user), file_name=file_name)


def add_alias(con: store.Connection, user: User | None, province: str, district: str | None, alias_key: str,
              commune_code: str) -> None:
    check(con, user, "alias", [commune_code], target=commune_code)
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
    code = store.canonical_code(commune_code, "commune") or ""
    check(con, user, "explain", [code], target=code or str(commune_code))
    assert user is not None
    return store.add_explanation(con, province, commune_code, explained_on, reason, new_completion_date,
                                 responsible, user=user.name)


def delete_explanation(con: store.Connection, user: User | None, explanation_id: int) -> None:
    check(con, user, "explain", target=str(explanation_id))
    assert user is not None
    if not user.is_admin:
        codes = store.explanations_commune(con, explanation_id)
        check(con, user, "explain", codes, target=str(explanation_id))
    store.delete_explanation(con, explanation_id, user=user.name)


def visible_uploads(user: User | None, uploads: Any, communes: dict[int, frozenset[str]]) -> Any:
    """The upload log as ``user`` may see it: everything for an admin; for an uploader its own attempts and
    the uploads that touch its communes (file names of other districts are not its business)."""
    if user is None or user.is_admin:
        return uploads
    mine = set(user.communes)
    keep = [str(r["user_name"] or "") == user.name or bool(communes.get(int(r["upload_id"]), frozenset()) & mine)
            for r in uploads.to_dict("records")]
    return uploads.loc[[bool(k) for k in keep]] if keep else uploads.iloc[0:0]


def withdrawable_uploads(user: User | None, uploads: Any, communes: dict[int, frozenset[str]]) -> Any:
    """The uploads ``user`` could withdraw: all for an admin; for an uploader those wholly inside its
    communes (``withdraw_upload`` refuses the others), so the list offers nothing that would be refused."""
    if user is None or user.is_admin:
        return uploads
    mine = set(user.communes)
    keep = [bool(communes.get(int(r["upload_id"]))) and communes[int(r["upload_id"])] <= mine
            for r in uploads.to_dict("records")]
    return uploads.loc[[bool(k) for k in keep]] if keep else uploads.iloc[0:0]


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
