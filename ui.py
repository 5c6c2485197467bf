"""Streamlit glue shared by app.py and the pages: the sidebar state, cached calls, messages.

Caches are keyed on the database's data version, which every write bumps, so a
new upload shows at once and nothing stale is served.
"""

from __future__ import annotations

import dataclasses
import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import streamlit as st

import urlstate
from analytics import closing, config, demo, ingest, metrics, present, settings, store, structures
from analytics.errors import HotichError
from analytics.i18n import LANGS, fmt_date, fmt_int, t
from analytics.units import display_code

if TYPE_CHECKING:  # imported where used, at run time: pages that never need them do not pay for them
    from analytics import auth, images, national


def db_path() -> str:
    return str(config.db_path())


def lang() -> str:
    value = st.session_state.get("lang") or st.query_params.get("lang") or "vi"
    return value if value in LANGS else "vi"


def measure() -> str:
    """The measure the page counts in (the sidebar's, once it has run; else books)."""
    state = st.session_state.get("view")
    return getattr(state, "measure", None) or "books"


def tr(key: str, **values: Any) -> str:
    """A text in the page's language, worded for the page's measure ("sổ" or "trường hợp")."""
    values.setdefault("measure", measure())
    return t(key, lang(), **values)


def keep_open_seconds() -> float:
    """How long the dashboard keeps the database open after a rerun (see store.keep_open).

    ``HOTICH_KEEP_OPEN_SECONDS`` (default 10; 0 turns it off: the test suite sets 0, so tests that hand
    the file to another process are not slowed down)."""
    return settings.current().keep_open_seconds


def current_version() -> int:
    path = db_path()
    # how many commune tables the dashboard memoizes per data version (see metrics._memo): HOTICH_MEMO_SIZE
    # (the test suite sets 0, since its tests change databases behind the version's back); set at each run,
    # since every page asks for the version first
    metrics.MEMO_SIZE = settings.current().memo_size
    store.keep_open(path, keep_open_seconds())
    with store.session(path) as con:
        return store.data_version(con)


@st.cache_data(show_spinner=False, max_entries=64)
def provinces(path: str, version: int) -> pd.DataFrame:
    """Provinces of every unit structure (id, official code, name, structure, reports), reported first."""
    with store.session(path) as con:
        return structures.provinces(con)


@st.cache_data(show_spinner=False, max_entries=64)
def structure_list(path: str, version: int) -> pd.DataFrame:
    """The unit structures that hold units, oldest first."""
    with store.session(path) as con:
        return pd.DataFrame([s.__dict__ for s in structures.all_structures(con)],
                            columns=["id", "key", "effective_from", "label_vi", "label_en"])


@st.cache_data(show_spinner=False, max_entries=64)
def same_place(path: str, version: int, province: str, structure_key: str) -> str | None:
    """The province of another structure that holds the same place (None when none does)."""
    with store.session(path) as con:
        target = next((s for s in structures.all_structures(con) if s.key == structure_key), None)
        if target is None:
            return None
        try:
            return structures.province_in(con, province, target.effective_from or date.min)
        except HotichError:
            return None


@st.cache_data(show_spinner=False, max_entries=16)
def country(path: str, version: int, structure: str | None, as_of: date,
            measure: str | None = None) -> national.Country:
    """Every province of a structure on D (the national page)."""
    from analytics import national

    with store.session(path) as con:
        return national.country(con, structure, as_of, measure=measure)


@st.cache_data(show_spinner=False, max_entries=8)
def country_map(path: str, version: int, structure: str | None, as_of: date,
                measure: str | None = None) -> pd.DataFrame:
    from analytics import national

    with store.session(path) as con:
        return national.map_frame(con, national.country(con, structure, as_of, measure=measure))


@st.cache_data(show_spinner=False, max_entries=16)
def province_map(path: str, version: int, province: str, as_of: date, district: str | None,
                 measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.map_frame(con, metrics.view(con, province, as_of, exact=True, measure=measure), district)


@st.cache_data(show_spinner=False, max_entries=64)
def unit_deadlines(path: str, version: int, province: str) -> pd.DataFrame:
    with store.session(path) as con:
        return store.unit_deadlines(con, province)


@st.cache_data(show_spinner=False, max_entries=64)
def deadline_units(path: str, version: int, province: str) -> dict[str, str]:
    """"level:id" -> name of every district, then every commune of the province (the deadline picker)."""
    with store.session(path) as con:
        communes = store.units_frame(con, province)
    districts = communes.dropna(subset=["district_code"]).drop_duplicates("district_code")
    out = {f"district:{c}": str(n) for c, n in zip(districts["district_code"], districts["district"])}
    out.update({f"commune:{c}": f"{n} ({d})" if isinstance(d, str) and d else str(n)
                for c, n, d in zip(communes["commune_code"], communes["commune"], communes["district"])})
    return out


@st.cache_data(show_spinner=False)
def shipped_provinces(structure_key: str) -> dict[str, str]:
    """Province code -> name in a shipped unit list (the set-up choice)."""
    from analytics import gazetteer

    frame = gazetteer.units(structure_key)[["province_code", "province_name"]].drop_duplicates()
    return dict(zip(frame["province_code"], frame["province_name"]))


@st.cache_data(show_spinner=False, max_entries=64)
def worst_communes(path: str, version: int, province: str, as_of: date, district: str | None,
                   measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.worst_communes(con, metrics.view(con, province, as_of, exact=True, measure=measure), district)


@st.cache_data(show_spinner=False, max_entries=64)
def newer_reports(path: str, version: int, province: str) -> int:
    with store.session(path) as con:
        return structures.newer_reports(con, province)


@st.cache_data(show_spinner=False, max_entries=64)
def default_province(path: str, version: int) -> str:
    with store.session(path) as con:
        return store.default_province(con)


@st.cache_data(show_spinner=False, max_entries=64)
def span(path: str, version: int, province: str) -> tuple[date | None, date | None]:
    with store.session(path) as con:
        return metrics.report_span(con, province)


@st.cache_data(show_spinner=False, max_entries=64)
def date_bounds(path: str, version: int, province: str, today: date) -> tuple[date, date]:
    with store.session(path) as con:
        return metrics.date_bounds(con, province, today)


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


@st.cache_data(show_spinner=False, max_entries=64)
def is_demo(path: str, version: int) -> bool:
    with store.session(path) as con:
        return store.is_demo(con)


@st.cache_data(show_spinner=False, max_entries=128)
def summary(path: str, version: int, province: str, as_of: date, measure: str | None = None) -> dict:
    with store.session(path) as con:
        return metrics.summary(con, province, as_of, exact=True, measure=measure)


@st.cache_data(show_spinner=False, max_entries=128)
def view(path: str, version: int, province: str, as_of: date, measure: str | None = None) -> metrics.View:
    with store.session(path) as con:
        return metrics.view(con, province, as_of, exact=True, measure=measure)


@st.cache_data(show_spinner=False, max_entries=128)
def trend(path: str, version: int, province: str, as_of: date, measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.trend(con, metrics.view(con, province, as_of, exact=True, measure=measure))


@st.cache_data(show_spinner=False, max_entries=128)
def underperformers(path: str, version: int, province: str, as_of: date, measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.underperformers(con, province, as_of, exact=True, measure=measure)


@st.cache_data(show_spinner=False, max_entries=16)
def communes(path: str, version: int) -> pd.DataFrame:
    with store.session(path) as con:
        return store.all_communes(con)


@st.cache_data(show_spinner=False, max_entries=16)
def uploads(path: str, version: int) -> pd.DataFrame:
    with store.session(path) as con:
        return store.uploads(con)


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


# --- cached calls of the dashboard pages -----------------------------------


@st.cache_data(show_spinner=False, max_entries=128)
def overview(path: str, version: int, province: str, as_of: date, district: str | None,
             measure: str | None = None) -> dict:
    with store.session(path) as con:
        return metrics.overview(con, metrics.view(con, province, as_of, exact=True, measure=measure), district)


@st.cache_data(show_spinner=False, max_entries=128)
def district_trend(path: str, version: int, province: str, as_of: date, district: str | None,
                   measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.trend(con, metrics.view(con, province, as_of, exact=True, measure=measure), district)


@st.cache_data(show_spinner=False, max_entries=64)
def commune_league(path: str, version: int, province: str, as_of: date, district: str | None,
                   measure: str) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.commune_league(
            con, metrics.view(con, province, as_of, exact=True, measure=measure), district, measure)


@st.cache_data(show_spinner=False, max_entries=64)
def district_league(path: str, version: int, province: str, as_of: date, measure: str) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.district_league(con, metrics.view(con, province, as_of, exact=True, measure=measure), measure)


@st.cache_data(show_spinner=False, max_entries=64)
def commune_daily(path: str, version: int, province: str, as_of: date, days: int,
                  district: str | None, measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.commune_daily(
            con, metrics.view(con, province, as_of, exact=True, measure=measure), days, district)


@st.cache_data(show_spinner=False, max_entries=64)
def treemap_frame(path: str, version: int, province: str, as_of: date, measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.treemap_frame(con, metrics.view(con, province, as_of, exact=True, measure=measure))


@st.cache_data(show_spinner=False, max_entries=64)
def commune_detail(path: str, version: int, province: str, as_of: date, commune: str,
                   measure: str | None = None) -> dict:
    with store.session(path) as con:
        return metrics.commune_detail(con, metrics.view(con, province, as_of, exact=True, measure=measure), commune)


@st.cache_data(show_spinner=False, max_entries=64)
def underperformers_full(path: str, version: int, province: str, as_of: date,
                         district: str | None, measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.underperformers_full(
            con, metrics.view(con, province, as_of, exact=True, measure=measure), district)


@st.cache_data(show_spinner=False, max_entries=64)
def explanations(path: str, version: int, province: str, as_of: date | None) -> pd.DataFrame:
    with store.session(path) as con:
        return store.explanations(con, province, None, as_of)


@st.cache_data(show_spinner=False, max_entries=64)
def district_options(path: str, version: int, province: str) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.district_options(con, province)


@st.cache_data(show_spinner=False, max_entries=64)
def default_measure(path: str, version: int, province: str) -> str:
    with store.session(path) as con:
        return store.default_measure(con, province)


@st.cache_data(show_spinner=False, max_entries=64)
def records_reported(path: str, version: int, province: str) -> bool:
    with store.session(path) as con:
        return metrics.records_reported(con, province)


@st.cache_data(show_spinner=False, max_entries=64)
def settings_of(path: str, version: int, province: str) -> dict:
    """The Settings page's current values: campaign, thresholds, window, calendar."""
    with store.session(path) as con:
        v = metrics.view(con, province, None)
        return {"name": v.campaign_name, "start": v.start, "deadline": v.deadline, "amber": v.amber,
                "window": v.window, "calendar": metrics.calendar(con, province),
                "measure": store.default_measure(con, province),
                "jump": ingest.jump_pct(con, province),
                "cutoff": closing.cutoff_time(con, province)}


def read_units_upload(data: bytes, name: str = "units.csv") -> list[dict]:
    """A unit list uploaded in the Settings page, read as ``store.read_units_csv`` reads a file.

    Errors name the uploaded file, not the temporary copy."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        target = os.path.join(folder, "units.csv")
        with open(target, "wb") as fh:
            fh.write(data)
        try:
            return store.read_units_csv(target)
        except HotichError as exc:
            if "file" in exc.values:
                exc.values["file"] = os.path.basename(name)
            raise


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


def _sync_url(name: str, value: object, default: object) -> None:
    """Mirror a control in the URL; a default value leaves the URL clean. Writes only on change."""
    urlstate.mirror(name, value, default)


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
    path = db_path()
    version = current_version()
    urlstate.begin_run()
    with st.sidebar:
        _seed("lang_select", _url_value("lang", list(LANGS), "vi") if urlstate.moved("lang") else lang(),
              list(LANGS), url="lang")
        choice = st.selectbox(
            t("sidebar.language", lang()), options=list(LANGS),
            format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x], key="lang_select",
        )
        st.session_state["lang"] = choice
        _sync_url("lang", choice, "vi")
        provs = provinces(path, version)
        province = default_province(path, version)
        structs = structure_list(path, version)
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
                province = same_place(path, version, province, chosen_key) or str(provs.iloc[0]["province_code"])
        if len(provs) > 1:
            codes = list(provs["province_code"])  # those with reports first
            refs = dict(zip(provs["province_ref"], provs["province_code"]))
            wanted = st.query_params.get("province")
            _seed("province_select", refs.get(wanted, wanted or province), codes, province, url="province")
            province = st.selectbox(
                tr("sidebar.province"), options=codes,
                format_func=lambda c: str(provs.set_index("province_code").loc[c, "province_name"]),
                key="province_select",
            )
            _sync_url("province", display_code(province), display_code(default_province(path, version)))
        first, last = span(path, version, province)
        low, high = date_bounds(path, version, province, date.today())
        default_day = metrics.clamp_day(last or date.today(), (low, high))
        if "as_of_input" not in st.session_state or urlstate.moved("as_of"):  # the link's date (or Back)
            initial, note = url_day(st.query_params.get("as_of"), default_day, (low, high))
            st.session_state["as_of_input"] = initial
            st.session_state["as_of_note"] = (note, initial) if note else None
        # no min/max on the field: the browser would show a typed day outside the data in English while the
        # cards stayed on the previous one; here the field comes back to the nearest day, with a note
        asked = st.session_state["as_of_input"] or default_day
        st.session_state["as_of_input"] = metrics.clamp_day(asked, (low, high))
        if st.session_state["as_of_input"] != asked:
            st.session_state["as_of_note"] = (tr("phone.as_of_typed_outside", asked=fmt_date(asked),
                                                 low=fmt_date(low), high=fmt_date(high),
                                                 shown=fmt_date(st.session_state["as_of_input"])),
                                              st.session_state["as_of_input"])
        as_of = st.date_input(tr("sidebar.as_of"), format="DD/MM/YYYY", key="as_of_input")
        # the calendar's month and day names cannot be put in Vietnamese (Streamlit offers the format only)
        st.caption(tr("phone.as_of_span", low=fmt_date(low), high=fmt_date(high)))
        note = st.session_state.get("as_of_note")
        if note and note[1] == as_of:  # until another day is picked
            st.warning(note[0], icon=":material/event_busy:")
        _sync_url("as_of", as_of.isoformat(), default_day.isoformat())
        districts = district_options(path, version, province)
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
        own_measure = default_measure(path, version, province)
        measure = own_measure
        if own_measure == "records" or records_reported(path, version, province):
            options = ["records", "books"]
            _seed("measure_select", _url_value("measure", options, own_measure), options, own_measure, url="measure")
            measure = st.radio(tr("sidebar.measure"), options=options,
                               format_func={m: tr("measure." + m) for m in options}.get, key="measure_select",
                               horizontal=True)
            _sync_url("measure", measure, own_measure)
        v = view(path, version, province, as_of, measure=measure)
        st.caption(tr("sidebar.campaign", name=md(v.campaign_name), start=fmt_date(v.start),
                      deadline=fmt_date(v.deadline)))
        newer = newer_reports(path, version, province) if len(structs) > 1 else 0
        if newer:
            st.caption(tr("structure.newer_reports", count=fmt_int(newer, lang())))
    demo_flag = is_demo(path, version)
    own = provs.loc[provs["province_code"] == province, "structure_key"]
    return Sidebar(path, version, province, as_of, choice, demo_flag, district, measure,
                   str(own.iloc[0]) if len(own) else None, len(provs))


def demo_banner(state: Sidebar) -> None:
    """Demo data is marked on every page; a dashboard left empty by withdrawing the upload that replaced the
    demo says why, instead of showing empty charts without a word."""
    if state.demo:
        st.warning(tr("app.demo_banner"), icon=":material/science:")
        return
    removed_by = demo_removed(state.path, state.version)
    if removed_by is not None:
        st.info(tr("app.demo_removed", upload_id=removed_by), icon=":material/info:")


@st.cache_data(show_spinner=False, max_entries=16)
def demo_removed(path: str, version: int) -> int | None:
    """The upload that replaced the demo, when nothing is in force any more (it was withdrawn); else None."""
    with store.session(path) as con:
        if store.is_demo(con) or store.report_count(con) > 0:
            return None
        return store.demo_replaced_by(con)


def reload_demo(user: Any, path: str) -> dict[str, int]:
    """Fill an emptied database with the demo again (admins only; the same load as the CLI's ``demo``)."""
    from analytics import auth

    auth.require(user, "demo")
    with store.session(path) as con:
        return demo.load_demo(con, user=user.name, source=user.source)


# --- the Upload page's helpers (templates, the file drop zone) ---------------------------

# Streamlit 1.67's file uploader has no parameter for its own texts ("Upload", "200MB per file • CSV…",
# "Drag and drop files here"; streamlit/streamlit#13500 is open), and they are English whatever the page's
# language. The least hacky supported way: a constant stylesheet shipped with the app, passed to st.html
# (style only: Streamlit puts it in the event container, sanitized, no script), scoped by the widget's
# key class (``st-key-upload_files``) and hiding only those texts; the page writes its own label and
# limits around the widget in the user's language. No data ever reaches it.
UPLOADER_CSS = Path(__file__).resolve().parent / "assets" / "uploader.css"


def uploader_texts() -> None:
    """Hide the file uploader's built-in English texts (see UPLOADER_CSS); the page labels it itself."""
    st.html(UPLOADER_CSS)


@st.cache_data(show_spinner=False, max_entries=64)
def template_files(path: str, version: int, province: str, district: str | None) -> dict[str, tuple[str, bytes]]:
    """The report template of the province or of one district (its communes only): {"csv"|"xlsx": (name, bytes)}."""
    from analytics import templates

    with store.session(path) as con:
        communes = store.units_frame(con, province)
    if district:
        communes = communes[communes["district_code"] == district]
    place = str(communes["district"].iloc[0]) if district and len(communes) else None
    return {"csv": (templates.file_name(place, "csv"), templates.template_csv(communes, place)),
            "xlsx": (templates.file_name(place, "xlsx"), templates.template_xlsx(communes, place))}


def show_error(exc: HotichError) -> None:
    """An error in the user's language; values from files or users (names, file names) shown as text."""
    st.error(t(exc.key, lang(), **{k: md(v) if isinstance(v, str) else v for k, v in exc.values.items()}))


_MD_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$:=")
# Where GitHub-style autolinking would start (http://, https://, www., an e-mail's @). Streamlit's Markdown
# finds bare URLs in the text *after* backslash escapes are resolved, so escaping alone leaves
# "http\://evil.example" a live link; an invisible WORD JOINER (U+2060) there breaks the pattern.
_AUTOLINK_RE = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")


def md(text: object) -> str:
    """Text from a file or a user, made inert for Streamlit's Markdown (st.caption/info/error/subheader/labels):
    every Markdown punctuation is backslash-escaped, so ``[link](http://x)``, ``**bold**``, ``:red[x]`` or
    ``<script>`` show as typed, and bare URLs and e-mail addresses are not turned into links.
    Tables are drawn with ``table``, which neutralizes them for spreadsheets instead."""
    plain = _AUTOLINK_RE.sub("\u2060", str(text))
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in plain)


def table(data: pd.DataFrame, **kwargs: Any) -> Any:
    """Draw a table. Every page draws its tables through here, so no page can forget this: anyone who sees
    a table can download it as CSV from its toolbar or copy its cells, and a spreadsheet would run a name
    starting with "=" as a formula, so text cells are neutralized first (``present.shown_table``: the same
    ``present.neutralize`` as our own exports; control characters out). Numbers, bars and sparklines are
    untouched. ``kwargs`` go to ``st.dataframe`` (the index is hidden unless asked for)."""
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("placeholder", "–")  # a missing figure shows as a dash, never "None"
    return st.dataframe(present.shown_table(data), **kwargs)


def image_meta(state: Sidebar, title: str | None = None) -> images.ImageMeta:
    """What a chart image says about itself: title, province (and district), as-of date, demo or not."""
    from analytics import images

    provs = provinces(state.path, state.version)
    match = provs[provs["province_code"] == state.province]
    province_name = str(match["province_name"].iloc[0]) if len(match) else state.province
    district = district_name(state) if getattr(state, "district", None) else None
    return images.ImageMeta(title=title, as_of=state.as_of, place=images.place_text(province_name, district),
                            demo=state.demo, lang=state.lang)


def plot(fig: Any, key: str, name: str, *, title: str | None = None, state: Sidebar | None = None,
         download: bool = True, on_select: Literal["ignore", "rerun"] = "ignore", place: str | None = None) -> Any:
    """Draw a chart. Every page draws charts through here, so image export is added in one place.

    ``name`` is the chart's file-name stem for downloads (e.g. "tien-do-toan-tinh"); ``title``
    replaces the figure's own title on the chart and its images; ``state`` defaults to the
    sidebar's. The chart is drawn with its title, area, as-of date, footer and demo mark on it
    (``images.annotate``), so the toolbar's camera button saves a picture that stands on its own
    (2000 px wide, nothing needed on the server); the "PNG" button renders the same at 2000 px
    on the server, only when clicked. ``on_select="rerun"`` returns the chart's selection (clicked points).
    """
    from analytics import images

    state = state or st.session_state.get("view")
    if state is None:  # outside the app's router: draw as is
        st.plotly_chart(fig, key=key, config={"displaylogo": False,
                                              "toImageButtonOptions": {"format": "png", "filename": name}})
        return
    # the chart on screen is stamped with the time its data version was first read, not "now": a stamp
    # that changed every minute would make Streamlit see a new chart and drop the user's selection
    meta = dataclasses.replace(image_meta(state, title), made_at=version_read_at(state.path, state.version))
    if place is not None:  # a chart of another area than the sidebar's (the whole country)
        meta = dataclasses.replace(meta, place=place)
    shown = images.annotate(fig, meta)
    # on a phone the chart's own title would be cut at the screen's edge: the stylesheet hides it there and
    # shows this text, which wraps, in its place (and hides this on wider screens)
    with st.container(key=f"phone_title_{key}"):
        st.markdown(f"**{md(meta.title or images.figure_title(fig))}**  \n{md(images.subtitle_text(meta))}")
    event = st.plotly_chart(shown, key=key, config=images.camera_config(shown, name, state.as_of),
                            on_select=on_select, selection_mode="points")
    if not download:
        return event
    if images.renderer_ready():
        st.download_button(tr("image.download_png"),
                           data=lambda: images.chart_png(fig, dataclasses.replace(meta, made_at=None)),
                           file_name=images.file_name(name, state.as_of, "png"), mime="image/png",
                           key=f"{key}_png", on_click="ignore", help=tr("image.download_help"),
                           icon=":material/image:")
    else:
        st.download_button(tr("image.download_png"), data=b"", key=f"{key}_png", disabled=True,
                           help=tr("image.no_renderer"), icon=":material/image:")
    return event


@st.cache_data(show_spinner=False, max_entries=16)
def version_read_at(path: str, version: int) -> datetime:
    """When this process first read this data version (a stable stamp for charts on screen)."""
    return datetime.now()


def selected_labels(event: Any) -> list[str]:
    """The category labels (bar charts: the y values) of the points clicked on a chart drawn by ``plot``,
    as the names they show (charts hold names escaped: ``safetext.markup``)."""
    from analytics import safetext

    try:
        points = event.selection.points
    except AttributeError:
        return []
    return [safetext.unmarkup(str(p["y"])) for p in points if isinstance(p, dict) and p.get("y") is not None]


def brief_button(state: Sidebar) -> None:
    """Báo cáo nhanh: one click downloads the day's one-page brief, PNG for phones or A4 PDF."""
    from analytics import brief, images

    def make(fmt: str) -> Any:
        def run() -> bytes:
            with store.session(state.path) as con:
                data = brief.gather(con, state.province, state.as_of, exact=True, measure=state.measure)
            return brief.render(data, fmt, state.lang)
        return run

    ready = images.renderer_ready()
    c1, c2, _ = st.columns([1, 1, 1])
    for col, fmt, label, mime, icon in ((c1, "png", "brief.png", "image/png", ":material/smartphone:"),
                                        (c2, "pdf", "brief.pdf", "application/pdf", ":material/print:")):
        col.download_button(f"{tr('brief.button')} ({tr(label)})", data=make(fmt) if ready else b"",
                            file_name=brief.file_name(state.as_of, fmt), mime=mime, key=f"brief_{fmt}",
                            on_click="ignore", disabled=not ready, icon=icon,
                            help=tr("brief.help") if ready else tr("image.no_renderer"),
                            width="stretch")
    if not ready:
        st.caption(tr("image.no_renderer"))


def district_name(state: Sidebar) -> str:
    """The name of the sidebar's district filter ("" when the whole province is shown)."""
    return district_name_of(state, state.district) if state.district else ""


def district_name_of(state: Sidebar, code: str) -> str:
    d = district_options(state.path, state.version, state.province)
    match = d[d["district_code"] == code]
    return str(match["district"].iloc[0]) if len(match) else code


# --- sign-in and roles -------------------------------------------------------
# The signed-in account lives in ``st.session_state["auth_user"]`` (its name, set only by the sign-in form
# after the password was checked, or by ``st.login`` through OpenID Connect). A browser cannot write
# session_state, so a test may set it directly, as the form does. The account is re-read from the
# database at every run: a disabled account or a changed role takes effect at once.


def oidc_configured() -> bool:
    """An OpenID Connect provider is configured in .streamlit/secrets.toml ([auth])."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def open_mode_allowed() -> bool:
    """No account exists yet (first start, demo): everyone may act, with a warning. HOTICH_OPEN_MODE=0 forbids."""
    return settings.current().open_mode and not oidc_configured()


def _resolve_user() -> auth.User | None:
    from analytics import auth

    with store.session(db_path()) as con:
        if oidc_configured() and getattr(st.user, "is_logged_in", False):
            email = st.user.get("email")
            return auth.oidc_user(con, email if isinstance(email, str) else None)
        name = st.session_state.get("auth_user")
        if name:
            user = auth.load_user(con, str(name))
            if user is None:
                st.session_state.pop("auth_user", None)
            return user
        if open_mode_allowed() and store.user_count(con) == 0:
            return auth.OPEN_USER
    return None


def current_user() -> auth.User | None:
    """The acting account of this run (resolved once per run by ``sign_in_state``)."""
    if "_auth_current" not in st.session_state:
        st.session_state["_auth_current"] = _resolve_user()
    return st.session_state["_auth_current"]


def sign_in_state() -> auth.User | None:
    """Resolve the account for this run and show who is signed in (with a sign-out button) in the sidebar."""
    from analytics import auth

    st.session_state["_auth_current"] = user = _resolve_user()
    with st.sidebar:
        if user is auth.OPEN_USER:
            st.warning(tr("auth.open_mode"), icon=":material/lock_open:")
        elif user is not None:
            st.caption(tr("login.signed_in_as", name=md(user.display_name or user.name), role=tr("role." + user.role)))
            if st.button(tr("login.sign_out"), key="sign_out"):
                st.session_state.pop("auth_user", None)
                st.session_state.pop("_auth_current", None)
                if user.source == "oidc":
                    st.logout()
                st.rerun()
        elif oidc_configured() and getattr(st.user, "is_logged_in", False):
            st.error(tr("auth.no_account", email=md(st.user.get("email") or "?")))
            if st.button(tr("login.sign_out"), key="sign_out"):
                st.logout()
    return user


def client_address() -> str | None:
    """The browser's IP address as the server saw it (None on localhost): the key of sign-in throttling.

    Behind a reverse proxy on the same machine, the server (uvicorn) takes it from the proxy's
    X-Forwarded-For header; it trusts that header from 127.0.0.1 only, so a browser cannot choose it."""
    try:
        address = st.context.ip_address
    except Exception:  # noqa: BLE001 - outside a browser session (tests, bare mode)
        return None
    return address if isinstance(address, str) else None  # AppTest has no connection (a stand-in object)


@st.cache_data(show_spinner=False, max_entries=16)
def upload_communes(path: str, version: int) -> dict[int, frozenset[str]]:
    """The communes of every upload (what an uploader may see and withdraw on the Upload page)."""
    with store.session(path) as con:
        return store.upload_communes_all(con)


def can_view(user: auth.User | None) -> bool:
    from analytics import auth

    return user is not None or not auth.view_requires_login()


def require_role(action: str) -> auth.User:
    """At the top of a page that writes: stop with a message unless the account may ``action``."""
    from analytics import auth

    user = current_user()
    try:
        auth.require(user, action)
    except auth.Forbidden as exc:
        show_error(exc)
        st.stop()
    assert user is not None
    return user


def open_province(province: str) -> None:
    """Drill from the country into one province: the sidebar takes it, the Overview opens."""
    st.session_state["province_select"] = province
    st.session_state.pop("district_select", None)
    st.switch_page("views/overview.py")


def num_format(pattern: str) -> str:
    """The number format of a table column: Vietnamese shows "localized" (12.345,6 in a Vietnamese browser;
    Streamlit's printf formats only write a decimal point), English the printf ``pattern``."""
    return "localized" if lang() == "vi" else pattern


# --- closing the campaign: the daily cut-off, commitments, units to summon, weekly roll-up, the report ---------


@st.cache_data(show_spinner=False, max_entries=64)
def cutoff_panel(path: str, version: int, province: str, as_of: date, district: str | None,
                 measure: str | None = None) -> dict:
    with store.session(path) as con:
        return closing.cutoff_panel(con, metrics.view(con, province, as_of, measure=measure), district)


@st.cache_data(show_spinner=False, max_entries=16)
def cutoff_label(path: str, version: int, province: str, lang: str) -> str:
    """The daily cut-off as the menu shows it ("17h00")."""
    with store.session(path) as con:
        return closing.format_cutoff(closing.cutoff_time(con, province), lang)


@st.cache_data(show_spinner=False, max_entries=64)
def commitments(path: str, version: int, province: str, as_of: date, district: str | None,
                measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return closing.commitments(con, metrics.view(con, province, as_of, measure=measure), district)


@st.cache_data(show_spinner=False, max_entries=64)
def summon(path: str, version: int, province: str, as_of: date, deadline: date,
           district: str | None, measure: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The communes (and their districts) past ``deadline`` on D and not at 100 %."""
    with store.session(path) as con:
        v = metrics.view(con, province, as_of, measure=measure)
        communes_ = closing.summon_list(con, v, deadline, district)
        return communes_, closing.summon_districts(con, v, communes_)


@st.cache_data(show_spinner=False, max_entries=64)
def weekly(path: str, version: int, province: str, as_of: date, measure: str | None = None) -> pd.DataFrame:
    with store.session(path) as con:
        return closing.weekly(con, metrics.view(con, province, as_of, measure=measure))


def report_button(state: Sidebar) -> None:
    """The report to the Chairman (Word), built only when clicked."""
    from analytics import report_docx

    def run() -> bytes:
        from analytics import images

        with store.session(state.path) as con:
            data = report_docx.gather(con, state.province, state.as_of, measure=state.measure)
        pictures: list[bytes] = []
        if images.renderer_ready():  # charts in the annex when the server can draw them; optional
            try:
                pictures = report_docx.chart_images(data, state.lang)
            except HotichError:
                pictures = []
        return report_docx.render(data, state.lang, pictures)

    st.download_button(tr("report.button"), data=run, file_name=report_docx.file_name(state.as_of),
                       mime=report_docx.DOCX_MIME, key="report_docx", on_click="ignore", icon=":material/description:",
                       help=tr("report.help"))
