"""Positive homogeneity (lecture §3): the degree L with f(αx) = α^L f(x) for all α ≥ 0.

The degree is decided node by node, because sympy's ``simplify`` cannot see through Max and Min:
a variable has degree 1, a nonzero constant degree 0; products add degrees, constant powers
multiply them (``sqrt`` halves); a sum needs equal degrees; abs, max, min, relu and Piecewise of
arguments of one common degree have that degree, provided every Piecewise condition compares
homogeneous expressions (their signs, and so the branch taken, do not change when x is scaled by
α > 0); ``sign`` and ``Heaviside`` of a homogeneous argument have degree 0. Every claim is then
cross-checked numerically at seeded random points and several α, and a function that fails the
check is never called homogeneous.

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
from ..engine.local import form_by_signs
from ..engine.parsing import ParsedFunction, parse_function, parse_function_and_point
from ..errors import UndecidedError

# A nonzero function whose every part vanishes identically (0*x) is "zero"; a sentinel degree.
ZERO = "zero"
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
        if isinstance(e, sp.Abs):
            return self.note(e, self.degree(e.args[0]), "|u| has the degree of u")
        if isinstance(e, (sp.Max, sp.Min)):
            return self.common([self.degree(a) for a in e.args], e, "max or min",
                               "max and min of terms of one degree have that degree")
        if isinstance(e, sp.Piecewise):
            return self.piecewise(e)
        if isinstance(e, (sp.sign, sp.Heaviside)):
            if self.degree(e.args[0]) is ZERO:
                return ZERO if isinstance(e, sp.sign) else sp.Integer(0)
            return self.note(e, sp.Integer(0), "a sign does not change when x is scaled by α > 0")
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
        known = {d for d in degrees if d is not ZERO}
        if not known:
            return ZERO
        if len(known) > 1:
            pair = " and ".join(str(d) for d in sorted(known, key=float)[:2])
            raise _NotHomogeneous(f"{_text(e)} mixes degrees {pair} in a {what}.")
        return self.note(e, known.pop(), rule)

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

    def piecewise(self, e: sp.Piecewise):
        for _, cond in e.args:
            self.condition(cond, e)
        return self.common([self.degree(v) for v, _ in e.args], e, "Piecewise",
                           "branches of one degree under scale-invariant conditions")

    def condition(self, c: Boolean, e: sp.Basic) -> None:
        if isinstance(c, (BooleanTrue, BooleanFalse, bool)):
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
    """A sub-expression as a student would type it (max, not sympy's Max)."""
    return printing.plain(e)


def homogeneity(expr: str) -> Homogeneity:
    """The degree of positive homogeneity of ``expr`` with its derivation (see the module doc).

    >>> h = homogeneity("relu(x)")
    >>> h.degree, h.steps[-1].rule
    (1, 'max and min of terms of one degree have that degree')
    >>> homogeneity("sign(x)").reason
    'A degree-0 function must be constant (f(0·x) = f(x), with 0^0 = 1); sign(x) is not.'
    """
    function = parse_function(expr)
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
                                  f"0^0 = 1); {function.text} is not.")
    residual = cross_check(function, degree)
    if residual is None or residual > RTOL:
        return Homogeneity(**base, degree=None, steps=steps, residual=residual,
                           reason=f"f(αx) = {power_text(degree)} f(x) fails at a random point: "
                                  "not homogeneous.")
    return Homogeneity(**base, degree=sp.Rational(degree), steps=steps, residual=residual,
                       reason=fallback or f"Every part scales like {power_text(degree)}.")


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_text(degree: sp.Rational | int) -> str:
    """α^L as Unicode text: a superscript for a whole number, brackets around a fraction.

    >>> power_text(2), power_text(sp.Integer(10)), power_text(sp.Rational(1, 2))
    ('α²', 'α¹⁰', 'α^(1/2)')
    """
    degree = sp.Rational(degree)
    return f"α{str(degree).translate(_SUPERSCRIPT)}" if degree.is_Integer else f"α^({degree})"


def _domain_problem(function: ParsedFunction) -> str:
    """Why f is not a real function on all of R^d (the definition's setting), or ''."""
    f = _evaluator(function)
    origin = f(np.zeros((1, function.dim)))
    if not (np.isfinite(origin[0]) and abs(origin[0].imag) < 1e-12):
        return "f is undefined at the origin, but f(0·x) must make sense for the definition."
    values = f(_samples(function.dim))
    if not np.all(np.isfinite(values) & (np.abs(values.imag) < 1e-12)):
        return "f is not a real number everywhere (somewhere it is undefined or complex)."
    return ""


def _vanishes(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> bool:
    values = _evaluator(ParsedFunction("", expr, variables))(_samples(len(variables), seed=3))
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


# --- exact zero ---------------------------------------------------------------------------------


def exactly_zero(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> bool | None:
    """Whether f is identically 0, decided exactly: True, False, or None (undecided).

    sympy's ``simplify`` cannot see through Max and Min, so when every switch of f (the argument
    of abs, sign or Heaviside, the difference of two max or min arguments, the two sides of a
    Piecewise condition) is affine, in one or two variables, f is checked on every face of the
    arrangement of the switch lines: on each face every switch has one sign, so f is one smooth
    form there (``local.form_by_signs``), which must vanish on the face: identically on an open
    cell, along an edge, at a vertex. Otherwise: True when ``simplify`` gives 0, False when an
    exact value at a sample point is not 0, else None.

    >>> from clarke_core.engine.primitives import X, Y
    >>> relu = lambda u: sp.Max(u, 0)
    >>> exactly_zero(relu(X) - relu(-X) - X, (X,)), exactly_zero(relu(X) - relu(-X), (X,))
    (True, False)
    >>> exactly_zero(sp.Max(X, Y) + sp.Min(X, Y) - X - Y, (X, Y))
    True
    >>> exactly_zero(relu(X) * relu(-X) * Y, (X, Y))  # a product: still 0 on every face
    True
    """
    if expr.is_zero:
        return True
    if not expr.free_symbols:
        return False
    for point in _rational_samples(len(variables)):  # cheap: most functions are not 0
        value = expr.subs(dict(zip(variables, point, strict=True)))
        if value.is_number and value.is_zero is False:
            return False
    faces = _faces(expr, variables) if len(variables) <= 2 else None
    if faces is not None:
        try:
            return all(_zero_on_face(expr, variables, point, along)
                       for point, along in faces)
        except (UndecidedError, _OffArrangement):
            pass
    try:
        return True if sp.simplify(expr) == 0 else None
    except Exception:  # simplify has many failure modes; undecided is the honest answer
        return None


class _OffArrangement(Exception):
    """A branch condition's switch is not one of the arrangement's lines."""


def _lines(switches: list[sp.Expr], variables) -> list[tuple[sp.Expr, ...]]:
    """Each switch as its coefficient tuple (c, a₁, ..., a_d), one per distinct line."""
    out: list[tuple[sp.Expr, ...]] = []
    for g in switches:
        coeffs = (g.subs(dict.fromkeys(variables, 0)), *(sp.diff(g, v) for v in variables))
        if all(a == 0 for a in coeffs[1:]):
            continue
        if not any(_parallel_same(coeffs, h) for h in out):
            out.append(coeffs)
    return out


def _parallel_same(u: tuple, v: tuple) -> bool:
    """Whether two coefficient tuples describe the same line (one a multiple of the other)."""
    return sp.Matrix([u, v]).rank() < 2


def _switches(expr: sp.Expr, variables) -> list[sp.Expr] | None:
    """Every switch of f (see ``exactly_zero``), or None when one is not affine."""
    out: list[sp.Expr] = []
    for e in sp.preorder_traversal(expr):
        if isinstance(e, sp.Abs | sp.sign | sp.Heaviside):
            out.append(e.args[0])
        elif isinstance(e, sp.Max | sp.Min):
            out += [a - b for i, a in enumerate(e.args) for b in e.args[i + 1:]]
        elif isinstance(e, sp.core.relational.Relational):
            out.append(e.lhs - e.rhs)
    out = [sp.expand(g) for g in out]
    if not all(g.is_polynomial(*variables) and sp.Poly(g, *variables).total_degree() <= 1
               for g in out if g.free_symbols):
        return None
    return out


def _faces(expr: sp.Expr, variables) -> list[tuple[tuple, tuple | None]] | None:
    """One point of every face of the arrangement of f's switch lines, with a direction along
    the face for an edge (None for a vertex, () for an open cell); None when a switch of f is
    not affine."""
    switches = _switches(expr, variables)
    if switches is None or len(switches) > 16:
        return None
    lines = _lines(switches, variables)
    if len(lines) > 8:  # the faces grow like lines²; leave bigger arrangements to simplify
        return None
    dim = len(variables)
    if dim == 1:
        roots = sorted({-c / a for c, a in lines}, key=float)
        if not roots:
            return [((sp.S.Zero,), ())]
        cells = [roots[0] - 1, roots[-1] + 1] + [(a + b) / 2 for a, b in zip(roots, roots[1:],
                                                                          strict=False)]
        return [((r,), None) for r in roots] + [((c,), ()) for c in cells]
    faces: list[tuple[tuple, tuple | None]] = []
    vertices = []
    for i, (c1, a1, b1) in enumerate(lines):
        for c2, a2, b2 in lines[i + 1:]:
            det = a1 * b2 - a2 * b1
            if det != 0:
                vertices.append(((-c1 * b2 + c2 * b1) / det, (-a1 * c2 + a2 * c1) / det))
    faces += [(v, None) for v in vertices]
    if not lines:
        return [((sp.S.Zero, sp.S.Zero), ())]
    for c, a, b in lines:
        base = (-c * a / (a * a + b * b), -c * b / (a * a + b * b))
        along = (-b, a)
        ts = sorted({((v[0] - base[0]) * along[0] + (v[1] - base[1]) * along[1])
                     / (a * a + b * b) for v in vertices
                     if sp.simplify(c + a * v[0] + b * v[1]) == 0}, key=float)
        spots = [ts[0] - 1, ts[-1] + 1] + [(p + q) / 2 for p, q in zip(ts, ts[1:], strict=False)] \
            if ts else [sp.S.Zero]
        for t in spots:
            q = (base[0] + t * along[0], base[1] + t * along[1])
            faces.append((q, along))
            # off the edge to both sides, by less than the distance to any other line there
            gaps = [abs(c2 + a2 * q[0] + b2 * q[1]) / (2 * (abs(a2 * a + b2 * b) + 1))
                    for c2, a2, b2 in lines if sp.simplify(c2 + a2 * q[0] + b2 * q[1]) != 0]
            eps = min([*gaps, sp.S.One], key=float)
            faces += [((q[0] + eps * a, q[1] + eps * b), ()),
                      ((q[0] - eps * a, q[1] - eps * b), ())]
    return faces


def _zero_on_face(expr: sp.Expr, variables, point: tuple, along: tuple | None) -> bool:
    at = dict(zip(variables, point, strict=True))

    def oracle(g: sp.Expr) -> int:
        g = sp.expand(g)
        if g.free_symbols and not (g.is_polynomial(*variables)
                                   and sp.Poly(g, *variables).total_degree() <= 1):
            raise _OffArrangement
        value = sp.simplify(g.subs(at))
        return 0 if value == 0 else (1 if value > 0 else -1)

    form = form_by_signs(expr, oracle)
    if along == ():  # an open cell: the (analytic) form must be 0 on an open set, so everywhere
        return sp.simplify(form) == 0
    if along is None:  # a vertex
        return sp.simplify(form.subs(at)) == 0
    t = sp.Symbol("t", real=True)  # an edge: the form along its line
    line = {v: p + t * d for v, p, d in zip(variables, point, along, strict=True)}
    return sp.simplify(form.subs(line)) == 0


def _rational_samples(dim: int) -> list[tuple[sp.Rational, ...]]:
    values = [sp.Rational(3, 7), sp.Rational(-5, 3), sp.Rational(11, 13), sp.Rational(-2, 9)]
    return [tuple(values[(i + k) % len(values)] for k in range(dim)) for i in range(3)]


def _evaluator(function: ParsedFunction):
    f = sp.lambdify(function.variables, function.expr, "numpy")

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
    f = _evaluator(function)
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
    values = _evaluator(function)(_samples(function.dim, seed=1))
    return bool(np.all(np.isfinite(values)) and np.ptp(values.real) < 1e-12)


def _estimate_degree(function: ParsedFunction) -> sp.Rational | None:
    """L from log(f(2x)/f(x)) / log 2 at one random point, as a fraction with a small
    denominator (a guess only: ``_fallback`` proves it or drops it)."""
    f = _evaluator(function)
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


def homogeneity_degree(expr: str) -> sp.Rational | None:
    """The degree L with f(αx) = α^L f(x) for all α ≥ 0, or None (not positively homogeneous;
    also None for the zero function, which has every degree). See the module doc for the rules.

    >>> [homogeneity_degree(e) for e in ("relu(x)", "x*y", "sqrt(x**2 + y**2)", "exp(x)")]
    [1, 2, 1, None]
    """
    return homogeneity(expr).degree


# --- Euler's identity over the whole Clarke set (Lemma 3.2) ------------------------------------

EULER_TOL = 1e-9
EDGE_SAMPLES = 11  # points per edge of the set where the identity is checked along the boundary


@dataclass(frozen=True)
class EulerCheck:
    """Lemma 3.2 at one point: ⟨s, x⟩ = L·f(x) for every s in the Clarke set?

    ``products`` holds ⟨s, x⟩ at each vertex of the set (``exact_products`` as sympy numbers
    where the set is exact), ``boundary_residual`` the worst |⟨s, x⟩ − L f(x)| at sampled points
    of its edges; ``holds`` is False when there is no degree, the set is empty or unbounded (the
    lemma needs f locally Lipschitz), or some residual exceeds ``EULER_TOL``.
    """

    degree: sp.Rational | None
    point: tuple[sp.Expr, ...]
    value: sp.Expr
    target: sp.Expr | None
    clarke: object  # DifferentialSet (imported lazily: the engine is heavy)
    products: tuple[float, ...]
    exact_products: tuple[sp.Expr, ...] | None
    boundary_residual: float
    holds: bool
    reason: str


def euler_check(expr: str, at, *, degree: sp.Rational | None = None) -> EulerCheck:
    """Check ⟨s, x⟩ = L·f(x) at every vertex and along the edges of the Clarke set at ``at``.

    ``degree`` overrides the computed one, to see the identity fail for a wrong L.

    >>> c = euler_check("abs(x) + abs(y)", "0, 1")
    >>> c.exact_products, c.target, c.holds
    ((1, 1), 1, True)
    >>> euler_check("x + 1", "0").holds
    False
    """
    from ..api import clarke_set

    function, point = parse_function_and_point(expr, at)
    value = sp.nsimplify(function.expr.subs(dict(zip(function.variables, point, strict=True))))
    L = homogeneity_degree(expr) if degree is None else sp.Rational(degree)
    cset = clarke_set(expr, at)
    if cset.kind in ("empty", "unbounded"):
        return EulerCheck(L, point, value, None if L is None else L * value, cset, (), None,
                          math.inf, False, "The Clarke set is undefined here: f is not locally "
                          "Lipschitz at this point, so Lemma 3.2 does not apply.")
    x = np.array([float(c) for c in point])
    vertices = np.array(cset.vertices, dtype=float)
    products = tuple(float(v @ x) for v in vertices)
    exact = None
    if cset.exact is not None:
        exact = tuple(sp.nsimplify(sum((s * c for s, c in zip(v, point, strict=True)),
                                       sp.Integer(0))) for v in cset.exact)
    if L is None:
        return EulerCheck(None, point, value, None, cset, products, exact, math.inf, False,
                          "f is not positively homogeneous, so there is no L to check.")
    target = sp.nsimplify(L * value)
    t = float(target)
    boundary = _edge_points(vertices)
    residual = float(np.max(np.abs(boundary @ x - t))) if len(boundary) else 0.0
    scale = max(1.0, abs(t))
    if exact is not None:
        holds = all(sp.simplify(p - target) == 0 for p in exact)
    else:
        holds = max(abs(p - t) for p in products) <= EULER_TOL * scale
    holds = holds and residual <= EULER_TOL * scale
    if holds:
        reason = "⟨s, x⟩ = L·f(x) at every vertex and along every edge of the Clarke set."
    else:
        reason = "⟨s, x⟩ differs from L·f(x) somewhere on the Clarke set."
    return EulerCheck(L, point, value, target, cset, products, exact, residual, holds, reason)


def _edge_points(vertices: np.ndarray) -> np.ndarray:
    """Points along every edge of the set (1D: the interval; 2D: the closed polygon)."""
    if len(vertices) < 2:
        return vertices
    closed = vertices if len(vertices) == 2 else np.vstack([vertices, vertices[:1]])
    t = np.linspace(0.0, 1.0, EDGE_SAMPLES)[:, None, None]
    a, b = closed[:-1][None], closed[1:][None]
    return ((1 - t) * a + t * b).reshape(-1, vertices.shape[1])


# --- what the "Positive homogeneity" page shows ------------------------------------------------


@dataclass(frozen=True)
class HomogeneityView:
    """Everything the page draws, computed in one (sandboxable) call: the degree with its
    derivation, f along the ray α ↦ f(αx) next to α^L f(x), and Euler's identity at the point."""

    homogeneity: Homogeneity
    alphas: tuple[float, ...]
    along_ray: tuple[float, ...]
    predicted: tuple[float, ...] | None
    euler: EulerCheck
    point_latex: str


def explore_homogeneity(expr: str, at, *, alpha_max: float = 3.0) -> HomogeneityView:
    """The page's data for ``expr`` at the point ``at``.

    >>> v = explore_homogeneity("max(x, y)", "1, 2")
    >>> v.along_ray[-1], v.predicted[-1], v.euler.holds
    (6.0, 6.0, True)
    """
    h = homogeneity(expr)
    euler = euler_check(expr, at)
    function, _ = parse_function_and_point(expr, at)
    x = np.array([float(c) for c in euler.point])
    alphas = np.linspace(0.0, alpha_max, 61)
    along = _evaluator(function)(alphas[:, None] * x[None, :]).real
    predicted = None
    if h.degree is not None:
        predicted = tuple(float(v) for v in alphas ** float(h.degree) * float(euler.value))
    latex = ", ".join(sp.latex(c) for c in euler.point)
    return HomogeneityView(h, tuple(alphas.tolist()), tuple(along.tolist()), predicted, euler,
                           latex if len(euler.point) == 1 else rf"\left({latex}\right)")


