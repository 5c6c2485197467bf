"""A deterministic demonstration on the real Quảng Nam communes.

A baseline the day before the campaign starts, then daily cumulative reports
from the start to 2025-03-05 (a week before the deadline), with varied paces:
some communes fast, most near plan, some lagging, a few that stop reporting,
and one that never reports. Books and records both: the records add up to the
province's real orders of magnitude (1,443,893 to do, 642,806 done on the eve of
the campaign), and the campaign counts in records by default. Written through
the same commit path as an upload.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from analytics import store, structures
from analytics.errors import NotFoundError

DEMO_END = date(2025, 3, 5)
SEED = 20250221


def demo_reports(communes: pd.DataFrame, start: date, deadline: date, end: date = DEMO_END,
                 seed: int = SEED) -> pd.DataFrame:
    """Daily cumulative figures for the given communes (pure: same input, same output)."""
    rng = random.Random(seed)
    codes = list(communes["commune_code"])
    never = codes[len(codes) // 2 + 7] if len(codes) > 10 else None
    stoppers = set(rng.sample([c for c in codes if c != never], k=min(6, max(len(codes) // 40, 1))))
    baseline_day = start - timedelta(days=1)
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    span = (deadline - baseline_day).days
    rows = []
    for rec in communes.to_dict("records"):
        code = rec["commune_code"]
        if code == never:
            continue
        kind = (rec.get("commune_type") or "xã").lower()
        total = rng.randint(900, 2600) if kind == "phường" else rng.randint(250, 1600)
        if rng.random() < 0.03:
            total = 0 if rng.random() < 0.3 else total  # a commune with nothing to do
        base_pct = min(max(rng.gauss(44, 16), 4), 92)
        profile = rng.random()
        if profile < 0.18:
            factor = rng.uniform(1.1, 1.6)      # ahead of plan
        elif profile < 0.65:
            factor = rng.uniform(0.85, 1.1)     # near plan
        elif profile < 0.92:
            factor = rng.uniform(0.35, 0.8)     # lagging
        else:
            factor = rng.uniform(0.0, 0.2)      # stalled
        per_day = total * (100 - base_pct) / 100 / span * factor
        digitized = round(total * base_pct / 100)
        rows.append((code, baseline_day, total, digitized))
        stop_day = start + timedelta(days=rng.randint(5, 9)) if code in stoppers else None
        carry = 0.0
        for day in days:
            if stop_day and day >= stop_day:
                break
            carry += per_day * rng.uniform(0.4, 1.6) * (0.3 if day.weekday() == 6 else 1.0)
            step = int(carry)
            carry -= step
            digitized = min(total, digitized + step)
            if rng.random() < 0.06 and day != end:
                continue  # a day without a report
            rows.append((code, day, total, digitized))
    frame = pd.DataFrame(rows, columns=["commune_code", "report_date", "books_total", "books_digitized"])
    ratio = {c: rng.uniform(35, 60) for c in codes}
    _add_records(frame, ratio, baseline_day)
    frame.insert(0, "row_no", range(2, len(frame) + 2))
    return frame


# The province's own count during the peak period was in records: about 642,806 of 1,443,893 (44.5 %) in
# mid-February. The demo's records add up to those figures on the eve of the campaign (its baseline).
RECORDS_TOTAL = 1_443_893
RECORDS_AT_BASELINE = 642_806


def _largest_remainder(weights: dict[str, float], total: int) -> dict[str, int]:
    """Whole shares of ``total`` in proportion to ``weights`` that add up to it exactly."""
    whole = sum(weights.values())
    if whole <= 0:
        return {c: 0 for c in weights}
    raw = {c: total * w / whole for c, w in weights.items()}
    out = {c: int(x) for c, x in raw.items()}
    for c in sorted(raw, key=lambda c: (out[c] - raw[c], c))[:total - sum(out.values())]:
        out[c] += 1
    return out


def _add_records(frame: pd.DataFrame, ratio: dict[str, float], baseline_day: date) -> None:
    """Records to do and done, beside the books: each commune's records in proportion to its books (a few
    dozen records a book), scaled to the province's real totals; each day's records done move from the
    baseline share to all of them as the books do."""
    books = frame.groupby("commune_code")["books_total"].first()
    records_total = _largest_remainder({c: float(b) * ratio[c] for c, b in books.items()}, RECORDS_TOTAL)
    base = frame[frame["report_date"] == baseline_day].set_index("commune_code")
    fraction = {c: (1.0 if b == 0 else d / b) for c, b, d in zip(base.index, base["books_total"],
                                                                 base["books_digitized"])}
    natural = sum(records_total[c] * f for c, f in fraction.items())
    k = RECORDS_AT_BASELINE / natural if natural else 1.0
    at_base = {c: min(records_total[c], round(records_total[c] * f * k)) for c, f in fraction.items()}
    # rounding and the cap leave a few records over or under: one commune with room takes them
    diff = RECORDS_AT_BASELINE - sum(at_base.values())
    if diff and at_base:
        room = max(at_base, key=lambda c: (records_total[c] - at_base[c]) if diff > 0 else at_base[c])
        at_base[room] = min(records_total[room], max(0, at_base[room] + diff))
    totals, done = [], []
    for c, b, d in zip(frame["commune_code"], frame["books_total"], frame["books_digitized"]):
        rt, rb, fb = records_total[c], at_base.get(c, 0), fraction.get(c, 0.0)
        fd = 1.0 if b == 0 else d / b
        value = rt if fb >= 1.0 else round(rb + (rt - rb) * max(fd - fb, 0.0) / (1.0 - fb))
        totals.append(rt)
        done.append(min(rt, value))
    frame["records_digitized"] = done
    frame["records_total"] = totals


DEMO_PROVINCE = "49"  # Quảng Nam, as it was during the peak period: the list of 1 Jan 2025 (233 communes)
DEMO_STRUCTURE_DAY = date(2025, 1, 1)
DEMO_LISTS = ("2024", "2025-01", "2025-07")


def _successors(con: store.Connection, code: str) -> list[str]:
    """The demo province and the provinces of later shipped structures that took in its communes."""
    out = [code]
    for s in structures.all_structures(con):
        day = s.effective_from
        if s.key not in DEMO_LISTS or day is None or day <= DEMO_STRUCTURE_DAY:
            continue
        try:
            out.append(structures.province_in(con, code, day))
        except NotFoundError:
            continue
    return list(dict.fromkeys(out))


def load_demo(con: store.Connection, province: str | None = None, *, user: str | None = None,
              source: str | None = None) -> dict[str, int]:
    """Replace the database's figures with the demonstration and mark it as demo: the seed campaign as it
    was, Quảng Nam in the unit list of 1 Jan 2025 (the shipped lists are loaded first when missing)."""
    structures.load_shipped(con, DEMO_LISTS)
    code = structures.resolve_province(con, province or DEMO_PROVINCE, DEMO_STRUCTURE_DAY)
    communes = store.units_frame(con, code)
    campaign = store.get_campaign(con, code)
    frame = demo_reports(communes, campaign.start, campaign.deadline)
    store.replace_with_demo(con, frame, code, "demo-quang-nam.csv", user=user, source=source)
    # the province counted in records, and so does the one its communes went into on 1 Jul 2025 (Đà Nẵng), so
    # the seed campaign reads the same in either structure
    for place in _successors(con, code):
        store.set_default_measure(con, place, "records", user=user, source=source)
    if province is None:
        store.set_default_province(con, code)
    return {"communes": int(frame["commune_code"].nunique()), "reports": len(frame)}
