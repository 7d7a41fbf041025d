"""Questions with parameters: each student gets their own variant, drawn from a seed.

A ``[[question]]`` may have a ``[question.parameters]`` table. Each parameter is one letter
(not a variable x, y, z and not a name such as ``E`` or ``H``) with an integer range,
``a = [1, 4]`` (1 to 4, both included), or a list of choices, ``b = ["1/2", "2", "3"]`` (rational
numbers as text, read by the safe parser). The function, the point and ``s`` use the letters,
and the prompt and hints use ``{a}``. When the file is read, the choices are read as exact
rationals and the templates are split into tokens and checked (``check_template``); no function
is parsed or computed then.

The draw is SHA-256 of (the assignment's seed, the question id, the student), so a restart or
another replica gives the same variant. Substitution works on the parser's tokens: each parameter
name becomes its exact value in brackets, ``(1/2)``. The result is ordinary text, which the safe
parser reads in the sandbox as it reads any question.

>>> ps = read_parameters({"a": [1, 4], "b": ["1/2", "2"]}, "q1")
>>> check_template(ps, {"function": "max(a*x, b*x**2)", "point": "0"}, "q1")
>>> values = draw(ps, "week1", "q1", "ann")
>>> substitute("max(a*x, b*x**2)", dict(zip([p.name for p in ps], values))) in {
...     f"max(({a})*x, ({b})*x**2)" for a in range(1, 5) for b in ("1/2", "2")}
True
>>> variant_text(ps, (Fraction(2), Fraction(1, 2)))
'a=2, b=1/2'
"""

from __future__ import annotations

import hashlib
import io
import json
import keyword
import re
import tokenize
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from math import prod
from typing import TYPE_CHECKING

import sympy as sp

from ..engine.parsing import _translate as translate
from ..engine.parsing import parse_constant
from ..engine.primitives import VARIABLES, allowed_names
from ..errors import InputError

if TYPE_CHECKING:
    from .assignment import Question

MAX_PARAMETERS = 6
MAX_VALUES = 1000  # values of one parameter
MAX_COMBINATIONS = 10_000  # variants of one question
MAX_MAGNITUDE = 10**6  # of a value's numerator and of its denominator
MAX_VALUE_CHARS = 40
TEMPLATE_FIELDS = ("function", "point", "s")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:/\d+)?|\d*\.\d+)")
_DRAW_VERSION = "clarke-lab variant 1"  # changing the draw changes every student's variant


@dataclass(frozen=True)
class Parameter:
    """One parameter of a question: its letter and its exact values, in the file's order."""

    name: str
    values: tuple[Fraction, ...]

    def describe(self) -> str:
        """The values in words, for a lecturer.

        >>> Parameter("a", (Fraction(1), Fraction(2), Fraction(3))).describe()
        'a in {1, 2, 3}'
        >>> Parameter("c", tuple(Fraction(n) for n in range(-5, 100))).describe()
        'c in {-5, …, 99}'
        """
        v = self.values
        run = len(v) > 4 and all(b - a == 1 for a, b in zip(v, v[1:], strict=False))
        shown = (f"{value_text(v[0])}, …, {value_text(v[-1])}" if run
                 else ", ".join(map(value_text, v)))
        return f"{self.name} in {{{shown}}}"


def value_text(value: Fraction) -> str:
    """An exact value as the parser reads it: ``2``, ``-1/2``."""
    p, q = value.numerator, value.denominator
    return str(p) if q == 1 else f"{p}/{q}"


def read_parameters(table, question_id: str) -> tuple[Parameter, ...]:
    """The ``parameters`` table of question ``question_id``; every error names the question and
    the field (``parameters.a``).

    >>> read_parameters({"x": [1, 2]}, "q1")
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: Question 'q1', field 'parameters.x': x is a variable of the \
function; name the parameter with another letter.
    """
    where = f"Question {question_id!r}, field 'parameters'"
    if not isinstance(table, dict) or not table:
        raise InputError(f"{where}: write it as a table of letters, like a = [1, 4] or "
                         'b = ["1/2", "2"].')
    if len(table) > MAX_PARAMETERS:
        raise InputError(f"{where}: a question may have at most {MAX_PARAMETERS} parameters.")
    parameters = tuple(_parameter(name, value, f"Question {question_id!r}, field "
                                               f"{'parameters.' + str(name)[:20]!r}")
                       for name, value in table.items())
    count = prod(len(p.values) for p in parameters)
    if count > MAX_COMBINATIONS:
        raise InputError(f"{where}: the parameters make {count} variants; the limit is "
                         f"{MAX_COMBINATIONS}.")
    return parameters


def _parameter(name: str, value, where: str) -> Parameter:
    if not (len(name) == 1 and name.isascii() and name.isalpha()):
        raise InputError(f"{where}: a parameter's name is one letter, like a or b.")
    if name in VARIABLES:
        raise InputError(f"{where}: {name} is a variable of the function; name the parameter "
                         "with another letter.")
    known = allowed_names().get(name)
    if known is not None:
        meaning = known.doc if known.name == name else known.name
        raise InputError(f"{where}: {name} already has a meaning in a formula ({meaning}); use "
                         "another letter.")
    if not isinstance(value, list) or not value:
        raise InputError(f"{where}: give a range of whole numbers, like [1, 4], or a list of "
                         'numbers as text, like ["1/2", "2"].')
    if all(isinstance(v, str) for v in value):
        values = tuple(_choice(v, where) for v in value)
        repeated = next((v for i, v in enumerate(values) if v in values[:i]), None)
        if repeated is not None:
            raise InputError(f"{where}: {value_text(repeated)} is listed twice.")
        if len(values) > MAX_VALUES:
            raise InputError(f"{where}: at most {MAX_VALUES} values.")
        return Parameter(name, values)
    if len(value) == 2 and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        low, high = value
        if max(abs(low), abs(high)) > MAX_MAGNITUDE:
            raise InputError(f"{where}: the range's ends must lie within ±{MAX_MAGNITUDE}.")
        if low > high:
            raise InputError(f"{where}: the range [{low}, {high}] is empty; write [low, high].")
        if high - low + 1 > MAX_VALUES:
            raise InputError(f"{where}: the range [{low}, {high}] has {high - low + 1} values; "
                             f"the limit is {MAX_VALUES}.")
        return Parameter(name, tuple(Fraction(n) for n in range(low, high + 1)))
    raise InputError(f"{where}: a range is two whole numbers, like [1, 4]; choices are numbers "
                     'as text, like ["1/2", "2", "3"].')


def _choice(text: str, where: str) -> Fraction:
    """One choice: a rational number as text (``"-3"``, ``"1/2"``, ``"0.25"``), read by the safe
    parser and kept exact."""
    typed = text.strip()
    if len(typed) > MAX_VALUE_CHARS or not _NUMBER.fullmatch(typed):
        shown = typed[:MAX_VALUE_CHARS] + ("…" if len(typed) > MAX_VALUE_CHARS else "")
        raise InputError(f"{where}: {shown!r} is not a rational number such as -3, 1/2 or 0.25.")
    try:
        value = parse_constant(typed)
    except InputError as err:
        raise InputError(f"{where}: {err}") from None
    if not isinstance(value, sp.Rational):  # unreachable for the pattern above
        raise InputError(f"{where}: {typed!r} is not a rational number.")
    if abs(int(value.p)) > MAX_MAGNITUDE or int(value.q) > MAX_MAGNITUDE:
        raise InputError(f"{where}: {typed!r} is too large; numerators and denominators may be "
                         f"at most {MAX_MAGNITUDE}.")
    return Fraction(int(value.p), int(value.q))


_LAYOUT = (tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.INDENT, tokenize.DEDENT)


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    """The tokens of one line of the parser's ASCII form, as Python's tokenizer (the one
    ``ast.parse`` uses) splits it. Text the tokenizer cannot finish (an open bracket) gives the
    tokens before that point; the parser refuses the rest later."""
    found: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type not in _LAYOUT:
                found.append(token)
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


def _names(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, name) of each name token of ``text``."""
    for token in _tokens(text):
        if token.type == tokenize.NAME:
            yield token.start[1], token.end[1], token.string


def _value_like(token: tokenize.TokenInfo | None, closing: bool) -> bool:
    """Whether ``token`` next to a parameter would run into it (a number, a name, or a bracket
    that closes before it / opens after it: ``2a``, ``a x``, ``a(x)``)."""
    if token is None:
        return False
    if token.type == tokenize.NAME:
        return not keyword.iskeyword(token.string)
    return token.type == tokenize.NUMBER or token.string == (")" if closing else "(")


def _source(text: str, field: str, question_id: str) -> str:
    """The parser's ASCII form of a templated field (one line, ``|x|`` as ``abs(x)``, ...)."""
    if "\n" in text or "\r" in text:
        raise InputError(f"Question {question_id!r}, field {field!r}: a field with parameters "
                         "is one line of text.")
    try:
        return translate(text.strip())
    except InputError as err:
        raise InputError(f"Question {question_id!r}, field {field!r}: {err}") from None


def check_template(parameters: tuple[Parameter, ...], fields: Mapping[str, str | None],
                   question_id: str) -> None:
    """Refuse a template that names what is neither a parameter, a variable nor a name of the
    parser, that puts a parameter right next to a value (``2a``, which would read as a call
    once ``a`` is a number), or a parameter that no field uses; each error names the question
    and the field."""
    own = {p.name for p in parameters}
    known = own | set(VARIABLES) | set(allowed_names()) | set(keyword.kwlist)
    used: set[str] = set()
    for field, text in fields.items():
        if not text:
            continue
        tokens = _tokens(_source(text, field, question_id))
        for i, token in enumerate(tokens):
            name = token.string
            if token.type != tokenize.NAME:
                continue
            if name not in known:
                listed = ", ".join(p.name for p in parameters)
                raise InputError(f"Question {question_id!r}, field {field!r}: {name[:20]!r} is "
                                 f"not one of its parameters ({listed}), a variable or a "
                                 "function.")
            before = tokens[i - 1] if i else None
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            if name in own and (_value_like(before, True) or _value_like(after, False)):
                raise InputError(f"Question {question_id!r}, field {field!r}: the parameter "
                                 f"{name} stands next to a number, a name or a bracket; write "
                                 f"the product with *, as in 2*{name} or {name}*(x + 1).")
            used.add(name)
    unused = next((p.name for p in parameters if p.name not in used), None)
    if unused is not None:
        raise InputError(f"Question {question_id!r}, field 'parameters.{unused}': {unused} is "
                         f"not used in the {', '.join(TEMPLATE_FIELDS[:-1])} or "
                         f"{TEMPLATE_FIELDS[-1]}.")


def substitute(text: str, values: Mapping[str, Fraction]) -> str:
    """``text`` (the parser's ASCII form) with each parameter's name token replaced by its exact
    value in brackets; nothing else changes.

    >>> substitute("abs(a*x) + max(x, a)", {"a": Fraction(-1, 2)})
    'abs((-1/2)*x) + max(x, (-1/2))'
    """
    source = translate(text.strip())
    out, last = [], 0
    for start, end, name in _names(source):
        if name in values:
            out += [source[last:start], f"({value_text(values[name])})"]
            last = end
    return "".join(out) + source[last:]


def fill(text: str, values: Mapping[str, Fraction]) -> str:
    """Words for the student (a prompt, a hint) with ``{a}`` replaced by a's value.

    >>> fill("Give the Clarke set at {c}.", {"c": Fraction(1, 2)})
    'Give the Clarke set at 1/2.'
    """
    for name, value in values.items():
        text = text.replace("{" + name + "}", value_text(value))
    return text


def combinations(parameters: tuple[Parameter, ...]) -> int:
    """How many variants the parameters make."""
    return prod(len(p.values) for p in parameters)


def draw(parameters: tuple[Parameter, ...], seed: str, question_id: str,
         student: str) -> tuple[Fraction, ...]:
    """The values ``student`` gets: SHA-256 of (seed, question id, student) picks one of the
    combinations (never Python's ``hash``, which changes with every process).

    >>> ps = (Parameter("a", (Fraction(1), Fraction(2))),)
    >>> draw(ps, "s", "q", "ann") == draw(ps, "s", "q", "ann")
    True
    """
    key = json.dumps([_DRAW_VERSION, seed, question_id, student], ensure_ascii=False)
    index = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest(), "big")
    index %= combinations(parameters)
    picked = []
    for p in reversed(parameters):
        index, i = divmod(index, len(p.values))
        picked.append(p.values[i])
    return tuple(reversed(picked))


def variant_text(parameters: tuple[Parameter, ...], values: tuple[Fraction, ...]) -> str:
    """The variant as stored with an attempt: ``a=2, b=1/2``."""
    return ", ".join(f"{p.name}={value_text(v)}" for p, v in zip(parameters, values, strict=True))


def describe(parameters: tuple[Parameter, ...]) -> str:
    """All parameters in words, for a lecturer: ``a in {1, 2}; b in {1/2}``."""
    return "; ".join(p.describe() for p in parameters)


def variant(question: Question, seed: str, student: str) -> Question:
    """The question as ``student`` is asked it: its parameters drawn and substituted into the
    function, point, s, prompt and hints; ``variant`` says which (``a=2, b=1/2``). A question
    without parameters is returned as it is."""
    parameters = question.parameters
    if not parameters:
        return question
    picked = draw(parameters, seed, question.id, student)
    values = {p.name: v for p, v in zip(parameters, picked, strict=True)}
    return replace(
        question, function=substitute(question.function, values),
        point=substitute(question.point, values) if question.point else question.point,
        s=substitute(question.s, values) if question.s is not None else None,
        prompt=fill(question.prompt, values), hints=tuple(fill(h, values) for h in question.hints),
        parameters=(), variant=variant_text(parameters, picked))
