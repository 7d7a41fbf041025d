"""Figures for positive homogeneity and the ReLU-network lab (lecture §3–§4): data in, plotly out.

Homogeneity page: ``ray_figure`` (f along the ray α ↦ f(αx) next to α^L f(x)) and
``euler_figure`` (the Clarke set and the line or plane ⟨s, x⟩ = L f(x) it lies on).
Network page: ``scaling_figure``, ``patterns_figure`` (the 0/1 patterns A_h as heatmaps),
``euler_bars_figure`` (⟨W_h, ∂f/∂W_h⟩ = f per layer), ``norm_figure`` (‖W_h(t)‖² − ‖W_h(0)‖²),
``drift_figure`` (how far the layers disagree as η grows) and ``key_step_figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..engine.printing import subscript
from ..engine.sets import SetKind
from ..labs.euler import HomogeneityView
from ..labs.homogeneity import power_text
from ..labs.networks import NetworkView, Training
from ..views.labels import fmt
from . import style
from .animation import animate

# One colour per weight matrix W_1 … W_7 (depth ≤ 6), the palette's roles reused in order.
LAYER_COLOURS = (style.FUNCTION, style.POINT, style.CLARKE_SET, style.SUBDIFFERENTIAL,
                 style.LEFT_SEQUENCE, style.RIGHT_SEQUENCE, "#AA4499")
_DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot", "solid")


def layer_colour(h: int) -> str:
    """The colour of layer h (1-based) on every network figure."""
    return LAYER_COLOURS[(h - 1) % len(LAYER_COLOURS)]


# --- positive homogeneity ----------------------------------------------------------------------


def ray_figure(view: HomogeneityView, every: int = 2) -> go.Figure:
    """f(αx) against α, and α^L f(x) dashed on top: they coincide exactly when f is L-homogeneous.
    ▶ Play walks α along the ray (every ``every``-th sample): the frames move only the two dots.

    >>> from clarke_core.labs.euler import explore_homogeneity
    >>> fig = ray_figure(explore_homogeneity("abs(x)", "2"))
    >>> [t.name for t in fig.data], len(fig.frames), fig.frames[0].traces
    (['f(αx)', 'α¹ f(x)', 'f(αx) now', 'α¹ f(x) now'], 31, (2, 3))
    """
    fig = go.Figure()
    fig.add_scatter(x=view.alphas, y=view.along_ray, mode="lines", name="f(αx)",
                    line={"color": style.FUNCTION, "width": 4})
    power = None if view.predicted is None else f"{power_text(view.homogeneity.degree)} f(x)"
    if power is not None:
        fig.add_scatter(x=view.alphas, y=view.predicted, mode="lines", name=power,
                        line={"color": style.POINT, "width": 2, "dash": "dash"})
    fig.add_vline(x=1.0, line={"color": style.NEUTRAL, "dash": "dot"}, layer="below")

    def state(i: int) -> list[go.Scatter]:
        a = view.alphas[i]
        dots = [go.Scatter(x=[a], y=[view.along_ray[i]], mode="markers", name="f(αx) now",
                           showlegend=False, marker={"color": style.FUNCTION, "size": 15},
                           hovertemplate="α = %{x:.2f}: f(αx) = %{y:.4g}<extra></extra>")]
        if power is not None:
            dots.append(go.Scatter(
                x=[a], y=[view.predicted[i]], mode="markers", name=f"{power} now",
                showlegend=False, hovertemplate="α = %{x:.2f}: %{y:.4g}<extra></extra>",
                marker={"color": style.POINT, "size": 9, "symbol": "diamond"}))
        return dots

    steps = list(range(0, len(view.alphas), every))
    start = min(steps, key=lambda i: abs(view.alphas[i] - 1.0))  # α = 1: f(x) itself
    first_moving = len(fig.data)
    fig.add_traces(state(start))
    moving = list(range(first_moving, len(fig.data)))
    names = [f"{view.alphas[i]:.2f}" for i in steps]
    frames = [go.Frame(name=n, traces=moving, data=state(i))
              for n, i in zip(names, steps, strict=True)]
    animate(fig, frames, "α = ", frame_ms=200, active=steps.index(start))
    values = np.array([*view.along_ray, *(view.predicted or ())], dtype=float)
    values = values[np.isfinite(values)]
    lo, hi = (float(values.min()), float(values.max())) if len(values) else (-1.0, 1.0)
    # A flat ray (x = 0, or f = 0 along it) gets a unit window around its value, not a sliver
    # that makes rounding look like a slope.
    pad = 0.08 * (hi - lo) if hi - lo > 1e-9 * max(1.0, abs(hi)) else 1.0
    fig.update_layout(**style.base_layout(height=540, margin={"l": 60, "r": 20, "t": 40,
                                                              "b": 150}),
                      xaxis={"title": {"text": "α"}, "range": [view.alphas[0], view.alphas[-1]]},
                      yaxis={"title": {"text": "value along the ray"}, "range": [lo - pad,
                                                                                  hi + pad]})
    return fig


def ray_caption(view: HomogeneityView) -> str:
    """The caption under ``ray_figure``, saying only what that figure draws.

    >>> from clarke_core.labs.euler import explore_homogeneity
    >>> ray_caption(explore_homogeneity("x + 1", "1")).startswith("Blue: f at the points αx. No")
    True
    """
    walk = " Press ▶ Play to walk α along the ray."
    if view.predicted is None:
        return ("Blue: f at the points αx. No dashed α^L f(x) curve: f is not positively "
                "homogeneous, so no single L makes f(αx) = α^L f(x) on every ray." + walk)
    power = power_text(view.homogeneity.degree)
    flat = " (x = 0 here, so both are the constant f(0))" if not any(
        float(c) for c in view.euler.point) else ""
    return (f"Blue: f at the points αx. Dashed: {power} f(x). f is homogeneous of degree "
            f"{view.homogeneity.degree}, so the two curves are one{flat}." + walk)


def euler_figure(view: HomogeneityView) -> go.Figure:
    """The Clarke set at x and where Euler's identity puts it.

    1D: the line s ↦ s·x with the Clarke set drawn on it, and the level L f(x).
    2D: the Clarke set in the s-plane and the line {s : ⟨s, x⟩ = L f(x)} (x ≠ 0).
    """
    e = view.euler
    fig = go.Figure()
    vertices = np.array(e.clarke.vertices, dtype=float).reshape(-1, len(e.point))
    x = np.array([float(c) for c in e.point])
    target = None if e.target is None else float(e.target)
    if len(x) == 1:
        lo, hi = (vertices[:, 0].min(), vertices[:, 0].max()) if len(vertices) else (-1, 1)
        pad = max(1.0, hi - lo)
        s = np.linspace(lo - pad, hi + pad, 2)
        fig.add_scatter(x=s, y=s * x[0], mode="lines", name="⟨s, x⟩ = s·x",
                        line={"color": style.NEUTRAL, "width": 2})
        if len(vertices):
            fig.add_scatter(x=[lo, hi], y=[lo * x[0], hi * x[0]], mode="lines+markers",
                            name="Clarke set ∂f(x)",
                            line={"color": style.CLARKE_SET, "width": 8},
                            marker={"size": 12})
        if target is not None:
            fig.add_hline(y=target, line={"color": style.POINT, "dash": "dash"},
                          annotation_text=f"L·f(x) = {fmt(target)}")
        fig.update_layout(xaxis_title="s", yaxis_title="⟨s, x⟩")
    else:
        if len(vertices):
            closed = np.vstack([vertices, vertices[:1]])
            fig.add_scatter(x=closed[:, 0], y=closed[:, 1], mode="lines", fill="toself",
                            name="Clarke set ∂f(x)",
                            fillcolor=style.translucent(style.CLARKE_SET, 0.3),
                            line={"color": style.CLARKE_SET, "width": 3})
            if e.clarke.kind != SetKind.CONVEX:
                fig.add_scatter(x=vertices[:, 0], y=vertices[:, 1], mode="markers",
                                name="vertices", marker={"color": style.CLARKE_SET, "size": 11})
        centre = vertices.mean(axis=0) if len(vertices) else np.zeros(2)
        span = max(1.5, float(np.ptp(vertices, axis=0).max()) if len(vertices) else 1.5)
        if target is not None and np.any(x):
            # the line ⟨s, x⟩ = t through the foot point t x / |x|², along x's normal
            foot = target * x / float(x @ x)
            direction = np.array([-x[1], x[0]]) / np.linalg.norm(x)
            ends = np.array([foot - 3 * span * direction, foot + 3 * span * direction])
            fig.add_scatter(x=ends[:, 0], y=ends[:, 1], mode="lines",
                            name=f"⟨s, x⟩ = L·f(x) = {fmt(target)}",
                            line={"color": style.POINT, "width": 2, "dash": "dash"})
        fig.update_xaxes(range=[centre[0] - span, centre[0] + span], title="s₁")
        fig.update_yaxes(range=[centre[1] - span, centre[1] + span], title="s₂",
                         scaleanchor="x", scaleratio=1)
    fig.update_layout(**style.base_layout(height=420))
    return fig


# --- ReLU networks -----------------------------------------------------------------------------


def scaling_figure(view: NetworkView) -> go.Figure:
    """f(x; W) with one layer scaled by α (one line per layer, all on α f) and with every layer
    scaled (α^(H+1) f)."""
    fig = go.Figure()
    for h, values in enumerate(view.one_layer, start=1):
        fig.add_scatter(x=view.alphas, y=values, mode="lines", name=f"W{subscript(h)} scaled",
                        line={"color": layer_colour(h), "dash": _DASHES[h - 1], "width": 3})
    depth = len(view.one_layer) - 1
    fig.add_scatter(x=view.alphas, y=view.all_layers, mode="lines",
                    name=f"all scaled: {power_text(depth + 1)} f",
                    line={"color": style.NEUTRAL, "width": 5})
    fig.update_layout(**style.base_layout(height=360), xaxis_title="α",
                      yaxis_title="f(x; scaled weights)")
    return fig


def patterns_figure(view: NetworkView) -> go.Figure:
    """The 0/1 activation patterns diag(A_h) as heatmaps: neurons × inputs, one panel per layer."""
    patterns = view.patterns
    fig = make_subplots(rows=1, cols=len(patterns), shared_yaxes=True, horizontal_spacing=0.02,
                        subplot_titles=[f"A{subscript(h)}" for h in range(1, len(patterns) + 1)])
    scale = [[0.0, style.translucent("#808080", 0.15)], [0.5, style.translucent("#808080", 0.15)],
             [0.5, style.FUNCTION], [1.0, style.FUNCTION]]
    for h, p in enumerate(patterns, start=1):
        fig.add_heatmap(z=p.T, zmin=0, zmax=1, colorscale=scale, showscale=False, xgap=1, ygap=1,
                        hovertemplate="input %{x}, neuron %{y}: σ′ = %{z}<extra></extra>",
                        row=1, col=h)
    fig.update_xaxes(title="input i")
    fig.update_yaxes(title="neuron j", row=1, col=1)
    fig.update_layout(**style.base_layout(height=320, margin={"l": 60, "r": 20, "t": 40,
                                                              "b": 50}))
    return fig


def euler_bars_figure(view: NetworkView) -> go.Figure:
    """⟨W_h, ∂f/∂W_h⟩ for each layer h at one input, next to the level f(x)."""
    layers = [f"W{subscript(h)}" for h in range(1, len(view.products) + 1)]
    fig = go.Figure()
    fig.add_bar(x=layers, y=view.products, name="⟨Wₕ, ∂f/∂Wₕ⟩",
                marker_color=[layer_colour(h) for h in range(1, len(layers) + 1)])
    fig.add_hline(y=view.f0, line={"color": style.POINT, "dash": "dash", "width": 3},
                  annotation_text=f"f(x) = {view.f0:.6g}")
    fig.update_layout(**style.base_layout(height=340), yaxis_title="⟨Wₕ, ∂f/∂Wₕ⟩")
    return fig


def _per_layer_figure(values: np.ndarray, title: str, height: int) -> go.Figure:
    """One curve per layer (columns of ``values``) against the step t."""
    fig = go.Figure()
    t = np.arange(values.shape[0])
    for h in range(values.shape[1]):
        fig.add_scatter(x=t, y=values[:, h], mode="lines", name=f"W{subscript(h + 1)}",
                        line={"color": layer_colour(h + 1), "dash": _DASHES[h], "width": 3})
    fig.update_layout(**style.base_layout(height=height), xaxis_title="step t", yaxis_title=title)
    return fig


def norm_figure(run: Training) -> go.Figure:
    """‖W_h(t)‖² − ‖W_h(0)‖² against t, one curve per layer (they coincide for small η)."""
    return _per_layer_figure(run.sq_norm_change, "‖Wₕ(t)‖² − ‖Wₕ(0)‖²", 380)


def drift_figure(lrs: Sequence[float], spreads: Sequence[float], chosen: float) -> go.Figure:
    """The layers' disagreement (max − min of the final changes, over their mean) against η."""
    fig = go.Figure()
    fig.add_scatter(x=list(lrs), y=list(spreads), mode="lines+markers", name="spread",
                    line={"color": style.FUNCTION, "width": 3}, marker={"size": 9})
    fig.add_vline(x=chosen, line={"color": style.POINT, "dash": "dash"})
    # Ticks at the step sizes compared and at powers of ten, not plotly's crowded log labels.
    fig.update_xaxes(type="log", title="step size η", tickvals=list(lrs),
                     ticktext=[f"{v:g}" for v in lrs])
    fig.update_yaxes(type="log", title="relative spread of the layers", dtick=1,
                     exponentformat="power")
    fig.update_layout(**style.base_layout(height=340), showlegend=False)
    return fig


def key_step_figure(run: Training) -> go.Figure:
    """⟨W_h, ∂ℓ/∂W_h⟩ against t for every layer: one curve, since the proof makes it h-free."""
    return _per_layer_figure(run.key_step, "⟨Wₕ, ∂ℓ/∂Wₕ⟩", 340)


def layer_label(h: int) -> str:
    """The name of layer h's weights as the charts write it: W₁, W₂, …"""
    return f"W{subscript(h)}"
