"""Two functions side by side (``views.compare``), on the same axes so the eye compares them: in 1D
the graph with the lines through (x₀, f(x₀)) whose slopes bound the Clarke set (solid) and the
subdifferential (dashed); in 2D the two sets in the s-plane."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..engine.sets import DifferentialSet, SetKind
from ..views.compare import Comparison, Side
from . import style

_HEIGHT = 380


def _ends(s: DifferentialSet | None) -> tuple[float, float] | None:
    if s is None or not s.vertices or s.kind in (SetKind.EMPTY, SetKind.UNBOUNDED):
        return None
    values = [v[0] for v in s.vertices]
    return min(values), max(values)


def _lines(fig: go.Figure, side: Side, s: DifferentialSet | None, name: str, colour: str,
           dash: str) -> None:
    ends = _ends(s)
    if ends is None:
        return
    x0, y0 = side.point[0], side.value
    xs = np.array([side.graph_x[0], side.graph_x[-1]])
    for k, slope in enumerate(sorted(set(ends))):
        fig.add_trace(go.Scatter(x=xs, y=y0 + slope * (xs - x0), mode="lines", name=name,
                                 legendgroup=name, showlegend=k == 0, hoverinfo="skip",
                                 line={"color": colour, "width": 2, "dash": dash}))


def _graph(side: Side, name: str, y_range: list[float]) -> go.Figure:
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=side.graph_x, y=side.graph_y, mode="lines", name=f"graph of {name}",
                             line={"color": style.FUNCTION, "width": 3}))
    _lines(fig, side, side.clarke, f"slopes bounding ∂{name}(x₀)", style.CLARKE_SET, "solid")
    _lines(fig, side, side.subdifferential, f"slopes bounding ∂ₛ{name}(x₀)",
           style.SUBDIFFERENTIAL, "dash")
    fig.add_trace(go.Scatter(x=[side.point[0]], y=[side.value], mode="markers",
                             name=f"(x₀, {name}(x₀))", marker={"color": style.POINT, "size": 11}))
    fig.update_layout(**style.base_layout(height=_HEIGHT), xaxis_title="x", yaxis_title="value",
                      yaxis_range=y_range, showlegend=True)
    return fig


def _outline(s: DifferentialSet) -> tuple[list[float], list[float]]:
    pts = [tuple(v) for v in s.vertices]
    if len(pts) > 2:
        pts.append(pts[0])
    return [p[0] for p in pts], [p[1] for p in pts]


def _plane(side: Side, name: str, reach: float) -> go.Figure:
    fig = go.Figure()
    if side.clarke.vertices and side.clarke.kind != SetKind.UNBOUNDED:
        xs, ys = _outline(side.clarke)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", fill="toself",
                                 name=f"Clarke set ∂{name}(x₀)",
                                 fillcolor=style.translucent(style.CLARKE_SET, 0.3),
                                 line={"color": style.CLARKE_SET, "width": 3}))
    sub = side.subdifferential
    if sub is not None and sub.vertices and sub.kind != SetKind.EMPTY:
        xs, ys = _outline(sub)
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=f"subdifferential ∂ₛ{name}(x₀)",
                                 line={"color": style.SUBDIFFERENTIAL, "width": 3,
                                       "dash": "dash"}))
    elif sub is not None:
        fig.add_annotation(text=f"∂ₛ{name}(x₀) = ∅", x=0.02, y=0.98, xref="paper", yref="paper",
                           showarrow=False, xanchor="left", yanchor="top",
                           font={"color": style.SUBDIFFERENTIAL, "size": 16})
    axis = {"range": [-reach, reach], "zeroline": True}
    fig.update_layout(**style.base_layout(height=_HEIGHT), xaxis={**axis, "title": "s₁"},
                      yaxis={**axis, "title": "s₂", "scaleanchor": "x"}, showlegend=True)
    return fig


def pair_figures(pair: Comparison) -> tuple[go.Figure, go.Figure]:
    """One figure per function, on shared axes.

    >>> from clarke_core.views.compare import compare
    >>> f, g = pair_figures(compare("abs(x)", "-abs(x)", "0", dim=1))
    >>> [t.name for t in g.data if t.showlegend is not False]
    ['graph of g', 'slopes bounding ∂g(x₀)', '(x₀, g(x₀))']
    >>> f.layout.yaxis.range == g.layout.yaxis.range
    True
    """
    sides = pair.sides
    if len(sides[0].point) == 1:
        values = np.array([v for s in sides for v in s.graph_y], dtype=float)
        values = values[np.isfinite(values)]
        lo, hi = (float(values.min()), float(values.max())) if values.size else (-1.0, 1.0)
        pad = 0.1 * max(hi - lo, 1e-6)
        return (_graph(sides[0], "f", [lo - pad, hi + pad]),
                _graph(sides[1], "g", [lo - pad, hi + pad]))
    coords = [abs(c) for s in sides for d in (s.clarke, s.subdifferential) if d is not None
              for v in d.vertices for c in v]
    reach = 1.25 * max(coords, default=1.0) or 1.0
    return _plane(sides[0], "f", reach), _plane(sides[1], "g", reach)
