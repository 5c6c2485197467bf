"""Đơn vị chậm tiến độ: the communes behind plan or not reporting, downloadable."""

import streamlit as st

import ui
from analytics import present
from analytics.i18n import fmt_date

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("under.title"))
ui.demo_banner(state)
v = ui.view(state.path, state.version, state.province, state.as_of)
st.caption(ui.tr("under.intro", window=v.window, date=fmt_date(v.as_of)))

df = ui.underperformers(state.path, state.version, state.province, state.as_of)
if df.empty:
    st.success(ui.tr("under.none"))
else:
    table = present.underperformers_table(df, lang)
    st.subheader(ui.tr("under.count", count=len(table)))
    st.dataframe(table, hide_index=True)
    st.download_button(ui.tr("under.download_csv"), present.csv_bytes(table),
                       file_name=f"don-vi-cham-tien-do-{v.as_of.isoformat()}.csv", mime="text/csv")
