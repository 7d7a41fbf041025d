"""The autodiff-vs-Clarke picture: each library's value on the slope axis, over the Clarke set."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from ..engine.sets import SetKind
from ..labs.autodiff import Comparison
from .style import CLARKE_SET, NEUTRAL, POINT, base_layout, translucent


def conventions_figure(comparison: Comparison) -> go.Figure:
    """One row per library: its value as a dot (filled inside the Clarke set, hollow outside),
    the Clarke set as a green band across all rows.

    >>> from clarke_core.labs.autodiff import compare
    >>> fig = conventions_figure(compare("relu(x) - relu(-x)", "0"))
    >>> [t.name for t in fig.data][:2]
    ['Clarke set', 'inside the Clarke set']
    """
    rows = [v.library for v in comparison.values]
    clarke = comparison.clarke
    finite = [v.value for v in comparison.values if math.isfinite(v.value)]
    ends = [c[0] for c in clarke.vertices] if clarke.vertices else []
    lo, hi = min(finite + ends + [0.0]), max(finite + ends + [0.0])
    pad = max(0.25, 0.15 * (hi - lo))
    fig = go.Figure()
    if ends and clarke.kind not in (SetKind.EMPTY, SetKind.UNBOUNDED):
        a, b = min(ends), max(ends)
        width = max(b - a, 0.02 * (hi - lo + 2 * pad))
        mid = (a + b) / 2
        fig.add_trace(go.Scatter(
            x=[mid - width / 2, mid + width / 2, mid + width / 2, mid - width / 2,
               mid - width / 2],
            y=[-0.5, -0.5, len(rows) - 0.5, len(rows) - 0.5, -0.5], fill="toself",
            fillcolor=translucent(CLARKE_SET, 0.25), line={"color": CLARKE_SET, "width": 2},
            name="Clarke set", hoverinfo="name"))
    for inside, symbol, name in ((True, "circle", "inside the Clarke set"),
                                 (False, "circle-open", "outside the Clarke set")):
        picked = [(i, v) for i, v in enumerate(comparison.values)
                  if v.in_clarke == inside and math.isfinite(v.value)]
        fig.add_trace(go.Scatter(
            x=[v.value for _, v in picked], y=[i for i, _ in picked], mode="markers+text",
            marker={"size": 16, "symbol": symbol, "color": POINT,
                    "line": {"width": 3, "color": POINT}},
            text=[f"{v.value:.4g}" for _, v in picked], textposition="top center",
            name=name, hovertemplate="%{x}<extra></extra>"))
    fig.update_layout(**base_layout(height=110 + 55 * len(rows)))
    fig.update_xaxes(title_text="value at the point (slope)", range=[lo - pad, hi + pad],
                     zeroline=True, zerolinecolor=NEUTRAL)
    fig.update_yaxes(tickvals=list(range(len(rows))), ticktext=rows,
                     range=[-0.7, len(rows) - 0.3], fixedrange=True)
    return fig
