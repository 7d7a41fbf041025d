"""Exact strict feasibility of homogeneous linear inequalities, by a small simplex.

One question serves the whole n-D engine: is there a direction d with r·d > 0 for every row r?
A cell of the local fan is realizable as an open cone exactly when its switches' rows pass, and a
gradient is an extreme point of a finite set exactly when its differences to the others pass. The
answer is decided by the linear program max t s.t. r·d >= t, |d|∞ <= 1 (feasible iff t* > 0),
solved over Python fractions when every entry is rational and over sympy numbers otherwise; never
over floats. The extreme points of a finite set of exact points are found the same way.

>>> strictly_feasible([(1, 0), (0, 1)], 2)
(Fraction(1, 1), Fraction(1, 1))
>>> strictly_feasible([(1, 1), (-1, -1)], 2) is None
True
>>> hull_vertices([(0, 0, 1), (0, 1, 0), (1, 0, 0), (sp.S(1)/3, sp.S(1)/3, sp.S(1)/3)])
((0, 0, 1), (0, 1, 0), (1, 0, 0))
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from fractions import Fraction

import numpy as np
import sympy as sp

from ..errors import UndecidedError

Number = int | Fraction | sp.Expr
KINDS = ("point", "segment", "polygon", "polytope")
_DANTZIG_PIVOTS = 50
Row = tuple[Number, ...]


def exact_sign(value: Number) -> int:
    """The sign of an exact number: -1, 0 or 1 (UndecidedError when sympy cannot tell).

    >>> exact_sign(sp.sqrt(2) - sp.Rational(141, 100)), exact_sign(sp.pi - sp.pi)
    (1, 0)
    """
    if isinstance(value, int | Fraction):
        return (value > 0) - (value < 0)
    value = sp.sympify(value, strict=True)
    if value.is_Rational:
        return int(sp.sign(value))
    if value.is_zero:
        return 0
    if value.is_positive:
        return 1
    if value.is_negative:
        return -1
    simplified = sp.simplify(value)
    if simplified.is_zero:
        return 0
    rough = simplified.evalf(60)
    if rough.is_real and rough.is_finite and abs(rough) > sp.Float(10) ** -40:
        return 1 if rough > 0 else -1
    raise UndecidedError(f"The sign of {value} could not be decided exactly.")


def as_number(value: sp.Expr) -> Number:
    """A sympy number as a fraction when it is rational (the fast exact path), else unchanged."""
    if isinstance(value, int | Fraction):
        return value
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q)) if value.q != 1 else int(value.p)
    return value


def dot(u: Sequence[Number], v: Sequence[Number]) -> Number:
    return sum(map(operator.mul, u, v), 0)


def strictly_feasible(rows: Sequence[Row], n: int, hint: Row | None = None) -> Row | None:
    """A direction d with r·d > 0 for every row r (entries in [-1, 1]), or None if none exists.

    ``hint`` is tried first. With no rows, every direction passes: the zero vector is returned.
    """
    if hint is not None and all(exact_sign(dot(r, hint)) > 0 for r in rows):
        return tuple(hint)
    if not rows:
        return (0,) * n
    if all(isinstance(a, int | Fraction) for r in rows for a in r):
        return _integer_simplex([_integral(r) for r in rows], n)
    return _simplex([tuple(sp.sympify(a, strict=True) for a in r) for r in rows], n, exact_sign)


def _integral(row: Row) -> list[int]:
    scale = math.lcm(*(Fraction(a).denominator for a in row))
    return [int(a * scale) for a in row]


def _integer_simplex(rows: list[list[int]], n: int) -> Row | None:
    """The simplex of ``_simplex`` with integer pivoting (every entry is T / D, T an integer).

    Each exchange is T'_ik = (T_ik T_rj - T_ij T_rk) / D, an exact division (the entries are
    minors of the first tableau), so it runs on Python ints rather than fractions.
    """
    width = 2 * n + 1
    # Each row is [b, A_1 .. A_width]; the last row is the objective [z0, -c].
    table = [[0] + [-a for a in r] + list(r) + [1] for r in rows]
    table += [[1] + [int(k == j) for k in range(width)] for j in range(width)]
    table.append([0] * (width) + [-1])
    nonbasic = list(range(width))
    basic = list(range(width, width + len(table) - 1))
    d = 1
    objective = table[-1]
    pivots = 0
    while objective[0] <= 0:
        entering = [k for k in range(width) if objective[k + 1] < 0]
        if not entering:
            return None
        # Dantzig's rule (steepest reduced cost) is fast; Bland's after many degenerate
        # pivots rules out cycling.
        pivots += 1
        if pivots <= _DANTZIG_PIVOTS:
            j = min(entering, key=lambda k: (objective[k + 1], nonbasic[k])) + 1
        else:
            j = min(entering, key=nonbasic.__getitem__) + 1
        r = -1
        for i in range(len(table) - 1):
            row = table[i]
            if row[j] > 0:
                if r < 0:
                    r = i
                    continue
                lhs, rhs = row[0] * table[r][j], table[r][0] * row[j]
                if lhs < rhs or (lhs == rhs and basic[i] < basic[r]):
                    r = i
        prow = table[r]
        pivot = prow[j]
        for i, row in enumerate(table):
            if i == r:
                continue
            f = row[j]
            for k in range(width + 1):
                if k != j:
                    q, rem = divmod(row[k] * pivot - f * prow[k], d)
                    assert rem == 0, "integer pivoting lost exactness"
                    row[k] = q
            row[j] = -f
        prow[j] = d
        d = pivot
        basic[r], nonbasic[j - 1] = nonbasic[j - 1], basic[r]
    values = dict.fromkeys(range(width), 0)
    for i, label in enumerate(basic):
        if label < width:
            values[label] = table[i][0]
    return tuple(Fraction(values[k] - values[n + k], d) for k in range(n))


def _simplex(rows: Sequence[Row], n: int, sign: Callable[[Number], int]) -> Row | None:
    """Bland's-rule simplex on the dictionary x_B = b - A x_N, maximising z = z0 + c·x_N.

    Variables 0..n-1 are p, n..2n-1 are q (d = p - q), 2n is t; the rest are slacks of
    t - r·p + r·q <= 0 (one per row), p_j <= 1, q_j <= 1 and t <= 1. The origin is feasible.
    """
    zero, one = sp.Integer(0), sp.Integer(1)
    width = 2 * n + 1
    a_rows: list[list[Number]] = []
    b: list[Number] = []
    for r in rows:
        a_rows.append([-a for a in r] + [a for a in r] + [one])
        b.append(zero)
    for j in range(width):
        a_rows.append([one if k == j else zero for k in range(width)])
        b.append(one)
    c: list[Number] = [zero] * (2 * n) + [one]
    z0: Number = zero
    nonbasic = list(range(width))
    basic = list(range(width, width + len(a_rows)))
    simplify = sp.radsimp
    while sign(z0) <= 0:
        entering = [j for j in range(width) if sign(c[j]) > 0]
        if not entering:
            return None
        j = min(entering, key=lambda k: nonbasic[k])
        best = None
        for i, row in enumerate(a_rows):
            if sign(row[j]) > 0:
                ratio = b[i] / row[j]
                if best is None or sign(ratio - best[0]) < 0 or (
                        sign(ratio - best[0]) == 0 and basic[i] < basic[best[1]]):
                    best = (ratio, i)
        if best is None:  # unbounded cannot happen (t <= 1), but be safe
            break
        r = best[1]
        pivot = a_rows[r][j]
        prow = [simplify(v / pivot) for v in a_rows[r]]
        prow[j] = simplify(one / pivot)
        pb = simplify(b[r] / pivot)
        for i, row in enumerate(a_rows):
            if i == r:
                continue
            f = row[j]
            if sign(f) == 0:
                continue
            for k in range(width):
                row[k] = simplify(row[k] - f * prow[k]) if k != j else simplify(-f * prow[j])
            b[i] = simplify(b[i] - f * pb)
        a_rows[r], b[r] = prow, pb
        cj = c[j]
        z0 = simplify(z0 + cj * pb)
        for k in range(width):
            c[k] = simplify(c[k] - cj * prow[k]) if k != j else simplify(-cj * prow[j])
        basic[r], nonbasic[j] = nonbasic[j], basic[r]
    values = dict.fromkeys(range(width), zero)
    for i, label in enumerate(basic):
        if label < width:
            values[label] = b[i]
    return tuple(simplify(values[k] - values[n + k]) for k in range(n))


def hull_vertices(points: Sequence[tuple[sp.Expr, ...]],
                  hints: Sequence[Row | None] = ()) -> tuple[tuple[sp.Expr, ...], ...]:
    """The extreme points of the convex hull of exact points: p is one iff some c has
    c·p > c·q for every other q (an exact LP; ``hints[i]``, e.g. the direction of the cell whose
    gradient is ``points[i]``, and its negative are tried as c first), listed counter-clockwise
    in the plane and in lexicographic order otherwise.

    >>> hull_vertices([(0, 0), (1, 0), (0, 1), (1, 1), (sp.S.Half, sp.S.Half)])
    ((0, 0), (1, 0), (1, 1), (0, 1))
    """
    distinct: list[tuple[sp.Expr, ...]] = []
    tried: list[list[Row]] = []
    index: dict[tuple, int] = {}
    hints = list(hints) + [None] * (len(points) - len(hints))
    for p, hint in zip(points, hints, strict=True):
        p = tuple(sp.sympify(c, strict=True) for c in p)
        guesses = [] if hint is None else [hint, tuple(-a for a in hint)]
        # Equal rationals hash alike; other numbers are compared exactly, pair by pair.
        k = index.get(p)
        if k is None and not all(c.is_Rational for c in p):
            k = next((i for i, q in enumerate(distinct)
                      if all(exact_sign(a - b) == 0 for a, b in zip(p, q, strict=True))), None)
        if k is None:
            index[p] = len(distinct)
            distinct.append(p)
            tried.append(guesses)
        else:
            tried[k] += guesses
    if len(distinct) <= 1:
        return tuple(distinct)
    n = len(distinct[0])
    numbers = [tuple(as_number(c) for c in p) for p in distinct]
    centroid = [sum(p[i] for p in distinct) / len(distinct) for i in range(n)]
    # A direction with a unique maximiser certifies that point as a vertex: try every hint on
    # every point at once, then an exact LP for each point still uncertain.
    certified = _certified(numbers, [g for guesses in tried for g in guesses])
    out = []
    for i, (p, guesses) in enumerate(zip(numbers, tried, strict=True)):
        if i in certified:
            out.append(distinct[i])
            continue
        rows = [tuple(a - b for a, b in zip(p, q, strict=True)) for q in numbers if q is not p]
        guesses = guesses + [tuple(as_number(sp.sympify(a - c, strict=True))
                                   for a, c in zip(p, centroid, strict=True))]
        if any(all(exact_sign(dot(r, g)) > 0 for r in rows) for g in guesses) or \
                strictly_feasible(rows, n) is not None:
            out.append(distinct[i])
    return _ordered(out)


def _certified(points: list[Row], directions: list[Row]) -> set[int]:
    """Indices of the points that some direction maximises uniquely (each is a vertex). On
    integers small enough for int64 products to be exact (checked), as one matrix product."""
    if not all(isinstance(a, int | Fraction) for p in points for a in p):
        return set()
    scale = math.lcm(*(Fraction(a).denominator for p in points for a in p))
    ints = [[int(a * scale) for a in p] for p in points]
    directions = [[int(a) for a in d] for d in directions
                  if all(isinstance(a, int) for a in d)]
    bound = max((abs(a) for p in ints for a in p), default=0) * len(ints[0])
    small = [d for d in directions if max(map(abs, d), default=0) * bound < 2**62]
    out: set[int] = set()
    if small:
        values = np.array(small, dtype=np.int64) @ np.array(ints, dtype=np.int64).T
        top = values.max(axis=1, keepdims=True)
        unique = (values == top).sum(axis=1) == 1
        out.update(int(i) for i in values.argmax(axis=1)[unique])
    for d in directions:
        if max(map(abs, d), default=0) * bound >= 2**62:
            values = [sum(a * b for a, b in zip(d, p, strict=True)) for p in ints]
            if values.count(max(values)) == 1:
                out.add(values.index(max(values)))
    return out


def _ordered(vertices: list[tuple[sp.Expr, ...]]) -> tuple[tuple[sp.Expr, ...], ...]:
    # Floats only order the (already exact) vertices for display; nothing is decided by them.
    numeric = [tuple(float(c) for c in v) for v in vertices]
    if len(vertices) > 2 and len(vertices[0]) == 2 and hull_kind(tuple(vertices)) == "polygon":
        cx = sum(v[0] for v in numeric) / len(numeric)
        cy = sum(v[1] for v in numeric) / len(numeric)
        start = min(range(len(numeric)), key=lambda i: (numeric[i][1], numeric[i][0]))
        base = math.atan2(numeric[start][1] - cy, numeric[start][0] - cx)
        key = [(math.atan2(v[1] - cy, v[0] - cx) - base) % (2 * math.pi) for v in numeric]
    else:
        key = numeric
    return tuple(v for _, v in sorted(zip(key, vertices, strict=True), key=lambda kv: kv[0]))


def hull_kind(vertices: tuple[tuple[sp.Expr, ...], ...]) -> str:
    """point, segment, polygon or polytope: the affine dimension of the vertices (0, 1, 2, 3+)."""
    if len(vertices) <= 1:
        return "point"
    dim = sp.Matrix([[a - b for a, b in zip(v, vertices[0], strict=True)]
                     for v in vertices[1:]]).rank()
    return KINDS[min(dim, 3)]
