"""Command line: ``python -m analytics SUBCOMMAND``. Calls the same functions as the dashboard.

Exit codes: 0 done; 1 a usage or data error (message on stderr); 2 a file rejected.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from analytics import config, demo, ingest, metrics, store
from analytics.errors import HotichError, IngestRejected, InvalidArgument
from analytics.i18n import t


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("arg.bad_date", "en", value=value)) from exc


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


def _print_problem(p: dict[str, Any], lang: str, key: str = "cli.problem_line") -> None:
    values = {k: ("–" if v is None else v) for k, v in p.items()}
    print(t(key, lang, **values), file=sys.stderr)


def cmd_ingest(con: store.Connection, args: argparse.Namespace) -> int:
    status = 0
    for name in args.files:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError:
            problem = {"file": name, "row": None, "column": None, "value": None,
                       "problem": t("file.not_found", args.lang, file=name), "fix": "", "severity": "error"}
            _print_problem(problem, args.lang)
            if args.json:
                print(_dump({"file": name, "ok": False, "errors": [problem]}))
            status = 2
            continue
        try:
            result = ingest.ingest_file(con, data, path.name, report_date=args.date, province=args.province,
                                        sheet=args.sheet, strict=args.strict, user=args.user, source="cli")
        except IngestRejected as exc:
            errors = [p.as_dict(args.lang) for p in exc.problems]
            for p in errors:
                _print_problem(p, args.lang)
            if args.json:
                print(_dump({"file": name, "ok": False, "errors": errors}))
            status = 2
            continue
        for w in result.warnings:
            _print_problem(w.as_dict(args.lang), args.lang, "cli.warning_line")
        out = result.as_dict(args.lang)
        out["file"] = name
        if args.json:
            print(_dump(out))
        elif result.unchanged:
            print(t("upload.unchanged", args.lang, file=name, upload_id=result.upload_id))
        else:
            print(t("upload.ok", args.lang, rows=result.rows, communes=result.communes, file=name,
                    dates=", ".join(result.report_dates)))
    return status


def cmd_summary(con: store.Connection, args: argparse.Namespace) -> int:
    print(_dump(metrics.summary_json(con, args.province, args.as_of)))
    return 0


def cmd_underperformers(con: store.Connection, args: argparse.Namespace) -> int:
    print(_dump(metrics.underperformers_json(con, args.province, args.as_of)))
    return 0


def cmd_units(con: store.Connection, args: argparse.Namespace) -> int:
    if not Path(args.file).exists():
        raise InvalidArgument("file.not_found", file=args.file)
    result = store.replace_units(con, store.read_units_csv(args.file))
    if args.json:
        print(_dump(result))
    else:
        print(t("cli.units_loaded", args.lang, **result))
    return 0


def cmd_campaign(con: store.Connection, args: argparse.Namespace) -> int:
    province = store.resolve_province(con, args.province)
    if args.name or args.start or args.deadline:
        c = store.set_campaign(con, province, args.name, args.start, args.deadline)
    else:
        c = store.get_campaign(con, province)
    print(_dump({"province": c.province_code, "name": c.name, "start": c.start.isoformat(),
                 "deadline": c.deadline.isoformat()}))
    return 0


def cmd_demo(con: store.Connection, args: argparse.Namespace) -> int:
    result = demo.load_demo(con, args.province)
    if args.json:
        print(_dump(result))
    else:
        print(t("cli.demo_loaded", args.lang, **result))
    return 0


COMMANDS: dict[str, Callable[[store.Connection, argparse.Namespace], int]] = {
    "ingest": cmd_ingest,
    "summary": cmd_summary,
    "underperformers": cmd_underperformers,
    "units": cmd_units,
    "campaign": cmd_campaign,
    "demo": cmd_demo,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics",
                                     description="Hộ tịch digitization progress: import files and read figures.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file (default: $HOTICH_DB or data/hotich.duckdb)")
    common.add_argument("--lang", choices=["vi", "en"], default=os.environ.get("HOTICH_LANG", "vi"),
                        help="language of messages (default vi)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--province", help="province code (default: the only one, else the most reported)")
    reading = argparse.ArgumentParser(add_help=False)
    reading.add_argument("--as-of", type=_date, dest="as_of", help="YYYY-MM-DD (default: latest report)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="validate and load report files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--date", type=_date, help="report date for rows without one (YYYY-MM-DD)")
    p.add_argument("--sheet", help="Excel sheet to read (default: the first with data)")
    p.add_argument("--strict", action="store_true", help="reject files with warnings too")
    p.add_argument("--user", default=os.environ.get("USER"), help="recorded in the upload log")

    sub.add_parser("summary", parents=[common, reading], help="where the province stands (JSON)")
    sub.add_parser("underperformers", parents=[common, reading], help="communes behind or not reporting (JSON)")
    p = sub.add_parser("units", parents=[common], help="load a unit list (CSV)")
    p.add_argument("file", metavar="FILE")
    p = sub.add_parser("campaign", parents=[common], help="show or change the campaign")
    p.add_argument("--name")
    p.add_argument("--start", type=_date)
    p.add_argument("--deadline", type=_date)
    sub.add_parser("demo", parents=[common], help="replace the content with demonstration data")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang = getattr(args, "lang", "vi")
    try:
        with store.session(config.db_path(args.db)) as con:
            return COMMANDS[args.command](con, args)
    except HotichError as exc:
        print(exc.render(lang), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
