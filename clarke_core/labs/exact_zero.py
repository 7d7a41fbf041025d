"""Whether a function is identically zero, decided exactly (through Max and Min, which
sympy's ``simplify`` cannot see through): used by the homogeneity lab to tell the zero function
and cancelling terms (``relu(x) - relu(-x) - x``) from the rest.
"""

from __future__ import annotations

import sympy as sp

from ..engine.local import form_by_signs
from ..engine.primitives import switches
from ..errors import UndecidedError


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
    out = [sp.expand(g) for e in sp.preorder_traversal(expr) for g in switches(e)]
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
