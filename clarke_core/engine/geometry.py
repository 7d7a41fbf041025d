"""Plane geometry of the sets: one exact hull and clip, and the float operations on shapely.

**Exact** (``exact_hull``, ``clip_exact``, ``in_exact_hull``): sympy or ``Fraction``
coordinates, every orientation and equality decided by an exact sign (``local.sign_of``); a float
is only a shortcut where it cannot change the answer.

**Float** (``hull``, ``clip``, ``intersection``, ``area``, ``nearest``, ``distances``,
``hausdorff_2d``, ``same_set``), on shapely. One tolerance policy: two float points are one
point, and a vertex within reach of the chord of its neighbours is no vertex, when they are
within ``TOL`` times the scale of the data, max(1, largest |coordinate|); a half-plane
⟨s, n⟩ <= b holds up to ``TOL`` (1 + |b|). A caller that compares answers with its own
allowance (a typed decimal, a curved boundary) passes ``tol`` explicitly.

>>> exact_hull([(0, 0), (1, 0), (2, 0), (1, 1)])
[(0, 0), (2, 0), (1, 1)]
>>> hull([(0, 0), (1, 0), (1, 1), (0, 1), (0.5, 0.5), (1 + 1e-14, 1 - 1e-14)])
[(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import shapely
import sympy as sp

TOL = 1e-9  # relative to the scale of the data, see the module docstring

Point = tuple[float, float]


# --- exact ---------------------------------------------------------------------------------------


def _sign(v) -> int:
    if isinstance(v, Fraction | int):
        return (v > 0) - (v < 0)
    from .local import sign_of

    return sign_of(sp.sympify(v))


def _coords(item) -> tuple[tuple | None, tuple[float, float]]:
    """(exact coordinates or None, float coordinates) of a hull item."""
    if hasattr(item, "point"):
        return item.exact, tuple(item.point)
    return item, (float(item[0]), float(item[1]))


def _compare(a, b) -> int:
    """Lexicographic order of two hull items, exactly where the floats are too close to tell."""
    (ea, fa), (eb, fb) = _coords(a), _coords(b)
    for k in (0, 1):
        gap = fa[k] - fb[k]
        if math.isfinite(gap) and abs(gap) > TOL * max(1.0, abs(fa[k]), abs(fb[k])):
            return 1 if gap > 0 else -1
        if ea is None or eb is None:
            if abs(gap) > 1e-12:
                return 1 if gap > 0 else -1
            continue
        s = _sign(ea[k] - eb[k])
        if s:
            return s
    return 0


def _turn(o, a, b) -> int:
    """The sign of the cross product (a - o) × (b - o): exact unless the float is far from 0."""
    (eo, fo), (ea, fa), (eb, fb) = _coords(o), _coords(a), _coords(b)
    value = (fa[0] - fo[0]) * (fb[1] - fo[1]) - (fa[1] - fo[1]) * (fb[0] - fo[0])
    scale = max(1.0, *(abs(c) for c in (*fo, *fa, *fb)))
    if math.isfinite(value) and math.isfinite(scale) and abs(value) > 1e-9 * scale * scale:
        return 1 if value > 0 else -1  # float error is below 1e-14 scale²: the sign is sure
    if None in (eo, ea, eb):
        return (value > 1e-12) - (value < -1e-12)
    return _sign((ea[0] - eo[0]) * (eb[1] - eo[1]) - (ea[1] - eo[1]) * (eb[0] - eo[0]))


def exact_hull(points: Sequence) -> list:
    """Extreme points, counter-clockwise from the lowest-leftmost; a segment as its two ends in
    lexicographic order, a point alone. Collinear middle points and duplicates are dropped by
    exact tests, never by rounding.

    Items are exact coordinate pairs (sympy, ``Fraction``, int), or objects with ``.exact`` (a
    pair, or None when unknown: then floats decide, within 1e-12) and ``.point`` (floats), as a
    ``clarke_2d.Limit``; a duplicate keeps the item that has exact coordinates.

    >>> exact_hull([(1, 1), (0, 0), (sp.sqrt(2), sp.sqrt(2)), (0, 0)])
    [(0, 0), (sqrt(2), sqrt(2))]
    """
    unique: list = []
    for q in sorted(points, key=functools.cmp_to_key(_compare)):
        if unique and _compare(unique[-1], q) == 0:
            if _coords(unique[-1])[0] is None and _coords(q)[0] is not None:
                unique[-1] = q
            continue
        unique.append(q)
    if len(unique) <= 2:
        return unique
    lower: list = []
    upper: list = []
    for chain, seq in ((lower, unique), (upper, unique[::-1])):
        for q in seq:
            while len(chain) >= 2 and _turn(chain[-2], chain[-1], q) <= 0:
                chain.pop()
            chain.append(q)
    out = lower[:-1] + upper[:-1]
    if len(out) <= 2:
        return out
    start = min(range(len(out)), key=lambda i: (_coords(out[i])[1][1], _coords(out[i])[1][0]))
    return out[start:] + out[:start]


def clip_exact(polygon: list[tuple], n: tuple, b) -> list[tuple]:
    """The part of a convex polygon (or segment, point; as ``exact_hull`` gives) where
    ⟨s, n⟩ <= b, exactly.

    >>> clip_exact([(0, 0), (2, 0), (0, 2)], (1, 0), sp.Integer(1))
    [(0, 0), (1, 0), (1, 1), (0, 2)]
    """
    from .local import sign_of

    def excess(v):
        return sp.expand(n[0] * v[0] + n[1] * v[1] - b)

    if len(polygon) == 1:
        return polygon if sign_of(excess(polygon[0])) <= 0 else []
    ring = polygon if len(polygon) > 2 else [polygon[0], polygon[1]]
    out = []
    for i, cur in enumerate(ring):
        prev = ring[i - 1]
        fc, fp = excess(cur), excess(prev)
        sc, sp_ = sign_of(fc), sign_of(fp)
        if (sc > 0) != (sp_ > 0) and sc != 0 and sp_ != 0:
            t = fp / (fp - fc)
            out.append(tuple(sp.radsimp(sp.together(prev[k] + t * (cur[k] - prev[k])))
                             for k in (0, 1)))
        if sc <= 0:
            out.append(cur)
    return exact_hull(out)


def same_exact_point(u: tuple, v: tuple) -> bool:
    """Whether two exact points are equal, decided exactly.

    >>> same_exact_point((sp.sqrt(2), 0), (2 / sp.sqrt(2), 0))
    True
    """
    return all(_sign(sp.sympify(a - b)) == 0 for a, b in zip(u, v, strict=True))


def in_exact_hull(s: tuple, hull: list[tuple]) -> bool:
    """Whether the exact point ``s`` lies in the hull ``exact_hull`` gave (a polygon
    counter-clockwise, a segment or a point), exactly.

    >>> segment = [(0, 0), (1, 0)]
    >>> in_exact_hull((sp.sqrt(2) / 2, 0), segment), in_exact_hull((2, 0), segment)
    (True, False)
    """
    from .local import sign_of

    if not hull:
        return False
    if len(hull) == 1:
        return all(sign_of(sp.sympify(a - b)) == 0 for a, b in zip(s, hull[0], strict=True))
    if len(hull) == 2:
        a, b = hull
        cross = (b[0] - a[0]) * (s[1] - a[1]) - (b[1] - a[1]) * (s[0] - a[0])
        dot = (s[0] - a[0]) * (b[0] - a[0]) + (s[1] - a[1]) * (b[1] - a[1])
        length = (b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2
        return (sign_of(sp.expand(cross)) == 0 and sign_of(sp.sympify(dot)) >= 0
                and sign_of(sp.sympify(length - dot)) >= 0)
    return all(sign_of(sp.expand((b[0] - a[0]) * (s[1] - a[1]) - (b[1] - a[1]) * (s[0] - a[0])))
               >= 0 for a, b in zip(hull, hull[1:] + hull[:1], strict=True))


# --- float ---------------------------------------------------------------------------------------


def _floats(points) -> list[Point]:
    return [(float(p[0]) + 0.0, float(p[1]) + 0.0) for p in points]


def _array(points) -> np.ndarray:
    return np.asarray(points, dtype=float).reshape(-1, 2) + 0.0


def _scale(*sets) -> float:
    """max(1, the largest |coordinate|) of the point arrays."""
    return max([1.0] + [float(np.abs(a).max()) for a in sets if a.size])


def _chord_gap(p: Point, a: Point, b: Point) -> float:
    """Distance from p to the segment a–b."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy)
                                             / length))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


def _shape(points) -> shapely.Geometry:
    """The convex hull of the points as a shapely geometry (a point, segment or polygon)."""
    return shapely.convex_hull(shapely.multipoints(_array(points)))


def hull(points: Sequence, tol: float | None = None) -> list[Point]:
    """Convex hull of float points, counter-clockwise from the lowest-leftmost; a segment as its
    two ends (lexicographic), one point alone, [] for none. Points within ``tol`` of one another
    or of the chord of their neighbours are dropped (the input's own values are returned).

    >>> hull([(0, 0), (2, 0), (1, 1e-12)])
    [(0.0, 0.0), (2.0, 0.0)]
    """
    pts = _array(points)
    if not pts.size:
        return []
    tol = TOL * _scale(pts) if tol is None else tol
    shape = _shape(pts)
    ring = shapely.get_coordinates(shape)
    if shapely.get_type_id(shape) == 3:  # a polygon: its closed ring, counter-clockwise
        ring = ring[:-1]
        x, y = ring[:, 0], ring[:, 1]
        if np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)) < 0:
            ring = ring[::-1]
    ring = [(float(x) + 0.0, float(y) + 0.0) for x, y in ring]
    pruned = True
    while pruned and len(ring) > 2:  # passes until no vertex sits within tol of its chord
        pruned, i = False, 0
        while i < len(ring) and len(ring) > 2:
            if _chord_gap(ring[i], ring[i - 1], ring[(i + 1) % len(ring)]) <= tol:
                del ring[i]
                pruned = True
            else:
                i += 1
    if len(ring) == 2 and math.dist(*ring) <= tol:
        ring = ring[:1]
    if len(ring) <= 2:
        return sorted(ring) if len(ring) == 2 else ring
    start = min(range(len(ring)), key=lambda i: (ring[i][1], ring[i][0]))
    return ring[start:] + ring[:start]


def area(points: Sequence) -> float:
    """Area of the convex hull of the points (0 for a segment or a point).

    >>> area([(0, 0), (2, 0), (2, 1), (0, 1)])
    2.0
    """
    return float(_shape(points).area) if len(points) >= 3 else 0.0


def intersection(a: Sequence, b: Sequence) -> list[Point]:
    """The convex hull of ``a`` meet that of ``b``, as ``hull`` gives it ([] when they miss).

    >>> intersection([(0, 0), (2, 0), (2, 2), (0, 2)], [(1, 1), (3, 1), (3, 3), (1, 3)])
    [(1.0, 1.0), (2.0, 1.0), (2.0, 2.0), (1.0, 2.0)]
    """
    meet = _shape(a).intersection(_shape(b))
    if meet.is_empty:
        return []
    return hull(shapely.get_coordinates(meet).tolist(), 0.0)


def clip(polygon: Sequence, normals, offsets, tol: float = TOL) -> list[Point]:
    """The part of a convex polygon, segment or point (vertices in order) where ⟨s, n_k⟩ <= b_k
    for every row n_k of ``normals``, each up to ``tol`` (1 + |b_k|).

    A point or segment is cut as an interval of its parameter (clipped as a polygon, a flat set
    would vanish by rounding); a polygon by Sutherland–Hodgman.

    >>> clip([(0, 0), (2, 0), (2, 2), (0, 2)], [(1, 0)], [1])
    [(0.0, 0.0), (1.0, 0.0), (1.0, 2.0), (0.0, 2.0)]
    >>> ends = clip([(0, 0), (2, 2)], [(1, 0), (0, -1)], [1, -0.5])
    >>> [(round(x, 6), round(y, 6)) for x, y in ends]
    [(0.5, 0.5), (1.0, 1.0)]
    """
    d = np.atleast_2d(np.asarray(normals, dtype=float))
    b = np.atleast_1d(np.asarray(offsets, dtype=float))
    pts = _floats(polygon)
    if not pts:
        return []
    slack = tol * (1 + np.abs(b))
    if len(pts) <= 2:
        a, c = np.array(pts[0]), np.array(pts[-1])
        slope, room = d @ (c - a), b - d @ a  # each constraint: τ · slope <= room
        if np.any((np.abs(slope) <= 1e-15) & (room < -slack)):
            return []
        pos, neg = slope > 1e-15, slope < -1e-15
        hi = min(1.0, float(np.min((room[pos] + slack[pos]) / slope[pos], initial=np.inf)))
        lo = max(0.0, float(np.max((room[neg] + slack[neg]) / slope[neg], initial=-np.inf)))
        if lo > hi + 1e-12:
            return []
        ends = [tuple(float(x) for x in a + t * (c - a)) for t in (lo, hi)]
        return ends[:1] if hi - lo <= 1e-12 or len(pts) == 1 else ends
    out = pts
    for n, bk, sk in zip(d, b, slack, strict=True):
        current, out = out, []
        for i, cur in enumerate(current):
            prev = current[i - 1]
            fc = n[0] * cur[0] + n[1] * cur[1] - bk
            fp = n[0] * prev[0] + n[1] * prev[1] - bk
            if (fc <= sk) != (fp <= sk):
                t = fp / (fp - fc)
                out.append((float(prev[0] + t * (cur[0] - prev[0])),
                            float(prev[1] + t * (cur[1] - prev[1]))))
            if fc <= sk:
                out.append(cur)
        if not out:
            break
    return out


def nearest(s: Sequence[float], vertices: Sequence) -> Point:
    """The point of the convex hull of ``vertices`` nearest to ``s`` (``s`` itself inside).

    >>> nearest((0, 0), [(1, 2), (1, -2)])
    (1.0, 0.0)
    """
    shape = _shape(vertices)
    target = shapely.Point(float(s[0]), float(s[1]))
    if shape.covers(target):
        return (float(s[0]) + 0.0, float(s[1]) + 0.0)
    x, y = shapely.get_coordinates(shapely.shortest_line(shape, target))[0]
    return (float(x) + 0.0, float(y) + 0.0)


def distances(points: Sequence, vertices: Sequence) -> np.ndarray:
    """Distance from each of ``points`` to the convex hull of ``vertices`` (any order).

    Computed in coordinates scaled to at most 1, so that huge gradients (exp(600)·|x|) do not
    overflow a float square.

    >>> distances([(2, 0), (0.2, 0.1)], [(0, 1), (0, -1), (1, 0)]).tolist()
    [1.0, 0.0]
    """
    pts, verts = _array(points), _array(vertices)
    scale = _scale(pts, verts)
    scale = scale if math.isfinite(scale) else 1.0
    return scale * shapely.distance(shapely.points(pts / scale), _shape(verts / scale))


def distance(s: Sequence[float], vertices: Sequence) -> float:
    """Distance from ``s`` to the convex hull of ``vertices`` (as ``distances``).

    >>> distance((3, 4), [(0, 0)])
    5.0
    """
    return float(distances([s], vertices)[0])


def in_hull(s: Sequence[float], vertices: Sequence, tol: float = TOL) -> bool:
    """Whether ``s`` (any dimension) lies in the convex hull of ``vertices`` up to ``tol`` in each
    coordinate (times the scale, as ``TOL``): an LP (HiGHS) for weights w >= 0, Σ w = 1, with
    |Σ w v - s| <= tol.

    >>> in_hull((0.2, 0.2, 0.2), [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)])
    True
    >>> in_hull((0.5, 0.5, 0.5), [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)])
    False
    """
    from scipy.optimize import linprog

    v = np.asarray(vertices, dtype=float).T  # one column per vertex
    target = np.asarray(s, dtype=float)
    scale = _scale(v, target)
    v, target = v / scale, target / scale
    k = v.shape[1]
    result = linprog(np.zeros(k), A_ub=np.vstack([v, -v]),
                     b_ub=np.concatenate([target + tol, -target + tol]),
                     A_eq=np.ones((1, k)), b_eq=[1.0], bounds=(0, None), method="highs")
    return bool(result.status == 0)


def hausdorff_2d(a: Sequence, b: Sequence) -> float:
    """Hausdorff distance between the convex hulls of two point sets.

    Exact up to rounding: the distance to a convex set is convex, so its largest value over the
    other hull is taken at one of that hull's vertices.

    >>> hausdorff_2d([(0, 0), (1, 0), (1, 1), (0, 1)], [(0, 0), (1, 0), (0.5, 0), (1, 1), (0, 1)])
    0.0
    >>> round(hausdorff_2d([(1, 1), (-1, 1), (-1, -1), (1, -1)], [(0.9, 0.9), (-0.9, -0.9)]), 6)
    1.414214
    """
    ha, hb = hull(a, 0.0), hull(b, 0.0)
    if not ha or not hb:
        raise ValueError("the Hausdorff distance needs two nonempty sets")
    return float(max(distances(ha, hb).max(), distances(hb, ha).max()))


def same_set(a, b, tol: float | None = None) -> bool:
    """Whether two ``DifferentialSet``s are the same set: by kind when one is empty or
    unbounded; 1D sets by their ends (exactly when both are exact, else within ``tol``); 2D sets
    by the Hausdorff distance of their hulls (at most ``tol``, default ``TOL`` times the scale).

    >>> from clarke_core.engine.sets import DifferentialSet
    >>> square = DifferentialSet("polygon", [(1, 1), (-1, 1), (-1, -1), (1, -1)])
    >>> turned = DifferentialSet("polygon", [(-1, -1), (1, -1), (1, 0), (1, 1), (-1, 1)])
    >>> same_set(square, turned), same_set(square, DifferentialSet("empty", []))
    (True, False)
    """
    blank = ("empty", "unbounded")
    if a.kind in blank or b.kind in blank or not a.vertices or not b.vertices:
        return a.kind == b.kind
    if len(a.vertices[0]) != len(b.vertices[0]):
        return False
    if len(a.vertices[0]) == 1:
        ends = [(v[0][0], v[-1][0]) for v in (a.vertices, b.vertices)]
        exact = [None if s.exact is None else (s.exact[0][0], s.exact[-1][0]) for s in (a, b)]
        if None not in exact:
            return all(_sign(sp.sympify(u) - v) == 0
                       for u, v in zip(exact[0], exact[1], strict=True))
        allowed = TOL * _scale(_array(ends)) if tol is None else tol
        return all(abs(u - v) <= allowed for u, v in zip(ends[0], ends[1], strict=True))
    allowed = TOL * _scale(_array(a.vertices), _array(b.vertices)) if tol is None else tol
    return hausdorff_2d(a.vertices, b.vertices) <= allowed
