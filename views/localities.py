"""Địa bàn: league tables of districts and communes, treemap, heat map, drill-down to one commune."""

import streamlit as st

import ui
from analytics import charts, closing, exports, metrics, present
from analytics.i18n import fmt_pct

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("loc.title"))
ui.demo_banner(state)
v = ui.view(state.path, state.version, state.province, state.as_of, measure=state.measure)
s = ui.summary(state.path, state.version, state.province, state.as_of, measure=state.measure)
FILTERS = ["all", "top", "bottom", "below_average", "behind_plan", "not_reporting"]


def column_config(level: str) -> dict:
    h = present.league_headers(lang, level, state.measure)
    return {
        h["completion"]: st.column_config.ProgressColumn(h["completion"], min_value=0, max_value=100,
                                                         format=ui.num_format("%.1f %%"), width="medium"),
        h["planned"]: st.column_config.NumberColumn(h["planned"], format=ui.num_format("%.1f %%")),
        h["gap"]: st.column_config.NumberColumn(h["gap"], format=ui.num_format("%.1f"), help=ui.tr("loc.gap_help")),
        h["pace"]: st.column_config.NumberColumn(h["pace"], format=ui.num_format("%.0f"),
                                                 help=ui.tr("loc.pace_help")),
        h["needed"]: st.column_config.NumberColumn(h["needed"], format=ui.num_format("%.0f"),
                                                   help=ui.tr("loc.needed_help")),
        h["trend"]: st.column_config.LineChartColumn(h["trend"], y_min=0, help=ui.tr("loc.trend_help")),
        h["rank"]: st.column_config.NumberColumn(h["rank"], format="%d", width="small"),
    }


def league(df, level: str, average: dict, key: str, file_stem: str) -> None:
    """Filters, the table and its download (layout only; the figures come from metrics/present)."""
    c1, c2 = st.columns([3, 1])
    how = c1.selectbox(ui.tr("loc.filter"), FILTERS, format_func={f: ui.tr("loc.filter." + f) for f in FILTERS}.__getitem__,
                       key=f"{key}_filter")
    n = c2.number_input(ui.tr("loc.top_n"), min_value=1, max_value=max(len(df), 1), value=min(10, max(len(df), 1)),
                        step=1, key=f"{key}_n", help=ui.tr("loc.top_n_help"))
    shown = metrics.league_filter(df, how, int(n), average.get("completion_pct"))
    table = present.league_table(shown, lang, level, average, v.amber, state.measure)
    st.caption(ui.tr("loc.count", shown=len(shown), total=len(df)))
    ui.table(table, hide_index=True, column_config=column_config(level), key=f"{key}_table", placeholder="–")
    st.download_button(ui.tr("loc.download_csv"), exports.league_csv(table),
                       file_name=f"{file_stem}-{v.as_of.isoformat()}.csv", mime="text/csv", key=f"{key}_csv")


tab_d, tab_c, tab_tree, tab_heat = st.tabs([ui.tr("loc.tab_districts"), ui.tr("loc.tab_communes"),
                                            ui.tr("loc.tab_treemap"), ui.tr("loc.tab_heatmap")])

with tab_d:
    districts = ui.district_league(state.path, state.version, state.province, state.as_of, state.measure)
    if districts.empty:
        st.info(ui.tr("loc.no_districts"))
    else:
        league(districts, "district", s, "dl", "xep-hang-huyen")
        event = ui.plot(charts.district_ranking(metrics.districts_frame(s), v, lang), key="loc_districts",
                        name="xep-hang-huyen", on_select="rerun")
        st.caption(ui.tr("loc.click_district"))
        by_name = dict(zip(districts["district"], districts["district_code"]))
        clicked = [by_name[n] for n in ui.selected_labels(event) if n in by_name]
        if clicked:  # kept until cleared: a redrawn chart (new data, a new minute on its footer) loses its selection
            st.session_state["loc_drill"] = clicked[0]
        drill = st.session_state.get("loc_drill")
        if drill in set(districts["district_code"]):  # drill-down: the clicked district's communes, right here
            st.subheader(ui.tr("loc.drill_title", district=ui.md(ui.district_name_of(state, str(drill)))))
            if st.button(ui.tr("loc.drill_clear"), key="loc_drill_clear", icon=":material/close:"):
                st.session_state.pop("loc_drill", None)
                st.rerun()
            league(ui.commune_league(state.path, state.version, state.province, state.as_of, drill, state.measure),
                   "commune", ui.overview(state.path, state.version, state.province, state.as_of, drill, measure=state.measure),
                   "dd", f"xep-hang-xa-{drill}")

options = ui.district_options(state.path, state.version, state.province)
codes = [""] + list(options["district_code"])
names = dict(zip(options["district_code"], options["district"]))
with tab_c:
    default = codes.index(state.district) if state.district in codes else 0
    whole = ui.tr("sidebar.all_districts")
    chosen = st.selectbox(ui.tr("loc.drill_district"), codes, index=default,
                          format_func=lambda c: names.get(c, whole),
                          key="loc_district")
    district = chosen or None
    communes = ui.commune_league(state.path, state.version, state.province, state.as_of, district, state.measure)
    average = ui.overview(state.path, state.version, state.province, state.as_of, district, measure=state.measure)
    league(communes, "commune", average, "cl", "xep-hang-xa")

    st.subheader(ui.tr("loc.commune_detail"))
    # the commune furthest behind plan first (never reported before any), so the worst is one pick away
    commune_codes = list(communes.sort_values(["gap_pct", "commune"], ascending=[False, True],
                                              na_position="first")["commune_code"])
    commune_names = dict(zip(communes["commune_code"], communes["commune"]))
    none = ui.tr("loc.pick_commune_none")
    picked = st.selectbox(ui.tr("loc.pick_commune"), [""] + commune_codes,
                          format_func=lambda c: commune_names.get(c, none),
                          key="loc_commune")
    if picked:
        detail = ui.commune_detail(state.path, state.version, state.province, state.as_of, picked, measure=state.measure)
        row = detail["status"]
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(ui.tr("kpi.completion"), fmt_pct(row["completion_pct"], lang), border=True)
        m2.metric(ui.tr("kpi.planned"), fmt_pct(row["planned_pct"], lang), border=True)
        m3.metric(ui.tr("col.status"), present.status_text(row["status"], lang, v.amber), border=True)
        m4.metric(ui.tr("col.last_report"), present.date_text(row["last_report"]), border=True)
        ui.plot(charts.commune_trend(detail["trend"], v, row["commune"], lang), key="loc_commune_trend",
                name=f"tien-do-xa-{picked}")
        st.markdown("**" + ui.tr("loc.explanations") + "**")
        if detail["explanations"].empty:
            st.caption(ui.tr("loc.no_explanations"))
        else:
            ui.table(present.explanations_table(detail["explanations"], lang), hide_index=True)
        st.markdown("**" + ui.tr("loc.history") + "**")
        ui.table(present.report_history_table(detail["history"], lang), hide_index=True)
        st.markdown("**" + ui.tr("loc.uploads") + "**")
        ui.table(present.commune_uploads_table(detail["uploads"], lang), hide_index=True)

with tab_tree:
    frame = ui.treemap_frame(state.path, state.version, state.province, state.as_of, measure=state.measure)
    ui.plot(charts.treemap(frame, v, s["province_name"], lang), key="loc_treemap", name="ban-do-cay")
    st.caption(ui.tr("loc.treemap_help"))

with tab_heat:
    days = st.selectbox(ui.tr("loc.heat_days"), [14, 21, 28], key="loc_heat_days")
    heat_district = state.district
    daily = ui.commune_daily(state.path, state.version, state.province, state.as_of, int(days), heat_district, measure=state.measure)
    labels = ui.communes(state.path, state.version)
    ui.plot(charts.heatmap(daily, labels, v, lang, state.measure), key="loc_heatmap", name="ban-do-nhiet")
    st.caption(ui.tr("loc.heatmap_help"))

st.subheader(ui.tr("weekly.title"))  # the weekly roll-up of the period, per district
st.caption(ui.tr("weekly.intro"))
weeks = ui.weekly(state.path, state.version, state.province, state.as_of, measure=state.measure)
if weeks.empty:
    st.info(ui.tr("weekly.none"))
else:
    ui.table(closing.weekly_table(weeks, lang, state.measure), hide_index=True, key="weekly_table")
    st.download_button(ui.tr("weekly.download_csv"), closing.weekly_csv(weeks, lang, state.measure),
                       file_name=f"tien-do-theo-tuan-{v.as_of.isoformat()}.csv", mime="text/csv", key="weekly_csv")
