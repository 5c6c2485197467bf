"""Text made inert for spreadsheets (control characters) and for plotly's HTML subset (markup)."""

from __future__ import annotations

import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from analytics import safetext

# every character a workbook (XML 1.0) cannot hold, plus DEL and the C1 block
CONTROLS = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]] + [
    "\ufffe", "\uffff", "\ud800"]


@pytest.mark.parametrize("ch", CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_clean_takes_out_every_control_character(ch):
    cleaned = safetext.clean(f"Xã An{ch}Hòa")
    assert not ILLEGAL_CHARACTERS_RE.search(cleaned)
    assert cleaned in ("Xã AnHòa", "Xã An\nHòa")
    assert safetext.control_char(f"Xã An{ch}Hòa") == (6, f"U+{ord(ch):04X}")
    assert safetext.control_char(f"Xã An{ch}Hòa", multiline=True) == (6, f"U+{ord(ch):04X}")


def test_vertical_tab_and_form_feed_keep_the_line_break():
    assert safetext.clean("dòng một\x0bdòng hai\x0cba") == "dòng một\ndòng hai\nba"


@pytest.mark.parametrize("text", ["Xã An Hòa", "Phường Tân Thạnh – Đợt 2", "a\tb\nc\r\nd", "", "Đắk Lắk ✔ ▲"])
def test_clean_keeps_ordinary_text(text):
    assert safetext.clean(text) == text
    assert safetext.control_char(text, multiline=True) is None


def test_names_are_one_line():
    assert safetext.control_char("Xã An\tHòa") == (6, "U+0009")
    assert safetext.control_char("Xã An\nHòa") == (6, "U+000A")
    assert safetext.control_char(None) is None


@pytest.mark.parametrize("text", ['<a href="http://evil.example">Xã</a>', "A & B <b>Hòa</b>", "&lt;b&gt;",
                                  "&amp;", "Xã Điện Bàn", "1 < 2 > 0", "&#60;a&#62;"])
def test_markup_round_trip(text):
    escaped = safetext.markup(text)
    assert "<" not in escaped and ">" not in escaped
    assert safetext.unmarkup(escaped) == text
    if "&" not in text and "<" not in text and ">" not in text:
        assert escaped == text  # Vietnamese is left alone
