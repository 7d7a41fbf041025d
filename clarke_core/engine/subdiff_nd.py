"""The exact subdifferential of a piecewise-affine f of n variables (lecture §1: global).

∂ₛf(p) = {s : f(x) ≥ f(p) + ⟨s, x − p⟩ for every x}, for f built from abs, max, min and relu
over affine pieces, with any nesting and not necessarily convex.

Method and proof sketch. Shift p to 0 and put φ(x) = f(p + x) − f(p). Homogenize: each affine
leaf c·x + b becomes c·x + b t, so that F(x, t) = t φ(x/t) + t f(p) for t > 0 (abs, max and min
commute with positive scaling). The local fan of F at the origin of ℝⁿ⁺¹, started in the half
space t > 0 (``clarke_nd._Fan``: exact LP feasibility), lists every open cell C of the global
arrangement of f's switches as an open cone K = {z : R z > 0} (C × {1} = K ∩ {t = 1}), with
F = a·x + b t on K. The closures of the cells cover ℝⁿ (switch sets are hyperplanes) and f is
continuous, so f = a·x + b on cl C, and s is a subgradient iff for every cell the linear form
ℓ(z) = (a − s)·x + (b − f(p)) t is ≥ 0 on cl K = {R z ≥ 0} (points x ∈ cl C are z = (x, 1); the
points with t = 0 are limits of positive multiples of them). A linear form is ≥ 0 on a polyhedral
cone iff it is ≥ 0 on its extreme rays and 0 on its lineality space. Those generators (exact
double description, ``cone_generators``) give finitely many half-spaces ⟨s, x⟩ ≤ a·x + (b − f(p)) t;
their intersection is ∂ₛf(p). It is bounded (the cells at 0 give ⟨s, d⟩ ≤ f'(p; d) for directions
d positively spanning ℝⁿ), and its vertices are the rays with τ > 0 of the cone
{(s, τ) : τ ≥ 0, ⟨s, x⟩ ≤ c τ}, found by the same double description. Everything is exact
(fractions, or sympy numbers for irrational data); the result is certified.

>>> x, y, z = sp.symbols("x y z", real=True)
>>> subdifferential_nd(sp.Min(abs(x) + abs(y) + abs(z), 1), (x, y, z), (0, 0, 0)).vertices
((0, 0, 0),)
>>> subdifferential_nd(-abs(x) + z, (x, y, z), (0, 0, 0)).kind
'empty'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from ..errors import UndecidedError
from .clarke_nd import _Cone, _Fan, _scaled
from .lp_exact import Row, as_number, dot, exact_sign, hull_kind, hull_vertices
from .primitives import NONSMOOTH_FUNCS, branches

MAX_CELLS = 800  # cells of the global arrangement
MAX_RAYS = 3000  # generators alive in one double description
_T = sp.Symbol("t_homogeneous", real=True)
_LINEAR = (sp.Max, sp.Min, sp.Abs)


class NotPiecewiseAffine(Exception):
    """f is not abs/max/min/relu over affine pieces; the message says which part is not."""


@dataclass(frozen=True)
class SubdifferentialResult:
    """The exact subdifferential: its vertices (empty tuple: the empty set), ``kind`` in
    empty | point | segment | polygon | polytope, the number of cells of f's global arrangement
    and of the distinct half-spaces they gave."""

    vertices: tuple[tuple[sp.Expr, ...], ...]
    kind: str
    cells: int
    halfspaces: int


def subdifferential_nd(expr: sp.Expr, variables: Sequence[sp.Symbol], point: Sequence[sp.Expr]
                       ) -> SubdifferentialResult:
    """The exact subdifferential of a piecewise-affine ``expr`` at ``point``.

    Raises ``NotPiecewiseAffine`` outside that class and ``UndecidedError`` when f has more
    than ``MAX_CELLS`` cells ("too many pieces").

    >>> x, y, z = sp.symbols("x y z", real=True)
    >>> subdifferential_nd(abs(x) + sp.Max(y, z), (x, y, z), (0, 0, 0)).vertices
    ((-1, 0, 1), (-1, 1, 0), (1, 0, 1), (1, 1, 0))
    """
    variables = tuple(variables)
    point = tuple(sp.sympify(c) for c in point)
    n = len(variables)
    shifted = sp.sympify(expr).xreplace({v: v + c for v, c in zip(variables, point, strict=True)})
    f0 = sp.sympify(expr).xreplace(dict(zip(variables, point, strict=True)))
    homogeneous = homogenized(shifted, variables)
    fan = _BoundedFan((*variables, _T), (sp.Integer(0),) * (n + 1))
    t_row = (0,) * n + (1,)
    try:
        leaves = fan.expr(homogeneous, _Cone((t_row,), (), t_row))
    except UndecidedError as err:
        if "cells meet" in str(err):
            raise _too_many() from err
        raise
    halfspaces: dict[Row, None] = {}
    for cone, piece in leaves:
        gradient = [as_number(g) for g in fan.gradient(piece)]
        a, b = gradient[:n], _exact(gradient[n] - f0)
        lineality, rays = cone_generators(cone.rows, n + 1)
        for x, sense in [(v, s) for v in lineality for s in (1, -1)] + [(v, 1) for v in rays]:
            bound = _exact(dot(a, x[:n]) + b * x[n])
            row = tuple(-sense * c for c in x[:n]) + (sense * bound,)
            if any(exact_sign(c) != 0 for c in row):
                halfspaces[_scaled(row)] = None
    # Constraints through the origin first: they cut the box of the local cone early.
    rows = sorted(halfspaces, key=lambda r: exact_sign(r[-1]) != 0)
    lineality, rays = cone_generators([(0,) * n + (1,), *rows], n + 1)
    if lineality or any(exact_sign(r[n]) == 0 for r in rays):
        raise AssertionError("the subdifferential of a piecewise-affine f came out unbounded")
    vertices = [tuple(sp.sympify(_quotient(c, r[n])) for c in r[:n]) for r in rays]
    vertices = list(hull_vertices(vertices)) if vertices else []
    kind = hull_kind(tuple(vertices)) if vertices else "empty"
    return SubdifferentialResult(tuple(vertices), kind, len(leaves), len(halfspaces))


def homogenized(e: sp.Expr, variables: tuple[sp.Symbol, ...]) -> sp.Expr:
    """e with each affine leaf c·x + b replaced by c·x + b t (abs, max, min kept).

    >>> x, y = sp.symbols("x y", real=True)
    >>> homogenized(sp.Max(x + 1, 2 * abs(y - 3)), (x, y))
    Max(t_homogeneous + x, 2*Abs(3*t_homogeneous - y))
    """
    if not (e.free_symbols & set(variables)):
        return e * _T
    if isinstance(e, _LINEAR):
        return e.func(*(homogenized(a, variables) for a in e.args))
    if isinstance(e, sp.Add):
        return sp.Add(*(homogenized(a, variables) for a in e.args))
    if isinstance(e, sp.Mul):
        coeff, rest = e.as_independent(*variables, as_Add=False)
        if rest != e:
            return coeff * homogenized(rest, variables)
    if e.is_Symbol:
        return e
    raise NotPiecewiseAffine(f"the part {e} is not affine, nor abs, max, min or relu of "
                             "affine parts")


def cone_generators(rows: Sequence[Row], dim: int) -> tuple[list[Row], list[Row]]:
    """A basis of the lineality space and the extreme rays of {z ∈ ℝ^dim : r·z ≥ 0 ∀ r}, by
    the double description method (Motzkin; Fukuda and Prodon 1996), exactly.

    Adding a row r: if some lineality vector b has r·b ≠ 0 it becomes a ray (sign so that
    r·b > 0) and the other generators are moved along b onto r = 0; else the rays with
    r·z ≥ 0 stay and each adjacent pair across r = 0 gives the ray on it (combinatorial
    adjacency test: no third ray is zero on every row both are zero on).

    >>> cone_generators([(1, 0), (0, 1)], 2)
    ([], [(1, 0), (0, 1)])
    >>> cone_generators([(1, 0, 0)], 3)
    ([(0, 1, 0), (0, 0, 1)], [(1, 0, 0)])
    """
    lineality: list[Row] = [tuple(int(i == j) for j in range(dim)) for i in range(dim)]
    rays: list[tuple[Row, int]] = []  # (ray, bitmask of the rows it is zero on)
    for k, r in enumerate(rows):
        bit = 1 << k
        values = [dot(r, b) for b in lineality]
        j = next((i for i, v in enumerate(values) if exact_sign(v) != 0), None)
        if j is not None:
            b0, c = lineality[j], values[j]
            if exact_sign(c) < 0:
                b0, c = tuple(-a for a in b0), -c
            lineality = [_combination(c, b, -v, b0) for i, (b, v) in
                         enumerate(zip(lineality, values, strict=True)) if i != j]
            rays = [(_combination(c, z, -dot(r, z), b0), mask | bit) for z, mask in rays]
            rays.append((b0, bit - 1))  # zero on every earlier row, as lineality was
            continue
        signs = [exact_sign(dot(r, z)) for z, _ in rays]
        kept = [(z, mask | (bit if s == 0 else 0)) for (z, mask), s in zip(rays, signs, strict=True)
                if s >= 0]
        need = dim - len(lineality) - 2  # rank of the rows zero on an edge's 2-face
        plus = [i for i, s in enumerate(signs) if s > 0]
        minus = [i for i, s in enumerate(signs) if s < 0]
        for i in plus:
            zi, mi = rays[i]
            for m in minus:
                zm, mm = rays[m]
                common = mi & mm
                if common.bit_count() < need or any(
                        (mq & common) == common for q, (_, mq) in enumerate(rays)
                        if q != i and q != m):
                    continue
                kept.append((_combination(dot(r, zi), zm, -dot(r, zm), zi), common | bit))
        if len(kept) > MAX_RAYS:
            raise _too_many()
        rays = kept
    return lineality, [z for z, _ in rays]


class _BoundedFan(_Fan):
    """The local fan with a cap on the cells of every node and of every partial sum or product
    (the global arrangement grows fast: a sum of k abs has up to k³ cells in ℝ³)."""

    def expr(self, e, cone):
        if e.has(*NONSMOOTH_FUNCS) and branches(e) is None and (e, cone) not in self._exprs:
            partial: list[tuple[_Cone, tuple]] = [(cone, ())]
            for arg in e.args:
                partial = [(c2, (*done, s)) for c, done in partial for c2, s in self.expr(arg, c)]
                if len(partial) > MAX_CELLS:
                    raise _too_many()
            self._exprs[(e, cone)] = [(c, e.func(*args)) for c, args in partial]
        out = super().expr(e, cone)
        if len(out) > MAX_CELLS:
            raise _too_many()
        return out


def _too_many() -> UndecidedError:
    return UndecidedError(f"The function has too many pieces for the exact n-D subdifferential "
                          f"(more than {MAX_CELLS} cells or {MAX_RAYS} generators).")


def _exact(value):
    """A number as a fraction when rational, else a simplified sympy number."""
    if isinstance(value, int | Fraction):
        return value
    value = sp.radsimp(sp.expand(sp.sympify(value)))
    return as_number(value)


def _quotient(a, b):
    if isinstance(a, int | Fraction) and isinstance(b, int | Fraction):
        return Fraction(a) / b
    return _exact(sp.sympify(a) / sp.sympify(b))


def _combination(a, u: Row, b, v: Row) -> Row:
    """a u + b v, scaled to a primitive integer vector when rational (sizes stay small)."""
    out = tuple(_exact(a * p + b * q) for p, q in zip(u, v, strict=True))
    return _scaled(out)
