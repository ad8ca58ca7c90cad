"""Themes load from their data files; a worker's preferences and unsaved drafts survive a restart."""

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import Theme

import themes
from themes import DEFAULT_THEME, THEME_NAMES, load_themes
from tui.prefs import Prefs, RecoveryBox, default_home


# --- themes -------------------------------------------------------------------------------

def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an #RRGGBB colour."""
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def themes_by_name() -> dict[str, Theme]:
    return {theme.name: theme for theme in load_themes()}


def test_three_distinct_themes_load_in_order():
    loaded = load_themes()
    assert [theme.name for theme in loaded] == list(THEME_NAMES)
    assert all(isinstance(theme, Theme) for theme in loaded)
    assert len({(t.background, t.foreground, t.primary) for t in loaded}) == 3
    assert DEFAULT_THEME in THEME_NAMES


def test_each_theme_says_whether_it_is_dark():
    by_name = themes_by_name()
    assert by_name["casenotes-light"].dark is False
    assert by_name["casenotes-dark"].dark is True
    assert by_name["casenotes-high-contrast"].dark is True


def test_high_contrast_text_meets_wcag_aaa():
    theme = themes_by_name()["casenotes-high-contrast"]
    assert contrast_ratio(theme.foreground, theme.background) >= 7
    for colour in (theme.accent, theme.warning, theme.error, theme.success):
        assert contrast_ratio(colour, theme.background) >= 7, colour


def test_ordinary_themes_keep_body_text_readable():
    for name in ("casenotes-light", "casenotes-dark"):
        theme = themes_by_name()[name]
        assert contrast_ratio(theme.foreground, theme.background) >= 7, name


@pytest.fixture
def copied_themes(tmp_path, monkeypatch):
    """A copy of the themes package, so a test may break one of its files."""
    package = tmp_path / "themes"
    shutil.copytree(Path(themes.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(themes, "__package__", None)
    monkeypatch.setattr(themes, "files", lambda _package: package)
    return package


def test_a_theme_file_that_is_not_toml_is_reported_by_name(copied_themes):
    (copied_themes / "dark.toml").write_text('name = "casenotes-dark"\nprimary = \n')
    with pytest.raises(ValueError, match=r"dark\.toml"):
        load_themes()


def test_a_theme_file_with_a_bad_colour_is_reported_by_name(copied_themes):
    text = (copied_themes / "light.toml").read_text()
    (copied_themes / "light.toml").write_text(text.replace('"#F7F8FA"', '"not-a-colour"'))
    with pytest.raises(ValueError, match=r"light\.toml"):
        load_themes()


def test_a_theme_file_with_an_unknown_field_is_reported_by_name(copied_themes):
    path = copied_themes / "high-contrast.toml"
    path.write_text('colour_of_the_day = "red"\n' + path.read_text())
    with pytest.raises(ValueError, match=r"high-contrast\.toml.*colour_of_the_day"):
        load_themes()


def test_every_theme_styles_the_shared_stylesheet():
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Input, Static

    class Sample(App):
        CSS_PATH = str(Path(themes.__file__).parent / "app.tcss")

        def compose(self) -> ComposeResult:
            yield Static("Overdue", classes="overdue")
            yield Static("Muted", classes="muted")
            yield Input("text")
            yield Footer()

    async def overdue_colours() -> dict[str, object]:
        app = Sample()
        seen = {}
        async with app.run_test(size=(60, 12)) as pilot:
            for theme in load_themes():
                app.register_theme(theme)
                app.theme = theme.name
                await pilot.pause()
                wanted = Color.parse(app.get_css_variables()["error"])
                seen[theme.name] = (app.query_one(".overdue").styles.color, wanted)
        return seen

    seen = asyncio.run(overdue_colours())
    assert list(seen) == list(THEME_NAMES)
    for name, (shown, wanted) in seen.items():
        assert shown == wanted, name


# --- preferences --------------------------------------------------------------------------

def test_prefs_round_trip(tmp_path):
    prefs = Prefs(tmp_path, "jdoe")
    assert prefs.get("columns", "default") == "default"
    prefs.set("columns", ["stage", "due"])
    assert prefs.get("columns") == ["stage", "due"]
    assert Prefs(tmp_path, "jdoe").get("columns") == ["stage", "due"]
    assert json.loads((tmp_path / "prefs" / "jdoe.json").read_text()) == {"columns": ["stage", "due"]}


def test_theme_is_remembered_for_the_next_session(tmp_path):
    assert Prefs(tmp_path, "jdoe").theme is None
    Prefs(tmp_path, "jdoe").theme = "casenotes-high-contrast"
    assert Prefs(tmp_path, "jdoe").theme == "casenotes-high-contrast"
    assert Prefs(tmp_path, "asmith").theme is None


def test_saving_prefs_leaves_no_temporary_files(tmp_path):
    prefs = Prefs(tmp_path, "jdoe")
    for name in THEME_NAMES:
        prefs.theme = name
    assert [p.name for p in (tmp_path / "prefs").iterdir()] == ["jdoe.json"]


def test_unreadable_prefs_fall_back_to_defaults(tmp_path):
    (tmp_path / "prefs").mkdir()
    (tmp_path / "prefs" / "jdoe.json").write_text("{not json")
    assert Prefs(tmp_path, "jdoe").theme is None


def test_a_login_cannot_escape_the_prefs_folder(tmp_path):
    home = tmp_path / "home"
    Prefs(home, "../../evil").theme = "casenotes-dark"
    assert not (tmp_path / "evil.json").exists()
    written = list(home.rglob("*.json"))
    assert len(written) == 1 and written[0].parent == home / "prefs"


def test_home_can_be_overridden(monkeypatch, tmp_path):
    monkeypatch.setenv("CASENOTES_HOME", str(tmp_path))
    assert default_home() == tmp_path
    monkeypatch.delenv("CASENOTES_HOME")
    assert "casenotes" in str(default_home())


# --- crash recovery -----------------------------------------------------------------------

def test_recovery_save_load_discard(tmp_path):
    box = RecoveryBox(tmp_path, "jdoe")
    assert box.load("stage-12-new") is None
    draft = {"stage_id": 12, "title": "Home visit", "body": "Café — children present."}
    box.save("stage-12-new", draft)
    assert box.load("stage-12-new") == draft
    assert (tmp_path / "recovery" / "jdoe" / "stage-12-new.json").exists()
    box.save("stage-12-new", {**draft, "body": "later"})
    assert RecoveryBox(tmp_path, "jdoe").load("stage-12-new")["body"] == "later"
    box.discard("stage-12-new")
    assert box.load("stage-12-new") is None
    box.discard("stage-12-new")  # discarding twice is harmless


def test_pending_drafts_come_oldest_first(tmp_path):
    box = RecoveryBox(tmp_path, "jdoe")
    assert box.pending() == []
    for age, key in ((300, "note-40"), (100, "stage-12-new"), (200, "note-7")):
        box.save(key, {"key": key})
        then = 1_700_000_000 - age
        os.utime(box.folder / f"{key}.json", (then, then))
    assert [key for key, _ in box.pending()] == ["note-40", "note-7", "stage-12-new"]
    assert box.pending()[0] == ("note-40", {"key": "note-40"})
    assert RecoveryBox(tmp_path, "asmith").pending() == []


def test_a_corrupt_draft_is_set_aside_not_deleted(tmp_path):
    box = RecoveryBox(tmp_path, "jdoe")
    box.save("note-40", {"body": "x"})
    path = box.folder / "note-40.json"
    path.write_text('{"body": "half a wri')
    assert box.load("note-40") is None
    assert not path.exists()
    assert (box.folder / "note-40.json.bad").read_text() == '{"body": "half a wri'
    box.save("note-7", {"body": "fine"})
    (box.folder / "note-9.json").write_text("[1, 2]")  # valid JSON, but not a draft
    assert box.pending() == [("note-7", {"body": "fine"})]
    assert (box.folder / "note-9.json.bad").exists()


@pytest.mark.parametrize("key", ["../../escape", "a/b", "/etc/passwd", "..", ".", ".hidden", "", "a\\b"])
def test_keys_cannot_escape_the_recovery_folder(tmp_path, key):
    home = tmp_path / "home"
    box = RecoveryBox(home, "../jdoe")
    box.save(key, {"key": key})
    assert box.load(key) == {"key": key}
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) == 1
    assert written[0].parent == box.folder == home / "recovery" / "_._jdoe"
    assert not written[0].name.startswith(".")
    box.discard(key)
    assert box.pending() == []
