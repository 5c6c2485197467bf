"""Administrative units: Vietnamese name keys and matching a file's names and codes to units.

Names vary in Unicode form (NFC/NFD), tone-mark placement ("Hoà"/"Hòa",
"Thuỷ"/"Thủy"), case, spacing and type words ("Xã", "P.", "TT."). A name key
removes all of that while keeping the accents; an accent-free key is the
fallback, used only when it points to a single unit.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, overload

from analytics import lazy
from analytics.store import canonical_code

if TYPE_CHECKING:  # mypy sees pandas itself
    import pandas as pd
else:
    pd = lazy.module("pandas")  # loaded on first use: commands such as summary need no frame

TONE_MARKS = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
# longest first, so "thị trấn" is removed before "thị"
TYPE_WORDS = [
    "thành phố trực thuộc trung ương", "thành phố", "thị trấn", "thị xã", "phường", "huyện", "quận", "xã", "tỉnh",
    "tp.", "tp", "tx.", "tx", "tt.", "tt", "p.", "q.", "h.", "x.",
]
# a control character (a NUL, Word's vertical tab, an escape) in a report's name separates words like a space
_SPACE_RE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_PUNCT_RE = re.compile(r"[^\w\s]")


def _fold(text: str) -> str:
    """Lower case without any diacritics (đ -> d)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# the same type words without accents, for names typed without them ("phuong an my")
_ALL_TYPES = sorted(set(TYPE_WORDS) | {_fold(w) for w in TYPE_WORDS}, key=len, reverse=True)


def _syllable_key(syllable: str) -> str:
    """Move a syllable's tone mark to its end: placement no longer matters."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = ""
    kept = []
    for ch in decomposed:
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept)) + (f"|{tone}" if tone else "")


@overload
def display_code(unit_id: str) -> str: ...
@overload
def display_code(unit_id: None) -> None: ...
@overload
def display_code(unit_id: object) -> object: ...
def display_code(unit_id: object) -> object:
    """The official code of a unit id, as people and files write it: an id is the code, or
    ``code@structure`` when another unit structure already uses the code (``store._unit_ids``)."""
    if isinstance(unit_id, str) and "@" in unit_id:
        return unit_id.split("@", 1)[0]
    return unit_id


def strip_type(name: str) -> str:
    """Drop one leading type word ("Xã", "Phường", "TT.", "Huyện", "phuong", ...).

    A type word matches as written or wholly without accents ("phuong"), never
    with other accents, so "Xã Xá Lượng" keeps "Xá Lượng".
    """
    text = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", str(name)).strip())
    lower = text.lower()
    for word in _ALL_TYPES:
        if lower.startswith(word):
            rest = text[len(word):]
            if word.endswith(".") or rest.startswith(" "):
                rest = rest.strip(" .")
                if rest:
                    return rest
    return text


# the commune-level type a name starts with, as written or without accents (district types are not commune types)
_COMMUNE_TYPES = [("thị trấn", "thi tran"), ("phường", "phuong"), ("xã", "xa"), ("tt.", "thi tran"),
                  ("tt", "thi tran"), ("p.", "phuong"), ("x.", "xa")]
_COMMUNE_TYPES = sorted({*_COMMUNE_TYPES, *((_fold(w), t) for w, t in _COMMUNE_TYPES)}, key=lambda p: -len(p[0]))


@functools.lru_cache(maxsize=65536)
def commune_type(name: str) -> str | None:
    """"xa", "phuong" or "thi tran" when the name starts with that type word, else None.

    Name keys drop type words so "Hoà Thuận" finds "Phường Hoà Thuận"; the type, when a file gives it, still
    tells apart units whose names differ only in it ("Phường Phước Hòa" of Tam Kỳ, "Xã Phước Hoà" of Phước Sơn).
    """
    text = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", str(name)).strip()).lower()
    if text.startswith(("thị xã", "thi xa")):
        return None
    for word, kind in _COMMUNE_TYPES:
        if text.startswith(word) and (word.endswith(".") or text[len(word):].startswith(" ")):
            return kind
    return None


def name_key(name: object) -> str:
    """Accent-keeping key: case, spacing, Unicode form, tone placement and type word removed."""
    if name is None or (isinstance(name, float) and name != name):
        return ""
    return _name_key(str(name))


@functools.lru_cache(maxsize=65536)
def _name_key(name: str) -> str:
    text = strip_type(name).lower()
    text = _PUNCT_RE.sub(" ", text)
    return " ".join(_syllable_key(s) for s in text.split())


def plain_key(name: object) -> str:
    """Accent-free key (the fallback): "Tam Kỳ" and "Tam Ky" agree; spaces dropped ("P Rao" = "Prao")."""
    return _plain_key(name_key(name))


@functools.lru_cache(maxsize=65536)
def _plain_key(key: str) -> str:
    out = _fold(key)
    out = re.sub(r"\|\d", "", out)  # tone marks appended by name_key
    return out.replace(" ", "")


@dataclass
class Match:
    code: str | None
    candidates: list[str] = field(default_factory=list)  # "Name (code)" suggestions when unsure
    reason: str | None = None  # None | "unknown" | "ambiguous" | "name_mismatch"
    codes: list[str] = field(default_factory=list)  # the candidates' codes, in the same order


class UnitIndex:
    """Lookup of the communes (and districts) of the unit list, built once per import."""

    def __init__(self, communes: pd.DataFrame, aliases: pd.DataFrame | None = None) -> None:
        self.communes = communes.reset_index(drop=True)
        self.by_code: dict[str, dict] = {}
        self.by_ref: dict[str, dict] = {}  # by the official code files write (a unit's id may differ)
        self.district_by_key: dict[str, set[str]] = {}
        self.district_by_plain: dict[str, set[str]] = {}
        self.district_names: dict[str, str] = {}
        self.commune_keys: dict[tuple[str | None, str], set[str]] = {}
        self.commune_plain: dict[tuple[str | None, str], set[str]] = {}
        self.commune_keys_any: dict[str, set[str]] = {}
        self.commune_plain_any: dict[str, set[str]] = {}
        for rec in self.communes.to_dict("records"):
            code = rec["commune_code"]
            self.by_code[code] = rec
            ref = rec.get("ref_code")
            self.by_ref[ref if isinstance(ref, str) and ref else code] = rec
            d = rec.get("district_code")
            d = None if d is None or (isinstance(d, float) and d != d) else d
            rec["district_code"] = d
            if d:
                self.district_names[d] = rec["district"]
                self.district_by_key.setdefault(name_key(rec["district"]), set()).add(d)
                self.district_by_plain.setdefault(plain_key(rec["district"]), set()).add(d)
            k, pk = name_key(rec["commune"]), plain_key(rec["commune"])
            self.commune_keys.setdefault((d, k), set()).add(code)
            self.commune_plain.setdefault((d, pk), set()).add(code)
            self.commune_keys_any.setdefault(k, set()).add(code)
            self.commune_plain_any.setdefault(pk, set()).add(code)
        self.aliases: dict[tuple[str | None, str], str] = {}
        if aliases is not None and not aliases.empty:
            for rec in aliases.to_dict("records"):
                if rec["commune_code"] in self.by_code:
                    d = rec.get("district_code")
                    d = None if d is None or (isinstance(d, float) and d != d) else d
                    self.aliases[(d, rec["alias_key"])] = rec["commune_code"]

    @property
    def three_level(self) -> bool:
        return bool(self.district_names)

    def label(self, code: str) -> str:
        rec = self.by_code[code]
        district = f", {rec['district']}" if rec.get("district") else ""
        ref = rec.get("ref_code")
        return f"{rec['commune']}{district} ({ref if isinstance(ref, str) and ref else code})"

    def _suggest(self, name: str, pool: list[str], limit: int = 3) -> list[str]:
        """Codes of the closest names (fuzzy, accent-free), best first."""
        choices = {code: plain_key(self.by_code[code]["commune"]) for code in pool}
        # loaded when a name must be matched, not by every command
        from rapidfuzz import fuzz, process

        found = process.extract(plain_key(name), choices, scorer=fuzz.ratio, limit=limit, score_cutoff=50)
        return [code for _, _, code in found]

    def _candidates(self, codes: list[str], reason: str) -> Match:
        return Match(None, [self.label(c) for c in codes], reason, list(codes))

    def match_district(self, name: object) -> Match:
        """A district by name: exact key first, accent-free key only when it is unique."""
        key = name_key(name)
        hits = self.district_by_key.get(key, set())
        if len(hits) == 1:
            return Match(next(iter(hits)))
        if not hits:
            hits = self.district_by_plain.get(plain_key(name), set())
            if len(hits) == 1:
                return Match(next(iter(hits)))
        if hits:
            return Match(None, [f"{self.district_names[c]} ({c})" for c in sorted(hits)], "ambiguous")
        choices = {c: plain_key(n) for c, n in self.district_names.items()}
        # loaded when a name must be matched, not by every command
        from rapidfuzz import fuzz, process

        found = process.extract(plain_key(name), choices, scorer=fuzz.ratio, limit=3, score_cutoff=50)
        return Match(None, [f"{self.district_names[c]} ({c})" for _, _, c in found], "unknown")

    def match_commune(self, code: object = None, name: object = None, district_code: str | None = None) -> Match:
        """By code when present (its name, if given, must agree); else by name within the district."""
        canon = canonical_code(code, "commune")
        if canon is not None:
            rec = self.by_ref.get(canon)
            if rec is None:
                pool = list(self.by_code) if not name else self._pool(district_code)
                return self._candidates(self._suggest(str(name), pool) if name else [], "unknown")
            if name is not None and str(name).strip() and not self.names_agree(str(name), rec["commune"]):
                return self._candidates([rec["commune_code"]], "name_mismatch")
            return Match(rec["commune_code"])
        if name is None or not str(name).strip():
            return Match(None, [], "unknown")
        key = name_key(name)
        alias = self.aliases.get((district_code, key)) or self.aliases.get((None, key))
        if alias:
            return Match(alias)
        scope = district_code if self.three_level else None
        if self.three_level and district_code is None:
            exact, plain = self.commune_keys_any, self.commune_plain_any
            hits = exact.get(key, set())
            if not hits:
                hits = plain.get(plain_key(name), set())
        else:
            hits = self.commune_keys.get((scope, key), set())
            if not hits:
                hits = self.commune_plain.get((scope, plain_key(name)), set())
        if len(hits) > 1:
            hits = self._same_type(str(name), hits)
        if len(hits) == 1:
            return Match(next(iter(hits)))
        if hits:
            return self._candidates(sorted(hits), "ambiguous")
        return self._candidates(self._suggest(str(name), self._pool(district_code)), "unknown")

    def _same_type(self, name: str, hits: set[str]) -> set[str]:
        """Of several units with the name, those of the type the file writes (all of them when it writes none,
        or when none is of that type: then the name stays ambiguous rather than wrongly unknown)."""
        kind = commune_type(name)
        if kind is None:
            return hits
        same = {c for c in hits if commune_type(self.by_code[c]["commune"]) == kind}
        return same or hits

    def districts_in_text(self, text: str, *, typed: bool) -> set[str]:
        """Codes of the districts a text names: "UBND HUYỆN PHƯỚC SƠN", "... của thị xã Điện Bàn".

        ``typed``: only a name right after a district type word counts (a title line's "Tam Kỳ, ngày 25 tháng
        02" is where a province office signs, not a district). Accents are compared when the text has them;
        a text without any (a file name) is compared without them, and "phuocson" is "phuoc son".
        """
        words = _PUNCT_RE.sub(" ", unicodedata.normalize("NFC", str(text)).lower().replace("_", " ")).split()
        plain = [_fold(w) for w in words]
        accented = any(w != p for w, p in zip(words, plain))
        keys = [_syllable_key(w) for w in words] if accented else plain
        found: set[str] = set()
        for code, name in self.district_names.items():
            toks = name_key(name).split() if accented else _fold(name_key(name)).replace("|", " ").split()
            if not accented:
                toks = [t for t in toks if not t.isdigit()]
            joined = "".join(toks)
            for i in range(len(keys)):
                n = next((k for k in range(1, 5) if not typed and not accented and i + k <= len(keys)
                          and "".join(keys[i:i + k]) == joined), None)
                if n is None and keys[i:i + len(toks)] == toks:
                    n = len(toks)
                if n is None:
                    continue
                before = plain[max(0, i - 2):i]
                if not typed or (before and before[-1] in ("huyen", "quan", "tx", "tp", "h")) \
                        or before in (["thi", "xa"], ["thanh", "pho"]):
                    found.add(code)
                    break
        return found

    def _pool(self, district_code: str | None) -> list[str]:
        if district_code:
            return [c for c, r in self.by_code.items() if r.get("district_code") == district_code]
        return list(self.by_code)

    @staticmethod
    def names_agree(given: str, official: str) -> bool:
        """A file's name for a coded commune agrees when it is the same up to accents and small spelling."""
        a, b = plain_key(given), plain_key(official)
        if not a or a == b:
            return True
        # loaded when a name must be matched, not by every command
        from rapidfuzz import fuzz

        return fuzz.ratio(a, b) >= 80
