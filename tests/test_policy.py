"""The policy file: shipped defaults, an agency override, clear errors for a bad file."""

import pytest

from store import InvalidNote, Policy, PolicyError, Store


def test_defaults_follow_the_recording_policy():
    policy = Policy._from_dict(_defaults())
    assert (policy.freeze_days, policy.entry_window_hours) == (21, 72)
    assert (policy.review_days, policy.correction_days, policy.rereview_days) == (5, 3, 3)
    assert policy.time_zone == "America/New_York"
    assert "Caseworker/Child Contact" in policy.contact_types and "Attempted – no contact" in policy.methods


def test_agency_file_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('[agency]\ntime_zone = "America/Chicago"\n[review]\ncorrection_days = 5\n')
    policy = Policy.load(path)
    assert (policy.time_zone, policy.correction_days, policy.freeze_days) == ("America/Chicago", 5, 21)


def test_agency_file_found_through_environment(tmp_path, monkeypatch):
    path = tmp_path / "agency.toml"
    path.write_text("[notes]\nfreeze_days = 14\n")
    monkeypatch.setenv("CASENOTES_POLICY", str(path))
    assert Policy.load().freeze_days == 14


@pytest.mark.parametrize("content, message", [
    ("[notes\nfreeze_days = 3", "not valid TOML"),
    ('[agency]\ntime_zone = "Mars/Olympus"\n', "not a known zone"),
    ('[notes]\nfreeze_days = "soon"\n', "bad value"),
    ("[notes]\nfreeze_days = 0\n", "must be positive"),
])
def test_bad_policy_file_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "policy.toml"
    path.write_text(content)
    with pytest.raises(PolicyError, match=message):
        Policy.load(path)


def test_named_policy_file_must_exist(tmp_path):
    with pytest.raises(PolicyError, match="does not exist"):
        Policy.load(tmp_path / "missing.toml")


def test_picklists_come_from_the_policy(tmp_path, clock):
    path = tmp_path / "policy.toml"
    path.write_text('[picklists]\ncontact_types = ["Home Study", "Addendum"]\n')
    store = Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}", clock=clock, policy=Policy.load(path))
    s = store.staffing()
    s.add_worker("cw", "Cara", "Caseworker")
    case = s.open_case("Lee")
    kid = s.add_person(case, "Kim", "Lee", "child", is_child=True)
    stage = s.open_stage(case, "FSS", subtype="CWS", case_manager="cw", person_ids=[kid])
    clock.advance(hours=2)
    note = store.as_user("cw").add_note(stage, event_at=clock.now(), contact_type="Home Study", narrative="Seen.")
    assert note.contact_type == "Home Study"
    with pytest.raises(InvalidNote, match="contact types"):
        store.as_user("cw").add_note(stage, event_at=clock.now(), contact_type="Caseworker/Child Contact",
                                     narrative="Seen.")
    store.close()


def _defaults():
    import tomllib
    from importlib import resources

    return tomllib.loads(resources.files("store").joinpath("policy.toml").read_text("utf-8"))
