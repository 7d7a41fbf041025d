"""The Properties page in 2D: f'(x0; d) against the support function of ∂f(x0) around the circle
of directions d = (cos θ, sin θ). Regular means the two curves are one."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..labs.properties_2d import Properties2D, directional_curves
from ..views import steps
from . import style


def directional_figure(report: Properties2D) -> go.Figure:
    """The two curves over θ in degrees, the gap between them shaded.

    >>> from clarke_core.labs.properties_2d import study_properties_2d
    >>> fig = directional_figure(study_properties_2d("y - abs(x)", "0, 0"))
    >>> [t.name for t in fig.data if t.showlegend is not False]
    ['gap: f is not regular', 'max ⟨s, d⟩ over ∂f(x₀)', 'f′(x₀; d)']
    """
    theta, directional, support = directional_curves(report)
    degrees = np.degrees(theta)
    gap = np.isfinite(directional) & (support - directional > 1e-9)
    fig = go.Figure()
    # The shade between the two curves is the gap (none where f is regular): an unseen copy of
    # f′ as its floor and of the support curve filled down to it, then both curves on top.
    fig.add_trace(go.Scatter(x=degrees, y=directional, mode="lines", line={"width": 0},
                             showlegend=False, hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=degrees, y=np.where(gap, support, directional), mode="lines",
                             fill="tonexty", line={"width": 0}, hoverinfo="skip",
                             fillcolor=style.translucent(style.POINT, 0.25),
                             name="gap: f is not regular", showlegend=bool(gap.any())))
    fig.add_trace(go.Scatter(x=degrees, y=support, mode="lines", name="max ⟨s, d⟩ over ∂f(x₀)",
                             line={"color": style.CLARKE_SET, "width": 5}))
    fig.add_trace(go.Scatter(x=degrees, y=directional, mode="lines", name="f′(x₀; d)",
                             line={"color": style.FUNCTION, "width": 2.5, "dash": "dash"}))
    if report.witness is not None:
        angle = float(np.degrees(np.arctan2(report.witness[1], report.witness[0]))) % 360
        fig.add_vline(x=angle, line={"color": style.POINT, "width": 1.5, "dash": "dot"},
                      annotation_text=f"d = {steps.vector(report.witness)}",
                      annotation_position="top")
    fig.update_layout(**style.base_layout(height=380), legend_traceorder="normal",
                      xaxis={"title": "direction θ of d = (cos θ, sin θ), degrees",
                             "tickvals": list(range(0, 361, 45)), "range": [0, 360]},
                      yaxis_title="value")
    return fig
