"""``casenotes upload --child ID --kind KIND FILE`` (issue 18, item 3): exit codes and sentences."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from store import Store
from tests import document_samples as samples
from tests.conftest import build_agency
from tui.cli import main as cli, sign_in
from tui.cli.upload import find_kind

MB = 1024 * 1024


@pytest.fixture
def agency_db(tmp_path, monkeypatch):
    """(URL, agency) of a SQLite agency database; the command runs as cw (the OS login)."""
    url = f"sqlite:///{tmp_path / 'agency.db'}"
    store = Store.open(url)
    built = build_agency(store)
    store.close()
    monkeypatch.setattr(sign_in, "os_login", lambda: "cw")
    return url, built


def _documents(url):
    store = Store.open(url)
    with store.write_engine.connect() as conn:
        rows = conn.execute(text("SELECT person_id, kind, file_name, content_type FROM documents")).all()
    store.close()
    return rows


def test_a_file_is_kept_in_the_childs_record(agency_db, tmp_path, capsys):
    url, agency = agency_db
    (tmp_path / "report.pdf").write_bytes(samples.pdf())
    assert cli.main(["--db", url, "upload", "--child", str(agency.jay), "--kind", "school",
                     str(tmp_path / "report.pdf")]) == 0
    said = capsys.readouterr().out
    assert "Kept report.pdf" in said and "Jay Rivera's record" in said and "Education portfolio" in said
    assert _documents(url) == [(agency.jay, "Education portfolio / school records", "report.pdf", "application/pdf")]


@pytest.mark.parametrize("name, content, code, said", [
    ("missing.pdf", None, 1, "There is no file at"),
    ("empty.pdf", b"", 1, "“empty.pdf” is empty"),
    ("big.pdf", "26 MB", 1, "is 26 MB; casenotes keeps files of at most 25 MB"),
    ("report.pdf", samples.text(), 1, "is named as a PDF, but it is plain text"),
    ("program.pdf", samples.executable(), 1, "not a kind of file casenotes keeps"),
])
def test_a_refused_file_exits_1_and_writes_nothing(agency_db, tmp_path, capsys, name, content, code, said):
    url, agency = agency_db
    path = tmp_path / name
    if content == "26 MB":
        with path.open("wb") as file:
            file.truncate(26 * MB)
    elif content is not None:
        path.write_bytes(content)
    assert cli.main(["--db", url, "upload", "--child", str(agency.jay), "--kind", "Legal document", str(path)]) == code
    assert said in capsys.readouterr().err
    assert _documents(url) == []


def test_a_folder_is_refused(agency_db, tmp_path, capsys):
    url, agency = agency_db
    assert cli.main(["--db", url, "upload", "--child", str(agency.jay), "--kind", "legal", str(tmp_path)]) == 1
    assert "is a folder; choose a file in it" in capsys.readouterr().err


def test_an_unknown_kind_lists_the_agencys_kinds(agency_db, tmp_path, capsys):
    url, agency = agency_db
    (tmp_path / "report.pdf").write_bytes(samples.pdf())
    assert cli.main(["--db", url, "upload", "--child", str(agency.jay), "--kind", "tax return",
                     str(tmp_path / "report.pdf")]) == 2
    err = capsys.readouterr().err
    assert "'tax return' is not one of the agency's kinds" in err and "Birth certificate" in err
    assert _documents(url) == []


def test_no_access_or_no_child_exits_2(agency_db, tmp_path, capsys, monkeypatch):
    url, agency = agency_db
    (tmp_path / "report.pdf").write_bytes(samples.pdf())
    assert cli.main(["--db", url, "upload", "--child", str(agency.ana), "--kind", "legal",
                     str(tmp_path / "report.pdf")]) == 2
    assert "There is no child number" in capsys.readouterr().err
    monkeypatch.setattr(sign_in, "os_login", lambda: "cwb")
    assert cli.main(["--db", url, "upload", "--child", str(agency.jay), "--kind", "legal",
                     str(tmp_path / "report.pdf")]) == 2
    assert "You have no role in this family's case" in capsys.readouterr().err
    assert _documents(url) == []


def test_kinds_are_found_by_a_few_of_their_words():
    kinds = ("Photo of the child", "Birth certificate", "Birth and hospital records", "Legal document")
    assert find_kind("legal document", kinds) == "Legal document"
    assert find_kind("photo", kinds) == "Photo of the child"
    assert find_kind("birth", kinds) == ["Birth certificate", "Birth and hospital records"]
    assert find_kind("birth cert", kinds) == "Birth certificate"
    assert find_kind("x-ray", kinds) == []
