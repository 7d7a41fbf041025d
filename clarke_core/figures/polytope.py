"""The Clarke set of f of 3 or more variables: plain data (``Solid``s of ``views.explore_nd``) in,
a plotly figure out, in three coordinates or in two (a projection).

In R³ a polytope is a ``Mesh3d`` of its hull's triangles with its edges drawn, a flat polygon a
flat mesh, a segment a line and a point a marker; every vertex is a marker labelled with its
exact coordinates. The subdifferential, when there is one to draw, is outlined over it (dashed).
The labels and the kinds are decided exactly in ``views.explore_nd``; the triangles here are
floats for drawing only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from scipy.spatial import ConvexHull

from ..views.explore_nd import Solid
from . import style

HEIGHT = 600
_PAD = 0.25  # of the set's span, around it on every axis


def _plane_order(points: np.ndarray) -> list[int]:
    """The points of a flat convex polygon in R³, in order around it (its normal from an SVD)."""
    centre = points.mean(axis=0)
    _, _, axes = np.linalg.svd(points - centre)
    u, v = axes[0], axes[1]
    angles = [math.atan2(float((p - centre) @ v), float((p - centre) @ u)) for p in points]
    return sorted(range(len(points)), key=angles.__getitem__)


def _faces(points: np.ndarray) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """Triangles and edges of a solid polytope in R³: triangles of one facet share its plane,
    and an edge is a side of only one triangle of its facet (so facet diagonals are not drawn)."""
    hull = ConvexHull(points)
    triangles = [tuple(int(i) for i in s) for s in hull.simplices]
    facets: dict[tuple, list[tuple[int, int, int]]] = {}
    scale = float(np.abs(points).max()) or 1.0
    for tri, eq in zip(triangles, hull.equations, strict=True):
        key = tuple(np.round(np.append(eq[:3], eq[3] / scale), 6))
        facets.setdefault(key, []).append(tri)
    edges: set[tuple[int, int]] = set()
    for tris in facets.values():
        count: dict[tuple[int, int], int] = {}
        for a, b, c in tris:
            for e in ((a, b), (b, c), (a, c)):
                e = (min(e), max(e))
                count[e] = count.get(e, 0) + 1
        edges.update(e for e, k in count.items() if k == 1)
    return triangles, sorted(edges)


def _shape(s: Solid) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """Triangles and edges of ``s`` in three coordinates, by its exact kind."""
    n = len(s.vertices)
    if s.kind == "polytope":
        return _faces(np.array(s.vertices, dtype=float))
    if s.kind == "polygon":
        order = _plane_order(np.array(s.vertices, dtype=float))
        fan = [(order[0], order[k], order[k + 1]) for k in range(1, n - 1)]
        return fan, [(order[k], order[(k + 1) % n]) for k in range(n)]
    if s.kind == "segment":
        return [], [(0, 1)]
    return [], []


def _edge_xyz(s: Solid, edges: Sequence[tuple[int, int]]) -> list[list[float | None]]:
    coords: list[list[float | None]] = [[], [], []]
    for a, b in edges:
        for axis in range(3):
            coords[axis] += [s.vertices[a][axis], s.vertices[b][axis], None]
    return coords


def _range(solids: Sequence[Solid], dims: int) -> list[list[float]]:
    """One span for every axis (so a cube looks like one), around the sets and the origin."""
    pts = np.array([v for s in solids for v in s.vertices] + [(0.0,) * dims], dtype=float)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    span = max(float((hi - lo).max()), 1.0) * (1 + 2 * _PAD)
    mid = (lo + hi) / 2
    return [[float(m - span / 2), float(m + span / 2)] for m in mid]


def _vertices_3d(s: Solid, colour: str, name: str, labelled: bool) -> go.Scatter3d:
    x, y, z = (list(c) for c in zip(*s.vertices, strict=True))
    return go.Scatter3d(x=x, y=y, z=z, mode="markers+text" if labelled else "markers",
                        text=list(s.labels), textposition="top center", name=name,
                        marker={"size": 5 if labelled else 4, "color": colour},
                        hovertemplate="%{text}<extra>" + name + "</extra>",
                        showlegend=not labelled)


def _title(text: str) -> dict:
    """The title at the figure's top edge, above the legend's rows (which grow upwards from the
    plot as the screen narrows): centred in the margin, it ran into a legend of two rows."""
    return {"text": text, "yref": "container", "y": 1, "yanchor": "top", "pad": {"t": 8}}


def _figure_3d(clarke: Solid, sub: Solid | None, axes: Sequence[str], title: str) -> go.Figure:
    fig = go.Figure()
    triangles, edges = _shape(clarke)
    x, y, z = (list(c) for c in zip(*clarke.vertices, strict=True))
    if triangles:
        i, j, k = (list(c) for c in zip(*triangles, strict=True))
        fig.add_trace(go.Mesh3d(x=x, y=y, z=z, i=i, j=j, k=k, color=style.CLARKE_SET,
                                opacity=0.35, flatshading=True, name="Clarke set ∂f(x₀)",
                                showlegend=True, hoverinfo="skip"))
    if edges:
        ex, ey, ez = _edge_xyz(clarke, edges)
        fig.add_trace(go.Scatter3d(x=ex, y=ey, z=ez, mode="lines", hoverinfo="skip",
                                   line={"color": style.CLARKE_SET, "width": 5},
                                   name="its edges", showlegend=not triangles))
    fig.add_trace(_vertices_3d(clarke, style.CLARKE_SET, "vertices of ∂f(x₀)", True))
    if sub is not None:
        _, sub_edges = _shape(sub)
        if sub_edges:
            sx, sy, sz = _edge_xyz(sub, sub_edges)
            fig.add_trace(go.Scatter3d(x=sx, y=sy, z=sz, mode="lines", hoverinfo="skip",
                                       line={"color": style.SUBDIFFERENTIAL, "width": 4,
                                             "dash": "dash"},
                                       name="subdifferential ∂ₛf(x₀)"))
        fig.add_trace(_vertices_3d(sub, style.SUBDIFFERENTIAL, "vertices of ∂ₛf(x₀)", False))
    fig.add_trace(go.Scatter3d(x=[0.0], y=[0.0], z=[0.0], mode="markers", name="the origin 0",
                               marker={"size": 3, "color": style.NEUTRAL, "symbol": "cross"},
                               hovertemplate="0<extra></extra>"))
    ranges = _range([clarke] + ([sub] if sub else []), 3)
    scene = {f"{a}axis": style.axis_3d(t, *r) for a, t, r in zip("xyz", axes, ranges, strict=True)}
    fig.update_layout(**style.base_layout(
        title=_title(title), height=HEIGHT, margin={"l": 0, "r": 0, "t": 100, "b": 0},
        scene={**scene, "aspectmode": "cube",
               "camera": {"eye": {"x": 1.7, "y": 1.45, "z": 1.0}}}))
    return fig


def _closed(s: Solid) -> list[int]:
    return [*range(len(s.vertices)), 0] if s.kind == "polygon" else list(range(len(s.vertices)))


def _figure_2d(clarke: Solid, sub: Solid | None, axes: Sequence[str], title: str) -> go.Figure:
    fig = go.Figure()
    order = _closed(clarke)  # a polygon's vertices come counter-clockwise (views.explore_nd)
    fig.add_trace(go.Scatter(
        x=[clarke.vertices[i][0] for i in order], y=[clarke.vertices[i][1] for i in order],
        mode="lines", fill="toself" if clarke.kind == "polygon" else None,
        fillcolor=style.translucent(style.CLARKE_SET, 0.3), name="Clarke set ∂f(x₀)",
        line={"color": style.CLARKE_SET, "width": 3}, hoverinfo="skip"))
    fig.add_trace(go.Scatter(
        x=[v[0] for v in clarke.vertices], y=[v[1] for v in clarke.vertices],
        mode="markers+text", text=list(clarke.labels), textposition="top center",
        marker={"size": 9, "color": style.CLARKE_SET}, name="vertices of ∂f(x₀)",
        showlegend=False, hovertemplate="%{text}<extra></extra>"))
    if sub is not None:
        order = _closed(sub)
        fig.add_trace(go.Scatter(
            x=[sub.vertices[i][0] for i in order], y=[sub.vertices[i][1] for i in order],
            mode="lines+markers", name="subdifferential ∂ₛf(x₀)", text=list(sub.labels),
            line={"color": style.SUBDIFFERENTIAL, "width": 2, "dash": "dash"},
            hovertemplate="%{text}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[0.0], y=[0.0], mode="markers", name="the origin 0",
                             marker={"size": 8, "color": style.NEUTRAL, "symbol": "x"},
                             hovertemplate="0<extra></extra>"))
    xr, yr = _range([clarke] + ([sub] if sub else []), 2)
    fig.update_layout(**style.base_layout(
        title=_title(title), height=HEIGHT - 80, margin={"l": 60, "r": 20, "t": 100, "b": 50},
        xaxis={"title": {"text": axes[0]}, "range": xr, "zeroline": True},
        yaxis={"title": {"text": axes[1]}, "range": yr, "scaleanchor": "x", "zeroline": True}))
    return fig


def set_figure(clarke: Solid, sub: Solid | None, axes: Sequence[str], title: str) -> go.Figure:
    """The Clarke set ``clarke`` (and the subdifferential ``sub`` outlined, when given) in the
    two or three coordinates named by ``axes``; ``title`` heads the figure.

    >>> from clarke_core.views.explore_nd import solid
    >>> fig = set_figure(solid([(1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)]), None,
    ...                  ("∂f/∂x", "∂f/∂y", "∂f/∂z"), "∂f(x₀)")
    >>> [t.type for t in fig.data][:2], fig.data[2].text
    (['mesh3d', 'scatter3d'], ('(1, 0, 0)', '(0, 1, 0)', '(0, 0, 1)', '(0, 0, 0)'))
    """
    if len(axes) == 3:
        return _figure_3d(clarke, sub, axes, title)
    return _figure_2d(clarke, sub, axes, title)
