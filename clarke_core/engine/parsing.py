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
"""

from __future__ import annotations

import ast
import math
import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from numbers import Integral, Real
from numbers import Rational as NumbersRational
from typing import Any

import sympy as sp
from sympy.logic.boolalg import Boolean

from ..errors import InputError, numeric_limits
from .primitives import VARIABLES, Primitive, allowed_names, registered

MAX_TEXT_LENGTH = 2000  # characters of typed text
MAX_DEPTH = 40  # nesting of brackets, calls and operators (a chain like a + b + c counts once)
MAX_NODES = 1500  # syntax-tree nodes
MAX_LITERAL_DIGITS = 30  # digits in one typed number
MAX_LITERAL_EXPONENT = 30  # |e| in a typed number such as 1e-3
MAX_NONSMOOTH = 200  # applications of abs, max, min, relu, Piecewise, sign, Heaviside
MAX_BRANCHES = 50  # branches of one Piecewise, arguments of one max or min
MAX_EXPONENT = 100  # |exponent| of a power with a constant exponent
# Digits any exact number may reach. Below Python's 4300-digit limit on int -> str, so every
# result can still be printed and rendered as LaTeX.
MAX_NUMBER_DIGITS = 4000
# sympy factors the integers under a fractional power (8**(2/3) -> 4), and for n**(p/q) it works
# on n**p: digits(n) * |p| (see _root_work) stays below this, or a 30-digit number to the power
# 99/100 takes seconds.
MAX_ROOT_DIGITS = 300

_LOG10_2 = math.log10(2)
# A constant argument this large (in absolute value) is refused for fast-growing functions
# (exp): exp(10**4) already has 4343 digits, and exp(exp(exp(9))) hangs sympy's evalf.
_FAST_GROWTH_ARGUMENT = 1e4
# Highest power of a sum allowed inside a non-rational constant exponent (see _costly_exponent).
_MAX_SUM_POWER = 4

# The largest size of any constant (a literal, or a constant part folded exactly, such as
# (10**29)**11): beyond it the engines' floating-point steps overflow (floats end near 1.8e308).
MAX_MAGNITUDE = 1e300
# Relative error of a constant's plain floating-point value (the sum of its terms' floats, as
# the engines compute it) beyond which the constant is refused: its terms cancel.
_CANCELLATION = 1e-6
_MAX_MAGNITUDE_EXACT = sp.Integer(10) ** 300

# The notation students type, translated to the parser's ASCII before the syntax tree is built
# (never evaluated): − (U+2212), ·, × and π here; |…| bars, √ and superscripts in _translate.
_REPLACEMENTS = {"\u2212": "-", "\u00b7": "*", "\u00d7": "*", "\u03c0": "pi"}
_SUPERSCRIPTS = dict(zip("\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079\u207b",
                         "0123456789-", strict=True))
_SUPERSCRIPT_RUN = "\u207b?[\u2070\u00b9\u00b2\u00b3\u2074-\u2079]+"  # a pattern for re
_SQRT = "\u221a"
# Other characters students paste, each refused with the ASCII to type instead.
_ASCII_FORMS = {
    "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u00f7": "/", "\u2013": "-",
    "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2217": "*", "\u22c5": "*",
    "\u2219": "*", "\u02c6": "^", "\u2227": "&", "\u2228": "|", "\u00ac": "not",
    "\u221e": "a large number such as 10**6", "\u2044": "/", "\u2215": "/", "\u00a0": "a space",
    "\u2018": "no quotes", "\u2019": "no quotes", "\u201c": "no quotes", "\u201d": "no quotes",
    "\u03a0": "pi", "\u2148": "nothing (only real numbers are allowed)",
}
_OPEN, _CLOSE = "([{", ")]}"
_FLOAT_LITERAL = r"(?P<int>[0-9_]*)(?:\.(?P<frac>[0-9_]*))?(?:[eE](?P<exp>[-+]?[0-9_]+))?"
_UNDEFINED = (sp.nan, sp.zoo, sp.oo, -sp.oo)


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
        """How many variables: 1 for f(x), 2 for f(x, y).

        >>> parse_function("pi").dim
        1
        """
        return len(self.variables)


@numeric_limits()
def parse_function(text: str, *, max_dim: int = 2) -> ParsedFunction:
    """Parse a function of ``x`` (and ``y`` when ``max_dim`` is 2) typed by a student.

    ``^`` means power, floats become exact rationals, ``0 < x < 1`` becomes an ``And``. A
    constant function counts as a function of x. Bad input raises ``InputError`` with one
    sentence saying what is wrong.

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
    """
    if max_dim not in (1, 2):
        raise ValueError(f"max_dim must be 1 or 2, not {max_dim!r}")
    if not isinstance(text, str):
        raise InputError("The function must be given as text, for example max(0, x).")
    _check_length(text)
    typed = text.strip()
    if not typed:
        raise InputError("Type a function of x, for example max(0, x).")
    names = tuple(VARIABLES)[:max_dim]
    source, tree = _read(typed, function=True)
    builder = _Builder(source, {n: VARIABLES[n] for n in names}, function_page=True)
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
    y = VARIABLES["y"]
    variables = (VARIABLES["x"], y) if y in expr.free_symbols else (VARIABLES["x"],)
    return ParsedFunction(text=typed, expr=expr, variables=variables)


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


def parse_function_and_point(text: str, at) -> tuple[ParsedFunction, tuple[sp.Expr, ...]]:
    """A function and a point to study it at. A function of x alone at a point (x0, y0) is read as
    a function of x and y (constant in y).

    >>> f, p = parse_function_and_point("abs(x)", "1, 2")
    >>> f.dim, p
    (2, (1, 2))
    """
    if not isinstance(text, str):
        raise InputError("The function must be given as text, for example 'max(0, x)'.")
    function = parse_function(text)
    try:
        return function, parse_point(at, function.dim)
    except InputError as one_coordinate:
        if function.dim == 2:
            raise
        try:
            point = parse_point(at, 2)
        except InputError:
            raise one_coordinate from None  # its reason (say, division by zero) is the useful one
        return ParsedFunction(function.text, function.expr, (VARIABLES["x"], VARIABLES["y"])), point


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


# --- messages -----------------------------------------------------------------------------------


def _function_names() -> list[str]:
    return [p.name for p in registered() if not p.constant]


def _constant_names() -> list[str]:
    return [p.name for p in registered() if p.constant]


def _vocabulary(variables: Sequence[str]) -> str:
    things = [*variables, "numbers", *_constant_names()]
    return f"{', '.join(things)} and the functions {', '.join(_function_names())}"


def _nonsmooth_names() -> str:
    return ", ".join(p.name for p in registered() if p.nonsmooth)


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _zeros(dim: int) -> str:
    return ", ".join(["0"] * dim)


def _count_message(dim: int) -> str:
    noun = "coordinate" if dim == 1 else "coordinates"
    return f"The point needs {dim} {noun}, like {_zeros(dim)}."


_NODE_MESSAGES: dict[type, str] = {
    ast.Attribute: "Dots after a name, as in x.real, are not allowed; call functions by name, "
    "like abs(x).",
    ast.Subscript: "Square brackets, as in x[0], are not allowed; use round brackets ( ) for "
    "grouping.",
    ast.Lambda: "lambda is not allowed; type just a formula, like max(0, x).",
    ast.IfExp: "'a if c else b' is not allowed; write Piecewise((a, c), (b, True)) instead.",
    ast.NamedExpr: "Assignments are not allowed; type just the formula.",
    ast.JoinedStr: "Text in quotes is not allowed; type a formula such as max(0, x).",
    ast.Starred: "Starred arguments such as *x are not allowed.",
    ast.Tuple: "A pair in brackets like (a, b) is only allowed as a (value, condition) branch "
    "of Piecewise, like Piecewise((x**2, x < 0), (x, True)).",
}
for _kind in (ast.List, ast.Set, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp,
              ast.GeneratorExp):
    _NODE_MESSAGES[_kind] = ("Lists, sets and dictionaries are not allowed; use round brackets "
                             "( ) for grouping.")

_OPERATOR_SYMBOLS: dict[type, str] = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitXor: "^", ast.Invert: "~",
}
_COMPARISONS: dict[type, Callable[[sp.Expr, sp.Expr], Boolean]] = {
    ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne,
}
_PIECEWISE_SYNTAX = ("Piecewise takes (value, condition) pairs, like "
                     "Piecewise((x**2, x < 0), (x, True)).")
_CONDITION_AS_NUMBER = ("A condition such as x < 0 cannot be used as a number; use Heaviside(...) "
                        "or Piecewise(...) to turn it into one.")
_NUMBER_AS_CONDITION = "A condition such as x < 0 is expected here, not a number."
_TOO_BIG = (f"The expression builds a number with more than {MAX_NUMBER_DIGITS} digits (too large "
            "or too close to zero); use smaller numbers or exponents.")


def _syntax_message(err: SyntaxError, source: str) -> str:
    """One sentence for a Python syntax error, without carets or Python jargon."""
    lines = source.splitlines() or [""]
    line_no = min(max(err.lineno or 1, 1), len(lines))
    line = lines[line_no - 1]
    offset = err.offset or 0
    column = sum(len(x) + 1 for x in lines[: line_no - 1]) + offset
    message = err.msg or ""
    if "decimal literal" in message:
        return f"A number runs into a name at column {column}: write 2*x rather than 2x."
    if "never closed" in message or "unmatched" in message or "does not match" in message:
        return f"The brackets do not match at column {column}: every ( needs a matching )."
    if "string literal" in message or "quote" in message:
        return "Text in quotes is not allowed; type a formula such as max(0, x)."
    if "leading zeros" in message:
        return f"A number starts with 0 at column {column}: write 7 rather than 07."
    last = line_no == len(lines) and (offset <= 0 or offset > len(line.rstrip()))
    if last:
        return "The formula ends too early: something is missing after the last operator."
    before = line[: max(offset - 1, 0)].rstrip()
    here = line[max(offset - 1, 0):]
    if before and (before[-1].isalnum() or before[-1] in "._)") and (
            here[:1].isalnum() or here[:1] == "("):
        return (f"Two terms stand side by side at column {column}: put an operator between them, "
                "for example x*y or 2*x.")
    return (f"The formula cannot be read at column {column}: check the brackets, write 2*x rather "
            "than 2x, and use ** or ^ for powers.")


# --- reading text -------------------------------------------------------------------------------


def _check_length(text: str) -> None:
    """The first check on any text, before anything else reads or keeps it."""
    if len(text) > MAX_TEXT_LENGTH:
        raise InputError(f"The input is too long ({len(text)} characters); the limit is "
                         f"{MAX_TEXT_LENGTH}.")


def _read(typed: str, *, function: bool = False) -> tuple[str, ast.Expression]:
    """Normalise, check the cheap limits, and parse to a syntax tree (no sympy yet)."""
    _check_length(typed)
    # Refused before anything could echo them: a comment hides text from the formula (and a
    # message quoting the formula would show it), a backslash continues a line.
    if "#" in typed:
        raise InputError("A # starts a comment, which a formula cannot have; remove the # and "
                         "everything after it.")
    if "\\" in typed:
        raise InputError("A backslash \\ is not allowed; type the formula on one line, with "
                         "/ for division.")
    if function and ("\n" in typed or "\r" in typed):
        raise InputError("A function is one line of text; remove the line breaks.")
    source = _translate(typed)
    for ch in source:
        if not (" " <= ch <= "~" or ch in "\t\n\r"):
            shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
            ascii_form = _ASCII_FORMS.get(ch)
            if ascii_form is not None:
                raise InputError(f"The character {shown} is not allowed; type {ascii_form} "
                                 "instead.")
            raise InputError(f"The character {shown} is not allowed; type plain ASCII such as x, "
                             "y, +, *, ^.")
    source = source.replace("^", "**")
    depth = deepest = 0
    for ch in source:
        if ch in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif ch in _CLOSE:
            depth -= 1
    if deepest > MAX_DEPTH:
        raise InputError(f"The expression is nested too deeply (more than {MAX_DEPTH} levels of "
                         "brackets).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "'int' object is not callable" for 1(2)
            tree = ast.parse(source, mode="eval")
    except SyntaxError as err:
        raise InputError(_syntax_message(err, source)) from None
    except (ValueError, RecursionError, MemoryError):
        raise InputError("The formula cannot be read; check the brackets and operators.") from None
    _check_shape(tree)
    return source, tree


def _translate(typed: str) -> str:
    """Students' notation as the parser's ASCII, one rule each: − · × as - * *, π as pi,
    superscripts as powers (x² is x**2, x⁻¹ is x**(-1)), |…| as abs(…) and √ as sqrt of the
    name, number, call or bracket right after it (√x, √2, √abs(x), √(x + 1)).

    >>> _translate("|x − 1|·√(x² + 1) + √π")
    'abs(x - 1)*sqrt(x**2 + 1) + sqrt(pi)'
    """
    text = "".join(_REPLACEMENTS.get(ch, ch) for ch in typed)
    text = re.sub(_SUPERSCRIPT_RUN,
                  lambda m: _power_text("".join(_SUPERSCRIPTS[c] for c in m[0])), text)
    if "|" in text:
        text = _absolute_bars(text)
    while _SQRT in text:
        text = _square_root(text, text.rindex(_SQRT))  # innermost (rightmost) first
    return text


def _power_text(exponent: str) -> str:
    return f"**({exponent})" if exponent.startswith("-") else f"**{exponent}"


def _absolute_bars(text: str) -> str:
    """|…| as abs(…). A bar that follows a value closes the innermost open bar of its bracket
    level, or, with none open there, is the "or" of two conditions, as in (x < 0) | (x > 1);
    any other bar (at the start, after an operator, a bracket or a comma) opens one."""
    out: list[str] = []
    open_bars: list[int] = []  # the bracket level at which each open bar stands
    level = 0
    for ch in text:
        if ch in _OPEN:
            level += 1
        elif ch in _CLOSE:
            level -= 1
        if ch != "|":
            out.append(ch)
            continue
        before = "".join(out).rstrip()[-1:]
        after_value = bool(before) and (before.isalnum() or before in "_.)]}")
        if after_value and open_bars and open_bars[-1] == level:
            open_bars.pop()
            out.append(")")
        elif after_value:
            out.append("|")
        else:
            open_bars.append(level)
            out.append("abs(")
    if open_bars:
        raise InputError("An absolute-value bar | is not closed: write |x - 1|, or abs(x - 1).")
    return "".join(out)


_SQRT_OPERAND = r"\s*([A-Za-z_][A-Za-z_0-9]*|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)"


def _square_root(text: str, at: int) -> str:
    """The √ at index ``at`` as sqrt(...) of what follows it."""
    rest = text[at + 1:]
    if rest.lstrip().startswith("("):
        return text[:at] + "sqrt" + rest
    match = re.match(_SQRT_OPERAND, rest)
    if match is None:
        raise InputError("√ must be followed by a number, a name or a bracket, as in √x, √2 or "
                         "√(x + 1).")
    end = match.end()
    if match[1][0].isalpha() and rest[end:].lstrip().startswith("("):  # a call such as √abs(x)
        end = rest.index("(", end)
        level = 0
        for i in range(end, len(rest)):
            level += (rest[i] in _OPEN) - (rest[i] in _CLOSE)
            if level == 0:
                end = i + 1
                break
        else:
            raise InputError("The brackets do not match after √: every ( needs a matching ).")
    return text[:at] + "sqrt(" + rest[:end].strip() + ")" + rest[end:]


_FAMILIES: dict[type, str] = {
    ast.Add: "sum", ast.Sub: "sum", ast.Mult: "product", ast.Div: "product",
    ast.BitAnd: "and", ast.BitOr: "or",
}
_SKIP = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _family(node: ast.AST) -> str | None:
    return _FAMILIES.get(type(node.op)) if isinstance(node, ast.BinOp) else None


def _check_shape(tree: ast.Expression) -> None:
    """Count nodes and nesting without recursion; a chain a + b + c counts as one level."""
    count = 0
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise InputError(f"The expression is too long (more than {MAX_NODES} parts); "
                             "simplify it.")
        if depth > MAX_DEPTH:
            raise InputError(f"The expression is nested too deeply (more than {MAX_DEPTH} "
                             "levels).")
        family = _family(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _SKIP):
                continue
            same_chain = family is not None and child is node.left and _family(child) == family
            stack.append((child, depth if same_chain else depth + 1))


def _chain(node: ast.BinOp) -> list[tuple[ast.operator | None, ast.expr, ast.BinOp | None]]:
    """Flatten a left-nested chain a - b + c into [(None, a, None), (Sub, b, ..), (Add, c, ..)]."""
    family = _family(node)
    links = []
    while _family(node) == family:
        links.append((node.op, node.right, node))
        node = node.left
    links.append((None, node, None))
    return links[::-1]


# --- exact numbers and their sizes ---------------------------------------------------------------


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


def _too_large(where: str, magnitude: float) -> str:
    return (f"{where} is about 1e{int(magnitude)}, larger than numbers may be here (at most "
            f"1e{round(math.log10(MAX_MAGNITUDE))} in size); use smaller numbers.")


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


# --- the whitelist ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Value:
    """A built piece of the expression.

    ``mass`` bounds the digits of any exact number sympy may make from it; ``approx`` is a
    15-digit value when the piece is a constant number (None otherwise), used to refuse huge
    constants before sympy evaluates them.
    """

    expr: sp.Basic
    mass: int
    approx: sp.Float | None = None

    @property
    def is_condition(self) -> bool:
        # Symbols are both Expr and Boolean in sympy; a condition is a Boolean that is no Expr.
        return not isinstance(self.expr, sp.Expr)


class _Builder:
    """Walks one syntax tree, building sympy objects node by node."""

    def __init__(self, source: str, variables: dict[str, sp.Symbol], *, function_page: bool):
        self.source = source
        self.variables = variables
        self.function_page = function_page
        self.nonsmooth = 0
        starts = [0]
        for line in source.splitlines(keepends=True):
            starts.append(starts[-1] + len(line))
        self._line_starts = starts

    # -- helpers --

    def segment(self, node: ast.AST) -> str:
        start = self._line_starts[node.lineno - 1] + node.col_offset
        end = self._line_starts[node.end_lineno - 1] + node.end_col_offset
        return self.source[start:end]

    def where(self, node: ast.AST) -> str:
        return _short(self.segment(node))

    def number(self, node: ast.expr) -> _Value:
        value = self.build(node)
        if value.is_condition:
            raise InputError(_CONDITION_AS_NUMBER)
        return value

    def condition(self, node: ast.expr) -> _Value:
        value = self.build(node)
        if not value.is_condition:
            raise InputError(_NUMBER_AS_CONDITION)
        return value

    def constant(self, node: ast.expr) -> sp.Expr:
        """Build a node that must be one real, finite constant."""
        if isinstance(node, (ast.Tuple, ast.List)):
            raise InputError("Type one number here, such as 1/2, not a list of numbers.")
        value = self.number(node)
        expr = value.expr
        if expr.free_symbols:
            raise InputError("Only numbers are allowed here, such as 1/2, sqrt(2)/2 or pi.")
        # The table may build max/min unevaluated (for speed); a coordinate should be a number.
        expr = _sympy(expr.doit)
        _check_defined(expr, self.where(node))
        return expr

    def finish(self, node: ast.AST, expr: sp.Basic, mass: int,
               approx: Callable[[], sp.Basic] | None = None) -> _Value:
        """Check a freshly built piece and attach its size and (for constants) approximation."""
        if mass > MAX_NUMBER_DIGITS:
            raise InputError(_TOO_BIG)
        if not isinstance(expr, sp.Expr):
            return _Value(expr, mass)
        if expr.has(*_UNDEFINED):
            raise InputError(f"{self.where(node)} is undefined (for example a division by zero).")
        if expr.free_symbols:
            return _Value(expr, mass)
        rough = _sympy(approx) if approx is not None else expr
        value = _approximate(rough, self.where(node))
        if isinstance(expr, sp.Add):
            _check_cancellation(expr, value, self.where(node))
        return _Value(expr, mass, value)

    # -- dispatch --

    def build(self, node: ast.expr) -> _Value:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            message = _NODE_MESSAGES.get(type(node))
            if message is None:
                message = ("This kind of expression is not allowed; use "
                           f"{_vocabulary(list(self.variables))}.")
            raise InputError(message)
        return method(node)

    def _Constant(self, node: ast.Constant) -> _Value:
        v = node.value
        if isinstance(v, bool):
            return _Value(sp.true if v else sp.false, 0)
        if isinstance(v, int):
            if abs(v) >= 10**MAX_LITERAL_DIGITS:
                raise InputError(f"Numbers may have at most {MAX_LITERAL_DIGITS} digits; "
                                 f"{self.where(node)} is too long.")
            return self.finish(node, sp.Integer(v), _digits(v))
        if isinstance(v, float):
            r = _literal(self.segment(node))
            return self.finish(node, r, _rational_digits(r))
        if isinstance(v, complex):
            raise InputError("Imaginary numbers such as 1j are not allowed; only real numbers are.")
        if isinstance(v, (str, bytes)):
            raise InputError("Text in quotes is not allowed; type a formula such as max(0, x).")
        raise InputError(f"{self.where(node)} is not allowed; use "
                         f"{_vocabulary(list(self.variables))}.")

    def _unknown(self, name: str) -> InputError:
        known = [*self.variables, *allowed_names()]
        guess = next((k for k in known if k.lower() == name.lower()), None)
        hint = f" (did you mean {guess}?)" if guess else ""
        return InputError(f"Unknown name '{_short(name, 30)}'{hint}: use "
                          f"{_vocabulary(list(self.variables))}.")

    def _variable_refused(self, name: str) -> InputError:
        if self.function_page:
            allowed = " and ".join(self.variables)
            return InputError(f"This page takes functions of {allowed} only; remove {name}.")
        return InputError(f"{name} cannot be used here: type a number such as 1/2, sqrt(2)/2 "
                          "or pi.")

    def _Name(self, node: ast.Name) -> _Value:
        name = node.id
        if name in self.variables:
            return _Value(self.variables[name], 0)
        if name in VARIABLES:
            raise self._variable_refused(name)
        p = allowed_names().get(name)
        if p is None:
            raise self._unknown(name)
        if not p.constant:
            raise InputError(f"{name} is a function: write it with brackets, like {name}(x).")
        return self.finish(node, p.build(), 1)

    def _UnaryOp(self, node: ast.UnaryOp) -> _Value:
        if isinstance(node.op, ast.Not):
            inner = self.condition(node.operand)
            return _Value(_sympy(lambda: sp.Not(inner.expr)), inner.mass)
        if isinstance(node.op, ast.Invert):
            raise InputError("The operator ~ is not allowed; use 'not' to negate a condition.")
        inner = self.number(node.operand)
        if isinstance(node.op, ast.UAdd):
            return inner
        return self.finish(node, _sympy(lambda: -inner.expr), inner.mass,
                           (lambda: -inner.approx) if inner.approx is not None else None)

    def _BoolOp(self, node: ast.BoolOp) -> _Value:
        parts = [self.condition(v) for v in node.values]
        join = sp.And if isinstance(node.op, ast.And) else sp.Or
        return _Value(_sympy(lambda: join(*[p.expr for p in parts])), sum(p.mass for p in parts))

    def _Compare(self, node: ast.Compare) -> _Value:
        operands = [self.number(node.left), *[self.number(c) for c in node.comparators]]
        if any(o.expr.has(sp.Piecewise) for o in operands):
            # sympy rewrites such a condition branch by branch (ITE), exponentially in the nesting.
            raise InputError("Conditions cannot compare Piecewise expressions; compare plain "
                             "expressions such as abs(x) < 1.")
        relations = []
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            relate = _COMPARISONS.get(type(op))
            if relate is None:
                raise InputError("Only the comparisons < <= > >= == != are allowed.")
            relations.append(_sympy(lambda r=relate, a=left, b=right: r(a.expr, b.expr)))
        expr = relations[0] if len(relations) == 1 else _sympy(lambda: sp.And(*relations))
        return _Value(expr, sum(o.mass for o in operands))

    def _BinOp(self, node: ast.BinOp) -> _Value:
        family = _family(node)
        if family in ("sum", "product"):
            return self._arithmetic(node, family)
        if family in ("and", "or"):
            return self._logical(node, family)
        if isinstance(node.op, ast.Pow):
            return self._power(node, self.number(node.left), self.number(node.right))
        symbol = _OPERATOR_SYMBOLS.get(type(node.op), "this")
        raise InputError(f"The operator {symbol} is not allowed; use + - * / and ^ or ** for "
                         "powers.")

    def _logical(self, node: ast.BinOp, family: str) -> _Value:
        parts = [self.build(operand) for _, operand, _ in _chain(node)]
        if not all(p.is_condition for p in parts):
            raise InputError("& and | join conditions and bind tighter than comparisons, so write "
                             "(x > 0) & (x < 1) with brackets.")
        join = sp.And if family == "and" else sp.Or
        return _Value(_sympy(lambda: join(*[p.expr for p in parts])), sum(p.mass for p in parts))

    def _arithmetic(self, node: ast.BinOp, family: str) -> _Value:
        terms: list[sp.Expr] = []
        approxes: list[sp.Basic] = []
        mass = 0
        for op, operand, parent in _chain(node):
            value = self.number(operand)
            mass += value.mass
            expr, approx = value.expr, value.approx
            if isinstance(op, ast.Sub):
                expr, approx = -expr, (None if approx is None else -approx)
            elif isinstance(op, ast.Div):
                # A constant whose 15-digit value is 0 counts as zero: 1/(pi - 3.14159265358979)
                # is refused rather than evaluated to a meaningless huge number.
                if expr == 0 or (approx is not None and approx.is_zero):
                    raise InputError(f"Division by zero in {self.where(parent)}.")
                if _root_work([(n, -r) for n, r in _exposed(expr)]) > MAX_ROOT_DIGITS:
                    raise InputError(f"{self.where(parent)} is too costly to simplify: use a "
                                     "smaller number under a fractional power.")
                expr = _sympy(lambda e=expr: sp.Pow(e, -1))
                approx = None if approx is None else 1 / approx
            terms.append(expr)
            if approx is not None:
                approxes.append(approx)
        combine = sp.Add if family == "sum" else sp.Mul
        if mass > MAX_NUMBER_DIGITS:
            raise InputError(_TOO_BIG)
        if family == "product":
            powers = [pw for t in terms for pw in _fractional_powers(t)]
            if len(powers) > 1 and _root_work(powers) > MAX_ROOT_DIGITS:
                raise InputError(f"{self.where(node)} is too costly to simplify: use smaller "
                                 "numbers under fractional powers.")
        if 1 < len(approxes) < len(terms):
            # The constant part of a mixed chain, e.g. the coefficient in exp(900)*exp(900)*x.
            _approximate(_sympy(lambda: combine(*approxes)), self.where(node))
        result = _sympy(lambda: combine(*terms))
        exact = len(approxes) == len(terms)
        return self.finish(node, result, mass, (lambda: combine(*approxes)) if exact else None)

    def _power(self, node: ast.BinOp, base: _Value, exponent: _Value) -> _Value:
        b, e = base.expr, exponent.expr
        if exponent.approx is None and e.free_symbols:
            if base.approx is None or not base.approx > 0:
                raise InputError("x or y may appear in an exponent only when the base is a "
                                 "positive number, as in 2**x or E**x.")
            return self.finish(node, _sympy(lambda: sp.Pow(b, e)), base.mass + exponent.mass)
        e_approx = exponent.approx if exponent.approx is not None else _approximate(
            e, self.where(node.right))
        if abs(e_approx) > MAX_EXPONENT:
            raise InputError(f"The exponent {_short(self.segment(node.right), 20)} is too large: "
                             f"exponents may be at most {MAX_EXPONENT} in size.")
        if (b == 0 or (base.approx is not None and base.approx.is_zero)) and e_approx < 0:
            raise InputError(f"Division by zero in {self.where(node)}.")
        if base.approx is not None and base.approx < 0 and not e.is_integer:
            raise InputError("A negative number to a fractional power is not a real number; use "
                             "an integer exponent or abs(...).")
        if isinstance(e, sp.Rational):
            if _root_work([(n, r * e) for n, r in _exposed(b)]) > MAX_ROOT_DIGITS:
                raise InputError(f"{self.where(node)} is too costly to simplify: use a smaller "
                                 "number under a fractional power.")
        elif _costly_exponent(e):
            raise InputError(f"The exponent {_short(self.segment(node.right), 20)} is too costly "
                             "to handle: keep powers of sums in an exponent at most "
                             f"{_MAX_SUM_POWER}.")
        if base.approx is not None and not base.approx.is_zero:
            if abs(float(e_approx) * _log10_abs(base.approx)) > MAX_NUMBER_DIGITS:
                raise InputError(_TOO_BIG)
        mass = base.mass * max(1, math.ceil(abs(float(e_approx)))) + exponent.mass
        if mass > MAX_NUMBER_DIGITS:
            raise InputError(_TOO_BIG)
        result = _sympy(lambda: sp.Pow(b, e))
        if base.approx is None:
            return self.finish(node, result, mass)
        rough_e = e if isinstance(e, sp.Integer) else e_approx  # (-2.0)**3, not (-2.0)**3.0
        return self.finish(node, result, mass, lambda: sp.Pow(base.approx, rough_e))

    def _Call(self, node: ast.Call) -> _Value:
        if not isinstance(node.func, ast.Name):
            if isinstance(node.func, ast.Attribute):
                raise InputError(_NODE_MESSAGES[ast.Attribute])
            raise InputError("Only named functions can be called, as in sin(x); write 2*(x + 1) "
                             "for a product.")
        name = node.func.id
        if name in VARIABLES:
            raise InputError(f"{name} is a variable, not a function; write {name}*(...) for a "
                             "product.")
        p = allowed_names().get(name)
        if p is None:
            raise self._unknown(name)
        if p.constant:
            raise InputError(f"{name} is a constant, not a function; write {name} without "
                             f"brackets, or {name}*(...) for a product.")
        if node.keywords:
            raise InputError("Functions take plain arguments, like max(x, 0), not name=value.")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise InputError(_NODE_MESSAGES[ast.Starred])
        self._check_arity(p, name, len(node.args))
        if p.nonsmooth:
            self.nonsmooth += 1
            if self.nonsmooth > MAX_NONSMOOTH:
                raise InputError(f"The expression uses more than {MAX_NONSMOOTH} nonsmooth "
                                 f"functions ({_nonsmooth_names()}); simplify it.")
        if p.sympy_func is sp.Piecewise:
            return self._piecewise(node, p)
        args = [self.number(a) for a in node.args]
        half = sp.Rational(1, 2)
        for a in args:
            # sqrt(a) is a**(1/2): the rationals it reaches in a get factored.
            if _root_work([(n, r * half) for n, r in _exposed(a.expr)]) > MAX_ROOT_DIGITS:
                raise InputError(f"{self.where(node)} is too costly to simplify: use smaller "
                                 "numbers.")
            if (a.approx is not None and abs(a.approx) > _FAST_GROWTH_ARGUMENT
                    and _grows_fast(name)):
                raise InputError(_TOO_BIG)
        mass = sum(a.mass for a in args)
        result = _sympy(lambda: p.build(*[a.expr for a in args]))
        if any(a.approx is None for a in args):
            return self.finish(node, result, mass)
        if not result.is_Number:
            # The table may build max/min unevaluated; of constants, sympy would later ask
            # Max(9, 10) whether it is real, which expands it branch by branch.
            result = _sympy(result.doit)
        return self.finish(node, result, mass, lambda: p.build(*[a.approx for a in args]))

    def _check_arity(self, p: Primitive, name: str, count: int) -> None:
        low, high = p.arity
        noun = "branch" if p.sympy_func is sp.Piecewise else "argument"
        plural = noun + ("es" if noun == "branch" else "s")
        if high is not None and low == high and count != low:
            raise InputError(f"{name} takes exactly {low} {noun if low == 1 else plural}, "
                             f"for example {p.example}.")
        if count < low:
            raise InputError(f"{name} takes at least {low} {noun if low == 1 else plural}, "
                             f"for example {p.example}.")
        limit = MAX_BRANCHES if high is None else high
        if count > limit:
            raise InputError(f"{name} takes at most {limit} {plural}.")

    def _piecewise(self, node: ast.Call, p: Primitive) -> _Value:
        pairs = []
        mass = 0
        for arg in node.args:
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                raise InputError(_PIECEWISE_SYNTAX)
            value = self.build(arg.elts[0])
            condition = self.build(arg.elts[1])
            if value.is_condition or not condition.is_condition:
                raise InputError(_PIECEWISE_SYNTAX)
            pairs.append((value.expr, condition.expr))
            mass += value.mass + condition.mass
        return self.finish(node, _sympy(lambda: p.build(*pairs)), mass)


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
