"""Báo cáo 17h: the day's cut-off for the report to the Provincial People's Committee — who reported by the
cut-off, who did not, and the list as plain text to paste into a chat group."""

import streamlit as st

import ui
from analytics import closing, metrics
from analytics.i18n import fmt_date, fmt_int

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
panel = ui.data(closing.cutoff_panel, state.scope, state.district)
cut = closing.format_cutoff(panel["cutoff"], lang)
st.title(ui.tr("cutoff.title", time=cut))
ui.demo_banner(state)
st.caption(ui.tr("cutoff.intro", date=fmt_date(panel["day"]), time=cut))
if not closing.cutoff_passed(panel["cutoff_at"]):
    st.info(ui.tr("cutoff.not_yet", time=cut))

c1, c2, c3, c4 = st.columns(4)
c1.metric(ui.tr("cutoff.kpi_on_time"), fmt_int(panel["on_time"], lang), border=True)
c2.metric(ui.tr("cutoff.kpi_late"), fmt_int(panel["late"], lang), border=True)
c3.metric(ui.tr("cutoff.kpi_missing"), fmt_int(panel["missing"], lang), border=True)
c4.metric(ui.tr("cutoff.kpi_done"), fmt_int(panel["done_before"], lang), border=True)

pending = panel["not_in"]
st.subheader(ui.tr("cutoff.list", time=cut, date=fmt_date(panel["day"]), count=len(pending)))
if pending.empty:
    st.success(ui.tr("cutoff.all_in"))
else:
    # built once per data version and view, then read from the cache
    ui.table(ui.built(ui.cutoff_table, ui.ask(closing.cutoff_panel, state.scope, state.district), lang),
             hide_index=True, key="cutoff_table")

s = ui.data(metrics.summary, state.province, state.as_of, exact=True, measure=state.measure)
scope = ui.district_name(state) if state.district else s["province_name"]
st.markdown("**" + ui.tr("cutoff.copy_title") + "**")
st.code(closing.cutoff_text(panel, scope, lang), language=None, wrap_lines=True)  # st.code has a copy button
