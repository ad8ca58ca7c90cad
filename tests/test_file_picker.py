"""The keyboard-driven file picker (issue 18, item 3): typed path, narrowed listing, Tab, Enter,
going up and down folders, choosing a folder, and its look at 80x24 and 120x40."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Input

from tests.settling import home_shown, until
from tests.test_flows import first_caseworker, settle
from tui.app import CasenotesApp
from tui.dialogs.file_picker import FilePickerDialog
from tui.worker_failures import SaysWorkerFailures


def a_home(tmp_path: Path) -> Path:
    """A home folder with a few folders and files of known sizes."""
    home = tmp_path / "home"
    for folder in ["Documents/School", "Documents/Medical", "Downloads", ".cache"]:
        (home / folder).mkdir(parents=True)
    for name, size in [("report card.pdf", 12_400), ("notes.txt", 800), (".profile", 10),
                       ("Documents/School/report card autumn.pdf", 2_500_000), ("Documents/School/photo.jpg", 90_000),
                       ("Documents/immunisations.png", 4_000)]:
        (home / name).write_bytes(b"x" * size)
    return home


class Host(SaysWorkerFailures, App[None]):
    """An app with nothing but the dialog, which keeps what it was dismissed with."""

    def __init__(self, dialog: FilePickerDialog):
        super().__init__()
        self.dialog, self.chosen = dialog, "not yet"

    def on_mount(self) -> None:
        self.push_screen(self.dialog, callback=lambda value: setattr(self, "chosen", value))


def pick(dialog: FilePickerDialog, keys: list[str]) -> tuple[object, str]:
    """Press the keys in the dialog; what it was dismissed with, and the path line then."""
    host = Host(dialog)

    async def run():
        async with host.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            for key in keys:
                if len(key) > 1 and key not in {"enter", "tab", "up", "down", "escape", "backspace", "ctrl+s",
                                                "pageup", "pagedown"}:
                    for char in key:
                        await pilot.press(char)
                else:
                    await pilot.press(key)
                await settle(pilot)
            shown = dialog.query_one("#path", Input).value if dialog.is_attached else ""
            return host.chosen, shown
    return asyncio.run(run())


def test_enter_chooses_the_highlighted_file_after_typing_its_start(tmp_path):
    home = a_home(tmp_path)
    chosen, _ = pick(FilePickerDialog("Upload", home=home), ["rep", "enter"])
    assert chosen == home / "report card.pdf"


def test_folders_are_opened_by_enter_and_tab_completes(tmp_path):
    home = a_home(tmp_path)
    chosen, _ = pick(FilePickerDialog("Upload", home=home), ["Doc", "enter", "Sch", "tab", "ph", "enter"])
    assert chosen == home / "Documents/School/photo.jpg"


def test_arrows_move_and_up_a_folder_goes_back(tmp_path):
    home = a_home(tmp_path)
    start = home / "Documents/School"
    # in School: ".." then photo.jpg, report card autumn.pdf; down from photo.jpg is the report
    chosen, _ = pick(FilePickerDialog("Upload", start=start, home=home), ["down", "enter"])
    assert chosen == start / "report card autumn.pdf"
    chosen, shown = pick(FilePickerDialog("Upload", start=start, home=home), ["up", "enter"])
    assert (chosen, shown) == ("not yet", "~/Documents/")


def test_deleting_back_past_a_slash_lists_the_folder_above(tmp_path):
    home = a_home(tmp_path)
    chosen, _ = pick(FilePickerDialog("Upload", start=home / "Documents", home=home),
                         ["backspace", "backspace", "backspace", "backspace", "backspace", "backspace", "backspace",
                          "backspace", "backspace", "backspace", "no", "enter"])
    assert chosen == home / "notes.txt"


def test_a_whole_path_can_be_typed(tmp_path):
    home = a_home(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "letter.pdf").write_bytes(b"%PDF-1.4")
    dialog = FilePickerDialog("Upload", home=home)
    host = Host(dialog)

    async def run():
        async with host.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            dialog.query_one("#path", Input).value = f"{elsewhere}/let"
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
    asyncio.run(run())
    assert host.chosen == elsewhere / "letter.pdf"


@pytest.mark.parametrize("typed", ["~/Documents/School/", "/elsewhere/"])
def test_a_path_typed_over_the_one_shown_starts_again_where_it_says(tmp_path, typed):
    """The line starts as "~/": typing "~/…" or "/…" after it (as the README tells a newcomer to type the
    demo's folder) goes there, not to "~/~/…"."""
    home = a_home(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "letter.pdf").write_bytes(b"%PDF-1.4")
    start, name, wanted = ((typed, "pho", home / "Documents/School/photo.jpg") if typed.startswith("~")
                           else (f"{elsewhere}/", "let", elsewhere / "letter.pdf"))
    chosen, _shown = pick(FilePickerDialog("Upload", home=home), [start, name, "enter"])
    assert chosen == wanted


def test_hidden_entries_show_only_once_a_dot_is_typed(tmp_path):
    home = a_home(tmp_path)
    dialog = FilePickerDialog("Upload", home=home)
    host = Host(dialog)

    async def run():
        async with host.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            before = [entry[0] for entry in dialog.shown]
            await pilot.press(".")
            await settle(pilot)
            return before, [entry[0] for entry in dialog.shown]
    before, after = asyncio.run(run())
    assert before == ["..", "Documents", "Downloads", "notes.txt", "report card.pdf"]
    assert after == [".cache", ".profile"]


def test_a_folder_that_is_not_there_is_said_and_nothing_chosen(tmp_path):
    home = a_home(tmp_path)
    dialog = FilePickerDialog("Save a copy to", home=home, folder=True)
    host = Host(dialog)

    async def run():
        async with host.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            dialog.query_one("#path", Input).value = "~/Nowhere/"
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
            return str(dialog.query_one("#problem").render())
    said = asyncio.run(run())
    assert "There is no folder" in said and "Nowhere" in said
    assert host.chosen == "not yet"


def test_choosing_a_folder_lists_only_folders_and_ctrl_s_takes_the_one_shown(tmp_path):
    home = a_home(tmp_path)
    dialog = FilePickerDialog("Save a copy to", home=home, folder=True)
    chosen, _ = pick(dialog, ["Doc", "enter", "ctrl+s"])
    assert chosen == home / "Documents"
    assert [entry[0] for entry in dialog.shown] == ["..", "Medical", "School"]


def test_escape_chooses_nothing(tmp_path):
    chosen, _ = pick(FilePickerDialog("Upload", home=a_home(tmp_path)), ["rep", "escape"])
    assert chosen is None


@pytest.mark.parametrize("size, folder", [((120, 40), False), ((80, 24), False), ((80, 24), True)])
def test_file_picker_snapshot(snap_compare, demo_store, tmp_path, size, folder):
    home = a_home(tmp_path)
    app = CasenotesApp(demo_store, first_caseworker(demo_store), home=tmp_path / "app", indexing=False)

    async def run_before(pilot):
        await home_shown(pilot)  # a dialog pushed before the home screen would end up under it
        dialog = FilePickerDialog("Save a copy to" if folder else "Upload a document for Jay", home=home,
                                  start=home / "Documents" if folder else home, folder=folder,
                                  note="" if folder else "The file is checked and kept in the child's record.")
        app.push_screen(dialog)
        await until(pilot, lambda: bool(dialog.entries), "the folder's entries")
        if not folder:
            await pilot.press("r")
            await settle(pilot)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
