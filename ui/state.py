"""The sidebar's state (language, unit structure, province, as-of date, district, measure) and its URL.

Every choice is mirrored in the URL, so a link opens the same view; the link's values are read once per
session, then the controls own them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

import urlstate
from analytics import demo, metrics, settings, store, structures
from analytics.i18n import LANGS, fmt_date, fmt_int, t
from analytics.units import display_code
from ui import datefield
from ui.data import Scope, current, data, db_path, demo_removed, same_place, structure_list, view
from ui.text import LANG_WIDGET, lang, md, tr


@dataclass
class Sidebar:
    path: str
    version: int
    province: str
    as_of: date
    lang: str
    demo: bool
    district: str | None = None  # the sidebar's district filter (None: the whole province)
    measure: str = "books"       # "records" or "books": the campaign's default measure unless another is picked
    structure: str | None = None  # the unit structure the figures are shown in (its key)
    provinces_in_structure: int = 1

    @property
    def scope(self) -> Scope:
        """What the figures are about, as the cache keys them (the ``Scope`` fields this state holds)."""
        return Scope(**{f.name: getattr(self, f.name) for f in dataclasses.fields(Scope) if hasattr(self, f.name)})


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def url_day(value: str | None, default: date, bounds: tuple[date, date]) -> tuple[date, str | None]:
    """The as-of date a link asks for, within the data's span; and a note when it was not usable as given
    (not a date, or a day outside the span: a far one made every per-day computation grow without end)."""
    if not value:
        return default, None
    shown = value if len(value) <= 40 else value[:40] + "…"
    try:
        if not _ISO_DAY.fullmatch(value):
            raise ValueError(value)
        day = date.fromisoformat(value)
    except ValueError:
        return default, tr("sidebar.as_of_invalid", asked=md(shown), shown=fmt_date(default))
    bounded = metrics.clamp_day(day, bounds)
    if bounded == day:
        return day, None
    return bounded, tr("sidebar.as_of_clamped", asked=fmt_date(day), low=fmt_date(bounds[0]),
                       high=fmt_date(bounds[1]), shown=fmt_date(bounded))


def _url_value(name: str, allowed: list[str], default: str) -> str:
    """A value of the URL (``?name=...``) when it is one of ``allowed``, else the default."""
    value = st.query_params.get(name)
    return value if value in allowed else default


def _seed(key: str, value: Any, options: list | None = None, fallback: Any = None, url: str | None = None) -> None:
    """Give a sidebar control its first value (from the URL) once per session; then the control owns it.

    Passing the URL's value as ``value=``/``index=`` on every run would change the widget's identity
    after each pick (the URL follows the pick), and Streamlit would reset it to the old value.
    A kept value no longer among the options (another province's district) falls back. When the browser's
    Back/Forward moved the URL's ``url`` parameter, the URL's value wins again (``urlstate``).
    """
    if key not in st.session_state or (url is not None and urlstate.moved(url)):
        st.session_state[key] = value
    else:
        # set again through the Session State API: a rerun that gives the widget a new identity
        # (st.rerun() from a page) would otherwise bring it back to its first option
        st.session_state[key] = st.session_state[key]
    if options is not None and st.session_state[key] not in options:
        st.session_state[key] = fallback if fallback in options else options[0]


def _sync_url(name: str, value: str | None, default: str | None) -> None:
    """Mirror a control in the URL; a default value leaves the URL clean. Writes only on change."""
    urlstate.mirror(name, value, default)


def language_changed() -> None:
    """The picker's callback: it runs before the script, so the whole run is drawn in the new language
    (set after the picker was drawn, the labels above it and the page title stayed in the old one)."""
    st.session_state["lang"] = st.session_state[LANG_WIDGET]


def ensure_demo_on_first_start() -> None:
    """A newcomer sees a working dashboard: an empty database (never uploaded to) gets the demo."""
    if not settings.current().auto_demo or st.session_state.get("_demo_checked"):
        return
    st.session_state["_demo_checked"] = True  # once per session, not at every rerun
    with store.session(db_path()) as con:
        if store.report_count(con) == 0 and store.uploads(con, 1).empty:
            demo.load_demo(con)
            st.session_state["demo_just_loaded"] = True


def sidebar() -> Sidebar:
    """The shared controls: language, province, as-of date; the view is mirrored in the URL."""
    at = current()
    path, version = at.path, at.version
    urlstate.begin_run()
    with st.sidebar:
        _seed(LANG_WIDGET, _url_value("lang", list(LANGS), "vi") if urlstate.moved("lang") else lang(),
              list(LANGS), url="lang")
        choice = st.selectbox(
            t("sidebar.language", lang()), options=list(LANGS),
            format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x], key=LANG_WIDGET,
            on_change=language_changed,
        )
        st.session_state["lang"] = choice
        _sync_url("lang", choice, "vi")
        provs = data(structures.provinces, at=at)
        province = data(store.default_province, at=at)
        structs = data(structure_list, at=at)
        if len(structs) > 1:  # unit lists in time: figures in the one chosen (default: the province's own)
            keys = list(structs["key"])
            own = provs.loc[provs["province_code"] == province, "structure_key"]
            default_key = str(own.iloc[0]) if len(own) else keys[-1]
            _seed("structure_select", _url_value("structure", keys, default_key), keys, default_key, url="structure")
            labels = dict(zip(structs["key"], structs["label_vi" if lang() == "vi" else "label_en"]))
            chosen_key = st.selectbox(tr("sidebar.structure"), options=keys,
                                      format_func=lambda k: str(labels.get(k) or k), key="structure_select")
            _sync_url("structure", chosen_key, default_key)
            provs = provs[provs["structure_key"] == chosen_key]
            if province not in set(provs["province_code"]):
                province = data(same_place, province, chosen_key, at=at) or str(provs.iloc[0]["province_code"])
        if len(provs) > 1:
            codes = list(provs["province_code"])  # those with reports first
            refs = dict(zip(provs["province_ref"], provs["province_code"]))
            wanted = st.query_params.get("province")
            _seed("province_select", refs.get(wanted, wanted or province), codes, province, url="province")
            # the names looked up once: a lookup in the frame for each of the 60-odd options cost 30 ms a rerun
            prov_names = dict(zip(provs["province_code"], provs["province_name"].astype(str)))
            province = st.selectbox(
                tr("sidebar.province"), options=codes, format_func=prov_names.__getitem__, key="province_select",
            )
            _sync_url("province", display_code(province), display_code(data(store.default_province, at=at)))
        first, last = data(metrics.report_span, province, at=at)
        low, high = data(metrics.date_bounds, province, date.today(), at=at)
        default_day = metrics.clamp_day(last or date.today(), (low, high))
        if datefield.DAY not in st.session_state or urlstate.moved("as_of"):  # the link's date (or Back)
            initial, note = url_day(st.query_params.get("as_of"), default_day, (low, high))
            datefield.set_day(initial, note)
        # our own field (Enter applies a typed day) and calendar, in the user's language; a day outside the
        # data comes back to the nearest one, with a note
        as_of = datefield.as_of_field(default_day, (low, high))
        st.caption(tr("phone.as_of_span", low=fmt_date(low), high=fmt_date(high)))
        note = st.session_state.get(datefield.NOTE)
        if note and note[1] == as_of:  # until another day is picked
            st.warning(note[0], icon=":material/event_busy:")
        _sync_url("as_of", as_of.isoformat(), default_day.isoformat())
        districts = data(metrics.district_options, province, at=at)
        district = None
        if len(districts) > 1:
            codes = [""] + list(districts["district_code"])
            names = dict(zip(districts["district_code"], districts["district"]))
            by_ref = {display_code(c): c for c in codes}  # the URL holds the code people write
            wanted = st.query_params.get("district") or ""
            _seed("district_select", by_ref.get(wanted, wanted if wanted in codes else ""), codes, "", url="district")
            whole = tr("sidebar.all_districts")
            picked = st.selectbox(tr("sidebar.district"), options=codes, format_func=lambda c: names.get(c, whole),
                                  key="district_select")
            district = picked or None
            _sync_url("district", display_code(picked), "")
        # the campaign's measure unless the user (or the link) picks the other; the choice is offered when
        # the reports give records or the campaign counts in them
        own_measure = data(store.default_measure, province, at=at)
        measure = own_measure
        if own_measure == "records" or data(metrics.records_reported, province, at=at):
            options = ["records", "books"]
            _seed("measure_select", _url_value("measure", options, own_measure), options, own_measure, url="measure")
            measure = st.radio(tr("sidebar.measure"), options=options,
                               format_func={m: tr("measure." + m) for m in options}.get, key="measure_select",
                               horizontal=True)
            _sync_url("measure", measure, own_measure)
        st.session_state["measure"] = measure  # the texts drawn from here on are worded for it (text.measure)
        v = view(Scope(province, as_of, measure=measure), at=at)
        st.caption(tr("sidebar.campaign", name=md(v.campaign_name), start=fmt_date(v.start),
                      deadline=fmt_date(v.deadline)))
        newer = data(structures.newer_reports, province, at=at) if len(structs) > 1 else 0
        if newer:
            st.caption(tr("structure.newer_reports", count=fmt_int(newer, lang())))
    demo_flag = data(store.is_demo, at=at)
    own = provs.loc[provs["province_code"] == province, "structure_key"]
    return Sidebar(path, version, province, as_of, choice, demo_flag, district, measure,
                   str(own.iloc[0]) if len(own) else None, len(provs))


def demo_banner(state: Sidebar) -> None:
    """Demo data is marked on every page; a dashboard left empty by withdrawing the upload that replaced the
    demo says why, instead of showing empty charts without a word."""
    if state.demo:
        st.warning(tr("app.demo_banner"), icon=":material/science:")
        return
    removed_by = data(demo_removed, at=state)
    if removed_by is not None:
        st.info(tr("app.demo_removed", upload_id=removed_by), icon=":material/info:")


def district_name(state: Sidebar) -> str:
    """The name of the sidebar's district filter ("" when the whole province is shown)."""
    return district_name_of(state, state.district) if state.district else ""


def district_name_of(state: Sidebar, code: str) -> str:
    d = data(metrics.district_options, state.province, at=state)
    match = d[d["district_code"] == code]
    return str(match["district"].iloc[0]) if len(match) else code


def open_province(province: str) -> None:
    """Drill from the country into one province: the sidebar takes it, the Overview opens."""
    st.session_state["province_select"] = province
    st.session_state.pop("district_select", None)
    st.switch_page("views/overview.py")
