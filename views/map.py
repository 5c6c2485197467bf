"""Bản đồ: the province's communes as dots at their centroids, sized by target, coloured by status."""

import streamlit as st

import ui
from analytics import charts

state: ui.Sidebar = st.session_state["view"]
st.title(ui.tr("map.title"))
ui.demo_banner(state)
v = ui.view(state.path, state.version, state.province, state.as_of, measure=state.measure)
frame = ui.province_map(state.path, state.version, state.province, state.as_of, state.district, measure=state.measure)
fig = charts.commune_map(frame, state.lang, v=v, title=ui.tr("map.province_title"))
ui.plot(fig, key="province_map", name="ban-do")
missing = (fig.layout.meta or {}).get("missing_coordinates", 0)
if missing:
    st.caption(ui.tr("map.missing", count=missing))
