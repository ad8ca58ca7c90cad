"""The agency's policy settings: numbers and picklists, loaded from TOML over shipped defaults.

The defaults live in ``store/policy.toml``. An agency overrides them with its own file, found at
``$CASENOTES_POLICY`` or ``<user config dir>/casenotes/policy.toml``; any key it leaves out keeps
its default.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pendulum


class PolicyError(ValueError):
    """The policy file is unreadable or holds a value casenotes cannot use."""


@dataclass(frozen=True)
class Policy:
    time_zone: str
    freeze_days: int
    entry_window_hours: int
    closed_stage_takes_notes: bool
    narrative_max_chars: int
    review_days: int
    correction_days: int
    rereview_days: int
    contact_types: tuple[str, ...]
    methods: tuple[str, ...]
    locations: tuple[str, ...]
    purposes: tuple[str, ...]
    stage_closure_reasons: tuple[str, ...]

    @property
    def zone(self) -> pendulum.Timezone:
        return pendulum.timezone(self.time_zone)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> "Policy":
        """Shipped defaults, overlaid with the agency file if there is one."""
        data = _read_toml(resources.files("store").joinpath("policy.toml").read_text("utf-8"), "defaults")
        if path is not None and not Path(path).exists():
            raise PolicyError(f"The policy file {path} does not exist.")
        override = Path(path) if path else _agency_policy_path()
        if override and override.exists():
            _overlay(data, _read_toml(override.read_text("utf-8"), str(override)))
        return cls._from_dict(data)

    @classmethod
    def _from_dict(cls, data: dict[str, Any]) -> "Policy":
        try:
            policy = cls(
                time_zone=str(data["agency"]["time_zone"]),
                freeze_days=int(data["notes"]["freeze_days"]),
                entry_window_hours=int(data["notes"]["entry_window_hours"]),
                closed_stage_takes_notes=bool(data["notes"]["closed_stage_takes_notes"]),
                narrative_max_chars=int(data["notes"]["narrative_max_chars"]),
                review_days=int(data["review"]["review_days"]),
                correction_days=int(data["review"]["correction_days"]),
                rereview_days=int(data["review"]["rereview_days"]),
                **{
                    name: tuple(str(v) for v in data["picklists"][name])
                    for name in ("contact_types", "methods", "locations", "purposes", "stage_closure_reasons")
                },
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PolicyError(f"The policy file is missing or has a bad value for {exc}.") from exc
        try:
            pendulum.timezone(policy.time_zone)
        except Exception as exc:
            raise PolicyError(f"The policy's time zone {policy.time_zone!r} is not a known zone.") from exc
        if policy.freeze_days < 1 or policy.narrative_max_chars < 1:
            raise PolicyError("freeze_days and narrative_max_chars must be positive.")
        return policy


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
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _overlay(base[key], value)
        else:
            base[key] = value
