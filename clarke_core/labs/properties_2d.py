"""The lecture's properties of the Clarke differential (§2) for a function of x and y at a point.

- **Locally Lipschitz**: the Clarke engine's own verdict (kind ``unbounded`` when not), and the
  exact Lipschitz modulus ``lip f(x0) = max{‖s‖ : s ∈ ∂f(x0)}`` (Rockafellar–Wets 9.13): the best
  constant on small enough neighbourhoods of x0.
- **Convex ⇒ Clarke set = subdifferential**, with the composition certificate; when the two sets
  differ, f is not convex, whatever the certificate could not say.
- **Differentiable**: ∂f(x0) is one point exactly when f is strictly differentiable at x0. When it
  is larger but f'(x0; d) = ⟨g, d⟩ for every d, f is differentiable with ∇f(x0) = g, not
  continuously (the 2D erratum 4).
- **Regular**: f'(x0; d) = max{⟨s, d⟩ : s ∈ ∂f(x0)} for every d. Near x0 f follows a smooth form
  on each sector cell (``cells_2d``), so f'(x0; d) = ⟨g, d⟩ there with g the form's gradient at
  x0, itself in ∂f(x0); the support function σ is sublinear and σ ≥ ⟨g, ·⟩, so if σ(u) = ⟨g, u⟩
  at directions u ≤ 90° apart that cover the sector, σ = ⟨g, ·⟩ on all of it. That is checked
  exactly at each sector's two edges and three directions inside it.

>>> r = study_properties_2d("abs(x) + abs(y)", "0, 0")
>>> r.lipschitz, r.modulus_latex, r.convex, r.sets_equal, r.regular
(True, '\\\\sqrt{2}', True, True, True)
>>> r = study_properties_2d("y - abs(x)", "0, 0")
>>> r.convex, r.sets_equal, r.regular, r.witness_latex
(False, False, False, '\\\\left(1, 0\\\\right)')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..api import clarke_of, subdifferential_of
from ..engine.cells_2d import Cell, local_cells
from ..engine.convexity import is_certified_convex
from ..engine.geometry import same_set
from ..engine.local import finite_at, is_finite_number, sign_of
from ..engine.primitives import X, Y
from ..engine.printing import tuple_latex
from ..engine.problem import problem
from ..engine.sets import DifferentialSet, SetKind
from ..errors import InputError, UndecidedError

ANGLES = 721  # samples of the directional derivative around the circle (drawing only)
_EXACT_KINDS = (SetKind.POINT, SetKind.SEGMENT, SetKind.POLYGON)


@dataclass(frozen=True)
class Sector:
    """A sector cell of f at x0: angles (radians, increasing) and the gradient of its form at
    x0, which is f'(x0; d) = ⟨gradient, d⟩ for d inside."""

    lo: float
    hi: float
    gradient: tuple[float, float]


@dataclass(frozen=True)
class Properties2D:
    """Plain data for the Properties page in 2D (floats, LaTeX strings, picklable)."""

    latex: str
    point_latex: str
    clarke: DifferentialSet
    subdifferential: DifferentialSet | None
    lipschitz: bool
    lipschitz_reason: str
    modulus: float | None  # lip f(x0) = max ‖s‖ over ∂f(x0)
    modulus_latex: str | None  # the same, exactly (None when the set is curved)
    convex: bool  # certified convex by the composition rules
    sets_equal: bool | None  # None when the subdifferential was not decided
    gradient_latex: str | None  # ∇f(x0) when f is differentiable at x0
    strictly_differentiable: bool
    regular: bool | None  # None: not decided (or no Clarke set)
    regularity_reason: str
    witness_latex: str | None  # a direction d where f'(x0; d) < σ(d), when not regular
    witness: tuple[float, float] | None  # the same direction, in floats (for the chart)
    sectors: tuple[Sector, ...]
    support_points: tuple[tuple[float, float], ...]  # the Clarke set's vertices, for σ


def _direction(angle: float, slack: float) -> tuple[sp.Integer, sp.Integer]:
    """The shortest integer vector within ``slack`` radians of ``angle`` (a direction easy to
    read, such as (1, 0) or (2, -1))."""
    for k in range(1, 1001):
        a, b = round(math.cos(angle) * k), round(math.sin(angle) * k)
        if (a or b) and abs(math.remainder(math.atan2(b, a) - angle, 2 * math.pi)) < slack:
            return sp.Integer(a), sp.Integer(b)
    raise AssertionError("unreachable: k = 1000 is within any slack used here")


def _tests(cell: Cell) -> list[tuple[sp.Expr, sp.Expr]]:
    """Directions of the sector, consecutive ones at most 90° apart: its middle, its quarters
    and its exact edges (a failure is reported in the first of them that fails)."""
    lo, hi = cell.germ.span
    slack = (hi - lo) / 16
    inside = [_direction(lo + k * (hi - lo) / 4, slack) for k in (2, 1, 3)]
    return [*inside, *(cell.germ.bounds or ())]


def _gradient_at(form: sp.Expr, p: tuple[sp.Expr, sp.Expr]) -> tuple[sp.Expr, sp.Expr] | None:
    at = {X: p[0], Y: p[1]}
    out = tuple(finite_at(sp.diff(form, v), at) for v in (X, Y))
    return out if all(g is not None and is_finite_number(g) for g in out) else None


def _support(vertices: list[tuple[sp.Expr, sp.Expr]], u: tuple) -> sp.Expr:
    values = [sp.nsimplify(v[0] * u[0] + v[1] * u[1]) for v in vertices]
    best = values[0]
    for v in values[1:]:
        if sign_of(v - best) > 0:
            best = v
    return best


def _modulus(clarke: DifferentialSet) -> tuple[float | None, str | None]:
    if not clarke.vertices:
        return None, None
    if clarke.exact is None or clarke.kind not in _EXACT_KINDS:
        return max(math.hypot(*v) for v in clarke.vertices), None
    squares = [sp.nsimplify(a**2 + b**2) for a, b in clarke.exact]
    best = squares[0]
    for s in squares[1:]:
        if sign_of(s - best) > 0:
            best = s
    exact = sp.sqrt(best)
    return float(exact), sp.latex(exact)


def _sector_gradients(cells: list[Cell], p: tuple) -> tuple[list[tuple[Cell, tuple]], bool]:
    """The sector cells with their form's exact gradient at p, and whether some form has no
    finite one there (cusp cells are left out: no ray enters them, so they do not shape
    f'(x0; ·))."""
    gradients: dict[sp.Expr, tuple | None] = {}
    sectors, missing = [], False
    for cell in cells:
        if cell.germ.span is None:
            continue
        if cell.form not in gradients:
            gradients[cell.form] = _gradient_at(cell.form, p)
        g = gradients[cell.form]
        if g is None:
            missing = True
        else:
            sectors.append((cell, g))
    return sectors, missing


def _regularity(cells: list[Cell], sectors: list[tuple[Cell, tuple]], missing: bool,
                clarke: DifferentialSet, convex: bool) -> tuple[bool | None, str, tuple | None]:
    if clarke.kind == SetKind.POINT:
        return True, ("∂f(x₀) is one point, so f is strictly differentiable at x₀, and "
                      "strictly differentiable functions are regular."), None
    if convex:
        return True, ("f is certified convex, and convex functions are regular (Clarke, "
                      "Proposition 2.3.6)."), None
    if not cells:
        return None, "The cells of f around x₀ were not found exactly.", None
    if missing:
        return None, ("The gradient of one of f's pieces has no finite value at x₀, so its "
                      "directional derivatives were not found exactly."), None
    if clarke.exact is None or clarke.kind not in _EXACT_KINDS:
        return None, ("The Clarke set is curved (found along sampled rays), so its support "
                      "function is not known exactly here."), None
    for cell, g in sectors:
        for u in _tests(cell):
            sigma = _support(clarke.exact, u)
            along = sp.nsimplify(g[0] * u[0] + g[1] * u[1])
            if sign_of(sigma - along) != 0:
                why = (rf"In the direction $d = {tuple_latex(u)}$: $f'(x_0; d) = "
                       rf"{sp.latex(along)}$ but $\max_{{s \in \partial f(x_0)}} "
                       rf"\langle s, d\rangle = {sp.latex(sigma)}$, so f is not regular at "
                       "$x_0$.")
                return False, why, u
    return True, ("On every sector around x₀, f′(x₀; d) equals the support function "
                  "max⟨s, d⟩ of ∂f(x₀) (checked exactly at each sector's edges and inside): "
                  "f is regular."), None


def study_properties_2d(text: str, at) -> Properties2D:
    """Check the lecture's §2 properties for f(x, y) = ``text`` at ``at`` (see the module)."""
    prob = problem(text, at, dim=2)
    expr, p = prob.function.expr, prob.point
    clarke = clarke_of(prob)
    convex = is_certified_convex(expr)
    common = {"latex": sp.latex(expr), "clarke": clarke, "convex": convex,
              "point_latex": tuple_latex(p)}
    if clarke.kind == SetKind.UNBOUNDED:
        return Properties2D(
            **common, subdifferential=None, lipschitz=False, lipschitz_reason=clarke.reason,
            modulus=None, modulus_latex=None, sets_equal=None, gradient_latex=None,
            strictly_differentiable=False, regular=None,
            regularity_reason="f is not locally Lipschitz at x₀, so it has no Clarke set and "
                              "regularity is undefined.", witness_latex=None, witness=None,
            sectors=(),
            support_points=())
    try:
        sub = subdifferential_of(prob, clarke)
    except (UndecidedError, InputError):
        sub = None
    modulus, modulus_latex = _modulus(clarke)
    try:
        cells = local_cells(expr, p)
    except UndecidedError:
        cells = []
    sectors, missing = _sector_gradients(cells, p)
    regular, why, witness = _regularity(cells, sectors, missing, clarke, convex)
    strict = clarke.kind == SetKind.POINT
    gradient = None
    if strict and clarke.exact is not None:
        gradient = clarke.exact[0]
    elif sectors and not missing and len({g for _, g in sectors}) == 1:
        gradient = sectors[0][1]  # f'(x0; d) = ⟨g, d⟩ for every d: differentiable, not strictly
    return Properties2D(
        **common, subdifferential=sub, lipschitz=True,
        lipschitz_reason=("Every gradient limit near x₀ is finite: f is locally Lipschitz, and "
                          "the best constant on small neighbourhoods is max ‖s‖ over ∂f(x₀)."),
        modulus=modulus, modulus_latex=modulus_latex,
        sets_equal=None if sub is None else same_set(clarke, sub),
        gradient_latex=None if gradient is None else tuple_latex(gradient),
        strictly_differentiable=strict, regular=regular, regularity_reason=why,
        witness_latex=None if witness is None else tuple_latex(witness),
        witness=None if witness is None else (float(witness[0]), float(witness[1])),
        sectors=tuple(Sector(*c.germ.span, (float(g[0]), float(g[1]))) for c, g in sectors),
        support_points=tuple((float(a), float(b)) for a, b in clarke.vertices))


def directional_curves(report: Properties2D, samples: int = ANGLES
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Angles θ, f'(x0; d(θ)) from the sectors (NaN where none covers θ) and the support
    function σ(d(θ)) of the Clarke set, d(θ) = (cos θ, sin θ): floats, for drawing only."""
    theta = np.linspace(0.0, 2 * np.pi, samples)
    d = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    directional = np.full(samples, np.nan)
    for s in report.sectors:
        inside = np.mod(theta - s.lo, 2 * np.pi) <= (s.hi - s.lo) + 1e-12
        directional[inside] = d[inside] @ np.array(s.gradient)
    points = np.array(report.support_points or [(np.nan, np.nan)])
    support = (d @ points.T).max(axis=1)
    return theta, directional, support
