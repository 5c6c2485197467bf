"""Tải lên: check files, see what each would change, then confirm. The same ingest path as the CLI.

Every write goes through ``ingest.commit`` (with the signed-in user), ``auth.withdraw_upload`` or
``auth.add_alias``, which check the role and the assigned communes (issue 7).
Nothing is written until the officer confirms, except the log of a rejected
attempt.
"""

import streamlit as st

import ui
from analytics import auth, config, ingest, metrics, present, upload_report
from analytics.errors import HotichError
from analytics.i18n import fmt_date, fmt_int

state: ui.Sidebar = st.session_state["view"]
lang = state.lang
st.title(ui.tr("upload.title"))
ui.uploader_texts()
user = ui.require_role("upload")  # the page checks the role itself, not only the menu
ui.demo_banner(state)
st.caption(ui.tr("upload.help_formats"))


def _user_name() -> str | None:
    user = ui.current_user() if hasattr(ui, "current_user") else None
    name = getattr(user, "name", None)
    return name if name and name != "-" else None


flash = st.session_state.pop("upload_flash", None)
if flash:
    st.success(flash)

with st.expander(ui.tr("upload.templates")):
    st.caption(ui.md(ui.tr("upload.template_help")))  # "__/__/____" is not Markdown emphasis
    districts = ui.data(metrics.district_options, state.province)
    names = dict(zip(districts["district_code"], districts["district"]))
    scope = st.selectbox(ui.tr("upload.template_scope"), [""] + list(names), key="template_scope",
                         format_func=lambda c: names.get(c, ui.tr("upload.template_whole")))
    made = ui.data(ui.template_files, state.province, scope or None)
    col1, col2 = st.columns(2)
    col1.download_button(ui.tr("upload.template_xlsx"), made["xlsx"][1], file_name=made["xlsx"][0],
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         key="template_xlsx", icon=":material/download:")
    col2.download_button(ui.tr("upload.template_csv"), made["csv"][1], file_name=made["csv"][0], mime="text/csv",
                         key="template_csv", icon=":material/download:")

# every type is accepted here and checked by the importer, so a wrong file gets its message in the user's
# language (the widget's own type refusal is English); the widget's English texts are hidden (ui.uploader_texts,
# sent at the top of the page so the stylesheet is there before the widget is drawn)
files = st.file_uploader(ui.tr("upload.drop_label"), type=None, accept_multiple_files=True, key="upload_files")
st.caption(ui.tr("upload.drop_limits", limit_mb=fmt_int(config.max_upload_bytes() / 1024 / 1024, lang)))
use_date = st.checkbox(ui.tr("upload.use_date"), key="upload_use_date")
given_date = ui.date_field(ui.tr("upload.date"), "upload_date", state.as_of, disabled=not use_date)
done: dict = st.session_state.setdefault("upload_done", {})
logged: set = st.session_state.setdefault("rejected_logged", set())


def show_file(name: str, data: bytes) -> None:
    """One file's report: what was recognized, errors or warnings, preview, change; then the confirm button."""
    digest = ingest.sha256_of(data)
    st.subheader(ui.md(name))
    if digest in done:
        st.success(done[digest])
        return
    sheet = st.session_state.get(f"sheet_{digest}")
    try:
        prep, change = ui.read(ui.check_file, data, name, given_date if use_date else None, sheet)
    except HotichError as exc:
        ui.show_error(exc)
        return
    if len(prep.data_sheets) > 1 or sheet:
        options = prep.data_sheets or prep.sheets
        st.selectbox(ui.tr("upload.sheet_pick"), options, key=f"sheet_{digest}",
                     index=options.index(prep.sheet) if prep.sheet in options else 0)
    if prep.sheet or prep.header_row:
        st.caption(upload_report.recognized_text(prep, lang))
    if prep.errors:
        key = (digest, prep.sheet, str(given_date) if use_date else None)
        if key not in logged and ui.act("upload", ui.log_rejected, prep):  # logged once, not at every rerun
            logged.add(key)
        st.error(ui.tr("upload.rejected", file=ui.md(name), count=len(prep.errors)))
        ui.table(present.problems_table(prep.errors, lang, surface="page"), hide_index=True,
                     key=f"errors_{digest}")
        pick_units(prep, digest)
        return
    with st.expander(ui.tr("upload.columns_mapped")):
        ui.table(upload_report.columns_frame(prep, lang), hide_index=True)
        if prep.skipped:
            st.caption(ui.tr("upload.skipped", count=len(prep.skipped)))
        if prep.ignored_columns:
            st.caption(ui.tr("upload.ignored_columns", columns=ui.md(", ".join(prep.ignored_columns))))
    if change.get("demo"):  # said before the confirmation: the first real file replaces the demo
        st.warning(ui.tr("upload.demo_replaced"), icon=":material/science:")
    st.info(upload_report.change_text(change, lang) or present.describe_prepared(prep, lang))
    if prep.warnings:
        st.warning(ui.tr("upload.warnings_title") + f" · {ui.tr('upload.warnings', count=len(prep.warnings))}")
        ui.table(present.problems_table(prep.warnings, lang, surface="page"), hide_index=True,
                     key=f"warnings_{digest}")
    communes = ui.data(ui.communes)
    st.caption(ui.tr("upload.changes_title"))
    if change.get("demo"):
        st.caption(ui.tr("upload.changes_vs_demo"))
        flagged = 0
    else:
        changes, flagged = upload_report.changes_frame(prep, change, communes, lang)
        if flagged:
            st.warning(ui.tr("upload.flagged", count=flagged, limit=fmt_int(change.get("jump_pct"), lang)))
        ui.table(changes, hide_index=True, key=f"changes_{digest}")
    with st.expander(ui.tr("upload.preview")):
        ui.table(present.preview_table(prep, communes, lang), hide_index=True, key=f"preview_{digest}")
    ok_warn = True
    if prep.warnings or flagged:
        label = "upload.confirm_warnings" if prep.warnings else "upload.confirm_flagged"
        ok_warn = st.checkbox(ui.tr(label), key=f"warn_{digest}")
    if st.button(ui.tr("upload.confirm"), key=f"confirm_{digest}", type="primary", disabled=not ok_warn):
        written = ui.act("upload", ui.commit_upload, prep)  # refuses communes not assigned
        if not written:
            return
        result = written.value
        if result.unchanged:
            message = ui.tr("upload.unchanged", file=ui.md(name), upload_id=result.upload_id)
        else:
            message = ui.tr("upload.ok", rows=result.rows, communes=result.communes, file=ui.md(name),
                            dates=", ".join(fmt_date(d) for d in result.report_dates))
        done[digest] = message
        st.session_state["last_upload_id"] = result.upload_id
        st.rerun()


def save_aliases(con, user: auth.User, picked: list, province_of: dict) -> None:
    """The picked units remembered as aliases, all of them or none."""
    for u, code in picked:
        if u["level"] == "district":
            auth.add_district_alias(con, user, str(province_of[code]), u["alias_key"], code)
        else:
            auth.add_alias(con, user, str(province_of[code]), u["district_code"], u["alias_key"], code)


def pick_units(prep: ingest.Prepared, digest: str) -> None:
    """Names that matched no unit (or several), districts and communes: the officer picks the unit among the
    candidates, listed whole (radio buttons, not a cut-off table cell); the choice is remembered as an alias."""
    choices = upload_report.unmatched_choices(prep)
    if not choices:
        return
    st.subheader(ui.tr("upload.pick_title"))
    communes = ui.data(ui.communes)
    province_of = {**dict(zip(communes["district_code"], communes["province_code"])),
                   **dict(zip(communes["commune_code"], communes["province_code"]))}
    picked: list[tuple[dict, str]] = []
    for i, u in enumerate(choices):
        values = {"name": ui.md(u["name"]), "row": u["row"]}
        if not u["codes"]:
            st.caption(ui.tr("upload.pick_no_candidates", **values))
            continue
        labels = dict(zip(u["codes"], u["candidates"]))
        code = st.radio(ui.tr(f"upload.pick_{u['level']}", **values), [""] + u["codes"], key=f"alias_{digest}_{i}",
                        format_func=lambda c, labels=labels: labels.get(c, ui.tr("upload.pick_none")))  # type: ignore[misc]
        if code:
            picked.append((u, code))
    if picked and st.button(ui.tr("upload.save_aliases"), key=f"save_alias_{digest}", type="primary"):
        if not ui.act("alias", save_aliases, picked, province_of):
            return
        st.session_state["upload_flash"] = ui.tr("upload.aliases_saved", count=len(picked))
        st.rerun()


for f in files or []:
    show_file(f.name, f.getvalue())

st.subheader(ui.tr("upload.history"))
# an uploader sees its own attempts and the uploads of its communes, and may pick only what it may withdraw
upload_units = ui.data(ui.upload_communes)
history = auth.visible_uploads(user, ui.data(ui.uploads), upload_units)
ui.table(present.history_table(history, lang), hide_index=True, key="upload_history")
with st.expander(ui.tr("upload.withdraw")):
    options = upload_report.withdrawable(auth.withdrawable_uploads(user, history, upload_units), lang)
    if not options:
        st.caption(ui.tr("upload.nothing_to_withdraw"))
    else:
        chosen = st.selectbox(ui.tr("upload.withdraw_pick"), list(options), format_func=options.__getitem__,
                              key="withdraw_pick")
        if st.button(ui.tr("upload.withdraw_confirm"), key="withdraw_go") and (
                count := ui.act("withdraw", auth.withdraw_upload, int(chosen))):  # admin, or an uploader's own
            st.session_state["upload_flash"] = ui.tr("upload.withdrawn", upload_id=chosen, count=count.value)
            st.session_state.get("upload_done", {}).clear()
            st.rerun()

# withdrawing the upload that replaced the demo leaves nothing in force (the banner above says why):
# an administrator may bring the demo back
if ui.data(ui.demo_removed) is not None and user.can("demo"):
    if st.button(ui.tr("upload.demo_reload"), key="demo_reload", help=ui.tr("upload.demo_reload_help"),
                 icon=":material/science:"):
        if result := ui.act("demo", ui.load_demo):
            st.session_state["upload_flash"] = ui.tr("upload.demo_reloaded", **result.value)
            st.session_state.get("upload_done", {}).clear()
            st.rerun()
