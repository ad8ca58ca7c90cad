"""The benchmark corpus is a well-formed record, and our search and the FTS5 reference find the
same notes in it (a benchmark comparing engines that disagree would measure nothing)."""

from __future__ import annotations

import sqlite3

import pytest

from bench import corpus
from bench.search_vs_fts5 import QUERIES, Fts5, build_fts5
from search import SearchIndex
from store import FrozenClock, Store

TINY = corpus.Size(families=12, notes=600, workers=20)
AGREEING = [q for q in QUERIES if q[0] in ("nurse", "grandmother", '"school nurse"', "visit AND school",
                                            "court OR attorney", "visit NOT telephone", "type:school")]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "tiny.db"
    corpus.generate(path, TINY, seed=3, log=lambda line: None)
    fts_path = path.with_suffix(".fts5.db")
    count, _ = build_fts5(path, fts_path)
    store = Store.open(f"sqlite:///{path}", clock=FrozenClock(corpus.AS_OF))
    index = SearchIndex.for_store(store, path=path.with_suffix(".search"))
    index.rebuild(workers=1)
    yield store, index, Fts5(fts_path), count
    store.close()


def test_corpus_has_the_size_asked_for_and_narratives_of_realistic_length(tiny):
    store, _, _, fts_count = tiny
    db = sqlite3.connect(store.url.removeprefix("sqlite:///"))
    assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == TINY.notes == fts_count
    assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == TINY.families
    assert db.execute("SELECT count(*) FROM workers").fetchone()[0] == 1 + TINY.workers
    words = [len(n.split()) for (n,) in db.execute("SELECT narrative FROM notes")]
    assert min(words) >= 60 and sum(words) / len(words) > 150
    # The triggers lifted for the load are back.
    for trigger in corpus.LIFTED_TRIGGERS:
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = ?", (trigger,)).fetchone()[0] == 1


def test_our_family_search_finds_what_fts5_finds(tiny):
    store, index, fts, _ = tiny
    with sqlite3.connect(store.url.removeprefix("sqlite:///")) as db:
        families = db.execute("SELECT s.case_id, min(w.login) FROM role_assignments r JOIN stages s ON s.id = r.stage_id "
                              "JOIN workers w ON w.id = r.worker_id WHERE r.role = 'Case Manager' "
                              "GROUP BY s.case_id ORDER BY s.case_id LIMIT 4").fetchall()
        drafts = {i for (i,) in db.execute("SELECT id FROM notes WHERE status = 'draft'")}
    compared = 0
    for case_id, login in families:
        desk = store.as_user(login)
        for ours, match, extra in AGREEING:
            found = {h.note_id for h in index.search(desk, ours, family=case_id, limit=1000).hits}
            reference = {row[0] for row in fts.search(match, extra, case_id, restricted=False, limit=1000)}
            assert found <= reference and not (reference - found - drafts), (case_id, ours)
            compared += len(reference)
    assert compared > 50  # the queries do match something in this corpus
