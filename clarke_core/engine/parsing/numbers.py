"""Exact numbers and their sizes: digits, magnitudes and the work sympy would do, measured
before sympy is asked."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from fractions import Fraction
from functools import cache
from typing import Any

import sympy as sp

from ...errors import InputError
from ..primitives import allowed_names
from .limits import (
    _CANCELLATION,
    _FLOAT_LITERAL,
    _LOG10_2,
    _MAX_MAGNITUDE_EXACT,
    _MAX_SUM_POWER,
    _UNDEFINED,
    MAX_LITERAL_DIGITS,
    MAX_LITERAL_EXPONENT,
    MAX_MAGNITUDE,
    MAX_NUMBER_DIGITS,
)
from .messages import _TOO_BIG, _short, _too_large


def _digits(n: int) -> int:
    """Decimal digits of |n| (at least 1), without converting a big int to a string."""
    n = abs(n)
    return max(1, int(n.bit_length() * _LOG10_2) + 1)


def _rational_digits(r: sp.Rational) -> int:
    return _digits(int(r.p)) + (_digits(int(r.q)) if r.q != 1 else 0)


def _log10_abs(f: sp.Float) -> float:
    """log10 |f| of a finite Float, from its binary exponent (no overflow for huge values)."""
    _, mantissa, exponent, bits = f._mpf_
    if not mantissa:
        return -math.inf
    return (exponent + bits) * _LOG10_2


def _check_defined(expr: sp.Basic, where: str = "The expression") -> None:
    if expr.has(*_UNDEFINED):
        raise InputError(f"{where} is undefined (for example a division by zero).")
    if expr.has(sp.I):
        raise InputError(f"{where} is not a real number; only real numbers are allowed.")


def _approximate(expr: sp.Basic, where: str) -> sp.Float:
    """A 15-digit Float of a real constant, refusing non-real, undefined and huge values."""
    if isinstance(expr, sp.Float):
        value = expr
    elif isinstance(expr, sp.Rational):
        value = sp.Float(expr, 15)
    else:
        value = _sympy(lambda: _evaluate(expr, where))
    if not value.is_finite:
        raise InputError(f"{where} is undefined (for example a division by zero).")
    magnitude = _log10_abs(value)
    if math.isfinite(magnitude) and abs(magnitude) > MAX_NUMBER_DIGITS:
        raise InputError(_TOO_BIG)
    # Exactly for a rational (10**300 itself is allowed), else with room for the Float's rounding.
    too_large = (abs(expr) > _MAX_MAGNITUDE_EXACT if isinstance(expr, sp.Rational)
                 else magnitude > 301 or float(abs(value)) > MAX_MAGNITUDE * (1 + 1e-12))
    if too_large:
        raise InputError(_too_large(where, magnitude))
    return value


def _check_cancellation(expr: sp.Expr, rough: sp.Float, where: str) -> None:
    """Refuse a constant sum whose terms cancel beyond what floating point can tell: the exact
    pi - 314159265358979323846264338327/10**29 is 9.5e-30, its floating-point value 0.0.

    ``rough`` is the sum of the terms' 15-digit values; sympy's evalf, which raises its
    precision until the digits are right, gives the true value to compare with.
    """
    exact = float(_approximate(expr, where))
    naive = sum(float(_approximate(term, where)) for term in expr.args)
    if exact == 0 or abs(naive - exact) > _CANCELLATION * abs(exact) or abs(
            float(rough) - exact) > _CANCELLATION * abs(exact):
        raise InputError(f"{where} is about {exact:.2g}, but its terms cancel beyond what "
                         "floating-point numbers can tell apart; write it more simply.")


def _evaluate(expr: sp.Basic, where: str) -> sp.Float:
    if expr.has(*_UNDEFINED):
        raise InputError(f"{where} is undefined (for example a division by zero).")
    value = expr.evalf(15)
    if not value.is_Number and not value.has(sp.I):
        # e.g. a Piecewise whose conditions hold an unevaluated max: evaluate those first.
        value = expr.doit().evalf(15)
    if value.has(*_UNDEFINED):
        raise InputError(f"{where} is undefined (for example a division by zero).")
    if isinstance(value, sp.Float):
        return value
    if isinstance(value, sp.Rational):
        return sp.Float(value, 15)
    if value.has(sp.I):
        raise InputError(f"{where} is not a real number; only real numbers are allowed.")
    raise InputError(f"{where} cannot be evaluated to a real number.")


def _literal(segment: str) -> sp.Rational:
    """The exact value of a float literal from its text: "0.1" -> 1/10, "1e-3" -> 1/1000."""
    match = re.fullmatch(_FLOAT_LITERAL, segment)
    if match is None:  # unreachable for a float token; refuse rather than guess
        raise InputError(f"The number {_short(segment, 20)} cannot be read.")
    mantissa = (match["int"] or "") + (match["frac"] or "")
    if len(mantissa.replace("_", "")) > MAX_LITERAL_DIGITS:
        raise InputError(f"Numbers may have at most {MAX_LITERAL_DIGITS} digits; "
                         f"{_short(segment, 20)} is too long.")
    exponent_text = (match["exp"] or "0").replace("_", "")
    if len(exponent_text.lstrip("+-0")) > 3 or abs(int(exponent_text)) > MAX_LITERAL_EXPONENT:
        raise InputError(f"The number {_short(segment, 20)} is too large or too small: "
                         f"exponents may be at most {MAX_LITERAL_EXPONENT}, as in 1e-30.")
    value = Fraction(segment.replace("_", ""))
    return sp.Rational(value.numerator, value.denominator)


@cache
def _grows_fast(name: str) -> bool:
    """Whether a one-argument primitive explodes on large arguments (exp does, sin does not)."""
    p = allowed_names()[name]
    if p.constant or p.arity != (1, 1):
        return False
    try:
        return abs(float(p.build(sp.Float(50)).doit())) > 1e10
    except Exception:  # noqa: BLE001 -- a primitive that cannot take a Float is not exp-like
        return False


def _fractional_powers(expr: sp.Basic) -> list[tuple[sp.Rational, sp.Rational]]:
    """The factors N**r of ``expr`` with N and r rational: the numbers sympy factors on sight."""
    factors = expr.args if isinstance(expr, sp.Mul) else (expr,)
    return [(f.base, f.exp) for f in factors
            if isinstance(f, sp.Pow) and isinstance(f.base, sp.Rational)
            and isinstance(f.exp, sp.Rational)]


def _exposed(expr: sp.Basic) -> list[tuple[sp.Rational, sp.Rational]]:
    """The rationals N (as N**1) and powers N**r that a fractional power of ``expr`` reaches.

    sympy distributes a power over a product, over the branches of a Piecewise and into a
    power, and then factors every rational it meets: (N*x)**(1/2) -> sqrt(N)*sqrt(x).
    """
    if isinstance(expr, sp.Rational):
        return [] if expr in (0, 1, -1) else [(abs(expr), sp.Integer(1))]
    if isinstance(expr, sp.Pow) and isinstance(expr.exp, sp.Rational):
        return [(n, r * expr.exp) for n, r in _exposed(expr.base)]
    if isinstance(expr, sp.Mul):
        return [f for arg in expr.args for f in _exposed(arg)]
    if isinstance(expr, sp.Piecewise):
        return [f for pair in expr.args for f in _exposed(pair.expr)]
    return []


def _root_work(powers: Sequence[tuple[sp.Rational, sp.Rational]]) -> int:
    """Digits sympy may handle when it simplifies these N**r.

    For N = a/b and r = p/q > 0, sympy writes a**r * b**((q - p % q)/q) / b**(...) and factors
    a**p and b**(q - p % q) (a negative r swaps a and b first). Powers of the same base are merged
    first, as ``Mul`` does: N**(1/100) * N**(98/100) becomes N**(99/100).
    """
    merged: dict[sp.Rational, sp.Rational] = {}
    for base, exponent in powers:
        merged[base] = merged.get(base, sp.Integer(0)) + exponent
    work = 0
    for base, exponent in merged.items():
        if exponent.is_integer:
            continue
        a, b, p, q = int(base.p), int(base.q), int(exponent.p), int(exponent.q)
        if p < 0:
            a, b, p = b, a, -p
        if a != 1:
            work += _digits(a) * p
        if b != 1:
            work += _digits(b) * (q - p % q)
    return work


def _costly_exponent(exponent: sp.Expr) -> bool:
    """Whether a constant, non-rational exponent holds a high power of a sum, like (9 - E)**8.

    sympy's Max and Min ask such powers whether they are real, which expands the sum's power
    binomially inside the exponent: seconds for (9 - E)**8, minutes for (9 - E)**100.
    """
    return any(isinstance(p.base, sp.Add) and p.exp.is_Integer and abs(p.exp) > _MAX_SUM_POWER
               for p in exponent.atoms(sp.Pow))


def _sympy(build: Callable[[], Any]) -> Any:
    """Run one sympy constructor; its exceptions become one sentence."""
    try:
        return build()
    except InputError:
        raise
    except Exception as err:  # noqa: BLE001 -- sympy raises many types; none may escape raw
        reason = _short(str(err).rstrip("."), 80) or type(err).__name__
        raise InputError(f"Part of the expression cannot be built ({reason}).") from None
