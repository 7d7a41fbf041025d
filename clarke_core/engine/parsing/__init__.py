"""The safe parser: what a student types becomes a sympy expression, or one clear sentence why not.

The text is read with ``ast.parse`` and walked with an explicit whitelist that *builds* sympy
objects directly; nothing typed is ever evaluated as Python, and sympy's own string parser (which
runs ``eval``) is never used. The allowed names come from ``primitives.allowed_names()`` and the
variables from ``primitives.VARIABLES``. Limits on length, nesting, literal sizes, exponents and
piece counts are checked *before* sympy gets to build anything large, because sympy hangs on
``9**9**9`` or ``1e999999999`` long before it could say no.

>>> f = parse_function("x^2 + abs(x)")
>>> f.expr, f.dim
(x**2 + Abs(x), 1)
>>> parse_function("Piecewise((x, 0 < x < 1), (0, True))").expr
Piecewise((x, (x > 0) & (x < 1)), (0, True))
>>> parse_point("1/2, sqrt(2)/2", 2)
(1/2, sqrt(2)/2)
>>> parse_function("().__class__")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
clarke_core.errors.InputError: Dots after a name, as in x.real, are not allowed; call ...

See Also: ``primitives`` (the table of names), ``sandbox`` (where untrusted math runs).
The parser lives in five modules: ``limits`` (every limit), ``messages`` (the sentences),
``reading`` (text to a syntax tree), ``numbers`` (exact sizes), ``builder`` (the whitelist).
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from fractions import Fraction
from numbers import Integral, Real
from numbers import Rational as NumbersRational
from typing import Any

import sympy as sp

from ...errors import InputError, numeric_limits
from ..primitives import INDEXED, LETTERS, MAX_DIM, VARIABLES
from .builder import _Builder
from .limits import (
    MAX_BRANCHES,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LITERAL_DIGITS,
    MAX_LITERAL_EXPONENT,
    MAX_MAGNITUDE,
    MAX_NODES,
    MAX_NONSMOOTH,
    MAX_NUMBER_DIGITS,
    MAX_ROOT_DIGITS,
    MAX_TEXT_LENGTH,
)
from .messages import _TOO_BIG, _count_message, _too_large, _zeros
from .numbers import _check_defined, _digits, _log10_abs
from .reading import _check_length, _read
from .reading import _translate as _translate  # the notation students type (tested alone)

__all__ = [
    "MAX_BRANCHES", "MAX_DEPTH", "MAX_EXPONENT", "MAX_LITERAL_DIGITS", "MAX_LITERAL_EXPONENT",
    "MAX_MAGNITUDE", "MAX_NODES", "MAX_NONSMOOTH", "MAX_NUMBER_DIGITS", "MAX_ROOT_DIGITS",
    "MAX_TEXT_LENGTH", "ParsedFunction", "parse_constant", "parse_function",
    "parse_function_and_point", "parse_point",
]


@dataclass(frozen=True)
class ParsedFunction:
    """A function as typed (``text``) and as built (``expr`` in ``variables``).

    >>> f = parse_function("abs(x) + abs(y)")
    >>> f.text, f.variables, f.dim
    ('abs(x) + abs(y)', (x, y), 2)
    """

    text: str
    expr: sp.Expr
    variables: tuple[sp.Symbol, ...]

    @property
    def dim(self) -> int:
        """How many variables: 1 for f(x), 2 for f(x, y), n for f(x1, …, xn).

        >>> parse_function("pi").dim
        1
        """
        return len(self.variables)


@numeric_limits()
def parse_function(text: str, *, max_dim: int = 2) -> ParsedFunction:
    """Parse a function of ``x`` (and ``y`` when ``max_dim`` is 2) typed by a student.

    ``^`` means power, floats become exact rationals, ``0 < x < 1`` becomes an ``And``. A
    constant function counts as a function of x. Bad input raises ``InputError`` with one
    sentence saying what is wrong. A ``max_dim`` of 3 to 8 also takes ``z`` and ``x1 … x8``
    (one naming per function); the dimension is the last name's place: 3 for x + z or x1 + x3.

    >>> parse_function("0.1*x - 2x")
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: A number runs into a name at column 9: write 2*x rather than 2x.
    >>> parse_function("0.1*x").expr
    x/10
    >>> parse_function("max(x, y)", max_dim=1)
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: This page takes functions of x only; remove y.
    >>> parse_function("x1 + x3", max_dim=8).variables
    (x1, x2, x3)
    """
    if not isinstance(max_dim, int) or not 1 <= max_dim <= MAX_DIM:
        raise ValueError(f"max_dim must be an int from 1 to {MAX_DIM}, not {max_dim!r}")
    if not isinstance(text, str):
        raise InputError("The function must be given as text, for example max(0, x).")
    _check_length(text)
    typed = text.strip()
    if not typed:
        raise InputError("Type a function of x, for example max(0, x).")
    names = LETTERS[:max_dim] + (INDEXED[:max_dim] if max_dim > 2 else ())
    shown = list(names) if max_dim <= 2 else [*LETTERS, f"x1 … x{max_dim}"]
    source, tree = _read(typed, function=True)
    builder = _Builder(source, {n: VARIABLES[n] for n in names}, function_page=True, shown=shown)
    value = builder.build(tree.body)
    expr = value.expr
    if not isinstance(expr, sp.Expr):
        raise InputError("A function must be a number-valued expression, not a condition.")
    _check_defined(expr)
    allowed = {VARIABLES[n] for n in names}
    stray = expr.free_symbols - allowed
    if stray:  # unreachable through the whitelist; a guard for future primitives
        raise InputError(f"The expression depends on {sorted(map(str, stray))[0]}, not on "
                         f"{' and '.join(names)} alone.")
    return ParsedFunction(text=typed, expr=expr, variables=_variables(expr))


def _variables(expr: sp.Expr) -> tuple[sp.Symbol, ...]:
    """The variables of f: x, y, z or x1 … xn up to the last one used (never both namings)."""
    used = expr.free_symbols
    letters = [n for n in LETTERS if VARIABLES[n] in used]
    indexed = [n for n in INDEXED if VARIABLES[n] in used]
    if letters and indexed:
        raise InputError(f"Name the variables one way, x, y, z or x1, x2, …, not both: this "
                         f"function uses {letters[0]} and {indexed[0]}.")
    if indexed:
        return tuple(VARIABLES[n] for n in INDEXED[:INDEXED.index(indexed[-1]) + 1])
    last = LETTERS.index(letters[-1]) if letters else 0
    return tuple(VARIABLES[n] for n in LETTERS[:last + 1])


@numeric_limits()
def parse_constant(text: str) -> sp.Expr:
    """Parse one exact real constant such as ``"1/2"``, ``"sqrt(2)/2"`` or ``"pi"``.

    >>> parse_constant("0.25"), parse_constant("-pi/4"), parse_constant("1e-3")
    (1/4, -pi/4, 1/1000)
    >>> parse_constant("log(0)")
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: log(0) is undefined (for example a division by zero).
    """
    if not isinstance(text, str):
        raise InputError("The number must be given as text, for example 1/2.")
    _check_length(text)
    typed = text.strip()
    if not typed:
        raise InputError("Type a number such as 0, 1/2, sqrt(2)/2 or pi.")
    source, tree = _read(typed)
    return _Builder(source, {}, function_page=False).constant(tree.body)


def parse_function_and_point(text: str, at, *, dim: int | None = None, lift: bool = True,
                             max_dim: int = 2) -> tuple[ParsedFunction, tuple[sp.Expr, ...]]:
    """A function and a point to study it at. A function of x alone at a point (x0, y0) is read as
    a function of x and y (constant in y), unless ``lift`` is False (then the point must have
    as many coordinates as the function has variables); so is one of x, y at (x0, y0, z0) when
    ``max_dim`` allows 3. ``dim`` fixes the dimension (1: a page about f(x), 2: about f(x, y));
    None decides it from the function and the point, up to ``max_dim`` variables.

    >>> f, p = parse_function_and_point("abs(x)", "1, 2")
    >>> f.dim, p
    (2, (1, 2))
    >>> parse_function_and_point("abs(x)", "0", dim=2)
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: The point needs 2 coordinates, like 0, 0.
    >>> parse_function_and_point("max(x, z)", "0, 0, 1", max_dim=8)[0].variables
    (x, y, z)
    """
    if dim is not None and (not isinstance(dim, int) or not 1 <= dim <= MAX_DIM):
        raise ValueError(f"dim must be None or an int from 1 to {MAX_DIM}, not {dim!r}")
    if not isinstance(text, str):
        raise InputError("The function must be given as text, for example 'max(0, x)'.")
    function = parse_function(text, max_dim=dim or max_dim)
    if dim is not None:
        point = parse_point(at, dim)
        return _lifted(function, dim) or function, point
    if not lift:
        return function, parse_point(at, function.dim)
    try:
        return function, parse_point(at, function.dim)
    except InputError as own_count:
        size = _size(at)
        wider = _lifted(function, size) if function.dim < size <= max_dim else None
        if wider is None and len(LETTERS) < size <= max_dim:
            raise InputError(f"A function of x, y, z takes points with at most 3 coordinates; for "
                             f"{size}, name the variables x1 … x{size}.") from None
        if wider is None:
            raise
        try:
            point = parse_point(at, size)
        except InputError:
            raise own_count from None  # its reason (say, division by zero) is the useful one
        return wider, point


def _lifted(function: ParsedFunction, dim: int) -> ParsedFunction | None:
    """The same function read as one of ``dim`` variables in its naming (None: it has too few
    names, as x, y, z for four); a function that names no variable takes either naming."""
    if dim <= function.dim:
        return None
    indexed = function.variables[0].name == INDEXED[0] or (
        not function.expr.free_symbols and dim > len(LETTERS))
    names = INDEXED if indexed else LETTERS
    if dim > len(names):
        return None
    return ParsedFunction(function.text, function.expr, tuple(VARIABLES[n] for n in names[:dim]))


def _size(at) -> int:
    """How many coordinates a point is given with (0 when that cannot be read)."""
    if isinstance(at, str):
        try:
            body = _read(at.strip())[1].body
        except InputError:
            return 0
        return len(body.elts) if isinstance(body, (ast.Tuple, ast.List)) else 1
    return len(at) if isinstance(at, (tuple, list, sp.Tuple)) else 1


@numeric_limits()
def parse_point(value: str | int | float | sp.Expr | tuple | list, dim: int) -> tuple[sp.Expr, ...]:
    """Parse a point with ``dim`` exact real coordinates.

    Text is read by the same whitelist as functions, constants only (``"1/2, sqrt(3)"`` or
    ``"(1, 2)"``); Python numbers become exact (``0.1`` -> ``1/10``); sympy numbers are kept.

    >>> parse_point("-pi", 1), parse_point(0.1, 1), parse_point((1, "sqrt(3)"), 2)
    ((-pi,), (1/10,), (1, sqrt(3)))
    >>> parse_point("1", 2)
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: The point needs 2 coordinates, like 0, 0.
    """
    if not isinstance(dim, int) or dim < 1:
        raise ValueError(f"dim must be a positive int, not {dim!r}")
    if isinstance(value, str):
        _check_length(value)
        typed = value.strip()
        if not typed:
            raise InputError(f"Type a point, like {_zeros(dim)}.")
        source, tree = _read(typed)
        body = tree.body
        elements = body.elts if isinstance(body, (ast.Tuple, ast.List)) else [body]
        if len(elements) != dim:
            raise InputError(_count_message(dim))
        builder = _Builder(source, {}, function_page=False)
        return tuple(builder.constant(e) for e in elements)
    items = list(value) if isinstance(value, (tuple, list, sp.Tuple)) else [value]
    if len(items) != dim:
        raise InputError(_count_message(dim))
    return tuple(_coordinate(v) for v in items)



def _coordinate(v: Any) -> sp.Expr:
    """One coordinate given as a Python or sympy number, or as text."""
    if isinstance(v, bool) or v is None:
        raise InputError("Each coordinate must be a number such as 0, 1/2 or pi.")
    if isinstance(v, str):
        return parse_constant(v)
    if isinstance(v, sp.Basic):
        if not isinstance(v, sp.Expr) or v.free_symbols:
            raise InputError("Each coordinate must be a number such as 0, 1/2 or pi.")
        _check_defined(v, "The coordinate")
        if isinstance(v, sp.Float):
            if abs(_log10_abs(v)) > MAX_NUMBER_DIGITS and not v.is_zero:
                raise InputError(_TOO_BIG)
            exact = Fraction(str(v))
            return sp.Rational(exact.numerator, exact.denominator)
        if v.is_extended_real is False:
            raise InputError("The coordinate is not a real number; only real numbers are allowed.")
        return v
    if isinstance(v, Integral):
        n = int(v)
        if _digits(n) > MAX_NUMBER_DIGITS:
            raise InputError(_TOO_BIG)
        if abs(n) > MAX_MAGNITUDE:
            raise InputError(_too_large("The coordinate", _digits(n) - 1))
        return sp.Integer(n)
    if isinstance(v, NumbersRational):  # Fraction: exact already
        return _coordinate(int(v.numerator)) / _coordinate(int(v.denominator))
    if isinstance(v, Real):
        f = float(v)
        if not math.isfinite(f):
            raise InputError("Each coordinate must be a finite number, not nan or infinity.")
        exact = Fraction(repr(f))
        return sp.Rational(exact.numerator, exact.denominator)
    raise InputError("Each coordinate must be a number such as 0, 1/2 or pi.")
