"""Synthetic national-scale data: units of 63 provinces and a year of daily cumulative reports.

Deterministic (seeded). Quảng Nam (49) keeps its real shipped unit list; the
62 other provinces get made-up districts and communes with Vietnamese-looking
names, codes in the national scheme (province 2 digits, district 3, commune 5,
see ``store.canonical_code``) that never collide with Quảng Nam's.

Reports are vectorized with numpy: each commune has a size (books), a starting
completion a year ago and a pace profile (ahead, near plan, lagging, stalled);
Sundays are slow, about 1 % of days carry no report, a few communes join late,
stop reporting, or never report.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from analytics import config, store

END = date(2025, 3, 5)          # last day of the generated year (the demo's as-of date)
DAYS = 365
SEED = 20250221

PROVINCES = [
    ("01", "Thành phố Hà Nội"), ("02", "Tỉnh Hà Giang"), ("04", "Tỉnh Cao Bằng"), ("06", "Tỉnh Bắc Kạn"),
    ("08", "Tỉnh Tuyên Quang"), ("10", "Tỉnh Lào Cai"), ("11", "Tỉnh Điện Biên"), ("12", "Tỉnh Lai Châu"),
    ("14", "Tỉnh Sơn La"), ("15", "Tỉnh Yên Bái"), ("17", "Tỉnh Hòa Bình"), ("19", "Tỉnh Thái Nguyên"),
    ("20", "Tỉnh Lạng Sơn"), ("22", "Tỉnh Quảng Ninh"), ("24", "Tỉnh Bắc Giang"), ("25", "Tỉnh Phú Thọ"),
    ("26", "Tỉnh Vĩnh Phúc"), ("27", "Tỉnh Bắc Ninh"), ("30", "Tỉnh Hải Dương"), ("31", "Thành phố Hải Phòng"),
    ("33", "Tỉnh Hưng Yên"), ("34", "Tỉnh Thái Bình"), ("35", "Tỉnh Hà Nam"), ("36", "Tỉnh Nam Định"),
    ("37", "Tỉnh Ninh Bình"), ("38", "Tỉnh Thanh Hóa"), ("40", "Tỉnh Nghệ An"), ("42", "Tỉnh Hà Tĩnh"),
    ("44", "Tỉnh Quảng Bình"), ("45", "Tỉnh Quảng Trị"), ("46", "Tỉnh Thừa Thiên Huế"), ("48", "Thành phố Đà Nẵng"),
    ("49", "Tỉnh Quảng Nam"), ("51", "Tỉnh Quảng Ngãi"), ("52", "Tỉnh Bình Định"), ("54", "Tỉnh Phú Yên"),
    ("56", "Tỉnh Khánh Hòa"), ("58", "Tỉnh Ninh Thuận"), ("60", "Tỉnh Bình Thuận"), ("62", "Tỉnh Kon Tum"),
    ("64", "Tỉnh Gia Lai"), ("66", "Tỉnh Đắk Lắk"), ("67", "Tỉnh Đắk Nông"), ("68", "Tỉnh Lâm Đồng"),
    ("70", "Tỉnh Bình Phước"), ("72", "Tỉnh Tây Ninh"), ("74", "Tỉnh Bình Dương"), ("75", "Tỉnh Đồng Nai"),
    ("77", "Tỉnh Bà Rịa - Vũng Tàu"), ("79", "Thành phố Hồ Chí Minh"), ("80", "Tỉnh Long An"),
    ("82", "Tỉnh Tiền Giang"), ("83", "Tỉnh Bến Tre"), ("84", "Tỉnh Trà Vinh"), ("86", "Tỉnh Vĩnh Long"),
    ("87", "Tỉnh Đồng Tháp"), ("89", "Tỉnh An Giang"), ("91", "Tỉnh Kiên Giang"), ("92", "Thành phố Cần Thơ"),
    ("93", "Tỉnh Hậu Giang"), ("94", "Tỉnh Sóc Trăng"), ("95", "Tỉnh Bạc Liêu"), ("96", "Tỉnh Cà Mau"),
]
SYLLABLES = [
    "An", "Bình", "Hòa", "Phú", "Tân", "Thạnh", "Long", "Phước", "Hưng", "Thuận", "Đông", "Tây", "Nam", "Bắc",
    "Trung", "Sơn", "Hải", "Thủy", "Lộc", "Mỹ", "Hiệp", "Thành", "Quang", "Minh", "Đức", "Nghĩa", "Thịnh",
    "Vĩnh", "Khánh", "Hương", "Lâm", "Cẩm", "Kỳ", "Duy", "Điện", "Xuân", "Hạ", "Thu", "Đại", "Tiến",
    "Hội", "Lợi", "Châu", "Giang", "Yên", "Sương", "Trà", "Mai", "Liên", "Phong",
]
DISTRICT_KINDS = [("Huyện", 0.78), ("Thị xã", 0.08), ("Thành phố", 0.08), ("Quận", 0.06)]
COMMUNE_KINDS = [("xã", "Xã", 0.85), ("phường", "Phường", 0.12), ("thị trấn", "Thị trấn", 0.03)]
QUANG_NAM = "49"
DA_NANG = "48"  # Quảng Nam's province from 1 Jul 2025


def _pick(rng: np.random.Generator, items: list[tuple]) -> tuple:
    weights = np.array([w[-1] for w in items], dtype=float)
    return items[int(rng.choice(len(items), p=weights / weights.sum()))]


def _spread(rng: np.random.Generator, total: int, parts: int, low: int, high: int) -> list[int]:
    """``parts`` integers in [low, high] summing to ``total`` (approximately uniform)."""
    sizes = rng.integers(low, high + 1, size=parts).astype(float)
    sizes = np.maximum(np.round(sizes * total / sizes.sum()), 1).astype(int)
    diff = total - int(sizes.sum())
    i = 0
    while diff != 0:
        step = 1 if diff > 0 else -1
        if sizes[i % parts] + step >= 1:
            sizes[i % parts] += step
            diff -= step
        i += 1
    return sizes.tolist()


def national_units(communes: int = 10_600, districts: int = 700, provinces: int = 63,
                   seed: int = SEED) -> list[dict[str, Any]]:
    """Unit rows (as ``store.read_units_csv`` returns them), province code order; 49 is the real list."""
    rng = np.random.default_rng(seed)
    qn = store.read_units_csv(config.UNITS_FILE)
    qn_districts = {r["district_code"] for r in qn}
    qn_communes = {r["commune_code"] for r in qn}
    chosen = [p for p in PROVINCES if p[0] == QUANG_NAM] + [p for p in PROVINCES if p[0] != QUANG_NAM]
    chosen = sorted(chosen[:max(provinces, 1)])
    others = [p for p in chosen if p[0] != QUANG_NAM]
    has_qn = len(others) < len(chosen)
    n_districts = max(districts - (len(qn_districts) if has_qn else 0), len(others))
    n_communes = max(communes - (len(qn_communes) if has_qn else 0), n_districts)
    d_per_p = _spread(rng, n_districts, len(others), 6, 16) if others else []
    c_per_d = _spread(rng, n_communes, n_districts, 6, 26) if others else []
    rows: list[dict[str, Any]] = []
    d_code, c_code, d_index = 1, 1, 0
    for p_code, p_name in chosen:
        if p_code == QUANG_NAM:
            rows.extend(dict(r) for r in qn)
            d_code = max(d_code, max(int(c) for c in qn_districts) + 1)
            c_code = max(c_code, max(int(c) for c in qn_communes) + 1)
            continue
        used_names: set[str] = set()
        for _ in range(d_per_p.pop(0)):
            while f"{d_code:03d}" in qn_districts:
                d_code += 1
            district_code = f"{d_code:03d}"
            d_code += 1
            kind = _pick(rng, DISTRICT_KINDS)[0]
            district_name = f"{kind} {_name(rng, used_names)}"
            for _ in range(c_per_d[d_index]):
                while f"{c_code:05d}" in qn_communes:
                    c_code += 1
                ctype, prefix, _w = _pick(rng, COMMUNE_KINDS)
                rows.append({
                    "province_code": p_code, "province_name": p_name,
                    "district_code": district_code, "district_name": district_name,
                    "commune_code": f"{c_code:05d}", "commune_name": f"{prefix} {_name(rng, used_names)}",
                    "commune_type": ctype, "books_total": None,
                })
                c_code += 1
            d_index += 1
    return rows


def _name(rng: np.random.Generator, used: set[str]) -> str:
    """Two (sometimes three) syllables, unique within the province."""
    while True:
        n = 3 if rng.random() < 0.08 else 2
        parts = [SYLLABLES[int(i)] for i in rng.choice(len(SYLLABLES), size=n, replace=False)]
        name = " ".join(parts)
        if name not in used:
            used.add(name)
            return name


def structure_units(key: str) -> list[dict[str, Any]]:
    """Every commune of an official list (``gazetteer``: "2025-01" has 10,035, "2025-07" 3,321 in 34
    provinces, no districts), loaded as the only structure: the country-wide data the pages must serve."""
    from analytics import gazetteer

    return gazetteer.store_rows(key)


def province_units(province: str = QUANG_NAM) -> list[dict[str, Any]]:
    """The shipped unit list of one province (Quảng Nam)."""
    return [r for r in store.read_units_csv(config.UNITS_FILE) if r["province_code"] == province]


def year_reports(units: list[dict[str, Any]], end: date = END, days: int = DAYS,
                 deadline: date = date.fromisoformat(config.DEFAULT_DEADLINE), seed: int = SEED) -> pd.DataFrame:
    """Daily cumulative reports of every commune for ``days`` days up to ``end`` (vectorized)."""
    rng = np.random.default_rng(seed + 1)
    codes = np.array([r["commune_code"] for r in units], dtype=object)
    kinds = np.array([(r.get("commune_type") or "xã").lower() for r in units], dtype=object)
    n = len(codes)
    first_day = end - timedelta(days=days - 1)
    day_index = np.arange(days)
    total = np.where(kinds == "phường", rng.integers(900, 2601, n), rng.integers(250, 1601, n))
    total = np.where(rng.random(n) < 0.02, 0, total)
    start_pct = rng.uniform(0, 15, n)
    profile = rng.random(n)
    factor = np.select(
        [profile < 0.18, profile < 0.65, profile < 0.92],
        [rng.uniform(1.1, 1.6, n), rng.uniform(0.85, 1.1, n), rng.uniform(0.35, 0.8, n)],
        rng.uniform(0.0, 0.2, n),
    )
    span = (deadline - first_day).days + 1
    per_day = total * (100 - start_pct) / 100 / span * factor
    weekday = np.array([(first_day + timedelta(days=int(i))).weekday() for i in day_index])
    slow = np.where(weekday == 6, 0.3, 1.0)
    steps = per_day[:, None] * rng.uniform(0.4, 1.6, (n, days)) * slow[None, :]
    digitized = np.floor(total[:, None] * start_pct[:, None] / 100 + np.cumsum(steps, axis=1))
    digitized = np.minimum(digitized, total[:, None]).astype(np.int64)
    present = rng.random((n, days)) >= 0.012                     # a day without a report
    present[:, -1] |= rng.random(n) < 0.9                        # most report on the last day
    late = rng.random(n) < 0.02                                  # joined during the year
    join = np.where(late, rng.integers(min(30, days // 4), max(days - 30, days // 2), n), 0)
    present &= day_index[None, :] >= join[:, None]
    stoppers = rng.random(n) < 0.01                              # stopped reporting lately
    stop = np.where(stoppers, rng.integers(max(days - 20, days // 2), days - 3, n), days)
    present &= day_index[None, :] < stop[:, None]
    never = rng.random(n) < 0.003                                # never reported
    present[never, :] = False
    ci, di = np.nonzero(present)
    ratio = rng.uniform(35, 60, n)
    books = digitized[ci, di]
    frame = pd.DataFrame({
        "commune_code": pd.array(codes[ci], dtype=object),
        "report_date": (np.datetime64(first_day, "D") + di.astype("timedelta64[D]")),
        "books_total": total[ci].astype(np.int64),
        "books_digitized": books,
        "records_digitized": np.round(books * ratio[ci]).astype(np.int64),
    })
    return frame


def day_reports(units: list[dict[str, Any]], year: pd.DataFrame, day: date, seed: int = SEED) -> pd.DataFrame:
    """One day's national file after the year: every commune that reported lately moves on a little."""
    rng = np.random.default_rng(seed + 7)
    last = year.sort_values("report_date").groupby("commune_code", sort=False).tail(1).set_index("commune_code")
    codes = [r["commune_code"] for r in units if r["commune_code"] in last.index]
    cur = last.loc[codes]
    total = cur["books_total"].to_numpy()
    step = np.zeros(len(codes), dtype=np.int64)
    for _ in range(max((day - year["report_date"].max().date()).days, 1)):  # day after day: never lower
        step += rng.integers(0, 6, len(codes))
    digitized = np.minimum(cur["books_digitized"].to_numpy() + step, total)
    records = cur["records_digitized"].to_numpy() + step * 40
    by_code = {r["commune_code"]: r for r in units}
    return pd.DataFrame({
        "report_date": [day] * len(codes),
        "district": [by_code[c]["district_name"] for c in codes],
        "commune_code": codes,
        "commune": [by_code[c]["commune_name"] for c in codes],
        "books_total": total,
        "books_digitized": digitized,
        "records_digitized": records,
    })


HEADER = ["Ngày báo cáo", "Huyện", "Mã xã", "Xã", "Tổng số sổ", "Số sổ đã số hóa", "Số trường hợp đã số hóa"]


def daily_csv(frame: pd.DataFrame) -> bytes:
    """A day's file in the shipped template's layout (Vietnamese headers, dd/mm/yyyy dates)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for rec in frame.itertuples(index=False):
        w.writerow([rec.report_date.strftime("%d/%m/%Y"), rec.district, rec.commune_code, rec.commune,
                    rec.books_total, rec.books_digitized, rec.records_digitized])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def daily_xlsx(frame: pd.DataFrame) -> bytes:
    """The same day as an Excel workbook (real dates and numbers in the cells)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Báo cáo")
    ws.append(HEADER)
    for rec in frame.itertuples(index=False):
        ws.append([rec.report_date, rec.district, rec.commune_code, rec.commune, int(rec.books_total),
                   int(rec.books_digitized), int(rec.records_digitized)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def history_csv(year: pd.DataFrame) -> bytes:
    """The whole year in one file (a backfill): ISO dates, codes only, as a ministry export would be."""
    import duckdb

    out = year[["report_date", "commune_code", "books_total", "books_digitized", "records_digitized"]]
    con = duckdb.connect()
    try:
        con.register("year_frame", out)
        text = con.execute("SELECT strftime(CAST(report_date AS DATE), '%Y-%m-%d') AS report_date, commune_code, "
                           "books_total, books_digitized, records_digitized FROM year_frame").df()
    finally:
        con.close()
    return text.to_csv(index=False, lineterminator="\n").encode("utf-8")
