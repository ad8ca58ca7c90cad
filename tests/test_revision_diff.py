"""What changed between two versions, as a reader sees it."""

from tui.revision_diff import revision_changes

BEFORE = {"status": "draft", "event_at": "2026-11-20T19:00:00+00:00", "purposes": ["Safety"],
          "participants": [1], "narrative": "Seen at home.\nHe was calm."}


def test_first_version_is_shown_whole():
    assert revision_changes(None, BEFORE).plain.startswith("First saved version.")


def test_changed_fields_and_narrative_lines_are_listed_in_agency_time():
    after = {**BEFORE, "status": "submitted", "event_at": "2026-11-20T20:00:00+00:00", "participants": [1, 2],
             "narrative": "Seen at home.\nHe was calm and talkative."}
    text = revision_changes(BEFORE, after, {1: "Jay Rivera", 2: "Ana Rivera"}, "America/New_York").plain
    assert "Status: draft → submitted" in text
    assert "Event: Fri 11/20/2026 2:00 PM → Fri 11/20/2026 3:00 PM" in text
    assert "Jay Rivera → Jay Rivera, Ana Rivera" in text
    assert "-He was calm.\n+He was calm and talkative." in text


def test_unchanged_version_says_so():
    assert "Nothing in the note changed" in revision_changes(BEFORE, dict(BEFORE)).plain
