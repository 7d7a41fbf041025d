"""A typed problem, made once at the door and passed down: the function, the point, the dimension.

Engines take a ``Problem`` (or its parts) and never parse text again; the text API
(``clarke_core.api``, the command line, the pages) are thin adapters that call ``problem`` once.
This is also the one place that decides whether a question is about f(x), f(x, y) or f on Rⁿ.

>>> p = problem("abs(x) + abs(y)", "0, 0")
>>> p.dim, p.point, p.expr
(2, (0, 0), Abs(x) + Abs(y))
>>> problem("abs(x)", "1, 2").dim  # f of x alone at a point of the plane: a function of x and y
2
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .parsing import ParsedFunction, parse_function_and_point


@dataclass(frozen=True)
class Problem:
    """A parsed function at an exact point with as many coordinates as the function has
    variables."""

    function: ParsedFunction
    point: tuple[sp.Expr, ...]

    @property
    def expr(self) -> sp.Expr:
        return self.function.expr

    @property
    def variables(self) -> tuple[sp.Symbol, ...]:
        return self.function.variables

    @property
    def dim(self) -> int:
        return self.function.dim

    @property
    def text(self) -> str:
        return self.function.text


def problem(expr: str | Problem, at=None, *, dim: int | None = None, lift: bool = True,
            max_dim: int = 2) -> Problem:
    """The one parse of a function and a point (a ``Problem`` passes through unchanged).

    ``dim`` fixes the dimension for a page that takes only f(x) (1) or only f(x, y) (2);
    ``lift`` False refuses a point with more coordinates than the function has variables;
    ``max_dim`` (up to ``primitives.MAX_DIM``, 8) is the most variables taken when ``dim`` is None:
    2 for the pages, 8 for the API and the command line (f of x, y, z or x1 … x8).

    >>> problem("x3*relu(x1 - x2)", "0, 0, 1", max_dim=8).variables
    (x1, x2, x3)

    >>> problem("abs(x)", "1, 2", lift=False)
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: The point needs 1 coordinate, like 0.
    """
    if isinstance(expr, Problem):
        return expr
    function, point = parse_function_and_point(expr, at, dim=dim, lift=lift, max_dim=max_dim)
    return Problem(function, point)
