"""Tổng quan: where the province (or the chosen district) stands, the countdown and pace, the charts."""

import dataclasses
from datetime import date

import streamlit as st

import ui
from analytics import charts, metrics, present
from analytics.i18n import fmt_date
from analytics.units import display_code

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("overview.title"))
ui.demo_banner(state)
if st.session_state.pop("demo_just_loaded", False):
    st.info(ui.tr("app.demo_loaded"))
v = ui.view(state)
o = ui.data(metrics.overview, state.scope, state.district)
s = ui.data(metrics.summary, state.province, state.as_of, exact=True, measure=state.measure)
k = present.overview_kpis(o, lang)
# a phone stacks the eight cards one under another, so its first screen would show only the completion:
# the figures a leader looks for first, in a few lines (the stylesheet hides this on wider screens)
with st.container(key="phone_summary"):
    st.markdown("  \n".join([
        ui.tr("phone.as_of", date=fmt_date(state.as_of)) + " · " + ui.tr("phone.completion", value=k["completion"]),
        ui.tr("phone.days_left", value=k["days_left"], working=k["working_days"]),
        ui.tr("phone.pace", needed=k["required_value"], recent=k["recent_value"])
        + (f" ({k['pace_note']})" if k["pace_note"] else ""),
        ui.tr("phone.projected", value=k["projected"], note=k["projected_note"]),
    ]))
ui.brief_button(state)  # Báo cáo nhanh: the day's one-page brief
ui.report_button(state)  # the report to the Chairman (Word, Nghị định 30/2020 form)
if state.district:
    st.caption(ui.tr("overview.scope_district", district=ui.md(ui.district_name(state))))
if o.get("own_deadline"):
    st.caption(ui.tr("kpi.own_deadline", date=fmt_date(o["deadline"])))
if o["units_reporting"] == 0:
    st.info(ui.tr("app.no_data"))

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

# the charts are asked for, not built: each is built once per data version and view, then read from the cache
trend = ui.ask(metrics.trend, state.scope, state.district)
burnup_title = ui.tr("overview.trend_district", district=ui.district_name(state)) if state.district else None
ui.plot(ui.chart(charts.burnup, trend, state.scope, ui.ask(metrics.overview, state.scope, state.district), lang,
                 title=burnup_title), key="burnup", name="tien-do-toan-tinh")
ui.plot(ui.chart(charts.daily_progress_measure, trend, state.scope, lang, state.measure), key="daily",
        name="so-hoa-moi-ngay")
districts = metrics.districts_frame(s)
if not districts.empty:
    # every district of the province, the chosen one marked: the image names the province, not the district
    event = ui.plot(ui.chart(charts.district_ranking, ui.districts_of(state), state.scope, lang,
                             marked=state.district), key="districts",
                    name="xep-hang-huyen", on_select="rerun", place=ui.image_meta(dataclasses.replace(state, district=None)).place)
    st.caption(ui.tr("loc.click_district"))
    by_name = dict(zip(districts["district"], districts["district_code"]))
    clicked = [by_name[n] for n in ui.selected_labels(event) if n in by_name]
    if clicked:  # a bar opens that district's communes on Địa bàn, the furthest behind first
        st.switch_page("views/localities.py", query_params={**st.query_params.to_dict(), "tab": "huyen",
                                                            "drill": display_code(clicked[0])})
