"""Two functions side by side at one point: each one's Clarke set and subdifferential, exact, and
one sentence on what the comparison teaches (|x| and −|x| share a Clarke set, not a
subdifferential).

>>> pair = compare("abs(x)", "-abs(x)", "0", dim=1)
>>> [s.clarke.kind for s in pair.sides], [s.subdifferential.kind for s in pair.sides]
(['interval', 'interval'], ['interval', 'empty'])
>>> first, second = pair.sentence.split(". ")
>>> first
'Both have the Clarke set [-1, 1]: limits of nearby gradients cannot tell them apart'
>>> second.startswith("The subdifferentials differ: [-1, 1] for f and ∅ for g")
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..api import clarke_of, subdifferential_of
from ..engine.geometry import same_set
from ..engine.numeric import lambdify, real_part
from ..engine.printing import set_text, tuple_latex
from ..engine.problem import problem
from ..engine.sets import DifferentialSet
from ..errors import InputError, UndecidedError

GRAPH_SAMPLES = 401
GRAPH_REACH = 1.5  # the 1D graph spans x0 ± this

# Pairs a lecturer shows side by side: (label, f, g, point), per dimension.
PAIRS = {
    1: (("|x| and −|x|", "abs(x)", "-abs(x)", "0"),
        ("max and min", "max(x, 0)", "min(x, 0)", "0"),
        ("relu(x) and relu(x) − relu(−x)", "max(x, 0)", "max(x, 0) - max(-x, 0)", "0")),
    2: (("max and min", "max(x, y)", "min(x, y)", "0, 0"),
        ("|x| + |y| and −|x| − |y|", "abs(x) + abs(y)", "-abs(x) - abs(y)", "0, 0"),
        ("‖(x, y)‖ and |x| + |y|", "sqrt(x**2 + y**2)", "abs(x) + abs(y)", "0, 0")),
}


@dataclass(frozen=True)
class Side:
    """One function of the comparison: its sets and (1D) its graph near the point."""

    text: str
    latex: str
    point_latex: str
    point: tuple[float, ...]
    value: float
    clarke: DifferentialSet
    subdifferential: DifferentialSet | None  # None: not decided
    graph_x: tuple[float, ...] = ()
    graph_y: tuple[float, ...] = ()


@dataclass(frozen=True)
class Comparison:
    sides: tuple[Side, Side]
    sentence: str


def _side(text: str, at: str, dim: int) -> Side:
    prob = problem(text, at, dim=dim)
    clarke = clarke_of(prob)
    try:
        sub = subdifferential_of(prob, clarke)
    except UndecidedError:
        sub = None
    point = tuple(float(c) for c in prob.point)
    expr = prob.function.expr
    value = expr.xreplace(dict(zip(prob.variables, prob.point, strict=True)))
    xs, ys = (), ()
    if dim == 1:
        grid = np.linspace(point[0] - GRAPH_REACH, point[0] + GRAPH_REACH, GRAPH_SAMPLES)
        f = lambdify(prob.variables[0], expr)
        with np.errstate(all="ignore"):
            values = real_part(np.asarray(f(grid.astype(complex)), dtype=complex)
                               * np.ones_like(grid))
        xs, ys = tuple(grid.tolist()), tuple(float(v) for v in values)
    return Side(text, sp.latex(expr), tuple_latex(prob.point), point,
                float(value) if value.is_number and value.is_finite else float("nan"),
                clarke, sub, xs, ys)


def _name(s: DifferentialSet | None) -> str:
    return "undecided" if s is None else set_text(s, page=True)


def _sentence(f: Side, g: Side) -> str:
    same_clarke = same_set(f.clarke, g.clarke)
    if same_clarke:
        first = (f"Both have the Clarke set {_name(f.clarke)}: limits of nearby gradients cannot "
                 "tell them apart.")
    else:
        first = (f"Their Clarke sets differ: {_name(f.clarke)} for f and {_name(g.clarke)} "
                 "for g.")
    subs = (f.subdifferential, g.subdifferential)
    if None in subs:
        return first + " One subdifferential could not be decided exactly."
    if same_set(*subs):
        second = f" Their subdifferentials agree: {_name(subs[0])}."
    elif not same_clarke and all(same_set(s.clarke, s.subdifferential) for s in (f, g)):
        second = " Each subdifferential equals its own Clarke set."
    elif not same_clarke:
        second = (f" Their subdifferentials are {_name(subs[0])} for f and {_name(subs[1])} "
                  "for g.")
    else:
        second = (f" The subdifferentials differ: {_name(subs[0])} for f and {_name(subs[1])} "
                  "for g, since only " + ("lines" if len(f.point) == 1 else "planes")
                  + " below the whole graph count there.")
    return first + second


def compare(f: str, g: str, at: str, *, dim: int) -> Comparison:
    """Both functions at the same point ``at``, in ``dim`` variables; an error names which
    function it is about."""
    sides = []
    for name, text in (("f", f), ("g", g)):
        try:
            sides.append(_side(text, at, dim))
        except InputError as err:
            raise InputError(f"In {name}: {err}") from None
    return Comparison((sides[0], sides[1]), _sentence(*sides))
