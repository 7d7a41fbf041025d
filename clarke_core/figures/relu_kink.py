"""The ReLU network at a kink (labs/relu_kink.py), in its input's gradient plane: the exact Clarke
set, the chain rule's set around it, and backprop's two conventions marked in or out. Data in,
plotly out: every in/out and every vertex was decided exactly by the lab."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from ..labs.relu_kink import KinkView
from . import style

# relu'(0) = 0 and = 1: filled when the gradient is in the Clarke set, open when it is outside.
_SYMBOLS = ("circle", "diamond")
_SIZES = (16, 11)


def _outline(vertices: Sequence[tuple[float, ...]]) -> tuple[list[float], list[float]]:
    closed = list(vertices) + list(vertices[:1]) if len(vertices) > 2 else list(vertices)
    return [v[0] for v in closed], [v[1] for v in closed]


def _set_trace(vertices, name: str, colour: str, *, dash: str = "solid",
               alpha: float = 0.35) -> go.Scatter:
    xs, ys = _outline(vertices)
    if len(vertices) == 1:
        return go.Scatter(x=xs, y=ys, mode="markers", name=name,
                          marker={"size": 28, "color": colour, "symbol": "square"})
    return go.Scatter(x=xs, y=ys, mode="lines", name=name,
                      fill="toself" if len(vertices) > 2 else None,
                      fillcolor=style.translucent(colour, alpha),
                      line={"color": colour, "width": 3 if len(vertices) > 2 else 6,
                            "dash": dash})


def input_set_figure(view: KinkView) -> go.Figure:
    """The exact Clarke set of x ↦ f(x) at x₀ (green), the chain rule's set (dashed, grey, when
    it is a strict superset) and backprop's gradient with relu′(0) = 0 and = 1.

    >>> from clarke_core.labs.relu_kink import PRESETS, explore_kink
    >>> p = PRESETS["bias-free net at x = 0"]
    >>> [t.name for t in input_set_figure(explore_kink(p.weights, p.biases, p.where)).data][:2]
    ["chain rule's set (strict superset)", 'Clarke set ∂f(x₀)']
    """
    fig = go.Figure()
    if view.strict:
        fig.add_trace(_set_trace(view.sum_rule, "chain rule's set (strict superset)",
                                 style.NEUTRAL, dash="dash", alpha=0.12))
    fig.add_trace(_set_trace(view.clarke, "Clarke set ∂f(x₀)", style.CLARKE_SET))
    for (label, point, text, inside), symbol, size in zip(view.backprops, _SYMBOLS, _SIZES,
                                                          strict=True):
        where = "in the set" if inside else "outside"
        fig.add_trace(go.Scatter(
            x=[point[0]], y=[point[1]], mode="markers", name=f"backprop, {label}: {where}",
            marker={"size": size, "color": style.POINT,
                    "line": {"width": 2.5, "color": style.POINT},
                    "symbol": symbol if inside else f"{symbol}-open"},
            hovertemplate=f"{label}<br>∇ = {text}, {where}<extra></extra>"))
    points = list(view.sum_rule) + list(view.clarke) + [b[1] for b in view.backprops]
    lo = min(min(p[0] for p in points), min(p[1] for p in points)) - 0.5
    hi = max(max(p[0] for p in points), max(p[1] for p in points)) + 0.5
    fig.update_layout(**style.base_layout(height=440, legend={"orientation": "v", "y": -0.2,
                                                             "yanchor": "top", "x": 0}))
    fig.update_xaxes(title_text="∂f/∂x₁", range=[lo, hi], zeroline=True)
    fig.update_yaxes(title_text="∂f/∂x₂", range=[lo, hi], zeroline=True, scaleanchor="x",
                     scaleratio=1)
    return fig
