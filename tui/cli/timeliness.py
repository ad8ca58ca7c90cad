"""``casenotes timeliness``: the Timeliness report of your unit, as a table or CSV."""

from __future__ import annotations

import sys
from pathlib import Path

from tui.cli.sign_in import sign_in


def run_timeliness(args) -> int:
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
