"""comparison.why_they_differ: the paragraph is read off the sets, so each case of the sets gives
its own explanation; and set_text writes sets as a student reads them."""

from __future__ import annotations

import pytest
import sympy as sp

from clarke_core.engine.sets import DifferentialSet
from clarke_core.views.comparison import set_text, why_they_differ
from clarke_core.views.explore_1d import explore_1d
from clarke_core.views.explore_2d import explore_2d

UNIT = DifferentialSet("interval", [(0.0,), (1.0,)], [(sp.Integer(0),), (sp.Integer(1),)])
ZERO = DifferentialSet("point", [(0.0,)], [(sp.Integer(0),)])
EMPTY = DifferentialSet("empty", [])
NOT_LIPSCHITZ = DifferentialSet("unbounded", [])
SEGMENT = DifferentialSet("segment", [(0.0, -1.0), (0.0, 1.0)])
ORIGIN = DifferentialSet("point", [(0.0, 0.0)], certified=False)


@pytest.mark.parametrize(("clarke", "sub", "convex", "dim", "starts", "says"), [
    (UNIT, UNIT, True, 1, "They are equal because f is convex", "both sets are [0, 1]"),
    (ZERO, ZERO, False, 1, "They are equal here, {0}", "not known to be convex"),
    (UNIT, EMPTY, False, 1, "They differ completely", "no s does here"),
    (UNIT, ZERO, False, 1, "The subdifferential {0} is smaller than the Clarke set [0, 1]",
     "for instance s = 1"),
    (SEGMENT, ORIGIN, False, 2, "The subdifferential {(0, 0)} is smaller",
     "the plane f(x₀) + ⟨s, x − x₀⟩ rises above"),
    (NOT_LIPSCHITZ, EMPTY, False, 1, "There is no Clarke set to compare",
     "none does, so the subdifferential is the empty set ∅"),  # ∅ is a set, not "missing"
    (NOT_LIPSCHITZ, ZERO, False, 1, "There is no Clarke set to compare", "still gives {0}"),
    (UNIT, None, False, 1, "The Clarke set is [0, 1]", "does not guess"),
    (ZERO, UNIT, False, 1, "The Clarke set is {0} and the subdifferential", "read both"),
], ids=["convex-equal", "equal-not-convex", "empty", "smaller-1d", "smaller-2d",
        "not-lipschitz-empty", "not-lipschitz-sub", "undecided", "not-inside"])
def test_each_relation_of_the_sets_has_its_explanation(clarke, sub, convex, dim, starts, says):
    text = why_they_differ(clarke, sub, convex=convex, dim=dim)
    assert text.startswith(starts) and says in text, text
    assert ("plane" if dim == 1 else " line") not in text, "1D speaks of lines, 2D of planes"


@pytest.mark.parametrize(("dset", "text"), [
    (DifferentialSet("interval", [(-2.83,), (2.83,)], [(-2 * sp.sqrt(2),), (2 * sp.sqrt(2),)]),
     "[-2√2, 2√2]"),
    (DifferentialSet("point", [(3.14,)], [(sp.pi,)]), "{π}"),
    (DifferentialSet("polygon", [(0.0, -1.0), (1.0, 0.0), (0.0, 1.0)]),
     "conv{(0, -1), (1, 0), (0, 1)}"),
    (DifferentialSet("point", [(0.123456, 2.0)]), "{(0.1235, 2)}"),
    (DifferentialSet("convex", [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0)]),
     "a convex set with a curved boundary"),
    (EMPTY, "∅"),
], ids=["surds", "pi", "polygon", "decimals", "curved", "empty"])
def test_set_text(dset, text):
    assert set_text(dset) == text


@pytest.mark.parametrize(("explore", "f", "at", "phrase"), [
    (explore_1d, "max(0, x)", "0", "equal because f is convex"),
    (explore_1d, "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1", "empty"),
    (explore_2d, "abs(x) + abs(y)", "0, 0", "equal because f is convex"),
    (explore_2d, "max(x, y) - x**2", "0, 0", "They differ completely"),
], ids=["relu", "lecture-figure-1", "l1", "max-minus-square"])
def test_the_explorations_carry_the_paragraph(explore, f, at, phrase):
    assert phrase in explore(f, at).why


def test_a_jump_is_not_explained_as_unbounded_slopes():
    # sign(x) at 0: the slopes are 0 on both sides; f jumps. ∂ₛf(0) is still defined (and empty).
    from clarke_core import clarke_set, subdifferential

    text = why_they_differ(clarke_set("sign(x)", "0"), subdifferential("sign(x)", "0"),
                           convex=False, dim=1)
    assert "f jumps at x₀" in text and "without bound" not in text
    slopes = why_they_differ(clarke_set("sqrt(abs(x))", "0"), subdifferential("sqrt(abs(x))", "0"),
                             convex=False, dim=1)
    assert "grow without bound" in slopes and "still gives {0}" in slopes


def test_set_text_says_when_a_set_was_only_checked_numerically():
    assert set_text(DifferentialSet("point", [(0.5,)], certified=False)) == (
        "{0.5} (checked numerically)")
    assert set_text(DifferentialSet("point", [(0.5,)])) == "{0.5}"
