"""Tải lên: check a file, see what it would change, then confirm. Same ingest path as the CLI."""

import streamlit as st

import ui
from analytics import config, ingest, present, store
from analytics.errors import HotichError

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("upload.title"))
ui.demo_banner(state)
st.caption(ui.tr("upload.help"))

with st.expander(ui.tr("upload.templates")):
    csv_t = config.TEMPLATES_DIR / "mau_bao_cao.csv"
    xlsx_t = config.TEMPLATES_DIR / "mau_bao_cao.xlsx"
    col1, col2 = st.columns(2)
    col1.download_button(ui.tr("upload.template_csv"), csv_t.read_bytes(), file_name=csv_t.name, mime="text/csv")
    col2.download_button(ui.tr("upload.template_xlsx"), xlsx_t.read_bytes(), file_name=xlsx_t.name,
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

files = st.file_uploader(ui.tr("upload.file"), type=["csv", "xlsx", "txt"], accept_multiple_files=True,
                         key="upload_files")
use_date = st.checkbox(ui.tr("upload.use_date"), key="upload_use_date")
given_date = st.date_input(ui.tr("upload.date"), value=state.as_of, format="DD/MM/YYYY", key="upload_date",
                           disabled=not use_date)

for f in files or []:
    data = f.getvalue()
    st.subheader(f.name)
    try:
        with store.session(state.path) as con:
            prep = ingest.prepare(con, data, f.name, report_date=given_date if use_date else None)
    except HotichError as exc:
        ui.show_error(exc)
        continue
    if prep.errors:
        logged = st.session_state.setdefault("rejected_logged", set())
        if prep.sha256 not in logged:  # the attempt is logged once, not at every rerun
            with store.session(state.path) as con:
                ingest.reject(con, prep, source="app")
            logged.add(prep.sha256)
        st.error(ui.tr("upload.rejected", file=f.name, count=len(prep.errors)))
        st.dataframe(present.problems_table(prep.errors, lang), hide_index=True)
        continue
    st.info(present.describe_prepared(prep, lang))
    if prep.warnings:
        st.warning(ui.tr("upload.warnings", count=len(prep.warnings)))
        st.dataframe(present.problems_table(prep.warnings, lang), hide_index=True)
    with st.expander(ui.tr("upload.preview")):
        st.dataframe(present.preview_table(prep, ui.communes(state.path, state.version), lang), hide_index=True)
    ok_warn = True
    if prep.warnings:
        ok_warn = st.checkbox(ui.tr("upload.confirm_warnings"), key=f"warn_{prep.sha256}")
    if st.button(ui.tr("upload.confirm"), key=f"confirm_{prep.sha256}", type="primary", disabled=not ok_warn):
        try:
            with store.session(state.path) as con:
                result = ingest.commit(con, prep, source="app")
        except HotichError as exc:
            ui.show_error(exc)
            continue
        if result.unchanged:
            st.success(ui.tr("upload.unchanged", file=f.name, upload_id=result.upload_id))
        else:
            st.success(ui.tr("upload.ok", rows=result.rows, communes=result.communes, file=f.name,
                             dates=", ".join(result.report_dates)))
            st.session_state["last_upload_id"] = result.upload_id

st.subheader(ui.tr("upload.history"))
st.dataframe(present.history_table(ui.uploads(state.path, state.version), lang), hide_index=True)
