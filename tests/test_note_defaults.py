"""What a new note starts with: now rounded to the quarter hour, and per contact type the policy's
usual method, location and purposes with the stage's children and their current caregiver ticked."""

from datetime import date, datetime, timedelta, timezone

import pytest

from store import Policy, PolicyError
from store.desks.note_defaults import rounded_down

CHILD_CONTACT = "Caseworker/Child Contact"


@pytest.fixture
def family(store, agency):
    """A family with a foster parent on its FSS stage: (stage, child, mother, foster parent)."""
    s = store.staffing()
    case = s.open_case("Okafor")
    child = s.add_person(case, "Ada", "Okafor", "child", is_child=True)
    mother = s.add_person(case, "Ngozi", "Okafor", "mother")
    foster = s.add_person(case, "Ruth", "Baker", "foster parent")
    stage = s.open_stage(case, "FSS", subtype="CWS", case_manager="cw", person_ids=[child, mother, foster])
    return stage, child, mother, foster


def test_child_at_home_has_the_parents_as_caregivers(store, agency, family):
    stage, child, mother, _ = family
    cw = store.as_user("cw")
    assert cw.default_participants(stage, CHILD_CONTACT) == [child, mother]
    assert cw.default_participants(agency.fss, CHILD_CONTACT) == [agency.jay, agency.mia, agency.ana]


def test_placed_child_has_the_foster_parent_as_caregiver_until_the_placement_ends(store, agency, family):
    stage, child, mother, foster = family
    today = date(2026, 3, 2)  # the clock's day in New York
    placement = store.staffing().place_child(stage, child, today - timedelta(days=3))
    cw = store.as_user("cw")
    assert cw.default_participants(stage, CHILD_CONTACT) == [child, foster]
    assert cw.default_participants(stage, "Birth Parent/Caseworker Contact") == [mother]  # "parents" only
    store.staffing().end_placement(placement, today - timedelta(days=1))
    assert cw.default_participants(stage, CHILD_CONTACT) == [child, mother]


def test_each_contact_type_brings_the_policy_defaults(store, agency):
    defaults = store.as_user("cw").note_defaults(agency.fss)
    visit = defaults.for_contact(CHILD_CONTACT)
    assert (visit.method, visit.location, visit.purposes) == (
        "Face to face", "Child's residence (foster/kinship home)", ("Safety", "Well-being", "Permanency planning"))
    school = defaults.for_contact("School Contact")
    assert (school.location, school.participants) == ("School", (agency.jay, agency.mia))
    unlisted = defaults.for_contact("Supervisory Conference")
    assert (unlisted.method, unlisted.location, unlisted.purposes, unlisted.participants) == (None, None, (), ())


def test_the_default_time_is_now_rounded_down_to_the_quarter_hour(store, agency, clock):
    clock.set(datetime(2026, 3, 2, 20, 52, 31, tzinfo=timezone.utc))
    assert store.as_user("cw").note_defaults(agency.fss).event_at == datetime(2026, 3, 2, 20, 45, tzinfo=timezone.utc)
    assert rounded_down(datetime(2026, 3, 2, 20, 45, tzinfo=timezone.utc)) == datetime(2026, 3, 2, 20, 45,
                                                                                         tzinfo=timezone.utc)


# -- the policy's [picklists.defaults] -------------------------------------------------------------------

def test_agency_file_changes_one_default_and_keeps_the_rest(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('[picklists.defaults."Caseworker/Child Contact"]\nlocation = "Agency office"\n'
                    '[picklists.defaults."Sibling Visit"]\npresent = ["children", "parents"]\n')
    policy = Policy.load(path)
    visit = policy.defaults_for(CHILD_CONTACT)
    assert (visit.method, visit.location, visit.present) == ("Face to face", "Agency office", ("children", "caregivers"))
    assert policy.defaults_for("Sibling Visit").present == ("children", "parents")


def test_agency_with_its_own_lists_keeps_only_the_shipped_defaults_that_fit(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('[picklists]\ncontact_types = ["Caseworker/Child Contact", "Home Study", "Addendum"]\n'
                    'methods = ["In person", "Telephone"]\n[visits]\nmethod = "In person"\n')
    policy = Policy.load(path)
    assert set(policy.contact_defaults) == {CHILD_CONTACT}
    visit = policy.defaults_for(CHILD_CONTACT)
    assert (visit.method, visit.location) == (None, "Child's residence (foster/kinship home)")


@pytest.mark.parametrize("content, message", [
    ('[picklists.defaults."Home Visit"]\nmethod = "Face to face"\n', "'Home Visit' is not one of the agency's contact types"),
    ('[picklists.defaults."Sibling Visit"]\nmethod = "Telepathy"\n', "method 'Telepathy' is not one of the agency's methods"),
    ('[picklists.defaults."Sibling Visit"]\nlocation = "Moon"\n', "location 'Moon' is not one of the agency's locations"),
    ('[picklists.defaults."Sibling Visit"]\npurposes = "Safety"\n', "purposes must be a list of the agency's purposes"),
    ('[picklists.defaults."Sibling Visit"]\npresent = ["cousins"]\n', "present must be a list of 'children'"),
    ('[picklists.defaults."Sibling Visit"]\nmetod = "Video"\n', "'metod', which casenotes does not know"),
    ('[picklists.defaults]\n"Sibling Visit" = "Video"\n', "must be a table"),
])
def test_bad_contact_defaults_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "policy.toml"
    path.write_text(content)
    with pytest.raises(PolicyError, match=message):
        Policy.load(path)
