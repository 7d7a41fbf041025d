"""The one table of primitives a student may type, each carrying its whole calculus.

An entry knows how to build its name in sympy and its numeric (numpy) value; for a nonsmooth
one, how it splits into smooth branches; its curvature with its sign and per-argument
monotonicity (the composition rule that uses them is written once, in ``convexity``); how
positive homogeneity passes through it; and what each autodiff library returns at its kink.
Engines ask ``by_func(e.func)``; none lists primitives. The parser's allowed names, the README's
function list and the test table are all derived from the registered primitives;
``register(p)`` adds one (and, used as a context manager, removes it again).

>>> sorted(p.name for p in PRIMITIVES if p.nonsmooth)
['Heaviside', 'Piecewise', 'abs', 'max', 'min', 'relu', 'sign']
>>> by_name("relu").build(X)
Max(0, x)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sympy as sp

from .autodiff_rules import (
    ABS_KINK,
    HEAVISIDE_KINK,
    PAIRWISE,
    RELU_KINK,
    STEP_KINK,
    TIE,
    abs_autodiff,
    extremum_autodiff,
    relu_autodiff,
    step_autodiff,
)
from .calculus import (
    FIRST,
    HALF,
    SPLIT,
    TIE_TEXT,
    VANISHES,
    Branch,
    Curvature,
    Monotonicity,
    NotHomogeneous,
    Sign,
    Tangent,
    common_degree,
    is_zero,
    np_heaviside,
    np_max,
    np_min,
    scale_invariant,
)

__all__ = ["FIRST", "HALF", "INDEXED", "LETTERS", "MAX_DIM", "PAIRWISE", "SPLIT", "TIE_TEXT",
           "VANISHES", "Branch", "Curvature", "Monotonicity", "NotHomogeneous", "Primitive", "Sign",
           "Tangent", "common_degree", "is_zero", "scale_invariant"]

MAX_DIM = 8  # the most variables a function may have (the API and the command line; pages: 1 or 2)
LETTERS = ("x", "y", "z")  # one naming of the variables ...
INDEXED = tuple(f"x{i}" for i in range(1, MAX_DIM + 1))  # ... and the other; never both at once
X = sp.Symbol("x", real=True)
Y = sp.Symbol("y", real=True)
VARIABLES = {"x": X, "y": Y, **{n: sp.Symbol(n, real=True) for n in (*LETTERS[2:], *INDEXED)}}


@dataclass(frozen=True)
class Primitive:
    """One name a student may type, with everything the engines need to know about it.

    ``build`` makes the sympy expression from the arguments; ``sympy_func`` is the class it
    builds (None for an alias such as relu, which builds a Max, and for sqrt, a power).
    ``numeric``: a numpy implementation of ``sympy_func`` for ``numeric.lambdify``, a callable
    or the name of a numpy function (None: sympy's numpy printer knows it, or the branches are
    used). ``branches`` (nonsmooth only) splits an application into smooth branches in
    first-match order (default: ``rewrite(Piecewise)`` of ``sympy_func``); ``select`` picks the
    active branch's value faster, given a sign oracle. ``curvature``: the primitive's own
    curvature (None: neither convex nor concave), ``sign`` maps the arguments' signs to the
    result's, ``monotonicity`` to one Monotonicity per argument. ``degree`` maps the arguments'
    homogeneity degrees to the result's (None, or NotHomogeneous with a reason: not
    homogeneous), with ``degree_rule`` its line in a derivation (no rule: a nonsmooth primitive
    is homogeneous through its branches, a smooth one is not). ``autodiff(library, args,
    parts)`` is the derivative a library's backprop returns, with ``kink`` the library's value
    at the kink (None: the first branch that holds, or ``slope`` for a smooth primitive: its
    derivative). ``singular``: where a smooth primitive may end or blow up (log at 0, tan where
    cos is 0).
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
    numeric: Callable | str | None = None
    branches: Callable[[Sequence[sp.Expr]], list[Branch]] | None = None
    select: Callable[[Sequence[sp.Expr], Callable[[sp.Expr], int]], sp.Expr] | None = None
    curvature: Curvature | None = None
    sign: Callable[[list[Sign]], Sign] | None = None
    monotonicity: Callable[[list[Sign]], list[Monotonicity]] | None = None
    degree: Callable[[list], object] | None = None
    degree_rule: str = ""
    autodiff: Callable[[str, Sequence[sp.Expr], list[Tangent]], float] | None = None
    kink: dict[str, object] = field(default_factory=dict, hash=False, compare=False)
    slope: Callable[[float], float] | None = None
    singular: Callable[[Sequence[sp.Expr]], list[sp.Expr]] | None = None

    def __post_init__(self) -> None:
        if self.nonsmooth and self.branches is None and self.sympy_func is not None:
            object.__setattr__(self, "branches", _rewritten(self.sympy_func))

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def _rewritten(func: type) -> Callable[[Sequence[sp.Expr]], list[Branch]]:
    """Branches read off sympy's own ``rewrite(Piecewise)`` of ``func``."""
    def branches(args: Sequence[sp.Expr]) -> list[Branch]:
        form = func(*args).rewrite(sp.Piecewise)
        if not isinstance(form, sp.Piecewise):
            return [Branch(sp.true, form)]
        return [Branch(c, e) for e, c in form.args]
    return branches


# --- sign and monotonicity rules ----------------------------------------------------------------


def _nonneg(_: list[Sign]) -> Sign:
    return Sign.NONNEGATIVE


def _max_sign(signs: list[Sign]) -> Sign:
    if all(s is Sign.ZERO for s in signs):
        return Sign.ZERO
    if any(s.is_nonneg for s in signs):
        return Sign.NONNEGATIVE
    return Sign.NONPOSITIVE if all(s.is_nonpos for s in signs) else Sign.UNKNOWN


def _min_sign(signs: list[Sign]) -> Sign:
    flipped = {Sign.NONNEGATIVE: Sign.NONPOSITIVE, Sign.NONPOSITIVE: Sign.NONNEGATIVE}
    s = _max_sign([flipped.get(s, s) for s in signs])
    return flipped.get(s, s)


def _increasing(signs: list[Sign]) -> list[Monotonicity]:
    return [Monotonicity.INCREASING] * len(signs)


def _abs_monotonicity(signs: list[Sign]) -> list[Monotonicity]:
    (s,) = signs
    if s.is_nonneg:
        return [Monotonicity.INCREASING]
    return [Monotonicity.DECREASING if s.is_nonpos else Monotonicity.NONE]


# --- branches -----------------------------------------------------------------------------------


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


# --- the table ----------------------------------------------------------------------------------


# Unevaluated: sympy's own Max compares every pair of arguments symbolically, which takes
# seconds for a few dozen; the engine decides which argument is active itself.
def _max(*args: sp.Expr) -> sp.Expr:
    return sp.Max(*args, evaluate=False)


def _min(*args: sp.Expr) -> sp.Expr:
    return sp.Min(*args, evaluate=False)


def _extremum(name: str, doc: str, example: str, larger: bool) -> Primitive:
    """max (``larger``) or min: one entry written once for both."""
    return Primitive(
        name, doc, example, _max if larger else _min, arity=(2, None), aliases=(name.title(),),
        nonsmooth=True, sympy_func=sp.Max if larger else sp.Min,
        numeric=np_max if larger else np_min,
        branches=lambda a: _extremum_branches(a, larger),
        select=lambda a, sign: _extremum_select(a, sign, larger),
        curvature=Curvature.CONVEX if larger else Curvature.CONCAVE,
        sign=_max_sign if larger else _min_sign, monotonicity=_increasing,
        degree=lambda ds: common_degree(ds, "max or min"),
        degree_rule="max and min of terms of one degree have that degree",
        autodiff=lambda lib, a, p: extremum_autodiff(lib, a, p, larger), kink=TIE,
    )


PRIMITIVES: tuple[Primitive, ...] = (
    Primitive(
        "abs", "absolute value |u|, convex, kink where u = 0", "abs(x) + abs(y)",
        sp.Abs, aliases=("Abs",), nonsmooth=True, sympy_func=sp.Abs, numeric="absolute",
        branches=_abs_branches,
        curvature=Curvature.CONVEX, sign=_nonneg, monotonicity=_abs_monotonicity,
        degree=lambda ds: ds[0], degree_rule="|u| has the degree of u",
        autodiff=abs_autodiff, kink=ABS_KINK,
    ),
    _extremum("max", "largest of its arguments; convex when every argument is", "max(0, x)",
              True),
    _extremum("min", "smallest of its arguments; concave when every argument is",
              "min(x, 1 - x)", False),
    # relu is an alias of max(u, 0): it builds a Max, so its calculus is max's, except its
    # autodiff rule (torch.relu, jax.nn.relu), which the emulator applies to a typed relu.
    Primitive(
        "relu", "the ReLU max(u, 0)", "relu(x) - relu(-x)",
        lambda u: _max(u, sp.Integer(0)), aliases=("ReLU",), nonsmooth=True,
        autodiff=relu_autodiff, kink=RELU_KINK,
    ),
    Primitive(
        "Piecewise", "Piecewise((expr, condition), ..., (expr, True)): first true condition wins",
        "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))",
        lambda *pairs: sp.Piecewise(*pairs), arity=(1, None), aliases=("piecewise",),
        nonsmooth=True, sympy_func=sp.Piecewise, branches=_piecewise_branches,
    ),
    Primitive(
        "sign", "sign(u) in {-1, 0, 1}; jumps where u = 0", "x * sign(x)",
        sp.sign, nonsmooth=True, sympy_func=sp.sign, numeric="sign", branches=_sign_branches,
        sign=lambda ss: ss[0], monotonicity=_increasing, degree=scale_invariant(0),
        degree_rule="a sign does not change when x is scaled by α > 0",
        autodiff=step_autodiff(STEP_KINK), kink=STEP_KINK,
    ),
    Primitive(
        "Heaviside", "step function, 1 for u > 0, 0 for u < 0 (1/2 at 0, as in sympy)",
        "x * Heaviside(x)", sp.Heaviside, aliases=("heaviside", "H"), nonsmooth=True,
        sympy_func=sp.Heaviside, numeric=np_heaviside, branches=_heaviside_branches, sign=_nonneg,
        monotonicity=_increasing, degree=scale_invariant(1),
        degree_rule="a sign does not change when x is scaled by α > 0",
        autodiff=step_autodiff(HEAVISIDE_KINK), kink=HEAVISIDE_KINK,
    ),
    # sqrt builds u**(1/2): the power rules (convexity, homogeneity, autodiff) cover it.
    Primitive("sqrt", "square root, for u >= 0", "sqrt(x**2 + y**2)", sp.sqrt),
    Primitive("exp", "exponential", "exp(abs(x))", sp.exp, sympy_func=sp.exp, numeric="exp",
              curvature=Curvature.CONVEX, sign=_nonneg, monotonicity=_increasing,
              slope=lambda u: math.exp(u) if u < 700 else math.inf),
    Primitive("log", "natural logarithm, for u > 0", "log(1 + x**2)", sp.log, aliases=("ln",),
              sympy_func=sp.log, numeric="log", curvature=Curvature.CONCAVE,
              monotonicity=_increasing,
              slope=lambda u: (1.0 / u) if u else math.inf, singular=lambda a: [a[0]]),
    Primitive("sin", "sine", "abs(sin(x))", sp.sin, sympy_func=sp.sin, numeric="sin",
              slope=math.cos),
    Primitive("cos", "cosine", "cos(x)", sp.cos, sympy_func=sp.cos, numeric="cos",
              slope=lambda u: -math.sin(u)),
    Primitive("tan", "tangent", "tan(x)", sp.tan, sympy_func=sp.tan, numeric="tan",
              slope=lambda u: 1.0 / math.cos(u) ** 2, singular=lambda a: [sp.cos(a[0])]),
    Primitive("pi", "the constant pi", "abs(x - pi)", lambda: sp.pi, arity=(0, 0), constant=True),
    Primitive("E", "Euler's number e", "max(x, E)", lambda: sp.E, arity=(0, 0), constant=True),
)
# The shipped nonsmooth classes (tests parametrize over them); engines ask nonsmooth_funcs().
NONSMOOTH_FUNCS = tuple(p.sympy_func for p in PRIMITIVES
                        if p.sympy_func is not None and p.branches is not None)


# --- the registry -------------------------------------------------------------------------------


class _Registry:
    """The registered primitives and their indexes, rebuilt when one is added or removed."""

    def __init__(self, primitives: Sequence[Primitive]) -> None:
        self.primitives = tuple(primitives)
        self.by_name = {n: p for p in self.primitives for n in p.names}
        self.by_func = {p.sympy_func: p for p in self.primitives if p.sympy_func is not None}
        self.nonsmooth = tuple(f for f, p in self.by_func.items() if p.branches is not None)
        self.numeric = {f.__name__: p.numeric for f, p in self.by_func.items()
                        if p.numeric is not None}


_current = _Registry(PRIMITIVES)


class register:  # noqa: N801 -- reads as the verb it is: register(p), or with register(p):
    """Add a primitive to the table now; as a context manager, remove it again on exit.

    >>> p = Primitive("twice", "2u", "twice(x)", lambda u: 2 * u)
    >>> with register(p):
    ...     "twice" in allowed_names()
    True
    >>> "twice" in allowed_names()
    False
    """

    def __init__(self, primitive: Primitive) -> None:
        global _current
        taken = set(primitive.names) & set(_current.by_name)
        if taken:
            raise ValueError(f"{sorted(taken)} already name a primitive")
        self.primitive = primitive
        _current = _Registry((*_current.primitives, primitive))

    def __enter__(self) -> Primitive:
        return self.primitive

    def __exit__(self, *exc: object) -> None:
        unregister(self.primitive)


def unregister(primitive: Primitive) -> None:
    """Remove a registered primitive (the shipped ones stay).

    >>> unregister(by_name("abs"))
    Traceback (most recent call last):
    ...
    ValueError: abs is a shipped primitive
    """
    global _current
    if primitive in PRIMITIVES:
        raise ValueError(f"{primitive.name} is a shipped primitive")
    _current = _Registry(tuple(p for p in _current.primitives if p is not primitive))


def registered() -> tuple[Primitive, ...]:
    """Every primitive now in the table: the shipped ones, then any registered.

    >>> registered()[:len(PRIMITIVES)] == PRIMITIVES
    True
    """
    return _current.primitives


def by_name(name: str) -> Primitive:
    """The primitive a typed name refers to (KeyError if none).

    >>> by_name("ReLU").name, by_name("abs").kink["JAX"]
    ('relu', 1.0)
    """
    return _current.by_name[name]


def by_func(func: type) -> Primitive | None:
    """The primitive whose sympy class is ``func``, if any.

    >>> by_func(sp.Max).curvature, by_func(sp.Add) is None
    (<Curvature.CONVEX: 'convex'>, True)
    """
    return _current.by_func.get(func)


def allowed_names() -> dict[str, Primitive]:
    """Every name the parser accepts for a function or constant, aliases included.

    >>> [n for n in allowed_names() if allowed_names()[n].constant]
    ['pi', 'E']
    """
    return dict(_current.by_name)


def nonsmooth_funcs() -> tuple[type, ...]:
    """The sympy classes of the registered nonsmooth primitives (for ``expr.has``).

    >>> sp.Max(X, 1).has(*nonsmooth_funcs()), sp.exp(X).has(*nonsmooth_funcs())
    (True, False)
    """
    return _current.nonsmooth


def numeric_modules() -> dict[str, Callable | str]:
    """The numpy implementation of each primitive that has one, by sympy class name.

    >>> numeric_modules()["Abs"], sorted(numeric_modules())[:3]
    ('absolute', ['Abs', 'Heaviside', 'Max'])
    """
    return dict(_current.numeric)


def branches(expr: sp.Basic) -> list[Branch] | None:
    """The smooth branches of a nonsmooth node, or None when ``expr`` is not one.

    >>> [(str(b.condition), b.value) for b in branches(sp.Abs(X))]
    [('x >= 0', x), ('True', -x)]
    """
    p = _current.by_func.get(expr.func)
    if p is None or p.branches is None:
        return None
    return p.branches(expr.args)


def as_piecewise(expr: sp.Basic) -> sp.Piecewise:
    """A nonsmooth node as the sympy Piecewise of its branches.

    >>> as_piecewise(sp.Abs(X))
    Piecewise((x, x >= 0), (-x, True))
    """
    return sp.Piecewise(*[(b.value, sp.And(*b.condition) if isinstance(b.condition, tuple)
                           else b.condition) for b in branches(expr)])


def switches(expr: sp.Basic) -> list[sp.Expr]:
    """Where one nonsmooth node may switch branch: lhs - rhs of every relation in its branch
    conditions (one of g and -g); [] for any other node.

    >>> switches(sp.Max(X, Y, 0, evaluate=False)), switches(sp.Abs(X - 1))
    ([-x, -y, x - y], [x - 1])
    """
    p = _current.by_func.get(expr.func)
    if p is None or p.branches is None:
        return []
    out: list[sp.Expr] = []
    for b in p.branches(expr.args):
        conds = b.condition if isinstance(b.condition, tuple) else (b.condition,)
        for c in conds:
            for r in sp.sympify(c).atoms(sp.core.relational.Relational):
                g = r.lhs - r.rhs
                if g not in out and -g not in out:
                    out.append(g)
    return out


def singularities(expr: sp.Basic) -> list[sp.Expr]:
    """Where a smooth primitive node may end or blow up (``Primitive.singular``), else [].

    >>> singularities(sp.log(X)), singularities(sp.tan(X)), singularities(sp.sin(X))
    ([x], [cos(x)], [])
    """
    p = _current.by_func.get(expr.func)
    return [] if p is None or p.singular is None else p.singular(expr.args)
