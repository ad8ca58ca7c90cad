"""The keys a caseworker presses to log one home visit from the caseload: "Caseworker/Child
Contact, face to face, at the child's residence, child and foster parent present, today 2 pm",
with a one-line narrative. Shared by the Pilot flow test and ``bench/keystrokes.py``."""

from __future__ import annotations

from tui.widgets.picklist import _words, match_rank, recent_first

NARRATIVE = "Child seen at home with the foster mother; he showed his new school bag."
VISIT = {"contact_type": "Caseworker/Child Contact", "method": "Face to face",
         "location": "Child's residence (foster/kinship home)", "purposes": "Safety"}


def pick(value: str, choices, recent) -> list[str]:
    """A number key when the value is among the first nine rows, else the first letters of as few of
    its words as put it at the top of the narrowed list, and Enter."""
    ordered = recent_first(choices, recent)
    row = ordered.index(value) + 1
    if row <= 9:
        return [str(row)]
    words = _words(value)
    for count in range(1, len(words) + 1):
        typed = " ".join(word[:4] for word in words[:count])
        ranked = sorted((rank, n) for n, option in enumerate(ordered)
                        if (rank := match_rank(typed, option)) is not None)
        if ordered[ranked[0][1]] == value:
            return [*("space" if char == " " else char for char in typed), "enter"]
    raise ValueError(f"No typed prefix picks {value!r} first")


def home_visit(policy, recent: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Each step with its keys; the narrative is typed as one step and counted as one key."""
    contacts = [c for c in policy.contact_types if c != "Addendum"]
    return [
        ("new note on the highlighted stage", ["ctrl+n"]),
        ("when: today 2 pm", ["2", "p", "m", "tab"]),
        ("contact type", pick(VISIT["contact_type"], contacts, recent.get("contact_type", []))),
        ("method", pick(VISIT["method"], policy.methods, recent.get("method", []))),
        ("location", pick(VISIT["location"], policy.locations, recent.get("location", []))),
        ("purpose", [*pick(VISIT["purposes"], policy.purposes, recent.get("purposes", [])), "tab"]),
        ("child and foster parent present", ["space", "end", "space", "tab"]),
        ("no others present", ["tab"]),
        ("narrative, one line", [NARRATIVE]),
        ("send for review", ["ctrl+r"]),
    ]


def count(steps: list[tuple[str, list[str]]]) -> int:
    return sum(len(keys) for _, keys in steps)
