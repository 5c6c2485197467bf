"""Cài đặt: the campaign, the status thresholds, the not-reporting window, the working-day calendar and the
unit list (with a preview of the changes before applying). Every write goes through a ``store`` function."""

from datetime import date

import streamlit as st

import ui
from analytics import auth, closing, present, workdays
from analytics.errors import HotichError
from analytics.i18n import fmt_date, fmt_int

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("settings.title"))
admin = ui.require_role("settings")  # the page checks the role itself, not only the menu
ui.demo_banner(state)
flash = st.session_state.pop("settings_flash", None)
if flash:
    st.success(flash)
cur = ui.data(ui.settings_of, state.province)

st.subheader(ui.tr("settings.campaign"))
# the dates are our own fields (typed, Enter, a Vietnamese calendar), which may not live inside a form: they
# sit above it in the same box and the one Save reads them with the rest
box = st.container(border=True)
c1, c2 = box.columns(2)
with c1:
    start = ui.date_field(ui.tr("settings.start"), "set_start", cur["start"])
with c2:
    deadline = ui.date_field(ui.tr("settings.deadline"), "set_deadline", cur["deadline"])
with box.form("settings_campaign", border=False):
    name = st.text_input(ui.tr("settings.campaign_name"), value=cur["name"], max_chars=200, key="set_name")
    c3, c4 = st.columns(2)
    amber = c3.number_input(ui.tr("settings.amber"), min_value=0.0, max_value=100.0, value=float(cur["amber"]),
                            step=0.5, help=ui.tr("settings.amber_help"), key="set_amber")
    window = c4.number_input(ui.tr("settings.window"), min_value=1, max_value=60, value=int(cur["window"]), step=1,
                             help=ui.tr("settings.window_help"), key="set_window")
    jump = st.number_input(ui.tr("settings.jump"), min_value=0.0, max_value=100.0, value=float(cur["jump"]),
                           step=1.0, help=ui.tr("settings.jump_help"), key="set_jump")
    calendar = st.selectbox(ui.tr("settings.calendar"), list(workdays.CALENDARS),
                            index=list(workdays.CALENDARS).index(cur["calendar"]),
                            format_func={c: ui.tr("calendar." + c) for c in workdays.CALENDARS}.__getitem__, key="set_calendar")
    cutoff = st.time_input(ui.tr("settings.cutoff"), value=cur["cutoff"], step=900, help=ui.tr("settings.cutoff_help"),
                           key="set_cutoff")
    measure = st.radio(ui.tr("settings.measure"), list(ui.MEASURES), index=list(ui.MEASURES).index(cur["measure"]),
                       format_func={m: ui.tr("measure." + m) for m in ui.MEASURES}.get, horizontal=True,
                       help=ui.tr("settings.measure_help"), key="set_measure")
    saved = st.form_submit_button(ui.tr("settings.save"), type="primary")
if saved and ui.dates_pending("set_start", "set_deadline"):
    st.error(ui.tr("datefield.pending"), icon=":material/error:")
elif saved and ui.act("settings", auth.save_settings, state.province, name, start, deadline, {
        "amber_points": f"{float(amber):g}", "not_reporting_days": str(int(window)), "workday_calendar": calendar,
        "jump_pct": f"{float(jump):g}", closing.CUTOFF_KEY: closing.cutoff_setting(cutoff or closing.DEFAULT_CUTOFF)},
        measure if measure != cur["measure"] else None):
    st.session_state["settings_flash"] = ui.tr("settings.saved")  # all of the form in one transaction, or nothing
    st.rerun()

st.caption(ui.tr("settings.legend", legend=" · ".join(present.status_text(s_, lang, cur["amber"])
                                                      for s_ in ("done", "on_track", "slightly_behind", "behind"))))
hol = workdays.holidays_between(cur["start"], cur["deadline"])
st.caption(ui.tr("settings.holidays", days=workdays.working_days_between(cur["start"], cur["deadline"],
                                                                         cur["calendar"]),
                 list=", ".join(f"{fmt_date(d)}" for d, _ in hol) or "–"))

st.subheader(ui.tr("settings.units"))
st.caption(ui.tr("settings.units_help"))
upload = st.file_uploader(ui.tr("settings.units_file"), type=["csv"], key="set_units_file")
if upload is not None:
    try:
        rows = ui.read_units_upload(upload.getvalue(), upload.name)
        preview = ui.read(ui.preview_units, rows)
    except HotichError as exc:
        ui.show_error(exc)
    else:
        st.info(ui.tr("settings.units_preview", communes=fmt_int(preview["communes"], lang),
                      provinces=", ".join(preview["provinces"]), added=len(preview["added"]),
                      removed=len(preview["removed"]), renamed=len(preview["renamed"]),
                      orphaned=fmt_int(preview["orphaned_reports"], lang)))
        tables = present.units_preview_tables(preview, lang)
        for part in ("added", "removed", "renamed"):
            if len(tables[part]):
                with st.expander(ui.tr("settings.units_" + part, count=len(tables[part]))):
                    ui.table(tables[part], hide_index=True)
        if st.button(ui.tr("settings.units_apply"), type="primary", key="set_units_apply") and (
                result := ui.act("units", auth.replace_units, rows, file_name=upload.name)):
            st.session_state["settings_flash"] = ui.tr("settings.units_done", communes=result.value["communes"])
            st.rerun()

st.subheader(ui.tr("settings.unit_deadlines"))
st.caption(ui.tr("settings.unit_deadlines_help"))
own = ui.data(ui.unit_deadlines, state.province)
if own.empty:
    st.caption(ui.tr("settings.no_unit_deadlines"))
else:
    ui.table(present.unit_deadlines_table(own, lang), hide_index=True, key="set_unit_deadlines")
units = ui.data(ui.deadline_units, state.province)
box = st.container(border=True)
c1, c2 = box.columns([3, 1])
with c2:
    day = ui.date_field(ui.tr("settings.unit_deadline"), "set_unit_day", cur["deadline"])
with c1.form("settings_unit_deadline", border=False):
    picked = st.selectbox(ui.tr("settings.unit_pick"), list(units), format_func=units.__getitem__, key="set_unit")
    b1, b2 = st.columns(2)
    save_unit = b1.form_submit_button(ui.tr("settings.unit_deadline_save"), type="primary")
    clear_unit = b2.form_submit_button(ui.tr("settings.unit_deadline_clear"))
if save_unit and ui.dates_pending("set_unit_day"):
    st.error(ui.tr("datefield.pending"), icon=":material/error:")
elif (save_unit or clear_unit) and picked:
    level, code = picked.split(":", 1)
    if ui.act("campaign", auth.set_unit_deadline, state.province, level, code, None if clear_unit else day):
        st.session_state["settings_flash"] = ui.tr("settings.unit_deadline_saved")
        st.rerun()

st.subheader(ui.tr("settings.setup"))
st.caption(ui.tr("settings.setup_help"))
with st.form("settings_setup"):
    lists = {"2025-07": "01/07/2025", "2025-01": "01/01/2025"}
    c1, c2 = st.columns([1, 2])
    key = c1.selectbox(ui.tr("settings.setup_structure"), list(lists), format_func=lists.__getitem__, key="set_setup_list")
    names = ui.data(ui.shipped_provinces, key)
    province = c2.selectbox(ui.tr("settings.setup_province"), sorted(names, key=names.__getitem__), format_func=names.__getitem__,
                            key="set_setup_province")
    go = st.form_submit_button(ui.tr("settings.setup_apply"))
if go and (done := ui.act("units", auth.setup_province, names[province], date.fromisoformat(key + "-01"))):
    for widget in ("structure_select", "province_select", "district_select"):
        st.session_state.pop(widget, None)
    st.session_state["settings_flash"] = ui.tr("settings.setup_done", province=done.value["province_name"],
                                               structure=done.value["structure"])
    st.rerun()
