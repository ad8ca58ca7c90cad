"""The pick lists: numbering with the recent values first, narrowing, picking by digit, arrows, Enter and
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
        self.contact = Picklist("Contact type", CONTACTS, recent=["School Contact"], id="contact")
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


def test_recent_values_come_first_and_are_numbered():
    app = Harness()

    async def steps(pilot):
        picker = contact(app)
        assert picker.shown == ("School Contact", *(c for c in CONTACTS if c != "School Contact"))
        options = picker.query_one(".picklist--options")
        assert str(options.get_option_at_index(0).prompt) == "1 School Contact"
        assert str(options.get_option_at_index(1).prompt) == "2 72 Hour Conference"
        assert str(options.get_option_at_index(9).prompt) == "  Caseworker/Discharge Resource Contact (non-birth-parent)"  # row 10: no digit
        assert options.display and not app.query_one("#method .picklist--options").display

    drive(app, steps)


def test_recent_only_keeps_choices_in_their_recent_order():
    picker = Picklist("Method", METHODS, recent=["Video", "Fax", "Telephone", "Video"])
    assert picker.ordered == ("Video", "Telephone", "Face to face", "Written/letter", "Email/text",
                              "Attempted – no contact")


def test_digit_on_empty_input_picks_and_moves_focus_next():
    app = Harness()

    async def steps(pilot):
        await pilot.press("1")
        await pilot.pause()
        assert contact(app).value == "School Contact"
        assert where(app) == "method"
        assert contact(app).query_one(Input).value == ""
        assert not contact(app).query_one(".picklist--options").display  # hidden once left

    drive(app, steps)
    assert app.changes == [("contact", "School Contact")]


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


def test_digit_after_narrowing_picks_in_the_narrowed_list():
    app = Harness()

    async def steps(pilot):
        await type_(pilot, "conf")
        # better matches (the typed word hits an earlier word) first, then the list order
        assert contact(app).shown == ("Case Conference (internal or with ACS)", "Supervisory Conference",
                                      "72 Hour Conference", "30 Day Conference")
        await pilot.press("2")

    drive(app, steps)
    assert contact(app).value == "Supervisory Conference"


def test_digit_beyond_the_narrowed_list_does_nothing():
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


def test_multi_picklist_recent_first_and_values_setter():
    app = Harness()

    async def steps(pilot):
        purposes = app.purposes
        purposes.set_recent(["Court", "Nope", "Safety"])
        purposes.values = ["Court", "Visitation", "Safety"]
        await pilot.pause()
        selection = purposes.query_one(SelectionList)
        assert str(selection.get_option_at_index(0).prompt) == "1 Court"
        assert str(selection.get_option_at_index(1).prompt) == "2 Safety"
        assert selection.selected and set(selection.selected) == {"Court", "Visitation", "Safety"}

    drive(app, steps)
    assert app.changes == [("purposes", ("Safety", "Visitation", "Court"))]


def test_picklist_snapshot(snap_compare):
    async def run_before(pilot):
        await pilot.pause()
        await type_(pilot, "sch")
        await pilot.pause()

    assert snap_compare(Harness(), terminal_size=SIZE, run_before=run_before)
