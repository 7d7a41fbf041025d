"""Feedback on a 2D answer (a hull, a finite set of points): compared with the exact set by the
Hausdorff distance of the hulls, scored by their overlap, all through ``engine.geometry``.

Tolerances, relative to the set's size: ``EXACT_TOLERANCE_2D`` for exact answers,
``DECIMAL_TOLERANCE`` for decimals, ``CURVED_TOLERANCE`` for a set with a curved boundary.

>>> from clarke_core.grading.answers import parse_answer
>>> from clarke_core.api import clarke_set
>>> truth = clarke_set("abs(x) + abs(y)", "0, 0")
>>> compare_2d(parse_answer("conv{(1, 1), (-1, 1), (-1, -1), (1, -1)}", 2), truth, "clarke",
...            None).correct
True
"""

from __future__ import annotations

import sympy as sp

from ..engine import geometry
from ..engine.printing import noun_for
from ..engine.sets import DifferentialSet, SetKind
from .answers import ParsedAnswer
from .verdict import (
    CONTAINED_SCORE,
    CURVED_TOLERANCE,
    DECIMAL_TOLERANCE,
    EXACT_TOLERANCE_2D,
    NAMES,
    Verdict,
    decimal_note,
    graded,
    show_set,
    vec,
    wrong_extra,
)


def compare_2d(parsed: ParsedAnswer, truth: DifferentialSet, kind: str,
                f: sp.Expr | None) -> Verdict:
    name = NAMES.get(kind, "set")
    shown = show_set(truth)
    target = [tuple(v) for v in truth.vertices]
    scale = max([1.0] + [abs(c) for v in target for c in v])
    if truth.kind == SetKind.CONVEX:
        tol = CURVED_TOLERANCE * scale
    elif any(parsed.decimal):
        tol = DECIMAL_TOLERANCE * scale
    else:
        tol = EXACT_TOLERANCE_2D * scale
    points = parsed.floats()
    hull = geometry.hull(points, tol)
    finite = parsed.form == "finite" and len(hull) > 1
    distance = geometry.hausdorff_2d(hull, target)
    if distance <= tol and not finite:
        note = decimal_note(shown) if any(parsed.decimal) and truth.kind != SetKind.CONVEX else ""
        if truth.kind == SetKind.CONVEX:
            note = " (Within 2e-3 of the set, whose boundary is curved.)"
        return Verdict(True, 1.0, f"Right: the {name} is {shown}.{note}", diagnosis="right")
    outside = geometry.distances(hull, target) > tol  # per vertex of the answer's hull
    inside = not outside.any()
    covers = bool((geometry.distances(target, hull) <= tol).all())
    if finite or geometry.area(hull) == 0 or geometry.area(target) == 0:
        base = CONTAINED_SCORE if (inside or covers) else 0.0
    else:
        common = geometry.area(geometry.intersection(hull, target))
        base = common / (geometry.area(hull) + geometry.area(target) - common)
    if finite and inside:
        return graded(False, base, [f"These points belong to the {name}, but it is convex: "
                                      f"it is {shown}, everything between them too."],
                      "some_points")
    if inside:
        diagnosis = "one_value" if len(hull) == 1 else "too_small"
        if len(hull) == 1:
            why = (f"{vec(parsed.points[0])} is one element of the {name}, e.g. what autodiff "
                   f"returns at a kink, but the set is {shown}.")
        else:
            vertices = truth.exact or truth.vertices
            gaps = geometry.distances([tuple(float(c) for c in v) for v in vertices], hull)
            missing = [vec(v) for v, gap in zip(vertices, gaps, strict=True) if gap > tol]
            corners = (f" It misses the {noun_for(len(missing), 'corner')} "
                       f"{', '.join(missing[:6])}."
                       if missing and truth.kind != SetKind.CONVEX else "")
            curved = (" A polygon can only approximate a curved set: within 2e-3 counts as right."
                      if truth.kind == SetKind.CONVEX else "")
            why = f"Too small: the {name} is {shown}.{corners}{curved}"
        return graded(False, base, [why], diagnosis)
    extra = [vec(tuple(parsed.points[points.index(p)]))
             for p, out in zip(hull, outside, strict=True) if p in points and out]
    return wrong_extra(kind, f, name, shown, extra[:6], covers, base)
