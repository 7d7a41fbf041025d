"""Feedback on an answer in ℝⁿ (n = 3 … 8): a hull or a finite set of points, compared with the
exact polytope by exact LP membership (``lp_exact``), never by floats when the answer is exact.

Two polytopes are the same set exactly when each one's points lie in the other's hull (so the
answer's hull has the set's vertex set: redundant or repeated points do not matter). Typed
decimals are compared within ``DECIMAL_TOLERANCE`` (relative) by a float LP. The score is 1 for
the right set, ``CONTAINED_SCORE`` when one contains the other, else 0 (volumes of polytopes in
ℝⁿ are not computed).

>>> from clarke_core.api import clarke_set
>>> from clarke_core.grading.answers import parse_answer
>>> truth = clarke_set("max(x, y, z)", "0, 0, 0")
>>> compare_nd(parse_answer("conv{(1, 0, 0), (0, 1, 0), (0, 0, 1)}", 3), truth, "clarke",
...            None).correct
True
>>> compare_nd(parse_answer("{(1/3, 1/3, 1/3)}", 3), truth, "clarke", None).diagnosis
'one_value'
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

from ..engine import geometry
from ..engine.lp_exact import as_number, strictly_feasible
from ..engine.printing import noun_for
from ..engine.sets import DifferentialSet, SetKind
from .answers import ParsedAnswer
from .verdict import (
    CONTAINED_SCORE,
    DECIMAL_TOLERANCE,
    NAMES,
    Verdict,
    decimal_note,
    graded,
    show_set,
    vec,
    wrong_extra,
)


def in_polytope(s: Sequence, vertices: Sequence[Sequence]) -> bool:
    """Whether the exact point s lies in the hull of the exact ``vertices``: exactly when no
    direction c has c·s > c·v for every vertex v (an exact LP).

    >>> in_polytope((sp.Rational(1, 2), sp.Rational(1, 2), 0), [(1, 0, 0), (0, 1, 0)])
    True
    >>> in_polytope((sp.Rational(1, 2), sp.Rational(1, 2), sp.Rational(1, 10**9)),
    ...             [(1, 0, 0), (0, 1, 0)])
    False
    """
    if not vertices:
        return False
    rows = [tuple(as_number(sp.sympify(a - b)) for a, b in zip(s, v, strict=True))
            for v in vertices]
    return strictly_feasible(rows, len(s)) is None


def contains_nd(truth: DifferentialSet, s: tuple) -> bool:
    """Whether s is in an n-D set, exactly when its vertices are known exactly."""
    if truth.kind in (SetKind.EMPTY, SetKind.UNBOUNDED):
        return False
    if truth.exact is None:
        return truth.contains(tuple(float(c) for c in s))
    return in_polytope(s, truth.exact)


def compare_nd(parsed: ParsedAnswer, truth: DifferentialSet, kind: str,
               f: sp.Expr | None) -> Verdict:
    """The verdict on a non-empty answer ``parsed`` against a non-empty exact set ``truth``."""
    name = NAMES.get(kind, "set")
    shown = show_set(truth)
    answer = list(dict.fromkeys(parsed.points))
    target = list(truth.exact) if truth.exact is not None else None
    if any(parsed.decimal) or target is None:
        floats = [tuple(float(c) for c in v) for v in truth.vertices]
        scale = max([1.0] + [abs(c) for v in floats for c in v])
        tol = DECIMAL_TOLERANCE * scale

        def member(p, hull) -> bool:
            return geometry.in_hull(tuple(float(c) for c in p),
                                    [tuple(float(c) for c in q) for q in hull], tol)
        target = target or floats
    else:
        member = in_polytope
    outside = [p for p in answer if not member(p, target)]
    missing = [v for v in target if not member(v, answer)]
    finite = parsed.form == "finite" and len(answer) > 1
    if not outside and not missing and not finite:
        note = decimal_note(shown) if any(parsed.decimal) else ""
        return Verdict(True, 1.0, f"Right: the {name} is {shown}.{note}", diagnosis="right")
    base = CONTAINED_SCORE if not outside or not missing else 0.0
    if finite and not outside:
        return graded(False, base, [f"These points belong to the {name}, but it is convex: "
                                    f"it is {shown}, everything between them too."],
                      "some_points")
    if not outside:
        if len(answer) == 1:
            return graded(False, base, [f"{vec(answer[0])} is one element of the {name}, e.g. "
                                        f"what autodiff returns at a kink, but the set is "
                                        f"{shown}."], "one_value")
        corners = ", ".join(vec(v) for v in missing[:6])
        return graded(False, base, [f"Too small: the {name} is {shown}. It misses the "
                                    f"{noun_for(len(missing), 'corner')} {corners}."],
                      "too_small")
    extra = [vec(p) for p in outside[:6]]
    return wrong_extra(kind, f, name, shown, extra, not missing, base)
