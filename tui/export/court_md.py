"""The court record as Markdown, for editing into a report: the same content and hashes as the PDF,
and the manifest as a fenced JSON block after a marker line, which ``casenotes export --verify`` reads."""

from __future__ import annotations

from store.core.court_results import CourtRecord
from tui.export import court_words as words

MARKER = "<!-- casenotes court record manifest -->"


def render_markdown(record: CourtRecord, zone: str) -> str:
    out: list[str] = [f"# {words.title(record.header)}", ""]
    if record.header.unapproved_included:
        out += [f"> **{words.NOT_APPROVED}**", ""]
    out += [f"- **{label}:** {value}" for label, value in words.facts(record, zone)]
    out += ["", f"_{words.HOW_TO_VERIFY}_", ""]
    if record.persons:
        out += ["## Persons", ""]
        out += [f"- {p.name} — {p.relationship}" + (f", born {p.birth_date:%m/%d/%Y}" if p.birth_date else "")
                + f" (person {p.id})" for p in record.persons]
        out.append("")
    for plan in record.plans:
        out += [f"## {words.plan_heading(plan)}", ""]
        out += [f"- **{label}:** {value}" for label, value in words.plan_facts(plan, zone)] + [""]
        for section in plan.sections:
            out += [f"### {section.title}", "", section.text or words.NOT_WRITTEN, ""]
        out += [f"SHA-256: `{plan.sha256}`", ""]
    out += ["## Notes", ""]
    if not record.notes:
        out += ["No notes in this period.", ""]
    for note in record.notes:
        level = "#" * min(3 + note.addendum_depth, 6)
        out += [f"{level} {words.note_heading(note)}", ""]
        out += [f"- **{label}:** {value}" for label, value in words.note_fields(note, zone)]
        out += [""] + [f"> {line}" if line else ">" for line in note.narrative.splitlines() or [""]] + [""]
        review = words.review_lines(note, zone)
        if review:
            out += ["Review:", ""] + [f"- {line}" for line in review] + [""]
        out += [f"SHA-256: `{note.sha256}`", ""]
    out += ["## Documents in the record", ""]
    if not record.documents:
        out.append("No documents.")
    for d in record.documents:
        withdrawn = f" — **withdrawn** {words.when(d.withdrawn_at, zone)}: {d.withdrawal_reason}" \
            if d.withdrawn_at else ""
        out.append(f"- {words.when(d.uploaded_at, zone)} · {d.child_name} · {d.kind} · {d.file_name} · uploaded by "
                   f"{d.uploaded_by_name}{withdrawn}")
    manifest = record.manifest
    out += ["", "## Manifest", "", "| note | version | SHA-256 |", "| --- | --- | --- |"]
    out += [f"| {e.note_id} | {e.version} | `{e.sha256}` |" for e in manifest.entries]
    if manifest.plans:
        out += ["", "| plan | version | SHA-256 |", "| --- | --- | --- |"]
        out += [f"| {p.plan_id} | {p.version} | `{p.sha256}` |" for p in manifest.plans]
    out += ["", f"Manifest SHA-256: `{manifest.manifest_sha256}`", "", MARKER, "```json", manifest.to_json(), "```",
            ""]
    return "\n".join(out)
