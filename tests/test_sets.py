"""Result values (engine/sets.py): the set kinds are an enum that still reads as plain strings."""

from __future__ import annotations

import json
import pickle

import pytest

from clarke_core import clarke_set
from clarke_core.engine.sets import KINDS, DifferentialSet, SetKind


@pytest.mark.parametrize("kind", ["square", "Point", "", None, 3], ids=repr)
def test_an_unknown_kind_is_refused(kind):
    with pytest.raises(ValueError, match="unknown kind"):
        DifferentialSet(kind, [])


@pytest.mark.parametrize("kind", KINDS)
def test_a_kind_is_a_member_equal_to_its_string(kind):
    s = DifferentialSet(kind, [])
    assert s.kind is SetKind(kind) and s.kind == kind and str(s.kind) == kind
    assert repr(s.kind) == repr(kind)
    assert json.loads(json.dumps(s.to_dict()))["kind"] == kind
    assert type(s.to_dict()["kind"]) is str
    assert pickle.loads(pickle.dumps(s)).kind is SetKind(kind)


def test_the_public_contract_compares_kinds_with_strings():
    assert clarke_set("max(x, y)", "0, 0").kind == "segment"
    assert clarke_set("abs(x)", "0").kind == SetKind.INTERVAL
    assert {k.value for k in SetKind} == set(KINDS)
