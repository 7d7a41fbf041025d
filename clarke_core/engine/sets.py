"""Result values: differential sets, limiting-gradient sequences and witnesses.

All are frozen dataclasses of plain data (floats, sympy numbers, strings), so they pickle across
the sandbox boundary and serialise to JSON for the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .geometry import distance

KINDS = ("empty", "point", "interval", "segment", "polygon", "convex", "unbounded")


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

    ``bound`` states, as text, what that x' forces, for example ``"s >= 1"``.
    """

    point: tuple[float, ...]
    value: float
    bound: str
    exact_point: tuple[sp.Expr, ...] | None = None


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
        disk = self._disk()
        if disk is not None:  # ‖s - c‖ <= r
            c, radius = disk
            inner = "s" if c == [0, 0] else r"s - " + sp.latex(sp.Tuple(*c))
            return r"\left\{ s : \|" + inner + r"\| \le " + sp.latex(radius) + r" \right\}"
        return r"\left\{ s : " + sp.latex(self._form("s_1 s_2"), order="lex") + r" \le 1 \right\}"

    def text(self) -> str:
        """The set in plain text, as the command line prints it.

        >>> Ellipse((0, 0), ((1, 0), (0, sp.Rational(1, 4)))).text()
        '{s : s1**2 + s2**2/4 <= 1}'
        """
        disk = self._disk()
        if disk is not None:
            c, radius = disk
            inner = "s" if c == [0, 0] else f"s - ({c[0]}, {c[1]})"
            return "{s : ||" + inner + f"|| <= {radius}" + "}"
        return "{s : " + sp.sstr(self._form("s1 s2"), order="lex") + " <= 1}"

    def _disk(self) -> tuple[list[sp.Expr], sp.Expr] | None:
        c = [sp.sympify(v) for v in self.center]
        m = [[sp.sympify(v) for v in row] for row in self.matrix]
        if m[0][1] == 0 and m[1][0] == 0 and m[0][0] == m[1][1]:
            return c, 1 / sp.sqrt(m[0][0])
        return None

    def _form(self, names: str) -> sp.Expr:
        s1, s2 = sp.symbols(names, real=True)
        c = [sp.sympify(v) for v in self.center]
        m = [[sp.sympify(v) for v in row] for row in self.matrix]
        d = (s1 - c[0], s2 - c[1])
        return m[0][0] * d[0] ** 2 + (m[0][1] + m[1][0]) * d[0] * d[1] + m[1][1] * d[1] ** 2

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

    kind: str
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

    def latex(self) -> str:
        r"""The set in LaTeX, with exact endpoints where they are known; a set that was only
        checked numerically says so in the formula itself.

        >>> DifferentialSet("point", [(0.0, 0.0)], certified=False).latex()
        '\\left\\{\\left(0, 0\\right)\\right\\}\\text{ (checked numerically)}'
        """
        body = self._body()
        return body if self.certified else body + r"\text{ (checked numerically)}"

    def _body(self) -> str:
        if self.kind == "empty":
            return r"\varnothing"
        if self.kind == "unbounded":
            return r"\text{undefined: not locally Lipschitz}"
        closed = self.extra.get("closed_form")
        if closed is not None:
            return closed.latex()
        if self.kind == "convex":
            return r"\text{a convex set with a curved boundary (see the plane)}"
        pts = self.exact if self.exact is not None else self.vertices

        def tex(v: tuple) -> str:
            parts = [sp.latex(c) if self.exact is not None else f"{c + 0.0:.4g}" for c in v]
            return parts[0] if len(parts) == 1 else r"\left(" + ", ".join(parts) + r"\right)"

        if self.kind == "point":
            return r"\left\{" + tex(pts[0]) + r"\right\}"
        if self.kind == "interval":
            return r"\left[" + tex(pts[0]) + ", " + tex(pts[1]) + r"\right]"
        body = ", ".join(tex(v) for v in pts)
        return r"\operatorname{conv}\left\{" + body + r"\right\}"

    def contains(self, s: tuple[float, ...] | float, tol: float = 1e-9) -> bool:
        """Whether ``s`` lies in the set, up to ``tol``.

        >>> DifferentialSet("segment", [(0.0, 1.0), (1.0, 0.0)]).contains((0.5, 0.5))
        True
        """
        s = (float(s),) if not isinstance(s, tuple) else tuple(float(c) for c in s)
        if self.kind in ("empty", "unbounded"):
            return False
        if self.extra.get("closed_form") is not None:
            return self.extra["closed_form"].contains(s, tol)
        if len(s) == 1:
            lo, hi = self.vertices[0][0], self.vertices[-1][0]
            return lo - tol <= s[0] <= hi + tol
        return distance(s, self.vertices) <= tol

    def to_dict(self) -> dict:
        """The JSON form used by the command line: kind, vertices, exact (strings) and more."""
        return {
            "kind": self.kind,
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
