"""Certified convexity by composition rules (as in disciplined convex programming).

A function certified convex here is convex on its whole domain, so its subdifferential equals
its Clarke set. The rules are conservative: ``UNKNOWN`` means "not certified", not "nonconvex".
Each primitive states its own curvature, sign and monotonicity in each argument
(``primitives``); the composition rule that combines them is written once, in ``compose``, and
powers u**p get theirs from ``power_calculus``.

>>> from clarke_core.engine.primitives import X, Y
>>> curvature(sp.Abs(X) + sp.Max(X, Y) + X**2)
<Curvature.CONVEX: 'convex'>
>>> curvature(sp.sqrt(X**2 + (Y - 1)**2))
<Curvature.CONVEX: 'convex'>
>>> curvature(sp.Max(X, 0) - sp.Max(-X, 0))
<Curvature.UNKNOWN: 'unknown'>
>>> curvature(sp.Max(X, 0)**2), sign(sp.Max(X, 0))
(<Curvature.CONVEX: 'convex'>, <Sign.NONNEGATIVE: 'nonnegative'>)
"""

from __future__ import annotations

import sympy as sp

from .numeric import lambdify
from .primitives import Curvature, Monotonicity, Sign, by_func

_FLIP = {
    Curvature.CONVEX: Curvature.CONCAVE,
    Curvature.CONCAVE: Curvature.CONVEX,
}
_NEGATE = {Sign.NONNEGATIVE: Sign.NONPOSITIVE, Sign.NONPOSITIVE: Sign.NONNEGATIVE}


def _add(curvatures: list[Curvature]) -> Curvature:
    kinds = set(curvatures) - {Curvature.CONSTANT}
    if not kinds:
        return Curvature.CONSTANT
    if kinds <= {Curvature.AFFINE}:
        return Curvature.AFFINE
    if kinds <= {Curvature.AFFINE, Curvature.CONVEX}:
        return Curvature.CONVEX
    if kinds <= {Curvature.AFFINE, Curvature.CONCAVE}:
        return Curvature.CONCAVE
    return Curvature.UNKNOWN


def _scale(c: Curvature, factor: sp.Expr) -> Curvature:
    if factor.is_zero:
        return Curvature.CONSTANT
    if factor.is_extended_negative:
        return _FLIP.get(c, c)
    return c if factor.is_extended_positive else Curvature.UNKNOWN


def compose(own: Curvature | None, monotonicity: list[Monotonicity],
            args: list[Curvature]) -> Curvature:
    """The DCP rule: f(g_1, ..., g_n) is convex when f is convex and each g_i is affine, or
    convex where f increases in it, or concave where f decreases in it (concave: the mirror).

    >>> inc = [Monotonicity.INCREASING]
    >>> compose(Curvature.CONVEX, inc, [Curvature.CONVEX]), compose(None, inc, [Curvature.AFFINE])
    (<Curvature.CONVEX: 'convex'>, <Curvature.UNKNOWN: 'unknown'>)
    """
    if all(c is Curvature.CONSTANT for c in args):
        return Curvature.CONSTANT
    if own is None or own is Curvature.UNKNOWN:
        return Curvature.UNKNOWN

    def fits(c: Curvature, m: Monotonicity, convex: bool) -> bool:
        if c in (Curvature.CONSTANT, Curvature.AFFINE):
            return True
        if m is Monotonicity.NONE:
            return False
        return c.is_convex if (m is Monotonicity.INCREASING) == convex else c.is_concave

    convex = own.is_convex and all(fits(c, m, True)
                                   for c, m in zip(args, monotonicity, strict=True))
    concave = own.is_concave and all(fits(c, m, False)
                                     for c, m in zip(args, monotonicity, strict=True))
    if convex and concave:
        return Curvature.AFFINE
    return Curvature.CONVEX if convex else Curvature.CONCAVE if concave else Curvature.UNKNOWN


def power_calculus(exponent: sp.Expr, base: Sign) -> tuple[Curvature | None, Monotonicity]:
    """u**p as a primitive of u, for a rational constant p, given what is known of u's sign.

    Even p: convex, increasing for u >= 0 (so relu(x)**2 is convex); odd p > 1: convex
    increasing for u >= 0, concave increasing for u <= 0; other p > 1: convex increasing for
    u >= 0; 0 < p < 1 (sqrt): concave increasing for u >= 0. Anything else: no curvature.

    >>> power_calculus(sp.S.Half, Sign.NONNEGATIVE)
    (<Curvature.CONCAVE: 'concave'>, <Monotonicity.INCREASING: 'increasing'>)
    """
    inc, dec, none = Monotonicity.INCREASING, Monotonicity.DECREASING, Monotonicity.NONE
    if exponent.is_integer and exponent.is_even and exponent > 0:
        m = inc if base.is_nonneg else dec if base.is_nonpos else none
        return Curvature.CONVEX, m
    if exponent > 1 and base.is_nonneg:
        return Curvature.CONVEX, inc
    if exponent.is_integer and exponent > 1 and base.is_nonpos:  # odd
        return Curvature.CONCAVE, inc
    if 0 < exponent < 1 and base.is_nonneg:
        return Curvature.CONCAVE, inc
    return None, none


def _power(base: sp.Expr, exponent: sp.Expr) -> Curvature:
    c = curvature(base)
    if exponent.free_symbols:
        if base.free_symbols or not base.is_positive:
            return Curvature.UNKNOWN
        # a**g = exp(g log a): exp is convex and increasing
        inner = _scale(curvature(exponent), sp.log(base))
        exp = by_func(sp.exp)
        return compose(exp.curvature, [Monotonicity.INCREASING], [inner])
    if c is Curvature.CONSTANT or exponent == 0:
        return Curvature.CONSTANT
    if exponent == 1:
        return c
    if not exponent.is_Rational:
        return Curvature.UNKNOWN
    if exponent == sp.S.Half and _sum_of_squares(base):
        return Curvature.CONVEX  # a Euclidean norm of affine functions
    s = sign(base)
    if s is Sign.UNKNOWN and base.is_nonnegative:
        s = Sign.NONNEGATIVE
    own, m = power_calculus(exponent, s)
    return compose(own, [m], [c])


def _sum_of_squares(expr: sp.Expr) -> bool:
    """expr = sum of c_i * g_i^2 with c_i > 0, possibly plus a constant >= 0, where each g_i is
    affine, or convex and >= 0, or concave and <= 0 (so sqrt(expr) is a Euclidean norm, which
    increases in |g_i|, of the g_i: convex)."""
    terms = sp.Add.make_args(sp.factor_terms(expr))
    for term in terms:
        if not term.free_symbols:
            if not term.is_nonnegative:
                return False
            continue
        factor, rest = term.as_independent(*term.free_symbols)
        if not (factor.is_positive and rest.is_Pow and rest.exp == 2):
            return False
        c = curvature(rest.base)
        if c in (Curvature.AFFINE, Curvature.CONSTANT):
            continue
        s = sign(rest.base)
        if not (s.is_nonneg and c is Curvature.CONVEX or s.is_nonpos and c is Curvature.CONCAVE):
            return False
    return True


def sign(expr: sp.Expr) -> Sign:
    """What the rules know of the sign of ``expr`` everywhere (UNKNOWN: not known).

    >>> from clarke_core.engine.primitives import X
    >>> [sign(e).value for e in (sp.Abs(X) + X**2, -sp.exp(X), X)]
    ['nonnegative', 'nonpositive', 'unknown']
    """
    if not expr.free_symbols:
        if expr.is_zero:
            return Sign.ZERO
        if expr.is_nonnegative:
            return Sign.NONNEGATIVE
        return Sign.NONPOSITIVE if expr.is_nonpositive else Sign.UNKNOWN
    if expr.is_Symbol:
        return Sign.UNKNOWN
    if expr.is_Add:
        signs = [sign(a) for a in expr.args]
        if all(s.is_nonneg for s in signs):
            return Sign.NONNEGATIVE
        return Sign.NONPOSITIVE if all(s.is_nonpos for s in signs) else Sign.UNKNOWN
    if expr.is_Mul:
        result = Sign.NONNEGATIVE
        for s in (sign(a) for a in expr.args):
            if s is Sign.UNKNOWN:
                return Sign.UNKNOWN
            if s is Sign.NONPOSITIVE:
                result = _NEGATE[result]
        return result
    if expr.is_Pow:
        base, exponent = expr.args
        if exponent.is_integer and exponent.is_even:
            return Sign.NONNEGATIVE
        s = sign(base)
        return s if s.is_nonneg or exponent.is_integer else Sign.UNKNOWN
    primitive = by_func(expr.func)
    if primitive is None or primitive.sign is None:
        return Sign.UNKNOWN
    return primitive.sign([sign(a) for a in expr.args])


def curvature(expr: sp.Expr) -> Curvature:
    """The certified curvature of ``expr`` (CONSTANT, AFFINE, CONVEX, CONCAVE or UNKNOWN)."""
    if not expr.free_symbols:
        return Curvature.CONSTANT
    if expr.is_Symbol:
        return Curvature.AFFINE
    if expr.is_Add:
        return _add([curvature(a) for a in expr.args])
    if expr.is_Mul:
        factor, rest = expr.as_independent(*expr.free_symbols)
        if rest.is_Mul:
            return Curvature.UNKNOWN
        return _scale(curvature(rest), factor)
    if expr.is_Pow:
        return _power(*expr.args)
    primitive = by_func(expr.func)
    if primitive is None or primitive.curvature is None or primitive.monotonicity is None:
        return Curvature.UNKNOWN
    args = list(expr.args)
    return compose(primitive.curvature, primitive.monotonicity([sign(a) for a in args]),
                   [curvature(a) for a in args])


def is_certified_convex(expr: sp.Expr) -> bool:
    """True when composition rules prove ``expr`` convex."""
    return curvature(expr).is_convex


def _jensen_pairs(center: tuple[sp.Expr, ...]) -> list[tuple[tuple, tuple]]:
    """Candidate pairs p, q around ``center``, simplest first: q - p = d·e for a few steps d
    along the axes and the diagonals, centred at ``center`` or with ``center`` at one end."""
    n = len(center)
    directions = [tuple(sp.Integer(int(i == j)) for j in range(n)) for i in range(n)]
    if n == 2:
        directions += [(sp.Integer(1), sp.Integer(1)), (sp.Integer(1), sp.Integer(-1))]
    steps = [sp.Integer(1), sp.S.Half, sp.Integer(2), sp.Rational(1, 4), sp.Integer(4),
             sp.Rational(1, 10), sp.Integer(10), sp.Rational(1, 100), sp.Integer(100)]
    pairs = []
    for d in steps:
        for e in directions:
            for shift in (sp.Integer(0), d / 2, -d / 2):
                mid = tuple(c + shift * ei for c, ei in zip(center, e, strict=True))
                pairs.append((tuple(m - d / 2 * ei for m, ei in zip(mid, e, strict=True)),
                              tuple(m + d / 2 * ei for m, ei in zip(mid, e, strict=True))))
        if n == 2:  # across a corner: from one axis to the other (min(|x|, |y|) at 0)
            for sx, sy in ((1, 1), (1, -1), (-1, 1), (-1, -1)):
                pairs.append(((center[0] + sx * d, center[1]), (center[0], center[1] + sy * d)))
    return pairs


def jensen_violation(expr: sp.Expr, variables: tuple[sp.Symbol, ...],
                     centers: list[tuple[sp.Expr, ...]]) -> tuple[tuple, tuple] | None:
    """Two exact points p, q with f((p + q)/2) > (f(p) + f(q))/2, which proves f not convex, or
    None when none is found near the ``centers`` (which proves nothing).

    Candidates are screened in floating point, then the inequality is confirmed exactly.

    >>> from clarke_core.engine.primitives import X, Y
    >>> jensen_violation(-sp.Abs(X), (X,), [(sp.Integer(0),)])
    ((-1/2,), (1/2,))
    >>> jensen_violation(sp.Abs(X) + sp.Abs(Y), (X, Y), [(sp.Integer(0), sp.Integer(0))]) is None
    True
    """
    import numpy as np

    from .local import finite_at, sign_of

    f = lambdify(variables, expr)
    pairs = [pq for c in centers for pq in _jensen_pairs(c)]

    def value(point: tuple) -> float:
        try:
            with np.errstate(all="ignore"):
                return float(np.real_if_close(f(*[float(c) for c in point])))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            return float("nan")

    for p, q in pairs:
        mid = tuple((a + b) / 2 for a, b in zip(p, q, strict=True))
        gap = value(mid) - (value(p) + value(q)) / 2
        if not (np.isfinite(gap) and gap > 1e-9):
            continue
        exact = [finite_at(expr, dict(zip(variables, pt, strict=True))) for pt in (p, q, mid)]
        if any(v is None for v in exact):
            continue
        try:
            if sign_of(exact[2] - (exact[0] + exact[1]) / 2) > 0:
                return p, q
        except ValueError:
            continue
    return None
