"""Search a family's notes (or every family you may read) as you type; Enter opens the note.

The search runs in a worker a moment after typing stops, so typing never waits for it; what you
may see is decided inside search/ with the store's rules.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from store import StoreError
from tui import formatting
from tui.messages import Found, SearchFailed
from tui.while_shown import while_shown
from tui.widgets.key_footer import KeyFooter
from tui.worker_failures import SaysWorkerFailures

TYPING_PAUSE = 0.25  # seconds after the last key before searching
EXAMPLES = ('grandmother "school nurse" · person:Jhon · type:school · after:2026-10-01 · last:30d · '
            'status:returned · visit* · NOT court')


class SearchScreen(SaysWorkerFailures, Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="search.back"),
        Binding("ctrl+o", "toggle_order", "Newest/relevance", id="search.order"),
        Binding("down", "to_results", "Results", show=False, id="search.results"),
    ]
    DEFAULT_CSS = """
    SearchScreen #query { margin: 0 1; }
    SearchScreen #reading { padding: 0 1; height: auto; color: $text-muted; }
    SearchScreen #problem { padding: 0 1; height: auto; color: $warning; }
    SearchScreen OptionList { height: 1fr; }
    """

    def __init__(self, family: int | None = None, family_name: str | None = None):
        super().__init__()
        self.family, self.family_name = family, family_name
        self.order = "newest"
        self.hits = ()
        self._timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        where = f"the {self.family_name} family's notes" if self.family else "the notes of every family you may read"
        yield Input(placeholder=f"Search {where}", id="query")
        yield Static(f"[dim]e.g. {EXAMPLES}[/dim]", id="reading")
        yield Static("", id="problem")
        yield OptionList(id="hits")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def _typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(TYPING_PAUSE, self._search_now)

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        self.action_to_results()

    @while_shown  # also a timer's: the screen may have gone since the last key
    def _search_now(self) -> None:
        text = self.query_one("#query", Input).value
        if text.strip():
            # An agency-wide search of a common word can take seconds: say so until it answers.
            self.query_one("#reading", Static).update(f"Searching for {text!r}…")
            self.run_search(self.app.desk, text, self.order)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, desk, text: str, order: str) -> None:
        try:
            results = self.app.search_index().search(desk, text, family=self.family, order=order)
        except StoreError as error:
            self.post_message(SearchFailed(str(error)))
            return
        except Exception as error:  # the index failed twice (disk full, damaged): say so, keep the app
            self.post_message(SearchFailed(f"The search failed ({type(error).__name__}: {error}); "
                                           "your notes are safe. `casenotes index rebuild` repairs the index."))
            return
        self.post_message(Found(text, order, results))

    @on(SearchFailed)
    @while_shown
    def _refused(self, message: SearchFailed) -> None:
        self.query_one("#reading", Static).update("")
        self.query_one("#problem", Static).update(message.sentence)

    @on(Found)
    @while_shown
    def _show(self, message: Found) -> None:
        text, order, results = message.text, message.order, message.results
        if text != self.query_one("#query", Input).value or order != self.order:
            return  # typing or the order changed meanwhile; a newer search is coming
        self.hits = results.hits
        if results.behind:  # the search left a backlog whole (issue 14, item 6): the app's follower applies it
            self.app.index_soon()
        count = f"{len(results.hits)} shown of about {results.estimated}" if results.hits else "No notes match"
        self.query_one("#reading", Static).update(f"{count} · {self.order} first · reading: {results.shown}")
        said = [f"Showing results for {results.corrected}."] if results.corrected else []
        self.query_one("#problem", Static).update(" ".join(said + [results.problem or ""]).strip())
        options = self.query_one("#hits", OptionList)
        options.clear_options()
        options.add_options(Option(_hit_text(hit, self.app.zone, self.family is None), id=str(hit.note_id))
                            for hit in results.hits)

    def action_to_results(self) -> None:
        options = self.query_one("#hits", OptionList)
        if options.option_count:
            options.highlighted = options.highlighted or 0
            options.focus()

    def action_toggle_order(self) -> None:
        self.order = "relevance" if self.order == "newest" else "newest"
        self._search_now()

    @on(OptionList.OptionSelected, "#hits")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.app.open_note(int(event.option.id))


def _hit_text(hit, zone: str, show_family: bool) -> Text:
    text = Text()
    text.append(formatting.moment(hit.event_at, zone), style="bold")
    text.append(f"  {hit.contact_type} · {hit.author_name} · {hit.status}")
    if show_family:
        text.append(f" · {hit.family_name} {hit.stage_label}", style="italic")
    text.append("\n  ")
    for n, part in enumerate(hit.snippet.replace("»", "«").split("«")):
        text.append(part, style="bold reverse" if n % 2 else "dim")
    return text
