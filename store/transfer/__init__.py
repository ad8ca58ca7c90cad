"""Bulk import and export for go-live: the agency's staff, units, families, persons, stages, roles
and placements as CSV files keyed by the agency's own ids (``casenotes import DIR`` / ``export DIR``).

``import_folder`` reads and checks everything, tries every row against the store's rules in one
transaction and reports; it keeps what it wrote only when asked to apply and nothing was refused.
Running it again with the same files changes nothing (rows are matched by their external keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from store.core.errors import StoreError
from store.db.server import check_acts_as_the_system
from store.desks.base import Work
from store.transfer.apply import Applying, Progress
from store.transfer.checks import read_folder
from store.transfer.export import agency_rows, write_files
from store.transfer.formats import FILES, CannotRead, Problem

if TYPE_CHECKING:
    from store.db.database import Database

__all__ = ["FILES", "CannotRead", "ImportReport", "Problem", "export_folder", "import_folder"]


@dataclass(frozen=True)
class ImportReport:
    counts: dict[str, dict[str, int]]  # file → new, unchanged, changed, refused
    problems: list[Problem]
    not_tried: int                     # rows not tried because a row they need was refused
    applied: bool                      # written (only with apply and no problem)

    @property
    def changes(self) -> int:
        return sum(c["new"] + c["changed"] for c in self.counts.values())


class _Undo(Exception):
    """Leaves the unit of work so that it rolls back (a dry run, or rows refused)."""


def import_folder(db: Database, folder: Path, *, apply: bool = False, progress: Progress | None = None) -> ImportReport:
    """Check (and with ``apply``, write) the files in ``folder``, in one transaction. Raises
    ``CannotRead`` when the folder or a file cannot be read at all; ``NoAccess`` on the agency server
    for anyone but the database's owner (the import acts as the system)."""
    check_acts_as_the_system(db.write_engine, "import")
    try:
        return _import(db, Path(folder), apply, progress, careful=False)
    except CannotRead:
        raise
    except StoreError:  # a row the store refuses: again, row by row, to report every one
        return _import(db, Path(folder), apply, progress, careful=True)


def _import(db: Database, folder: Path, apply: bool, progress: Progress | None, careful: bool) -> ImportReport:
    report: ImportReport | None = None
    try:
        with db.writing() as session:
            now = db.now()
            plan = read_folder(folder, agency_rows(session, db.policy.time_zone), db.policy, now)
            if plan.problems:
                careful = True  # rows refused already: try every other one, to report all at once
            applying = Applying(plan, Work(session, now, db.policy, None), progress, careful=careful)
            applying.run()
            counts = plan.counts()
            keep = apply and not plan.problems
            report = ImportReport(counts, sorted(plan.problems, key=_order), len(applying.skipped), keep)
            if not keep or not applying.changes:  # nothing to keep: a second run of the same files writes nothing
                raise _Undo
            applying.audit_import(counts)
    except _Undo:
        pass
    assert report is not None
    return report


def export_folder(db: Database, folder: Path) -> dict[str, int]:
    """Write every record as the import files into ``folder``; rows per file. ``NoAccess`` on the agency
    server for anyone but the database's owner (a worker's session would export only what it reads)."""
    check_acts_as_the_system(db.write_engine, "export")
    with db.reading() as session:
        records = agency_rows(session, db.policy.time_zone)
    return write_files(records, Path(folder))


def _order(problem: Problem) -> tuple[int, int]:
    return next(i for i, spec in enumerate(FILES) if spec.name == problem.file), problem.line
