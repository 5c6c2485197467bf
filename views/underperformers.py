"""Đơn vị chậm tiến độ: communes behind plan, not reporting or (after the deadline) not completed,
grouped by district, with their explanations; recording an explanation; the export for the official report."""

from datetime import date

import streamlit as st

import ui
from analytics import auth, closing, exports, metrics, present
from analytics.i18n import fmt_date

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("under.title"))
ui.demo_banner(state)
v = ui.view(state)
intro_key = "under.intro_after" if v.as_of > v.deadline else "under.intro"
st.caption(ui.tr(intro_key, window=v.window, date=fmt_date(v.as_of)))

df = ui.data(metrics.underperformers_full, state.scope, state.district)
s = ui.data(metrics.summary, state.province, state.as_of, exact=True, measure=state.measure)
if df.empty:
    st.success(ui.tr("under.none"))
else:
    # first the short list the daily brief shows (the same order), then every flagged commune by district
    st.subheader(ui.tr("under.worst", count=len(df)))
    ui.table(ui.built(present.underperformers_table, ui.ask(metrics.worst_communes, state.scope, state.district),
                      lang),
             hide_index=True, key="under_worst", column_config={
                 ui.tr("col.completion"): st.column_config.ProgressColumn(
                     ui.tr("col.completion"), min_value=0, max_value=100, format=ui.num_format("%.1f %%")),
                 ui.tr("col.planned"): st.column_config.NumberColumn(ui.tr("col.planned"),
                                                                     format=ui.num_format("%.1f %%")),
                 ui.tr("col.gap"): st.column_config.NumberColumn(ui.tr("col.gap"), format=ui.num_format("%.1f")),
             })
    # the display frames are built once per data version and view, then read from the cache
    flagged_rows = ui.ask(metrics.underperformers_full, state.scope, state.district)
    table = ui.built(present.underperformers_full_table, flagged_rows, lang, v.amber)
    st.subheader(ui.tr("under.count", count=len(table)))
    h = present.league_headers(lang, measure=state.measure)
    ui.table(table, hide_index=True, key="under_table", column_config={
        ui.tr("col.completion"): st.column_config.ProgressColumn(ui.tr("col.completion"), min_value=0,
                                                                 max_value=100, format=ui.num_format("%.1f %%")),
        ui.tr("col.planned"): st.column_config.NumberColumn(ui.tr("col.planned"), format=ui.num_format("%.1f %%")),
        ui.tr("col.gap"): st.column_config.NumberColumn(ui.tr("col.gap"), format=ui.num_format("%.1f")),
        h["rank"]: st.column_config.NumberColumn(h["rank"], format="%d", width="small"),
    })
    c1, c2 = st.columns(2)
    c1.download_button(
        ui.tr("under.download_xlsx"),
        lambda: exports.underperformers_xlsx(df, as_of=v.as_of, province_name=s["province_name"],
                                             campaign=v.campaign_name, lang=lang),  # built when clicked
        file_name=f"don-vi-cham-tien-do-{v.as_of.isoformat()}.xlsx", mime=exports.XLSX_MIME, key="under_xlsx")
    c2.download_button(ui.tr("under.download_csv"), lambda: exports.underperformers_csv(df, lang, v.amber),
                       file_name=f"don-vi-cham-tien-do-{v.as_of.isoformat()}.csv", mime="text/csv", key="under_csv")
    with st.expander(ui.tr("under.by_district")):
        ui.table(ui.built(present.underperformers_by_district, flagged_rows, lang), hide_index=True)

st.subheader(ui.tr("summon.title"))  # the units called to report to the province after their deadline
summon_deadline = ui.date_field(ui.tr("summon.deadline"), "summon_deadline", v.deadline) or v.deadline
st.caption(ui.tr("summon.intro", deadline=fmt_date(summon_deadline)))
if v.as_of <= summon_deadline:
    st.info(ui.tr("summon.not_yet", deadline=fmt_date(summon_deadline)))
else:
    called, called_districts = ui.data(ui.summon, state.scope, summon_deadline, state.district)
    if called.empty:
        st.success(ui.tr("summon.none"))
    else:
        st.markdown("**" + (ui.tr("summon.count", communes=len(called), districts=len(called_districts))
                            if len(called_districts) else ui.tr("summon.count_two_level", communes=len(called)))
                    + "**")
        ui.table(ui.built(ui.summon_table, ui.ask(ui.summon, state.scope, summon_deadline, state.district), lang,
                          state.measure), hide_index=True, key="summon_table")
        d1, d2 = st.columns(2)
        d1.download_button(
            ui.tr("summon.download_xlsx"),
            lambda: exports.summon_xlsx(called, called_districts, as_of=v.as_of, province_name=s["province_name"],
                                        campaign=v.campaign_name, lang=lang, measure=state.measure),
            file_name=f"don-vi-phai-giai-trinh-{v.as_of.isoformat()}.xlsx", mime=exports.XLSX_MIME, key="summon_xlsx")
        d2.download_button(ui.tr("summon.download_csv"), lambda: exports.summon_csv(called, lang, state.measure),
                           file_name=f"don-vi-phai-giai-trinh-{v.as_of.isoformat()}.csv", mime="text/csv",
                           key="summon_csv")

st.subheader(ui.tr("commit.title"))  # each committed completion date: kept, missed or due
st.caption(ui.tr("commit.intro"))
promises = ui.data(closing.commitments, state.scope, state.district)
if promises.empty:
    st.caption(ui.tr("commit.none"))
else:
    counts = promises["status"].value_counts()
    st.markdown(ui.tr("commit.counts", missed=int(counts.get("missed", 0)), due=int(counts.get("due", 0)),
                      kept=int(counts.get("kept", 0))))
    ui.table(ui.built(closing.commitments_table, ui.ask(closing.commitments, state.scope, state.district), lang),
             hide_index=True, key="commit_table")

st.subheader(ui.tr("explain.title"))
flash = st.session_state.pop("explain_flash", None)
if flash:
    st.success(flash)
communes = ui.data(ui.communes)
communes = communes[communes["province_code"] == state.province]
if state.district:
    communes = communes[communes["district_code"] == state.district]
flagged = list(df["commune_code"]) if not df.empty else []
codes = flagged + [c for c in communes["commune_code"] if c not in set(flagged)]
labels = dict(zip(communes["commune_code"], communes["commune"] + " (" + communes["district"].fillna("") + ")"))
user = ui.current_user()
if user is None or not user.can("explain"):  # viewers read the explanations; staff record them
    st.caption(ui.tr("explain.sign_in_to_record"))
else:
    # the dates are our own fields, which may not live inside a form: above it, in the same box
    box = st.container(border=True)
    f1, f2 = box.columns(2)
    with f1:
        explained_on = ui.date_field(ui.tr("explain.date"), "explain_date", state.as_of)
    with f2:
        commit = ui.date_field(ui.tr("explain.new_date"), "explain_new_date", None, optional=True)
    with box.form("explain_form", clear_on_submit=True, border=False):
        commune = st.selectbox(ui.tr("explain.commune"), codes, format_func=lambda c: labels.get(c, c),
                               key="explain_commune")
        reason = st.text_area(ui.tr("explain.reason"), max_chars=2000, key="explain_reason")
        responsible = st.text_input(ui.tr("explain.responsible"), max_chars=200, key="explain_responsible")
        submitted = st.form_submit_button(ui.tr("explain.save"), type="primary")
    if submitted and ui.dates_pending("explain_date", "explain_new_date"):
        st.error(ui.tr("datefield.pending"), icon=":material/error:")
    elif submitted:
        if ui.act("explain", auth.add_explanation, state.province, commune, explained_on or date.today(), reason,
                    commit, responsible):
            st.session_state["explain_flash"] = ui.tr("explain.saved", commune=ui.md(labels.get(commune, commune)))
            ui.reset_dates("explain_date", "explain_new_date")  # cleared with the form
            st.rerun()

notes = ui.data(ui.explanations, state.province, None, state.as_of)
with st.expander(ui.tr("explain.all", count=len(notes))):
    if notes.empty:
        st.caption(ui.tr("loc.no_explanations"))
    else:
        ui.table(ui.built(present.explanations_table, ui.ask(ui.explanations, state.province, None, state.as_of), lang),
                 hide_index=True)
