"""The ``casenotes`` command: open the app, or make and open the demo agency."""

from __future__ import annotations

import argparse
import os
import sys

from tui.cli.admin import add_admin_commands
from tui.cli.sign_in import demo_path, demo_url, sign_in


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="casenotes", description="Progress notes for child-welfare casework.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", help="database URL (default: the SQLite file in your data directory)")
    where.add_argument("--demo", action="store_true",
                       help="use the demo database that `casenotes demo` made in your data directory")
    parser.add_argument("--user", help="sign in as this login (demo databases only)")
    commands = parser.add_subparsers(dest="command")
    demo = commands.add_parser("demo", help="create the demo agency if needed and open it with a staff picker")
    demo.add_argument("--seed", type=int, default=1, help="random seed of the generated agency (default 1)")
    demo.add_argument("--scale", type=float, default=1.0, help="size relative to the standard demo (default 1)")
    demo.add_argument("--fresh", action="store_true", help="throw away the existing demo database first")
    demo.add_argument("--no-open", action="store_true", help="only create the database")
    demo.add_argument("--export", metavar="DIR", help="write the demo agency as sample import files into DIR")
    index = commands.add_parser("index", help="the search index beside a SQLite database (PostgreSQL searches itself)")
    index.add_argument("action", choices=("rebuild", "check"), help="rebuild it from every note, or compare it")
    index.add_argument("--repair", action="store_true", help="with check: fix every difference found")
    find = commands.add_parser("search", help="search the notes you may read")
    find.add_argument("query", help='e.g. \'grandmother "school nurse" after:2026-10-01\'')
    find.add_argument("--family", type=int, help="only this case (family) number")
    find.add_argument("--order", choices=("newest", "relevance"), default="newest")
    find.add_argument("--limit", type=int, default=20)
    find.add_argument("--json", action="store_true", help="print the results as JSON")
    report = commands.add_parser("timeliness", help="the Timeliness report of your unit (supervisors, directors)")
    report.add_argument("--days", type=_days, help="the period, ending now (default: the last 90 days)")
    report.add_argument("--csv", metavar="FILE", help="write the report as CSV to FILE ('-' for standard output)")
    bring = commands.add_parser("import", help="check (and with --apply, write) an agency's CSV files: staff, "
                                "units, families, persons, stages, roles, placements")
    bring.add_argument("folder", help="the folder holding the CSV files (formats in the README)")
    bring.add_argument("--apply", action="store_true", help="write them, in one transaction (default: only check)")
    send = commands.add_parser("export", help="write the agency as the CSV files that import reads, or with "
                               "--family a family's court record (PDF or Markdown); --verify FILE checks one")
    send.add_argument("folder", nargs="?", help="the folder to write the CSV files into (made if needed)")
    send.add_argument("--family", type=int, metavar="ID", help="the court record of this case (family) number")
    send.add_argument("--child", type=int, metavar="ID", help="with --family: only the notes this child took part "
                      "in, and the child's documents")
    send.add_argument("--from", dest="since", metavar="DATE", help="with --family: the first day (YYYY-MM-DD or "
                      "MM/DD/YYYY)")
    send.add_argument("--to", dest="until", metavar="DATE", help="with --family: the last day, included")
    send.add_argument("--format", choices=("pdf", "md"), default=None, help="with --family: pdf (default, or as "
                      "--out ends) or md (Markdown, for editing)")
    send.add_argument("--out", metavar="FILE", help="with --family: the file to write (default: a new file named "
                      "for the family in this folder); never written over")
    send.add_argument("--unapproved", action="store_true", help="with --family: include notes not yet approved, "
                      "marked NOT APPROVED on every page")
    send.add_argument("--verify", metavar="FILE", help="check a court record's hashes against the database: exit 0 "
                      "if every one matches, 1 if any differs or the file has no manifest")
    upload = commands.add_parser("upload", help="keep a file (a school report, a photo…) in a child's record")
    upload.add_argument("--child", type=int, required=True, help="the child's person number")
    upload.add_argument("--kind", required=True, help="what the document is, from the agency's list (a few words "
                        "of it will do: 'school', 'birth certificate')")
    upload.add_argument("file", help="the file: PDF, JPEG, PNG, TIFF, HEIC, Word (.docx) or plain text")
    clock = commands.add_parser("policy", help="show the casework clock as read from the policy files, and check them")
    clock.add_argument("--preset", help="show a shipped preset instead (texas, washington)")
    add_admin_commands(commands)
    args = parser.parse_args(argv)
    from store import PolicyError, StoreError

    try:
        if args.demo and args.command != "demo":
            if not demo_path().is_file():
                print("casenotes: there is no demo database yet; make it with `casenotes demo` (or `make demo`).",
                      file=sys.stderr)
                return 2
            args.db = demo_url()
        if args.command == "demo":
            from tui.cli.demo import run_demo

            return run_demo(args, _run_app)
        if args.command in ("index", "search"):
            from tui.cli.search import run_index, run_search

            return run_index(args) if args.command == "index" else run_search(args)
        if args.command == "timeliness":
            from tui.cli.timeliness import run_timeliness

            return run_timeliness(args)
        if args.command == "export" and (args.family is not None or args.verify):
            from tui.cli.court_record import run_court_record

            return run_court_record(args)
        if args.command == "export" and args.folder is None:
            print("casenotes: export needs a folder for the CSV files, --family ID for a court record, or --verify "
                  "FILE.", file=sys.stderr)
            return 2
        if args.command in ("import", "export"):
            from tui.cli.transfer import run_export, run_import

            return run_import(args) if args.command == "import" else run_export(args)
        if args.command == "admin":
            from tui.cli.admin import run_admin

            return run_admin(args)
        if args.command == "upload":
            from tui.cli.upload import run_upload

            return run_upload(args)
        if args.command == "policy":
            from tui.cli.policy import run_policy

            return run_policy(args)
        return _open(args)
    except (PolicyError, StoreError) as error:  # a bad setting or a database that cannot be opened
        print(f"casenotes: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader stopped early (`| head`): nothing more to say, and no traceback
        _silence_stdout()
        return 141


def _silence_stdout() -> None:
    """Point standard output at /dev/null so that the flush at exit does not fail on the closed pipe."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (e.g. captured in a test)
        pass


def _open(args) -> int:
    if args.demo and not args.user:  # the demo's staff picker, as `casenotes demo` opens it
        from store import Store

        return _run_app(Store.open(args.db), None)
    signed_in = sign_in(args)
    return _run_app(*signed_in) if signed_in else 2


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3660:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days from 1 to 3660")
    return int(text)


def _run_app(store, login: str | None) -> int:
    from tui.app import CasenotesApp

    CasenotesApp(store, login).run()
    return 0
