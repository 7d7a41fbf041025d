"""What autodiff libraries return at a kink: their conventions as data, emulated in NumPy.

An autodiff library differentiates the *program*, primitive by primitive, and at a kink each
primitive returns one conventional value. ``CONVENTIONS`` records, per library, the value of
relu'(0), |·|'(0) and how a tie in max/min splits, with where that is stated. ``emulate`` runs a
forward-mode evaluator over the parsed expression tree: values are exact (sympy), so kinks and
ties are detected exactly; derivatives are floats. ``compare`` puts each library's value next to
the exact Clarke set.

>>> emulate("relu(x) - relu(-x)", "0", convention("PyTorch"))
0.0
>>> clarke_set("relu(x) - relu(-x)", "0").contains(0.0)
False
>>> emulate("abs(x)", "0", convention("JAX")), emulate("max(x, 2*x)", "0", convention("JAX"))
(1.0, 1.5)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import sympy as sp

from ..api import clarke_set
from ..engine.parsing import parse_function, parse_point
from ..engine.sets import DifferentialSet
from ..errors import InputError

SPLIT, HALF, FIRST = "split", "half", "first"
TIE_TEXT = {
    SPLIT: "split evenly: each of k tied arguments gets 1/k",
    HALF: "each tied argument gets Heaviside(0) = 1/2",
    FIRST: "the first tied argument gets 1, the others 0",
}


@dataclass(frozen=True)
class Convention:
    """One library's values at kinks, and where each is stated.

    ``relu``: relu'(0) (a ``max(u, 0)`` is read as relu(u)); ``abs``: |·|'(0); ``tie``: how max
    and min share the derivative among tied arguments (``SPLIT``, ``HALF`` or ``FIRST``);
    ``step``: the derivative of sign and Heaviside at 0 (None: undefined, a Dirac delta).
    ``sources`` cite the documentation page (or, where the docs are silent, the source file).
    """

    library: str
    relu: float
    abs: float
    tie: str
    step: float | None
    sources: tuple[str, ...]
    documented: bool


CONVENTIONS: tuple[Convention, ...] = (
    Convention(
        "PyTorch", 0.0, 0.0, SPLIT, 0.0,
        ("PyTorch docs, Autograd mechanics › Gradients for non-differentiable functions: at a "
         "kink of a locally convex (concave) function use the sub- (super-)gradient of minimum "
         "norm — 0 for relu and abs, (1/2, 1/2) for a tie of two",
         "torch.amax docs: amax/amin evenly distribute gradient between equal values"),
        True,
    ),
    Convention(
        "JAX", 0.0, 1.0, SPLIT, 0.0,
        ("jax.nn.relu docs: “except under differentiation, we take ∇relu(0) = 0”",
         "jax/_src/lax/lax.py (source, not docs): abs JVP select(x >= 0, g, -g), so "
         "jnp.abs'(0) = 1; max/min JVP _balanced_eq gives 1/2 to each of two tied inputs"),
        False,
    ),
    Convention(
        "SymPy", 0.5, 0.0, HALF, None,
        ("SymPy docs, sign: sign(0) = 0, and diff(Abs(x), x) = sign(x) for real x",
         "SymPy docs, Heaviside: H(0) = 1/2 by default; diff(Max(0, x), x) = Heaviside(x)",
         "diff(sign(x), x) = 2 DiracDelta(x): undefined at 0"),
        True,
    ),
    Convention(
        "CVXPY", 1.0, 0.0, FIRST, 0.0,
        ("CVXPY docs, Expression.grad: “the (sub/super)gradient of the expression”, choice "
         "unspecified",
         "cvxpy/atoms/elementwise/abs.py and maximum.py (source): abs grad +1/-1/0, maximum "
         "gives the whole gradient to the first tied argument; pos(x) = maximum(x, 0)"),
        False,
    ),
    Convention(
        "autograd", 0.5, 0.0, SPLIT, 0.0,
        ("autograd/numpy/numpy_vjps.py (source; the docs are silent): abs VJP "
         "g·replace_zero(x, 0)/replace_zero(|x|, 1), so 0 at 0; maximum/minimum use "
         "balanced_eq, 1/2 to each of two tied inputs; there is no relu, np.maximum(x, 0) "
         "gives 1/2",),
        False,
    ),
)


def convention(library: str) -> Convention:
    """The convention of ``library`` (KeyError if unknown).

    >>> convention("SymPy").relu
    0.5
    """
    for c in CONVENTIONS:
        if c.library == library:
            return c
    raise KeyError(library)


def _is_zero(value: sp.Expr) -> bool:
    if value.is_zero is not None:
        return bool(value.is_zero)
    return bool(sp.simplify(value) == 0)


def _truth(cond: sp.Basic) -> bool:
    if cond in (sp.true, sp.false):
        return bool(cond)
    simplified = sp.simplify(cond)
    if simplified in (sp.true, sp.false):
        return bool(simplified)
    raise InputError("A Piecewise condition could not be decided at this point; try another.")


class _Forward:
    """Forward mode: ``run(node)`` is (exact value, derivative as a float) at x = x0."""

    def __init__(self, x: sp.Symbol, x0: sp.Expr, conv: Convention) -> None:
        self.x, self.x0, self.conv = x, x0, conv

    def run(self, e: sp.Basic) -> tuple[sp.Expr, float]:
        if e == self.x:
            return self.x0, 1.0
        if not e.free_symbols:
            return e, 0.0
        if isinstance(e, sp.Add):
            parts = [self.run(a) for a in e.args]
            return sp.Add(*(v for v, _ in parts)), math.fsum(d for _, d in parts)
        if isinstance(e, sp.Mul):
            parts = [self.run(a) for a in e.args]
            value = sp.Mul(*(v for v, _ in parts))
            d = 0.0
            for i, (_, di) in enumerate(parts):
                others = math.prod(float(v) for j, (v, _) in enumerate(parts) if j != i)
                if di == 0 or (self.conv.step is None and others == 0):
                    continue  # a symbolic library simplifies 0·δ(0) to 0; a numeric one gets NaN
                d += di * others
            return value, d
        if isinstance(e, sp.Pow):
            return self._pow(e)
        if isinstance(e, sp.Abs):
            (u, du), = [self.run(e.args[0])]
            slope = self.conv.abs if _is_zero(u) else (1.0 if u.is_positive or float(u) > 0
                                                       else -1.0)
            return sp.Abs(u), slope * du
        if isinstance(e, (sp.Max, sp.Min)):
            return self._extremum(e)
        if isinstance(e, (sp.sign, sp.Heaviside)):
            u, du = self.run(e.args[0])
            at_kink = _is_zero(u)
            slope = (math.nan if self.conv.step is None else self.conv.step) if at_kink else 0.0
            return e.func(u), slope * du if du else 0.0
        if isinstance(e, sp.Piecewise):
            for expr, cond in e.args:
                if _truth(cond.subs(self.x, self.x0)):
                    return self.run(expr)
            raise InputError("No Piecewise condition holds at this point.")
        if isinstance(e, (sp.exp, sp.log, sp.sin, sp.cos, sp.tan)):
            u, du = self.run(e.args[0])
            uf = float(u)
            outer = {sp.exp: math.exp(uf) if uf < 700 else math.inf,
                     sp.log: (1.0 / uf) if uf else math.inf, sp.sin: math.cos(uf),
                     sp.cos: -math.sin(uf), sp.tan: 1.0 / math.cos(uf) ** 2}[e.func]
            return e.func(u), outer * du
        raise InputError(f"The autodiff emulator does not know {e.func.__name__}.")

    def _pow(self, e: sp.Pow) -> tuple[sp.Expr, float]:
        base, expo = e.args
        b, db = self.run(base)
        value = b**expo if not expo.free_symbols else None
        if not expo.free_symbols:
            bf, ef = float(b), float(expo)
            # at a zero base the outer derivative is inf (ef < 1, as sqrt'(0)), and the chain
            # rule multiplies through, so inf·0 = NaN exactly as in a numeric library
            outer = ef * bf ** (ef - 1) if bf else (math.inf if ef < 1 else float(ef == 1))
            return value, outer * db
        p, dp = self.run(expo)
        bf = float(b)
        return b**p, float(b**p) * (dp * math.log(bf) + float(p) * db / bf)

    def _extremum(self, e: sp.Basic) -> tuple[sp.Expr, float]:
        parts = [self.run(a) for a in e.args]
        values = [v for v, _ in parts]
        best = sp.Max(*values) if isinstance(e, sp.Max) else sp.Min(*values)
        tied = [d for v, d in parts if _is_zero(v - best)]
        if len(e.args) == 2 and any(a == 0 for a in e.args) and isinstance(e, sp.Max):
            # max(u, 0) is relu(u): relu's own convention, whatever the tie rule of max
            (_, du), = [p for a, p in zip(e.args, parts, strict=True) if a != 0]
            return best, (self.conv.relu * du if len(tied) == 2 else tied[0])
        if len(tied) == 1:
            return best, tied[0]
        if self.conv.tie == FIRST:
            return best, tied[0]
        weight = 0.5 if self.conv.tie == HALF else 1.0 / len(tied)
        return best, weight * math.fsum(tied)


def emulate(text: str, at, conv: Convention) -> float:
    """The derivative that ``conv``'s library would return for the program ``text`` at ``at``.

    NaN where the library's value is undefined (a Dirac delta, for example).

    >>> emulate("abs(x) - abs(x)", 0, convention("JAX"))
    0.0
    >>> emulate("x**2 + 3*x", "1", convention("SymPy"))
    5.0
    """
    function = parse_function(text, max_dim=1)
    (x0,) = parse_point(at, 1)
    _, d = _Forward(function.variables[0], x0, conv).run(function.expr)
    return float(d)


@dataclass(frozen=True)
class LibraryValue:
    """One library's value at the point and whether it lies in the exact Clarke set."""

    library: str
    value: float
    in_clarke: bool


@dataclass(frozen=True)
class Comparison:
    """The user's function at a point: every library's value next to the Clarke set."""

    latex: str
    point_latex: str
    clarke: DifferentialSet
    values: tuple[LibraryValue, ...]


def compare(text: str, at) -> Comparison:
    """Each library's emulated derivative of ``text`` at ``at``, checked against the Clarke set.

    >>> c = compare("relu(x) - relu(-x)", "0")
    >>> [(v.library, v.value, v.in_clarke) for v in c.values][:2]
    [('PyTorch', 0.0, False), ('JAX', 0.0, False)]
    """
    function = parse_function(text, max_dim=1)
    (x0,) = parse_point(at, 1)
    clarke = clarke_set(text, at)
    values = []
    for conv in CONVENTIONS:
        d = emulate(text, at, conv)
        ok = math.isfinite(d) and clarke.contains(d, tol=1e-9)
        values.append(LibraryValue(conv.library, d, ok))
    return Comparison(sp.latex(function.expr), sp.latex(x0), clarke, tuple(values))


def derivative_from_definition(text: str, at) -> float | None:
    """f'(x0) as the limit of (f(x0 + h) - f(x0)) / h, or None when the two sides differ.

    What every convention tries to return where f is differentiable; it can exist where the
    Clarke set is larger than {f'(x0)} (lecture erratum 4).

    >>> derivative_from_definition("Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0")
    0.0
    >>> derivative_from_definition("abs(x)", "0") is None
    True
    """
    function = parse_function(text, max_dim=1)
    (x0,) = parse_point(at, 1)
    x = function.variables[0]
    h = sp.Symbol("h", positive=True)
    # Piecewise conditions are decided at x0 + h for small h > 0 (or < 0) by the limit itself
    f0 = function.expr.subs(x, x0)
    sides = [sp.limit((function.expr.subs(x, x0 + s * h) - f0) / (s * h), h, 0, "+")
             for s in (1, -1)]
    if any(not v.is_finite for v in sides) or not _is_zero(sides[0] - sides[1]):
        return None
    return float(sides[0])
