"""Files for trying the advocates' walk in the demo: a court's letter of introduction and a school
report, as plain text (one of the types a child's record accepts), so that a newcomer has something to
choose in the file picker."""

from __future__ import annotations

from pathlib import Path

SAMPLES = {
    "letter-of-introduction.txt": (
        "FAMILY COURT OF THE STATE OF NEW YORK, COUNTY OF KINGS\n\n"
        "Letter of introduction\n\n"
        "This court has appointed Nora Cole, a volunteer of the County CASA Program, as court-appointed\n"
        "special advocate for the child named in the order of appointment (cause number NN-01234-26).\n"
        "Please give the advocate access to the child's record as the programme's guide describes.\n"
    ),
    "school-report.txt": (
        "PS 321 - Report card, first marking period\n\n"
        "Attendance: 41 of 43 days. Reading: meets standards. Mathematics: approaching standards.\n"
        "Teacher's comment: attentive and kind to classmates; would benefit from help with homework.\n"
    ),
}


def write_sample_files(folder: Path) -> Path:
    """Write the sample files into ``folder`` (made if need be) unless they are there; the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in SAMPLES.items():
        path = folder / name
        if not path.exists():
            path.write_text(text, encoding="utf-8")
    return folder
