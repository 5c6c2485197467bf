"""Đăng nhập: a local account (name and password), or the organisation's OpenID Connect provider."""

import streamlit as st

import ui
from analytics import auth

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
    ui.sign_in(name, password)  # throttled per client
