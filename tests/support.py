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
