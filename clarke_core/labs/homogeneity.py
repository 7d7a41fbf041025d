"""Positive homogeneity (lecture §3): the degree L with f(αx) = α^L f(x) for all α ≥ 0.

The degree is decided node by node, because sympy's ``simplify`` cannot see through Max and Min:
a variable has degree 1, a nonzero constant degree 0; products add degrees, constant powers
multiply them (``sqrt`` halves); a sum needs equal degrees; a primitive passes degrees on by its
own rule (``Primitive.degree``: abs, max, min and relu of arguments of one common degree have
that degree, ``sign`` and ``Heaviside`` of a homogeneous argument degree 0); a nonsmooth primitive
without one (Piecewise) has the common degree of its branches, provided every condition compares
homogeneous expressions (their signs, and so the branch taken, do not change when x is scaled by
α > 0). Every claim is then cross-checked numerically at seeded random points and several α, and
a function that fails the check is never called homogeneous. Exact zero is ``exact_zero``;
Euler's identity and the page's data are ``euler``.

Conventions, from the definition's α ≥ 0 (with 0^0 = 1):

- degree 0 means constant (f(0·x) = f(x) for every x), so ``sign(x)`` is *not* homogeneous, while
  ``x*sign(x)`` (= |x|) has degree 1;
- negative degrees (``1/x``) are refused: f(0·x) is undefined;
- the zero function satisfies the identity for every L, so it has no single degree: None;
- f must be a real function on all of R^d, defined at 0: ``sqrt(x)`` (complex for x < 0) and
  ``x*y/(x**2 + y**2)`` (undefined at 0) get None;
- zero is decided exactly before any degree (``exactly_zero``): ``relu(x) - relu(-x) - x`` is
  identically 0, so it has no degree, while ``relu(x) - relu(-x)`` (= x) has degree 1;
- a group of terms of one degree that is exactly zero, or (when that cannot be decided) vanishes
  at every sample point, is taken to cancel (``relu(x) - relu(-x) - x + 1`` is 1), and the
  derivation says which.

>>> homogeneity_degree("max(x, 2*y) - min(x, y)")
1
>>> homogeneity_degree("abs(x)**(1/2)")
1/2
>>> homogeneity_degree("x + 1") is None
True
>>> print(homogeneity("max(x, 1)").reason)
max(1, x) mixes degrees 0 and 1 in a max or min.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy as sp
from sympy.logic.boolalg import Boolean, BooleanFalse, BooleanTrue

from ..engine import printing
from ..engine.numeric import lambdify
from ..engine.parsing import ParsedFunction, parse_function
from ..engine.primitives import VANISHES, NotHomogeneous, Primitive, by_func, common_degree
from .exact_zero import exactly_zero

# A nonzero function whose every part vanishes identically (0*x) is "zero"; a sentinel degree.
ZERO = VANISHES
ALPHAS = (0.25, 0.5, 2.0, 3.0, 7.5)  # the scalings of the numerical cross-check
SAMPLES = 40  # random points of the numerical cross-check
RTOL = 1e-8


@dataclass(frozen=True)
class Step:
    """One line of a derivation: a sub-expression, its degree (None: none) and the rule used."""

    latex: str
    degree: sp.Rational | None
    rule: str


@dataclass(frozen=True)
class Homogeneity:
    """What ``homogeneity`` decided: ``degree`` (None: not positively homogeneous), the steps of
    the derivation (innermost first), ``reason`` (one sentence), and the worst relative residual
    |f(αx) − α^L f(x)| / scale of the numerical cross-check (None when there is no degree)."""

    text: str
    latex: str
    variables: tuple[str, ...]
    degree: sp.Rational | None
    steps: tuple[Step, ...]
    reason: str
    residual: float | None

    @property
    def homogeneous(self) -> bool:
        return self.degree is not None


class _NotHomogeneous(Exception):
    """Raised inside the walk with the sentence that says why."""


class _Walk:
    """The node-by-node degree computation, recording a derivation."""

    def __init__(self, variables: tuple[sp.Symbol, ...]) -> None:
        self.variables = variables
        self.steps: list[Step] = []

    def note(self, expr: sp.Basic, degree, rule: str):
        shown = None if degree is ZERO else degree
        self.steps.append(Step(sp.latex(expr), shown, rule))
        return degree

    def degree(self, e: sp.Basic):
        if not e.free_symbols:
            if e.is_zero:
                return ZERO
            return sp.Integer(0)
        if e.is_Symbol:
            return sp.Integer(1)
        if e.is_Add:
            return self.sum(e)
        if e.is_Mul:
            degrees = [self.degree(a) for a in e.args]
            if ZERO in degrees:
                return ZERO
            return self.note(e, sum(degrees, sp.Integer(0)), "a product adds the degrees")
        if e.is_Pow:
            return self.power(e)
        primitive = by_func(e.func)
        if primitive is not None and primitive.degree is not None:
            try:
                d = primitive.degree([self.degree(a) for a in e.args])
            except NotHomogeneous as why:
                raise _NotHomogeneous(f"{_text(e)} {why}.") from None
            if d is None:
                raise _NotHomogeneous(f"{_text(e)} is not positively homogeneous.")
            return d if d is ZERO else self.note(e, d, primitive.degree_rule)
        if primitive is not None and primitive.branches is not None:
            return self.branched(e, primitive)
        raise _NotHomogeneous(f"{_text(e)} is not positively homogeneous: {e.func.__name__} of a "
                              "non-constant argument is not.")

    def sum(self, e: sp.Add):
        degrees = [self.degree(a) for a in e.args]
        groups: dict = {}
        for term, d in zip(e.args, degrees, strict=True):
            groups.setdefault(d, []).append(term)
        groups.pop(ZERO, None)
        if len(groups) > 1:
            # relu(x) - relu(-x) - x + 1 is 1: the degree-1 terms cancel, which sympy cannot see
            # through Max. A group that vanishes at every sample point is dropped, and says so.
            for d, terms in list(groups.items()):
                group = sp.Add(*terms)
                exact = exactly_zero(group, self.variables)
                if exact is False or (exact is None and not _vanishes(group, self.variables)):
                    continue
                del groups[d]
                how = ("proved exactly" if exact
                       else f"checked numerically: zero at {SAMPLES} random points")
                self.note(group, None, f"the terms of degree {d} cancel ({how})")
            if not groups:
                return ZERO
        return self.common(list(groups), e, "sum", "a sum of terms of one degree has that degree")

    def common(self, degrees: list, e: sp.Basic, what: str, rule: str):
        try:
            d = common_degree(degrees, what)
        except NotHomogeneous as why:
            raise _NotHomogeneous(f"{_text(e)} {why}.") from None
        return d if d is ZERO else self.note(e, d, rule)

    def power(self, e: sp.Pow):
        base, exponent = e.args
        if exponent.free_symbols:
            raise _NotHomogeneous(f"{_text(e)} has a variable exponent, so it is not homogeneous.")
        if not exponent.is_Rational:
            raise _NotHomogeneous(f"{_text(e)} has an irrational exponent; only rational "
                                  "degrees count.")
        d = self.degree(base)
        if d is ZERO:
            if exponent > 0:
                return ZERO
            raise _NotHomogeneous(f"{_text(e)} divides by zero.")
        rule = "a square root halves the degree" if exponent == sp.S.Half else \
            "a power multiplies the degree by the exponent"
        return self.note(e, d * exponent, rule)

    def branched(self, e: sp.Basic, primitive: Primitive):
        """A nonsmooth primitive with no degree rule of its own: homogeneous through its branches
        (Piecewise, or a primitive given by ``rewrite(Piecewise)``)."""
        branches = primitive.branches(list(e.args))
        for b in branches:
            self.condition(b.condition, e)
        return self.common([self.degree(b.value) for b in branches], e, primitive.name,
                           "branches of one degree under scale-invariant conditions")

    def condition(self, c: Boolean, e: sp.Basic) -> None:
        if isinstance(c, (BooleanTrue, BooleanFalse, bool)):
            return
        if isinstance(c, tuple):  # a conjunction, as in max's branches
            for a in c:
                self.condition(a, e)
            return
        if isinstance(c, sp.core.relational.Relational):
            try:
                self.degree(c.lhs - c.rhs)
                return
            except _NotHomogeneous:
                pass
        elif isinstance(c, (sp.And, sp.Or, sp.Not)):
            for a in c.args:
                self.condition(a, e)
            return
        raise _NotHomogeneous(f"The condition {_text(c)} is not unchanged by scaling x.")


def _text(e: sp.Basic) -> str:
    """A sub-expression as page text (x², √x, max), as the reason's other symbols (α², f(0·x)):
    the reason is shown on the page.

    >>> _text(sp.Symbol("x")**2 - sp.Max(sp.Symbol("y"), 0))
    'x² − max(0, y)'
    """
    return printing.formula_text(e)


def homogeneity(expr: str | ParsedFunction) -> Homogeneity:
    """The degree of positive homogeneity of ``expr`` with its derivation (see the module doc).

    >>> h = homogeneity("relu(x)")
    >>> h.degree, h.steps[-1].rule
    (1, 'max and min of terms of one degree have that degree')
    >>> homogeneity("sign(x)").reason
    'A degree-0 function must be constant (f(0·x) = f(x), with 0^0 = 1); sign(x) is not.'
    """
    function = expr if isinstance(expr, ParsedFunction) else parse_function(expr)
    names = tuple(str(v) for v in function.variables)
    base = dict(text=function.text, latex=sp.latex(function.expr), variables=names)
    if exactly_zero(function.expr, function.variables):
        return Homogeneity(**base, degree=None, steps=(), residual=None,
                           reason="f is identically 0 (proved exactly): it satisfies the "
                                  "identity for every L, so it has no single degree.")
    walk = _Walk(function.variables)
    try:
        degree = walk.degree(function.expr)
    except _NotHomogeneous as why:
        return _fallback(function, base, walk, str(why))
    steps = tuple(walk.steps)
    if degree is ZERO:
        return Homogeneity(**base, degree=None, steps=steps, residual=None,
                           reason="f is identically 0: it satisfies the identity for every L, "
                                  "so it has no single degree.")
    return _finish(function, base, degree, steps, "")


def _finish(function: ParsedFunction, base: dict, degree: sp.Rational, steps: tuple[Step, ...],
            fallback: str) -> Homogeneity:
    if degree < 0:
        return Homogeneity(**base, degree=None, steps=steps, residual=None,
                           reason=f"The degree would be {degree} < 0, but f(0·x) is undefined "
                                  "then; the definition needs α = 0 too.")
    problem = _domain_problem(function)
    if problem:
        return Homogeneity(**base, degree=None, steps=steps, residual=None, reason=problem)
    if degree == 0 and not _constant(function):
        return Homogeneity(**base, degree=None, steps=steps, residual=None,
                           reason="A degree-0 function must be constant (f(0·x) = f(x), with "
                                  f"0^0 = 1); {_text(function.expr)} is not.")
    residual = cross_check(function, degree)
    if residual is None or residual > RTOL:
        return Homogeneity(**base, degree=None, steps=steps, residual=residual,
                           reason=f"f(αx) = {power_text(degree)} f(x) fails at a random point: "
                                  "not homogeneous.")
    return Homogeneity(**base, degree=sp.Rational(degree), steps=steps, residual=residual,
                       reason=fallback or f"Every part scales like {power_text(degree)}.")


def power_text(degree: sp.Rational | int) -> str:
    """α^L as Unicode text: a superscript for a whole number, brackets around a fraction.

    >>> power_text(2), power_text(sp.Integer(10)), power_text(sp.Rational(1, 2))
    ('α²', 'α¹⁰', 'α^(1/2)')
    """
    degree = sp.Rational(degree)
    return f"α{printing.superscript(degree)}" if degree.is_Integer else f"α^({degree})"


def _domain_problem(function: ParsedFunction) -> str:
    """Why f is not a real function on all of R^d (the definition's setting), or ''."""
    f = evaluator(function)
    origin = f(np.zeros((1, function.dim)))
    if not (np.isfinite(origin[0]) and abs(origin[0].imag) < 1e-12):
        return "f is undefined at the origin, but f(0·x) must make sense for the definition."
    values = f(_samples(function.dim))
    if not np.all(np.isfinite(values) & (np.abs(values.imag) < 1e-12)):
        return "f is not a real number everywhere (somewhere it is undefined or complex)."
    return ""


def _vanishes(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> bool:
    values = evaluator(ParsedFunction("", expr, variables))(_samples(len(variables), seed=3))
    return bool(np.all(np.abs(values) < 1e-12))


def _fallback(function: ParsedFunction, base: dict, walk: _Walk, why: str) -> Homogeneity:
    """The rules failed (maybe on a cancellation, as in sin² + cos²): guess L from numbers, then
    accept it only if sympy proves f(αx) − α^L f(x) = 0 and the numerical check agrees."""
    steps = tuple(walk.steps)
    guess = _estimate_degree(function)
    if guess is not None and guess >= 0:
        alpha = sp.Symbol("alpha", positive=True)
        scaled = function.expr.subs({v: alpha * v for v in function.variables},
                                    simultaneous=True)
        try:
            proved = sp.simplify(scaled - alpha ** guess * function.expr) == 0
        except Exception:  # simplify has many failure modes; no proof is no claim
            proved = False
        if proved:
            step = Step(base["latex"], guess, "sympy simplifies f(αx) − α^L f(x) to 0")
            found = _finish(function, base, guess, (*steps, step),
                            f"The rules alone do not see it, but f(αx) = {power_text(guess)} f(x) "
                            "simplifies exactly.")
            if found.homogeneous:
                return found
    return Homogeneity(**base, degree=None, steps=steps, residual=None, reason=why)


def evaluator(function: ParsedFunction):
    """f as a numpy function of an array of points (one per row), complex-valued.

    >>> evaluator(parse_function("sqrt(x)"))(np.array([[4.0], [-1.0]]))
    array([ 2.+0.j, nan+0.j])
    """
    f = lambdify(function.variables, function.expr)

    def at(points: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            values = f(*points.T)
        return np.broadcast_to(np.asarray(values, dtype=complex), points.shape[:1])

    return at


def _samples(dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(SAMPLES, dim)) * rng.uniform(0.2, 3.0, size=(SAMPLES, 1))


def cross_check(function: ParsedFunction, degree: sp.Rational) -> float | None:
    """The worst relative residual of f(αx) = α^L f(x) at seeded random points, α in ``ALPHAS``
    and α = 0 (None when f is real at too few of the points to tell).

    >>> cross_check(parse_function("abs(x) + abs(y)"), sp.Integer(1)) < 1e-12
    True
    >>> cross_check(parse_function("abs(x) + x**2"), sp.Integer(1)) > 0.1
    True
    """
    f = evaluator(function)
    points = _samples(function.dim)
    values = f(points)
    real = np.isfinite(values) & (np.abs(values.imag) < 1e-12)
    if real.sum() < SAMPLES // 2:
        return None
    points, values = points[real], values[real].real
    worst = 0.0
    for alpha in (*ALPHAS, 0.0):
        scaled = f(alpha * points)
        factor = alpha ** float(degree) if alpha or degree else 1.0
        expected = factor * values
        if not (np.all(np.isfinite(scaled)) and np.all(np.abs(scaled.imag) < 1e-12)):
            return math.inf
        scale = np.maximum(1.0, np.abs(expected))
        worst = max(worst, float(np.max(np.abs(scaled.real - expected) / scale)))
    return worst


def _constant(function: ParsedFunction) -> bool:
    values = evaluator(function)(_samples(function.dim, seed=1))
    return bool(np.all(np.isfinite(values)) and np.ptp(values.real) < 1e-12)


def _estimate_degree(function: ParsedFunction) -> sp.Rational | None:
    """L from log(f(2x)/f(x)) / log 2 at one random point, as a fraction with a small
    denominator (a guess only: ``_fallback`` proves it or drops it)."""
    f = evaluator(function)
    points = _samples(function.dim, seed=2)
    values, doubled = f(points), f(2 * points)
    usable = (np.abs(values) > 1e-9) & np.isfinite(values) & np.isfinite(doubled)
    if not usable.any():
        return None
    ratio = doubled[usable][0] / values[usable][0]
    if abs(ratio.imag) > 1e-12 or ratio.real <= 0:
        return None
    guess = Fraction(math.log2(ratio.real)).limit_denominator(12)
    return sp.Rational(guess.numerator, guess.denominator)


def homogeneity_degree(expr: str | ParsedFunction) -> sp.Rational | None:
    """The degree L with f(αx) = α^L f(x) for all α ≥ 0, or None (not positively homogeneous;
    also None for the zero function, which has every degree). See the module doc for the rules.

    >>> [homogeneity_degree(e) for e in ("relu(x)", "x*y", "sqrt(x**2 + y**2)", "exp(x)")]
    [1, 2, 1, None]
    """
    return homogeneity(expr).degree
