"""The one table of primitives a student may type.

Each entry carries everything about one name: how to build it in sympy, how many arguments it
takes, a line of documentation with an example, and, for the nonsmooth ones, how it splits into
smooth branches and how it composes convexity. The parser's allowed names, the README's function
list and the test table are all derived from ``PRIMITIVES``; add a primitive here and nowhere else.

>>> sorted(p.name for p in PRIMITIVES if p.nonsmooth)
['Heaviside', 'Piecewise', 'abs', 'max', 'min', 'relu', 'sign']
>>> by_name("relu").build(X)
Max(0, x)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

import sympy as sp

X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)
VARIABLES = {"x": X, "y": Y}


class Curvature(Enum):
    """DCP-style curvature, used to certify convexity (and so Clarke set = subdifferential)."""

    CONSTANT = "constant"
    AFFINE = "affine"
    CONVEX = "convex"
    CONCAVE = "concave"
    UNKNOWN = "unknown"

    @property
    def is_convex(self) -> bool:
        return self in (Curvature.CONSTANT, Curvature.AFFINE, Curvature.CONVEX)

    @property
    def is_concave(self) -> bool:
        return self in (Curvature.CONSTANT, Curvature.AFFINE, Curvature.CONCAVE)


@dataclass(frozen=True)
class Branch:
    """One smooth branch of a nonsmooth primitive: ``value`` wherever ``condition`` holds first.

    ``condition`` is a sympy boolean, or a tuple of them meaning all must hold."""

    condition: sp.Basic | tuple
    value: sp.Expr


@dataclass(frozen=True)
class Primitive:
    """One name a student may type.

    ``branches`` (nonsmooth primitives only) splits an application into smooth branches in
    first-match order; ``select`` (optional) picks the active branch's value faster, given a sign
    oracle for smooth functions; ``curvature`` maps the arguments' curvatures to the result's
    (None: unknown).
    """

    name: str
    doc: str
    example: str
    build: Callable[..., sp.Basic]
    arity: tuple[int, int | None] = (1, 1)
    aliases: tuple[str, ...] = ()
    nonsmooth: bool = False
    constant: bool = False
    sympy_func: type | None = None
    branches: Callable[[Sequence[sp.Expr]], list[Branch]] | None = None
    select: Callable[[Sequence[sp.Expr], Callable[[sp.Expr], int]], sp.Expr] | None = None
    curvature: Callable[[list[Curvature]], Curvature] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _all(curvatures: list[Curvature], test: str) -> bool:
    return all(getattr(c, test) for c in curvatures)


def _abs_curvature(cs: list[Curvature]) -> Curvature:
    affine = cs[0] in (Curvature.AFFINE, Curvature.CONSTANT)
    return Curvature.CONVEX if affine else Curvature.UNKNOWN


def _max_curvature(cs: list[Curvature]) -> Curvature:
    return Curvature.CONVEX if _all(cs, "is_convex") else Curvature.UNKNOWN


def _min_curvature(cs: list[Curvature]) -> Curvature:
    return Curvature.CONCAVE if _all(cs, "is_concave") else Curvature.UNKNOWN


def _exp_curvature(cs: list[Curvature]) -> Curvature:
    return Curvature.CONVEX if cs[0].is_convex else Curvature.UNKNOWN


def _concave_increasing(cs: list[Curvature]) -> Curvature:
    return Curvature.CONCAVE if cs[0].is_concave else Curvature.UNKNOWN


def _abs_branches(args: Sequence[sp.Expr]) -> list[Branch]:
    (u,) = args
    return [Branch(sp.Ge(u, 0, evaluate=False), u), Branch(sp.true, -u)]


def _extremum_branches(args: Sequence[sp.Expr], larger: bool) -> list[Branch]:
    out = []
    for i, u in enumerate(args):
        others = [v for j, v in enumerate(args) if j != i]
        # A tuple is a conjunction; unevaluated relations, since sympy would otherwise try
        # (slowly) to decide and sort each comparison itself.
        relation = sp.Ge if larger else sp.Le
        cond = tuple(relation(u, v, evaluate=False) for v in others)
        out.append(Branch(cond, u))
    return out


def _extremum_select(args: Sequence[sp.Expr], sign: Callable[[sp.Expr], int], larger: bool):
    """A tournament: n - 1 comparisons instead of the branches' n (n - 1)."""
    best = args[0]
    for u in args[1:]:
        s = sign(u - best)
        if (s > 0) if larger else (s < 0):
            best = u
    return best


def _sign_branches(args: Sequence[sp.Expr]) -> list[Branch]:
    (u,) = args
    one = sp.Integer(1)
    return [Branch(sp.Gt(u, 0, evaluate=False), one), Branch(sp.Lt(u, 0, evaluate=False), -one),
            Branch(sp.true, sp.Integer(0))]


def _heaviside_branches(args: Sequence[sp.Expr]) -> list[Branch]:
    u = args[0]
    return [Branch(sp.Gt(u, 0, evaluate=False), sp.Integer(1)),
            Branch(sp.Lt(u, 0, evaluate=False), sp.Integer(0)), Branch(sp.true, sp.S.Half)]


def _piecewise_branches(args: Sequence[sp.Expr]) -> list[Branch]:
    return [Branch(c, e) for e, c in args]


# Unevaluated: sympy's own Max compares every pair of arguments symbolically, which takes
# seconds for a few dozen; the engine decides which argument is active itself.
def _max(*args: sp.Expr) -> sp.Expr:
    return sp.Max(*args, evaluate=False)


def _min(*args: sp.Expr) -> sp.Expr:
    return sp.Min(*args, evaluate=False)


PRIMITIVES: tuple[Primitive, ...] = (
    Primitive(
        "abs", "absolute value |u|, convex, kink where u = 0", "abs(x) + abs(y)",
        sp.Abs, aliases=("Abs",), nonsmooth=True, sympy_func=sp.Abs,
        branches=_abs_branches, curvature=_abs_curvature,
    ),
    Primitive(
        "max", "largest of its arguments; convex when every argument is", "max(0, x)",
        _max, arity=(2, None), aliases=("Max",), nonsmooth=True, sympy_func=sp.Max,
        branches=lambda a: _extremum_branches(a, True),
        select=lambda a, sign: _extremum_select(a, sign, True), curvature=_max_curvature,
    ),
    Primitive(
        "min", "smallest of its arguments; concave when every argument is", "min(x, 1 - x)",
        _min, arity=(2, None), aliases=("Min",), nonsmooth=True, sympy_func=sp.Min,
        branches=lambda a: _extremum_branches(a, False),
        select=lambda a, sign: _extremum_select(a, sign, False), curvature=_min_curvature,
    ),
    # relu is an alias of max(u, 0): it builds a Max, so it needs no branches of its own.
    Primitive(
        "relu", "the ReLU max(u, 0)", "relu(x) - relu(-x)",
        lambda u: _max(u, sp.Integer(0)), aliases=("ReLU",), nonsmooth=True,
    ),
    Primitive(
        "Piecewise", "Piecewise((expr, condition), ..., (expr, True)): first true condition wins",
        "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))",
        lambda *pairs: sp.Piecewise(*pairs), arity=(1, None), aliases=("piecewise",),
        nonsmooth=True, sympy_func=sp.Piecewise, branches=_piecewise_branches,
    ),
    Primitive(
        "sign", "sign(u) in {-1, 0, 1}; jumps where u = 0", "x * sign(x)",
        sp.sign, nonsmooth=True, sympy_func=sp.sign, branches=_sign_branches,
    ),
    Primitive(
        "Heaviside", "step function, 1 for u > 0, 0 for u < 0 (1/2 at 0, as in sympy)",
        "x * Heaviside(x)", sp.Heaviside, aliases=("heaviside", "H"), nonsmooth=True,
        sympy_func=sp.Heaviside, branches=_heaviside_branches,
    ),
    Primitive("sqrt", "square root, for u >= 0", "sqrt(x**2 + y**2)", sp.sqrt,
              curvature=_concave_increasing),
    Primitive("exp", "exponential", "exp(abs(x))", sp.exp, sympy_func=sp.exp,
              curvature=_exp_curvature),
    Primitive("log", "natural logarithm, for u > 0", "log(1 + x**2)", sp.log, aliases=("ln",),
              sympy_func=sp.log, curvature=_concave_increasing),
    Primitive("sin", "sine", "abs(sin(x))", sp.sin, sympy_func=sp.sin),
    Primitive("cos", "cosine", "cos(x)", sp.cos, sympy_func=sp.cos),
    Primitive("tan", "tangent", "tan(x)", sp.tan, sympy_func=sp.tan),
    Primitive("pi", "the constant pi", "abs(x - pi)", lambda: sp.pi, arity=(0, 0), constant=True),
    Primitive("E", "Euler's number e", "max(x, E)", lambda: sp.E, arity=(0, 0), constant=True),
)

_BY_NAME = {n: p for p in PRIMITIVES for n in p.names}
_BY_FUNC = {p.sympy_func: p for p in PRIMITIVES if p.sympy_func is not None}
NONSMOOTH_FUNCS = tuple(f for f, p in _BY_FUNC.items() if p.branches is not None)


def by_name(name: str) -> Primitive:
    """The primitive a typed name refers to (KeyError if none)."""
    return _BY_NAME[name]


def by_func(func: type) -> Primitive | None:
    """The primitive whose sympy class is ``func``, if any."""
    return _BY_FUNC.get(func)


def allowed_names() -> dict[str, Primitive]:
    """Every name the parser accepts for a function or constant, aliases included."""
    return dict(_BY_NAME)


def branches(expr: sp.Basic) -> list[Branch] | None:
    """The smooth branches of a nonsmooth node, or None when ``expr`` is not one.

    >>> [(str(b.condition), b.value) for b in branches(sp.Abs(X))]
    [('x >= 0', x), ('True', -x)]
    """
    p = _BY_FUNC.get(expr.func)
    if p is None or p.branches is None:
        return None
    return p.branches(expr.args)
