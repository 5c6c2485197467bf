"""Quản trị: accounts (add, role, assignments, password, disable) and the audit log. Admins only."""

import streamlit as st

import ui
from analytics import auth, present

admin = ui.require_role("users")
st.title(ui.tr("admin.title"))
flash = st.session_state.pop("admin_flash", None)
if flash:
    st.success(flash)

st.subheader(ui.tr("admin.users"))
accounts = ui.read(auth.users, admin)
ui.table(auth.users_table(accounts, ui.lang()), hide_index=True)

with st.expander(ui.tr("admin.add_user")):
    with st.form("admin_add_user", clear_on_submit=True):
        name = st.text_input(ui.tr("login.name"), max_chars=100, key="admin_new_name")
        display = st.text_input(ui.tr("admin.display_name"), max_chars=200, key="admin_new_display")
        role = st.selectbox(ui.tr("admin.role"), list(auth.ROLES), format_func=lambda r: ui.tr("role." + r),
                            key="admin_new_role")
        scopes = st.text_area(ui.tr("admin.scopes"), key="admin_new_scopes")
        pw1 = st.text_input(ui.tr("login.password"), type="password", key="admin_new_pw1")
        pw2 = st.text_input(ui.tr("admin.password_repeat"), type="password", key="admin_new_pw2")
        add = st.form_submit_button(ui.tr("admin.save"), type="primary")
    if add:
        if pw1 != pw2:
            ui.show_error(auth.InvalidArgument("auth.passwords_differ"))
        elif added := ui.act("users", auth.add_user, name, role, pw1 or None, display, scopes.splitlines()):
            st.session_state["admin_flash"] = ui.tr("auth.user_added", name=added.value, role=ui.tr("role." + role))
            st.rerun()


def change_user(con, user: auth.User, who: str, role: str, active: bool, scopes: list[str], password: str) -> None:
    """The edit form's changes, the new password with them (one write: both or neither)."""
    auth.change_user(con, user, who, role=role, active=active, scopes=scopes)
    if password:
        auth.set_password(con, user, who, password)


if not accounts.empty:
    with st.expander(ui.tr("admin.edit_user")):
        names = list(accounts["name"])
        who = st.selectbox(ui.tr("admin.user"), names, key="admin_edit_name")
        row = accounts.set_index("name").loc[who]
        with st.form("admin_edit_user"):
            role = st.selectbox(ui.tr("admin.role"), list(auth.ROLES), index=list(auth.ROLES).index(row["role"]),
                                format_func=lambda r: ui.tr("role." + r), key="admin_edit_role")
            active = st.checkbox(ui.tr("admin.active"), value=bool(row["active"]), key="admin_edit_active")
            scopes = st.text_area(ui.tr("admin.scopes"), value="\n".join(
                s.strip() for s in str(row["scopes"] or "").split(",") if s.strip()), key="admin_edit_scopes")
            pw = st.text_input(ui.tr("admin.new_password"), type="password", key="admin_edit_pw")
            save = st.form_submit_button(ui.tr("admin.save"), type="primary")
        if save and ui.act("users", change_user, who, role, active, scopes.splitlines(), pw):
            st.session_state["admin_flash"] = ui.tr("auth.user_changed", name=who)
            st.rerun()

st.subheader(ui.tr("admin.audit"))
st.caption(ui.tr("admin.audit_help"))
log = ui.read(auth.audit_log, admin, 1000)
upload_log = ui.read(ui.uploads, 200)
ui.table(auth.audit_table(log, ui.lang()), hide_index=True)
st.subheader(ui.tr("admin.uploads"))
ui.table(present.history_table(upload_log, ui.lang()), hide_index=True)
