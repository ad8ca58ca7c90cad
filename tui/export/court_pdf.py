"""The court record as a PDF (fpdf2): a header and "page N of M" on every page, "NOT APPROVED" on every
page when unapproved notes are included, each note's SHA-256 printed under it, the manifest at the end,
and the manifest embedded as the file ``court-record-manifest.json`` for ``casenotes export --verify``.

Text is set in a Unicode TrueType font found on this computer (DejaVu Sans where installed, or the one
``$CASENOTES_PDF_FONT`` names); without one, in the PDF's built-in Helvetica, where a character outside
Latin-1 is printed as its nearest plain form or "?" (the hashes are of the record, not of the print).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from store.core.court_results import MANIFEST_FILE, CourtRecord
from tui.export import court_words as words

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/share/fonts/TTF",
             "/usr/local/share/fonts", "/Library/Fonts", str(Path.home() / ".local/share/fonts"),
             str(Path.home() / "Library/Fonts"), "C:/Windows/Fonts")
FACES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "mono": "DejaVuSansMono.ttf"}
PLAIN = str.maketrans({"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "·": "·",
                       "•": "-", "\u00a0": " "})
RED = (170, 0, 0)


def find_fonts() -> dict[str, Path] | None:
    """The TrueType faces to embed (regular, bold, mono), or None: the built-in fonts then."""
    named = os.environ.get("CASENOTES_PDF_FONT")
    if named and Path(named).is_file():
        return {"": Path(named), "B": Path(named), "mono": Path(named)}
    for folder in FONT_DIRS:
        regular = Path(folder) / FACES[""]
        if regular.is_file():
            return {face: (Path(folder) / name if (Path(folder) / name).is_file() else regular)
                    for face, name in FACES.items()}
    return None


class _Pages(FPDF):
    def __init__(self, record: CourtRecord, zone: str, fonts: dict[str, Path] | None):
        super().__init__(format="Letter")
        self.record, self.zone, self.unicode = record, zone, fonts is not None
        if fonts:
            self.add_font("Body", "", fonts[""])
            self.add_font("Body", "B", fonts["B"])
            self.add_font("Mono", "", fonts["mono"])
            self.body, self.mono = "Body", "Mono"
        else:
            self.body, self.mono = "helvetica", "courier"
        self.set_auto_page_break(True, margin=18)
        self.set_margins(18, 16, 18)
        self.set_title(words.title(record.header))
        self.set_author(record.header.produced_by_name)
        self.set_creator("casenotes")
        self.set_subject(f"manifest sha256 {record.manifest.manifest_sha256}")

    def t(self, text: str) -> str:
        """Text the font can print."""
        if self.unicode:
            return text
        plain = unicodedata.normalize("NFC", text.translate(PLAIN))
        return plain.encode("latin-1", "replace").decode("latin-1")

    def header(self) -> None:
        h = self.record.header
        self.set_font(self.body, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.t(f"{h.agency} · {words.title(h)} · case {h.case_id}"), new_x=XPos.LMARGIN,
                  new_y=YPos.NEXT)
        if h.unapproved_included:
            self.set_font(self.body, "B", 9)
            self.set_text_color(*RED)
            self.cell(0, 5, self.t(words.NOT_APPROVED), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(0, 0, 0)
        self.set_draw_color(160, 160, 160)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.ln(4)

    def footer(self) -> None:
        h = self.record.header
        self.set_y(-13)
        self.set_font(self.body, "", 8)
        self.set_text_color(90, 90, 90)
        produced = f"Produced {words.when(h.produced_at, self.zone)} by {h.produced_by_name}"
        self.cell(0, 5, self.t(produced), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    # -- blocks ---------------------------------------------------------------------------------------

    def heading(self, text: str, size: float = 12) -> None:
        self.set_font(self.body, "B", size)
        self.multi_cell(0, size * 0.5, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def pairs(self, pairs: list[tuple[str, str]], indent: float = 0) -> None:
        for label, value in pairs:
            self.set_font(self.body, "B", 9)
            left = self.l_margin + indent
            self.set_x(left)
            self.cell(26, 4.6, self.t(label))
            self.set_font(self.body, "", 9)
            self.lines(value, left + 26, 4.6)

    def text_block(self, text: str, indent: float = 0, size: float = 10) -> None:
        self.set_font(self.body, "", size)
        self.lines(text, self.l_margin + indent, size * 0.5)

    def lines(self, text: str, left: float, height: float) -> None:
        """The text wrapped at word boundaries between ``left`` and the right margin, a line per cell
        (page breaks as they come). fpdf2's multi_cell measures each line again for every character
        added, seconds for a family's notes; here each word is measured once."""
        width = self.w - self.r_margin - left
        for line in self.wrapped(self.t(text), width):
            self.set_x(left)
            self.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def wrapped(self, text: str, width: float) -> list[str]:
        measured: dict[str, float] = {}

        def size(word: str) -> float:
            if word not in measured:
                measured[word] = self.get_string_width(word)
            return measured[word]

        space, out = size(" "), []
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                while size(word) > width and len(word) > 1:  # longer than a line: cut where it fills one
                    cut = next((n for n in range(len(word) - 1, 0, -1) if size(word[:n]) <= width), 1)
                    out += [line, word[:cut]] if line else [word[:cut]]
                    line, used, word = "", 0.0, word[cut:]  # noqa: PLW2901 (the rest of the word goes on)
                gap = space if line else 0.0
                if line and used + gap + size(word) > width:
                    out.append(line)
                    line, used = word, size(word)
                else:
                    line, used = (line + " " + word) if line else word, used + gap + size(word)
            out.append(line)
        return out

    def hash_line(self, label: str, value: str, indent: float = 0) -> None:
        self.set_x(self.l_margin + indent)
        self.set_font(self.body, "B", 8)
        self.cell(22, 4.4, label)
        self.set_font(self.mono, "", 8)
        self.cell(0, 4.4, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def render_pdf(record: CourtRecord, zone: str, fonts: dict[str, Path] | None = ...) -> bytes:  # type: ignore[assignment]
    """The court record as PDF bytes. ``zone``: the agency's time zone, for the times shown."""
    pdf = _Pages(record, zone, find_fonts() if fonts is ... else fonts)
    manifest = record.manifest
    pdf.add_page()
    pdf.heading(words.title(record.header), 15)
    pdf.pairs(words.facts(record, zone))
    pdf.ln(2)
    pdf.text_block(words.HOW_TO_VERIFY, size=8)
    pdf.ln(3)
    if record.persons:
        pdf.heading("Persons")
        for person in record.persons:
            born = f", born {person.birth_date:%m/%d/%Y}" if person.birth_date else ""
            pdf.text_block(f"{person.name} — {person.relationship}{born} (person {person.id})", size=9)
        pdf.ln(3)
    for plan in record.plans:
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.heading(words.plan_heading(plan))
        pdf.pairs(words.plan_facts(plan, zone))
        for section in plan.sections:
            pdf.ln(1)
            pdf.set_font(pdf.body, "B", 9.5)
            pdf.multi_cell(0, 4.8, pdf.t(section.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.text_block(section.text or words.NOT_WRITTEN, 4, size=9)
        pdf.hash_line("SHA-256", plan.sha256)
        pdf.ln(4)
    pdf.heading("Notes")
    if not record.notes:
        pdf.text_block("No notes in this period.", size=9)
    for note in record.notes:
        indent = 8.0 * min(note.addendum_depth, 3)
        if pdf.will_page_break(30):
            pdf.add_page()
        pdf.set_x(pdf.l_margin + indent)
        pdf.set_font(pdf.body, "B", 10.5)
        if not note.approved:
            pdf.set_text_color(*RED)
        pdf.multi_cell(0, 5.5, pdf.t(words.note_heading(note)), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)
        pdf.pairs(words.note_fields(note, zone), indent)
        pdf.ln(1)
        pdf.text_block(note.narrative, indent)
        review = words.review_lines(note, zone)
        if review:
            pdf.ln(1)
            pdf.pairs([("Review", "\n".join(review))], indent)
        pdf.hash_line("SHA-256", note.sha256, indent)
        pdf.ln(4)
    pdf.heading("Documents in the record")
    if not record.documents:
        pdf.text_block("No documents.", size=9)
    for document in record.documents:
        withdrawn = f" — WITHDRAWN {words.when(document.withdrawn_at, zone)}: {document.withdrawal_reason}" \
            if document.withdrawn_at else ""
        pdf.text_block(f"{words.when(document.uploaded_at, zone)} · {document.child_name} · {document.kind} · "
                       f"{document.file_name} · uploaded by {document.uploaded_by_name}{withdrawn}", size=9)
    pdf.ln(3)
    if pdf.will_page_break(40):
        pdf.add_page()
    pdf.heading("Manifest")
    pdf.text_block("The notes of this record in order, each with its version and SHA-256:", size=9)
    for entry in manifest.entries:
        pdf.hash_line(f"{entry.note_id} v{entry.version}", entry.sha256)
    if manifest.plans:
        pdf.text_block("The plans of this record, each with its version and SHA-256:", size=9)
        for plan_entry in manifest.plans:
            pdf.hash_line(f"plan {plan_entry.plan_id} v{plan_entry.version}", plan_entry.sha256)
    pdf.ln(2)
    pdf.hash_line("Manifest", manifest.manifest_sha256)
    pdf.embed_file(bytes=manifest.to_json().encode("utf-8"), basename=MANIFEST_FILE, mime_type="application/json",
                   desc="The court record's manifest: note numbers, versions, SHA-256 hashes and the manifest hash")
    return bytes(pdf.output())
