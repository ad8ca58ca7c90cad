"""A progress note as text to read: its facts in a block, then the narrative, never as markup
(a narrative may hold square brackets)."""

from __future__ import annotations

from rich.text import Text

from store.core.results import NoteView
from tui import formatting

STATUS_WORDS = {"draft": "Draft", "submitted": "Waiting for review", "resubmitted": "Corrected, waiting for review",
                "returned": "Returned for correction", "approved": "Approved (final)", "final": "Final (intake entry)"}


def status_text(note: NoteView) -> str:
    return STATUS_WORDS.get(note.status, note.status)


def note_text(note: NoteView, zone: str) -> Text:
    facts = [
        ("Event", formatting.moment(note.event_at, zone)),
        ("Type", note.contact_type),
        ("Method", note.method or "—"),
        ("Location", note.location or "—"),
        ("Purposes", ", ".join(note.purposes) or "—"),
        ("Present", ", ".join([p.name for p in note.participants] + list(note.others)) or "—"),
        ("Author", note.author_name + (f" (entered by {note.entered_by_name})" if note.entered_by != note.author else "")),
        ("Entered", formatting.moment(note.entered_at, zone) + ("  LATE ENTRY" if note.late_entry else "")),
        ("Status", f"{status_text(note)} · version {note.version}"),
        ("Freezes", formatting.moment(note.freezes_at, zone) + ("  (frozen)" if note.frozen else "")),
    ]
    if note.correction_due_at and note.status == "returned":
        facts.append(("Correct by", formatting.moment(note.correction_due_at, zone)))
    if note.amends_note_id:
        facts.append(("Amends", f"note {note.amends_note_id}"))
    if note.addenda:
        facts.append(("Addenda", ", ".join(f"note {n}" for n in note.addenda)))
    text = Text()
    for label, value in facts:
        text.append(f"{label:>11} ", style="dim")
        text.append(f"{value}\n", style="bold red" if "LATE" in value else "")
    text.append("\n")
    text.append(note.narrative)
    return text
