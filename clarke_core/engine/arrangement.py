"""The exact subdifferential of a piecewise-affine f(x, y): global, by its arrangement of lines.

A function built from abs/max/min/relu/sign/Heaviside/Piecewise over affine pieces, with affine
branch conditions, is affine on every relatively open face (cell, edge or vertex) of the
arrangement of its switch lines. On a face with form F(q) = c + ⟨g, q⟩ the subgradient inequality
F(q) ≥ f(p) + ⟨s, q - p⟩ holds for all q in the face exactly when it holds at the generators of
the face's closure (conv of points + cone of rays): ⟨s, v - p⟩ ≤ F(v) - f(p) at each point v and
⟨s, d⟩ ≤ ⟨g, d⟩ along each ray d. These finitely many half-planes are intersected exactly
(rationals, or sympy numbers for irrational data).

Faces are found by splitting: a face is asked for f's form; each switch function met must have
one sign on the face (read off its generators), or the face is split along its zero line.

>>> from clarke_core.engine.primitives import X, Y
>>> zero = (sp.Integer(0), sp.Integer(0))
>>> exact_subdifferential(sp.Min(sp.Abs(X) + sp.Abs(Y), 100000), zero).points
[(0, 0)]
>>> exact_subdifferential(sp.Max(X, Y), zero).points
[(0, 1), (1, 0)]
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from ..errors import UndecidedError
from .clarke_2d import value_at
from .geometry import exact_hull
from .local import form_by_signs, sign_of
from .primitives import X, Y

MAX_FACES = 3000
MAX_CONSTRAINTS = 400

Affine = tuple  # (a, b, c): a x + b y + c, exact


class NotPiecewiseAffine(Exception):
    """f has a piece or a switch function that is not affine: this method does not apply."""


@dataclass(frozen=True)
class Face:
    """A relatively open face: g = 0 for each g in ``eqs``, sign(g) = σ for each (g, σ)."""

    eqs: tuple[Affine, ...] = ()
    ineqs: tuple[tuple[Affine, int], ...] = ()


@dataclass(frozen=True)
class Result:
    """The subdifferential: exact extreme points counter-clockwise (a segment lowest-leftmost
    first; [] when empty), with the number of faces and half-planes used."""

    points: list[tuple]
    faces: int
    constraints: int


def _sgn(v) -> int:
    if isinstance(v, Fraction | int):
        return (v > 0) - (v < 0)
    return sign_of(sp.sympify(v))


def _num(v):
    """Fractions for rationals (fast exact arithmetic), sympy numbers otherwise."""
    v = sp.nsimplify(v) if isinstance(v, float) else sp.sympify(v)
    if v.is_Rational:
        return Fraction(int(v.p), int(v.q))
    return v


def _affine(g: sp.Expr) -> Affine:
    g = sp.expand(g)
    if not g.free_symbols:
        return (0, 0, _num(g))
    if not g.free_symbols <= {X, Y} or not g.is_polynomial(X, Y):
        raise NotPiecewiseAffine
    poly = sp.Poly(g, X, Y)
    if poly.total_degree() > 1:
        raise NotPiecewiseAffine
    coeff = dict(poly.terms())
    a, b, c = (coeff.get(m, sp.Integer(0)) for m in ((1, 0), (0, 1), (0, 0)))
    return (_num(a), _num(b), _num(c))


def _at(g: Affine, v: tuple):
    return g[0] * v[0] + g[1] * v[1] + g[2]


def _slope(g: Affine, d: tuple):
    return g[0] * d[0] + g[1] * d[1]


def _foot(g: Affine, p: tuple) -> tuple:
    """The point of the line g = 0 nearest to p."""
    t = _at(g, p) / (g[0] ** 2 + g[1] ** 2)
    return (p[0] - t * g[0], p[1] - t * g[1])


def _meet(g: Affine, h: Affine) -> tuple | None:
    det = g[0] * h[1] - g[1] * h[0]
    if _sgn(det) == 0:
        return None
    return ((g[1] * h[2] - g[2] * h[1]) / det, (g[2] * h[0] - g[0] * h[2]) / det)


def _unique(items: list[tuple]) -> list[tuple]:
    out: list[tuple] = []
    for v in items:
        if not any(all(_sgn(a - b) == 0 for a, b in zip(v, w, strict=True)) for w in out):
            out.append(v)
    return out


def _generators(face: Face, p: tuple) -> tuple[list, list, tuple] | None:
    """Points and rays whose conv + cone is the face's closure, and a point inside the face;
    None when the face is empty."""
    eqs = [g for g in face.eqs if _sgn(g[0]) or _sgn(g[1]) or _sgn(g[2])]
    for g in eqs:
        if not (_sgn(g[0]) or _sgn(g[1])):
            return None  # a nonzero constant = 0
    if not eqs:
        return _cell_generators(face.ineqs, p)
    e = eqs[0]
    for h in eqs[1:]:
        if _meet(e, h) is not None:
            point = _meet(e, h)
            ok = all(_sgn(_at(g, point)) == 0 for g in eqs)
            ok = ok and all(_sgn(_at(g, point)) == s for g, s in face.ineqs)
            return ([point], [], point) if ok else None
        if _sgn(_at(h, _foot(e, p))) != 0:
            return None  # parallel, distinct lines
    x0, u = _foot(e, p), (-e[1], e[0])
    lo, hi = None, None  # bounds on t for x0 + t u, closure
    for g, s in face.ineqs:
        alpha, beta = s * _at(g, x0), s * _slope(g, u)  # need alpha + beta t > 0
        if _sgn(beta) == 0:
            if _sgn(alpha) <= 0:
                return None
            continue
        bound = -alpha / beta
        if _sgn(beta) > 0:
            lo = bound if lo is None or _sgn(bound - lo) > 0 else lo
        else:
            hi = bound if hi is None or _sgn(bound - hi) < 0 else hi
    if lo is not None and hi is not None and _sgn(hi - lo) <= 0:
        return None

    def at(t):
        return (x0[0] + t * u[0], x0[1] + t * u[1])

    points = [at(t) for t in (lo, hi) if t is not None] or [x0]
    rays = ([u] if hi is None else []) + ([(-u[0], -u[1])] if lo is None else [])
    if lo is not None and hi is not None:
        inside = at((lo + hi) / 2)
    elif lo is not None:
        inside = at(lo + 1)
    elif hi is not None:
        inside = at(hi - 1)
    else:
        inside = x0
    return points, rays, inside


def _cell_generators(ineqs, p: tuple) -> tuple[list, list, tuple] | None:
    lines = [g for g, _ in ineqs]
    for g, s in ineqs:
        if not (_sgn(g[0]) or _sgn(g[1])) and _sgn(g[2]) != s:
            return None

    def closed(v) -> bool:
        return all(s * _sgn(_at(g, v)) >= 0 for g, s in ineqs)

    straight = [g for g in lines if _sgn(g[0]) or _sgn(g[1])]
    candidates = [p] + [_foot(g, p) for g in straight]
    for i, g in enumerate(straight):
        for h in straight[i + 1:]:
            m = _meet(g, h)
            if m is not None:
                candidates.append(m)
    points = _unique([v for v in candidates if closed(v)])
    directions = [(1, 0), (-1, 0), (0, 1), (0, -1)]
    for g, s in ineqs:
        directions += [(-g[1], g[0]), (g[1], -g[0]), (s * g[0], s * g[1])]
    rays = _unique([d for d in directions if (_sgn(d[0]) or _sgn(d[1]))
                    and all(s * _sgn(_slope(g, d)) >= 0 for g, s in ineqs)])
    if not points:
        return None
    n = len(points)
    inside = (sum((v[0] for v in points), 0) / n + sum((d[0] for d in rays), 0),
              sum((v[1] for v in points), 0) / n + sum((d[1] for d in rays), 0))
    if not all(s * _sgn(_at(g, inside)) > 0 for g, s in ineqs):
        return None
    return points, rays, inside


class _Split(Exception):
    def __init__(self, g: Affine):
        self.g = g


def _form_on(expr: sp.Expr, points: list, rays: list, inside: tuple) -> sp.Expr:
    def oracle(g: sp.Expr) -> int:
        a = _affine(g)
        signs = {_sgn(_at(a, v)) for v in points} | {_sgn(_slope(a, d)) for d in rays}
        if signs <= {0, 1} or signs <= {0, -1}:
            return _sgn(_at(a, inside))
        raise _Split(a)

    return form_by_signs(expr, oracle)


def _sym(v) -> sp.Expr:
    return sp.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sp.sympify(v)


def faces_and_forms(expr: sp.Expr, p: tuple) -> list[tuple[list, list, Affine]]:
    """Every face of f's arrangement with its generators and f's affine form there.

    Raises NotPiecewiseAffine when f has a piece or condition that is not affine, and
    UndecidedError past MAX_FACES faces.
    """
    stack = [Face()]
    out = []
    seen = 0
    while stack:
        face = stack.pop()
        seen += 1
        if seen > MAX_FACES:
            raise UndecidedError("The function has too many linear pieces to check exactly.")
        gens = _generators(face, p)
        if gens is None:
            continue
        points, rays, inside = gens
        try:
            form = _form_on(expr, points, rays, inside)
        except _Split as split:
            g = split.g
            stack += [Face(face.eqs, (*face.ineqs, (g, 1))), Face(face.eqs, (*face.ineqs, (g, -1))),
                      Face((*face.eqs, g), face.ineqs)]
            continue
        out.append((points, rays, _affine(form)))
    return out


def _normalised(n: tuple, b) -> tuple:
    scale = max(abs(n[0]), abs(n[1])) if all(isinstance(c, Fraction) for c in n) else None
    if scale:
        return (n[0] / scale, n[1] / scale), b / scale
    return n, b


def exact_subdifferential(expr: sp.Expr, p: tuple) -> Result:
    """∂ₛf(p) of a piecewise-affine f, exactly; raises NotPiecewiseAffine otherwise."""
    fp = _num(value_at(expr, p))
    p = (_num(p[0]), _num(p[1]))
    faces = faces_and_forms(expr, p)
    constraints: list[tuple] = []
    for points, rays, form in faces:
        for v in points:
            constraints.append(((v[0] - p[0], v[1] - p[1]), _at(form, v) - fp))
        for d in rays:
            constraints.append((d, _slope(form, d)))
    unique: list[tuple] = []
    for n, b in constraints:
        if not (_sgn(n[0]) or _sgn(n[1])):
            if _sgn(b) < 0:
                return Result([], len(faces), len(constraints))
            continue
        n, b = _normalised(n, b)
        if not any(_sgn(n[0] - m[0]) == 0 and _sgn(n[1] - m[1]) == 0 and _sgn(b - c) >= 0
                   for m, c in unique):
            unique = [(m, c) for m, c in unique
                      if not (_sgn(n[0] - m[0]) == 0 and _sgn(n[1] - m[1]) == 0)]
            unique.append((n, b))
    if len(unique) > MAX_CONSTRAINTS:
        raise UndecidedError("The function has too many linear pieces to check exactly.")
    lines = [(n[0], n[1], -b) for n, b in unique]  # n·s - b = 0
    corners = []
    for i, g in enumerate(lines):
        for h in lines[i + 1:]:
            m = _meet(g, h)
            if m is not None and all(_sgn(_at(k, m)) <= 0 for k in lines):
                corners.append(m)
    hull = exact_hull(_unique(corners))
    return Result([tuple(_sym(c) for c in v) for v in hull], len(faces), len(unique))
