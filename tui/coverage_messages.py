"""What the plan-coverage screens' workers post (issue 19)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from store.core.coverage_results import ChildCoverage, UnitCoverageRow


@dataclass
class FamilyCoverageRead(Message, bubble=False):
    children: list[ChildCoverage]


@dataclass
class UnitCoverageRead(Message, bubble=False):
    rows: list[UnitCoverageRow]
