"""``casenotes import DIR`` and ``casenotes export DIR``: the agency's staff and families as CSV files
(formats in the README), checked first and written in one transaction only with ``--apply``.

Exit codes: 0 all is well (checked, or written), 1 rows refused (nothing written), 2 the folder, a
file or the database could not be opened.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

BAR_WIDTH = 30


def run_import(args) -> int:
    from store import Store
    from store.transfer import CannotRead, import_folder

    store = Store.open(args.db)
    progress = Bar(sys.stderr) if sys.stderr.isatty() else None
    try:
        report = import_folder(store, Path(args.folder), apply=args.apply, progress=progress)
    except CannotRead as error:
        print(f"casenotes: {error} Nothing was written.", file=sys.stderr)
        return 2
    finally:
        if progress:
            progress.done()
    print(render_report(report, args.folder, args.apply))
    return 1 if report.problems else 0


def render_report(report, folder: str, apply: bool) -> str:
    mode = "applied" if report.applied else "checked only, nothing written" if not apply else "nothing written"
    lines = [f"casenotes import {folder} ({mode})", "",
             f"  {'file':<16}{'new':>8}{'unchanged':>11}{'changed':>9}{'refused':>9}"]
    for name, c in report.counts.items():
        lines.append(f"  {name:<16}{c['new']:>8}{c['unchanged']:>11}{c['changed']:>9}{c['refused']:>9}")
    if report.problems:
        lines += ["", f"Refused ({len(report.problems)}):"]
        lines += [f"  {problem}" for problem in report.problems]
    if report.not_tried:
        lines += ["", f"{report.not_tried} rows were not tried against the store's rules because a row they need "
                      "was refused."]
    lines.append("")
    if report.problems:
        lines.append("Nothing was written. Correct the rows above and run the import again.")
    elif report.changes == 0:
        lines.append("Nothing to do: every record is already as the files say.")
    elif report.applied:
        lines.append(f"Written in one transaction: {report.changes} records added or changed.")
    else:
        lines.append(f"All rows pass. Run again with --apply to write these {report.changes} records.")
    return "\n".join(lines)


def run_export(args) -> int:
    from store import Store

    store = Store.open(args.db)
    return export_to(store, Path(args.folder))


def export_to(store, folder: Path) -> int:
    from store.transfer import export_folder

    try:
        written = export_folder(store, folder)
    except OSError as error:
        print(f"casenotes: the files could not be written to {folder} ({error.strerror or error}).", file=sys.stderr)
        return 2
    rows = ", ".join(f"{name} {count}" for name, count in written.items())
    print(f"casenotes: exported to {folder}: {rows}.")
    return 0


class Bar:
    """A progress bar on the terminal, redrawn only when it moves."""

    def __init__(self, out: TextIO):
        self.out, self.shown = out, -1

    def __call__(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        if filled == self.shown and done != total:
            return
        self.shown = filled
        self.out.write(f"\rimporting [{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {done:,}/{total:,}")
        self.out.flush()

    def done(self) -> None:
        if self.shown >= 0:
            self.out.write("\n")
            self.out.flush()
