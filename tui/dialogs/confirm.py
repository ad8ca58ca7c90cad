"""A question with a few answers, each on a key; dismissed with the chosen answer's key."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmDialog(ModalScreen[str]):
    """``ConfirmDialog("Unsaved changes", "…", {"s": "Save and close", "d": "Discard", "escape": "Keep editing"})``"""

    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 70; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    ConfirmDialog .title { text-style: bold; margin-bottom: 1; }
    ConfirmDialog .answers { margin-top: 1; color: $text-muted; }
    ConfirmDialog.-listed > Vertical { width: 78; max-width: 100%; }
    ConfirmDialog.-listed .answers { color: $text; }
    """

    def __init__(self, title: str, question: str, answers: dict[str, str], *, listed: bool = False):
        """``listed``: one answer a line, for answers that say what they do in a sentence."""
        super().__init__(classes="-listed" if listed else None)
        self.title_text, self.question, self.answers, self.listed = title, question, answers, listed
        for key in answers:
            self._bindings.bind(key, f"answer('{key}')", answers[key], show=False)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="title")
            yield Static(self.question, id="question")
            keys = ("\n" if self.listed else "   ").join(
                f"[b]{'Esc' if k == 'escape' else k}[/b] {label}" for k, label in self.answers.items())
            yield Static(keys, classes="answers")

    def action_answer(self, key: str) -> None:
        self.dismiss(key)

