"""Exact local analysis in one variable: which smooth branch a nonsmooth function follows just
left of, at, or just right of a point.

A function built from abs/max/min/Piecewise/sign/Heaviside over smooth pieces agrees, on a small
one-sided neighbourhood (a, a + δ), with one smooth expression: its *side form*. Every branch
condition is decided by the sign of a smooth function g(a + t) as t -> 0+, which is decided
exactly: the value at a, then its derivatives in t, then (for non-analytic g) sympy's limit of
sign(g). No float tolerance ever decides a tie.

>>> from clarke_core.engine.primitives import X
>>> side_form(sp.Max(X, 0), X, sp.Integer(0), +1)
x
>>> side_form(sp.Max(X, 0), X, sp.Integer(0), -1)
0
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import sympy as sp

from ..errors import InputError, NotFiniteError, UndecidedError
from .primitives import by_func, nonsmooth_funcs, singularities, switches

_T = sp.Symbol("t", positive=True)
_TAYLOR_ORDERS = 6
_NONFINITE = (sp.nan, sp.zoo, sp.oo, -sp.oo)
# The largest exponent (natural log of a value) computed with near a point: the parser's rule for
# constants (exp of more than 10**4 is refused), applied to f at the point. exp(exp(exp(x))) at
# 100 would otherwise hang the numerics on a number with 10**43 digits in its exponent.
MAX_LOG_SIZE = 1e4
SignOracle = Callable[[sp.Expr], int]


def check_size_at(expr: sp.Expr, at: dict[sp.Symbol, sp.Expr]) -> None:
    """Refuse (InputError) a function whose exponentials grow past e**MAX_LOG_SIZE at the point.

    Exponentials are visited innermost first, so each exponent is evaluated only once everything
    inside it is known to be of reasonable size.

    >>> x = sp.Symbol("x")
    >>> check_size_at(sp.exp(sp.exp(x)), {x: sp.Integer(9)})  # e**8103: fine
    >>> try:
    ...     check_size_at(sp.exp(sp.exp(x)), {x: sp.Integer(10)})
    ... except InputError as err:
    ...     print(str(err)[:53])
    At this point the function reaches about e**2.203e+04
    """
    for node in sp.postorder_traversal(expr):
        if not isinstance(node, sp.Expr):
            continue
        base, power = node.as_base_exp()  # exp(u) is (E, u); anything not a power (node, 1)
        if not power.free_symbols:
            continue
        size = power * sp.log(sp.Abs(base))
        try:
            value = complex(size.xreplace(at).evalf(15))
        except (TypeError, ValueError):  # not a number there (undefined): left to the engine
            continue
        if abs(value.real) > MAX_LOG_SIZE:
            raise InputError(
                f"At this point the function reaches about e**{value.real:.4g}, too large to "
                f"compute with (Clarke Lab stops at e**{MAX_LOG_SIZE:.0f}); try a point nearer 0 "
                "or a smaller function.")


def is_finite_number(value: sp.Expr) -> bool:
    """True when ``value`` is a finite real number (no nan, zoo, oo or accumulation bounds)."""
    if value.free_symbols or value.has(*_NONFINITE) or value.has(sp.AccumBounds):
        return False
    finite = value.is_finite
    if finite is None and isinstance(value, sp.Expr):
        # A constant sympy cannot classify (sin of an arctangent of nested radicals): without
        # nan/zoo/oo in it, a finite value at 30 digits means it is finite.
        try:
            number = complex(value.evalf(30))
        except (TypeError, ValueError):
            return False
        finite = bool(np.isfinite(number.real) and np.isfinite(number.imag))
    return bool(finite) and value.is_extended_real is not False


def sign_of(c: sp.Expr) -> int:
    """The exact sign (-1, 0 or 1) of a real constant.

    Decided by sympy's assumptions, then high-precision numerics with a proven error bound, then
    an exact zero test; raises ``UndecidedError`` rather than guess.

    >>> sign_of(sp.sqrt(2) * sp.sqrt(3) - sp.sqrt(6)), sign_of(sp.pi - 3), sign_of(-sp.E)
    (0, 1, -1)
    """
    if c.is_Rational:
        return int(sp.sign(c))
    if not is_finite_number(c):
        raise NotFiniteError(f"Clarke Lab could not decide the sign of {c}, which is not finite.")
    # Numbers first: evalf tracks its error and raises the working precision on cancellation, so a
    # value clearly away from zero at 40 digits has that sign. Only near-zeros need proofs.
    value = c.evalf(40)
    re, im = value.as_real_imag()
    if im != 0 and abs(im) > sp.Float(10) ** -30:
        raise UndecidedError(f"The value {c} is not a real number.")
    if abs(re) > sp.Float(10) ** -30:
        return 1 if re > 0 else -1
    if c.is_zero:
        return 0
    try:
        if sp.minimal_polynomial(c, sp.Dummy()).is_Symbol:
            return 0
    except (NotImplementedError, sp.PolynomialError, ValueError,
            sp.polys.polyerrors.NotAlgebraic):
        pass
    if sp.simplify(c) == 0:
        return 0
    raise UndecidedError(f"Clarke Lab could not decide whether {c} is exactly zero.")


def finite_at(expr: sp.Expr, x: sp.Symbol | dict, a: sp.Expr | None = None) -> sp.Expr | None:
    """``expr`` at x = a (or at the substitution dict ``x``) when every subexpression is finite
    there, so that ``expr`` is continuous there; else None.

    >>> from clarke_core.engine.primitives import X, Y
    >>> finite_at(sp.cos(X), X, sp.Integer(0)), finite_at(X * sp.sin(1 / X), X, sp.Integer(0))
    (1, None)
    >>> finite_at(X + Y, {X: 1, Y: 2})
    3
    """
    subs = x if isinstance(x, dict) else {x: a}
    subs = {k: sp.Integer(v) if isinstance(v, int) else v for k, v in subs.items()}
    return _finite_value(expr, subs, {})


def _finite_value(expr: sp.Expr, subs: dict, memo: dict) -> sp.Expr | None:
    # Bottom-up, so each subexpression is evaluated once.
    if expr in memo:
        return memo[expr]
    if expr in subs:
        value = subs[expr]
    elif not expr.args:
        value = expr
    else:
        args = [_finite_value(arg, subs, memo) for arg in expr.args]
        value = None if any(v is None for v in args) else expr.func(*args)
    if value is not None and not is_finite_number(value):
        value = None
    memo[expr] = value
    return value


def side_sign(g: sp.Expr, x: sp.Symbol, a: sp.Expr, side: int) -> int:
    """Sign of the smooth function g on (a, a + δ) (side = +1), (a - δ, a) (side = -1) or at a
    (side = 0), for small δ. 0 means g vanishes there (identically, on a side).
    """
    if side == 0 or x not in g.free_symbols:
        value = g.xreplace({x: a}) if x in g.free_symbols else g
        return sign_of(value)
    derivative = g
    for order in range(_TAYLOR_ORDERS + 1):
        value = finite_at(derivative, x, a)
        if value is None:
            break
        s = sign_of(value)
        if s != 0:
            return s * side**order
        derivative = sp.diff(derivative, x)
    else:
        if _vanishes_identically(g, x):
            return 0
    return _sign_by_limit(g, x, a, side)


def _vanishes_identically(g: sp.Expr, x: sp.Symbol) -> bool:
    return sp.simplify(g) == 0


def _sign_by_limit(g: sp.Expr, x: sp.Symbol, a: sp.Expr, side: int) -> int:
    h = g.xreplace({x: a + side * _T})
    try:
        limit = sp.limit(sp.sign(h), _T, 0, "+")
    except (NotImplementedError, ValueError, TypeError, sp.PoleError) as exc:
        raise UndecidedError(
            f"Clarke Lab could not decide the sign of {g} next to x = {a}."
        ) from exc
    if limit in (1, -1):
        return int(limit)
    if limit == 0 and _vanishes_identically(g, x):
        return 0
    raise UndecidedError(
        f"Infinitely many kinks accumulate at x = {a} (the sign of {g} keeps changing), "
        "so Clarke Lab cannot decide the set exactly."
    )


def _truth(cond: sp.Basic, oracle: SignOracle, memo: dict) -> bool:
    if cond is sp.true or cond is True:
        return True
    if cond is sp.false or cond is False:
        return False
    if isinstance(cond, tuple | sp.And):
        parts = cond if isinstance(cond, tuple) else cond.args
        return all(_truth(c, oracle, memo) for c in parts)
    if isinstance(cond, sp.Or):
        return any(_truth(c, oracle, memo) for c in cond.args)
    if isinstance(cond, sp.Not):
        return not _truth(cond.args[0], oracle, memo)
    if isinstance(cond, sp.core.relational.Relational):
        s = oracle(_form(cond.lhs - cond.rhs, oracle, memo))
        return {
            ">": s > 0, ">=": s >= 0, "<": s < 0, "<=": s <= 0, "==": s == 0, "!=": s != 0,
        }[cond.rel_op]
    raise UndecidedError(f"Clarke Lab cannot evaluate the condition {cond}.")


def _form(expr: sp.Expr, oracle: SignOracle, memo: dict) -> sp.Expr:
    nonsmooth = nonsmooth_funcs()
    if not expr.has(*nonsmooth):
        return expr
    if expr in memo:
        return memo[expr]
    if expr.func in nonsmooth:
        primitive = by_func(expr.func)
        # Arguments that are expressions are made smooth first; others (Piecewise's
        # (expr, condition) pairs) go to the branches as they are, decided lazily.
        args = [_form(u, oracle, memo) if isinstance(u, sp.Expr) else u for u in expr.args]
        if primitive.select is not None:
            memo[expr] = primitive.select(args, oracle)
            return memo[expr]
        for branch in primitive.branches(args):
            if _truth(branch.condition, oracle, memo):
                result = _form(branch.value, oracle, memo)
                break
        else:
            raise UndecidedError(
                "The Piecewise conditions cover no branch next to the point; add a final "
                "(expression, True) branch."
            )
    else:
        result = expr.func(*[_form(u, oracle, memo) for u in expr.args])
    memo[expr] = result
    return result


def form_by_signs(expr: sp.Expr, oracle: SignOracle) -> sp.Expr:
    """The smooth branch of ``expr`` selected when every branch condition g (>, >=, ...) 0 is
    decided by ``oracle(g)``, the sign (-1, 0, 1) of the smooth function g where we look."""
    return _form(expr, oracle, {})


def side_form(expr: sp.Expr, x: sp.Symbol, a: sp.Expr, side: int) -> sp.Expr:
    """The smooth expression that equals ``expr`` just right of a (side = +1), just left of a
    (side = -1), or the exact value of ``expr`` at a (side = 0).

    >>> from clarke_core.engine.primitives import X
    >>> side_form(sp.Abs(X**2 - 2), X, sp.sqrt(2), -1)
    2 - x**2
    >>> side_form(sp.Piecewise((X**2 * sp.sin(1 / X), sp.Ne(X, 0)), (0, True)), X, sp.S(0), 0)
    0
    """
    def oracle(g: sp.Expr) -> int:
        return side_sign(sp.expand(g) if g.is_polynomial(x) else g, x, a, side)

    result = form_by_signs(expr, oracle)
    return result.xreplace({x: a}) if side == 0 else result


class NotExactError(UndecidedError):
    """An exact step (a zero set, a limit) that sympy could not do; callers fall back."""


# Never more kinks than this: beyond it the function is too busy to split exactly.
MAX_KINKS = 200


def _switch_functions(node: sp.Basic) -> list[sp.Expr]:
    """The smooth-or-not functions whose zeros are where ``node`` may stop being smooth: the
    switches of a nonsmooth primitive (its branch conditions), where a smooth one ends or blows
    up (log, tan), and the bases of fractional or negative powers (where f may end or blow up)."""
    if isinstance(node, sp.Pow) and not (node.exp.is_Integer and node.exp >= 0):
        return [node.base]
    return switches(node) + singularities(node)


def interior_point(lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """A simple exact number strictly between lo and hi (either may be infinite).

    >>> interior_point(sp.Integer(0), sp.sqrt(2)), interior_point(-sp.oo, sp.Integer(3))
    (1, 2)
    """
    if lo == -sp.oo and hi == sp.oo:
        return sp.Integer(0)
    if lo == -sp.oo:
        return sp.floor(hi) - 1 if hi.is_Integer else sp.floor(hi)
    if hi == sp.oo:
        return sp.ceiling(lo) + 1 if lo.is_Integer else sp.ceiling(lo)
    mid = (lo + hi) / 2
    if mid.is_Rational:
        return mid
    # The rational with the smallest denominator inside, or the exact midpoint.
    for d in (1, 2, 4, 8, 16, 64, 256, 1024):
        guess = sp.Rational(round(float(mid) * d), d)
        if sign_of(guess - lo) > 0 and sign_of(hi - guess) > 0:
            return guess
    return mid


def smooth_zeros(g: sp.Expr, x: sp.Symbol, lo: sp.Expr, hi: sp.Expr) -> list[sp.Expr]:
    """The exact zeros of the smooth function g on the open interval (lo, hi).

    Raises ``NotExactError`` when sympy cannot give them as finitely many exact numbers; a g that
    vanishes on the whole interval has no isolated zeros there and gives [].

    >>> smooth_zeros(x**2 - 2, x, sp.Integer(0), sp.oo) if (x := sp.Symbol("x", real=True)) else 0
    [sqrt(2)]
    """
    if x not in g.free_symbols:
        return []
    domain = sp.Interval.open(lo, hi)
    numerator = sp.together(g).as_numer_denom()[0]
    fail = NotExactError(f"Clarke Lab could not solve {g} = 0 exactly.")
    try:
        if numerator.is_polynomial(x):
            poly = sp.Poly(numerator, x)
            if poly.is_zero:
                return []
            if poly.domain.is_ZZ or poly.domain.is_QQ:
                return sorted({r for r in sp.real_roots(poly) if r in domain}, key=float)
            if poly.degree() > 2:
                raise fail  # radicals of radicals: sympy's quartic formulas can take minutes
        elif len(_transcendental_parts(numerator, x)) > 1:
            raise fail  # two radicals or logs: solveset squares its way into huge equations
        zeros = sp.solveset(numerator, x, domain)
    except (NotImplementedError, ValueError, TypeError, sp.PolynomialError) as exc:
        raise fail from exc
    if zeros == domain or zeros is sp.S.EmptySet:
        return []
    if isinstance(zeros, sp.FiniteSet) and all(is_finite_number(z) for z in zeros):
        # A zero of the numerator where g itself is undefined (0/0) is still a point to look at.
        return sorted_exact(set(zeros))
    raise NotExactError(f"Clarke Lab could not solve {g} = 0 exactly.")


def _transcendental_parts(expr: sp.Expr, x: sp.Symbol) -> set[sp.Expr]:
    """The distinct non-polynomial building blocks of expr in x (roots, exp, log, sin, ...)."""
    parts = set()
    for node in sp.preorder_traversal(expr):
        if x not in getattr(node, "free_symbols", ()):
            continue
        if isinstance(node, sp.Pow) and not node.exp.is_Integer:
            parts.add(node.base ** (1 / sp.denom(node.exp)) if node.exp.is_Rational else node)
        elif isinstance(node, sp.Function):
            parts.add(node)
    return parts


def kinks(expr: sp.Expr, x: sp.Symbol) -> list[sp.Expr]:
    """Every point where ``expr`` may switch branch or stop being smooth, exactly, in order.

    Found from the inside out: the kinks of the arguments cut the line into intervals on which
    each switch function is one smooth expression, whose zeros are solved exactly there. Raises
    ``NotExactError`` when some zero set is not a finite set of exact numbers (sin(x) = 0 on the
    whole line, or a transcendental equation).

    >>> from clarke_core.engine.primitives import X
    >>> kinks(sp.Min(sp.Abs(X), 1), X)
    [-1, 0, 1]
    >>> kinks(sp.sqrt(sp.Abs(X**2 - 2)), X)
    [-sqrt(2), sqrt(2)]
    """
    return _kinks(expr, x, {})


def _kinks(node: sp.Basic, x: sp.Symbol, memo: dict) -> list[sp.Expr]:
    if x not in node.free_symbols:
        return []
    if node in memo:
        return memo[node]
    inner: set[sp.Expr] = set()
    for arg in node.args:
        inner.update(_kinks(arg, x, memo))
    points = set(inner)
    cuts = sorted(inner, key=float)
    for g in _switch_functions(node):
        ends = [-sp.oo, *cuts, sp.oo]
        for lo, hi in zip(ends, ends[1:], strict=False):
            form = side_form(g, x, interior_point(lo, hi), 1) if g.has(*nonsmooth_funcs()) \
                else g
            points.update(smooth_zeros(form, x, lo, hi))
        if len(points) > MAX_KINKS:
            raise NotExactError("The function has too many kinks to split exactly.")
    result = sorted_exact(points)
    memo[node] = result
    return result


def sorted_exact(points: set[sp.Expr]) -> list[sp.Expr]:
    out: list[sp.Expr] = []
    for p in sorted(points, key=float):
        if not out or sign_of(p - out[-1]) != 0:
            out.append(p)
    return out
