"""The ``casenotes`` command: open the app, or make and open the demo agency."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path


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
    index = commands.add_parser("index", help="the search index beside the database")
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
    clock = commands.add_parser("policy", help="show the casework clock as read from the policy files, and check them")
    clock.add_argument("--preset", help="show a shipped preset instead (texas, washington)")
    args = parser.parse_args(argv)
    from store import PolicyError, StoreError

    try:
        if args.demo and args.command != "demo":
            if not _demo_path().is_file():
                print("casenotes: there is no demo database yet; make it with `casenotes demo` (or `make demo`).",
                      file=sys.stderr)
                return 2
            args.db = _demo_url()
        if args.command == "demo":
            return _demo(args)
        if args.command in ("index", "search"):
            from tui.search_cli import run_index, run_search

            return run_index(args) if args.command == "index" else run_search(args)
        if args.command == "timeliness":
            return _timeliness(args)
        if args.command == "policy":
            from tui.policy_cli import run_policy

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


def sign_in(args):
    """(store, login) for the user running this command, or None after saying why not."""
    from store import Store, StoreError

    store = Store.open(args.db)
    if args.user and not store.is_demo:
        print("casenotes: --user works only on a demo database; you are signed in as your own login.",
              file=sys.stderr)
        return None
    login = args.user or _os_login()
    try:
        store.as_user(login)
    except StoreError as error:
        print(f"casenotes: {error} {_who_to_be(args, store)}", file=sys.stderr)
        return None
    return store, login


def _who_to_be(args, store) -> str:
    """What to do when the login is not a worker here: on a demo, say who one may be; on the default
    database while a demo exists, point to it; otherwise, ask for access."""
    if store.is_demo:
        return f"On the demo, say who you are with --user, e.g. {_example_logins(store)}."
    if args.db is None and _demo_path().is_file():
        command = " ".join(["casenotes --demo --user LOGIN", *([args.command] if args.command else [])])
        return (f"To use the demo agency instead, add --demo and a demo login: `{command}`; otherwise ask "
                "your administrator to add you.")
    return "Ask your administrator to add you."


def _example_logins(store) -> str:
    """A supervisor's and a caseworker's login on this database, as --user examples."""
    staff = store.staff()
    picks = [next((w for w in staff if word in w.title), None) for word in ("Supervisor", "Caseworker")]
    return " or ".join(f"--user {w.login} ({w.title})" for w in picks if w) or "--user LOGIN"


def _days(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 3660:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days from 1 to 3660")
    return int(text)


def _timeliness(args) -> int:
    from store import StoreError
    from tui.timeliness_csv import save_csv, text_table, write_csv

    signed_in = sign_in(args)
    if not signed_in:
        return 2
    store, login = signed_in
    try:
        desk = store.as_user(login)
        report = desk.timeliness(days=args.days) if args.days else desk.timeliness()
    except StoreError as error:
        print(f"casenotes: {error}", file=sys.stderr)
        return 2
    if args.csv == "-":
        write_csv(report, sys.stdout)
    elif args.csv:
        try:
            print(f"casenotes: wrote the report to {save_csv(report, Path(args.csv))}", file=sys.stderr)
        except OSError as error:
            print(f"casenotes: the report was not written: {error}", file=sys.stderr)
            return 1
    else:
        print(text_table(report, store.policy.time_zone))
    return 0


def _os_login() -> str:
    """The operating system's name for this user, from the user id, not from $USER (which anyone can set)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # not POSIX, or a uid without a name
        return getpass.getuser()


def _demo(args) -> int:
    from store import FrozenClock, Store, SystemClock
    from store.core.clock import utc
    from demo.agency import generate

    url = args.db or _demo_url()
    if args.fresh and url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
    store = Store.open(url)
    if not store.staff():
        clock = FrozenClock(utc(SystemClock().now()))
        seeding = Store.open(url, clock=clock)
        print(f"casenotes: creating the demo agency (seed {args.seed}, scale {args.scale}) in {url} …")
        generate(seeding, clock, seed=args.seed, scale=args.scale)
        seeding.close()
    elif not store.is_demo:
        print(f"casenotes: {url} holds a real agency, not a demo; refusing to use it as one.", file=sys.stderr)
        return 2
    if args.no_open:
        print(f"casenotes: demo agency ready: {len(store.staff())} staff.")
        return 0
    return _run_app(store, args.user)


def _demo_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("casenotes")) / "demo.db"


def _demo_url() -> str:
    return f"sqlite:///{_demo_path()}"


def _run_app(store, login: str | None) -> int:
    from tui.app import CasenotesApp

    CasenotesApp(store, login).run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
