"""Entry point and router: page config, the shared sidebar, navigation."""

import streamlit as st

import ui

st.set_page_config(page_title="Số hóa hộ tịch", page_icon="📚", layout="wide",
                   initial_sidebar_state="auto")

ui.ensure_demo_on_first_start()
state = ui.sidebar()
st.session_state["view"] = state

pages = [
    st.Page("pages/overview.py", title=ui.tr("nav.overview"), icon="📊", url_path="tong-quan", default=True),
    st.Page("pages/localities.py", title=ui.tr("nav.localities"), icon="🗺️", url_path="dia-ban"),
    st.Page("pages/underperformers.py", title=ui.tr("nav.underperformers"), icon="⚠️", url_path="cham-tien-do"),
    st.Page("pages/upload.py", title=ui.tr("nav.upload"), icon="📤", url_path="tai-len"),
    st.Page("pages/settings.py", title=ui.tr("nav.settings"), icon="⚙️", url_path="cai-dat"),
]
st.navigation(pages).run()
