"""The court record as files (issue 19, item 4): the PDF read back with pypdf (names, notes in event
order, hashes, page numbers, NOT APPROVED on every page when asked), the Markdown, a page rendered
to an image, and ``casenotes export --family`` / ``--verify`` with their exit codes."""

from __future__ import annotations

import hashlib
import io
import json
import re
from datetime import timedelta

import pendulum
import pytest
from pypdf import PdfReader, PdfWriter

from store import FrozenClock, Store
from store.core.court_results import MANIFEST_FILE
from tests.conftest import T0, build_agency, visit
from tui.cli import main as cli, sign_in
from tui.export.court_file import read_manifest
from tui.export.court_md import render_markdown
from tui.export.court_pdf import find_fonts, render_pdf

ZONE = "America/New_York"


@pytest.fixture
def agency_db(tmp_path, monkeypatch):
    """(URL, agency, note ids) of a SQLite agency with approved notes, an addendum and a draft; the
    command runs as cw (the OS login)."""
    url = f"sqlite:///{tmp_path / 'agency.db'}"
    clock = FrozenClock(T0)
    store = Store.open(url, clock=clock)
    agency = build_agency(store)
    clock.advance(hours=2)
    cw, sup = store.as_user("cw"), store.as_user("supa")
    ids = []
    long_story = " ".join(["The family talked about school, the new bus route and the weekend visit."] * 40)
    for hours, narrative, present in ((1, "Zoë — seen at home, “happy”.", [agency.jay]),
                                      (3, "Mia at school. " + long_story, [agency.mia]),
                                      (2, "Ana called about the visit.", [agency.ana])):
        note = cw.add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(hours=hours),
                                               narrative=narrative, participants=present))
        cw.submit(note.id)
        sup.approve(note.id)
        ids.append(note.id)
    addendum = cw.add_addendum(ids[0], narrative="Correction: Zoë is the foster sister's name.")
    cw.submit(addendum.id)
    sup.approve(addendum.id)
    draft = cw.add_note(agency.fss, **visit(agency, clock, narrative="A draft not yet sent."))
    store.close()
    monkeypatch.setattr(sign_in, "os_login", lambda: "cw")
    return url, agency, {"zoe": ids[0], "mia": ids[1], "ana": ids[2], "addendum": addendum.id, "draft": draft.id}


def _record(url, **kwargs):
    store = Store.open(url)
    try:
        return store.as_user("cw").court_record(1, **kwargs)  # the Rivera family
    finally:
        store.close()


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_pdf_reads_as_the_record_in_event_order_with_hashes_and_page_numbers(agency_db):
    url, _agency, ids = agency_db
    record = _record(url)
    pdf = render_pdf(record, ZONE)
    pages = _pages(pdf)
    text = "\n".join(pages)
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in page
        assert "Court record of the Rivera family" in page  # the header on every page
        assert "NOT APPROVED" not in page
    order = [text.index(f"Note {ids['mia']} ·"), text.index(f"Note {ids['ana']} ·"), text.index(f"Note {ids['zoe']} ·"),
             text.index(f"Addendum {ids['addendum']} to note {ids['zoe']}")]
    assert order == sorted(order)
    assert f"Note {ids['draft']} ·" not in text
    for name in ("Jay Rivera", "Mia Rivera", "Ana Rivera", "Cara Worker", "Sam Supervisor", "Zoë", "—"):
        assert name in text
    for note in record.notes:
        assert note.sha256 in text.replace("\n", "")
    assert record.manifest.manifest_sha256 in text
    embedded = PdfReader(io.BytesIO(pdf)).attachments[MANIFEST_FILE][0]
    assert json.loads(embedded)["manifest_sha256"] == record.manifest.manifest_sha256


def test_not_approved_is_on_every_page_when_unapproved_notes_are_included(agency_db):
    url, _agency, ids = agency_db
    pages = _pages(render_pdf(_record(url, include_unapproved=True), ZONE))
    assert len(pages) >= 2
    assert all("NOT APPROVED" in page for page in pages)
    assert f"Note {ids['draft']} · version 1 · NOT APPROVED (draft)" in "\n".join(pages)


def test_without_a_unicode_font_the_pdf_prints_plain_text_and_does_not_crash(agency_db):
    url, *_ = agency_db
    text = "\n".join(_pages(render_pdf(_record(url), ZONE, fonts=None)))
    assert "Zoë - seen at home" in text and "Page 1 of" in text


def test_the_markdown_has_the_same_notes_hashes_and_manifest(agency_db, tmp_path):
    url, _, ids = agency_db
    record = _record(url, include_unapproved=True)
    markdown = render_markdown(record, ZONE)
    assert markdown.startswith("# Court record of the Rivera family")
    assert "NOT APPROVED" in markdown and "> Zoë — seen at home, “happy”." in markdown
    assert [int(n) for n in re.findall(r"^#{3,} (?:Note|Addendum) (\d+)", markdown, re.M)] == [
        ids["mia"], ids["ana"], ids["zoe"], ids["addendum"], ids["draft"]]
    for note in record.notes:
        assert f"SHA-256: `{note.sha256}`" in markdown
    (tmp_path / "record.md").write_text(markdown, encoding="utf-8")
    assert read_manifest(tmp_path / "record.md") == record.manifest


def test_a_page_renders_to_an_image(agency_db, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    url, *_ = agency_db
    document = pdfium.PdfDocument(render_pdf(_record(url, include_unapproved=True), ZONE))
    image = document[0].render(scale=1).to_pil()
    assert image.size[0] > 500 and image.convert("L").getextrema()[0] < 100  # a page with dark text on it
    image.save(tmp_path / "page-1.png")


def test_a_unicode_font_is_found_on_this_computer_or_the_plain_one_is_used():
    fonts = find_fonts()
    assert fonts is None or fonts[""].is_file()


# -- the command line ---------------------------------------------------------------------------------

def test_export_family_writes_a_pdf_that_verify_confirms(agency_db, tmp_path, capsys, monkeypatch):
    url, *_ = agency_db
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--db", url, "export", "--family", "1"]) == 0
    said = capsys.readouterr().out
    [path] = list(tmp_path.glob("court-record-Rivera-1-*.pdf"))
    assert f"Wrote the court record of the Rivera family to {path}" in said and "4 notes" in said
    assert cli.main(["--db", url, "export", "--verify", str(path)]) == 0
    assert "4 notes and the manifest match the database" in capsys.readouterr().out
    # Asked again, a second file: never over the first.
    assert cli.main(["--db", url, "export", "--family", "1"]) == 0
    assert len(list(tmp_path.glob("court-record-Rivera-1-*.pdf"))) == 2


def test_verify_fails_after_the_record_changes(agency_db, tmp_path, capsys):
    url, agency, ids = agency_db
    out = tmp_path / "record.pdf"
    assert cli.main(["--db", url, "export", "--family", "1", "--out", str(out)]) == 0
    store = Store.open(url)
    store.as_user("cw").change_person(agency.ana, first_name="Anna")
    store.close()
    capsys.readouterr()
    assert cli.main(["--db", url, "export", "--verify", str(out)]) == 1
    said = capsys.readouterr().out
    assert f"note {ids['ana']} version 3: differs from the database" in said and "3 of 4 notes match" in said


def test_verify_fails_when_the_manifest_in_the_pdf_was_changed(agency_db, tmp_path, capsys):
    url, *_ = agency_db
    out = tmp_path / "record.pdf"
    assert cli.main(["--db", url, "export", "--family", "1", "--out", str(out)]) == 0
    manifest = json.loads(PdfReader(out).attachments[MANIFEST_FILE][0])
    manifest["notes"][0]["sha256"] = hashlib.sha256(b"another narrative").hexdigest()
    writer = PdfWriter(clone_from=PdfReader(out))
    writer._root_object["/Names"].get_object().pop("/EmbeddedFiles")
    writer.add_attachment(MANIFEST_FILE, json.dumps(manifest).encode())
    forged = tmp_path / "forged.pdf"
    with forged.open("wb") as file:
        writer.write(file)
    capsys.readouterr()
    assert cli.main(["--db", url, "export", "--verify", str(forged)]) == 1
    said = capsys.readouterr().out
    assert "differs from the database" in said and "the manifest was changed" in said


def test_verify_of_a_file_without_a_manifest_exits_1_and_a_missing_file_2(agency_db, tmp_path, capsys):
    url, *_ = agency_db
    plain = PdfWriter()
    plain.add_blank_page(612, 792)
    with (tmp_path / "plain.pdf").open("wb") as file:
        plain.write(file)
    assert cli.main(["--db", url, "export", "--verify", str(tmp_path / "plain.pdf")]) == 1
    assert "holds no court record manifest" in capsys.readouterr().err
    (tmp_path / "notes.md").write_text("# Just notes\n")
    assert cli.main(["--db", url, "export", "--verify", str(tmp_path / "notes.md")]) == 1
    assert cli.main(["--db", url, "export", "--verify", str(tmp_path / "nowhere.pdf")]) == 2
    assert "cannot be read" in capsys.readouterr().err


def test_export_markdown_for_a_child_and_a_period(agency_db, tmp_path, capsys):
    url, agency, ids = agency_db
    out = tmp_path / "mia.md"
    day = pendulum.instance(T0 + timedelta(hours=2)).in_timezone(ZONE).format("MM/DD/YYYY")
    assert cli.main(["--db", url, "export", "--family", "1", "--child", str(agency.mia), "--from", day, "--to", day,
                     "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Court record of Mia Rivera, child of the Rivera family" in text and f"Note {ids['mia']}" in text
    assert f"Note {ids['zoe']}" not in text
    assert cli.main(["--db", url, "export", "--verify", str(out)]) == 0


@pytest.mark.parametrize("argv, said", [
    (["export", "--family", "99"], "There is no case number 99."),
    (["export", "--family", "1", "--from", "2026-03-05", "--to", "2026-03-01"], "after its last day"),
    (["export", "--family", "1", "--from", "yesterday"], "not a date casenotes can read"),
    (["export", "--family", "1", "--child", "3"], "There is no child number 3."),
    (["export", "--family", "1", "--verify", "x.pdf"], "not both"),
    (["export"], "export needs a folder"),
])
def test_refusals_exit_2_with_a_sentence(agency_db, capsys, argv, said):
    url, *_ = agency_db
    assert cli.main(["--db", url, *argv]) == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_no_access_exits_2(agency_db, capsys, monkeypatch):
    url, *_ = agency_db
    monkeypatch.setattr(sign_in, "os_login", lambda: "cwb")
    assert cli.main(["--db", url, "export", "--family", "1"]) == 2
    assert "no role in this family" in capsys.readouterr().err


def test_an_existing_out_file_is_never_written_over(agency_db, tmp_path, capsys):
    url, *_ = agency_db
    (tmp_path / "taken.pdf").write_bytes(b"mine")
    assert cli.main(["--db", url, "export", "--family", "1", "--out", str(tmp_path / "taken.pdf")]) == 2
    assert (tmp_path / "taken.pdf").read_bytes() == b"mine"
    assert "never written over" in capsys.readouterr().err


def test_the_csv_export_still_writes_the_agency(agency_db, tmp_path, capsys):
    url, *_ = agency_db
    assert cli.main(["--db", url, "export", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "staff.csv").is_file()


def test_verify_of_a_damaged_pdf_exits_1_with_a_sentence(agency_db, tmp_path, capsys):
    url, *_ = agency_db
    out = tmp_path / "record.pdf"
    assert cli.main(["--db", url, "export", "--family", "1", "--out", str(out)]) == 0
    (tmp_path / "cut.pdf").write_bytes(out.read_bytes()[:3000])
    capsys.readouterr()
    assert cli.main(["--db", url, "export", "--verify", str(tmp_path / "cut.pdf")]) == 1
    err = capsys.readouterr().err
    assert "is not a PDF casenotes can read" in err and "Traceback" not in err


def test_a_record_without_an_approved_plan_prints_none(agency_db):
    url, *_ = agency_db
    record = _record(url)
    assert record.plans == () and "approved plan" not in "\n".join(_pages(render_pdf(record, ZONE)))
