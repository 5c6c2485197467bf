"""The backfill measurement in its own process: python -m bench.backfill DB HISTORY.csv -> one JSON line.

The year's history file goes through the same path as an upload (``ingest.prepare`` then
``ingest.commit``) into a database that holds only the units.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from analytics import ingest, store
from bench.memory import peak_rss_mb


def main(db: str, history: str) -> dict:
    data = Path(history).read_bytes()
    t = time.perf_counter()
    with store.session(db) as con:
        prep = ingest.prepare(con, data, Path(history).name)
        t1 = time.perf_counter()
        if prep.errors:
            raise SystemExit(f"rejected: {[p.as_dict('en') for p in prep.errors[:3]]}")
        result = ingest.commit(con, prep, source="bench")
    t2 = time.perf_counter()
    return {"total_s": t2 - t, "prepare_s": t1 - t, "commit_s": t2 - t1, "rows": result.rows,
            "dates": len(result.report_dates), "warnings": len(prep.warnings), "bytes": len(data),
            "peak_rss_mb": peak_rss_mb()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2])))
