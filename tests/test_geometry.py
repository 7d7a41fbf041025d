"""The geometry module against independent computations (Qhull, closed forms, brute force)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import ConvexHull, QhullError

from clarke_core.engine import geometry
from clarke_core.engine.geometry import (
    area,
    clip,
    clip_exact,
    distance,
    exact_hull,
    hausdorff_2d,
    hull,
    intersection,
    nearest,
    same_set,
)
from clarke_core.engine.sets import DifferentialSet

rationals = st.fractions(min_value=-5, max_value=5, max_denominator=4)
rational_points = st.lists(st.tuples(rationals, rationals), min_size=1, max_size=12)
floats = st.floats(min_value=-10, max_value=10, allow_nan=False, allow_infinity=False)


def _cyclic(seq: list) -> list:
    """The sequence rotated to start at its lowest-leftmost element."""
    start = min(range(len(seq)), key=lambda i: (seq[i][1], seq[i][0]))
    return seq[start:] + seq[:start]


def _qhull(points: list[tuple]) -> list[tuple] | None:
    """Extreme points by scipy's Qhull, counter-clockwise; None for a flat set."""
    pts = np.array([(float(a), float(b)) for a, b in points])
    try:
        found = ConvexHull(pts)
    except (QhullError, ValueError):
        return None
    return [tuple(pts[i]) for i in found.vertices]


# --- the exact hull -----------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(rational_points)
def test_exact_hull_is_qhulls_hull_on_rational_points(points):
    mine = exact_hull(points)
    theirs = _qhull(list(set(points)))
    if theirs is None:  # flat: the two extreme points along the line (or one point)
        unique = sorted(set(points))
        assert mine == ([unique[0], unique[-1]] if len(unique) > 1 else unique)
        return
    assert [(float(a), float(b)) for a, b in mine] == _cyclic(theirs)


@settings(max_examples=60, deadline=None)
@given(st.lists(rationals, min_size=3, max_size=8, unique=True))
def test_points_on_an_irrational_line_are_collinear_exactly(ts):
    # t (1, sqrt 2): floats cannot tell these are collinear; the exact hull keeps only the ends.
    points = [(sp.Rational(t.numerator, t.denominator),
               sp.sqrt(2) * sp.Rational(t.numerator, t.denominator)) for t in ts]
    lo, hi = min(ts), max(ts)
    assert exact_hull(points) == [p for t, p in sorted(zip(ts, points, strict=True))
                                  if t in (lo, hi)]


@dataclass(frozen=True)
class _Limit:
    point: tuple[float, float]
    exact: tuple | None


@pytest.mark.parametrize("points, expected", [
    ([(0, 0), (1, 0), (2, 0), (1, 1)], [(0, 0), (2, 0), (1, 1)]),
    ([(1, 1), (1, 1), (0, 0)], [(0, 0), (1, 1)]),
    ([(3, 3)], [(3, 3)]),
    ([], []),
    ([(1, 0), (0, 1), (-1, 0), (0, -1), (0, 0)], [(0, -1), (1, 0), (0, 1), (-1, 0)]),
    ([(Fraction(1, 3), 0), (0, Fraction(1, 3)), (Fraction(1, 6), Fraction(1, 6))],
     [(0, Fraction(1, 3)), (Fraction(1, 3), 0)]),
], ids=["collinear-middle", "duplicates", "one-point", "none", "diamond-and-centre",
        "segment-lexicographic"])
def test_exact_hull_cases(points, expected):
    assert exact_hull(points) == expected


def test_exact_hull_of_limits_keeps_the_exact_duplicate():
    r = sp.sqrt(2) / 2
    floaty = _Limit((float(r), float(r)), None)
    exact = _Limit((float(r), float(r)), (r, r))
    out = exact_hull([floaty, _Limit((0.0, 0.0), (0, 0)), exact, _Limit((1.0, 0.0), (1, 0))])
    assert out[0].point == (0.0, 0.0) and exact in out and floaty not in out


def test_clip_exact_cuts_at_an_irrational_offset():
    triangle = [(0, 0), (2, 0), (0, 2)]
    cut = clip_exact(triangle, (1, 0), sp.sqrt(2))
    assert cut == [(0, 0), (sp.sqrt(2), 0), (sp.sqrt(2), 2 - sp.sqrt(2)), (0, 2)]
    assert clip_exact(triangle, (1, 1), sp.Integer(-1)) == []
    assert clip_exact([(0, 0), (2, 0)], (1, 0), sp.Integer(1)) == [(0, 0), (1, 0)]


# --- float hull, area, clip, intersection -------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(floats, floats), min_size=3, max_size=30))
def test_float_hull_is_qhulls_hull(points):
    theirs = _qhull(points)
    mine = hull(points)
    tol = geometry.TOL * max(1.0, *(abs(c) for p in points for c in p))
    if theirs is None or ConvexHull(np.array(points)).volume < 1e-6:
        assert len(mine) <= 2 or area(mine) < 1e-6
        return
    assert set(mine) <= {(float(a) + 0.0, float(b) + 0.0) for a, b in points}
    # vertices within tol of their chord are dropped: the area shrinks by at most tol · perimeter
    expected = ConvexHull(np.array(points)).volume
    perimeter = sum(math.dist(p, q) for p, q in zip(theirs, theirs[1:] + theirs[:1], strict=True))
    assert expected - tol * perimeter - 1e-12 <= area(mine) <= expected + 1e-9
    assert hausdorff_2d(mine, theirs) <= 2 * tol


def test_float_hull_merges_rounding_noise():
    square = [(0, 0), (1, 0), (1, 1), (0, 1), (0.5, 0.5), (1 + 1e-14, 1 - 1e-14)]
    assert hull(square) == [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
    assert hull([(0, 0), (1, 1e-13), (2, 0)]) == [(0.0, 0.0), (2.0, 0.0)]
    assert hull([(1, 2), (1, 2 + 1e-12)]) == [(1.0, 2.0)]


@settings(max_examples=100, deadline=None)
@given(floats, floats, st.floats(0.1, 5), st.floats(0.1, 5), floats, floats, st.floats(0.1, 5),
       st.floats(0.1, 5))
def test_intersection_of_boxes_has_the_product_of_overlaps_as_area(x, y, w, h, u, v, p, q):
    a = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    b = [(u, v), (u + p, v), (u + p, v + q), (u, v + q)]
    dx = max(0.0, min(x + w, u + p) - max(x, u))
    dy = max(0.0, min(y + h, v + q) - max(y, v))
    assert area(intersection(a, b)) == pytest.approx(dx * dy, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.floats(-3, 3), st.floats(0, 2 * math.pi))
def test_clipping_the_unit_square_matches_a_grid_count(offset, angle):
    n = (math.cos(angle), math.sin(angle))
    square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    kept = clip(square, [n], [offset])
    grid = (np.arange(400) + 0.5) / 400
    gx, gy = np.meshgrid(grid, grid)
    share = float(np.mean(n[0] * gx + n[1] * gy <= offset))
    assert area(kept) == pytest.approx(share, abs=5e-3)


def test_clip_keeps_a_flat_set_flat():
    segment = [(0.0, 0.0), (2.0, 2.0)]
    assert clip(segment, [(1, 0)], [-1]) == []
    assert clip([(1.0, 1.0)], [(1, 0)], [2]) == [(1.0, 1.0)]
    ends = clip(segment, [(1, 0), (-1, 0)], [1.5, -0.5])
    assert np.allclose(ends, [(0.5, 0.5), (1.5, 1.5)], atol=1e-8)


# --- distance, nearest point, Hausdorff ---------------------------------------------------------


@pytest.mark.parametrize("s, vertices, expected", [
    ((2, 0), [(0, 1), (0, -1), (1, 0)], 1.0),
    ((0.2, 0.1), [(0, 1), (0, -1), (1, 0)], 0.0),
    ((3, 4), [(0, 0)], 5.0),
    ((0, 1), [(-1, 0), (1, 0)], 1.0),
    ((1e300, 0), [(-1e300, 0), (0, 1e300), (0, -1e300)], 1e300),
], ids=["outside", "inside", "point", "segment", "huge"])
def test_distance_cases(s, vertices, expected):
    assert distance(s, vertices) == pytest.approx(expected)


def test_nearest_point_is_0_inside_and_a_projection_outside():
    assert nearest((0, 0), [(1, 1), (-1, 1), (-1, -1), (1, -1)]) == (0.0, 0.0)
    assert nearest((0, 0), [(1, 2), (1, -2)]) == (1.0, 0.0)


def _support_gap(a, b, directions: int = 3600) -> float:
    """max over sampled unit u of |h_A(u) - h_B(u)|: a lower bound of the Hausdorff distance."""
    theta = np.linspace(0, 2 * np.pi, directions, endpoint=False)
    u = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return float(np.max(np.abs((a @ u.T).max(axis=0) - (b @ u.T).max(axis=0))))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(floats, floats), min_size=1, max_size=8),
       st.lists(st.tuples(floats, floats), min_size=1, max_size=8))
def test_hausdorff_is_the_support_function_gap(a, b):
    d = hausdorff_2d(a, b)
    reference = _support_gap(a, b)
    radius = max(abs(c) for p in a + b for c in p) + 1
    assert reference <= d + 1e-9
    assert d <= reference + 2 * math.pi / 3600 * 2 * radius
    assert d == pytest.approx(hausdorff_2d(b, a))


def test_hausdorff_is_symmetric_and_sees_a_missing_corner():
    square = [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)]
    triangle = [(1.0, 1.0), (-1.0, 1.0), (1.0, -1.0)]
    d = hausdorff_2d(square, triangle)
    assert d == pytest.approx(2 ** 0.5) and d == pytest.approx(hausdorff_2d(triangle, square))


# --- one same-set test --------------------------------------------------------------------------


def _set(kind, vertices, exact=None):
    return DifferentialSet(kind, vertices, exact)


_SQUARE = [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)]


@pytest.mark.parametrize("a, b, same", [
    (_set("polygon", _SQUARE), _set("polygon", [*_SQUARE[2:], (1.0, 0.0), *_SQUARE[:2]]), True),
    (_set("polygon", _SQUARE), _set("polygon", [(c[0] * 1.001, c[1]) for c in _SQUARE]), False),
    (_set("segment", [(1.0, 0.0), (0.0, 1.0)]), _set("segment", [(0.0, 1.0), (1.0, 0.0)]), True),
    (_set("empty", []), _set("empty", []), True),
    (_set("empty", []), _set("unbounded", []), False),
    (_set("point", [(1.0,)]), _set("empty", []), False),
    (_set("interval", [(0.0,), (float(sp.sqrt(2) / 2),)], [(sp.S.Zero,), (sp.sqrt(2) / 2,)]),
     _set("interval", [(0.0,), (float(sp.sqrt(2) / 2),)], [(sp.S.Zero,), (1 / sp.sqrt(2),)]),
     True),
    (_set("interval", [(0.0,), (1.0,)], [(sp.S.Zero,), (sp.S.One,)]),
     _set("interval", [(0.0,), (1.0,)], [(sp.S.Zero,), (1 + sp.Rational(1, 10**20),)]), False),
    (_set("interval", [(0.0,), (1.0,)]), _set("interval", [(0.0,), (1.0 + 1e-12,)]), True),
    (_set("point", [(1.0,)]), _set("point", [(1.0, 0.0)]), False),
], ids=["polygon-reordered", "polygon-stretched", "segment-reversed", "empty", "empty-unbounded",
        "point-empty", "exact-equal", "exact-differ-beyond-floats", "float-noise", "dimensions"])
def test_same_set_cases(a, b, same):
    assert same_set(a, b) is same


def test_same_set_takes_a_callers_allowance():
    a = _set("polygon", _SQUARE)
    b = _set("polygon", [(x + 1e-6, y) for x, y in _SQUARE])
    assert not same_set(a, b) and same_set(a, b, tol=1e-5)


def test_one_tolerance():
    assert geometry.TOL == 1e-9


@pytest.mark.parametrize("s, hull, inside", [
    ((sp.sqrt(2) / 2, sp.sqrt(2) / 2), [(0, 0), (1, 0), (0, 1)], False),  # just past the edge
    ((sp.Rational(1, 2), sp.Rational(1, 2)), [(0, 0), (1, 0), (0, 1)], True),  # on the edge
    ((1, 1), [(1, 1)], True),
    ((sp.sqrt(2), 0), [(0, 0), (sp.sqrt(2), 0)], True),
    ((0, 0), [], False),
], ids=["outside-by-irrational", "on-edge", "the-point", "segment-end", "empty"])
def test_in_exact_hull(s, hull, inside):
    assert geometry.in_exact_hull(s, hull) is inside
