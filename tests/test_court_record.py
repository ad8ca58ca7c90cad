"""The court record in the store (issue 19, item 4), on both backends: which notes, in which order,
with their addenda; each note's SHA-256 recomputed here from the database rows with hashlib; the
manifest hash; the export audited; the refusals; checking a manifest against the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from store.core.court_results import CourtManifest, ManifestEntry
from store.core.errors import InvalidRequest, NoAccess, NotFound
from tests.conftest import visit


def _sql(store, sql, **params):
    with store.write_engine.connect() as conn:
        return conn.execute(text(sql), params).all()


def _approved(store, agency, clock, **fields):
    cw, sup = store.as_user("cw"), store.as_user("supa")
    note = cw.add_note(agency.fss, **visit(agency, clock, **fields))
    cw.submit(note.id)
    return sup.approve(note.id)


@pytest.fixture
def family(store, agency, clock):
    """Three approved notes (the second in time written first), an addendum to the first, a draft."""
    later = _approved(store, agency, clock, narrative="Zoë — seen at home.")
    earlier = _approved(store, agency, clock, event_at=clock.now() - timedelta(hours=2), participants=[agency.mia],
                        narrative="Mia was seen at school.")
    cw, sup = store.as_user("cw"), store.as_user("supa")
    addendum = cw.add_addendum(later.id, narrative="Correction: the visit was on the porch.")
    cw.submit(addendum.id)
    sup.approve(addendum.id)
    draft = cw.add_note(agency.fss, **visit(agency, clock, narrative="Not yet sent."))
    return earlier, later, addendum, draft


def _recomputed(store, note_id, version):
    """A note's hash made by hand from the database rows, as court_results' docstring says."""
    [(snapshot,)] = _sql(store, "SELECT snapshot FROM note_revisions WHERE note_id = :n AND version = :v",
                         n=note_id, v=version)
    snapshot = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
    workers = dict(_sql(store, "SELECT id, name FROM workers"))
    persons = {i: f"{first} {last}" for i, first, last in _sql(store, "SELECT id, first_name, last_name FROM persons")}
    [(kind, subtype)] = _sql(store, "SELECT type, subtype FROM stages WHERE id = :s", s=snapshot["stage_id"])

    def utc(text_):
        from datetime import datetime, timezone
        at = datetime.fromisoformat(text_)
        at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        return at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    content = {"note": note_id, "version": version, "status": snapshot["status"],
               "stage": f"{kind}-{subtype}" if subtype else kind, "event_at": utc(snapshot["event_at"]),
               "entered_at": utc(snapshot["entered_at"]), "author": workers[snapshot["author_id"]],
               "entered_by": workers[snapshot["entered_by_id"]], "contact_type": snapshot["contact_type"],
               "method": snapshot["method"], "location": snapshot["location"], "purposes": snapshot["purposes"],
               "participants": [persons[p] for p in sorted(snapshot["participants"])], "others": snapshot["others"],
               "narrative": snapshot["narrative"], "amends_note": snapshot["amends_note_id"]}
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def test_approved_notes_with_their_addenda_in_event_order_each_with_its_hash(store, agency, family):
    earlier, later, addendum, _draft = family
    record = store.as_user("cw").court_record(agency.case)
    assert [(n.id, n.addendum_depth, n.status) for n in record.notes] == [
        (earlier.id, 0, "approved"), (later.id, 0, "approved"), (addendum.id, 1, "approved")]
    assert record.left_out == 1 and record.unapproved == 0
    for note in record.notes:
        assert note.sha256 == _recomputed(store, note.id, note.version)
    first = record.notes[1]
    assert (first.narrative, first.author_name, first.entered_by_name, first.participants) == (
        "Zoë — seen at home.", "Cara Worker", "Cara Worker", ("Jay Rivera", "Ana Rivera"))
    assert [a.action for a in first.review] == ["submit", "approve"]
    assert [a.by_name for a in first.review] == ["Cara Worker", "Sam Supervisor"]
    assert record.notes[2].amends_note_id == later.id


def test_the_manifest_hash_is_over_the_header_and_the_ordered_note_hashes(store, agency, family):
    record = store.as_user("cw").court_record(agency.case)
    h = record.header
    fields = {"agency": h.agency, "case": agency.case, "family": "Rivera", "child": None, "from": None,
              "until": None, "produced_by": "Cara Worker", "produced_by_login": "cw",
              "produced_at": store.now().strftime("%Y-%m-%dT%H:%M:%SZ"), "unapproved_included": False,
              "notes": [{"note": n.id, "version": n.version, "sha256": n.sha256} for n in record.notes],
              "plans": []}  # the manifest's format 2: no approved plan in this family yet
    data = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert record.manifest.manifest_sha256 == hashlib.sha256(data).hexdigest()
    assert CourtManifest.from_json(record.manifest.to_json()) == record.manifest


def test_unapproved_notes_come_only_when_asked_and_are_marked(store, agency, family):
    *_, draft = family
    record = store.as_user("cw").court_record(agency.case, include_unapproved=True)
    marked = [n for n in record.notes if not n.approved]
    assert [(n.id, n.status) for n in marked] == [(draft.id, "draft")]
    assert record.header.unapproved_included and record.unapproved == 1 and record.left_out == 0
    # Another worker's draft stays private to its author, in a court record too.
    assert draft.id not in [n.id for n in store.as_user("supa").court_record(agency.case, include_unapproved=True).notes]


def test_a_child_and_a_period_narrow_the_notes_but_an_addendum_follows_its_note(store, agency, clock, family):
    earlier, later, addendum, _ = family
    mia = store.as_user("cw").court_record(agency.case, child_id=agency.mia)
    assert [n.id for n in mia.notes] == [earlier.id] and mia.header.child_name == "Mia Rivera"
    today = store.now().date()
    assert [n.id for n in store.as_user("cw").court_record(agency.case, since=today, until=today.isoformat()).notes] \
        == [earlier.id, later.id, addendum.id]
    assert store.as_user("cw").court_record(agency.case, until=today - timedelta(days=1)).notes == ()


def test_the_export_is_audited_in_the_cases_access_log(store, agency, family):
    record = store.as_user("supa").court_record(agency.case, child_id=agency.jay)
    rows = _sql(store, "SELECT w.login, a.entity, a.entity_id, a.case_id FROM audit_log a JOIN workers w "
                       "ON w.id = a.worker_id WHERE a.action = 'read court record'")
    assert rows == [("supa", "court record", agency.case, agency.case)]
    assert any(e.what == "court record" for e in store.as_user("cw").access_log(agency.case))
    assert len(record.notes) == 2


def test_the_agency_name_is_the_databases_setting(store, agency, family):
    assert store.as_user("vaplanner").court_record(agency.case).header.agency == "Harbor"  # the worker's, unset
    store.staffing().set_meta("agency_name", "Harbor County Department of Social Services")
    assert store.as_user("cw").court_record(agency.case).header.agency == "Harbor County Department of Social Services"


@pytest.mark.parametrize("login, kwargs, error, said", [
    ("cwb", {}, NoAccess, "no role in this family"),
    ("clerk", {}, NoAccess, "clerk who enters notes"),
    ("cw", {"case": 999}, NotFound, "no case number 999"),
    ("cw", {"child_id": "ana"}, NotFound, "no child number"),
    ("cw", {"child_id": "lan"}, InvalidRequest, "is not a child of case"),
    ("cw", {"since": date(2026, 3, 5), "until": date(2026, 3, 1)}, InvalidRequest, "after its last day"),
    ("cw", {"since": "03/01/2026"}, InvalidRequest, "write it as YYYY-MM-DD"),
    ("cw", {"until": 20260301}, InvalidRequest, "must be a date"),
])
def test_refusals_are_sentences(store, agency, login, kwargs, error, said):
    kwargs = dict(kwargs)
    case = kwargs.pop("case", agency.case)
    if kwargs.get("child_id") == "ana":
        kwargs["child_id"] = agency.ana
    if kwargs.get("child_id") == "lan":
        [(kwargs["child_id"],)] = _sql(store, "SELECT id FROM persons WHERE first_name = 'Lan'")
    with pytest.raises(error, match=said):
        store.as_user(login).court_record(case, **kwargs)
    assert _sql(store, "SELECT count(*) FROM audit_log WHERE action = 'read court record'") == [(0,)]


def test_an_advocate_produces_only_their_childs_approved_record(store, agency, family):
    store.staffing().appoint_advocate("casa", agency.jay)
    casa = store.as_user("casa")
    record = casa.court_record(agency.case, include_unapproved=True)
    _, later, addendum, _ = family
    assert [n.id for n in record.notes] == [later.id, addendum.id]
    assert [p.name for p in record.persons] == ["Jay Rivera"]
    assert all([a.action for a in n.review] == ["approve"] for n in record.notes)
    with pytest.raises(NoAccess, match="another child"):
        casa.court_record(agency.case, child_id=agency.mia)


def test_a_manifest_checks_against_the_database_until_the_record_changes(store, agency, family):
    cw = store.as_user("cw")
    record = cw.court_record(agency.case)
    manifest = record.manifest
    assert cw.verify_court_record(manifest).all_match
    # A corrected name changes how the record reads: the copy made before no longer matches.
    cw.change_person(agency.mia, first_name="Maya")
    check = cw.verify_court_record(manifest)
    assert not check.all_match and check.manifest_matches
    assert [(n.note_id, n.said) for n in check.notes if not n.matches] == [(family[0].id, "differs")]
    assert _sql(store, "SELECT count(*) FROM audit_log WHERE action = 'verify court record'") == [(2,)]


def test_a_changed_manifest_does_not_match(store, agency, family):
    cw = store.as_user("cw")
    manifest = cw.court_record(agency.case).manifest
    forged = replace(manifest, entries=(ManifestEntry(manifest.entries[0].note_id, manifest.entries[0].version,
                                                      "0" * 64), *manifest.entries[1:]))
    check = cw.verify_court_record(forged)
    assert not check.manifest_matches and check.notes[0].said == "differs" and check.notes[0].found is not None
    missing = replace(manifest, entries=(ManifestEntry(98765, 1, "0" * 64),))
    assert cw.verify_court_record(missing).notes[0].said == "missing"
    assert store.as_user("cwb").verify_court_record(manifest).notes[0].said == "not readable"


def test_a_note_saved_again_since_says_so(store, agency, clock, family):
    *_, draft = family
    cw = store.as_user("cw")
    manifest = cw.court_record(agency.case, include_unapproved=True).manifest
    cw.submit(draft.id)
    check = cw.verify_court_record(manifest)
    entry = next(n for n in check.notes if n.note_id == draft.id)
    assert entry.matches and entry.newer_version == draft.version + 1


@pytest.mark.postgres
@pytest.mark.parametrize("login", ["cw", "supa", "casa"])
def test_as_the_workers_own_database_user_the_record_and_its_hashes_are_the_same(store, agency, clock, family,
                                                                                 role_url, login):
    """On the agency server each worker reads under row-level security: the same record, the same hashes,
    and the export audited by their own session."""
    from store import Store

    store.staffing().appoint_advocate("casa", agency.jay)
    expected = store.as_user(login).court_record(agency.case, include_unapproved=True)
    own = Store.open(role_url(login), clock=clock)
    try:
        desk = own.signed_in()
        record = desk.court_record(agency.case, include_unapproved=True)
        assert [(n.id, n.version, n.sha256, n.review) for n in record.notes] == [
            (n.id, n.version, n.sha256, n.review) for n in expected.notes]
        assert record.documents == expected.documents and record.persons == expected.persons
        assert desk.verify_court_record(record.manifest).all_match
    finally:
        own.close()
    assert _sql(store, "SELECT count(*) FROM audit_log a JOIN workers w ON w.id = a.worker_id "
                       "WHERE a.action = 'read court record' AND w.login = :l", l=login) == [(2,)]


def test_may_produce_says_the_sentence_court_record_refuses_with(store, agency):
    for login, case in (("cwb", agency.case), ("clerk", agency.case), ("cw", 999)):
        said = store.as_user(login).may_produce_court_record(case)
        with pytest.raises((NoAccess, NotFound)) as refused:
            store.as_user(login).court_record(case)
        assert said == refused.value.message
    assert store.as_user("cw").may_produce_court_record(agency.case) is None
