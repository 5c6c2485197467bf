"""Streamlit glue shared by app.py and the pages: the sidebar state, cached calls, messages.

Caches are keyed on the database's data version, which every write bumps, so a
new upload shows at once and nothing stale is served.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from analytics import config, demo, metrics, store
from analytics.errors import HotichError
from analytics.i18n import LANGS, fmt_date, t


def db_path() -> str:
    return str(config.db_path())


def lang() -> str:
    value = st.session_state.get("lang") or st.query_params.get("lang") or "vi"
    return value if value in LANGS else "vi"


def tr(key: str, **values: Any) -> str:
    return t(key, lang(), **values)


def current_version() -> int:
    with store.session(db_path()) as con:
        return store.data_version(con)


@st.cache_data(show_spinner=False, max_entries=64)
def provinces(path: str, version: int) -> pd.DataFrame:
    with store.session(path) as con:
        return store.provinces(con)


@st.cache_data(show_spinner=False, max_entries=64)
def default_province(path: str, version: int) -> str:
    with store.session(path) as con:
        return store.default_province(con)


@st.cache_data(show_spinner=False, max_entries=64)
def span(path: str, version: int, province: str) -> tuple[date | None, date | None]:
    with store.session(path) as con:
        return metrics.report_span(con, province)


@st.cache_data(show_spinner=False, max_entries=64)
def is_demo(path: str, version: int) -> bool:
    with store.session(path) as con:
        return store.is_demo(con)


@st.cache_data(show_spinner=False, max_entries=128)
def summary(path: str, version: int, province: str, as_of: date) -> dict:
    with store.session(path) as con:
        return metrics.summary(con, province, as_of)


@st.cache_data(show_spinner=False, max_entries=128)
def view(path: str, version: int, province: str, as_of: date) -> metrics.View:
    with store.session(path) as con:
        return metrics.view(con, province, as_of)


@st.cache_data(show_spinner=False, max_entries=128)
def trend(path: str, version: int, province: str, as_of: date) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.trend(con, metrics.view(con, province, as_of))


@st.cache_data(show_spinner=False, max_entries=128)
def underperformers(path: str, version: int, province: str, as_of: date) -> pd.DataFrame:
    with store.session(path) as con:
        return metrics.underperformers(con, province, as_of)


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


def ensure_demo_on_first_start() -> None:
    """A newcomer sees a working dashboard: an empty database (never uploaded to) gets the demo."""
    if os.environ.get("HOTICH_AUTO_DEMO", "1") == "0":
        return
    with store.session(db_path()) as con:
        if store.report_count(con) == 0 and store.uploads(con, 1).empty:
            demo.load_demo(con)
            st.session_state["demo_just_loaded"] = True


def sidebar() -> Sidebar:
    """The shared controls: language, province, as-of date; the view is mirrored in the URL."""
    path = db_path()
    version = current_version()
    with st.sidebar:
        choice = st.selectbox(
            t("sidebar.language", lang()), options=list(LANGS), index=list(LANGS).index(lang()),
            format_func=lambda x: {"vi": "Tiếng Việt", "en": "English"}[x], key="lang_select",
        )
        st.session_state["lang"] = choice
        st.query_params["lang"] = choice
        provs = provinces(path, version)
        province = default_province(path, version)
        if len(provs) > 1:
            codes = list(provs["province_code"])
            wanted = st.query_params.get("province", province)
            province = st.selectbox(
                tr("sidebar.province"), options=codes, index=codes.index(wanted) if wanted in codes else 0,
                format_func=lambda c: str(provs.set_index("province_code").loc[c, "province_name"]),
                key="province_select",
            )
            st.query_params["province"] = province
        first, last = span(path, version, province)
        default_day = last or date.today()
        wanted_day = st.query_params.get("as_of")
        try:
            initial = date.fromisoformat(wanted_day) if wanted_day else default_day
        except ValueError:
            initial = default_day
        low = min(first or default_day, initial)
        high = max(date.today(), initial)
        as_of = st.date_input(tr("sidebar.as_of"), value=initial, min_value=low, max_value=high,
                              format="DD/MM/YYYY", key="as_of_input")
        if as_of != default_day:
            st.query_params["as_of"] = as_of.isoformat()
        elif "as_of" in st.query_params:
            del st.query_params["as_of"]
        v = view(path, version, province, as_of)
        st.caption(tr("sidebar.campaign", name=v.campaign_name, start=fmt_date(v.start),
                      deadline=fmt_date(v.deadline)))
    demo_flag = is_demo(path, version)
    return Sidebar(path, version, province, as_of, choice, demo_flag)


def demo_banner(state: Sidebar) -> None:
    if state.demo:
        st.warning(tr("app.demo_banner"), icon="🧪")


def show_error(exc: HotichError) -> None:
    st.error(exc.render(lang()))


def plot(fig: Any, key: str, name: str) -> None:
    """Draw a chart. Every page draws charts through here, so image export is added in one place.

    ``name`` is the chart's file-name stem for downloads (e.g. "tien-do-toan-tinh").
    """
    st.plotly_chart(fig, key=key, config={"displaylogo": False,
                                          "toImageButtonOptions": {"format": "png", "filename": name}})
