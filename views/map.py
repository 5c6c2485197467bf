"""Bản đồ: the province's communes as dots at their centroids, sized by target, coloured by status."""

import streamlit as st

import ui
from analytics import charts, metrics

state: ui.Sidebar = st.session_state["view"]
st.title(ui.tr("map.title"))
ui.demo_banner(state)
# asked for, not built: built once per data version and view, then read from the cache
fig = ui.chart(charts.commune_map, ui.ask(metrics.map_frame, state.scope, state.district), state.lang,
               "books_total", state.scope, title=ui.tr("map.province_title"))
ui.plot(fig, key="province_map", name="ban-do")
missing = ui.chart_meta(fig).get("missing_coordinates", 0)
if missing:
    st.caption(ui.tr("map.missing", count=missing))
