"""The headless commands of `cyberdesk` (DESIGN.md §6): exit 0 ok, 1 refused, 2 usage, 3 internal error."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from core import APP_NAME, __version__
from core.db import backup as backups
from core.db import recovery
from core.db.engine import Database, is_url, open_database
from core.db.errors import DatabaseError, DatabaseMissing, EmptyDatabase
from core.db.health import check_database
from core.db.lock import DatabaseLocked
from core.db.paths import default_database_path, log_dir
from core.db.sqlite import inspect_file
from core.domain.fiscal import FiscalYearError
from core.domain.money import MoneyError
from core.domain.organisations import Organisation
from core.io.errors import ExportError
from core.reports.list_filters import NOT_CLOSED_ACTIONS, ListFilter
from core.reports.lists import LIST_ENTITIES, ListQuery
from core.services.office import OfficeExists, OfficeMissing, initialise_office, office_exists
from core.services.validation import ValidationError

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

log = logging.getLogger("cyberdesk")


class UserError(Exception):
    """A refusal with a one-line reason (exit 1)."""


# Errors whose message is already a sentence for the user: one line on stderr, exit 1, no traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    UserError,
    DatabaseError,
    ExportError,
    DatabaseLocked,
    ValidationError,
    OfficeExists,
    OfficeMissing,
    MoneyError,
    FiscalYearError,
    FileNotFoundError,
    PermissionError,
)


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (use YYYY-MM-DD): {text!r}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def _month(text: str) -> int:
    value = _positive_int(text)
    if value > 12:
        raise argparse.ArgumentTypeError(f"a month is 1 to 12: {text!r}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line on stderr and exit 2, as every usage error must.
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cyberdesk", description=f"{APP_NAME}: the office of the Ambassador for Cyber Affairs.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", metavar="URL|PATH", help="the office database (a file path or a database URL)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("init", help="create a new, empty office")
    p.add_argument("--office", default=None, help="the office's name")
    p.add_argument("--currency", default=None, help="ISO 4217 currency code, e.g. AUD")
    p.add_argument("--fy-start-month", type=_month, default=None, help="first month of the fiscal year, 1-12")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", help="build the demo office")
    p.add_argument("--seed", type=int, default=20250630)
    p.add_argument("--as-at", type=_iso_date, default=None, help="the demo's today (default: today)")
    p.add_argument("--scale", type=_positive_int, default=1, help="grow every transactional table K-fold")
    p.add_argument("--replace", action="store_true", help="replace the data already there (backed up first)")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("check", help="check the database is sound")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("backup", help="back up the database")
    p.add_argument("-o", "--output", type=Path, default=None, help="write the backup to this file")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", help="replace the database with a backup (the current one is backed up)")
    p.add_argument("file", type=Path)
    p.set_defaults(handler=cmd_restore)

    export = sub.add_parser("export", help="write a spreadsheet or calendar")
    export_sub = export.add_subparsers(dest="export_kind", metavar="KIND", required=True, parser_class=_Parser)
    p = export_sub.add_parser("list", help="any list as xlsx or csv")
    p.add_argument("entity", choices=LIST_ENTITIES)
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--delimiter", choices=[",", ";"], default=",")
    _export_common(p)
    _add_list_filters(p)
    p.set_defaults(handler=cmd_export_list)
    p = export_sub.add_parser("pack", help="the meeting pack as xlsx or pdf")
    p.add_argument("--meeting", required=True, metavar="ID|next|latest", help="the meeting (next: next scheduled)")
    p.add_argument("-o", "--output", type=Path, required=True)
    _export_common(p)
    p.set_defaults(handler=cmd_export_pack)
    _add_action_update_commands(sub, export_sub)
    _add_export_calendar(export_sub)
    _add_budget_commands(export_sub)
    _add_undo_import(sub)
    _add_register_templates(export_sub)
    _add_export_coverage(export_sub)
    _add_copy_command(sub)
    return parser


def _add_copy_command(sub: Any) -> None:
    p = sub.add_parser("copy", help="copy an office into a new, empty database (SQLite file <-> PostgreSQL)")
    p.add_argument("--from", dest="source", required=True, metavar="URL|PATH", help="the office to copy")
    p.add_argument("--to", dest="target", required=True, metavar="URL|PATH", help="an empty database to copy into")
    p.set_defaults(handler=cmd_copy)


def cmd_copy(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.db.copy import copy_office

    report = copy_office(args.source, args.target)
    out(f"Copied {report.total_rows:,} rows in {sum(1 for n in report.row_counts.values() if n)} tables.")
    out(f"Audit trail: {report.audit_entries:,} entries, head {report.audit_head_hash[:16]} on both sides.")
    return EXIT_OK


def _export_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as-at", type=_iso_date, default=None, help="the date exports treat as today")
    p.add_argument("--max-marking", default=None, help="leave out what is marked above this label")


def is_gui_invocation(argv: Sequence[str]) -> bool:
    """No command (only `--db`) means: open the GUI (desktop/__main__.py decides the same without this import)."""
    rest = list(argv)
    if "--db" in rest:
        i = rest.index("--db")
        del rest[i : i + 2]
    rest = [a for a in rest if not a.startswith("--db=")]
    return not rest


def database_path(args: argparse.Namespace) -> str:
    return str(args.db) if args.db else str(default_database_path())


def open_existing(args: argparse.Namespace, *, readonly: bool = False) -> Database:
    return open_database(database_path(args), readonly=readonly)


def cmd_init(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    target = database_path(args)
    db = open_database(target, create=True)
    with db:
        kwargs = {
            k: v
            for k, v in {
                "name": args.office,
                "currency": args.currency,
                "fy_start_month": args.fy_start_month,
            }.items()
            if v is not None
        }
        settings = initialise_office(db, **kwargs)
    out(f"Created {settings.name} in {target} ({settings.currency}, fiscal year from month {settings.fy_start_month}).")
    return EXIT_OK


def cmd_demo(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.demo import build_demo

    as_at = args.as_at or date.today()
    target = database_path(args)
    has_office = _holds_office(target)
    if has_office and not args.replace:
        # Decided through a read-only look, so a refused demo leaves the file byte for byte as it was.
        name = Path(target).name if not is_url(target) else target
        raise UserError(f"{name} already holds an office; add --replace to replace it (it is backed up first).")
    db = open_database(target, create=True)
    with db:
        if has_office:
            saved = db.backup("before-demo")
            out(f"Backed up the previous data to {saved}")
        summary = build_demo(db, seed=args.seed, as_at=as_at, scale=args.scale, replace=has_office)
    out(
        f"Built the demo office as at {as_at.isoformat()} in {db.name}: "
        f"{summary.total_rows:,} rows in {summary.elapsed_s:.1f} s."
    )
    return EXIT_OK


def _holds_office(target: str) -> bool:
    if not is_url(target) and not Path(target).expanduser().exists():
        return False
    try:
        with open_database(target, readonly=True) as db, db.read() as session:
            return office_exists(session)
    except EmptyDatabase:
        return False


def cmd_check(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    report = check_database(database_path(args))
    if args.json:
        out(report.to_json())
    else:
        out(f"Database: {report.database}")
        out(f"Schema version: {report.schema_version} (this program: {report.expected_schema_version})")
        out(f"Integrity: {report.integrity}")
        out(f"Audit trail: {report.audit_entries:,} entries, head {report.audit_head_hash[:16]}")
        width = max((len(name) for name in report.row_counts), default=0)
        for name, count in report.row_counts.items():
            out(f"  {name:<{width}}  {count:>9,}")
        out(f"Total rows: {sum(report.row_counts.values()):,}")
        for problem in report.problems:
            out(f"PROBLEM: {problem}")
        out("The database is sound." if report.ok else f"{len(report.problems)} problem(s) found.")
    if not report.ok:
        print(f"cyberdesk: check found {len(report.problems)} problem(s) in {report.database}", file=sys.stderr)
        return EXIT_REFUSED
    return EXIT_OK


# The list filters the command line offers, each one of the list's own ListFilter conditions (list_filters.py),
# with the lists that have it.
_FILTER_FLAGS = {"open": ("actions", "commitments"), "overdue": ("actions", "commitments"), "owner": ("actions",)}


def _add_list_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--search", default=None, metavar="TEXT", help="only rows whose text contains TEXT, as in the app")
    p.add_argument("--archived", action="store_true", help="include archived records")
    # The flag keeps its short name; its help and the filter line use the app's chip words ("Open" is one status).
    p.add_argument(
        "--open",
        action="store_true",
        help=f"actions, commitments: only those not closed (actions: {NOT_CLOSED_ACTIONS.split('(')[1].rstrip(')')})",
    )
    p.add_argument(
        "--overdue", action="store_true", help="actions, commitments: only those not closed and past due (--as-at)"
    )
    p.add_argument("--owner", default=None, metavar="CODE", help="actions: only those the agency CODE owns")


def _list_filter(args: argparse.Namespace, db: Database, as_at: date) -> ListFilter | None:
    """The ListFilter the flags ask for (None: none), the way the dashboard's figures build theirs."""
    labels: list[str] = []
    conditions: list[tuple[str, Any]] = []
    if args.open or args.overdue:
        labels.append("Overdue" if args.overdue else NOT_CLOSED_ACTIONS if args.entity == "actions" else "Not closed")
        conditions.append(("open", True))
    if args.overdue:
        conditions.append(("overdue_at", as_at) if args.entity == "actions" else ("overdue", (as_at, as_at)))
    if args.owner is not None:
        with db.read() as session:
            found = session.execute(
                sa.select(Organisation.id, Organisation.code).where(
                    sa.func.upper(Organisation.code) == args.owner.strip().upper()
                )
            ).first()
        if found is None:
            raise UserError(f"No organisation has the code {args.owner!r}.")
        labels.append(f"owner {found.code}")
        conditions.append(("owner_agency", found.id))
    return ListFilter(", ".join(labels), tuple(conditions)) if conditions else None


def cmd_export_list(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.table_export import export_list

    for flag, entities in _FILTER_FLAGS.items():
        if getattr(args, flag) not in (None, False) and args.entity not in entities:
            # A filter the list does not have is bad usage, like an unknown option.
            print(f"cyberdesk: export list: --{flag} applies only to {' and '.join(entities)}", file=sys.stderr)
            return EXIT_USAGE
    output = args.output.expanduser()
    as_at = args.as_at or date.today()
    with open_existing(args, readonly=True) as db:
        query = ListQuery(search=args.search, preset=_list_filter(args, db, as_at), include_archived=args.archived)
        result = export_list(
            db, args.entity, output, delimiter=args.delimiter, as_at=as_at, max_marking=args.max_marking, query=query
        )
    out(result.summary())
    return EXIT_OK


def cmd_export_pack(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.pack_export import export_pack, pack_renderer

    output = args.output.expanduser()
    pack_renderer(output)  # an unknown format or a missing PDF renderer is refused before the database is opened
    with open_existing(args, readonly=True) as db:
        result = export_pack(db, args.meeting, output, as_at=args.as_at, max_marking=args.max_marking)
    out(result.summary())
    return EXIT_OK


# --- action updates: export one agency's workbook, import it back (and the import command every importer shares)


def _add_action_update_commands(sub: Any, export_sub: Any) -> None:
    p = export_sub.add_parser("action-updates", help="one agency's open actions and attendance, to fill in")
    p.add_argument("--agency", required=True, metavar="CODE", help="the agency's code, e.g. MFA")
    p.add_argument("-o", "--output", type=Path, required=True)
    _export_common(p)
    p.set_defaults(handler=cmd_export_action_updates)

    p = sub.add_parser("import", help="bring in a workbook (dry run first with --dry-run)")
    p.add_argument("kind", choices=IMPORT_KINDS)
    p.add_argument("file", type=Path)
    p.add_argument("--dry-run", action="store_true", help="list what would change and every problem; change nothing")
    p.set_defaults(handler=cmd_import)


IMPORT_KINDS = ("action-updates", "budget", "events", "people")


def cmd_export_action_updates(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.action_updates import export_action_updates

    with open_existing(args, readonly=True) as db:
        result = export_action_updates(
            db, args.agency, args.output.expanduser(), as_at=args.as_at, max_marking=args.max_marking
        )
    out(result.summary())
    return EXIT_OK


def _add_export_calendar(export_sub: argparse._SubParsersAction[_Parser]) -> None:
    p = export_sub.add_parser("calendar", help="the forward calendar as iCalendar (.ics)")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.add_argument("--from", dest="date_from", type=_iso_date, default=None, help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", type=_iso_date, default=None, help="last day (YYYY-MM-DD)")
    p.add_argument("--skip-tbc", action="store_true", help="leave out events whose dates are known only to the month")
    _export_common(p)
    p.set_defaults(handler=cmd_export_calendar)


def cmd_export_calendar(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.ics import export_calendar

    with open_existing(args, readonly=True) as db:
        result = export_calendar(
            db,
            args.output.expanduser(),
            as_at=args.as_at,
            date_from=args.date_from,
            date_to=args.date_to,
            skip_tbc=args.skip_tbc,
            max_marking=args.max_marking,
        )
    out(result.summary())
    return EXIT_OK


def cmd_import(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.imports import ImportRejected
    from core.io.imports.action_updates import ActionUpdatesImporter
    from core.io.imports.budget import BudgetImporter
    from core.io.imports.pipeline import Importer, run_import

    path = args.file.expanduser()
    importer: Importer = BudgetImporter() if args.kind == "budget" else ActionUpdatesImporter()
    if args.kind in ("events", "people"):
        from core.io.imports.events import EventsImporter
        from core.io.imports.people import PeopleImporter

        importer = EventsImporter() if args.kind == "events" else PeopleImporter()
    try:
        with open_existing(args, readonly=args.dry_run) as db:
            result = run_import(db, path, importer, dry_run=args.dry_run)
    except ImportRejected as exc:
        raise UserError(str(exc)) from exc
    for line in result.plan.lines():
        out(line)
    out(result.summary())
    if result.plan.problems:
        count = len(result.plan.problems)
        raise UserError(f"{path.name} has {count} problem{'s' if count != 1 else ''}; nothing would be imported.")
    return EXIT_OK


# --- budget: the budget workbook (import budget joins IMPORT_KINDS)


def _add_budget_commands(export_sub: Any) -> None:
    p = export_sub.add_parser("budget", help="the budget workbook of a fiscal year")
    p.add_argument("--fy", required=True, metavar="YEAR", help="2025, FY2025, 2024-25 or 2024–25")
    p.add_argument("-o", "--output", type=Path, required=True)
    _export_common(p)
    p.set_defaults(handler=cmd_export_budget)
    p = export_sub.add_parser("budget-template", help="the empty sheet `import budget` reads, with instructions")
    p.add_argument("-o", "--output", type=Path, required=True)
    p.set_defaults(handler=cmd_export_budget_template)


def cmd_export_budget_template(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.budget_xlsx import export_budget_template

    output = args.output.expanduser()
    with open_existing(args, readonly=True) as db:
        export_budget_template(db, output)
    out(f"Wrote the budget import template to {output.name}; fill in the Budget_Import sheet.")
    return EXIT_OK


def _export_fiscal_year(args: argparse.Namespace, out: Callable[[str], None], command: str, export: Any) -> int:
    """`export budget|coverage --fy YEAR`: the year read with the office's calendar, then the export run."""
    from core.services.office import load_settings

    with open_existing(args, readonly=True) as db:
        with db.read() as session:
            try:
                fy = load_settings(session).calendar.parse_fy(args.fy)
            except FiscalYearError as exc:
                # A year that cannot be read is bad usage (DESIGN §4), not a refusal.
                print(f"cyberdesk: export {command}: {exc}", file=sys.stderr)
                return EXIT_USAGE
        result = export(db, fy, args.output.expanduser(), as_at=args.as_at, max_marking=args.max_marking)
    out(result.summary())
    return EXIT_OK


def cmd_export_budget(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.budget_xlsx import export_budget

    return _export_fiscal_year(args, out, "budget", export_budget)


# --- norms and strategy coverage


def _add_export_coverage(export_sub: Any) -> None:
    p = export_sub.add_parser("coverage", help="norms and strategy coverage of a fiscal year, with its gaps (.xlsx)")
    p.add_argument("--fy", required=True, metavar="YEAR", help="2025, FY2025, 2024-25 or 2024–25")
    p.add_argument("-o", "--output", type=Path, required=True)
    _export_common(p)
    p.set_defaults(handler=cmd_export_coverage)


def cmd_export_coverage(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.coverage_xlsx import export_coverage

    return _export_fiscal_year(args, out, "coverage", export_coverage)


# --- forum events and people: the import templates (import events / people join IMPORT_KINDS)


def _add_register_templates(export_sub: Any) -> None:
    for kind in ("events", "people"):
        p = export_sub.add_parser(f"{kind}-template", help=f"the empty sheet `import {kind}` reads, with instructions")
        p.add_argument("-o", "--output", type=Path, required=True)
        p.set_defaults(handler=cmd_export_register_template, template_kind=kind)


def cmd_export_register_template(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.register_templates import export_events_template, export_people_template

    output = args.output.expanduser()
    write = export_events_template if args.template_kind == "events" else export_people_template
    with open_existing(args, readonly=True) as db:
        write(db, output)
    sheet = "Events_Import" if args.template_kind == "events" else "People_Import"
    out(f"Wrote the {args.template_kind} import template to {output.name}; fill in the {sheet} sheet.")
    return EXIT_OK


def _sqlite_path(args: argparse.Namespace, verb: str) -> Path:
    target = database_path(args)
    if is_url(target):
        raise UserError(f"{verb} works on database files; back up a shared office database on its server.")
    return Path(target).expanduser()


def cmd_backup(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    path = _sqlite_path(args, "backup")
    if not path.exists():
        raise DatabaseMissing(f"No database at {path}.")
    inspect_file(path)  # refuse a damaged or foreign file before copying it anywhere
    if args.output is not None:
        dest = backups.backup_to(path, args.output.expanduser().absolute())
    else:
        dest = backups.take_backup(path, "manual")
    out(f"Backed up {path.name} to {dest}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    target = _sqlite_path(args, "restore")
    result = recovery.restore_backup(args.file, target)
    if result.previous_backup is not None:
        out(f"Backed up the current database to {result.previous_backup}")
    if result.set_aside is not None:
        out(f"Kept the unreadable database, unchanged, as {result.set_aside}")
    with open_database(target) as db:  # brings an older backup up to this version (after its own backup)
        if db.backup_taken:
            out(f"Updated the restored data to this version (backup {db.backup_taken.name}).")
    out(f"Restored {target.name} from {result.source.name}.")
    return EXIT_OK


def _backup_offer(args: argparse.Namespace, exc: BaseException) -> str:
    """For a database refused as unreadable: the latest verified backup and the command that restores it."""
    if not isinstance(exc, recovery.REFUSALS_WITH_BACKUP_OFFER) or args.command == "restore":
        return ""
    target = database_path(args)
    if is_url(target):
        return ""
    found = recovery.latest_verified_backup(Path(target).expanduser())
    if found is None:
        return " No verified backup of it was found."
    return (
        f" The latest verified backup is from {found.label}: restore it with "
        f"`cyberdesk --db {target} restore {found.path}` (the unreadable file is kept aside)."
    )


def _log_internal_error(exc: BaseException) -> Path | None:
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "cyberdesk.log"
        with path.open("a", encoding="utf-8") as f:
            f.write(f"\n=== {datetime.now(UTC).isoformat()} {APP_NAME} {__version__} ===\n")
            f.write("".join(traceback.format_exception(exc)))
        return path
    except OSError:
        return None


def run(argv: Sequence[str], out: Callable[[str], None] | None = None) -> int:
    """Run one headless command; never raises (except SystemExit from --help/--version)."""
    emit = out or (lambda line: print(line, flush=True))
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_usage(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args, emit))
    except USER_ERRORS as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"cyberdesk: {message}{_backup_offer(args, exc)}", file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print("cyberdesk: interrupted", file=sys.stderr)
        return EXIT_REFUSED
    except Exception as exc:
        where = _log_internal_error(exc)
        detail = f"; details in {where}" if where else ""
        print(f"cyberdesk: internal error: {type(exc).__name__}: {exc}{detail}", file=sys.stderr)
        return EXIT_INTERNAL


# --- undo-import: revert a whole budget import batch


def _add_undo_import(sub: Any) -> None:
    p = sub.add_parser("undo-import", help="revert a budget import by its batch id, if none of its lines changed since")
    p.add_argument("batch", metavar="BATCH_ID", help="the batch id the import printed")
    p.set_defaults(handler=cmd_undo_import)


def cmd_undo_import(args: argparse.Namespace, out: Callable[[str], None]) -> int:
    from core.io.imports.budget import undo_budget_import

    with open_existing(args) as db:
        try:
            result = undo_budget_import(db, args.batch)
        except ValidationError as exc:
            raise UserError(" ".join(exc.errors.values())) from exc
    out(result.summary())
    return EXIT_OK


if __name__ == "__main__":
    # `python -m core.cli` runs the headless commands without the desktop package (so without PDF packs).
    sys.exit(run(sys.argv[1:]))
