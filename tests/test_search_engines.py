"""One search suite for both engines (issue 17, item 4): the Whoosh index on SQLite and the search
inside PostgreSQL answer the same query language with the same notes, under the same access rules.

Where the engines legitimately differ, the test says how (``on_pg``): PostgreSQL's English
configuration drops stop words Whoosh keeps ("after"), and it forgives a misspelt name by trigrams
as well as by Whoosh's edit distance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest

from search import SearchIndex, ServerSearch, open_search
from store import NoAccess
from tests.conftest import visit

# The events, in UTC; the agency's zone is New York (EST, UTC-5). Note 3 is on 03/04 there.
DAY = datetime(2026, 3, 3, 15, 0, tzinfo=timezone.utc)  # Tuesday 3 March, 10:00 in New York


def on_pg(engine) -> bool:
    return isinstance(engine, ServerSearch)


@pytest.fixture
def engine(store, tmp_path):
    """The engine a store is searched with: the database itself on PostgreSQL, a Whoosh index on SQLite."""
    if store.url.startswith("postgresql"):
        return open_search(store)
    return SearchIndex.for_store(store, path=tmp_path / "idx")


@dataclass(frozen=True)
class Notes:
    home: int       # 1: visited, school nurse, Jay and Ana, day 1
    school: int     # 2: School Contact by telephone, nurse, visits, Jay, day 2
    call: int       # 3: Ana, returned by the supervisor, 11:30 PM of day 2 in New York
    hearing: int    # 4: court, grandmother, no participant, day 3
    vouchers: int   # 5: daycare vouchers, medication, Mia, day 4

    @property
    def all(self) -> set[int]:
        return {self.home, self.school, self.call, self.hearing, self.vouchers}


@pytest.fixture
def notes(store, agency, clock) -> Notes:
    """Five of cw's notes in the Rivera FSS, submitted (so their supervisor reads them), one returned."""
    clock.set(DAY + timedelta(days=3, hours=2))  # Friday 6 March, noon in New York
    cw = store.as_user("cw")

    def note(at, **fields) -> int:
        return cw.submit(cw.add_note(agency.fss, **visit(agency, clock, event_at=at, **fields)).id).id

    home = note(DAY, narrative="Visited the home. Jay showed his report card to the school nurse.")
    school = note(DAY + timedelta(days=1), contact_type="School Contact", method="Telephone", location="School",
                  purposes=["Education"], participants=[agency.jay], others=["teacher"],
                  narrative="The nurse at school says Jay visits her office daily.")
    call = note(DAY + timedelta(days=1, hours=13, minutes=30), contact_type="Birth Parent/Caseworker Contact",
                method="Telephone", location="Remote", purposes=["Service planning"], participants=[agency.ana],
                others=[], narrative="Ana called after lunch to reschedule; she could not make the appointment.")
    hearing = note(DAY + timedelta(days=2), contact_type="Collateral (attorney, law guardian, therapist, ACS …)",
                   method="Telephone", location="Court", purposes=["Court"], participants=[], others=["attorney"],
                   narrative="Hearing postponed; transportation arranged for the grandmother.")
    vouchers = note(DAY + timedelta(days=3), participants=[agency.mia], others=[],
                    purposes=["Health/medical"], narrative="Discussed daycare vouchers and medication refills.")
    store.as_user("supa").return_note(call, "Say what was rescheduled.")
    return Notes(home, school, call, hearing, vouchers)


def found(engine, desk, text, **options) -> set[int]:
    return {hit.note_id for hit in engine.search(desk, text, **options).hits}


def mismatches(engine, desk, cases, notes) -> list[str]:
    """Each (query, expected note numbers 1-5) that did not find exactly those, with what it found."""
    number = {notes.home: 1, notes.school: 2, notes.call: 3, notes.hearing: 4, notes.vouchers: 5}
    wrong = []
    for text, expected in cases:
        got = {number[n] for n in found(engine, desk, text, limit=20)}
        if got != set(expected):
            wrong.append(f"{text!r}: found {sorted(got)}, expected {sorted(expected)}")
    return wrong


def test_words_stems_phrases_prefixes_and_operators(store, notes, engine):
    cases = [
        ("visits", {1, 2}),                    # stemmed: Visited, visits
        ("visited", {1, 2}),
        ('"school nurse"', {1}),               # "nurse at school" is not the phrase
        ("school nurse", {1, 2}),
        ("nurse AND school", {1, 2}),
        ("nurse OR hearing", {1, 2, 4}),
        ("nurse NOT report", {2}),
        ("nurse AND NOT report", {2}),
        ("(hearing OR daycare) AND NOT court", {5}),
        ("grandmother OR vouchers nurse", {4}),  # AND binds tighter than OR
        ("vouch*", {5}),
        ("postpon*", {4}),
        ("medicat*", {5}),                     # longer than the stem "medic": the word as written
        ("grandmoth*", {4}),
        ("Vis*", {1, 2}),
        ("medical", {5}),                      # "Health/medical" is two words, not a path
        ("the", set()),                        # a stop word alone searches nothing
        ("the nurse", {1, 2}),                 # and is skipped among other words
        ("teacher", {2}), ("attorney", {4}),   # the others present
        ("Ana", {1, 3}), ("Rivera", {1, 2, 3, 4, 5}),  # participants' and the family's names
    ]
    assert mismatches(engine, store.as_user("cw"), cases, notes) == []


def test_field_filters(store, notes, engine):
    cases = [
        ("type:school", {2}),
        ('type:"birth parent"', {3}),
        ("type:collat*", {4}),
        ("purpose:education", {2}),
        ("purpose:medical", {5}),
        ("method:telephone", {2, 3, 4}),
        ("location:court", {4}),
        ("status:returned", {3}),
        ("NOT status:returned", {1, 2, 4, 5}),
        ("status:subm*", {1, 2, 4, 5}),
        ("stage:fss-cws", {1, 2, 3, 4, 5}),
        ("stage:FSS-CWS nurse", {1, 2}),
        ("author:cara", {1, 2, 3, 4, 5}),
        ("author:cw", {1, 2, 3, 4, 5}),
        ("author:Cara Worker", {1, 2, 3, 4, 5}),
        ("author:bo", set()),
        ("person:Jay", {1, 2}),
        ("person:Ana", {1, 3}),
        ("person:Jya", {1, 2}),                # two letters swapped
        ("person:Riviera", {1, 2, 3, 5}),      # "Riviera" finds Rivera
        ("person:Jay Rivera", {1, 2}),
        ("person:Ri*", {1, 2, 3, 5}),
        ("person:jay nurse", {1, 2}),          # a word that is not a name stays a word
        ("family:Rivera", {1, 2, 3, 4, 5}),
        ("type:school OR location:court", {2, 4}),
    ]
    assert mismatches(engine, store.as_user("cw"), cases, notes) == []


def test_dates_are_local_days(store, notes, engine):
    cases = [
        ("after:03/05/2026", {4, 5}),
        ("before:03/04/2026", {1}),
        ("on:03/04/2026", {2, 3}),             # 11:30 PM in New York is already 03/05 in UTC
        ("on:03/04", {2, 3}),
        ("last:1d", {5}),
        ("last:30d nurse", {1, 2}),
        ("after:03/04/2026 before:03/05/2026", {2, 3}),
        ("on:03/04/2026 OR on:03/06/2026", {2, 3, 5}),
    ]
    assert mismatches(engine, store.as_user("cw"), cases, notes) == []
    results = engine.search(store.as_user("cw"), "nurse after:03/04/2026")
    assert results.shown == "nurse · after 03/04/2026" and results.problem is None


def test_the_reading_and_the_repairs_are_the_same(store, notes, engine):
    cw = store.as_user("cw")
    results = engine.search(cw, 'visited "school nurse" person:Jhon after:03/01/2026')
    assert results.shown == 'visited AND "school nurse" · person ≈ Jhon · after 03/01/2026'
    repaired = engine.search(cw, '(nurse AND "school')
    assert "“(” was never closed" in repaired.problem and "quote after" in repaired.problem
    assert {h.note_id for h in repaired.hits} == {notes.home, notes.school}
    assert "too short" in engine.search(cw, "n*").problem
    assert engine.search(cw, "hearing:postponed").hits[0].note_id == notes.hearing


def test_a_stop_word_of_postgresql_is_a_word_to_whoosh(store, notes, engine):
    """PostgreSQL's English configuration drops about 130 stop words, Whoosh's about 30: "after"
    searches nothing there, and is left out of the reading as "the" is on both."""
    results = engine.search(store.as_user("cw"), "after")
    if on_pg(engine):
        assert (results.hits, results.shown) == ((), "")
        assert found(engine, store.as_user("cw"), "after lunch") == {notes.call}  # skipped among other words
    else:
        assert [h.note_id for h in results.hits] == [notes.call] and results.shown == "after"


def test_newest_first_or_by_relevance(store, notes, engine):
    cw = store.as_user("cw")
    newest = engine.search(cw, "nurse OR hearing OR vouchers")
    assert [h.note_id for h in newest.hits] == [notes.vouchers, notes.hearing, notes.school, notes.home]
    assert newest.estimated == 4 and all(h.score == 0.0 for h in newest.hits)
    ranked = engine.search(cw, "nurse", order="relevance")
    assert {h.note_id for h in ranked.hits} == {notes.home, notes.school}
    assert ranked.hits[0].score >= ranked.hits[-1].score > 0
    assert [h.note_id for h in engine.search(cw, "nurse OR hearing", limit=2).hits] == [notes.hearing, notes.school]


def test_a_hit_carries_what_the_result_list_shows(store, agency, notes, engine):
    cw = store.as_user("cw")
    [hit] = engine.search(cw, "grandmother", family=agency.case).hits
    assert (hit.note_id, hit.case_id, hit.family_name, hit.stage_label, hit.contact_type, hit.author_name,
            hit.status) == (notes.hearing, agency.case, "Rivera", "FSS-CWS",
                            "Collateral (attorney, law guardian, therapist, ACS …)", "Cara Worker", "submitted")
    assert hit.event_at == DAY + timedelta(days=2) and hit.event_at.utcoffset() == timedelta(0)
    assert "«grandmother»" in hit.snippet
    [prefixed] = engine.search(cw, "medicat*").hits
    assert "«medicat" in prefixed.snippet
    [stemmed] = engine.search(cw, "refill").hits
    assert "«refills»" in stemmed.snippet
    [by_filter] = engine.search(cw, "person:Mia").hits
    assert by_filter.snippet == "Discussed daycare vouchers and medication refills."


def test_a_long_narrative_gives_a_short_snippet(store, agency, clock, engine):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="We read a story about a walrus. " * 12))
    [hit] = engine.search(cw, "walrus", family=agency.case).hits
    assert hit.note_id == note.id and "«walrus»" in hit.snippet and len(hit.snippet) < 300
    [plain] = engine.search(cw, "person:jay", family=agency.case).hits
    assert plain.snippet.startswith("We read a story") and plain.snippet.endswith("…") and "«" not in plain.snippet


def test_a_saved_note_is_found_at_once_and_its_changes_too(store, agency, clock, engine):
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Jay jumped on the trampoline."))
    assert found(engine, cw, "trampoline", family=agency.case) == {note.id}
    edited = cw.edit_note(note.id, note.version, narrative="Jay rode his bicycle.", participants=[agency.mia])
    assert found(engine, cw, "trampoline", family=agency.case) == set()
    assert found(engine, cw, "bicycle person:Mia", family=agency.case) == {edited.id}
    assert found(engine, cw, "person:Jay", family=agency.case) == set()
    cw.discard_draft(note.id)
    assert found(engine, cw, "bicycle", family=agency.case) == set()


def test_a_worker_without_a_role_finds_nothing_of_another_units_family(store, agency, clock, notes, engine):
    cwb = store.as_user("cwb")
    theirs = cwb.add_note(agency.other_fss, **visit(agency, clock, participants=[], others=["teacher"],
                                                   narrative="The school nurse called about Lan."))
    with pytest.raises(NoAccess):
        engine.search(cwb, "nurse", family=agency.case)
    assert found(engine, cwb, "nurse") == {theirs.id}
    assert found(engine, store.as_user("cw"), "nurse") == {notes.home, notes.school}  # not the Nguyens'
    assert found(engine, store.as_user("director"), "nurse") == {notes.home, notes.school}  # a draft of cwb's
    cwb.submit(theirs.id)
    assert found(engine, store.as_user("director"), "nurse") == {notes.home, notes.school, theirs.id}


def test_others_drafts_are_hidden_from_supervisors_and_colleagues(store, agency, clock, engine):
    cw = store.as_user("cw")
    sent = cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative="Lantern walk.")).id)
    draft = cw.add_note(agency.fss, **visit(agency, clock, narrative="Lantern repaired."))
    assert found(engine, store.as_user("supa"), "lantern") == {sent.id}
    assert found(engine, store.as_user("supa"), "lantern", family=agency.case) == {sent.id}
    assert found(engine, store.as_user("cw2"), "lantern") == {sent.id}
    assert found(engine, cw, "lantern") == {sent.id, draft.id}


def test_the_advocate_finds_only_the_childs_approved_notes(store, agency, clock, engine):
    store.staffing().appoint_advocate("casa", agency.jay)
    cw = store.as_user("cw")
    with_jay = cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative="Puzzle with Jay.")).id)
    with_jay = store.as_user("supa").approve(with_jay.id)
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock, narrative="Puzzle with Jay, under review.")).id)
    cw.submit(cw.add_note(agency.fss, **visit(agency, clock, participants=[agency.mia], narrative="Puzzle with Mia.")).id)
    cw.add_note(agency.fss, **visit(agency, clock, narrative="Puzzle draft."))
    casa = store.as_user("casa")
    assert found(engine, casa, "puzzle", family=agency.case) == {with_jay.id}
    assert found(engine, casa, "puzzle") == set()  # across the agency: families read through a role only


def test_the_clerk_finds_only_the_notes_they_entered(store, agency, clock, engine):
    clerk, cw = store.as_user("clerk"), store.as_user("cw")
    entered = clerk.add_note(agency.fss, author="cw", **visit(agency, clock, narrative="Zeppelin drawing, dictated."))
    for n in range(30):  # newer matches the clerk may not read
        cw.submit(cw.add_note(agency.fss, **visit(agency, clock, event_at=clock.now() - timedelta(minutes=50 - n),
                                                  narrative=f"Zeppelin model {n}.")).id)
    assert found(engine, clerk, "zeppelin", family=agency.case, limit=1) == {entered.id}
    assert len(found(engine, cw, "zeppelin", family=agency.case, limit=100)) == 31


def test_a_misspelt_family_name_is_corrected_and_said(store, notes, engine):
    results = engine.search(store.as_user("cw"), "Riviera nurse")
    assert results.corrected == "Rivera nurse"
    assert {h.note_id for h in results.hits} == {notes.home, notes.school}


def test_searching_from_outside_the_assignment_is_audited(store, agency, notes, engine):
    from sqlalchemy import text

    def audited(login: str) -> list[int]:
        with store.write_engine.connect() as conn:
            return list(conn.execute(text(
                "SELECT a.entity_id FROM audit_log a JOIN workers w ON w.id = a.worker_id "
                "WHERE a.action = 'read search' AND w.login = :l ORDER BY a.id"), {"l": login}).scalars())

    engine.search(store.as_user("cw"), "nurse", family=agency.case)
    engine.search(store.as_user("cw"), "nurse")
    assert audited("cw") == []  # the Case Manager: an ordinary read
    engine.search(store.as_user("director"), "nurse")
    assert audited("director") == [agency.case]
    engine.search(store.as_user("supa"), "nurse", family=agency.case)
    engine.search(store.as_user("supa"), "nurse")  # the same family within the hour: no new row
    assert audited("supa") == [agency.case]
    engine.search(store.as_user("director"), "nothing matches this")
    assert audited("director") == [agency.case]


def test_a_postgresql_store_leaves_no_index_files(store, agency, clock, tmp_path, monkeypatch):
    """The search runs in the database: nothing written in the user's data folder, whatever is searched."""
    if not store.url.startswith("postgresql"):
        pytest.skip("on SQLite the Whoosh index lives beside the database file")
    data = tmp_path / "xdg"
    data.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    engine = open_search(store)
    assert isinstance(engine, ServerSearch)
    cw = store.as_user("cw")
    note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Kite day."))
    assert engine.catch_up() == 0 and found(engine, cw, "kite") == {note.id}
    assert engine.rebuild() == 1 and engine.check() == []
    assert list(data.iterdir()) == [] and not (tmp_path / "home").exists()


def test_on_sqlite_the_engine_is_the_whoosh_index_beside_the_file(store):
    if store.url.startswith("postgresql"):
        pytest.skip("SQLite only")
    engine = open_search(store)
    assert isinstance(engine, SearchIndex) and engine.path.name.endswith(".search")


def test_a_worker_signed_in_as_their_own_role_saves_and_searches(role_url, agency, clock, tmp_path):
    """Under the worker's own PostgreSQL role (least privilege, row-level security): the triggers
    index the note as the owner, and the search reads note_search as the worker."""
    from store import Store

    signed_in = Store.open(role_url("cw"), clock=clock)
    try:
        cw = signed_in.signed_in()
        note = cw.add_note(agency.fss, **visit(agency, clock, narrative="Balloon animals at the fair."))
        results = open_search(signed_in).search(cw, "balloon*")
        assert [h.note_id for h in results.hits] == [note.id] and "«Balloon" in results.hits[0].snippet
    finally:
        signed_in.close()
    from sqlalchemy import create_engine, text

    for login in ("cwb", "supa"):  # another unit's worker; cw's supervisor, who may not read a draft
        engine = create_engine(role_url(login))
        with engine.connect() as conn:
            words = set(conn.execute(text("SELECT note_id FROM note_search")).scalars())
            readable = set(conn.execute(text("SELECT id FROM notes")).scalars())
        engine.dispose()
        assert note.id not in words and words <= readable


def test_casenotes_index_on_postgresql_recomputes_in_the_database_and_writes_nothing_here(
        store, agency, clock, tmp_path, monkeypatch, capsys):
    if not store.url.startswith("postgresql"):
        pytest.skip("on SQLite `casenotes index` builds the Whoosh index beside the file (tests/test_search_app.py)")
    from tui.cli import main as cli

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    cw = store.as_user("cw")
    cw.add_note(agency.fss, **visit(agency, clock, narrative="Kite day."))
    assert cli.main(["--db", store.url, "index", "rebuild"]) == 0
    said = capsys.readouterr().err
    assert "no index to build on this computer" in said and "of 1 notes" in said
    with store.write_engine.begin() as conn:  # a row gone astray: what check is for
        from sqlalchemy import text

        conn.execute(text("DELETE FROM note_search"))
    assert cli.main(["--db", store.url, "index", "check"]) == 1
    assert "is missing from the search table" in capsys.readouterr().out
    assert cli.main(["--db", store.url, "index", "check", "--repair"]) == 0
    assert "repaired 1 difference(s)" in capsys.readouterr().out
    assert not (tmp_path / "xdg").exists() or list((tmp_path / "xdg").rglob("*")) == []


@pytest.mark.parametrize("few", [0, 10**9], ids=["down-the-event-index", "through-gin-then-sorted"])
def test_both_plans_answer_alike(store, notes, engine, monkeypatch, few):
    """Newest first, PostgreSQL walks the event index when it expects many matches and goes
    through the GIN index when it expects few: the same notes in the same order either way."""
    if not on_pg(engine):
        pytest.skip("a PostgreSQL plan choice")
    import search.pg_engine

    monkeypatch.setattr(search.pg_engine, "FEW", few)
    cw = store.as_user("cw")
    assert [h.note_id for h in engine.search(cw, "nurse OR hearing OR vouchers").hits] == [
        notes.vouchers, notes.hearing, notes.school, notes.home]
    assert [h.note_id for h in engine.search(store.as_user("director"), "method:telephone", limit=2).hits] == [
        notes.hearing, notes.call]
