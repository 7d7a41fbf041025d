"""The exact Clarke set of a function of n variables at a point, from the local fan of cells.

Near the point every nonsmooth node (abs, max, min, relu = max(u, 0); Piecewise, sign and
Heaviside when one branch is active, or two agree across one affine switch) splits by its
primitive's ``branches`` into smooth branches.
A switch tied at the point (u = 0 for abs, two tied arguments of max or min) splits each cell of
the fan in two along its linearization, and a cell is kept when it is realizable as an open cone,
decided by an exact LP (``lp_exact``). Each cell's smooth piece has its gradient at the point as
its gradient limit, and the Clarke set is the exact convex hull of those gradients (Scholtes: the
essentially active pieces of a PC¹ function). The class is that of the issue: the tied switches
of each cell, as functions, span no more dimensions than their gradients at the point do (always
so for affine switches; curved ones qualify when independent of the others, or when fixed
combinations of independent ones, as in a max of smooth pieces with affinely independent
gradients). Outside it ``UndecidedError`` says why, never a guess. Non-Lipschitz f (a gradient
blowing up inside a cell) gives kind ``unbounded``.

>>> x, y, z = sp.symbols("x y z", real=True)
>>> clarke_nd(sp.Max(x, y, z), (x, y, z), (0, 0, 0)).vertices
((0, 0, 1), (0, 1, 0), (1, 0, 0))
>>> clarke_nd(abs(x) - abs(x) + z, (x, y, z), (0, 0, 0)).vertices
((0, 0, 1),)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

import sympy as sp

from ..errors import InputError, NotFiniteError, UndecidedError
from .lp_exact import Row, as_number, dot, exact_sign, hull_kind, hull_vertices, strictly_feasible
from .primitives import NONSMOOTH_FUNCS, branches, by_name

MAX_CELLS = 4096
_POOL = 64  # recent witness directions tried before an LP
# Branches of these meet continuously (their values agree where a switch ties); Piecewise, sign
# and Heaviside may jump, so a tie inside one of those needs ``_Fan._glued``.
_CONTINUOUS = tuple(by_name(name).sympy_func for name in ("abs", "max", "min"))
_TRUTH = {">": lambda s: s > 0, ">=": lambda s: s >= 0, "<": lambda s: s < 0,
          "<=": lambda s: s <= 0, "==": lambda s: s == 0, "!=": lambda s: s != 0}


@dataclass(frozen=True, eq=False)
class Switch:
    """A smooth function ``expr`` vanishing at the point, with its gradient there (``row`` is the
    gradient scaled to a primitive integer vector when rational); ``affine`` when exactly so.
    One object per expression in a run, so identity is equality (cheap hashing of cones)."""

    expr: sp.Expr
    gradient: tuple[sp.Expr, ...]
    row: Row
    affine: bool


@dataclass(frozen=True)
class Cell:
    """One open cell of the local fan: the signs of its switches, a direction d into it (the
    points p + s d, s > 0 small, lie in it), its smooth piece and that piece's gradient at p
    (None when the gradient blows up there)."""

    signs: tuple[tuple[sp.Expr, int], ...]
    direction: tuple[sp.Rational, ...]
    piece: sp.Expr
    gradient: tuple[sp.Expr, ...] | None


@dataclass(frozen=True)
class PolytopeResult:
    """The exact Clarke set: its extreme points ``vertices`` (no redundant ones) and ``kind`` in
    point | segment | polygon | polytope | unbounded (then no vertices); ``cells`` are the
    realizable cells around the point with their gradient limits."""

    vertices: tuple[tuple[sp.Expr, ...], ...]
    kind: str
    cells: tuple[Cell, ...]
    exact: bool = True


@dataclass(frozen=True)
class _Cone:
    """A cell under construction: the rows r with r·d > 0 on it, the switches whose signs it
    fixes, and a witness direction (valid once ``_Fan.feasible`` has checked it)."""

    rows: tuple[Row, ...]
    switches: tuple[tuple[Switch, int], ...]
    witness: Row = field(compare=False)
    key: int = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", hash((self.rows, self.switches)))

    def __hash__(self) -> int:
        return self.key  # cones key every memo: hash them once


def clarke_nd(expr: sp.Expr, variables: Sequence[sp.Symbol], point: Sequence[sp.Expr]
              ) -> PolytopeResult:
    """The exact Clarke set of ``expr`` (in ``variables``) at the exact ``point``.

    >>> x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    >>> relu = by_name("relu").build
    >>> clarke_nd(x3 * relu(x1 - x2), (x1, x2, x3), (0, 0, 1)).vertices
    ((0, 0, 0), (1, -1, 0))
    >>> clarke_nd(relu(x1 + x2) - relu(-x1 - x2), (x1, x2), (0, 0)).kind
    'point'
    """
    variables = tuple(variables)
    point = tuple(sp.sympify(c) for c in point)
    if len(variables) != len(point):
        raise InputError("The point needs one coordinate per variable.")
    fan = _Fan(variables, point)
    leaves = fan.expr(sp.sympify(expr), _Cone((), (), (0,) * len(variables)))
    cells, unbounded = [], False
    for cone, piece in leaves:
        if not _finite(fan.value(piece)):
            raise NotFiniteError(f"The function is not defined at the point (the piece {piece}).")
        gradient = fan.gradient(piece)
        direction = tuple(sp.sympify(a) for a in cone.witness)
        if gradient is None:
            if not fan.blows_up(piece, direction):
                raise UndecidedError(f"The gradient of the piece {piece} has no limit that the "
                                     "exact n-D engine can decide at the point.")
            unbounded = True
        cells.append(Cell(tuple((sw.expr, tau) for sw, tau in cone.switches), direction, piece,
                          gradient))
    fan.check_continuous(sp.sympify(expr), leaves)
    if unbounded:
        return PolytopeResult((), "unbounded", tuple(cells))
    vertices = hull_vertices([c.gradient for c in cells], [cone.witness for cone, _ in leaves])
    return PolytopeResult(vertices, hull_kind(vertices), tuple(cells))


def _normalised(gradient: Sequence[sp.Expr]) -> Row:
    nums = [as_number(g) for g in gradient]
    if all(isinstance(a, int | Fraction) for a in nums):
        scale = math.lcm(*(Fraction(a).denominator for a in nums))
        ints = [int(a * scale) for a in nums]
        g = math.gcd(*ints)
        return tuple(a // g for a in ints)
    lead = next(a for a in nums if exact_sign(a) != 0)
    return tuple(as_number(sp.radsimp(sp.sympify(a) / abs(lead))) for a in nums)


def _scaled(direction: Row) -> Row:
    """A positive multiple of a direction, in integers when it is rational (fast exact dots)."""
    if not all(isinstance(a, int | Fraction) for a in direction):
        return direction
    scale = math.lcm(*(Fraction(a).denominator for a in direction))
    ints = [int(a * scale) for a in direction]
    g = math.gcd(*ints) or 1
    return tuple(a // g for a in ints)


def _positive(value) -> bool:
    return value > 0 if isinstance(value, int | Fraction) else exact_sign(value) > 0


def _finite(value: sp.Expr) -> bool:
    return not (value.has(sp.zoo, sp.oo, sp.nan) or value.is_extended_real is False
                or value.is_finite is False)


class _Fan:
    """The local fan of one function at one point: memoised evaluation of nodes in cones."""

    def __init__(self, variables: tuple[sp.Symbol, ...], point: tuple[sp.Expr, ...]) -> None:
        self.variables = variables
        self.at = dict(zip(variables, point, strict=True))
        self.n = len(variables)
        self._switches: dict[sp.Expr, int | Switch] = {}
        self._exprs: dict = {}
        self._holds: dict = {}
        self._differences: dict = {}
        self._pool: list[Row] = []

    def value(self, e: sp.Expr) -> sp.Expr:
        return sp.sympify(e).xreplace(self.at)

    # --- switches and cones -------------------------------------------------------------

    def switch(self, s: sp.Expr) -> int | Switch:
        """The sign of s at the point when it is not 0 (0 when s vanishes identically), else
        the tied switch s."""
        if s in self._switches:
            return self._switches[s]
        v = self.value(s)
        if not _finite(v):
            raise NotFiniteError(f"The expression {s} is not defined at the point.")
        sign = exact_sign(v)
        if sign == 0:
            derivatives = self.derivatives(s)
            gradient = tuple(self.value(d) for d in derivatives)
            if not all(_finite(g) for g in gradient):
                raise UndecidedError(f"The switch {s} = 0 has no gradient at the point, so the "
                                     "exact n-D engine cannot decide the cells around it.")
            if all(exact_sign(g) == 0 for g in gradient):
                if sp.expand(s) != 0 and sp.simplify(s) != 0:
                    raise UndecidedError(
                        f"The switch {s} = 0 at the point has a zero gradient there, so no "
                        "linear test decides the cells around it (outside the exact n-D class).")
            else:
                variables = set(self.variables)
                affine = all(not (sp.expand(d).free_symbols & variables) for d in derivatives)
                sign = Switch(s, gradient, _normalised(gradient), affine)
        self._switches[s] = sign
        return sign

    def add(self, cone: _Cone, switch: Switch, tau: int) -> _Cone | None:
        """The cone with sign(switch) = tau added (not yet checked for feasibility)."""
        row = switch.row if tau > 0 else tuple(-a for a in switch.row)
        if tuple(-a for a in row) in cone.rows:
            return None
        switches = cone.switches
        if not any(sw is switch for sw, _ in switches):  # one Switch per expression (memo)
            switches += ((switch, tau),)
            if not (switch.affine and all(sw.affine for sw, _ in switches)):
                _check_transversal([sw for sw, _ in switches], self.variables)
        rows = cone.rows if row in cone.rows else (*cone.rows, row)
        return _Cone(rows, switches, cone.witness)

    def feasible(self, cone: _Cone) -> _Cone | None:
        """The cone with a valid witness direction, or None when it is not an open cell."""
        w = cone.witness
        bad = [r for r in cone.rows if not _positive(dot(r, w))]
        if not bad:
            return cone
        r = bad[0]
        if len(bad) == 1 and dot(r, w) == 0 and all(isinstance(a, int | Fraction) for a in r):
            # w is inside the other rows' open cone, so w + eps r is too for eps small enough.
            eps = Fraction(1)
            for q in cone.rows:
                qr = dot(q, r)
                if q != r and qr < 0:
                    eps = min(eps, Fraction(dot(q, w)) / (2 * -qr))
            moved = tuple(a + eps * b for a, b in zip(w, r, strict=True))
            return replace(cone, witness=_scaled(moved))
        if len(bad) == 1 and all(isinstance(a, int | Fraction) for a in r):
            # Step just across the one violated hyperplane: often still inside the others.
            step = Fraction(-dot(r, w)) / dot(r, r) * Fraction(9, 8) + Fraction(1, 64)
            moved = tuple(a + step * b for a, b in zip(w, r, strict=True))
            if all(dot(q, moved) > 0 for q in cone.rows):
                return replace(cone, witness=_scaled(moved))
        # Directions found for earlier cells often lie in this one too: try the latest first.
        for w in reversed(self._pool):
            if all(_positive(dot(q, w)) for q in cone.rows):
                return replace(cone, witness=w)
        witness = strictly_feasible(cone.rows, self.n)
        if witness is None:
            return None
        witness = _scaled(witness)  # and remembered for the next cells
        self._pool = [*self._pool[-_POOL + 1:], witness]
        return replace(cone, witness=witness)

    # --- expressions and conditions ------------------------------------------------------

    def expr(self, e: sp.Expr, cone: _Cone) -> list[tuple[_Cone, sp.Expr]]:
        """The cells of ``cone`` on which ``e`` is one smooth expression, with that expression."""
        if not e.has(*NONSMOOTH_FUNCS):
            return [(cone, e)]
        key = (e, cone)
        if key in self._exprs:
            return self._exprs[key]
        split = branches(e)
        if split is None:
            partial: list[tuple[_Cone, tuple]] = [(cone, ())]
            for arg in e.args:
                partial = [(c2, (*done, s)) for c, done in partial for c2, s in self.expr(arg, c)]
            out = [(c, e.func(*args)) for c, args in partial]
        else:
            out, used = [], set()
            for i, b in enumerate(split):
                for c in self.holds(b.condition, cone, True):
                    cells = [c]
                    for prev in split[:i]:
                        cells = [c3 for c2 in cells for c3 in self._fails(prev.condition, c2)]
                    for c2 in cells:
                        used.add(i)
                        out += self.expr(b.value, c2)
            if len(used) > 1 and e.func not in _CONTINUOUS and not self._glued(cone, out):
                raise UndecidedError(f"The switch of {e} is tied at the point and it may jump "
                                     "there; the exact n-D engine decides such ties only across "
                                     "one affine switch where the pieces agree.")
        if len(out) > MAX_CELLS:
            raise UndecidedError(f"More than {MAX_CELLS} cells meet at the point; the exact n-D "
                                 "engine stops there.")
        self._exprs[key] = out
        return out

    def _fails(self, cond, cone: _Cone) -> list[_Cone]:
        if not self.holds(cond, cone, True):
            return [cone]
        return self.holds(cond, cone, False)

    def holds(self, cond, cone: _Cone, want: bool) -> list[_Cone]:
        """The open cells of ``cone`` (checked) on which ``cond`` has truth value ``want``."""
        key = (cond, cone, want)
        if key in self._holds:
            return self._holds[key]
        if isinstance(cond, tuple | sp.And | sp.Or):
            parts = cond if isinstance(cond, tuple) else cond.args
            conjunction = not isinstance(cond, sp.Or)
            if want == conjunction:
                out = self._all(parts, cone, want)
            else:  # first part deciding, in order: a partition of the cone
                out, current = [], [cone]
                for part in parts:
                    out += [c2 for c in current for c2 in self.holds(part, c, want)]
                    current = [c2 for c in current for c2 in self.holds(part, c, not want)]
        elif isinstance(cond, sp.Not):
            out = self.holds(cond.args[0], cone, not want)
        elif cond in (sp.true, sp.false, True, False):
            out = [cone] if bool(cond) == want else []
        elif isinstance(cond, sp.core.relational.Relational):
            out = [c2 for c in self._relation(cond, cone, want)
                   if (c2 := self.feasible(c)) is not None]
        else:
            raise UndecidedError(f"The exact n-D engine cannot read the condition {cond}.")
        self._holds[key] = out
        return out

    def _all(self, parts, cone: _Cone, want: bool) -> list[_Cone]:
        """Every part has value ``want``: constraints gathered, one feasibility check at the end."""
        pending = [cone]
        for part in parts:
            new = []
            for c in pending:
                if isinstance(part, sp.core.relational.Relational):
                    if part.has(*NONSMOOTH_FUNCS):
                        c = self.feasible(c)
                        if c is None:
                            continue
                    new += self._relation(part, c, want)
                else:
                    checked = self.feasible(c)
                    new += self.holds(part, checked, want) if checked is not None else []
            pending = new
        return [c2 for c in pending if (c2 := self.feasible(c)) is not None]

    def _relation(self, rel, cone: _Cone, want: bool) -> list[_Cone]:
        truth = _TRUTH[rel.rel_op]
        out = []
        for c1, lhs in self.expr(rel.lhs, cone):
            for c2, rhs in self.expr(rel.rhs, c1):
                pair = (lhs, rhs)
                if pair not in self._differences:
                    self._differences[pair] = self.switch(lhs - rhs)
                sw = self._differences[pair]
                if isinstance(sw, int):
                    if truth(sw) == want:
                        out.append(c2)
                    continue
                taus = [t for t in (1, -1) if truth(t) == want]
                if len(taus) == 2:
                    out.append(c2)
                elif taus and (c3 := self.add(c2, sw, taus[0])) is not None:
                    out.append(c3)
        return out

    # --- pieces ------------------------------------------------------------------------

    def derivatives(self, e: sp.Expr) -> list[sp.Expr]:
        """The partial derivatives of e; read off directly when e is linear (the common case:
        sympy's diff dominates the run time otherwise)."""
        coefficients = dict.fromkeys(self.variables, sp.Integer(0))
        for term in sp.Add.make_args(e):
            coeff, rest = term.as_coeff_Mul()
            if rest in coefficients:
                coefficients[rest] += coeff
            elif rest.free_symbols & coefficients.keys():
                return [sp.diff(e, x) for x in self.variables]
        return list(coefficients.values())

    def gradient(self, piece: sp.Expr) -> tuple[sp.Expr, ...] | None:
        """The gradient of a smooth piece at the point, or None when it is not a finite number."""
        out = []
        for d in self.derivatives(piece):
            g = self.value(d)
            if not _finite(g):
                return None
            out.append(sp.nsimplify(g) if g.is_Float else g)
        return tuple(out)

    def blows_up(self, piece: sp.Expr, direction: tuple) -> bool:
        """Whether some partial derivative of the piece tends to ±oo along p + s d, s -> 0+."""
        if all(sp.sympify(a) == 0 for a in direction):
            direction = (1,) + (0,) * (self.n - 1)
        s = sp.Symbol("s", positive=True)
        ray = {x: self.at[x] + s * d for x, d in zip(self.variables, direction, strict=True)}
        for x in self.variables:
            try:
                limit = sp.limit(sp.diff(piece, x).xreplace(ray), s, 0, "+")
            except (NotImplementedError, ValueError, TypeError):
                continue
            if limit in (sp.oo, -sp.oo):
                return True
        return False

    def _glued(self, cone: _Cone, out: list[tuple[_Cone, sp.Expr]]) -> bool:
        """Whether the pieces of a possibly jumping node (Piecewise, sign, Heaviside) split by
        one new affine switch s agree on s = 0: then the node is continuous near the point."""
        new = {sw for c, _ in out for sw, _ in c.switches} - {sw for sw, _ in cone.switches}
        if len(new) != 1 or not (s := next(iter(new))).affine:
            return False
        k = next(i for i, g in enumerate(s.gradient) if exact_sign(g) != 0)
        v = self.variables[k]
        on_switch = {v: sp.solve(s.expr, v)[0]}
        pieces = list({piece for _, piece in out})
        return all(sp.simplify((a - pieces[0]).xreplace(on_switch)) == 0 for a in pieces[1:])

    def check_continuous(self, expr: sp.Expr, leaves: list[tuple[_Cone, sp.Expr]]) -> None:
        """The pieces, and f itself, must take one value at the point (else f jumps there)."""
        values = {self.value(piece) for _, piece in leaves} | {self.value(expr)}
        if len(values) > 1 and any(exact_sign(a - b) != 0 for a in values for b in values):
            raise UndecidedError("The pieces around the point take different values there, so "
                                 "the function jumps and has no Clarke set.")


def _terms(expr: sp.Expr, variables: tuple[sp.Symbol, ...]) -> dict[sp.Expr, sp.Expr]:
    """expr as a sum of coefficient * term, the coefficients free of the variables."""
    out: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(sp.expand(expr)):
        coeff, base = term.as_independent(*variables, as_Add=False)
        out[base] = out.get(base, 0) + coeff
    return out


def _check_transversal(switches: list[Switch], variables: tuple[sp.Symbol, ...]) -> None:
    """The switches, as functions, must span no more dimensions than their gradients at the
    point do: then a basis of them has independent gradients, a C¹ change of coordinates makes
    that basis linear, every other switch is a fixed combination of it, and the LP's cells are
    the true ones. Otherwise a cell may be a cusp that no linear test sees. Linear relations are
    read off the expanded terms, so a relation sympy does not see only makes this stricter."""
    expansions = [_terms(sw.expr, variables) for sw in switches]
    bases = list(dict.fromkeys(b for e in expansions for b in e))
    functions = sp.Matrix([[e.get(b, 0) for b in bases] for e in expansions]).rank()
    gradients = sp.Matrix([sw.gradient for sw in switches]).rank()
    if functions != gradients:
        names = ", ".join(str(sw.expr) for sw in switches if not sw.affine)
        raise UndecidedError(f"The curved switch {names} = 0 has a gradient dependent on the "
                             "other switches' at the point, so thin cells may hide from a "
                             "linear test (outside the exact n-D class).")
