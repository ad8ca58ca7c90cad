"""Choose a file (or a folder) on this computer by keys alone: the path is typed in one line and the
folder it names is listed below it, narrowed to the names that begin with what follows the last "/".
↑/↓ move in the list, Tab completes the highlighted name, Enter opens a folder or chooses a file,
deleting back past a "/" goes up; ctrl+s chooses the folder shown (folder mode); Esc leaves.
Dismissed with the chosen ``Path``, or None.

    FilePickerDialog("Upload a document", start=Path.home())                # a file
    FilePickerDialog("Save a copy to", start=Path.home(), folder=True)      # a folder
"""

from __future__ import annotations

import os
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui.messages import FolderListed, FolderNotListed
from tui.while_shown import while_shown
from tui.worker_failures import SaysWorkerFailures

UP = ".."
SHOWN_MOST = 400  # entries listed at once; more are reached by typing the start of a name


def size_said(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size} B"


def list_folder(folder: Path) -> tuple[tuple[str, bool, int], ...]:
    """A folder's entries (name, is a folder, size), folders first, each group by name; OSError when
    the folder cannot be read. An entry that vanishes or cannot be looked at is left out."""
    entries = []
    with os.scandir(folder) as found:
        for entry in found:
            try:
                is_folder = entry.is_dir()
                size = 0 if is_folder else entry.stat().st_size
            except OSError:
                continue
            entries.append((entry.name, is_folder, size))
    return tuple(sorted(entries, key=lambda e: (not e[1], e[0].casefold(), e[0])))


class FilePickerDialog(SaysWorkerFailures, ModalScreen[Path | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="file_picker.cancel"),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        Binding("pageup", "move(-10)", "Page up", show=False, priority=True),
        Binding("pagedown", "move(10)", "Page down", show=False, priority=True),
        Binding("tab", "complete", "Complete the name", show=False, priority=True),
        Binding("ctrl+s", "choose_folder", "Choose this folder", id="file_picker.folder"),
    ]
    DEFAULT_CSS = """
    FilePickerDialog { align: center middle; }
    FilePickerDialog > Vertical { width: 80; max-width: 100%; height: auto; max-height: 100%;
                                  border: thick $accent; background: $surface; padding: 0 1; }
    FilePickerDialog .title { text-style: bold; }
    FilePickerDialog #entries { height: auto; max-height: 14; border: none; padding: 0 1; background: $boost; }
    FilePickerDialog #problem { color: $error; height: auto; }
    FilePickerDialog .muted { color: $text-muted; }
    """

    def __init__(self, title: str, start: Path | None = None, *, folder: bool = False, home: Path | None = None,
                 note: str = ""):
        """``start``: the folder first shown (the home folder if not given or not a folder);
        ``folder``: choose a folder, not a file; ``home``: shown as "~" (tests give their own);
        ``note``: a line under the title (what will be done with the file)."""
        super().__init__()
        self.title_text, self.choosing_folder, self.note = title, folder, note
        self.home = (home or Path.home()).resolve()
        self.folder = (start or self.home).expanduser().resolve()  # the folder listed (or being listed)
        self.entries: tuple[tuple[str, bool, int], ...] = ()
        self.shown: list[tuple[str, bool, int]] = []
        self.unlisted = False  # the folder typed could not be listed

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            if self.note:
                yield Static(self.note, classes="muted", id="note")
            yield Input(self.said(self.folder), id="path")
            yield OptionList(id="entries")
            yield Static("", id="problem")
            choose = "[b]ctrl+s[/b] choose this folder" if self.choosing_folder else "[b]Enter[/b] open or choose"
            if self.choosing_folder:
                choose += "  [b]Enter[/b] open"
            yield Static(f"[b]type[/b] a path or the start of a name  [b]↑/↓[/b] move  [b]Tab[/b] complete  "
                         f"{choose}  [b]Esc[/b] cancel", classes="muted")

    @while_shown
    def on_mount(self) -> None:
        path = self.query_one("#path", Input)
        path.focus()
        path.cursor_position = len(path.value)
        self.list_folder(self.folder)

    # -- the path as typed ----------------------------------------------------------------------------

    def said(self, folder: Path) -> str:
        """A folder as shown in the path line, ending in "/", the home folder as "~"."""
        if folder == self.home:
            return "~/"
        if folder.is_relative_to(self.home):
            return f"~/{folder.relative_to(self.home)}/"
        return str(folder).rstrip("/") + "/"

    def typed(self) -> tuple[Path, str]:
        """The folder the path line names and the start of a name typed after its last "/"."""
        value = self.query_one("#path", Input).value
        # A path typed over the one shown starts again where it says: "~/Documents/~/x" is "~/x", and
        # "~/Documents//tmp" is "/tmp" (as a desktop file chooser reads them).
        at_home, at_root = value.rfind("/~/"), value.rfind("//")
        if max(at_home, at_root) >= 0:
            value = value[max(at_home, at_root) + 1:]
        head, slash, name = value.rpartition("/")
        if not slash:
            return self.folder, name
        home = head == "~" or head.startswith("~/")  # "~" is the home shown (a test gives its own)
        folder = self.home / head[2:] if home else Path(head or "/").expanduser()
        if not folder.is_absolute():
            folder = self.folder / folder
        return Path(os.path.normpath(folder)), name

    @on(Input.Changed, "#path")
    @while_shown
    def _path_changed(self, event: Input.Changed) -> None:
        self.query_one("#problem", Static).update("")
        folder, _ = self.typed()
        if folder != self.folder:
            self.folder, self.unlisted = folder, False
            self.entries = ()
            self.list_folder(folder)
        self.show_entries()

    def go_to(self, folder: Path) -> None:
        path = self.query_one("#path", Input)
        path.value = self.said(folder)
        path.cursor_position = len(path.value)

    # -- the listing ------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="list", exit_on_error=False)
    def list_folder(self, folder: Path) -> None:
        try:
            entries = list_folder(folder)
        except FileNotFoundError:
            self.post_message(FolderNotListed(folder, f"There is no folder {folder}."))
            return
        except NotADirectoryError:
            self.post_message(FolderNotListed(folder, f"{folder} is a file, not a folder."))
            return
        except OSError as error:
            reason = "you may not open it" if isinstance(error, PermissionError) else (error.strerror or "refused")
            self.post_message(FolderNotListed(folder, f"casenotes cannot list {folder}: {reason}."))
            return
        self.post_message(FolderListed(folder, entries))

    @on(FolderListed)
    @while_shown
    def _listed(self, message: FolderListed) -> None:
        if message.folder == self.folder:  # not a folder typed past since
            self.entries = message.entries
            self.show_entries()

    @on(FolderNotListed)
    @while_shown
    def _not_listed(self, message: FolderNotListed) -> None:
        if message.folder == self.folder:
            self.entries, self.unlisted = (), True
            self.show_entries()
            self.query_one("#problem", Static).update(message.sentence)

    def show_entries(self) -> None:
        """The entries of the folder that begin with the name typed (hidden ones only once a "." is
        typed; files dimmed when a folder is being chosen), ".." first."""
        _, name = self.typed()
        start = name.casefold()
        shown = [entry for entry in self.entries if entry[0].casefold().startswith(start)
                 and (start.startswith(".") or not entry[0].startswith("."))]
        if self.choosing_folder:
            shown = [entry for entry in shown if entry[1]]
        more = max(0, len(shown) - SHOWN_MOST)
        shown = shown[:SHOWN_MOST]
        if not name and self.folder.parent != self.folder:
            shown.insert(0, (UP, True, 0))
        self.shown = shown
        options = self.query_one("#entries", OptionList)
        options.clear_options()
        options.add_options([Option(self._row(entry)) for entry in shown])
        if more:
            options.add_option(Option(Text(f"{more:,} more: type the start of a name", style="italic"),
                                      disabled=True))
        if shown:  # the first entry of the folder, not "..": Enter on a folder just opened goes on down
            options.highlighted = 1 if shown[0][0] == UP and len(shown) > 1 else 0

    def _row(self, entry: tuple[str, bool, int]) -> Text:
        name, is_folder, size = entry
        if name == UP:
            return Text("../  (up a folder)", style="bold")
        if is_folder:
            return Text(name + "/", style="bold")
        label = name if len(name) <= 60 else name[:59] + "…"
        return Text.assemble(label.ljust(62), (size_said(size).rjust(9), "dim"))

    # -- keys -----------------------------------------------------------------------------------------

    def action_move(self, by: int) -> None:
        options = self.query_one("#entries", OptionList)
        if not self.shown:
            return
        current = options.highlighted if options.highlighted is not None else -1
        options.highlighted = max(0, min(len(self.shown) - 1, current + by))

    def highlighted(self) -> tuple[str, bool, int] | None:
        index = self.query_one("#entries", OptionList).highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def action_complete(self) -> None:
        entry = self.highlighted()
        if entry is None:
            return
        if entry[0] == UP:
            self.go_to(self.folder.parent)
            return
        path = self.query_one("#path", Input)
        path.value = self.said(self.folder) + entry[0] + ("/" if entry[1] else "")
        path.cursor_position = len(path.value)

    @on(Input.Submitted, "#path")
    @while_shown
    def _enter(self, event: Input.Submitted) -> None:
        entry = self.highlighted()
        folder, name = self.typed()
        if entry is None:
            if name:
                self.query_one("#problem", Static).update(
                    f"Nothing in {self.said(folder)} begins with “{name}”.")
            elif self.choosing_folder:
                self.action_choose_folder()
            return
        if entry[0] == UP:
            self.go_to(self.folder.parent)
        elif entry[1]:
            self.go_to(self.folder / entry[0])
        elif not self.choosing_folder:
            self.dismiss(self.folder / entry[0])

    def action_choose_folder(self) -> None:
        if not self.choosing_folder:
            return
        if self.unlisted:
            return  # the folder typed is not there or not readable: what is wrong is said already
        self.dismiss(self.folder)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose_folder":
            return self.choosing_folder
        return True
