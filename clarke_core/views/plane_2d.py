"""What the 2D page says about its sets, decided here so that the figures only draw it: labels
of vertices and pieces, a walk around the Clarke set, the support-plane verdict, whether the two
sets are one, and what gradient sampling finds (its hull, the vertices it misses, the distance).

>>> square = DifferentialSet("polygon", [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)])
>>> vertex_labels(square)[:2]
['(−1, −1)', '(1, −1)']
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from ..engine import geometry, printing
from ..engine.geometry import hausdorff_2d
from ..engine.sets import DifferentialSet, SetKind, Witness
from . import steps
from .explore_2d import SAMPLING_RADII, Exploration2D
from .labels import fmt

Point = tuple[float, float]


def piece_name(index: int) -> str:
    """``f₁``, ``f₂``, ... for piece 0, 1, ...

    >>> piece_name(11)
    'f₁₂'
    """
    return "f" + printing.subscript(index + 1)


vector_label = printing.vector_label  # a gradient as (a, b): exact as page text, else 4 digits


def vertex_labels(dset: DifferentialSet) -> list[str]:
    """One label per vertex of ``dset``, printed as the live table prints its numbers
    (``steps.vector``: exact where the engine knows it and short, else "≈" and 4 digits, with
    the minus sign U+2212), so a vertex on the gradient plane reads as the limit in the table."""
    exact = dset.exact if dset.exact is not None and len(dset.exact) == len(dset.vertices) \
        else [None] * len(dset.vertices)
    return [steps.vector(v, e) for v, e in zip(dset.vertices, exact, strict=True)]


def set_latex(dset: DifferentialSet | None) -> str:
    """LaTeX for a set on the page; a curved set by its closed form where the engine knows it
    (the unit disk {s : ‖s‖ ≤ 1}), else described, never listed vertex by vertex."""
    if dset is None:
        return r"\text{undecided}"
    if dset.kind == SetKind.CONVEX:
        return dset.latex()
    if dset.exact is None:  # numeric vertices: rounding noise (-1e-13) is shown as 0
        dset = dataclasses.replace(dset, vertices=[
            tuple(0.0 if abs(c) < 1e-9 else c for c in v) for v in dset.vertices])
    return dset.latex()


def gradient_caption(dset: DifferentialSet) -> str:
    """The caption under the gradient plane's animation: a curved set has no vertices.

    >>> gradient_caption(DifferentialSet("segment", [(0.0, 1.0), (1.0, 0.0)]))[-34:]
    'a vertex of the shaded Clarke set.'
    >>> "curved boundary" in gradient_caption(DifferentialSet("convex", [(1.0, 0.0), (0.0, 1.0)]))
    True
    """
    where = ("a point on the curved boundary of the shaded Clarke set"
             if dset.kind == SetKind.CONVEX else "a vertex of the shaded Clarke set")
    return ("Press ▶ Play: each arrow is ∇f(xᵢ) at the point xᵢ of the same colour on the map; "
            f"its limit is {where}.")


def boundary_point(dset: DifferentialSet, t: float) -> Point | None:
    """The point a fraction ``t`` in [0, 1] of the way around the boundary of ``dset``.

    It starts at the first vertex and walks the vertices counter-clockwise (a segment from one
    end to the other). None for sets with no points to walk (empty, unbounded).

    >>> square = DifferentialSet("polygon", [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)])
    >>> boundary_point(square, 0.0), boundary_point(square, 0.375), boundary_point(square, 1.0)
    ((-1.0, -1.0), (1.0, 0.0), (-1.0, -1.0))
    >>> boundary_point(DifferentialSet("segment", [(0.0, 1.0), (1.0, 0.0)]), 0.5)
    (0.5, 0.5)
    """
    verts = [(float(v[0]), float(v[1])) for v in dset.vertices if len(v) == 2]
    if dset.kind in (SetKind.EMPTY, SetKind.UNBOUNDED) or not verts:
        return None
    if len(verts) == 1:
        return verts[0]
    path = verts if len(verts) == 2 else [*verts, verts[0]]
    lengths = [math.dist(a, b) for a, b in zip(path, path[1:], strict=False)]
    total = sum(lengths)
    if total == 0:
        return verts[0]
    walk = min(max(t, 0.0), 1.0) * total
    for (a, b), length in zip(zip(path, path[1:], strict=False), lengths, strict=True):
        if walk <= length and length > 0:
            u = walk / length
            return (a[0] + u * (b[0] - a[0]), a[1] + u * (b[1] - a[1]))
        walk -= length
    return path[-1]


def finite_pairs(points: Sequence[Sequence[float]]) -> list[Point]:
    """The points of the plane among ``points`` with finite coordinates, as float pairs.

    >>> finite_pairs([(1, 2), (float("inf"), 0), (3,)])
    [(1.0, 2.0)]
    """
    return [(float(p[0]), float(p[1])) for p in points
            if len(p) == 2 and math.isfinite(p[0]) and math.isfinite(p[1])]


def witness_point(w: Witness) -> str:
    """Where a witness q′ is, as the live table prints numbers (exact where known).

    >>> import sympy as sp
    >>> witness_point(Witness((-0.5, 0.0), 0.0, "", (-sp.Rational(1, 2), sp.S(0))))
    '(−1/2, 0)'
    """
    exact = w.exact_point if w.exact_point is not None and len(w.exact_point) == len(w.point) \
        else None
    return steps.vector(w.point, exact)


def witness_bound(w: Witness) -> str:
    """What a witness q′ forces on s, with the live table's numbers (as the engine says it
    when only its text is known)."""
    if w.limit is not None and w.direction is not None:
        return printing.bound_text(w.direction, w.limit, w.lower, steps.exact_number)
    return w.bound


def witness_caption(w: Witness) -> str:
    """A witness q′ on the gradient plane (its hover), with the table's numbers.

    >>> import sympy as sp
    >>> half = sp.Rational(1, 2)
    >>> witness_caption(Witness((-0.5, 0.0), 0.0, "", (-half, sp.S(0)), -half, False, (-half, 0)))
    'q′ = (−1/2, 0) needs ⟨s, (−1/2, 0)⟩ ≤ −1/2; hatched: ruled out'
    """
    return f"q′ = {witness_point(w)} needs {witness_bound(w)}; hatched: ruled out"


def plane_verdict(ex: Exploration2D, s: Point) -> str:
    """One phrase on the plane f(x₀) + ⟨s, x − x₀⟩: a support plane, or one that crosses f."""
    sub = ex.subdifferential
    if sub is None:
        return "undecided: the engine could not settle the subdifferential"
    if sub.contains(s, tol=1e-6):
        return "a support plane: it stays below f everywhere"
    return "not a support plane: it crosses f (purple where it rises above f)"


def sampled(ex: Exploration2D, k: int) -> list[Point]:
    """The finite gradients sampled within radius ``SAMPLING_RADII[k]`` ([] for no such k)."""
    return finite_pairs(ex.sampled[k]) if 0 <= k < len(ex.sampled) else []


def missed_vertices(ex: Exploration2D, k: int) -> list[int]:
    """Indices of the Clarke set's vertices that no sampled gradient comes near."""
    clarke, grads = ex.clarke, sampled(ex, k)
    if clarke.kind in (SetKind.CONVEX, SetKind.EMPTY, SetKind.UNBOUNDED) or not grads:
        return []
    verts = np.asarray(finite_pairs(clarke.vertices))
    if verts.size == 0:
        return []
    diameter = float(np.max(np.ptp(verts, axis=0))) if len(verts) > 1 else 0.0
    tol = 0.05 * max(diameter, 1.0)
    g = np.asarray(grads)
    dist = np.min(np.linalg.norm(verts[:, None, :] - g[None, :, :], axis=2), axis=1)
    return [i for i, d in enumerate(dist) if d > tol]


def sampling_note(ex: Exploration2D, k: int) -> str:
    """One sentence on what gradient sampling at radius ``SAMPLING_RADII[k]`` finds and misses."""
    radius, grads = fmt(SAMPLING_RADII[k]), sampled(ex, k)
    if ex.clarke.kind == SetKind.UNBOUNDED:
        return (f"Within ε = {radius} the sampled gradients keep growing: no finite set to "
                "estimate.")
    if not grads:
        return f"No gradient could be sampled within ε = {radius}."
    missed = missed_vertices(ex, k)
    labels = vertex_labels(ex.clarke)
    n = len(grads)
    if missed:
        names = ", ".join(labels[i] for i in missed)
        return (f"Within ε = {radius}, none of the {n} sampled gradients comes near {names}: "
                "sampling misses the thin region where that gradient lives, so its estimate is "
                "too small.")
    distance = hausdorff_2d(grads, finite_pairs(ex.clarke.vertices))
    gap = "less than 0.001" if distance < 1e-3 else f"{distance:.2g}"
    return (f"Within ε = {radius}, the {n} sampled gradients reach every part of the Clarke set: "
            f"the distance between their hull and the set is {gap}.")


def sampled_hull(ex: Exploration2D, k: int) -> list[Point]:
    """The hull of the gradients sampled at radius ``SAMPLING_RADII[k]``: sampling's estimate."""
    return geometry.hull(sampled(ex, k))


def subdifferential_is_clarke(ex: Exploration2D) -> bool:
    """Whether the subdifferential is the Clarke set itself (one outline is drawn, not two)."""
    sub = ex.subdifferential
    if sub is None or sub.kind in (SetKind.EMPTY, SetKind.UNBOUNDED) or sub.kind != ex.clarke.kind:
        return False
    return geometry.same_set(ex.clarke, sub)
