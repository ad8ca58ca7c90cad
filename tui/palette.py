"""The command palette: every screen and action by name, and any family by family or person name."""

from __future__ import annotations

import asyncio
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from store import StoreError

THEMES = (("casenotes-light", "Theme: light"), ("casenotes-dark", "Theme: dark"),
          ("casenotes-high-contrast", "Theme: high contrast"))


STAGE_COURSE = (("Progress stage", "progress", "g", "Open the next stage from this one"),
                ("App/Reg stage", "app_reg", "c", "Name the primary caretaker, or child only"),
                ("Start closing stage", "start_closing", "w", "Propose closing it with a reason"),
                ("Close stage", "close", "x", "Close it with a reason; cannot be undone"))
STAGE_PEOPLE = (("Persons of the stage", "persons", "Add one of the family, end one (key o)"),
                ("Roles in the stage", "roles", "Assign, reassign or end a role (key r)"),
                ("Placements in the stage", "placements", "Record or end a child's placement (key l)"))


class CasenotesCommands(Provider):
    def _fixed(self) -> list[tuple[str, object, str]]:
        app = self.app
        commands = []
        if app.me is None:  # not signed in
            return commands
        commands.append(("Home", app.action_caseload, "Your children and requests") if app.outside
                        else ("Caseload", app.action_caseload, "Your stages, most urgent first"))
        if app.supervises:
            commands.append(("Review queue", app.action_review_queue, "Notes your workers sent you"))
            commands.append(("Plan review queue", app.action_plan_review_queue,
                             "Case plans your workers sent you (p in the review queue)"))
        commands.append(("Search notes", app.action_search, "Every family you may read"))
        commands.append((f"Inbox ({app.unread} unread)" if app.unread else "Inbox", app.action_inbox,
                         "Notes returned or approved, deadlines passed, advocates' uploads and requests (key F2)"))
        if app.offers("deadlines"):
            commands.append(("My deadlines", app.action_deadlines, "What is due from you, soonest first"))
            commands.append(("Plan an absence", partial(app.action_deadlines, plan_absence=True),
                             "Your pending notes fall due before it starts"))
        if app.supervises and app.offers("timeliness"):
            commands.append(("Timeliness", app.action_timeliness, "Your unit's entries, reviews and visits on time"))
        if app.supervises and app.offers("unit_coverage"):
            commands.append(("Plan coverage of my unit", app.action_unit_coverage,
                             "Each child's plan elements discussed in the notes, those flagged, the longest gap"))
        if app.offers("intake"):
            commands.append(("New family (intake)", app.action_intake,
                             "Open a family, its persons and its first stage (intake staff and supervisors)"))
        if app.offers("visits"):
            commands.append(("Visits: children in foster care", app.action_visits,
                             "This month's visits, visits at home, a new placement's first contacts"))
        if app.offers("staff"):
            commands.append(("Staff administration", app.action_staff,
                             "Workers and units: add, change, deactivate, plan an absence (MAINTAIN STAFF)"))
        screen = app.screen
        stage_id = getattr(screen, "stage_id", None)
        if stage_id is not None and app.writes_notes:
            commands.append(("New note in this stage", partial(app.new_note, stage_id), "Write a progress note"))
        if stage_id is not None and hasattr(screen, "action_stage_course") and not app.outside:  # the case screen: the stage's course
            commands += [(name, partial(screen.action_stage_course, action), f"{help_text} (key {key})")
                         for name, action, key, help_text in STAGE_COURSE]
        if stage_id is not None and hasattr(screen, "action_stage_people") and not app.outside:  # the case screen: the stage's people
            commands += [(name, partial(screen.action_stage_people, topic), help_text)
                         for name, topic, help_text in STAGE_PEOPLE]
        # The case screen, when the store lets the reader see the activity (not a child's advocate, nor the clerk).
        if hasattr(screen, "action_activity") and screen.check_action("activity", ()) is not False:
            commands.append(("Activity of this case", screen.action_activity,
                             "Who changed what in the family's case, and when (t; again for the notes)"))
        if hasattr(screen, "action_plans") and screen.check_action("plans", ()) is not False:  # the case screen
            commands.append(("Case plans of this family", screen.action_plans,
                             "The family plan and each child's: write, send for review, history (P)"))
        if hasattr(screen, "action_plan_coverage") and screen.check_action("plan_coverage", ()) is not False:
            commands.append(("Plan coverage of this family", screen.action_plan_coverage,
                             "Each child's plan elements, the last note that discussed each, those flagged (C)"))
        if hasattr(screen, "action_court_record"):  # the case screen
            commands.append(("Court record of this family (PDF)", screen.action_court_record,
                             "Approved notes with addenda, review actions, documents and hashes, for the court (p)"))
        commands.append(("Help: every key", app.action_help, "What each key does here"))
        commands += [(label, partial(app.set_theme, name), "Remembered for you") for name, label in THEMES]
        if app.is_demo:  # read at sign-in, not per keystroke
            commands.append(("Switch demo user", app.action_switch_user, "Sign in as someone else in the demo agency"))
        return commands

    async def discover(self) -> Hits:
        for name, action, help_text in self._fixed():
            yield DiscoveryHit(name, action, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, action, help_text in self._fixed():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), action, help=help_text)
        if self.app.me is None or len(query.strip()) < 2:
            return
        try:
            matches = await asyncio.to_thread(self.app.desk.find_cases, query)
        except StoreError:  # no families offered; the palette's commands still are
            return
        for n, match in enumerate(matches):
            label = f"Open case: {match.family_name}" + (f" ({match.matched})" if match.matched != match.family_name else "")
            # The store's order (the family of that name first), not the fuzzy score of the label.
            yield Hit(0.9 - 0.4 * n / len(matches), label, partial(self.app.open_case, match.case_id),
                      help=f"case {match.case_id}")
