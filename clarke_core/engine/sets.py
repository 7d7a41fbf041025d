"""Result values: differential sets, limiting-gradient sequences and witnesses.

All are frozen dataclasses of plain data (floats, sympy numbers, strings), so they pickle across
the sandbox boundary and serialise to JSON for the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import sympy as sp

from .geometry import distance, in_hull


class SetKind(StrEnum):
    """What a ``DifferentialSet`` is. A member equals its plain string (``SetKind.POINT ==
    "point"``), prints and serialises as it, and its repr is the string's, so results read as
    they always have.

    >>> SetKind("segment"), SetKind.SEGMENT == "segment", f"{SetKind.CONVEX}"
    ('segment', True, 'convex')
    """

    EMPTY = "empty"
    POINT = "point"
    INTERVAL = "interval"
    SEGMENT = "segment"
    POLYGON = "polygon"
    POLYTOPE = "polytope"  # in n >= 3 variables (a point or a segment there keeps its kind)
    CONVEX = "convex"
    UNBOUNDED = "unbounded"

    def __repr__(self) -> str:
        return repr(self.value)


KINDS = tuple(k.value for k in SetKind)


@dataclass(frozen=True)
class GradientSequence:
    """Points x_i -> x whose gradients converge to ``target``: one witness of a limiting gradient.

    ``values`` are f(x_i) (for drawing tangent lines); ``side`` names where the points come from
    ("left"/"right" in 1D).
    """

    target: tuple[float, ...]
    points: tuple[tuple[float, ...], ...]
    gradients: tuple[tuple[float, ...], ...]
    values: tuple[float, ...] = ()
    side: str = ""


@dataclass(frozen=True)
class Witness:
    """A point x' whose subgradient inequality f(x') >= f(x) + s (x' - x) rules slopes out.

    ``bound`` states, as text, what that x' forces, for example ``"s ≥ 1"``; where the engine
    knows it exactly, ``limit`` is the bound's right side, ``lower`` whether it bounds s from
    below, and ``direction`` (2D) the d of ⟨s, d⟩ (``printing.bound_text`` prints them).
    """

    point: tuple[float, ...]
    value: float
    bound: str
    exact_point: tuple[sp.Expr, ...] | None = None
    limit: sp.Expr | None = None
    lower: bool = False
    direction: tuple[sp.Expr, ...] | None = None


@dataclass(frozen=True)
class Ellipse:
    r"""The closed set {s : (s - c)ᵀ M (s - c) <= 1}, exactly (M symmetric positive definite):
    the Clarke set of c·x + sqrt(xᵀ A x) is this with M = A⁻¹ (the unit disk for the norm).

    >>> Ellipse((0, 0), ((1, 0), (0, 1))).latex()
    '\\left\\{ s : \\|s\\| \\le 1 \\right\\}'
    >>> Ellipse((0, 0), ((1, 0), (0, sp.Rational(1, 4)))).latex()
    '\\left\\{ s : s_{1}^{2} + \\frac{s_{2}^{2}}{4} \\le 1 \\right\\}'
    """

    center: tuple[sp.Expr, sp.Expr]
    matrix: tuple[tuple[sp.Expr, sp.Expr], tuple[sp.Expr, sp.Expr]]

    def latex(self) -> str:
        from . import printing  # printing reads SetKind: imported when first used

        return printing.ellipse_latex(self)

    def text(self) -> str:
        """The set in plain text, as the command line prints it.

        >>> Ellipse((0, 0), ((1, 0), (0, sp.Rational(1, 4)))).text()
        '{s : s1**2 + s2**2/4 <= 1}'
        """
        from . import printing  # printing reads SetKind: imported when first used

        return printing.ellipse_text(self)

    def contains(self, s: tuple[float, float], tol: float = 1e-9) -> bool:
        d = [float(s[i]) - float(self.center[i]) for i in (0, 1)]
        value = sum(float(self.matrix[i][j]) * d[i] * d[j] for i in (0, 1) for j in (0, 1))
        return value <= 1 + tol


@dataclass(frozen=True)
class DifferentialSet:
    """A Clarke set or a convex subdifferential at one point.

    ``kind`` is one of ``KINDS``. ``vertices`` are float tuples (1D: ``[(lo,), (hi,)]`` or
    ``[(v,)]``); ``exact`` the same vertices as sympy numbers where known, else None.
    ``certified`` is False when part of the answer was only checked numerically; ``reason`` is a
    sentence on how the set was decided (why it is empty, or unbounded).

    >>> s = DifferentialSet("interval", [(0.0,), (1.0,)], [(sp.Integer(0),), (sp.Integer(1),)])
    >>> s.latex()
    '\\\\left[0, 1\\\\right]'
    >>> s.contains((0.5,))
    True
    """

    kind: SetKind  # a plain string is taken (and checked) too
    vertices: list[tuple[float, ...]]
    exact: list[tuple[sp.Expr, ...]] | None = None
    sequences: tuple[GradientSequence, ...] = ()
    witnesses: tuple[Witness, ...] = ()
    certified: bool = True
    reason: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}")
        object.__setattr__(self, "kind", SetKind(self.kind))

    def latex(self) -> str:
        r"""The set in LaTeX, with exact endpoints where they are known; a set that was only
        checked numerically says so in the formula itself.

        >>> DifferentialSet("point", [(0.0, 0.0)], certified=False).latex()
        '\\left\\{\\left(0, 0\\right)\\right\\}\\text{ (checked numerically)}'
        """
        from . import printing  # printing reads SetKind: imported when first used

        return printing.set_latex(self)

    def contains(self, s: tuple[float, ...] | float, tol: float = 1e-9) -> bool:
        """Whether ``s`` lies in the set, up to ``tol``.

        >>> DifferentialSet("segment", [(0.0, 1.0), (1.0, 0.0)]).contains((0.5, 0.5))
        True
        >>> cube = [(a, b, c) for a in (-1, 1) for b in (-1, 1) for c in (-1, 1)]
        >>> s = DifferentialSet("polytope", cube)
        >>> s.contains((0.5, -1.0, 0.9)), s.contains((0.5, -1.1, 0.9))
        (True, False)
        """
        s = (float(s),) if not isinstance(s, tuple) else tuple(float(c) for c in s)
        if self.kind in (SetKind.EMPTY, SetKind.UNBOUNDED):
            return False
        if self.extra.get("closed_form") is not None:
            return self.extra["closed_form"].contains(s, tol)
        if len(s) == 1:
            lo, hi = self.vertices[0][0], self.vertices[-1][0]
            return lo - tol <= s[0] <= hi + tol
        if len(s) > 2:
            return in_hull(s, self.vertices, tol)
        return distance(s, self.vertices) <= tol

    def to_dict(self) -> dict:
        """The JSON form used by the command line: kind, vertices, exact (strings) and more."""
        return {
            "kind": self.kind.value,
            "vertices": [list(v) for v in self.vertices],
            "exact": None if self.exact is None else [[str(c) for c in v] for v in self.exact],
            "certified": self.certified,
            "reason": self.reason,
            **({"closed_form": self.extra["closed_form"].latex()}
               if self.extra.get("closed_form") is not None else {}),
            **({"cause": self.extra["cause"]} if self.extra.get("cause") else {}),
            "witnesses": [
                {"point": list(w.point), "value": w.value, "bound": w.bound} for w in self.witnesses
            ],
        }
