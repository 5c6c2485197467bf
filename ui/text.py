"""The user's language and how text reaches the screen: catalogue labels, errors, Markdown made inert, tables."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import streamlit as st

from analytics import present
from analytics.errors import HotichError
from analytics.i18n import LANGS, t

LANG_WIDGET = "lang_select"  # the sidebar's language picker


def lang() -> str:
    """The language of this run. The picker's callback (``state.language_changed``) stores a new choice before
    the script runs, so every label of the run, the sign-in box above the picker included, is in it."""
    value = st.session_state.get("lang") or st.query_params.get("lang") or "vi"
    return value if value in LANGS else "vi"


def measure() -> str:
    """The measure the page counts in: the sidebar's of this run once it has chosen it (it is stored before
    the page is drawn), else the last run's; books before any."""
    chosen = st.session_state.get("measure") or getattr(st.session_state.get("view"), "measure", None)
    return chosen or "books"


def tr(key: str, **values: Any) -> str:
    """A text in the page's language, worded for the page's measure ("sổ" or "trường hợp")."""
    values.setdefault("measure", measure())
    return t(key, lang(), **values)


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


def num_format(pattern: str) -> str:
    """The number format of a table column: Vietnamese shows "localized" (12.345,6 in a Vietnamese browser;
    Streamlit's printf formats only write a decimal point), English the printf ``pattern``."""
    return "localized" if lang() == "vi" else pattern
