"""Toàn quốc: every province of the unit structure ranked, the national trend and map; drill into one."""

from datetime import date

import streamlit as st

import ui
from analytics import national, present
from analytics.i18n import fmt_date, fmt_int, fmt_pct

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("national.title"))
ui.demo_banner(state)
c = ui.data(national.country, state.structure, state.as_of, measure=state.measure)
country = ui.ask(national.country, state.structure, state.as_of, measure=state.measure)  # the charts' (cached)
place = ui.tr("national.place")
st.caption(ui.tr("national.scope", structure=ui.md(c.structure.label(lang)), date=fmt_date(c.as_of)))
tot = c.totals
k1, k2, k3, k4 = st.columns(4)
k1.metric(ui.tr("kpi.completion"), fmt_pct(tot["completion_pct"], lang) if tot["completion_pct"] is not None else "–",
          border=True)
k2.metric(ui.tr("national.provinces_reporting"),
          f"{fmt_int(tot['provinces_reporting'], lang)}/{fmt_int(tot['provinces_total'], lang)}", border=True)
k3.metric(ui.tr("kpi.books_short"), fmt_int(tot["books_digitized"], lang),
          delta=ui.tr("national.of_total", total=fmt_int(tot["books_total"], lang)), delta_color="off",
          delta_arrow="off", border=True)
k4.metric(present.reporting_label(c.as_of, date.today(), lang),
          f"{fmt_int(tot['units_reported_on_day'], lang)}/{fmt_int(tot['units_total'], lang)}",
          border=True)

h = present.national_headers(lang, c.view.measure)
ui.table(present.national_table(c.provinces, lang, measure=c.view.measure), hide_index=True, key="national_table",
         placeholder="–", column_config={
    h["completion"]: st.column_config.ProgressColumn(h["completion"], min_value=0, max_value=100,
                                                     format=ui.num_format("%.1f %%"), width="medium"),
    h["planned"]: st.column_config.NumberColumn(h["planned"], format=ui.num_format("%.1f %%")),
    h["gap"]: st.column_config.NumberColumn(h["gap"], format=ui.num_format("%.1f")),
    h["pace"]: st.column_config.NumberColumn(h["pace"], format=ui.num_format("%.0f")),
    h["needed"]: st.column_config.NumberColumn(h["needed"], format=ui.num_format("%.0f")),
    h["reporting"]: st.column_config.NumberColumn(h["reporting"], format=ui.num_format("%.0f %%")),
})

with_figures = c.provinces[c.provinces["status"] != "no_data"]
if with_figures.empty:
    st.info(ui.tr("app.no_data"))
else:
    names = dict(zip(with_figures["province_code"], with_figures["province"]))
    col1, col2 = st.columns([3, 1])
    picked = col1.selectbox(ui.tr("national.pick"), list(names), format_func=names.__getitem__, key="national_pick")
    if col2.button(ui.tr("national.open"), key="national_open", icon=":material/arrow_forward:"):
        ui.open_province(picked)
    ui.plot(ui.chart(ui.country_trend, country, lang, ui.tr("national.trend")), key="national_trend",
            name="tien-do-toan-quoc", place=place)
    ui.plot(ui.chart(ui.country_ranking, country, lang, ui.tr("national.ranking")), key="national_ranking",
            name="xep-hang-tinh", place=place)
st.subheader(ui.tr("map.title"))
ui.plot(ui.chart(ui.country_map_chart, ui.ask(ui.country_map, state.structure, state.as_of, measure=state.measure),
                 country, lang, ui.tr("national.map")),
        key="national_map", name="ban-do-toan-quoc", place=place)
