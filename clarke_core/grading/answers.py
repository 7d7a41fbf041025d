"""The answer language: what a student types as an answer becomes a ``ParsedAnswer``, or one
sentence about the syntax.

Validation is separate from grading (as in STACK): this module only reads answers; ``grading``
compares them with the exact sets. Every number inside an answer goes through the safe parser's
``parse_constant`` (its whitelist and limits), never ``eval`` or ``sympify``. The structure
around the numbers (brackets, braces, commas, ``conv``) is split here by a bracket-depth scanner.

Forms (``dim`` is the dimension of the question, 1 for f(x), 2 for f(x, y), 3 to 8 for f on
ℝⁿ; there a point has n coordinates, ``(a, b, c)``, and the sets are ``{...}`` and ``conv{...}``
of such points, or a segment ``[(…), (…)]``):

=========================  =============================================================
``1/2``, ``sqrt(2) - 1``   a number: the set {1/2} (1D); a degree (homogeneity questions)
``[a, b]``                 closed interval (1D); in 2D ``[(a, b), (c, d)]`` is a segment
``(a, b)``, ``[a, b)``     open and half-open intervals (1D); in 2D ``(a, b)`` is a point
``{a, b}``                 finite set (of numbers in 1D, of points ``(a, b)`` in 2D)
``empty``, ``∅``, ``{}``   the empty set
``conv{...}``              convex hull of points: a polygon, a segment, or an interval in 1D
``undefined``              no Clarke set: f is not locally Lipschitz at the point
``yes`` / ``no``           membership and Lipschitz questions
=========================  =============================================================

A coordinate typed with a decimal point or an exponent (``0.7071``, ``1e-3``) is marked
``decimal``: the grader compares it with a tolerance (``grading.DECIMAL_TOLERANCE``) instead of
exactly.

>>> parse_answer("[-1, sqrt(2)/2)").closed, parse_answer("[-1, sqrt(2)/2)").points
((True, False), ((-1,), (sqrt(2)/2,)))
>>> parse_answer("conv{(1, 0), (0, 1)}", 2).form
'hull'
>>> parse_answer("(1, 2)", 2).points
((1, 2),)
>>> parse_answer("conv{(1, 0, 0), (0, 1, 0)}", 3).points
((1, 0, 0), (0, 1, 0))
>>> parse_answer("[0, 1", 1)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
clarke_core.errors.InputError: The brackets in the answer do not match: every [ ( or { needs ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from ..engine import printing
from ..engine.parsing import parse_constant
from ..engine.primitives import MAX_DIM
from ..errors import InputError

MAX_ANSWER_LENGTH = 1000  # characters of one answer
MAX_ELEMENTS = 24  # numbers or points in one set or hull
EXPECTS = ("set", "yesno", "degree")

_YES = {"yes", "y", "true", "oui", "ja"}
_NO = {"no", "n", "false", "non", "nein"}
_EMPTY = {"empty", "empty set", "emptyset", "{}", "∅", "\\emptyset", "\\varnothing", "ø"}
_UNDEFINED = {"undefined", "unbounded", "not lipschitz", "not locally lipschitz", "dne",
              "does not exist"}
_NOT_HOMOGENEOUS = {"none", "no", "not homogeneous", "not positively homogeneous"}
_DECIMAL = re.compile(r"(\d\.|\.\d|\d[eE][-+]?\d)")
_PAIRS = {"(": ")", "[": "]", "{": "}"}

FORMS_HELP = ("a number such as 1/2, an interval [a, b], a set {a, b}, empty, a point (a, b), "
              "a segment [(a, b), (c, d)] or conv{(a, b), (c, d), ...}")


@dataclass(frozen=True)
class ParsedAnswer:
    """One answer as read: its ``form``, its points (exact), which are decimals, which ends are
    closed.

    ``form`` is ``number`` (a one-element set, or a degree), ``interval`` (``points`` are the two
    endpoints in the order typed, ``closed`` says which ends are), ``finite`` (a set of points),
    ``hull`` (convex hull of ``points``), ``empty``, ``undefined``, ``yes``, ``no`` or ``none``
    (not homogeneous).

    >>> a = parse_answer("{0.5, 1}")
    >>> a.form, a.points, a.decimal
    ('finite', ((1/2,), (1,)), (True, False))
    """

    form: str
    points: tuple[tuple[sp.Expr, ...], ...] = ()
    decimal: tuple[bool, ...] = ()
    closed: tuple[bool, bool] = (True, True)
    dim: int = 1

    def floats(self) -> list[tuple[float, ...]]:
        """The points as float tuples."""
        return [tuple(float(c) for c in p) for p in self.points]

    def latex(self) -> str:
        """The answer as parsed, in LaTeX (what the page shows back, never the raw text).

        >>> parse_answer("(0, 1]").latex()
        '\\\\left(0, 1\\\\right]'
        """
        return printing.answer_latex(self.form, self.points, self.closed, self.dim)


def parse_answer(text: str, dim: int = 1, *, expect: str = "set") -> ParsedAnswer:
    """Read one answer to a question about a function of ``dim`` variables.

    ``expect`` is ``"set"`` (Clarke set, subdifferential), ``"yesno"`` (membership, Lipschitz)
    or ``"degree"`` (homogeneity: a number, or ``none``). Raises ``InputError`` about the syntax
    when the answer cannot be read; then it is not graded.

    >>> parse_answer("Yes", expect="yesno").form
    'yes'
    >>> parse_answer("none", expect="degree").form
    'none'
    >>> parse_answer("__import__('os')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: ...
    """
    if expect not in EXPECTS:
        raise ValueError(f"expect must be one of {EXPECTS}, not {expect!r}")
    if not (isinstance(dim, int) and 1 <= dim <= MAX_DIM):
        raise ValueError(f"dim must be 1 to {MAX_DIM}, not {dim!r}")
    if not isinstance(text, str):
        raise InputError("The answer must be given as text.")
    if len(text) > MAX_ANSWER_LENGTH:
        raise InputError(f"The answer is too long ({len(text)} characters); the limit is "
                         f"{MAX_ANSWER_LENGTH}.")
    typed = " ".join(text.split())
    if not typed:
        raise InputError("Type an answer first.")
    word = typed.lower().rstrip(".")
    if expect == "yesno":
        if word in _YES:
            return ParsedAnswer("yes", dim=dim)
        if word in _NO:
            return ParsedAnswer("no", dim=dim)
        raise InputError("Answer yes or no.")
    if expect == "degree":
        if word in _NOT_HOMOGENEOUS:
            return ParsedAnswer("none", dim=dim)
        return ParsedAnswer("number", ((_number(typed),),), (_is_decimal(typed),), dim=1)
    if word in _EMPTY:
        return ParsedAnswer("empty", dim=dim)
    if word in _UNDEFINED:
        return ParsedAnswer("undefined", dim=dim)
    if word in _YES | _NO:
        raise InputError("This question asks for a set, not yes or no: type, for example, "
                         f"{_example(dim)}.")
    _check_brackets(typed)
    if word.startswith("conv"):
        return _hull(typed, dim)
    if typed[0] == "{" and _enclosed(typed):
        inner = typed[1:-1].strip()
        if not inner:
            return ParsedAnswer("empty", dim=dim)
        points, decimal = _points(_split(inner), dim)
        return ParsedAnswer("finite", points, decimal, dim=dim)
    if typed[0] in "[(" and typed[-1] in "])" and _enclosed(typed):
        return _bracketed(typed, dim)
    if dim >= 2:
        raise InputError(f"This is a question in {_space(dim)}: type a point as "
                         f"{_pattern(dim)}, or a set such as {_example(dim)}.")
    return ParsedAnswer("number", ((_number(typed),),), (_is_decimal(typed),), dim=1)


# --- pieces -------------------------------------------------------------------------------------


def _example(dim: int) -> str:
    if dim == 1:
        return "[0, 1] or {1}"
    units = [printing.vector_text([int(i == j) for j in range(dim)]) for i in range(2)]
    return "conv{" + ", ".join(units) + "}"


def _space(dim: int) -> str:
    """How the messages name the question's space: 2D, ℝ³, ..., ℝ⁸."""
    return "2D" if dim == 2 else "ℝ" + "⁰¹²³⁴⁵⁶⁷⁸⁹"[dim]


def _pattern(dim: int) -> str:
    return "(" + ", ".join("abcdefgh"[:dim]) + ")"


def _check_brackets(typed: str) -> None:
    """Refuse unbalanced brackets with a message about the answer (half-open ends allowed)."""
    depth = 0
    for ch in typed:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                break
    if depth != 0:
        raise InputError("The brackets in the answer do not match: every [ ( or { needs its "
                         "closing partner.")


def _enclosed(typed: str) -> bool:
    """Whether the first and last characters bracket the whole text, as in [a, b) but not
    in (1) + (2)."""
    depth = 0
    for i, ch in enumerate(typed):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0 and i < len(typed) - 1:
                return False
    return depth == 0


def _split(inner: str) -> list[str]:
    """Split at the commas outside any brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(inner[start:i].strip())
            start = i + 1
    parts.append(inner[start:].strip())
    if any(not p for p in parts):
        raise InputError("The answer has an empty entry between commas; remove the extra comma.")
    if len(parts) > MAX_ELEMENTS:
        raise InputError(f"The answer lists more than {MAX_ELEMENTS} elements; give the extreme "
                         "points only.")
    return parts


def _is_decimal(text: str) -> bool:
    return bool(_DECIMAL.search(text))


def _number(text: str) -> sp.Expr:
    if text[:1] in "[{" or len(_split(text)) > 1:
        raise InputError(f"Type one number here, such as 1/2, not {_short(text)}.")
    return parse_constant(text)


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _point(text: str, dim: int) -> tuple[sp.Expr, ...]:
    if dim == 1:
        return (_number(text),)
    if not (text[:1] == "(" and text[-1:] == ")" and _enclosed(text)):
        raise InputError(f"In {_space(dim)} each element is a point {_pattern(dim)}; "
                         f"{_short(text)} is not one.")
    coordinates = _split(text[1:-1])
    if len(coordinates) != dim:
        count = "two" if dim == 2 else str(dim)
        like = printing.vector_text([int(j == 0) for j in range(dim)])
        raise InputError(f"A point in {_space(dim)} has {count} coordinates, like {like}; "
                         f"{_short(text)} has {len(coordinates)}.")
    return tuple(_number(c) for c in coordinates)


def _points(parts: list[str], dim: int) -> tuple[tuple[tuple[sp.Expr, ...], ...], tuple[bool, ...]]:
    return tuple(_point(p, dim) for p in parts), tuple(_is_decimal(p) for p in parts)


def _hull(typed: str, dim: int) -> ParsedAnswer:
    rest = typed[4:].strip()
    if not (rest[:1] in "{(" and _enclosed(rest) and rest[-1] == _PAIRS[rest[0]]):
        raise InputError("Write a convex hull as conv{(a, b), (c, d), ...} with the points in "
                         "braces.")
    inner = rest[1:-1].strip()
    if not inner:
        return ParsedAnswer("empty", dim=dim)
    points, decimal = _points(_split(inner), dim)
    return ParsedAnswer("hull", points, decimal, dim=dim)


def _bracketed(typed: str, dim: int) -> ParsedAnswer:
    parts = _split(typed[1:-1].strip() or ",")
    if dim >= 2:
        if typed[0] == "(" and typed[-1] == ")":
            points, decimal = _points([typed], dim)
            return ParsedAnswer("number", points, decimal, dim=dim)
        if typed[0] == "[" and typed[-1] == "]" and all(p.startswith("(") for p in parts):
            if len(parts) != 2:
                raise InputError(f"A segment has two end points, like [{_example(dim)[5:-1]}]; "
                                 "use conv{...} for more points.")
            points, decimal = _points(parts, dim)
            return ParsedAnswer("hull", points, decimal, dim=dim)
        if dim == 2:
            raise InputError("In 2D type a point as (a, b), a segment as [(a, b), (c, d)] or a "
                             "polygon as conv{(a, b), (c, d), ...}.")
        raise InputError(f"In {_space(dim)} type a point as {_pattern(dim)}, a segment as "
                         f"[{_pattern(dim)}, (…)] or a polytope as {_example(dim)[:-1]}, ...}}.")
    if len(parts) == 1:
        if typed[0] == "(" and typed[-1] == ")":  # a number in brackets, like (1/2)
            return ParsedAnswer("number", ((_number(parts[0]),),), (_is_decimal(parts[0]),))
        raise InputError("An interval needs two endpoints, like [0, 1]; a single number needs "
                         "no brackets.")
    if len(parts) != 2:
        raise InputError(f"An interval has two endpoints, like [0, 1]; this has {len(parts)} "
                         "entries (use braces, {a, b, c}, for a finite set).")
    points, decimal = _points(parts, 1)
    return ParsedAnswer("interval", points, decimal, (typed[0] == "[", typed[-1] == "]"))
