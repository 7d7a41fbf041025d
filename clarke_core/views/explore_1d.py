"""Everything the 1D Clarke page shows, computed in one call (run in the sandbox by the app)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..engine.clarke_1d import SideLimits, clarke_from_local, local_1d
from ..engine.convexity import is_certified_convex
from ..engine.local import sign_of
from ..engine.numeric import lambdify, real_part
from ..engine.problem import Problem, problem
from ..engine.sets import DifferentialSet
from ..engine.subdiff_1d import subdifferential_from_local
from ..errors import UndecidedError
from .comparison import why_they_differ
from .steps import Step, sequence_steps, vector


@dataclass(frozen=True)
class Exploration1D:
    """Plain data for the 1D page: the function, the point, both sets, and curve samples.

    ``curve_y`` holds nan where f is undefined. ``notes`` are sentences (Markdown with $LaTeX$)
    explaining the sets. ``subdifferential`` is None when it could not be decided (a note says
    why). ``why`` is the paragraph comparing the two sets (``comparison.why_they_differ``).
    """

    text: str
    latex: str
    point: float
    point_latex: str
    value: float
    clarke: DifferentialSet
    subdifferential: DifferentialSet | None
    window: tuple[float, float]
    curve_x: tuple[float, ...]
    curve_y: tuple[float, ...]
    notes: tuple[str, ...] = ()
    why: str = ""
    steps: tuple[tuple[Step, ...], ...] = ()
    point_text: str = ""  # (x₀, f(x₀)) as exact page text, "(1/3, 1/9)"; "" when not known


_HALF_WIDTH = 2.0
_MAX_HALF_WIDTH = 10.0
_CURVE_POINTS = 1201
_NEAR_POINTS = 400  # per side, log-spaced from the window's edge down to 1e-6 of it


def _window(point: float, subdiff: DifferentialSet | None) -> tuple[float, float]:
    half = _HALF_WIDTH
    for w in subdiff.witnesses if subdiff is not None else ():
        half = max(half, min(_MAX_HALF_WIDTH, abs(w.point[0] - point) + 0.5))
    return point - half, point + half


def _curve(expr: sp.Expr, x: sp.Symbol, window: tuple[float, float], point: float):
    half = (window[1] - window[0]) / 2
    near = half * np.logspace(-6, 0, _NEAR_POINTS)
    xs = np.union1d(np.linspace(*window, _CURVE_POINTS), [point, *(point - near),
                                                          *(point + near)])
    f = lambdify(x, expr)
    with np.errstate(all="ignore"):
        ys = np.asarray(f(xs.astype(complex)), dtype=complex) * np.ones_like(xs)
    real = real_part(ys)
    return tuple(float(v) for v in xs), tuple(float(v) for v in real)


def _side_note(name: str, side: SideLimits, a_tex: str) -> str:
    form = sp.latex(side.form)
    if sign_of(side.hi - side.lo) == 0:
        limit = sp.latex(side.lo)
        return f"Just {name} of $x = {a_tex}$, $f(x) = {form}$, so $f'(x) \\to {limit}.$"
    return (
        f"Just {name} of $x = {a_tex}$, $f(x) = {form}$ and $f'(x)$ keeps oscillating: its limit "
        f"points fill $[{sp.latex(side.lo)}, {sp.latex(side.hi)}].$"
    )


def _steps(loc, seq, clarke: DifferentialSet) -> tuple[Step, ...]:
    """The live table's rows for one sequence: f and f′ exactly at points known exactly
    (x₀ plus a fraction: ``steps.exact_point``)."""
    if not (seq.points and len(seq.gradients) == len(seq.points) == len(seq.values)):
        return ()
    side = loc.left if seq.side == "left" else loc.right

    def exact_at(q):
        at = {loc.x: q[0]}
        return side.form.subs(at), (side.derivative.subs(at),)

    return sequence_steps(seq, clarke, (loc.a,), loc.value, exact_at, seq.values)


def _exact_pair(a: sp.Expr, value: object) -> str:
    """(x₀, f(x₀)) as the live table prints it, when f(x₀) is an exact number, else "" (the
    figure prints decimals then)."""
    if not (isinstance(value, sp.Expr) and value.is_number and value.is_real):
        return ""
    return vector((float(a), float(value)), (a, value))


def explore_1d(text: str | Problem, at=None) -> Exploration1D:
    """Parse (once: a ``Problem`` is taken as it is), analyse and sample a function of x at a
    point, for the 1D page.

    >>> ex = explore_1d("max(0, x)", "0")
    >>> ex.clarke.exact, ex.subdifferential.kind, len(ex.clarke.sequences)
    ([(0,), (1,)], 'interval', 2)
    """
    p = problem(text, at, dim=1)
    if p.dim != 1:
        raise ValueError("explore_1d takes a function of x at one point")
    function, (a,) = p.function, p.point
    x = function.variables[0]
    loc = local_1d(function.expr, x, a)
    notes = []
    try:
        subdiff = subdifferential_from_local(loc)
    except UndecidedError as err:
        subdiff = None
        notes.append(f"Subdifferential: {err}")
    window = _window(float(a), subdiff)
    clarke = clarke_from_local(loc, scale=(window[1] - window[0]) / 4)
    a_tex = sp.latex(a)
    if loc.lipschitz:
        notes[:0] = [_side_note("left", loc.left, a_tex), _side_note("right", loc.right, a_tex)]
    curve_x, curve_y = _curve(function.expr, x, window, float(a))
    steps = tuple(_steps(loc, seq, clarke) for seq in clarke.sequences) if loc.lipschitz else ()
    return Exploration1D(
        text=function.text, latex=sp.latex(function.expr), point=float(a), point_latex=a_tex,
        value=float(loc.value), clarke=clarke, subdifferential=subdiff, window=window,
        curve_x=curve_x, curve_y=curve_y, notes=tuple(notes), steps=steps,
        point_text=_exact_pair(a, loc.value),
        why=why_they_differ(clarke, subdiff, convex=is_certified_convex(function.expr), dim=1),
    )
