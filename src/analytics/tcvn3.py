"""Legacy TCVN3 (ABC, ".VnTime" fonts) Vietnamese text: detect it and convert it to Unicode.

Offices still type in TCVN3 fonts. Such text reaches us either as bytes in a
CSV (one byte per letter) or, from Excel, as Latin-1 look-alike characters
("Tam Kú" for "Tam Kỳ", "X· Hßa" for "Xã Hòa"). Both are converted with the
TCVN 5712 table (the lower half of VN1, which is what VN3/ABC uses), so a
name typed in an old font is never loaded as garbage.
"""

from __future__ import annotations

import re
import unicodedata

# byte 0xA1 .. 0xFF -> Unicode (generated from glibc's TCVN5712-1 table)
_HIGH = "\u0102\u00c2\u00ca\u00d4\u01a0\u01af\u0110\u0103\u00e2\u00ea\u00f4\u01a1\u01b0\u0111\u1eb0\u0300\u0309\u0303\u0301\u0323\u00e0\u1ea3\u00e3\u00e1\u1ea1\u1eb2\u1eb1\u1eb3\u1eb5\u1eaf\u1eb4\u1eae\u1ea6\u1ea8\u1eaa\u1ea4\u1ec0\u1eb7\u1ea7\u1ea9\u1eab\u1ea5\u1ead\u00e8\u1ec2\u1ebb\u1ebd\u00e9\u1eb9\u1ec1\u1ec3\u1ec5\u1ebf\u1ec7\u00ec\u1ec9\u1ec4\u1ebe\u1ed2\u0129\u00ed\u1ecb\u00f2\u1ed4\u1ecf\u00f5\u00f3\u1ecd\u1ed3\u1ed5\u1ed7\u1ed1\u1ed9\u1edd\u1edf\u1ee1\u1edb\u1ee3\u00f9\u1ed6\u1ee7\u0169\u00fa\u1ee5\u1eeb\u1eed\u1eef\u1ee9\u1ef1\u1ef3\u1ef7\u1ef9\u00fd\u1ef5\u1ed0"
TO_UNICODE: dict[int, str] = {0xA1 + i: ch for i, ch in enumerate(_HIGH)}
TO_UNICODE[0xA0] = " "

# Latin-1 characters that Vietnamese Unicode text never uses, but TCVN3 text read as
# Latin-1/cp1252 is full of: ¡¢£¤¥¦§ (ĂÂÊÔƠƯĐ), ¨©ª«¬­® (ăâêôơưđ), µ¶·¸¹ (àảãáạ), ...
_VIETNAMESE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
DISTINCTIVE = frozenset(
    ch for ch in (chr(c) for c in range(0xA1, 0x100))
    if ch not in _VIETNAMESE_LATIN1 and ch not in "°²³´¹º¿×÷"
) | frozenset("¸¹×")
_OUTSIDE_LATIN1 = re.compile(r"[^\x00-\xff]")


def looks_tcvn3(text: str) -> bool:
    """True when a text is TCVN3 read as Latin-1: TCVN3-only letters and nothing beyond Latin-1."""
    if not text or text.isascii() or _OUTSIDE_LATIN1.search(text):
        return False
    marks = sum(1 for ch in text if ch in DISTINCTIVE)
    return marks >= 1 and marks * 1.0 >= 0.02 * len(text)


def to_unicode(text: str) -> str:
    """Convert TCVN3 text read as Latin-1 (or as Windows-1252/1258 bytes) to NFC Unicode."""
    out = []
    for ch in text:
        code = ord(ch)
        out.append(TO_UNICODE.get(code, ch) if code >= 0xA0 else ch)
    return unicodedata.normalize("NFC", "".join(out))


def fix(text: str) -> tuple[str, bool]:
    """(text converted when it is TCVN3, whether it was)."""
    if looks_tcvn3(text):
        return to_unicode(text), True
    return text, False


def decode_bytes(data: bytes) -> str:
    """Bytes typed in TCVN3: each byte is one character of the table (ASCII below 0x80)."""
    return unicodedata.normalize("NFC", "".join(
        chr(b) if b < 0x80 else TO_UNICODE.get(b, "\ufffd") for b in data))


def bytes_look_tcvn3(data: bytes) -> bool:
    """Non-UTF-8 bytes: TCVN3 rather than Windows-1258, judged by the bytes Windows-1258 text never has."""
    sample = data[:65536]
    high = [b for b in sample if b >= 0x80]
    if not high:
        return False
    # ¨©ª«¬­® and µ¶·¸¹»¼½¾ are TCVN3's most common letters and never appear in Vietnamese Windows-1258 text
    tcvn_only = sum(1 for b in high if 0xA8 <= b <= 0xAE or 0xB5 <= b <= 0xBE)
    return tcvn_only >= max(1, len(high) // 10)
