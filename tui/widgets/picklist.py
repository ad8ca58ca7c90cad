"""Keyboard pick lists for the agency's picklists: contact type, method, location, purposes.

`Picklist` takes one value: type to narrow (every typed word must match; "cw child" and the
initials "cwc" both find "Caseworker/Child Contact"), a digit 1-9 picks the value of that number,
↑/↓ and Enter pick the highlighted row, and focus moves on to the next field. `MultiPicklist` takes
several: digits or Space tick rows, typed letters move to the best match and Enter ticks it.

Each value's number is its place in the agency's list, the same in every note and while narrowing
(typing "cw" still shows "7 Caseworker/Child Contact"), so a caseworker's fingers learn them; values
past the ninth have no digit and are found by typing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

NONE = "— none —"
SHORTHAND = {"caseworker": "cw"}  # how caseworkers abbreviate a word: "cw child", initials "cwc"
_WORD = re.compile(r"[^\W_]+")  # letters and digits; "/", spaces and other punctuation separate words


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def match_rank(query: str, option: str) -> int | None:
    """How well `option` matches `query`, lower is better; None unless every typed word matches.

    A typed word matches a word of the option it is part of ("child", "ork"), a shorthand
    ("cw" for caseworker), or the initials of the whole option ("cwc"). The rank is the option word
    the first typed word hits, so "cw child" puts "Caseworker/Child Contact" before
    "Child Care Worker/Caseworker Contact (RTC)".
    """
    words = _words(option)
    initials = "".join(SHORTHAND.get(w, w[:1]) for w in words)
    rank = None
    for typed in _words(query):
        hits = [n for n, w in enumerate(words) if typed in w or typed in SHORTHAND.get(w, "")]
        if initials.startswith(typed):
            hits.insert(0, 0)
        if not hits:
            return None
        rank = hits[0] if rank is None else rank
    return rank or 0


def numbered(number: int, text: str) -> Content:
    """An option's prompt: its number (1-9; later values get a blank) and its text."""
    return Content.assemble((f"{number} " if number <= 9 else "  ", "$foreground-muted"), text)


class _Filter(Input):
    """The Picklist's Input: hands digits, ↑/↓ and Enter to the Picklist before typing them."""

    async def _on_key(self, event: events.Key) -> None:
        picklist = self.parent
        if isinstance(picklist, Picklist) and picklist.handle_filter_key(event.key, event.character):
            event.stop()
            event.prevent_default()  # Input._on_key does not run, and the key is not bound.


class _Options(OptionList, can_focus=False):
    """The Picklist's rows: never focused, picked on mouse press.

    Pressing the mouse may focus a scrolling container (so the Input blurs and the rows hide)
    before the click arrives; the press still lands here, so it picks.
    """

    def _on_mouse_down(self, event: events.MouseDown) -> None:
        index = event.style.meta.get("option")
        if event.button == 1 and index is not None:
            self.highlighted = index
            self.action_select()

    def _on_click(self, event: events.Click) -> None:
        event.prevent_default()  # the press already picked


class Picklist(Widget, can_focus=False):
    """One value from a list: type to narrow, number keys 1-9 pick, ↑/↓ move, Enter picks."""

    DEFAULT_CSS = """
    Picklist {
        height: auto;
        & > .picklist--options {
            display: none;
            height: auto;
            max-height: 7;
            border: none;
            padding: 0 2;  /* the numbers line up with the typed text */
            margin: 0 1;
            background: $boost;
        }
        &.-open > .picklist--options { display: block; }
    }
    """

    class Changed(Message):
        """The value changed, by a pick or by setting `value`."""

        def __init__(self, picklist: Picklist, value: str | None) -> None:
            super().__init__()
            self.picklist = picklist
            self.value = value

        @property
        def control(self) -> Picklist:
            return self.picklist

    def __init__(self, label: str, choices: Sequence[str], *, value: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.label = label
        self.choices = tuple(dict.fromkeys(choices))
        self.numbers = {choice: n for n, choice in enumerate(self.choices, 1)}  # never renumbered
        self.shown: tuple[str, ...] = self.choices  # the rows on show, best match first
        self._value = value
        self._moved = False  # ↑/↓ since the text last changed
        self._heading = Label(classes="picklist--heading")
        self._filter = _Filter(placeholder="type to narrow, 1-9 to pick", classes="picklist--filter")
        self._options = _Options(classes="picklist--options")
        self._show_value()

    def compose(self) -> ComposeResult:
        yield self._heading
        yield self._filter
        yield self._options

    def on_mount(self) -> None:
        self._narrow()

    @property
    def value(self) -> str | None:
        return self._value

    @value.setter
    def value(self, value: str | None) -> None:
        if value == self._value:
            return
        self._value = value
        self._show_value()
        if not self._filter.value and self.is_mounted:
            self._narrow()  # highlight the new value
        self.post_message(self.Changed(self, value))

    def _show_value(self) -> None:
        shown = (self._value, "not bold") if self._value is not None else (NONE, "not bold italic $foreground-muted")
        self._heading.update(Content.assemble((self.label, "bold"), "  ", shown))

    def _narrow(self) -> None:
        """Show the rows matching the typed text, best first, and highlight the likely pick."""
        text = self._filter.value
        ranked = sorted((rank, n) for n, option in enumerate(self.choices)
                        if (rank := match_rank(text, option)) is not None)
        self.shown = tuple(self.choices[n] for _, n in ranked)
        self._options.set_options(Option(numbered(self.numbers[option], option)) for option in self.shown)
        keep = not text.strip() and self._value in self.shown
        self._options.highlighted = self.shown.index(self._value) if keep else 0 if self.shown else None
        self._moved = False

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._narrow()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter is handled before the Input sees it; never let it out

    def on_descendant_focus(self) -> None:
        self._filter.value = ""  # every visit starts from the whole list
        self.add_class("-open")

    def on_descendant_blur(self) -> None:
        self.remove_class("-open")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._pick(self.shown[event.option_index])

    def handle_filter_key(self, key: str, character: str | None) -> bool:
        """React to a key pressed in the Input; True if it was used here (so it is not typed)."""
        text = self._filter.value
        if character is not None and character in "123456789" and not any(c.isdigit() for c in text):
            number = int(character)
            if number <= len(self.choices) and self.choices[number - 1] in self.shown:
                self._pick(self.choices[number - 1])
            else:
                self.app.bell()  # no such number, or narrowed away: what is on show is what a digit picks
            return True
        if key in ("up", "down"):
            if self.shown:
                getattr(self._options, f"action_cursor_{key}")()
                self._moved = True
            return True
        if key == "enter":
            if not text.strip() and self._value is not None and not self._moved:
                self._next()  # keep the value
            elif self._options.highlighted is not None:
                self._pick(self.shown[self._options.highlighted])
            else:
                self.app.bell()  # nothing matches
            return True
        return False

    def _pick(self, option: str) -> None:
        self.value = option
        self._filter.value = ""
        self._next()

    def _next(self) -> None:
        """Focus the field after this one (after a click the scrolling form may have taken focus)."""
        if self.screen.focused is not self._filter:
            self.screen.set_focus(self._filter, scroll_visible=False)
        self.screen.focus_next()


class MultiPicklist(Widget):
    """Several values: number keys or Space toggle; typed letters highlight the best match, Enter toggles it."""

    DEFAULT_CSS = """
    MultiPicklist {
        height: auto;
        & > SelectionList { height: auto; max-height: 9; }
    }
    """
    BINDINGS = [Binding(str(n), f"toggle_number({n})", show=False) for n in range(1, 10)]

    class Changed(Message):
        """The ticked values changed, by a key or by setting `values`."""

        def __init__(self, picklist: MultiPicklist, values: tuple[str, ...]) -> None:
            super().__init__()
            self.picklist = picklist
            self.values = values

        @property
        def control(self) -> MultiPicklist:
            return self.picklist

    def __init__(self, label: str, choices: Sequence[str], *, values: Sequence[str] = (),
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.label = label
        self.choices = tuple(dict.fromkeys(choices))
        self._values = self._in_order(values)
        self._typed = ""  # letters typed to find a value past the digits
        self._heading = Label(Content.styled(label, "bold"), classes="picklist--heading")
        self._list: SelectionList[str] = SelectionList(
            *(Selection(numbered(n, choice), choice, choice in self._values, id=choice)
              for n, choice in enumerate(self.choices, 1)))

    def compose(self) -> ComposeResult:
        yield self._heading
        yield self._list

    @property
    def values(self) -> tuple[str, ...]:
        return self._values

    @values.setter
    def values(self, values: Sequence[str]) -> None:
        values = self._in_order(values)
        if values == self._values:
            return
        self._values = values
        with self.prevent(SelectionList.SelectedChanged):
            self._list.deselect_all()
            for value in values:
                self._list.select(value)
        self.post_message(self.Changed(self, values))

    def replace_choices(self, choices: Sequence[str], values: Sequence[str]) -> None:
        """New choices (numbered afresh) with ``values`` ticked among them; says Changed if the ticked
        values changed."""
        self.choices = tuple(dict.fromkeys(choices))
        self._list.clear_options()
        self._list.add_options([Selection(numbered(n, choice), choice, id=choice)
                                for n, choice in enumerate(self.choices, 1)])
        self._values = ()
        self.values = values

    def _in_order(self, values: Iterable[str]) -> tuple[str, ...]:
        wanted = set(values)
        return tuple(c for c in self.choices if c in wanted)

    def action_toggle_number(self, number: int) -> None:
        if number <= self._list.option_count:
            self._list.highlighted = number - 1
            self._list.toggle(self._list.get_option_at_index(number - 1))
        else:
            self.app.bell()

    def on_key(self, event: events.Key) -> None:
        """Letters find a value (the tenth and later have no digit): "ref" highlights Referral. Once
        letters are typed a Space is part of what is found ("life skills", as one types a title), and
        Enter ticks what it found; a Space with nothing typed ticks the highlighted value."""
        if event.key == "backspace" and self._typed:
            self._find(self._typed[:-1])
        elif event.character and event.is_printable and event.character.isalpha():
            self._find(self._typed + event.character)
        elif event.key == "space" and self._typed and not self._typed.endswith(" "):
            self._typed += " "
            self._show_typed()
        else:
            return
        event.stop()
        event.prevent_default()

    def _find(self, typed: str) -> None:
        ranked = sorted((rank, n) for n, choice in enumerate(self.choices)
                        if (rank := match_rank(typed, choice)) is not None)
        if not ranked:
            self.app.bell()  # nothing starts that way: the letter is not taken
            return
        self._typed = typed
        self._list.highlighted = ranked[0][1]
        self._show_typed()

    def _show_typed(self) -> None:
        typed = (f"  {self._typed}…  Enter ticks", "$foreground-muted") if self._typed else ""
        self._heading.update(Content.assemble((self.label, "bold"), typed))

    def on_descendant_focus(self) -> None:
        self._typed = ""
        self._show_typed()

    def on_descendant_blur(self) -> None:
        self._typed = ""
        self._show_typed()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self._typed = ""  # the next letters look for the next value
        self._show_typed()
        values = self._in_order(self._list.selected)
        if values != self._values:
            self._values = values
            self.post_message(self.Changed(self, values))
