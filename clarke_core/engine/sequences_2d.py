"""Limiting-gradient sequences in 2D: points along a limit's germ, each strictly inside the cell
of the limit's form (on no kink), with f's gradients there.

The Clarke set's engine (``clarke_2d``) finds the limits; this module walks towards each one.
``Memo`` keeps what one computation works out once (gradients, compiled numeric functions,
floats of constants) and shares it between the two.

>>> from clarke_core.engine.clarke_2d import clarke_2d
>>> s = clarke_2d(sp.Max(X, Y), (sp.Integer(0), sp.Integer(0)))
>>> [len(q.points) for q in s.sequences] == [SEQUENCE_LENGTH] * 2
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import sympy as sp

from ..errors import UndecidedError
from .cells_2d import Cell, Germ
from .evaluation import evaluator
from .local import form_by_signs
from .primitives import X, Y
from .sets import GradientSequence

if TYPE_CHECKING:
    from .clarke_2d import Limit

SEQUENCE_LENGTH = 10


@dataclass
class Memo:
    """What one computation works out once and uses again: the gradient of each form, each
    form's numeric gradient and value, and the floats of constants (see ``evaluator``)."""

    gradients: dict = field(default_factory=dict)
    numeric: dict = field(default_factory=dict)
    constants: dict = field(default_factory=dict)

    def gradient(self, form: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
        if form not in self.gradients:
            self.gradients[form] = (sp.diff(form, X), sp.diff(form, Y))
        return self.gradients[form]

    def gradient_and_value(self, form: sp.Expr):
        """A numpy function (x, y) -> [∂form/∂x, ∂form/∂y, form]."""
        if form not in self.numeric:
            self.numeric[form] = evaluator((X, Y), [*self.gradient(form), form], self.constants)
        return self.numeric[form]


class OpenCells:
    """Whether float points lie strictly inside the region where f follows a given form, with no
    switch function near zero there (on no kink). Each switch function is evaluated on all the
    points at once, and f's form is found once per pattern of their signs. Where the switch
    functions that chose ``form`` along a cell's germ have the same signs as along the germ,
    f follows that cell's form (the same choices give the same branch)."""

    def __init__(self, expr: sp.Expr, cells: list[Cell] = (), memo: Memo | None = None):
        self.expr = expr
        self.memo = memo or Memo()
        self.switches: dict[sp.Expr, object] = {}  # met so far, with their numeric functions
        self.by_signs: dict[tuple, sp.Expr | None] = {}  # None: some switch is near zero
        self.chosen = {c.germ: c.signs for c in cells if c.signs and all(s for _, s in c.signs)}

    def inside(self, form: sp.Expr, xs: np.ndarray, ys: np.ndarray, germ: Germ | None = None):
        """A function k -> whether the point (xs[k], ys[k]) lies inside ``form``'s region;
        ``germ``, the germ of a cell of ``form`` that the points follow."""
        signs: dict[sp.Expr, np.ndarray] = {}  # each switch's signs on the points, when asked
        for g, _ in self.chosen.get(germ, ()):
            if g not in signs:
                signs[g] = self._signs(g, xs, ys)
        same = None
        if germ in self.chosen:
            same = np.logical_and.reduce([signs[g] == s for g, s in self.chosen[germ]])
        memo: dict[int, bool] = {}

        def at(k: int) -> bool:
            if same is not None and same[k]:
                return True
            if k not in memo:
                memo[k] = self._inside_at(form, (float(xs[k]), float(ys[k])), k, signs, xs, ys)
            return memo[k]

        return at

    def _signs(self, g: sp.Expr, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        if g not in self.switches:
            self.switches[g] = evaluator((X, Y), g, self.memo.constants)
        try:
            values = np.asarray(self.switches[g](xs, ys), dtype=float) * np.ones_like(xs)
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            return np.zeros(len(xs), dtype=int)
        near = ~np.isfinite(values) | (np.abs(values) <= 1e-9 * (1 + np.abs(xs) + np.abs(ys)))
        return np.where(near, 0, np.sign(values)).astype(int)

    def _inside_at(self, form, point, k, signs, xs, ys) -> bool:
        for g in list(self.switches):
            if g not in signs:
                signs[g] = self._signs(g, xs, ys)
        key = tuple(signs[g][k] for g in self.switches)
        if key in self.by_signs:
            here = self.by_signs[key]
        else:
            met_before, near_kink = len(self.switches), False

            def oracle(g: sp.Expr) -> int:
                nonlocal near_kink
                if g not in signs:
                    signs[g] = self._signs(g, xs, ys)
                if signs[g][k] == 0:
                    near_kink = True
                return int(signs[g][k])

            try:
                here = form_by_signs(self.expr, oracle)
            except UndecidedError:
                near_kink = True
            here = None if near_kink else here
            if len(self.switches) == met_before:  # the signs in the key decided it
                self.by_signs[key] = here
        if here is None:
            return False
        if here == form:
            return True
        difference = (here - form).xreplace({X: point[0], Y: point[1]})
        try:
            return abs(float(difference)) < 1e-12 and _same_gradient(here, form, point)
        except TypeError:
            return False


def _same_gradient(a: sp.Expr, b: sp.Expr, point: tuple[float, float]) -> bool:
    at = {X: point[0], Y: point[1]}
    return all(abs(float((sp.diff(a, v) - sp.diff(b, v)).xreplace(at))) < 1e-12 for v in (X, Y))


_MAX_SHIFT = 40  # a sequence starts at most this many halvings closer to p than the picture


def limiting_sequence(limit: Limit, p: tuple[float, float], scale: float,
              cells: OpenCells | None = None) -> GradientSequence:
    """Points along the limit's germ from p (in floats) with their gradients; each strictly
    inside the cell of the limit's form (the sequence starts closer to p when the first points
    would sit on or beyond another kink)."""
    # The germ's parameter s runs with s^q ~ distance; scale it to the picture.
    q = limit.germ.beta.q if limit.germ.beta is not None else 1
    norm = math.hypot(float(limit.germ.direction[0]), float(limit.germ.direction[1]))
    s = (scale / norm) ** (1 / q) * 2.0 ** (-np.arange(SEQUENCE_LENGTH + _MAX_SHIFT) / q)
    px, py = limit.germ.points(p, s)
    start = 0
    if cells is not None:
        inside = cells.inside(limit.form, px, py, limit.germ)
        while start < _MAX_SHIFT and not all(inside(start + i) for i in range(SEQUENCE_LENGTH)):
            start += 1
    px, py = px[start:start + SEQUENCE_LENGTH], py[start:start + SEQUENCE_LENGTH]
    numeric = (cells.memo if cells else Memo()).gradient_and_value(limit.form)
    gx, gy, fv = (np.asarray(v, dtype=float) * np.ones_like(px) for v in numeric(px, py))
    return GradientSequence(
        target=limit.point,
        points=tuple(zip(px.tolist(), py.tolist(), strict=True)),
        gradients=tuple(zip(gx.tolist(), gy.tolist(), strict=True)),
        values=tuple(fv.tolist()),
        side=f"direction {math.degrees(limit.germ.angle):.0f}°"
        + ("" if limit.germ.beta is None else f", cusp t^{limit.germ.beta}"),
    )
