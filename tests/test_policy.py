"""The policy file: shipped defaults, an agency override, clear errors for a bad file."""

import pytest

from store import InvalidNote, Policy, PolicyError, Store


def test_defaults_follow_the_recording_policy():
    policy = Policy._from_dict(_defaults())
    days = {name: (w.amount, w.unit) for name, w in policy.windows.items()}
    assert days == {"entry": (72, "hours"), "review": (5, "calendar_days"), "correction": (3, "calendar_days"),
                    "rereview": (3, "calendar_days"), "freeze": (21, "calendar_days")}
    assert (policy.absence_working_days_before, policy.absence_cutoff.hour) == (2, 17)
    assert (policy.calendar.country, policy.calendar.subdivision) == ("US", "NY")
    assert policy.time_zone == "America/New_York"
    assert "Caseworker/Child Contact" in policy.contact_types and "Attempted – no contact" in policy.methods


def test_agency_file_overrides_only_what_it_names(tmp_path):
    path = tmp_path / "policy.toml"
    path.write_text('[agency]\ntime_zone = "America/Chicago"\n[clock]\ncorrection = { amount = 2, unit = "business_days" }\n')
    policy = Policy.load(path)
    assert policy.time_zone == "America/Chicago"
    assert (policy.windows["correction"].amount, policy.windows["correction"].unit) == (2, "business_days")
    assert policy.windows["freeze"].amount == 21 and policy.windows["review"].amount == 5


def test_agency_file_found_through_environment(tmp_path, monkeypatch):
    path = tmp_path / "agency.toml"
    path.write_text('[clock]\nfreeze = { amount = 14, unit = "calendar_days" }\n')
    monkeypatch.setenv("CASENOTES_POLICY", str(path))
    assert Policy.load().windows["freeze"].amount == 14


@pytest.mark.parametrize("content, message", [
    ("[clock\nfreeze = 3", "not valid TOML"),
    ('[agency]\ntime_zone = "Mars/Olympus"\n', "not a known zone"),
    ('[clock]\nfreeze = { amount = "soon", unit = "calendar_days" }\n', "clock.freeze.amount must be a whole number"),
    ('[clock]\nfreeze = { amount = 0, unit = "calendar_days" }\n', "clock.freeze counts days"),
    ('[clock]\nfreeze = { amount = 48, unit = "hours" }\n', "clock.freeze counts days"),
    ('[clock]\nreview = { amount = 5, unit = "fortnights" }\n', "unit 'fortnights'; use one of hours"),
    ('[clock]\nreview = 5\n', "must be written as"),
    ('[clock]\nreveiw = { amount = 5, unit = "calendar_days" }\n', "'clock.reveiw' that casenotes does not know"),
    ('[notes]\nfreeze_days = 14\n', "'notes.freeze_days' that casenotes does not know"),
    ('[clock.absence]\ncutoff = "5pm"\n', "must be a time such as"),
    ('[clock.absence]\nworking_days_before = -1\n', "at least 0"),
    ('[agency]\nholiday_subdivision = "ZZ"\n', "knows no holidays"),
    ('[agency]\nclosed_days = ["Christmas Eve"]\n', "not a date such as"),
    ('[clock.entry_by_contact_type]\n"Home Visit" = { amount = 3, unit = "calendar_days" }\n', "not one of the agency's contact types"),
    ('[visits]\nmonthly_target_percent = 120\n', "percentage"),
    ('[visits]\nmethod = "Telepathy"\n', "not one of the agency's methods"),
    ('preset = "ohio"\n', "no policy preset called 'ohio'; casenotes ships texas, washington"),
    ('[plans]\ninitial_within_days = 0\n', "plans.initial_within_days must be a whole number of at least 1"),
    ('[plans]\ninitial_within_days = "60 days"\n', "plans.initial_within_days must be a whole number"),
    ('[plans]\ninitial_within_days = 600\n', "due within at most 366 days"),
    ('[plans]\nreview_every_months = 6.5\n', "plans.review_every_months must be a whole number of at least 1"),
    ('[plans]\nreview_every_months = true\n', "plans.review_every_months must be a whole number"),
    ('[plans]\nreview_every_months = 36\n', "reviewed at least every 24 months"),
    ('[plans]\nreview_every_days = 180\n', "'plans.review_every_days' that casenotes does not know"),
])
def test_bad_policy_file_is_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "policy.toml"
    path.write_text(content)
    with pytest.raises(PolicyError, match=message):
        Policy.load(path)


def test_presets_hold_other_jurisdictions_clocks(tmp_path):
    texas, washington = Policy.preset("texas"), Policy.preset("washington")
    assert (texas.time_zone, texas.calendar.subdivision) == ("America/Chicago", "TX")
    assert texas.windows["entry"].describe() == "7 days"
    assert (washington.windows["entry"].describe(), washington.windows["review"].describe()) == ("10 days", "2 business days")
    assert washington.entry_window("Caseworker/Child Contact").describe() == "3 days"
    assert washington.entry_window("School Contact").describe() == "10 days"
    path = tmp_path / "policy.toml"
    path.write_text('preset = "washington"\n[clock]\ncorrection = { amount = 1, unit = "business_days" }\n')
    agency = Policy.load(path)
    assert agency.name.startswith("Washington") and agency.windows["review"].describe() == "2 business days"
    assert agency.windows["correction"].describe() == "1 business day"


def test_plan_clock_defaults_and_agency_override(tmp_path):
    assert (Policy.defaults().plans.initial_within_days, Policy.defaults().plans.review_every_months) == (60, 6)
    path = tmp_path / "policy.toml"
    path.write_text('[plans]\nreview_every_months = 3\n')
    agency = Policy.load(path)
    assert (agency.plans.initial_within_days, agency.plans.review_every_months) == (60, 3)
    assert Policy.preset("texas").plans.initial_within_days == 60


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

    return tomllib.loads(resources.files("store.core").joinpath("policy.toml").read_text("utf-8"))
