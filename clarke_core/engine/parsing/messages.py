"""The sentences the parser refuses input with (one sentence each, no Python jargon)."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Sequence

import sympy as sp
from sympy.logic.boolalg import Boolean

from ..primitives import registered
from .limits import MAX_MAGNITUDE, MAX_NUMBER_DIGITS


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



def _too_large(where: str, magnitude: float) -> str:
    return (f"{where} is about 1e{int(magnitude)}, larger than numbers may be here (at most "
            f"1e{round(math.log10(MAX_MAGNITUDE))} in size); use smaller numbers.")
