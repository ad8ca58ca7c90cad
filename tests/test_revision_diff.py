"""What changed between two versions, as a reader sees it (the store's typed values, set out)."""

from datetime import datetime, timezone

from store.core.results import RevisionView
from tui.revision_diff import revision_changes

BEFORE = {"status": "draft", "event_at": datetime(2026, 11, 20, 19, 0, tzinfo=timezone.utc), "purposes": ("Safety",),
          "participants": ("Jay Rivera",), "narrative": "Seen at home.\nHe was calm."}


def version(number: int, values: dict) -> RevisionView:
    return RevisionView(number, datetime(2026, 11, 20, 20, 0, tzinfo=timezone.utc), "cw", values["status"], {},
                        values)


def test_first_version_is_shown_whole():
    assert revision_changes(None, version(1, BEFORE)).plain.startswith("First saved version.")


def test_changed_fields_and_narrative_lines_are_listed_in_agency_time():
    after = {**BEFORE, "status": "submitted", "event_at": datetime(2026, 11, 20, 20, 0, tzinfo=timezone.utc),
             "participants": ("Jay Rivera", "Ana Rivera"), "narrative": "Seen at home.\nHe was calm and talkative."}
    text = revision_changes(version(1, BEFORE), version(2, after), "America/New_York").plain
    assert "Status: draft → submitted" in text
    assert "Event: Fri 11/20/2026 2:00 PM → Fri 11/20/2026 3:00 PM" in text
    assert "Present: Jay Rivera → Jay Rivera, Ana Rivera" in text
    assert "-He was calm.\n+He was calm and talkative." in text


def test_unchanged_version_says_so():
    assert "Nothing in the note changed" in revision_changes(version(1, BEFORE), version(2, dict(BEFORE))).plain
