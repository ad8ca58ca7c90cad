"""The agency's policy settings: the casework clock, contact standards and picklists, loaded from TOML
over shipped defaults and checked before anything else runs.

The defaults live in ``store/core/policy.toml``. An agency overrides them with its own file, found at
``$CASENOTES_POLICY`` or ``<user config dir>/casenotes/policy.toml``; any key it leaves out keeps its
default. ``preset = "texas"`` (or ``"washington"``) at the top of that file starts from another
jurisdiction's clock in ``store/core/presets/``. A misspelt or unusable setting stops casenotes with a
sentence naming it, never a silent default.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pendulum

from store.core.work_calendar import UNITS, Window, WorkCalendar

WINDOWS = ("entry", "review", "correction", "rereview", "freeze")
PICKLISTS = ("contact_types", "methods", "locations", "purposes", "stage_closure_reasons", "sexes", "relationships",
             "business_functions", "document_kinds")
PRESENT = ("children", "caregivers", "parents")  # who a contact type's default ticks as present


class PolicyError(ValueError):
    """The policy file is unreadable or holds a value casenotes cannot use."""


@dataclass(frozen=True)
class VisitPolicy:
    method: str
    residence: str
    monthly_target_percent: int
    residence_target_percent: int
    new_placement_days: int
    new_placement_contacts: int


@dataclass(frozen=True)
class ContactDefaults:
    """What a new note of one contact type starts with (``[picklists.defaults."<type>"]``)."""

    method: str | None = None
    location: str | None = None
    purposes: tuple[str, ...] = ()
    present: tuple[str, ...] = ()  # of PRESENT: which of the stage's people are ticked


@dataclass(frozen=True)
class DocumentPolicy:
    max_bytes: int  # the largest upload accepted (25 MB)


@dataclass(frozen=True)
class AdvocatePolicy:
    review_every_days: int  # how often the programme's representatives confirm an advocate's access


@dataclass(frozen=True)
class PlanPolicy:
    """When case plans are due (``[plans]``): the first within days of the case opening or a child's
    entry into care, then a review within months of the last approved plan; and how many days a plan
    element may go undiscussed in the notes before the coverage view flags it."""

    initial_within_days: int = 60
    review_every_months: int = 6
    coverage_window_days: int = 30


@dataclass(frozen=True)
class MailPolicy:
    """The agency's SMTP relay for notifications by e-mail; no host: notifications stay in the app."""

    smtp_host: str
    smtp_port: int
    sender: str
    where: str  # how an e-mail names the place to look ("casenotes")

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host)


@dataclass(frozen=True, eq=False)
class Policy:
    name: str
    time_zone: str
    calendar: WorkCalendar
    windows: dict[str, Window]
    entry_by_contact_type: dict[str, Window]
    absence_working_days_before: int
    absence_cutoff: time
    visits: VisitPolicy
    closed_stage_takes_notes: bool
    narrative_max_chars: int
    contact_types: tuple[str, ...]
    methods: tuple[str, ...]
    locations: tuple[str, ...]
    purposes: tuple[str, ...]
    stage_closure_reasons: tuple[str, ...]
    sexes: tuple[str, ...]
    relationships: tuple[str, ...]
    business_functions: tuple[str, ...]  # what a worker profile may grant (MAINTAIN STAFF, INTAKE, …)
    document_kinds: tuple[str, ...]
    documents: DocumentPolicy
    advocates: AdvocatePolicy
    mail: MailPolicy
    plans: PlanPolicy = PlanPolicy()
    contact_defaults: dict[str, ContactDefaults] = field(default_factory=dict)

    @property
    def zone(self) -> pendulum.Timezone:
        return pendulum.timezone(self.time_zone)

    def entry_window(self, contact_type: str | None) -> Window:
        return self.entry_by_contact_type.get(contact_type or "", self.windows["entry"])

    def defaults_for(self, contact_type: str | None) -> ContactDefaults:
        """The usual method, location, purposes and people present for a contact type (none if unlisted)."""
        return self.contact_defaults.get(contact_type or "", ContactDefaults())

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Policy:
        """Shipped defaults, overlaid with a preset if the agency file names one, then the agency file."""
        data = _read_toml(resources.files("store.core").joinpath("policy.toml").read_text("utf-8"), "defaults")
        if path is not None and not Path(path).exists():
            raise PolicyError(f"The policy file {path} does not exist.")
        override_path = Path(path) if path else _agency_policy_path()
        override: dict[str, Any] = {}
        if override_path and override_path.exists():
            override = _read_toml(override_path.read_text("utf-8"), str(override_path))
            _refuse_unknown(data, override, str(override_path))
        shipped = data["picklists"].pop("defaults", {})
        if preset := override.pop("preset", None):
            _overlay(data, preset_data(preset))
        _overlay(data, override)
        _keep_fitting_defaults(data, shipped)
        return cls._from_dict(data)

    @classmethod
    def defaults(cls) -> Policy:
        """The shipped defaults alone, whatever agency file this machine has."""
        shipped = resources.files("store.core").joinpath("policy.toml").read_text("utf-8")
        return cls._from_dict(_read_toml(shipped, "defaults"))

    @classmethod
    def preset(cls, name: str) -> Policy:
        """The shipped defaults with one jurisdiction's preset on top (``texas``, ``washington``)."""
        data = _read_toml(resources.files("store.core").joinpath("policy.toml").read_text("utf-8"), "defaults")
        shipped = data["picklists"].pop("defaults", {})
        _overlay(data, preset_data(name))
        _keep_fitting_defaults(data, shipped)
        return cls._from_dict(data)

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> Policy:
        try:
            agency, clock, visits = data["agency"], data["clock"], data["visits"]
            picklists = {name: tuple(str(v) for v in data["picklists"][name]) for name in PICKLISTS}
            time_zone = str(agency["time_zone"])
            zone = _zone(time_zone)
            calendar = _calendar(agency, zone)
            windows = {name: _window(clock[name], f"clock.{name}") for name in WINDOWS}
            by_type = {str(kind): _window(spec, f"clock.entry_by_contact_type.{kind!r}")
                       for kind, spec in clock.get("entry_by_contact_type", {}).items()}
            policy = cls(
                name=str(data.get("name", "custom")), time_zone=time_zone, calendar=calendar,
                windows=windows, entry_by_contact_type=by_type,
                absence_working_days_before=_count(clock["absence"]["working_days_before"],
                                                   "clock.absence.working_days_before"),
                absence_cutoff=_clock_time(clock["absence"]["cutoff"]),
                visits=VisitPolicy(
                    method=str(visits["method"]), residence=str(visits["residence"]),
                    monthly_target_percent=_percent(visits["monthly_target_percent"], "visits.monthly_target_percent"),
                    residence_target_percent=_percent(visits["residence_target_percent"],
                                                      "visits.residence_target_percent"),
                    new_placement_days=_count(visits["new_placement_days"], "visits.new_placement_days", least=1),
                    new_placement_contacts=_count(visits["new_placement_contacts"], "visits.new_placement_contacts",
                                                  least=1)),
                closed_stage_takes_notes=_flag(data["notes"]["closed_stage_takes_notes"],
                                               "notes.closed_stage_takes_notes"),
                narrative_max_chars=_count(data["notes"]["narrative_max_chars"], "notes.narrative_max_chars", least=1),
                **picklists,
                documents=DocumentPolicy(max_bytes=_count(data["documents"]["max_bytes"], "documents.max_bytes",
                                                          least=1)),
                advocates=AdvocatePolicy(review_every_days=_count(data["advocates"]["review_every_days"],
                                                                  "advocates.review_every_days", least=1)),
                mail=MailPolicy(smtp_host=str(data["notifications"]["smtp_host"]),
                                smtp_port=_count(data["notifications"]["smtp_port"], "notifications.smtp_port",
                                                 least=1),
                                sender=str(data["notifications"]["sender"]),
                                where=str(data["notifications"]["where"])),
                contact_defaults=_contact_defaults(data["picklists"].get("defaults", {}), picklists),
                plans=_plans(data["plans"]),
            )
        except KeyError as exc:
            raise PolicyError(f"The policy has no setting {exc}; it is needed.") from exc
        except (TypeError, AttributeError) as exc:
            raise PolicyError(f"The policy has a bad value: {exc}.") from exc
        _check_consistent(policy)
        return policy


def preset_data(name: str) -> dict[str, Any]:
    shipped = resources.files("store.core").joinpath("presets")
    known = sorted(p.name.removesuffix(".toml") for p in shipped.iterdir() if p.name.endswith(".toml"))
    if name not in known:
        raise PolicyError(f"There is no policy preset called {name!r}; casenotes ships {', '.join(known)}.")
    return _read_toml(shipped.joinpath(f"{name}.toml").read_text("utf-8"), f"preset {name}")


def _keep_fitting_defaults(data: dict[str, Any], shipped: dict[str, Any]) -> None:
    """The shipped contact defaults that still fit the agency's picklists, under the agency's own.

    An agency that renames its contact types or methods need not restate every default: a shipped
    one naming a value its lists no longer hold is left out. The agency's own defaults are checked
    strictly by `_contact_defaults`."""
    lists = data["picklists"]
    fits: dict[str, Callable[[Any], bool]] = {
        "method": lambda v: v in lists["methods"], "location": lambda v: v in lists["locations"],
        "purposes": lambda v: all(p in lists["purposes"] for p in v), "present": lambda v: True}
    kept = {kind: {key: value for key, value in entry.items() if fits[key](value)}
            for kind, entry in shipped.items() if kind in lists["contact_types"]}
    for kind, entry in lists.get("defaults", {}).items():
        kept[kind] = {**kept.get(kind, {}), **entry} if isinstance(entry, dict) else entry
    lists["defaults"] = kept


def _contact_defaults(spec: Any, picklists: dict[str, tuple[str, ...]]) -> dict[str, ContactDefaults]:
    if not isinstance(spec, dict):
        raise PolicyError("The policy setting picklists.defaults must be a table of contact types.")
    found = {}
    for kind, entry in spec.items():
        where = f"picklists.defaults.{kind!r}"
        if kind not in picklists["contact_types"]:
            raise PolicyError(f"{where} is not one of the agency's contact types.")
        if not isinstance(entry, dict):
            raise PolicyError(f"The policy setting {where} must be a table (method, location, purposes, present).")
        if unknown := sorted(set(entry) - {"method", "location", "purposes", "present"}):
            raise PolicyError(f"The policy setting {where} has {', '.join(map(repr, unknown))}, which casenotes "
                              "does not know; use method, location, purposes and present.")
        method, location = entry.get("method"), entry.get("location")
        if method is not None and method not in picklists["methods"]:
            raise PolicyError(f"{where}: method {method!r} is not one of the agency's methods.")
        if location is not None and location not in picklists["locations"]:
            raise PolicyError(f"{where}: location {location!r} is not one of the agency's locations.")
        purposes, present = entry.get("purposes", []), entry.get("present", [])
        if not isinstance(purposes, list) or any(p not in picklists["purposes"] for p in purposes):
            raise PolicyError(f"{where}: purposes must be a list of the agency's purposes, not {purposes!r}.")
        if not isinstance(present, list) or any(p not in PRESENT for p in present):
            raise PolicyError(f"{where}: present must be a list of {', '.join(map(repr, PRESENT))}, not {present!r}.")
        found[kind] = ContactDefaults(method, location, tuple(purposes), tuple(present))
    return found


PLAN_MOST_DAYS, PLAN_MOST_MONTHS = 366, 24  # beyond these a plan's clock is a typo, not a policy


def _plans(spec: Any) -> PlanPolicy:
    if not isinstance(spec, dict):
        raise PolicyError("The policy setting plans must be a table (initial_within_days, review_every_months, "
                          "coverage_window_days).")
    days = _count(spec["initial_within_days"], "plans.initial_within_days", least=1)
    months = _count(spec["review_every_months"], "plans.review_every_months", least=1)
    coverage = _count(spec["coverage_window_days"], "plans.coverage_window_days", least=1)
    if days > PLAN_MOST_DAYS:
        raise PolicyError(f"The policy setting plans.initial_within_days is {days}: a first case plan is due within "
                          f"at most {PLAN_MOST_DAYS} days of the case opening or a placement.")
    if months > PLAN_MOST_MONTHS:
        raise PolicyError(f"The policy setting plans.review_every_months is {months}: a case plan is reviewed at "
                          f"least every {PLAN_MOST_MONTHS} months.")
    if coverage > PLAN_MOST_DAYS:
        raise PolicyError(f"The policy setting plans.coverage_window_days is {coverage}: a plan element is discussed "
                          f"in the notes at least every {PLAN_MOST_DAYS} days.")
    return PlanPolicy(initial_within_days=days, review_every_months=months, coverage_window_days=coverage)


def _window(spec: Any, where: str) -> Window:
    if not isinstance(spec, dict) or set(spec) != {"amount", "unit"}:
        raise PolicyError(f"The policy setting {where} must be written as {{ amount = 5, unit = \"calendar_days\" }}.")
    unit = spec["unit"]
    if unit not in UNITS:
        raise PolicyError(f"The policy setting {where} has the unit {unit!r}; use one of {', '.join(UNITS)}.")
    amount = _count(spec["amount"], f"{where}.amount", least=1 if unit == "hours" else 0)
    if where == "clock.freeze" and (unit == "hours" or amount < 1):
        raise PolicyError("The policy setting clock.freeze counts days after the entry date: at least 1 "
                          "calendar_days or business_days.")
    return Window(amount, unit)


def _count(value: Any, where: str, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise PolicyError(f"The policy setting {where} must be a whole number of at least {least}, not {value!r}.")
    return value


def _percent(value: Any, where: str) -> int:
    percent = _count(value, where)
    if percent > 100:
        raise PolicyError(f"The policy setting {where} is a percentage (0 to 100), not {percent}.")
    return percent


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise PolicyError(f"The policy setting {where} must be true or false, not {value!r}.")
    return value


def _clock_time(value: Any) -> time:
    found = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(value).strip())
    if not found:
        raise PolicyError(f"The policy setting clock.absence.cutoff must be a time such as \"17:00\", not {value!r}.")
    return time(int(found.group(1)), int(found.group(2)))


def _zone(name: str) -> pendulum.Timezone:
    try:
        return pendulum.timezone(name)
    except Exception as exc:
        raise PolicyError(f"The policy's time zone {name!r} is not a known zone.") from exc


def _calendar(agency: dict[str, Any], zone: pendulum.Timezone) -> WorkCalendar:
    closed: set[date] = set()
    for value in agency.get("closed_days", []):
        try:
            closed.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
        except ValueError:
            raise PolicyError(f"The policy's closed day {value!r} is not a date such as 2026-12-24.") from None
    country, subdivision = str(agency["holiday_country"]), agency.get("holiday_subdivision") or None
    working = agency.get("working_holidays", [])
    if not isinstance(working, list) or not all(isinstance(name, str) for name in working):
        raise PolicyError("The policy setting agency.working_holidays must be a list of holiday names.")
    try:
        return WorkCalendar(zone, country, subdivision, frozenset(closed), frozenset(working))
    except NotImplementedError:
        raise PolicyError(f"The holidays package knows no holidays for country {country!r}"
                          + (f" and state {subdivision!r}." if subdivision else ".")) from None


def _check_consistent(policy: Policy) -> None:
    unknown = sorted(set(policy.entry_by_contact_type) - set(policy.contact_types))
    if unknown:
        raise PolicyError(f"clock.entry_by_contact_type names {', '.join(map(repr, unknown))}, which is not one of "
                          "the agency's contact types.")
    if policy.visits.method not in policy.methods:
        raise PolicyError(f"visits.method {policy.visits.method!r} is not one of the agency's methods.")
    if policy.visits.residence not in policy.locations:
        raise PolicyError(f"visits.residence {policy.visits.residence!r} is not one of the agency's locations.")
    for name in PICKLISTS:
        if not getattr(policy, name):
            raise PolicyError(f"The picklist {name} is empty.")


def _refuse_unknown(defaults: dict[str, Any], override: dict[str, Any], where: str, prefix: str = "") -> None:
    """A misspelt setting would otherwise be ignored silently and the default used instead."""
    for key, value in override.items():
        path = f"{prefix}{key}"
        if path in ("preset", "name") or prefix in ("clock.entry_by_contact_type.", "picklists.defaults."):
            continue
        if key not in defaults:
            raise PolicyError(f"The policy file {where} has a setting {path!r} that casenotes does not know; "
                              "check its spelling against store/core/policy.toml.")
        if isinstance(value, dict) and isinstance(defaults[key], dict) and path not in (f"clock.{w}" for w in WINDOWS):
            _refuse_unknown(defaults[key], value, where, f"{path}.")


def _agency_policy_path() -> Path | None:
    if env := os.environ.get("CASENOTES_POLICY"):
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("casenotes")) / "policy.toml"


def _read_toml(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"The policy file {where} is not valid TOML: {exc}") from exc


def _overlay(base: dict[str, Any], override: dict[str, Any]) -> None:
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict) and key not in WINDOWS:
            _overlay(base[key], value)
        else:
            base[key] = value
