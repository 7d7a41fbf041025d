"""Proofs of subgradients in 2D: affine minorants of f read off its structure that touch f at p.

An affine ℓ with ℓ <= f everywhere and ℓ(p) = f(p) proves that ∇ℓ is a subgradient at p. The
minorants come from the primitives' own calculus (a convex primitive lies above its affine
branches), sums and positive multiples.

>>> from clarke_core.engine.primitives import X, Y
>>> proved_subgradients(sp.Abs(X) + sp.Max(X, Y), (sp.Integer(0), sp.Integer(0)))
[(1, 0), (0, 1), (2, 0), (1, 1), (0, 0), (-1, 1)]
"""

from __future__ import annotations

import sympy as sp

from .clarke_2d import value_at
from .convexity import sign
from .geometry import same_exact_point
from .local import sign_of
from .primitives import Curvature, X, Y, by_func


def _bounds(expr: sp.Expr, lower: bool, depth: int = 0) -> list[sp.Expr]:
    """Affine functions ℓ with expr >= ℓ everywhere (lower) or expr <= ℓ (upper), read off the
    structure: |u| >= ±u, 0; max(u, ...) >= u; u >= 0 when sympy knows it; sums and positive
    multiples of such. A short list, never complete."""
    if depth > 8:
        return []
    if not expr.free_symbols:
        return [expr]
    if expr.is_polynomial(X, Y) and sp.Poly(expr, X, Y).total_degree() <= 1:
        return [expr]
    out: list[sp.Expr] = []
    values = _affine_branches(expr, lower)
    if values is not None:
        if lower and sign(expr).is_nonneg and sp.Integer(0) not in values:
            out.append(sp.Integer(0))
        for v in values:
            out += _bounds(v, lower, depth + 1)
        return out[:40]
    if isinstance(expr, sp.Add):
        parts = [_bounds(t, lower, depth + 1) for t in expr.args]
        if any(not part for part in parts):
            return []
        combos = [sp.Integer(0)]
        for part in parts:
            combos = [c + m for c in combos for m in part][:40]
        return combos
    if isinstance(expr, sp.Mul):
        const, rest = expr.as_independent(X, Y)
        if rest != expr and not const.free_symbols:
            s = sign_of(const)
            if s > 0:
                return [const * m for m in _bounds(rest, lower, depth + 1)]
            if s < 0:
                return [const * m for m in _bounds(rest, not lower, depth + 1)]
    if lower and expr.is_nonnegative:
        return [sp.Integer(0)]
    if not lower and expr.is_nonpositive:
        return [sp.Integer(0)]
    return out


def _affine_branches(expr: sp.Expr, lower: bool) -> list[sp.Expr] | None:
    """The branch values of a convex primitive (lower) or a concave one (upper) when they are
    affine in its arguments: a convex function equal to an affine one on an open set lies above
    it everywhere (|u| >= u, -u; max(u, v) >= u, v). None for any other node."""
    p = by_func(expr.func)
    if p is None or p.branches is None or p.curvature is not (
            Curvature.CONVEX if lower else Curvature.CONCAVE):
        return None
    dummies = [sp.Dummy() for _ in expr.args]
    values = [b.value for b in p.branches(dummies)]
    if not all(v.is_polynomial(*dummies) and sp.Poly(v, *dummies).total_degree() <= 1
               for v in values):
        return None
    return [v.xreplace(dict(zip(dummies, expr.args, strict=True))) for v in values]


def proved_subgradients(expr: sp.Expr, p: tuple) -> list[tuple]:
    """Gradients of affine minorants ℓ <= f with ℓ(p) = f(p): each is a subgradient at p."""
    fp = value_at(expr, p)
    out = []
    for m in _bounds(expr, True):
        if sign_of(sp.expand(m.xreplace({X: p[0], Y: p[1]}) - fp)) == 0:
            grad = (sp.diff(m, X), sp.diff(m, Y))
            if not any(same_exact_point(grad, v) for v in out):
                out.append(grad)
    return out
