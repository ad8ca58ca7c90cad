"""The pick lists: numbers fixed by the agency's order, narrowing, picking by digit, arrows, Enter and
mouse, focus moving on, Changed messages, and the multi-value list for purposes."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, SelectionList

from tui.widgets.picklist import MultiPicklist, Picklist, match_rank

CONTACTS = ["72 Hour Conference", "30 Day Conference", "Birth Parent/Child Contact", "Birth Parent/Caseworker Contact",
            "Child Care Worker/Caseworker Contact (RTC)", "Collateral (attorney, law guardian, therapist, ACS …)",
            "Caseworker/Child Contact", "Sibling Visit", "Caseworker/Discharge Resource Contact (non-birth-parent)",
            "Foster Home Visit", "Caseworker/Foster Parent Contact", "School Contact", "Theme of the Month",
            "Service Plan Review", "Court Appearance", "Case Conference (internal or with ACS)", "Attempted Contact",
            "Supervisory Conference"]
METHODS = ["Face to face", "Telephone", "Video", "Written/letter", "Email/text", "Attempted – no contact"]
PURPOSES = ["Safety", "Well-being", "Permanency planning", "Service planning", "Visitation", "Education",
            "Health/medical", "Court", "Discharge planning", "Engagement", "Referral", "Other"]
SIZE = (100, 30)


class Harness(App):
    """The three pickers and an Input after them, in a scrolling form like the note editor's."""

    def __init__(self, *, method: str | None = None) -> None:
        super().__init__()
        self.method = method
        self.changes: list[tuple[str, object]] = []

    def compose(self) -> ComposeResult:
        self.contact = Picklist("Contact type", CONTACTS, id="contact")
        self.method_picker = Picklist("Method", METHODS, value=self.method, id="method")
        self.purposes = MultiPicklist("Purposes", PURPOSES, id="purposes")
        with VerticalScroll():
            yield self.contact
            yield self.method_picker
            yield self.purposes
            yield Input(id="after")

    def on_mount(self) -> None:
        self.query_one("#contact Input").focus()

    def on_picklist_changed(self, event: Picklist.Changed) -> None:
        self.changes.append((event.picklist.id, event.value))

    def on_multi_picklist_changed(self, event: MultiPicklist.Changed) -> None:
        self.changes.append((event.picklist.id, event.values))


def drive(app: Harness, steps) -> None:
    """Run `steps(pilot)` in the app, settled before and after."""

    async def run():
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await steps(pilot)
            await pilot.pause()

    asyncio.run(run())


async def type_(pilot, text: str) -> None:
    await pilot.press(*("space" if c == " " else c for c in text))


def where(app: Harness) -> str | None:
    """The id of the picker (or the Input) that has focus."""
    focused = app.focused
    return focused.id or focused.parent.id if focused else None


def contact(app: Harness) -> Picklist:
    return app.contact


def test_values_are_numbered_in_the_agency_order():
    app = Harness()

    async def steps(pilot):
        picker = contact(app)
        assert picker.shown == tuple(CONTACTS)
        options = picker.query_one(".picklist--options")
        assert str(options.get_option_at_index(0).prompt) == "1 72 Hour Conference"
        assert str(options.get_option_at_index(6).prompt) == "7 Caseworker/Child Contact"
        assert str(options.get_option_at_index(9).prompt) == "  Foster Home Visit"  # the tenth: no digit
        assert options.display and not app.query_one("#method .picklist--options").display

    drive(app, steps)


def test_numbers_do_not_move_while_narrowing_or_between_notes():
    """A digit is the value's own number: narrowing shows it beside the value and it picks that value."""
    app = Harness()

    async def steps(pilot):
        await type_(pilot, "cw")
        options = contact(app).query_one(".picklist--options")
        prompts = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
        assert prompts[0] == "7 Caseworker/Child Contact"
        assert "  Caseworker/Foster Parent Contact" in prompts  # the eleventh
        await pilot.press("7")
        await pilot.pause()

    drive(app, steps)
    assert app.changes == [("contact", "Caseworker/Child Contact")]
    again = Harness()  # the next note: the same number for the same value

    async def pick_seven(pilot):
        await pilot.press("7")

    drive(again, pick_seven)
    assert again.changes == [("contact", "Caseworker/Child Contact")]


def test_digit_on_empty_input_picks_and_moves_focus_next():
    app = Harness()

    async def steps(pilot):
        await pilot.press("1")
        await pilot.pause()
        assert contact(app).value == "72 Hour Conference"
        assert where(app) == "method"
        assert contact(app).query_one(Input).value == ""
        assert not contact(app).query_one(".picklist--options").display  # hidden once left

    drive(app, steps)
    assert app.changes == [("contact", "72 Hour Conference")]


def test_typed_words_narrow_and_enter_picks():
    app = Harness()

    async def steps(pilot):
        await type_(pilot, "cw child")
        assert contact(app).shown[0] == "Caseworker/Child Contact"
        await pilot.press("enter")
        await pilot.pause()
        assert where(app) == "method"

    drive(app, steps)
    assert app.changes == [("contact", "Caseworker/Child Contact")]


def test_initials_narrow_to_one():
    app = Harness()

    async def steps(pilot):
        await type_(pilot, "cwc")
        assert contact(app).shown == ("Caseworker/Child Contact",)
        await pilot.press("enter")

    drive(app, steps)
    assert contact(app).value == "Caseworker/Child Contact"


def test_matching_rules():
    assert match_rank("cw child", "Caseworker/Child Contact") == 0
    assert match_rank("cw child", "Child Care Worker/Caseworker Contact (RTC)") == 3
    assert match_rank("cwc", "Child Care Worker/Caseworker Contact (RTC)") is None
    assert match_rank("non-birth", "Caseworker/Discharge Resource Contact (non-birth-parent)") is not None
    assert match_rank("HOUR", "72 Hour Conference") == 1
    assert match_rank("72", "72 Hour Conference") == 0
    assert match_rank("", "Sibling Visit") == 0
    assert match_rank("sib court", "Sibling Visit") is None


def test_arrows_move_the_highlight_and_enter_picks_it():
    app = Harness()

    async def steps(pilot):
        await pilot.press("tab")  # to Method
        assert where(app) == "method"
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert where(app) == "purposes"

    drive(app, steps)
    assert app.method_picker.value == "Video"


def test_digit_after_narrowing_picks_the_value_of_that_number():
    app = Harness()

    async def steps(pilot):
        await type_(pilot, "conf")
        # better matches (the typed word hits an earlier word) first, then the list order
        assert contact(app).shown == ("Case Conference (internal or with ACS)", "Supervisory Conference",
                                      "72 Hour Conference", "30 Day Conference")
        await pilot.press("2")

    drive(app, steps)
    assert contact(app).value == "30 Day Conference"


def test_digit_of_a_value_narrowed_away_does_nothing():
    app = Harness()

    async def steps(pilot):
        await type_(pilot, "sch")
        await pilot.press("7")
        assert contact(app).query_one(Input).value == "sch"
        assert where(app) == "contact"

    drive(app, steps)
    assert contact(app).value is None and app.changes == []


def test_enter_on_empty_input_keeps_the_value():
    app = Harness(method="Telephone")

    async def steps(pilot):
        await pilot.press("tab")
        assert where(app) == "method"
        await pilot.press("enter")
        await pilot.pause()
        assert where(app) == "purposes"

    drive(app, steps)
    assert app.method_picker.value == "Telephone"
    assert app.changes == []


def test_tab_leaves_without_changing_and_the_next_visit_starts_over():
    app = Harness()

    async def steps(pilot):
        await type_(pilot, "sch")
        await pilot.press("tab")
        assert where(app) == "method"
        await pilot.press("shift+tab")
        await pilot.pause()
        assert where(app) == "contact"
        assert contact(app).query_one(Input).value == "" and len(contact(app).shown) == len(CONTACTS)

    drive(app, steps)
    assert contact(app).value is None and app.changes == []


def test_clicking_an_option_picks_it():
    app = Harness()

    async def steps(pilot):
        await pilot.press("tab")
        await pilot.pause()
        assert await pilot.click("#method .picklist--options", offset=(3, 1))  # second row
        await pilot.pause()
        assert where(app) == "purposes"

    drive(app, steps)
    assert app.method_picker.value == "Telephone"
    assert app.changes == [("method", "Telephone")]


def test_setting_value_shows_it_and_posts_changed():
    app = Harness()

    async def steps(pilot):
        picker = contact(app)
        heading = picker.query_one(".picklist--heading")
        assert "— none —" in str(heading.render())
        picker.value = "Sibling Visit"
        picker.value = "Sibling Visit"  # unchanged: no message
        await pilot.pause()
        assert "Sibling Visit" in str(heading.render())
        assert picker.shown[picker.query_one(".picklist--options").highlighted] == "Sibling Visit"
        picker.value = None
        await pilot.pause()
        assert "— none —" in str(heading.render())

    drive(app, steps)
    assert app.changes == [("contact", "Sibling Visit"), ("contact", None)]


def test_multi_picklist_digits_and_space_toggle_in_choice_order():
    app = Harness()

    async def steps(pilot):
        app.query_one("#purposes SelectionList").focus()
        await pilot.pause()
        await pilot.press("3", "1", "down", "space")  # Permanency planning, Safety, then Well-being
        await pilot.pause()
        assert app.purposes.values == ("Safety", "Well-being", "Permanency planning")
        await pilot.press("1")  # Safety off again
        await pilot.pause()

    drive(app, steps)
    assert app.purposes.values == ("Well-being", "Permanency planning")
    assert app.changes == [("purposes", ("Permanency planning",)), ("purposes", ("Safety", "Permanency planning")),
                           ("purposes", ("Safety", "Well-being", "Permanency planning")),
                           ("purposes", ("Well-being", "Permanency planning"))]


def test_multi_picklist_letters_find_values_past_the_digits_and_enter_ticks():
    app = Harness()

    async def steps(pilot):
        app.query_one("#purposes SelectionList").focus()
        await pilot.pause()
        await type_(pilot, "ref")  # Referral, the eleventh: no digit
        await pilot.press("enter")
        await pilot.pause()
        await type_(pilot, "eng")
        await pilot.press("enter")
        await pilot.press("1")
        await pilot.pause()

    drive(app, steps)
    assert app.purposes.values == ("Safety", "Engagement", "Referral")


def test_multi_picklist_a_space_after_letters_is_part_of_what_is_found():
    """Typing a value's name with its spaces ("service planning", then Enter) ticks that one value: a
    Space that ticked mid-word, and the Enter after it untick, left nothing ticked (seen walking the demo).
    A Space with nothing typed still ticks."""
    app = Harness()

    async def steps(pilot):
        app.query_one("#purposes SelectionList").focus()
        await pilot.pause()
        await type_(pilot, "service")
        await pilot.press("space")
        await type_(pilot, "planning")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("up", "space")  # Permanency planning, the one before, ticked by Space
        await pilot.pause()

    drive(app, steps)
    assert app.purposes.values == ("Permanency planning", "Service planning")


def test_multi_picklist_values_setter_ticks_in_choice_order():
    app = Harness()

    async def steps(pilot):
        purposes = app.purposes
        purposes.values = ["Court", "Visitation", "Safety"]
        await pilot.pause()
        selection = purposes.query_one(SelectionList)
        assert str(selection.get_option_at_index(0).prompt) == "1 Safety"
        assert set(selection.selected) == {"Court", "Visitation", "Safety"}

    drive(app, steps)
    assert app.changes == [("purposes", ("Safety", "Visitation", "Court"))]


def test_picklist_snapshot(snap_compare):
    async def run_before(pilot):
        await pilot.pause()
        await type_(pilot, "sch")
        await pilot.pause()

    assert snap_compare(Harness(), terminal_size=SIZE, run_before=run_before)
