"""Helpers the tests import (conftest.py holds only fixtures: two conftest modules would clash)."""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TINY_UNITS = [
    # province_code, province_name, district_code, district_name, commune_code, commune_name, commune_type
    ("99", "Tỉnh Thử", "901", "Huyện Một", "90001", "Xã An Hòa", "xã"),
    ("99", "Tỉnh Thử", "901", "Huyện Một", "90002", "Xã Bình Thuỷ", "xã"),
    ("99", "Tỉnh Thử", "901", "Huyện Một", "90003", "Thị trấn Cẩm Lệ", "thị trấn"),
    ("99", "Tỉnh Thử", "902", "Huyện Hai", "90004", "Phường Tân Thạnh", "phường"),
    ("99", "Tỉnh Thử", "902", "Huyện Hai", "90005", "Xã Tam Kỳ", "xã"),
]
UNIT_HEADER = ["province_code", "province_name", "district_code", "district_name", "commune_code",
               "commune_name", "commune_type"]


def write_units_csv(path: Path, rows=TINY_UNITS, extra_header: list[str] | None = None) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(UNIT_HEADER + (extra_header or []))
        w.writerows(rows)
    return path


def csv_bytes(header: list[str], rows: list[list], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode(encoding)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@contextmanager
def fast_bcrypt(rounds: str = "4") -> Iterator[None]:
    """Cheap password hashes while building test databases (the real cost factor is for production)."""
    old = os.environ.get("HOTICH_BCRYPT_ROUNDS")
    os.environ["HOTICH_BCRYPT_ROUNDS"] = rounds
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("HOTICH_BCRYPT_ROUNDS", None)
        else:
            os.environ["HOTICH_BCRYPT_ROUNDS"] = old


# --- hostile names in charts (plotly draws a subset of HTML in labels, ticks, hover text, annotations) ----------

# every tag plotly knows, a style, a script, a link, entities already escaped, Vietnamese around them
HOSTILE_MARKUP = [
    '<a href="http://evil.example/x" target="_blank">EVIL link</a>',
    '<span style="font-size:90px;color:red">EVIL</span>',
    "Xã <b>EVIL</b> <i>Hòa</i> & Đông",
    "<sub>EVIL</sub><sup>x</sup><em>y</em><s>z</s><u>w</u>",
    "<br>EVIL<br/>",
    '<script>alert("EVIL")</script>',
    "&lt;a href=x&gt;EVIL&lt;/a&gt;",
]
# the markup our own code writes around text (titles, subtitles, hover templates)
OUR_TAGS = {"br", "b", "/b", "sup", "/sup", "extra", "/extra"}


def figure_strings(fig) -> list[str]:
    """Every string in a figure as plotly.js receives it: trace text, labels, categories, ticktext,
    hover templates and text, annotations, titles, legend names."""
    import json as _json

    out: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(_json.loads(fig.to_json()))
    return out


def markup_problems(fig, marker: str = "EVIL") -> list[str]:
    """Tags in a figure's text that our code did not write, and hover templates holding data."""
    import re

    problems = []
    for s in figure_strings(fig):
        for tag in re.findall(r"<([^<>]*)>", s):  # plotly splits text on <...> and reads each as a tag
            name = re.match(r"\s*(/?[^ />]*)", tag).group(1).lower()
            if name not in OUR_TAGS:
                problems.append(f"<{tag}> in {s[:120]!r}")
        if re.search(r"<[^<>]*>\s*" + marker, s):
            problems.append(f"data inside our tag: {s[:120]!r}")
        if "%{" in s and marker in s:
            problems.append(f"data in a template: {s[:120]!r}")
    return problems
