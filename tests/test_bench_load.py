"""The load test's agency server is a record as the store would leave it, and a short day of a few
simulated workers, each signed in as their own login role, runs without an error (bench/load_server.py
measures the same with 50 for a minute; this shows it still runs as row security and triggers land)."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import create_engine, text

from bench import agency_server, corpus
from bench.load_day import Day
from bench.load_server import pick_workers, summarise
from bench.search_engines import for_day
from search.pg_engine import ServerSearch
from store import Store

TINY = corpus.Size(families=12, notes=600, workers=20)


@pytest.fixture(scope="module")
def server(tmp_path_factory, pg_database):
    path = tmp_path_factory.mktemp("load") / "tiny.db"
    corpus.generate(path, TINY, seed=5, log=lambda line: None)
    workers = pick_workers(path, 8)
    made = agency_server.make(path, [login for login, _ in workers], log=lambda line: None)
    yield made, workers
    made.drop()


def test_the_loaded_server_holds_the_corpus_with_its_search_words_triggers_back_and_sequences_after_it(server):
    made, _ = server
    engine = create_engine(made.url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM notes")).scalar_one() == TINY.notes
        disabled = conn.execute(text("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled = 'D'"))
        assert disabled.scalar_one() == 0
        top = conn.execute(text("SELECT max(id) FROM notes")).scalar_one()
    engine.dispose()
    owner = Store.open(made.url)
    try:  # every note searchable by the words the store's own saves would have given it
        assert ServerSearch(owner).check() == []
    finally:
        owner.close()
    login = next(iter(made.roles))
    store = Store.open(made.url_as(login))
    try:
        desk = store.signed_in()
        assert desk.login == login
    finally:
        store.close()
    assert top == TINY.notes


def test_a_short_day_of_each_kind_of_worker_has_no_error(server):
    made, workers = server
    stores = [Store.open(made.url_as(login)) for login, _ in workers]
    try:
        days = [Day(store, kind, for_day("postgresql", store, None), seed=n, think=0.0)
                for n, (store, (_, kind)) in enumerate(zip(stores, workers, strict=True))]
        for day in days:
            day.warm()
        # One after another, a third of a second each: the rules, not the load.
        tallies = [day.run(time.perf_counter() + 0.3).as_dict() for day in days]
    finally:
        for store in stores:
            store.close()
    figures = summarise(tallies, 1.0)
    assert figures["errors"] == {}, figures["error_samples"]
    assert {"open caseload", "open stage", "save draft", "family search"} <= set(figures["actions"])


def test_dropping_the_server_removes_its_database_and_roles(tmp_path, pg_database):
    path = tmp_path / "tiny.db"
    corpus.generate(path, corpus.Size(families=3, notes=30, workers=10), seed=2, log=lambda line: None)
    made = agency_server.make(path, ["director"], log=lambda line: None)
    made.drop()
    admin = create_engine(agency_server.ADMIN_URL)
    with admin.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": made.name}).scalar() == 0
        roles = list(made.roles.values())
        assert conn.execute(text("SELECT count(*) FROM pg_roles WHERE rolname = ANY(:r)"), {"r": roles}).scalar() == 0
    admin.dispose()
