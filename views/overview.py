"""Tổng quan: where the province (or the chosen district) stands, the countdown and pace, the charts."""

from datetime import date

import streamlit as st

import ui
from analytics import charts, metrics, present
from analytics.i18n import fmt_date

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("overview.title"))
ui.demo_banner(state)
if st.session_state.pop("demo_just_loaded", False):
    st.info(ui.tr("app.demo_loaded"))
ui.brief_button(state)  # Báo cáo nhanh: the day's one-page brief
ui.report_button(state)  # the report to the Chairman (Word, Nghị định 30/2020 form)

v = ui.view(state.path, state.version, state.province, state.as_of, measure=state.measure)
o = ui.overview(state.path, state.version, state.province, state.as_of, state.district, measure=state.measure)
s = ui.summary(state.path, state.version, state.province, state.as_of, measure=state.measure)
if state.district:
    st.caption(ui.tr("overview.scope_district", district=ui.md(ui.district_name(state))))
if o.get("own_deadline"):
    st.caption(ui.tr("kpi.own_deadline", date=fmt_date(o["deadline"])))
if o["units_reporting"] == 0:
    st.info(ui.tr("app.no_data"))
k = present.overview_kpis(o, lang)

c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.tr("kpi.completion"), k["completion"], delta=k["change"], help=ui.tr("kpi.completion_help"),
          border=True)
c2.metric(ui.tr("kpi.books_short"), k["books_done"], delta=k["books_total"], delta_color="off", delta_arrow="off",
          help=ui.tr("kpi.planned") + ": " + k["planned"], border=True)
c3.metric(ui.tr("kpi.completed"), k["completed"], border=True)
c4.metric(present.reporting_label(state.as_of, date.today(), lang), k["reporting"], delta=k["reporting_note"], delta_color="off",
          delta_arrow="off", help=ui.tr("kpi.reporting_help"), border=True)
c5, c6, c7, c8 = st.columns(4)
c5.metric(ui.tr("kpi.days_left"), k["days_left"], delta=k["working_days"], delta_color="off", delta_arrow="off",
          border=True)
c6.metric(ui.tr("kpi.required_short"), k["required_value"], delta=k["required_working"], delta_color="off",
          delta_arrow="off", border=True)
c7.metric(ui.tr("kpi.recent_short"), k["recent_value"], delta=k["pace_note"] or None,
          delta_color="normal" if (o["recent_per_day"] or 0) >= o["required_per_day"] else "inverse",
          delta_arrow="off", border=True)
c8.metric(ui.tr("kpi.projected"), k["projected"], delta=k["projected_note"],
          delta_color="off" if o["beats_deadline"] is None else ("normal" if o["beats_deadline"] else "inverse"),
          delta_arrow="off", border=True)
if k["no_target"]:  # the units left out of a completion in records, said so
    st.caption(k["no_target"])
if v.as_of > v.deadline:
    st.warning(ui.tr("overview.deadline_passed", deadline=fmt_date(v.deadline)))

trend = ui.district_trend(state.path, state.version, state.province, state.as_of, state.district, measure=state.measure)
burnup_title = ui.tr("overview.trend_district", district=ui.district_name(state)) if state.district else None
ui.plot(charts.burnup(trend, v, o, lang, title=burnup_title), key="burnup", name="tien-do-toan-tinh")
ui.plot(charts.daily_progress_measure(trend, v, lang, state.measure), key="daily", name="so-hoa-moi-ngay")
districts = metrics.districts_frame(s)
if not districts.empty:
    ui.plot(charts.district_ranking(districts, v, lang), key="districts", name="xep-hang-huyen")
