"""The command line on a database it cannot open: ``casenotes: <one sentence>`` on standard error, no
traceback, a non-zero exit, for the app and every sub-command that opens a database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from store import Store
from tests.test_opening import agency_file, read_only_file, read_only_folder, shared_dir, unprivileged  # noqa: F401
from tui.cli import main as cli

COMMANDS = {
    "app": [],
    "demo": ["demo", "--no-open"],
    "search": ["search", "grandmother"],
    "index": ["index", "check"],
    "timeliness": ["timeliness"],
}


@pytest.fixture(autouse=True)
def no_app(monkeypatch):
    """A database that opened by mistake must fail the test, not start the full-screen app."""
    def refuse(*args):
        raise AssertionError("the app was started")

    monkeypatch.setattr(cli, "_run_app", refuse)


def said(capsys, argv: list[str]) -> str:
    """Run the command; it must exit non-zero with one ``casenotes:`` line and no traceback. The line."""
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code != 0, err
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("casenotes: "), err
    return lines[0].removeprefix("casenotes: ")


def garbage(tmp_path: Path) -> str:
    path = tmp_path / "garbage.db"
    path.write_bytes(b"not a database at all " * 200)
    return f"sqlite:///{path}"


def truncated(tmp_path: Path) -> str:
    path = agency_file(tmp_path / "agency.db")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return f"sqlite:///{path}"


def folder(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}"


def empty(tmp_path: Path) -> str:
    (tmp_path / "empty.db").touch()
    return f"sqlite:///{tmp_path / 'empty.db'}"


def newer(tmp_path: Path) -> str:
    path = agency_file(tmp_path / "agency.db")
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    conn.close()
    return f"sqlite:///{path}"


CASES = {
    "garbage file": (garbage, "is not a SQLite database"),
    "truncated file": (truncated, "is damaged (cut short or overwritten)"),
    "a folder": (folder, "is a folder, not a database file"),
    "zero bytes": (empty, "is empty (0 bytes)"),
    "newer schema": (newer, "was made by a newer casenotes"),
    "unreachable PostgreSQL": (lambda _: "postgresql://nouser@127.0.0.1:1/x",
                               "Cannot reach the PostgreSQL database 'x' on 127.0.0.1:1 (Connection refused)"),
    "not a URL": (lambda _: "not a url", "'not a url' is not a database address"),
    "backend not installed": (lambda _: "mysql://agency@db.example/casenotes", "not in 'mysql'"),
    "unknown driver": (lambda _: "postgresql+nosuchdriver://a@b/c", "'postgresql+nosuchdriver' is not one"),
}


@pytest.mark.parametrize("case", CASES)
def test_search_on_a_database_it_cannot_open_says_why(case, tmp_path, capsys):
    make, says = CASES[case]
    assert says in said(capsys, ["--db", make(tmp_path), "search", "foo"])


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", ["garbage file", "zero bytes", "unreachable PostgreSQL", "not a URL",
                                  "backend not installed"])
def test_every_command_says_why_in_one_sentence(case, command, tmp_path, capsys):
    make, says = CASES[case]
    assert says in said(capsys, ["--db", make(tmp_path), *COMMANDS[command]])


def test_policy_opens_no_database_so_a_bad_one_does_not_stop_it(tmp_path, capsys):
    assert cli.main(["--db", garbage(tmp_path), "policy"]) == 0
    assert "Record each contact within" in capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_on_a_read_only_file_or_folder(command, shared_dir, capsys):  # noqa: F811
    file, locked_folder = read_only_file(shared_dir), read_only_folder(shared_dir)
    with unprivileged():
        on_file = said(capsys, ["--db", f"sqlite:///{file}", *COMMANDS[command]])
        on_folder = said(capsys, ["--db", f"sqlite:///{locked_folder}", *COMMANDS[command]])
    assert on_file.startswith(f"The database file {file} is read-only for you")
    assert on_folder.startswith(f"The folder {locked_folder.parent} is read-only for you")


def test_a_database_locked_at_start(tmp_path, capsys, monkeypatch):
    path = agency_file(tmp_path / "agency.db")
    opened = Store.open
    monkeypatch.setattr(Store, "open", classmethod(lambda cls, url=None, **kw: opened(url, busy_seconds=0.2, **kw)))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        for command in COMMANDS.values():
            assert "has been held by another program for over 0.2 s" in said(
                capsys, ["--db", f"sqlite:///{path}", *command])
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_the_default_database_in_an_unwritable_home(shared_dir, capsys, monkeypatch):  # noqa: F811
    home = shared_dir / "home"
    home.mkdir()
    home.chmod(0o555)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    with unprivileged():
        sentence = said(capsys, ["search", "foo"])
    assert sentence.startswith(f"Cannot make casenotes' data folder ({home / '.local'}: Permission denied)")
