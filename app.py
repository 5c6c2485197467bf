"""Entry point and router: page config, the shared sidebar, navigation."""

from pathlib import Path

import streamlit as st

import ui
import urlstate

st.set_page_config(page_title=ui.tr("app.title"), page_icon=":material/menu_book:", layout="wide",
                   initial_sidebar_state="auto")
st.html(Path(__file__).resolve().parent / "assets" / "layout.css")  # phone and laptop layout (no data in it)
with st.container(key="history_script"):  # one history entry per view (Back after the page menu), no data
    st.html(Path(__file__).resolve().parent / "assets" / "history.js", unsafe_allow_javascript=True)

ui.ensure_demo_on_first_start()
user = ui.sign_in_state()  # who is signed in; pages that write check the role again
viewing = ui.can_view(user)
if viewing:
    state = ui.sidebar()
    st.session_state["view"] = state

pages = [] if not viewing else [
    st.Page("views/overview.py", title=ui.tr("nav.overview"), icon=":material/dashboard:", default=True),
    # the default page lives at "/"; /tong-quan (its name in links and screenshots) opens it too
    st.Page("views/overview.py", title=ui.tr("nav.overview"), icon=":material/dashboard:", url_path="tong-quan",
            visibility="hidden"),
    st.Page("views/localities.py", title=ui.tr("nav.localities"), icon=":material/map:", url_path="dia-ban"),
    st.Page("views/underperformers.py", title=ui.tr("nav.underperformers"), icon=":material/warning:", url_path="cham-tien-do"),
    st.Page("views/cutoff.py", title=ui.tr("nav.cutoff", time=ui.data(ui.cutoff_label, state.province, state.lang)),
            icon=":material/schedule:", url_path="bao-cao-17h"),
    st.Page("views/map.py", title=ui.tr("nav.map"), icon=":material/location_on:", url_path="ban-do"),
    # with several provinces in the unit structure shown: the country, ranked
    *([st.Page("views/national.py", title=ui.tr("nav.national"), icon=":material/public:", url_path="toan-quoc")]
      if state.provinces_in_structure > 1 else []),
    *([st.Page("views/upload.py", title=ui.tr("nav.upload"), icon=":material/upload_file:", url_path="tai-len")]
      if user is not None and user.can("upload") else []),  # the menu shows what the role may do
    *([st.Page("views/settings.py", title=ui.tr("nav.settings"), icon=":material/settings:", url_path="cai-dat")]
      if user is not None and user.can("settings") else []),
]
if user is not None and user.can("users"):
    pages.append(st.Page("views/admin.py", title=ui.tr("nav.admin"), icon=":material/admin_panel_settings:", url_path="quan-tri"))
if user is None:
    pages.append(st.Page("views/login.py", title=ui.tr("nav.login"), icon=":material/login:", url_path="dang-nhap",
                         default=not viewing))
st.navigation(pages).run()
urlstate.flush()  # the view in the URL: one history entry per change (Back steps through views)
