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

from analytics import config, metrics, queries, settings, store
from analytics.errors import HotichError, IngestRejected, InvalidArgument
from analytics.i18n import t
from analytics.units import display_code


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("arg.bad_date", "en", value=value)) from exc


def _operator() -> str:
    """Who the audit log names for a CLI write: the local operator (issue 7)."""
    from analytics import auth

    return auth.operator().name


def _iso_day(value: Any) -> str:
    """A stored date (a date, or a timestamp from a frame) as YYYY-MM-DD."""
    return (value.date() if hasattr(value, "date") and callable(value.date) else value).isoformat()


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
            size = path.stat().st_size
            with open(path, "rb") as fh:  # never more than the limit + 1 byte: a huge file is refused unread
                data = fh.read(config.max_upload_bytes() + 1)
        except OSError:
            problem = {"file": name, "row": None, "column": None, "value": None,
                       "problem": t("file.not_found", args.lang, file=name), "fix": "", "severity": "error"}
            _print_problem(problem, args.lang)
            if args.json:
                print(_dump({"file": name, "ok": False, "errors": [problem]}))
            status = 2
            continue
        try:
            # the readers (Excel, ODS, fuzzy names): loaded only for an import
            from analytics import ingest

            result = ingest.ingest_file(con, data, path.name, report_date=args.date, province=args.province,
                                        sheet=args.sheet, strict=args.strict, user=args.user, source="cli",
                                        size=size)
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
    metrics.check_as_of(con, args.province, args.as_of, args.structure)
    print(_dump(metrics.summary_json(con, args.province, args.as_of, args.structure, args.measure)))
    return 0


def cmd_underperformers(con: store.Connection, args: argparse.Namespace) -> int:
    metrics.check_as_of(con, args.province, args.as_of, args.structure)
    print(_dump(metrics.underperformers_json(con, args.province, args.as_of, args.structure, args.measure)))
    return 0


def cmd_communes(con: store.Connection, args: argparse.Namespace) -> int:
    """Every commune of the province's list in the chosen structure, one JSON object each."""
    metrics.check_as_of(con, args.province, args.as_of, args.structure)
    rows = metrics.communes_json(con, args.province, args.as_of, args.structure, args.measure)
    if args.json:
        print(_dump(rows))
    else:
        for r in rows:
            pct = "–" if r["completion_pct"] is None else f"{r['completion_pct']:.1f}"
            print(f"{r['commune_code']}\t{r['commune']}\t{r['district'] or ''}\t{pct}\t{r['status']}")
    return 0


def cmd_setup(con: store.Connection, args: argparse.Namespace) -> int:
    """Set a database up for any province: the shipped unit lists, and the province to show first."""
    from analytics import structures

    if not args.province:
        raise InvalidArgument("setup.province_needed")
    result = structures.setup(con, args.province, args.structure)
    loaded = result
    if args.json:
        print(_dump(result))
    else:
        print(t("cli.setup_done", args.lang, province=result["province_name"], structure=result["structure"],
                structures=", ".join(f"{k}: {v}" for k, v in loaded["structures"].items())))
    return 0


def cmd_units(con: store.Connection, args: argparse.Namespace) -> int:
    from analytics import structures

    if not Path(args.file).exists():
        raise InvalidArgument("file.not_found", file=args.file)
    rows = store.read_units_csv(args.file)
    if args.mapping and not args.from_date:
        raise InvalidArgument("units.mapping_needs_from")
    if args.from_date:
        mapping = None
        if args.mapping:
            if not Path(args.mapping).exists():
                raise InvalidArgument("file.not_found", file=args.mapping)
            mapping = structures.read_mapping_csv(args.mapping)
        result = structures.add_version(con, rows, args.from_date, mapping, user=_operator(), source="cli",
                                        file_name=Path(args.file).name)
        print(_dump(result) if args.json else t("cli.version_loaded", args.lang, day=args.from_date.isoformat(),
                                                 **result))
        return 0
    result = store.replace_units(con, rows, user=_operator(), source="cli", file_name=Path(args.file).name)
    if args.json:
        print(_dump(result))
    else:
        print(t("cli.units_loaded", args.lang, **result))
    return 0


def cmd_campaign(con: store.Connection, args: argparse.Namespace) -> int:
    province = store.resolve_province(con, args.province)
    if args.unit:  # a district's or a commune's own deadline inside the campaign
        if not args.clear and args.deadline is None:
            raise InvalidArgument("deadline.needed")
        level, code = _unit_of(con, province, args.unit)
        store.set_unit_deadline(con, province, level, code, None if args.clear else args.deadline,
                                user=_operator(), source="cli")
    if args.name or args.start or (args.deadline and not args.unit):
        c = store.set_campaign(con, province, args.name, args.start, args.deadline, user=_operator(),
                               source="cli")
    else:
        c = store.get_campaign(con, province)
    if args.measure:
        store.set_default_measure(con, province, args.measure, user=_operator(), source="cli")
    units = store.unit_deadlines(con, province)
    print(_dump({"province": display_code(c.province_code), "name": c.name, "start": c.start.isoformat(),
                 "deadline": c.deadline.isoformat(), "default_measure": store.default_measure(con, province),
                 "unit_deadlines": [{"level": r["level"], "code": display_code(r["unit_code"]), "name": r["name"],
                                     "deadline": _iso_day(r["deadline"])}
                                    for r in units.to_dict("records")]}))
    return 0


def _unit_of(con: store.Connection, province: str, text: str) -> tuple[str, str]:
    """A district or commune of the province from its code (as people write it) or its id."""
    for level in ("district", "commune"):
        for code in (text, store.canonical_code(text, level)):
            found = con.execute(queries.UNIT_BY_REF_IN_PROVINCE, [level, province, code, code]).fetchall()
            if found:
                return level, found[0][0]
    raise InvalidArgument("deadline.unknown_unit", unit=text)


def cmd_demo(con: store.Connection, args: argparse.Namespace) -> int:
    from analytics import demo

    result = demo.load_demo(con, args.province)
    if args.json:
        print(_dump(result))
    else:
        print(t("cli.demo_loaded", args.lang, **result))
    return 0


def cmd_withdraw(con: store.Connection, args: argparse.Namespace) -> int:
    """Take an upload back (issue 3): its reports leave, the earlier figures come back; logged."""
    count = store.withdraw_upload(con, args.upload_id, user=args.user, source="cli")
    if args.json:
        print(_dump({"upload_id": args.upload_id, "ok": True, "reports": count}))
    else:
        print(t("upload.withdrawn", args.lang, upload_id=args.upload_id, count=count))
    return 0


def _read_password(args: argparse.Namespace) -> str:
    """From the terminal (asked twice) or, when piped, the first line of stdin; never a command-line argument."""
    import getpass

    if sys.stdin is not None and sys.stdin.isatty():
        first = getpass.getpass(t("login.password", args.lang) + ": ")
        again = getpass.getpass(t("admin.password_repeat", args.lang) + ": ")
        if first != again:
            raise InvalidArgument("auth.passwords_differ")
        return first
    return (sys.stdin.readline() if sys.stdin is not None else "").rstrip("\r\n")


def cmd_users(con: store.Connection, args: argparse.Namespace) -> int:
    """Accounts, run as the local operator (an admin: whoever runs this can open the database file)."""
    from analytics import auth

    actor = auth.operator()
    action = args.action
    if action == "unlock":
        return _unlock(con, args)
    if action == "list":
        df = store.users(con)
        rows = [{"name": r["name"], "role": r["role"], "active": bool(r["active"]), "scopes": r["scopes"],
                 "failed_logins": int(r["failed_logins"]),
                 "locked_until": None if r["locked_until"] is None or str(r["locked_until"]) == "NaT"
                 else str(r["locked_until"]), "has_password": bool(r["has_password"])}
                for r in df.to_dict("records")]
        if args.json:
            print(_dump(rows))
        else:
            for r in rows:
                print(f"{r['name']}\t{r['role']}\t{'active' if r['active'] else 'disabled'}\t{r['scopes']}")
        return 0
    if not args.name:
        raise InvalidArgument("auth.bad_name", name="")
    if action == "add":
        password = None if args.no_password else _read_password(args)
        name = auth.add_user(con, actor, args.name, args.role or "viewer", password, args.display_name,
                             args.scope or [])
        print(t("auth.user_added", args.lang, name=name, role=args.role or "viewer"))
    elif action == "passwd":
        auth.set_password(con, actor, args.name, _read_password(args))
        print(t("auth.password_set", args.lang, name=args.name))
    elif action == "assign":
        auth.change_user(con, actor, args.name, scopes=args.scope or [])
        print(t("auth.user_changed", args.lang, name=args.name))
    elif action == "role":
        auth.change_user(con, actor, args.name, role=args.role)
        print(t("auth.user_changed", args.lang, name=args.name))
    elif action in ("disable", "enable"):
        auth.change_user(con, actor, args.name, active=action == "enable")
        print(t("auth.user_changed", args.lang, name=args.name))
    return 0


def _unlock(con: store.Connection, args: argparse.Namespace) -> int:
    """``users unlock NAME`` (every client of that account) or ``users unlock --all``: the way back in."""
    from analytics import auth

    if not args.all and not args.name:
        raise InvalidArgument("auth.bad_name", name="")
    rows = auth.unlock(con, auth.operator(), None if args.all else args.name)
    name = "*" if args.all else args.name
    print(_dump({"name": name, "rows": rows}) if args.json else t("auth.unlocked", args.lang, name=name, rows=rows))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    result = store.backup(config.db_path(args.db), args.out)
    print(_dump(result) if args.json else t("backup.done", args.lang, path=result["path"]))
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    """Move a DuckDB file into PostgreSQL; the same summary is printed of both sides (exit 1 if they differ)."""
    from analytics.store import migrate

    result = migrate.move(getattr(args, "from"), args.to)
    print(_dump(result))
    return 0 if result["same"] else 1


def cmd_restore(args: argparse.Namespace) -> int:
    from analytics import auth

    result = store.restore(config.db_path(args.db), getattr(args, "from"), user=auth.operator().name)
    print(_dump(result) if args.json else t("backup.restored", args.lang, db=result["db"],
                                            source=result["restored_from"]))
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    """The one-page brief (issue 6): figures read in a short session, then rendered outside it."""
    import time

    from analytics import brief

    out = Path(args.out)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in brief.PAGES:
        raise InvalidArgument("brief.bad_out", file=args.out)
    started = time.perf_counter()
    with store.session(config.db_path(args.db)) as con:
        metrics.check_as_of(con, args.province, args.as_of, args.structure)
        data = brief.gather(con, args.province, args.as_of, args.structure, measure=args.measure)
    payload = brief.render(data, fmt, args.lang)
    out.write_bytes(payload)
    seconds = round(time.perf_counter() - started, 2)
    if args.json:
        print(_dump({"file": str(out), "format": fmt, "bytes": len(payload), "seconds": seconds,
                     "as_of": data.view.as_of.isoformat()}))
    else:
        print(t("brief.written", args.lang, file=str(out), size=round(len(payload) / 1024), seconds=seconds))
    return 0


def cmd_cutoff(con: store.Connection, args: argparse.Namespace) -> int:
    """The day's cut-off: the communes without a report by it, as the text for the chat group (or JSON)."""
    from analytics import closing

    v = metrics.view(con, args.province, args.as_of, measure=args.measure)
    panel = closing.cutoff_panel(con, v)
    if args.json:
        from analytics.units import display_code

        pending = [{"commune_code": display_code(r["commune_code"]), "commune": r["commune"], "district": r["district"],
                    "status": r["status"], "arrived_at": r["arrived_local"]}
                   for r in panel["not_in"].to_dict("records")]
        out = {k: panel[k] for k in ("day", "on_time", "late", "missing", "done_before", "units_total")}
        out["cutoff"] = closing.cutoff_setting(panel["cutoff"])
        out["not_reported"] = pending
        print(_dump(metrics.to_jsonable(out)))
    else:
        print(closing.cutoff_text(panel, metrics.summary(con, v.province, v.as_of)["province_name"], args.lang))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The report to the Chairman (Word, Nghị định 30/2020 form): figures read in a short session, then built."""
    import time

    from analytics import report_docx

    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        raise InvalidArgument("report.bad_out", file=args.out)
    started = time.perf_counter()
    with store.session(config.db_path(args.db)) as con:
        data = report_docx.gather(con, args.province, args.as_of, measure=args.measure)
    images_: list[bytes] = []
    if args.charts:  # optional: the report is complete without them
        try:
            images_ = report_docx.chart_images(data, args.lang)
        except HotichError as exc:
            print(t("report.no_charts", args.lang, reason=exc.render(args.lang)), file=sys.stderr)
    payload = report_docx.render(data, args.lang, images_)
    out.write_bytes(payload)
    seconds = round(time.perf_counter() - started, 2)
    if args.json:
        print(_dump({"file": str(out), "bytes": len(payload), "seconds": seconds,
                     "as_of": data.view.as_of.isoformat()}))
    else:
        print(t("report.written", args.lang, file=str(out), size=round(len(payload) / 1024), seconds=seconds))
    return 0


# commands that open the database themselves (a backup/restore must not sit inside another session)
STANDALONE: dict[str, Callable[[argparse.Namespace], int]] = {"backup": cmd_backup, "restore": cmd_restore,
                                                               "brief": cmd_brief, "report": cmd_report,
                                                               "migrate": cmd_migrate}


COMMANDS: dict[str, Callable[[store.Connection, argparse.Namespace], int]] = {
    "ingest": cmd_ingest,
    "summary": cmd_summary,
    "underperformers": cmd_underperformers,
    "communes": cmd_communes,
    "setup": cmd_setup,
    "units": cmd_units,
    "campaign": cmd_campaign,
    "demo": cmd_demo,
    "users": cmd_users,
    "withdraw": cmd_withdraw,
    "cutoff": cmd_cutoff,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics",
                                     description="Hộ tịch digitization progress: import files and read figures.")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", help="database file (default: $HOTICH_DB or data/hotich.duckdb)")
    common.add_argument("--lang", choices=["vi", "en"], default=settings.current().lang,
                        help="language of messages (default vi)")
    common.add_argument("--json", action="store_true", help="machine-readable output")
    common.add_argument("--province", help="province code (default: the only one, else the most reported)")
    reading = argparse.ArgumentParser(add_help=False)
    reading.add_argument("--as-of", type=_date, dest="as_of", help="YYYY-MM-DD (default: latest report)")
    reading.add_argument("--structure", type=_date, metavar="DATE",
                         help="show figures in the unit list in force on DATE (default: the one in force on the as-of date)")
    reading.add_argument("--measure", choices=list(store.MEASURES),
                         help="count in records (trường hợp) or books (sổ) (default: the campaign's measure)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", parents=[common], help="validate and load report files")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--date", type=_date, help="report date for rows without one (YYYY-MM-DD)")
    p.add_argument("--sheet", help="Excel sheet to read (default: the first with data)")
    p.add_argument("--strict", action="store_true", help="reject files with warnings too")
    p.add_argument("--user", default=os.environ.get("USER"), help="recorded in the upload log")

    p = sub.add_parser("withdraw", parents=[common], help="take an upload back, restoring the earlier figures")
    p.add_argument("upload_id", type=int, metavar="UPLOAD_ID")
    p.add_argument("--user", default=os.environ.get("USER"), help="recorded in the upload log")

    sub.add_parser("summary", parents=[common, reading], help="where the province stands (JSON)")
    sub.add_parser("underperformers", parents=[common, reading], help="communes behind or not reporting (JSON)")
    sub.add_parser("communes", parents=[common, reading], help="every commune of the province's list with its figures")
    p = sub.add_parser("setup", parents=[common], help="load the shipped unit lists and choose the province")
    p.add_argument("--structure", type=_date, metavar="DATE", help="the unit list in force on DATE (default today)")
    p = sub.add_parser("units", parents=[common], help="load a unit list (CSV)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--from", type=_date, dest="from_date", metavar="DATE",
                   help="add the list as a new version from DATE (without: replace the province's list for all dates)")
    p.add_argument("--mapping", metavar="FILE", help="with --from: old_commune_code,new_commune_code[,is_default]")
    p = sub.add_parser("campaign", parents=[common], help="show or change the campaign")
    p.add_argument("--name")
    p.add_argument("--start", type=_date)
    p.add_argument("--deadline", type=_date)
    p.add_argument("--unit", metavar="CODE", help="with --deadline: a district's or commune's own deadline")
    p.add_argument("--clear", action="store_true", help="with --unit: back to the campaign's deadline")
    p.add_argument("--measure", choices=list(store.MEASURES),
                   help="the measure the campaign is counted in by default: records or books")
    sub.add_parser("demo", parents=[common], help="replace the content with demonstration data")
    p = sub.add_parser("users", parents=[common],
                       help="accounts: add, passwd, list, assign, role, disable, enable, unlock")
    p.add_argument("action", choices=["add", "passwd", "list", "assign", "role", "disable", "enable", "unlock"])
    p.add_argument("name", nargs="?", help="sign-in name (or the OpenID e-mail)")
    p.add_argument("--role", choices=["viewer", "uploader", "admin"])
    p.add_argument("--scope", action="append", metavar="LEVEL:CODE",
                   help="unit an uploader may change, e.g. district:502 or commune:20335 (repeatable)")
    p.add_argument("--display-name", dest="display_name")
    p.add_argument("--no-password", dest="no_password", action="store_true",
                   help="no password: signs in through OpenID Connect only")
    p.add_argument("--all", action="store_true", help="unlock: lift the sign-in waits of every account and client")
    p = sub.add_parser("backup", parents=[common], help="consistent copy of the database into a folder")
    p.add_argument("--out", required=True, metavar="DIR")
    p = sub.add_parser("migrate", parents=[common], help="move a DuckDB database file into PostgreSQL")
    p.add_argument("--from", required=True, metavar="FILE.duckdb", help="the DuckDB database file to move")
    p.add_argument("--to", required=True, metavar="postgresql://…", help="the PostgreSQL database (content replaced)")
    p = sub.add_parser("restore", parents=[common], help="replace the database content with a backup")
    p.add_argument("--from", required=True, metavar="DIR_OR_FILE", help="a backup file, or a folder (newest)")
    p = sub.add_parser("brief", parents=[common, reading],
                       help="one-page daily brief: FILE.png (phone portrait) or FILE.pdf (A4)")
    p.add_argument("--out", required=True, metavar="FILE.png|FILE.pdf")
    sub.add_parser("cutoff", parents=[common, reading],
                   help="communes without a report by the day's cut-off (17:00): text for the chat group, or JSON")
    p = sub.add_parser("report", parents=[common, reading],
                       help="the report to the Chairman after the period: FILE.docx (Word, Nghị định 30/2020 form)")
    p.add_argument("--out", required=True, metavar="FILE.docx")
    p.add_argument("--charts", action="store_true",
                   help="add the burn-up chart and the district ranking to the annex (needs Chromium)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
    except settings.SettingsError as exc:  # a bad HOTICH_* value: say which, before anything runs
        print(exc, file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", "vi")
    try:
        if args.command in STANDALONE:
            return STANDALONE[args.command](args)
        with store.session(config.db_path(args.db)) as con:
            return COMMANDS[args.command](con, args)
    except HotichError as exc:
        print(exc.render(lang), file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
