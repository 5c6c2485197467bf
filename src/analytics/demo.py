"""A deterministic demonstration on the real Quảng Nam communes.

A baseline the day before the campaign starts, then daily cumulative reports
from the start to 2025-03-05 (a week before the deadline), with varied paces:
some communes fast, most near plan, some lagging, a few that stop reporting,
and one that never reports. Written through the same commit path as an upload.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pandas as pd

from analytics import store, structures

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
    frame["records_digitized"] = [round(d * ratio[c]) for c, d in zip(frame["commune_code"], frame["books_digitized"])]
    frame.insert(0, "row_no", range(2, len(frame) + 2))
    return frame


DEMO_PROVINCE = "49"  # Quảng Nam, as it was during the peak period: the list of 1 Jan 2025 (233 communes)
DEMO_STRUCTURE_DAY = date(2025, 1, 1)
DEMO_LISTS = ("2024", "2025-01", "2025-07")


def load_demo(con: store.Connection, province: str | None = None) -> dict[str, int]:
    """Replace the database's figures with the demonstration and mark it as demo: the seed campaign as it
    was, Quảng Nam in the unit list of 1 Jan 2025 (the shipped lists are loaded first when missing)."""
    structures.load_shipped(con, DEMO_LISTS)
    code = structures.resolve_province(con, province or DEMO_PROVINCE, DEMO_STRUCTURE_DAY)
    communes = store.units_frame(con, code)
    campaign = store.get_campaign(con, code)
    frame = demo_reports(communes, campaign.start, campaign.deadline)
    store.replace_with_demo(con, frame, code, "demo-quang-nam.csv")
    if province is None:
        store.set_default_province(con, code)
    return {"communes": int(frame["commune_code"].nunique()), "reports": len(frame)}
