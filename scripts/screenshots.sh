#!/usr/bin/env bash
# Regenerate the README's screenshots (docs/screenshots/*.png) with the real-browser test:
#   bash scripts/screenshots.sh
# It starts the app on a free port with a temporary demo database, opens every page at 1440×900 and
# 390×844 (tests/e2e), runs the clerk's upload, and copies the Overview, Underperformers and Upload shots
# here (kept under 500 KB each).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="$(mktemp -d)"
HOTICH_SCREENSHOTS="$OUT" .venv/bin/python -m pytest tests/e2e -q -p no:cacheprovider -k "test_every_page or test_clerk_day"
mkdir -p docs/screenshots
.venv/bin/python - "$OUT" <<'PY'
import sys
from pathlib import Path
from PIL import Image

src, dst = Path(sys.argv[1]), Path("docs/screenshots")
for name in ("tong-quan-1440x900", "cham-tien-do-1440x900", "tong-quan-390x844", "cham-tien-do-390x844",
             "tai-len-chon-don-vi-1440x900", "tai-len-truoc-sau-390x844"):
    img = Image.open(src / f"{name}.png")
    target = dst / f"{name}.png"
    img.save(target, optimize=True)
    if target.stat().st_size > 500_000:  # still too large: fewer colours
        img.convert("P", palette=Image.Palette.ADAPTIVE, colors=256).save(target, optimize=True)
    print(f"{target} {target.stat().st_size // 1024} KB")
PY
rm -rf "$OUT"
