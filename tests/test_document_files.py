"""What a document must be (issue 18, item 3): read from this computer by ``read_upload`` and
written into a child's record by ``store_document`` (both backends). Its type comes from its bytes."""

from __future__ import annotations

import hashlib
import os

import pytest
from sqlalchemy import func, select

from store.core.errors import InvalidDocument
from store.core.policy import Policy
from store.db.models import Document, Worker
from store.rules.documents import clean_file_name, read_upload, store_document
from tests import document_samples as samples

MB = 1024 * 1024


def test_read_upload_gives_the_name_and_the_bytes(tmp_path):
    path = tmp_path / "school report.pdf"
    path.write_bytes(samples.pdf())
    assert read_upload(path) == ("school report.pdf", samples.pdf())
    assert read_upload(str(path)) == ("school report.pdf", samples.pdf())


def test_read_upload_refuses_a_path_that_does_not_exist(tmp_path):
    with pytest.raises(InvalidDocument, match=r"There is no file at .*missing.pdf"):
        read_upload(tmp_path / "missing.pdf")


def test_read_upload_refuses_a_folder(tmp_path):
    with pytest.raises(InvalidDocument, match=r"is a folder; choose a file in it"):
        read_upload(tmp_path)


def test_read_upload_refuses_an_empty_file(tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(InvalidDocument, match=r"“empty.pdf” is empty"):
        read_upload(tmp_path / "empty.pdf")


def test_read_upload_refuses_26_mb_before_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "big.pdf"
    with path.open("wb") as file:
        file.truncate(26 * MB)  # sparse: nothing written
    most = Policy.load().documents.max_bytes
    opened = []
    monkeypatch.setattr("pathlib.Path.open", lambda *a, **k: opened.append(a) or (_ for _ in ()).throw(AssertionError))
    with pytest.raises(InvalidDocument, match=r"“big.pdf” is 26 MB; casenotes keeps files of at most 25 MB"):
        read_upload(path, most)
    assert opened == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_read_upload_refuses_an_unreadable_file(tmp_path):
    path = tmp_path / "secret.pdf"
    path.write_bytes(samples.pdf())
    path.chmod(0)
    with pytest.raises(InvalidDocument, match=r"you do not have permission to read it"):
        read_upload(path)


@pytest.mark.parametrize("path", [None, 12, b"/tmp/x.pdf", ["x.pdf"]])
def test_read_upload_refuses_what_is_not_a_path(path):
    with pytest.raises(InvalidDocument, match=r"given by its path"):
        read_upload(path)


def test_a_file_name_keeps_only_its_last_part_and_nothing_hidden():
    assert clean_file_name("../../etc/passwd") == "passwd"
    assert clean_file_name("C:\\Users\\cass\\report.pdf") == "report.pdf"
    assert clean_file_name("rep\x00ort\u202e.pdf") == "report.pdf"
    long = clean_file_name("a" * 400 + ".pdf")
    assert len(long) == 255 and long.endswith("….pdf")
    for nothing in ["", "/", "..", "dir/"]:
        with pytest.raises(InvalidDocument, match=r"needs a file name"):
            clean_file_name(nothing)


# -- store_document, on both backends -----------------------------------------------------------

def _store(store, agency, file_name, content, kind="Education portfolio / school records", child=None):
    with store.writing() as session:
        cw = session.scalar(select(Worker).where(Worker.login == "cw"))
        document = store_document(session, case_id=agency.case, child_id=child or agency.jay, kind=kind,
                                  file_name=file_name, content=content, by=cw, now=store.now(), policy=store.policy)
        return document.id, document.content_type, document.sha256, document.size, document.file_name


def _documents(store):
    with store.reading() as session:
        return session.scalar(select(func.count()).select_from(Document))


@pytest.mark.parametrize("file_name", list(samples.ACCEPTED))
def test_each_accepted_type_is_stored_with_its_type_size_and_sha256(store, agency, file_name):
    content, content_type = samples.ACCEPTED[file_name]
    _, stored_type, sha256, size, stored_name = _store(store, agency, file_name, content)
    assert (stored_type, sha256, size, stored_name) == (content_type, hashlib.sha256(content).hexdigest(),
                                                        len(content), file_name)


@pytest.mark.parametrize("file_name, content, said", [
    ("report.pdf", samples.text(), "is named as a PDF, but it is plain text"),
    ("report.pdf", samples.png(), "is named as a PDF, but it is a PNG image"),
    ("report.pdf", samples.executable(), "not a kind of file casenotes keeps: it looks like .*ELF"),
    ("photo.gif", samples.gif(), "not a kind of file casenotes keeps: it looks like Graphics interchange format"),
    ("notes.zip", samples.zip_archive(), "it looks like a ZIP archive"),
    ("portfolio.docx", samples.zip_archive(), "it looks like a ZIP archive"),
    ("blob.bin", b"\x00\x01\x02\x03", "casenotes cannot tell what kind of file it is"),
    ("empty.pdf", b"", "“empty.pdf” is empty"),
])
def test_refused_files_write_nothing(store, agency, file_name, content, said):
    with pytest.raises(InvalidDocument, match=said):
        _store(store, agency, file_name, content)
    assert _documents(store) == 0


def test_26_mb_is_refused(store, agency):
    with pytest.raises(InvalidDocument, match=r"is 26 MB; casenotes keeps files of at most 25 MB"):
        _store(store, agency, "big.pdf", samples.pdf() + b"\x00" * (26 * MB))
    assert _documents(store) == 0


def test_a_kind_not_in_the_policy_is_refused(store, agency):
    with pytest.raises(InvalidDocument, match=r"'Tax return' is not a kind of document in the agency's list"):
        _store(store, agency, "report.pdf", samples.pdf(), kind="Tax return")
    assert _documents(store) == 0


def test_a_document_belongs_to_a_child_of_the_case(store, agency):
    with pytest.raises(InvalidDocument, match=r"not a child of this family's case"):
        _store(store, agency, "report.pdf", samples.pdf(), child=agency.ana)
    with pytest.raises(InvalidDocument, match=r"not a child of this family's case"):
        _store(store, agency, "report.pdf", samples.pdf(), child=10_000)
    assert _documents(store) == 0


def test_the_default_policy_allows_25_mb():
    assert Policy.load().documents.max_bytes == 25 * MB


@pytest.mark.parametrize("file_name, content, said", [
    ("page.html", samples.text(), r"is plain text, but its name ends in \.html.*end in \.txt"),
    ("run.sh", samples.text(), r"ends in \.sh"),
    ("report.exe", samples.pdf(), r"is a PDF, but its name ends in \.exe.*end in \.pdf"),
])
def test_a_name_that_would_open_in_another_program_is_refused(store, agency, file_name, content, said):
    with pytest.raises(InvalidDocument, match=said):
        _store(store, agency, file_name, content)
    assert _documents(store) == 0


@pytest.mark.parametrize("file_name, content, kept", [
    ("scan", samples.pdf(), "scan.pdf"),
    ("Report v1.2", samples.docx(), "Report v1.2.docx"),
    ("notes", samples.text(), "notes.txt"),
    ("photo.JPG", samples.jpeg(), "photo.JPG"),
])
def test_a_name_without_its_types_ending_is_given_it(store, agency, file_name, content, kept):
    assert _store(store, agency, file_name, content)[4] == kept
