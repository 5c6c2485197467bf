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
    shown = present.shown_table(data)
    config = {k: _copy_config(v) for k, v in (kwargs.get("column_config") or {}).items()}
    styled = _number_formats(shown, config, lang())
    if config:
        kwargs["column_config"] = config
    return st.dataframe(styled, **kwargs)


def num_format(pattern: str) -> str:
    """The number format of a table column, as printf (``%.1f %%``: one decimal, a percent sign; ``%d``: a
    plain integer); ``table`` shows it in the user's language."""
    return pattern


# the most rows whose numbers are written by the app (each cell once); a longer table (an upload's preview)
# is left to the browser's "localized" format
STYLED_ROWS = 2_000
_VI_SEPARATORS = str.maketrans(",.", ".,")
_PRINTF = re.compile(r"%(?:\.(\d+))?[fd](\s*%%)?")


def _copy_config(value: Any) -> Any:
    if isinstance(value, dict):
        return {**value, "type_config": dict(value.get("type_config") or {})}
    return value


def _number_formats(df: pd.DataFrame, config: dict[str, Any], language: str) -> Any:
    """One number format in every table, the app's own (``71,0 %``, ``5.107`` in Vietnamese; ``71.0 %``,
    ``5,107`` in English), with the numbers kept as numbers (sorting, the toolbar's CSV): Streamlit's printf
    formats write only a decimal point and drop no zeros but group no thousands, its default format drops
    trailing zeros (``71``) and its "localized" one follows the browser, not the page. The cells' text comes
    from a Styler (a number column then needs no format of its own); a progress bar writes its label itself:
    there the browser's "localized" with the decimals asked for."""
    formats: dict[str, Any] = {}
    for col in df.columns:
        values = df[col]
        if not pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
            continue
        entry = config.get(col)
        type_config = entry.get("type_config", {}) if isinstance(entry, dict) else {}
        kind = type_config.get("type")
        if kind not in (None, "number", "progress"):
            continue
        m = _PRINTF.fullmatch(str(type_config.get("format") or ""))
        if m:
            digits, percent, plain = int(m[1] or 0), bool(m[2]), m[0].startswith("%d")
        else:
            digits, percent, plain = (1 if pd.api.types.is_float_dtype(values.dtype) else 0), False, False
        if kind == "progress" or len(df) > STYLED_ROWS:
            step = 10 ** -digits if digits else 1
            if not isinstance(entry, dict):
                config[col] = st.column_config.NumberColumn(format="localized", step=step)
            elif language == "vi" or not m:
                type_config.update(format="localized", step=step)
                entry["type_config"] = type_config
            continue
        if isinstance(entry, dict):
            type_config["format"] = None  # the Styler's text is shown only where the column has no format
            entry["type_config"] = type_config

        def write(x: Any, digits: int = digits, percent: bool = percent, plain: bool = plain) -> str:
            if pd.isna(x):  # None, NaN, pd.NA
                return "–"
            if plain:
                return str(int(round(float(x))))
            # Python's own grouping, the separators swapped for Vietnamese: what fmt_num writes, at a
            # thousandth of its cost (a table has thousands of cells)
            text = f"{float(x):,.{digits}f}"
            if language == "vi":
                text = text.translate(_VI_SEPARATORS)
            return f"{text} %" if percent else text

        formats[col] = write
    if not formats:
        return df
    return df.style.format(formats)
