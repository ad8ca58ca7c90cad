"""The shape of the agency's records, checked without a database (store/rules/record_shape.py): the
desk and ``casenotes import`` share these rules."""

from datetime import date

import pytest

from store.core.errors import InvalidRequest, InvalidStage
from store.rules.record_shape import (check_birth_date, check_business_function, check_no_supervision_circle,
                                      check_stage_follows, check_stage_kind, supervision_circle)


def test_a_chain_that_reaches_a_director_has_no_circle():
    supervisors = {"cw": "sup", "sup": "director", "director": None}
    assert supervision_circle(supervisors, "cw") is None
    check_no_supervision_circle(supervisors, "cw")


def test_a_circle_in_the_supervision_chain_is_refused_with_its_members():
    supervisors = {"cw": "a", "a": "b", "b": "c", "c": "a"}
    assert supervision_circle(supervisors, "cw") == ["a", "b", "c"]
    with pytest.raises(InvalidRequest, match=r"circle \(a → b → c → a\)"):
        check_no_supervision_circle(supervisors, "cw")


def test_nobody_supervises_themselves():
    with pytest.raises(InvalidRequest, match="own supervisor"):
        check_no_supervision_circle({"a": "a"}, "a")


@pytest.mark.parametrize("type_, parent", [("INV", "INT"), ("FSS", "INV"), ("FSS", "FSI"), ("CCR", "FSS"),
                                           ("INT", None), ("FSI", None), ("FSS", None), ("FAD", None)])
def test_the_stage_tree_allows(type_, parent):
    check_stage_follows(type_, parent)


@pytest.mark.parametrize("type_, parent", [("INV", "FSI"), ("FSS", "INT"), ("CCR", "INV"), ("FSI", "FSS"),
                                           ("CCR", None)])
def test_the_stage_tree_refuses(type_, parent):
    with pytest.raises(InvalidStage):
        check_stage_follows(type_, parent)


def test_stage_kinds():
    check_stage_kind("FSS", "CWS")
    for type_, subtype in (("FSS", None), ("INV", "CWS"), ("XYZ", None), ("FSS", "ABC")):
        with pytest.raises(InvalidStage):
            check_stage_kind(type_, subtype)


def test_a_birth_date_still_to_come_is_refused():
    check_birth_date(date(2026, 3, 2), date(2026, 3, 2))
    check_birth_date(None, date(2026, 3, 2))
    with pytest.raises(InvalidRequest, match="03/03/2026 is still to come"):
        check_birth_date(date(2026, 3, 3), date(2026, 3, 2))


def test_business_functions_are_the_known_ones():
    for code in ("ENT PROG NOTE", "INTAKE", "MAINTAIN STAFF", "ADVOCATE ACCESS"):
        check_business_function(code)
    with pytest.raises(InvalidRequest, match="'MAKE COFFEE' is not a business function"):
        check_business_function("MAKE COFFEE")
