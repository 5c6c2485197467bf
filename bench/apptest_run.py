"""One dashboard process: every page rerun after an as-of change, warm and cold (run as a subprocess).

Usage: python -m bench.apptest_run DB DATE1,DATE2,... REPEATS [PAGE,PAGE] [PROVINCE]  -> one JSON line on stdout.

* first: the first run of the app (the process starts cold: imports, caches empty);
* warm: the as-of date changes to a day not seen before; the process, DuckDB's
  files and the caches of everything that does not depend on the day are warm;
* cached: back to a day already seen (every answer comes from ``st.cache_data``);
* cold: ``st.cache_data`` cleared, then a new day (what the first viewer sees
  after an upload bumps the data version);
* district: another district chosen in the sidebar, same day (none in a list without districts).
The peak RSS of this process is the dashboard's peak memory with the data loaded.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from bench.memory import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
SKIP_PAGES = {"login.py", "admin.py"}  # not pages of the dashboard's views


def _current_rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024


def main(argv: list[str]) -> dict:
    db, days_arg, repeats = argv[0], argv[1], int(argv[2])
    os.environ["HOTICH_DB"] = db
    os.environ["HOTICH_AUTO_DEMO"] = "0"
    os.chdir(ROOT)
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    days = [date.fromisoformat(d) for d in days_arg.split(",")]
    pages = sorted(p.name for p in (ROOT / "views").glob("*.py") if p.name not in SKIP_PAGES)
    if len(argv) > 3 and argv[3]:
        pages = [p for p in pages if p in argv[3].split(",")]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    t = time.perf_counter()
    at.run()
    first = time.perf_counter() - t
    province = argv[4] if len(argv) > 4 and argv[4] else None
    if province and any(s.key == "province_select" for s in at.selectbox):
        at.selectbox(key="province_select").set_value(province)
        at.run()
    out: dict = {"first_run_s": first, "pages": {}, "exceptions": []}
    day_iter = iter(days * 50)
    used: list[date] = []

    def rerun(page: str, day: date) -> float:
        t0 = time.perf_counter()
        at.text_input(key="as_of_input").input(day.strftime("%d/%m/%Y"))
        at.switch_page(f"views/{page}")
        at.run()
        elapsed = time.perf_counter() - t0
        out.setdefault("rss_steps", []).append((page, str(day), round(_current_rss_mb())))
        for exc in at.exception:
            out["exceptions"].append(f"{page}: {exc.message[:200]}")
        return elapsed

    for page in pages:
        try:
            at.switch_page(f"views/{page}")
        except ValueError:  # not a page of this data (the country page needs several provinces)
            continue
        at.run()
        warm, cached, cold, district = [], [], [], []
        for _ in range(repeats):
            day = next(day_iter)
            warm.append(rerun(page, day))
            used.append(day)
            cached.append(rerun(page, used[-2] if len(used) > 1 else day))
            st.cache_data.clear()
            day = next(day_iter)
            cold.append(rerun(page, day))
            used.append(day)
        boxes = [b for b in at.selectbox if b.key == "district_select"]
        count = len(boxes[0].options) if boxes else 0
        for i in range(repeats if count > 2 else 0):  # a district, then the whole province again, then the next
            for index in (1 + (2 * i) % (count - 1), 0):
                t0 = time.perf_counter()
                at.selectbox(key="district_select").select_index(index)
                at.switch_page(f"views/{page}")
                at.run()
                if index:
                    district.append(time.perf_counter() - t0)
                for exc in at.exception:
                    out["exceptions"].append(f"{page} (district): {exc.message[:200]}")
        out["pages"][page] = {"warm": warm, "cached": cached, "cold": cold, "district": district}
        out.setdefault("peak_rss_after_page_mb", {})[page] = peak_rss_mb()
    out["peak_rss_mb"] = peak_rss_mb()
    out["median_warm_s"] = statistics.median(x for p in out["pages"].values() for x in p["warm"])
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
