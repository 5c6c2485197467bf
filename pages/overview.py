"""Tổng quan: where the province stands, the countdown and pace, the trend, the districts."""

import streamlit as st

import ui
from analytics import charts, metrics, present

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("overview.title"))
ui.demo_banner(state)
if st.session_state.pop("demo_just_loaded", False):
    st.info(ui.tr("app.demo_loaded"))

s = ui.summary(state.path, state.version, state.province, state.as_of)
v = ui.view(state.path, state.version, state.province, state.as_of)
if s["units_reporting"] == 0:
    st.info(ui.tr("app.no_data"))
k = present.kpis(s, lang)

c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.tr("kpi.completion"), k["completion"], help=ui.tr("kpi.completion_help"), border=True)
c2.metric(ui.tr("kpi.planned"), k["planned"], border=True)
c3.metric(ui.tr("kpi.books"), k["books"], border=True)
c4.metric(ui.tr("kpi.days_left"), k["days_left"], border=True)
c5, c6, c7, c8 = st.columns(4)
c5.metric(ui.tr("kpi.required"), k["required"], border=True)
c6.metric(ui.tr("kpi.recent"), k["recent"], border=True)
c7.metric(ui.tr("kpi.projected"), k["projected"], border=True)
c8.metric(ui.tr("kpi.reporting"), k["reporting"], border=True)
st.caption(k["projected_note"])
c9, c10, c11 = st.columns(3)
c9.metric(ui.tr("kpi.behind"), k["behind"], border=True)
c10.metric(ui.tr("kpi.not_reporting"), k["not_reporting"], border=True)
c11.metric(ui.tr("kpi.completed"), k["completed"], border=True)

trend = ui.trend(state.path, state.version, state.province, state.as_of)
ui.plot(charts.burnup(trend, v, s, lang), key="burnup", name="tien-do-toan-tinh")
districts = metrics.districts_frame(s)
if not districts.empty:
    ui.plot(charts.district_ranking(districts, v, lang), key="districts", name="xep-hang-huyen")
