"""Sign-in and roles.

The signed-in account lives in ``st.session_state["auth_user"]`` (its name, set only by the sign-in form
after the password was checked, or by ``st.login`` through OpenID Connect). A browser cannot write
session_state, so a test may set it directly, as the form does. The account is re-read from the
database at every run: a disabled account or a changed role takes effect at once.
"""

from __future__ import annotations

import streamlit as st

from analytics import auth, settings, store
from ui.data import db_path
from ui.text import lang, md, show_error, tr


def oidc_configured() -> bool:
    """An OpenID Connect provider is configured in .streamlit/secrets.toml ([auth])."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def open_mode_allowed() -> bool:
    """No account exists yet (first start, demo): everyone may act, with a warning. HOTICH_OPEN_MODE=0 forbids."""
    return settings.current().open_mode and not oidc_configured()


def _resolve_user() -> auth.User | None:
    with store.session(db_path()) as con:
        if oidc_configured() and getattr(st.user, "is_logged_in", False):
            email = st.user.get("email")
            return auth.oidc_user(con, email if isinstance(email, str) else None)
        name = st.session_state.get("auth_user")
        if name:
            user = auth.load_user(con, str(name))
            if user is None:
                st.session_state.pop("auth_user", None)
            return user
        if open_mode_allowed() and store.user_count(con) == 0:
            return auth.OPEN_USER
    return None


def current_user() -> auth.User | None:
    """The acting account of this run (resolved once per run by ``sign_in_state``)."""
    if "_auth_current" not in st.session_state:
        st.session_state["_auth_current"] = _resolve_user()
    return st.session_state["_auth_current"]


def sign_in_state() -> auth.User | None:
    """Resolve the account for this run and show who is signed in (with a sign-out button) in the sidebar."""
    st.session_state["_auth_current"] = user = _resolve_user()
    with st.sidebar:
        if user is auth.OPEN_USER:
            st.warning(tr("auth.open_mode"), icon=":material/lock_open:")
        elif user is not None:
            st.caption(tr("login.signed_in_as", name=md(user.display_name or user.name), role=tr("role." + user.role)))
            if st.button(tr("login.sign_out"), key="sign_out"):
                st.session_state.pop("auth_user", None)
                st.session_state.pop("_auth_current", None)
                if user.source == "oidc":
                    st.logout()
                st.rerun()
        elif oidc_configured() and getattr(st.user, "is_logged_in", False):
            st.error(tr("auth.no_account", email=md(st.user.get("email") or "?")))
            if st.button(tr("login.sign_out"), key="sign_out"):
                st.logout()
    return user


def sign_in(name: str, password: str) -> None:
    """Check a name and password (throttled per client); signed in, the app runs again as that account."""
    try:
        with store.session(db_path()) as con:
            user = auth.authenticate(con, name, password, client=client_address())
    except (auth.SignInFailed, auth.Forbidden) as exc:
        st.error(exc.render(lang()))
        return
    st.session_state["auth_user"] = user.name
    st.session_state.pop("_auth_current", None)
    st.rerun()


def client_address() -> str | None:
    """The browser's IP address as the server saw it (None on localhost): the key of sign-in throttling.

    Behind a reverse proxy on the same machine, the server (uvicorn) takes it from the proxy's
    X-Forwarded-For header; it trusts that header from 127.0.0.1 only, so a browser cannot choose it."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - outside a browser session (tests, bare mode)
        return None
    return address if isinstance(address, str) else None  # AppTest has no connection (a stand-in object)


def can_view(user: auth.User | None) -> bool:
    return user is not None or not auth.view_requires_login()


def require_role(action: str) -> auth.User:
    """At the top of a page that writes: stop with a message unless the account may ``action``."""
    user = current_user()
    try:
        auth.require(user, action)
    except auth.Forbidden as exc:
        show_error(exc)
        st.stop()
    assert user is not None
    return user
