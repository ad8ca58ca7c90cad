"""``casenotes policy``: the casework clock as casenotes reads it from the policy files, so that an
agency can check its own file (or a preset) before anyone signs in."""

from __future__ import annotations

from datetime import date, timedelta

from store import Clock, Policy, SystemClock


def describe(policy: Policy, today: date, days_ahead: int = 365) -> str:
    """The clock in words: windows, contact-type exceptions, the absence rule, visit standards, the
    case-plan clock, and the days the agency is closed in the coming year."""
    w = policy.windows
    lines = [
        f"Policy: {policy.name}",
        f"Agency time zone: {policy.time_zone}; holidays of {policy.calendar.country}"
        + (f"-{policy.calendar.subdivision}" if policy.calendar.subdivision else ""),
        f"Record each contact within {w['entry'].describe()} of the event.",
        *(f"  {kind}: within {window.describe()}." for kind, window in sorted(policy.entry_by_contact_type.items())),
        f"The supervisor reviews within {w['review'].describe()} of receiving a note, "
        f"a corrected one within {w['rereview'].describe()}.",
        f"A returned note is corrected and resubmitted within {w['correction'].describe()}.",
        f"A note freezes {w['freeze'].describe()} after its entry date.",
        f"Before an absence, pending notes are submitted by {policy.absence_cutoff:%H:%M}, "
        f"{policy.absence_working_days_before} working days before it starts.",
        f"Foster care: a {policy.visits.method.lower()} visit every calendar month (target "
        f"{policy.visits.monthly_target_percent}%), at least {policy.visits.residence_target_percent}% in the "
        f"residence, {policy.visits.new_placement_contacts} contacts in a placement's first "
        f"{policy.visits.new_placement_days} days.",
        f"Case plans: the first within {policy.plans.initial_within_days} days of the case opening or a child's "
        f"entry into care, reviewed every {policy.plans.review_every_months} months.",
        f"A plan element no submitted or approved note has discussed for more than "
        f"{policy.plans.coverage_window_days} days is flagged in the coverage view.",
        f"Closed days from {today:%m/%d/%Y} to {today + timedelta(days=days_ahead):%m/%d/%Y} (weekdays only):",
    ]
    day = today
    while day <= today + timedelta(days=days_ahead):
        name = policy.calendar.holiday(day)
        if name and day.weekday() < 5:
            lines.append(f"  {day:%a %m/%d/%Y}  {name}")
        day += timedelta(days=1)
    return "\n".join(lines)


def run_policy(args, clock: Clock | None = None) -> int:
    policy = Policy.preset(args.preset) if args.preset else Policy.load()
    print(describe(policy, policy.calendar.local_day((clock or SystemClock()).now())))
    return 0
