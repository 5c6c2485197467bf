"""Đăng nhập: a local account (name and password), or the organisation's OpenID Connect provider."""

import streamlit as st

import ui
from analytics import auth, store

st.title(ui.tr("login.title"))
if auth.view_requires_login():
    st.info(ui.tr("login.required"))
else:
    st.caption(ui.tr("login.view_open"))

if ui.oidc_configured():
    if st.button(ui.tr("login.oidc"), key="login_oidc", type="primary"):
        st.login()

with st.form("login_form"):
    name = st.text_input(ui.tr("login.name"), max_chars=100, key="login_name")
    password = st.text_input(ui.tr("login.password"), type="password", max_chars=200, key="login_password")
    submitted = st.form_submit_button(ui.tr("login.submit"), type="primary")
if submitted:
    try:
        with store.session(ui.db_path()) as con:
            user = auth.authenticate(con, name, password, client=ui.client_address())  # throttled per client
    except (auth.SignInFailed, auth.Forbidden) as exc:
        st.error(exc.render(ui.lang()))
    else:
        st.session_state["auth_user"] = user.name
        st.session_state.pop("_auth_current", None)
        st.rerun()
