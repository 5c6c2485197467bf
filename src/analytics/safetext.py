"""Text from files and users made inert for where it goes next: a spreadsheet cell, a plotly label.

Two hazards, one helper each:

- control characters: a spreadsheet (xlsx is XML 1.0) cannot hold most of them, and openpyxl refuses the
  whole workbook over one of them (``IllegalCharacterError``), so one stray U+000B in an explanation would
  break the report for everyone. ``clean`` takes them out of what we export and show; ``control_char``
  finds them where text comes in, so the input can be refused with a message saying which and where.
- markup: plotly renders a subset of HTML (``<a href>``, ``<span style>``, ``<b>``, ``<br>``…) in labels,
  tick labels and hover text, so a district named ``<a href="…">`` would be a live link in a chart.
  ``markup`` escapes ``&``, ``<`` and ``>``; plotly turns the entities back into the characters as it
  draws, so the name shows exactly as typed (Vietnamese untouched).

No Streamlit, no database: every layer may import this.
"""

from __future__ import annotations

import html
import re

# Everything in Unicode's "Cc" category except tab, LF and CR (C0, DEL, C1), lone surrogates, and the two
# noncharacters XML forbids. C1 and DEL are legal XML but only ever come from broken decoding or binary junk.
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_CONTROL_RE = re.compile(f"[{_CONTROL}]")
_CONTROL_OR_SPACE_RE = re.compile(f"[{_CONTROL}\t\n\r]")
# vertical tab and form feed are how Word and old exports write a line break: keep the break
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})


def clean(text: str) -> str:
    """``text`` without the characters a spreadsheet cannot hold (VT and FF become line breaks)."""
    if not _CONTROL_RE.search(text):
        return text
    return _CONTROL_RE.sub("", text.translate(_BREAKS))


def has_control(text: str) -> bool:
    """Whether ``clean`` would change ``text``."""
    return _CONTROL_RE.search(text) is not None


def control_char(text: str | None, *, multiline: bool = False) -> tuple[int, str] | None:
    """The first control character in ``text`` as (1-based position, "U+000B"), None when there is none.

    Names are one line (tab, CR and LF count as control characters); ``multiline`` text such as an
    explanation may hold line breaks and tabs."""
    if not text:
        return None
    found = (_CONTROL_RE if multiline else _CONTROL_OR_SPACE_RE).search(text)
    if found is None:
        return None
    return found.start() + 1, f"U+{ord(found.group()):04X}"


def markup(text: object) -> str:
    """Data text for a plotly label, tick, hover or annotation: shown as typed, never as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unmarkup(text: str) -> str:
    """The text ``markup`` was given (a clicked chart label back to the name it shows)."""
    return html.unescape(text)
