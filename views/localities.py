"""Địa bàn: league tables of districts and communes, treemap, heat map, drill-down to one commune."""

import streamlit as st

import ui
import urlstate
from analytics import charts, closing, exports, metrics, present
from analytics.i18n import fmt_pct
from analytics.units import display_code

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("loc.title"))
ui.demo_banner(state)
v = ui.view(state)
s = ui.data(metrics.summary, state.province, state.as_of, exact=True, measure=state.measure)
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


def league(df, level: str, average: dict, key: str, file_stem: str, on_pick=None) -> None:
    """Filters, the table and its download (layout only; the figures come from metrics/present); a click on
    a row calls ``on_pick`` with its unit's code."""
    code_col = "commune_code" if level == "commune" else "district_code"
    c1, c2 = st.columns([3, 1])
    how = c1.selectbox(ui.tr("loc.filter"), FILTERS, format_func=lambda f: ui.tr("loc.filter." + f),
                       key=f"{key}_filter") or "all"
    n = c2.number_input(ui.tr("loc.top_n"), min_value=1, max_value=max(len(df), 1), value=min(10, max(len(df), 1)),
                        step=1, key=f"{key}_n", help=ui.tr("loc.top_n_help"))
    shown = metrics.league_filter(df, how, int(n), average.get("completion_pct"))
    if level == "commune" and how == "all":  # the commune furthest behind plan first, not the alphabet
        shown = shown.sort_values(["gap_pct", "commune"], ascending=[False, True], na_position="first")
    table = present.league_table(shown, lang, level, average, v.amber, state.measure)
    h = present.league_headers(lang, level, state.measure)
    for col in (h["pace"], h["needed"]):  # books a day: whole books, as on the cards (4.921, not 4.921,3)
        table[col] = table[col].round(0)
    st.caption(ui.tr("loc.count", shown=len(shown), total=len(df)))
    # on a phone only the first columns fit: the name, completion and gap first, the rest after
    first = [h["name"], h["completion"], h["gap"]]
    order = first + [c for c in table.columns if c not in first]
    config = column_config(level)
    config[h["name"]] = st.column_config.TextColumn(h["name"], pinned=True)
    event = ui.table(table, hide_index=True, column_config=config, column_order=order, key=f"{key}_table",
                     placeholder="–", on_select=on_pick and "rerun", selection_mode="single-row")
    rows = event.selection.rows if on_pick and event is not None else []  # row 0 is the province average
    if rows and rows[0] >= 1 and rows[0] - 1 < len(shown):
        on_pick(str(shown.iloc[rows[0] - 1][code_col]))
    st.download_button(ui.tr("loc.download_csv"), lambda: exports.league_csv(table, lang), on_click="ignore",
                       file_name=f"{file_stem}-{v.as_of.isoformat()}.csv", mime="text/csv", key=f"{key}_csv")


TABS = {"huyen": "loc.tab_districts", "xa": "loc.tab_communes", "cay": "loc.tab_treemap", "nhiet": "loc.tab_heatmap"}
labels = {slug: ui.tr(k) for slug, k in TABS.items()}
slug_of = {label: slug for slug, label in labels.items()}
# the tab, the district drilled into, the communes' district and the commune are in the URL: a pasted link
# opens the same view, and the browser's Back steps back through them (urlstate)
urlstate.follow("loc_tab", "tab", labels.get(urlstate.get("tab") or "", labels["huyen"]))
if st.session_state["loc_tab"] not in slug_of:  # a label of the other language
    st.session_state["loc_tab"] = labels.get(urlstate.get("tab") or "", labels["huyen"])
options = ui.data(metrics.district_options, state.province)
codes = [""] + list(options["district_code"])
names = dict(zip(options["district_code"], options["district"]))
by_ref = {display_code(c): c for c in codes if c}
urlstate.follow("loc_drill", "drill", by_ref.get(urlstate.get("drill") or ""))
asked = urlstate.get("communes_of")  # absent: the sidebar's district; empty: the whole province
urlstate.follow("loc_district", "communes_of", state.district or "" if asked is None else by_ref.get(asked, ""))
urlstate.follow("loc_commune", "commune", urlstate.get("commune") or "")


def open_commune(code: str, district: str | None) -> None:
    """A row of a commune table: that commune's detail, in the communes tab (one click)."""
    if st.session_state.get("loc_commune") != code or st.session_state.get("loc_tab") != labels["xa"]:
        # the tab is drawn already in this run: its new value is set at the top of the next one
        st.session_state["loc_open"] = (code, district or "")
        st.rerun()


if "loc_open" in st.session_state:  # a commune row clicked in the previous run
    st.session_state["loc_commune"], st.session_state["loc_district"] = st.session_state.pop("loc_open")
    st.session_state["loc_tab"] = labels["xa"]


tab_d, tab_c, tab_tree, tab_heat = st.tabs(list(labels.values()), key="loc_tab", on_change="rerun")
urlstate.mirror("tab", slug_of.get(str(st.session_state.get("loc_tab")), "huyen"), "huyen")

if tab_d.open:  # only the open tab is computed and drawn
    with tab_d:
        districts = ui.data(metrics.district_league, state.scope, state.measure)
        if districts.empty:
            st.info(ui.tr("loc.no_districts"))
        else:
            league(districts, "district", s, "dl", "xep-hang-huyen",
                   on_pick=lambda code: st.session_state.__setitem__("loc_drill", code))
            event = ui.plot(ui.chart(charts.district_ranking, ui.districts_of(state), state.scope, lang),
                            key="loc_districts",
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
                    st.session_state["loc_drill"] = None
                    st.rerun()
                league(ui.data(metrics.commune_league, state.scope, drill, state.measure),
                       "commune", ui.data(metrics.overview, state.scope, drill),
                       "dd", f"xep-hang-xa-{drill}", on_pick=lambda code, d=drill: open_commune(code, d))
            urlstate.mirror("drill", display_code(drill) if drill else None, None)

if tab_c.open:
    with tab_c:
        if st.session_state.get("loc_district") not in codes:
            st.session_state["loc_district"] = ""
        whole = ui.tr("sidebar.all_districts")
        chosen = st.selectbox(ui.tr("loc.drill_district"), codes, format_func=lambda c: names.get(c, whole),
                              key="loc_district")
        urlstate.mirror("communes_of", display_code(chosen) if chosen else "", display_code(state.district or ""))
        district = chosen or None
        communes = ui.data(metrics.commune_league, state.scope, district, state.measure)
        average = ui.data(metrics.overview, state.scope, district)
        league(communes, "commune", average, "cl", "xep-hang-xa", on_pick=lambda code: open_commune(code, district))

        st.subheader(ui.tr("loc.commune_detail"))
        # the commune furthest behind plan first (never reported before any), so the worst is one pick away
        commune_codes = list(communes.sort_values(["gap_pct", "commune"], ascending=[False, True],
                                                  na_position="first")["commune_code"])
        commune_names = dict(zip(communes["commune_code"], communes["commune"]))
        if st.session_state.get("loc_commune") not in [""] + commune_codes:
            st.session_state["loc_commune"] = ""
        none = ui.tr("loc.pick_commune_none")
        picked = st.selectbox(ui.tr("loc.pick_commune"), [""] + commune_codes,
                              format_func=lambda c: commune_names.get(c, none),
                              key="loc_commune")
        urlstate.mirror("commune", picked or None, None)
        if picked:
            detail = ui.data(metrics.commune_detail, state.scope, picked)
            row = detail["status"]
            m1, m2, m3, m4 = st.columns(4)
            m1.metric(ui.tr("kpi.completion"), fmt_pct(row["completion_pct"], lang), border=True)
            m2.metric(ui.tr("kpi.planned"), fmt_pct(row["planned_pct"], lang), border=True)
            m3.metric(ui.tr("col.status"), present.status_text(row["status"], lang, v.amber), border=True)
            m4.metric(ui.tr("col.last_report"), present.date_text(row["last_report"]), border=True)
            ui.plot(ui.chart(ui.commune_trend, ui.ask(metrics.commune_detail, state.scope, picked), state.scope,
                             lang), key="loc_commune_trend", name=f"tien-do-xa-{picked}")
            st.markdown("**" + ui.tr("loc.explanations") + "**")
            if detail["explanations"].empty:
                st.caption(ui.tr("loc.no_explanations"))
            else:
                ui.table(present.explanations_table(detail["explanations"], lang), hide_index=True)
            st.markdown("**" + ui.tr("loc.history") + "**")
            ui.table(present.report_history_table(detail["history"], lang), hide_index=True)
            st.markdown("**" + ui.tr("loc.uploads") + "**")
            ui.table(present.commune_uploads_table(detail["uploads"], lang), hide_index=True)

if tab_tree.open:
    with tab_tree:
        ui.plot(ui.chart(charts.treemap, ui.ask(metrics.treemap_frame, state.scope), state.scope, s["province_name"],
                         lang), key="loc_treemap", name="ban-do-cay")
        st.caption(ui.tr("loc.treemap_help"))

if tab_heat.open:
    with tab_heat:
        days = st.selectbox(ui.tr("loc.heat_days"), [14, 21, 28], key="loc_heat_days")
        heat_district = state.district
        ui.plot(ui.chart(charts.heatmap, ui.ask(metrics.commune_daily, state.scope, int(days), heat_district),
                         ui.ask(ui.communes), state.scope, lang, state.measure), key="loc_heatmap", name="ban-do-nhiet")
        st.caption(ui.tr("loc.heatmap_help"))

st.subheader(ui.tr("weekly.title"))  # the weekly roll-up of the period, per district
st.caption(ui.tr("weekly.intro"))
weeks = ui.data(closing.weekly, state.scope)
if weeks.empty:
    st.info(ui.tr("weekly.none"))
else:
    ui.table(ui.built(closing.weekly_table, ui.ask(closing.weekly, state.scope), lang, state.measure),
             hide_index=True, key="weekly_table")
    st.download_button(ui.tr("weekly.download_csv"), lambda: closing.weekly_csv(weeks, lang, state.measure),
                       on_click="ignore", file_name=f"tien-do-theo-tuan-{v.as_of.isoformat()}.csv", mime="text/csv", key="weekly_csv")
