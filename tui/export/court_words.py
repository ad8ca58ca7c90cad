"""What the court record says, in the same words in its PDF and its Markdown."""

from __future__ import annotations

from datetime import date, datetime

from store.core.court_results import CourtHeader, CourtNote, CourtRecord, PlanSummary
from tui import formatting

HOW_TO_VERIFY = ("Each note's SHA-256 is taken over the note's final revision as one JSON object (the fields shown, "
                 "times in UTC, keys sorted, UTF-8), each plan's over its approved version (its fields, participants, "
                 "contest requests and sections by key); the manifest hash over the header and the ordered note and "
                 "plan hashes. `casenotes export --verify FILE` recomputes them all from the agency's database.")
NOT_WRITTEN = "(not written)"
NOT_APPROVED = "Includes notes NOT APPROVED by a supervisor: they may still change."


def title(header: CourtHeader) -> str:
    whose = f"{header.child_name}, child of the {header.family_name} family" if header.child_name \
        else f"the {header.family_name} family"
    return f"Court record of {whose}"


def period(header: CourtHeader) -> str:
    def shown(day: date | None, otherwise: str) -> str:
        return day.strftime("%m/%d/%Y") if day else otherwise

    if header.since is None and header.until is None:
        return "the whole record"
    return f"{shown(header.since, 'the first note')} to {shown(header.until, 'the last note')}"


def facts(record: CourtRecord, zone: str) -> list[tuple[str, str]]:
    header = record.header
    lines = [("Agency", header.agency), ("Family", f"{header.family_name} (case {header.case_id})")]
    if header.child_name:
        lines.append(("Child", f"{header.child_name} (person {header.child_id})"))
    lines += [("Period", period(header)),
              ("Produced", f"{formatting.moment(header.produced_at, zone)} by {header.produced_by_name} "
                           f"({header.produced_by_login})"),
              ("Notes", notes_count(record))]
    return lines


def notes_count(record: CourtRecord) -> str:
    said = f"{len(record.notes)} (approved: {len(record.notes) - record.unapproved}"
    said += f", not approved: {record.unapproved})" if record.header.unapproved_included else ")"
    if record.left_out:
        said += f"; {record.left_out} not yet approved left out"
    return said


def note_heading(note: CourtNote) -> str:
    kind = f"Addendum {note.id} to note {note.amends_note_id}" if note.amends_note_id else f"Note {note.id}"
    status = note.status if note.approved else f"NOT APPROVED ({note.status})"
    return f"{kind} · version {note.version} · {status}"


def note_fields(note: CourtNote, zone: str) -> list[tuple[str, str]]:
    lines = [("Event", formatting.moment(note.event_at, zone)), ("Entered", formatting.moment(note.entered_at, zone)),
             ("Stage", note.stage), ("Author", note.author_name)]
    if note.entered_by_login != note.author_login:
        lines.append(("Entered by", note.entered_by_name))
    else:
        lines.append(("Entered by", f"{note.entered_by_name} (the author)"))
    lines.append(("Contact", " · ".join(x for x in (note.contact_type, note.method, note.location) if x)))
    if note.purposes:
        lines.append(("Purposes", ", ".join(note.purposes)))
    lines.append(("Present", ", ".join(note.participants) or "—"))
    if note.others:
        lines.append(("Others", ", ".join(note.others)))
    return lines


def review_lines(note: CourtNote, zone: str) -> list[str]:
    words = {"submit": "sent for review", "resubmit": "sent again", "approve": "approved", "return": "returned",
             "recall": "recalled"}
    return [f"{formatting.moment(a.at, zone)}: {words.get(a.action, a.action)} by {a.by_name}"
            + (f" — {a.comment}" if a.comment else "") for a in note.review]


def plan_heading(plan: PlanSummary) -> str:
    return f"Current approved plan: {plan.title}"


def plan_facts(plan: PlanSummary, zone: str) -> list[tuple[str, str]]:
    lines = [("Plan", f"number {plan.plan_id}, version {plan.plan_version}, dated {plan.plan_date:%m/%d/%Y}"),
             ("Drafted by", plan.drafter_name),
             ("Approved", f"{formatting.moment(plan.approved_at, zone)} by {plan.approved_by_name}"),
             ("Participants", "; ".join(f"{p.name} ({p.role})" for p in plan.participants) or "—")]
    for contest in plan.contests:
        lines.append(("Contested", f"{contest.requested_on:%m/%d/%Y} by {contest.requested_by}: {contest.provision}"))
    return lines


def when(at: datetime | None, zone: str) -> str:
    return formatting.moment(at, zone)
