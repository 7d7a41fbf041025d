"""Euler's identity over the whole Clarke set (lecture Lemma 3.2): ⟨s, x⟩ = L·f(x) for every s
in the Clarke set of an L-homogeneous f, and the data the "Positive homogeneity" page draws.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..engine.parsing import ParsedFunction
from ..engine.problem import Problem, problem
from ..engine.sets import SetKind
from .homogeneity import Homogeneity, evaluator, homogeneity, homogeneity_degree

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


def euler_check(expr: str | Problem, at=None, *,
                degree: sp.Rational | None = None) -> EulerCheck:
    """Check ⟨s, x⟩ = L·f(x) at every vertex and along the edges of the Clarke set at ``at``.

    ``degree`` overrides the computed one, to see the identity fail for a wrong L.

    >>> c = euler_check("abs(x) + abs(y)", "0, 1")
    >>> c.exact_products, c.target, c.holds
    ((1, 1), 1, True)
    >>> euler_check("x + 1", "0").holds
    False
    """
    from ..api import clarke_of

    p = problem(expr, at)
    function, point = p.function, p.point
    value = sp.nsimplify(function.expr.subs(dict(zip(function.variables, point, strict=True))))
    L = homogeneity_degree(_as_typed(function)) if degree is None else sp.Rational(degree)
    cset = clarke_of(p)
    if cset.kind in (SetKind.EMPTY, SetKind.UNBOUNDED):
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


def _as_typed(function: ParsedFunction) -> ParsedFunction:
    """The function in the variables it was typed in (a function of x read at a point of the
    plane is lifted to (x, y) by the problem; its degree and derivation are those of f(x))."""
    if len(function.variables) == 2 and function.variables[1] not in function.expr.free_symbols:
        return ParsedFunction(function.text, function.expr, function.variables[:1])
    return function


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


def explore_homogeneity(expr: str | Problem, at=None, *,
                        alpha_max: float = 3.0) -> HomogeneityView:
    """The page's data for ``expr`` at the point ``at``.

    >>> v = explore_homogeneity("max(x, y)", "1, 2")
    >>> v.along_ray[-1], v.predicted[-1], v.euler.holds
    (6.0, 6.0, True)
    """
    p = problem(expr, at)
    h = homogeneity(_as_typed(p.function))
    euler = euler_check(p)
    function = p.function
    x = np.array([float(c) for c in euler.point])
    alphas = np.linspace(0.0, alpha_max, 61)
    along = evaluator(function)(alphas[:, None] * x[None, :]).real
    predicted = None
    if h.degree is not None:
        predicted = tuple(float(v) for v in alphas ** float(h.degree) * float(euler.value))
    latex = ", ".join(sp.latex(c) for c in euler.point)
    return HomogeneityView(h, tuple(alphas.tolist()), tuple(along.tolist()), predicted, euler,
                           latex if len(euler.point) == 1 else rf"\left({latex}\right)")
