"""Exact local analysis in one variable: which smooth branch a nonsmooth function follows just
left of, at, or just right of a point.

A function built from abs/max/min/Piecewise/sign/Heaviside over smooth pieces agrees, on a small
one-sided neighbourhood (a, a + δ), with one smooth expression: its *side form*. Every branch
condition is decided by the sign of a smooth function g(a + t) as t -> 0+, which is decided
exactly: the value at a, then its derivatives in t, then (for non-analytic g) sympy's limit of
sign(g). No float tolerance ever decides a tie.

>>> from clarke_core.primitives import X
>>> side_form(sp.Max(X, 0), X, sp.Integer(0), +1)
x
>>> side_form(sp.Max(X, 0), X, sp.Integer(0), -1)
0
"""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp

from .errors import InputError, NotFiniteError, UndecidedError
from .primitives import NONSMOOTH_FUNCS, by_func

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
        if isinstance(node, sp.exp):
            size = node.args[0]
        elif isinstance(node, sp.Pow) and node.exp.free_symbols:
            size = node.exp * sp.log(sp.Abs(node.base))
        else:
            continue
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
    return bool(value.is_finite) and value.is_extended_real is not False


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
    except (NotImplementedError, sp.PolynomialError, ValueError):
        pass
    if sp.simplify(c) == 0:
        return 0
    raise UndecidedError(f"Clarke Lab could not decide whether {c} is exactly zero.")


def finite_at(expr: sp.Expr, x: sp.Symbol | dict, a: sp.Expr | None = None) -> sp.Expr | None:
    """``expr`` at x = a (or at the substitution dict ``x``) when every subexpression is finite
    there, so that ``expr`` is continuous there; else None.

    >>> from clarke_core.primitives import X, Y
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
    if not expr.has(*NONSMOOTH_FUNCS):
        return expr
    if expr in memo:
        return memo[expr]
    if expr.func in NONSMOOTH_FUNCS:
        primitive = by_func(expr.func)
        if expr.func is sp.Piecewise:
            branches = primitive.branches(expr.args)
        else:
            args = [_form(u, oracle, memo) for u in expr.args]
            if primitive.select is not None:
                memo[expr] = primitive.select(args, oracle)
                return memo[expr]
            branches = primitive.branches(args)
        for branch in branches:
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

    >>> from clarke_core.primitives import X
    >>> side_form(sp.Abs(X**2 - 2), X, sp.sqrt(2), -1)
    2 - x**2
    >>> side_form(sp.Piecewise((X**2 * sp.sin(1 / X), sp.Ne(X, 0)), (0, True)), X, sp.S(0), 0)
    0
    """
    def oracle(g: sp.Expr) -> int:
        return side_sign(sp.expand(g) if g.is_polynomial(x) else g, x, a, side)

    result = form_by_signs(expr, oracle)
    return result.xreplace({x: a}) if side == 0 else result
