"""Search forgives as a person expects (issue 14, item 7), on the demo agency: a prefix longer than
a stem, a misspelt word corrected from the index's own words (and said so), a misspelt bare name,
``person:`` with an unquoted full name, the palette's close matches on first names and surnames,
and an index built before the unstemmed field was added rebuilt at the next search."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlalchemy import text

import search.schema
from search import SearchIndex
from search.schema import PLAIN, note_schema
from tests.conftest import visit
from tests.test_flows import SIZE, open_app, press, settle
from tests.test_search_app import answered
from tui.cli import main as cli


@pytest.fixture(autouse=True)
def build_here(monkeypatch):
    """Indexes are built in this process: a build process imports casenotes as installed, which
    need not be the code under test (a worktree, an older install)."""
    monkeypatch.setattr("search.build.default_workers", lambda: 1)


def director(store) -> str:
    return next(w.login for w in store.staff() if w.title.startswith("Director"))


@pytest.fixture
def demo(demo_store, tmp_path):
    """(store, index, the director's desk): the director reads every family of the demo."""
    index = SearchIndex.for_store(demo_store, path=tmp_path / "idx")
    index.rebuild()
    return demo_store, index, demo_store.as_user(director(demo_store))


def ids(results) -> set[int]:
    return {hit.note_id for hit in results.hits}


def narratives(store, note_ids) -> list[str]:
    with store.write_engine.connect() as conn:
        return list(conn.execute(text(f"SELECT narrative FROM notes WHERE id IN ({','.join(map(str, note_ids))})")
                                 ).scalars())


def test_a_prefix_longer_than_the_stem_still_matches(demo):
    store, index, desk = demo
    results = index.search(desk, "medicat*")  # "medication" is stemmed to "medic"
    found = ids(results)
    assert found and found <= ids(index.search(desk, "medic*", limit=500))
    assert all("medicat" in n.lower() for n in narratives(store, found))
    assert all("«medicat" in hit.snippet for hit in results.hits)  # marked as written
    family = results.hits[0].case_id
    assert "«medicat" in index.search(desk, "medicat*", family=family).hits[0].snippet


def test_a_misspelt_word_is_corrected_from_the_index_and_the_answer_says_so(demo):
    _, index, desk = demo
    meant = index.search(desk, "Whitfield")
    assert meant.hits and meant.corrected is None  # a word the index holds is taken as meant
    corrected = index.search(desk, "Whitfeld")
    assert corrected.corrected == "Whitfield" and ids(corrected) == ids(meant)
    assert corrected.shown == "Whitfield"
    lower = index.search(desk, "whitfeld visit")  # written as typed, among other words
    assert lower.corrected == "whitfield visit" and lower.hits
    assert index.search(desk, "xqzzyv").corrected is None  # nothing near: nothing found, nothing said


@pytest.mark.parametrize("typed, meant", [("Tarik", "Tariq"), ("Holbrok", "Holbrook")])
def test_a_bare_misspelt_name_finds_that_persons_notes_as_person_does(demo, typed, meant):
    _, index, desk = demo
    by_person = ids(index.search(desk, f"person:{typed}", limit=500))
    bare = index.search(desk, typed, limit=500)
    assert by_person and bare.corrected == meant and by_person <= ids(bare)


def test_person_with_an_unquoted_full_name_means_the_person(demo):
    _, index, desk = demo
    unquoted = index.search(desk, "person:Tarik Holbrok", limit=500)
    assert unquoted.shown == "person ≈ Tarik Holbrok"
    quoted = ids(index.search(desk, 'person:"Tariq Holbrook"', limit=500))
    assert quoted and ids(unquoted) == quoted
    assert len(ids(index.search(desk, "person:Tarik", limit=500))) > len(quoted)  # other Tariqs


def test_no_correction_tells_of_words_in_notes_the_reader_may_not_see(store, agency, clock, tmp_path):
    index = SearchIndex.for_store(store, path=tmp_path / "idx")
    cwb = store.as_user("cwb")
    cwb.submit(cwb.add_note(agency.other_fss, **visit(agency, clock, participants=[], others=["teacher"],
                                                       narrative="Lan showed her kaleidoscope.")).id)
    assert index.search(store.as_user("director"), "kaleidoskope").corrected == "kaleidoscope"
    outsider = index.search(store.as_user("cw"), "kaleidoskope")  # cw has no role in the Nguyen family
    assert outsider.corrected is None and outsider.hits == () and outsider.shown == "kaleidoskope"


@pytest.mark.parametrize("typed, families", [
    ("Tarik", {"Holbrook", "Petrenko", "Winslow"}),   # first names
    ("Marcheti", {"Carrington", "Holbrook"}),         # a surname that is no family's name
    ("Holbrok", {"Holbrook"}),
])
def test_the_palette_finds_misspelt_first_names_and_surnames(demo_store, typed, families):
    found = demo_store.as_user(director(demo_store)).find_cases(typed)
    assert {m.family_name for m in found} == families
    if typed == "Tarik":
        assert {m.matched for m in found} == {"Tariq Holbrook", "Tariq Petrenko", "Tariq Winslow"}


def test_an_index_built_without_the_unstemmed_words_is_rebuilt_at_the_next_search(demo, monkeypatch):
    store, index, desk = demo
    old_schema = note_schema()
    old_schema.remove(PLAIN)
    real_fields = search.schema.note_fields
    with monkeypatch.context() as before:
        before.setattr(search.schema, "note_fields", lambda doc: {k: v for k, v in real_fields(doc).items()
                                                                  if k != PLAIN})
        old = SearchIndex.for_store(store, path=index.path)
        old.schema = old_schema  # as the index was built before
        old.rebuild()
    assert PLAIN not in old.open_shards()[0].schema
    assert ids(index.search(desk, "medicat*"))  # rebuilt at once, with the words as written
    assert PLAIN in index.open_shards()[0].schema and index.check() == []


def test_the_search_screen_says_what_it_showed_instead(demo_store, tmp_path):
    from textual.widgets import Static

    async def run():
        app = open_app(demo_store, director(demo_store), tmp_path, indexing=True)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["slash", *"Whitfeld"])
            await answered(pilot)
            return str(app.screen.query_one("#problem", Static).render()), len(app.screen.hits)

    said, hits = asyncio.run(run())
    assert said == "Showing results for Whitfield." and hits > 0


def test_the_command_line_says_what_it_showed_instead(demo_store, capsys):
    args = ["--db", demo_store.url, "--user", director(demo_store), "search", "Whitfeld"]
    assert cli.main(args) == 0
    assert capsys.readouterr().out.startswith("Showing results for Whitfield\n")
    assert cli.main(args + ["--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["corrected"] == "Whitfield" and answer["hits"]


def test_search_screen_with_a_correction_snapshot(snap_compare, demo_store, tmp_path):
    """Across the agency, as the director: "Whitfeld" shows the notes of Whitfield and says so."""
    from tests.test_tui import keys_then_settle

    app = open_app(demo_store, director(demo_store), tmp_path, indexing=True)

    async def search(pilot):
        await keys_then_settle()(pilot)
        await press(pilot, ["slash", *"Whitfeld"])
        await answered(pilot)
        pilot.app.screen.query_one("#query").cursor_blink = False  # the same picture however long it took
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=search)


def test_the_family_of_the_name_typed_comes_first_in_store_and_palette(demo_store, tmp_path):
    """'osei' listed families with a person named Osei (a foster parent) before the Osei family,
    sorted by family name; the family of that name comes first, in the store's answer and the palette."""
    clerk = next(w.login for w in demo_store.staff() if w.title == "Senior Clerk")
    found = demo_store.as_user(clerk).find_cases("osei")
    assert found[0].family_name == "Osei" and any(m.family_name < "Osei" for m in found[1:])  # was by name

    async def run():
        app = open_app(demo_store, clerk, tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await press(pilot, ["ctrl+p", *"osei"])
            for _ in range(50):
                await pilot.pause(0.05)
                options = app.screen.query_one("CommandList")
                labels = [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]
                if sum("Open case" in label for label in labels) >= 2:
                    return [label for label in labels if "Open case" in label]
            return labels

    labels = asyncio.run(run())
    assert labels[0].splitlines()[0] == "Open case: Osei" and len(labels) >= 2, labels
