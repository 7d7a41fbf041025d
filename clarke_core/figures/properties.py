"""Figures for the Properties page: the Lipschitz cone, x² sin(1/x) animated, and regularity on
the slope axis. Plain data (``PropertiesReport``, ``Oscillation``) in, plotly figures out.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..labs.properties import Oscillation, PropertiesReport
from ..views.steps import number
from . import style
from .animation import Placement, animate

FRAME_MS = 250
_HEIGHT, _TOP, _CONTROLS = 480, 60, 130


def _y_range(values: np.ndarray, pad: float = 0.15) -> list[float]:
    v = values[np.isfinite(values)]
    lo, hi = (float(v.min()), float(v.max())) if v.size else (-1.0, 1.0)
    span = max(hi - lo, 1e-6)
    return [lo - pad * span, hi + pad * span]


def lipschitz_figure(p: PropertiesReport) -> go.Figure:
    """The graph of f near x0 inside (or escaping) the cone f(x0) ± L|x - x0|.

    >>> from clarke_core.labs.properties import study_properties
    >>> fig = lipschitz_figure(study_properties("abs(x)", "0"))
    >>> [t.name for t in fig.data][:2]
    ['f', 'cone f(x₀) ± L|x − x₀|, L = 1']
    """
    xs, ys = np.array(p.curve_x), np.array(p.curve_y)
    lip = p.lipschitz
    L = lip.constant if lip.holds else lip.escapes[0][0]
    r = lip.radius
    cx = np.linspace(p.point - r, p.point + r, 201)
    upper, lower = p.value + L * np.abs(cx - p.point), p.value - L * np.abs(cx - p.point)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name="f",
                             line={"color": style.FUNCTION, "width": 3}))
    fig.add_trace(go.Scatter(
        x=np.concatenate([cx, cx[::-1]]), y=np.concatenate([upper, lower[::-1]]),
        fill="toself", fillcolor=style.translucent(style.CLARKE_SET, 0.15),
        line={"color": style.CLARKE_SET, "width": 1.5, "dash": "dash"},
        name=f"cone f(x₀) ± L|x − x₀|, L = {number(L)}", hoverinfo="skip"))
    if not lip.holds:
        near = np.abs(xs - p.point) <= r
        outside = near & (np.abs(ys - p.value) > L * np.abs(xs - p.point) + 1e-12)
        fig.add_trace(go.Scatter(
            x=np.where(outside, xs, np.nan), y=np.where(outside, ys, np.nan), mode="lines",
            name="graph outside the cone", line={"color": style.POINT, "width": 5}))
    fig.add_trace(go.Scatter(x=[p.point], y=[p.value], mode="markers", name="(x₀, f(x₀))",
                             marker={"color": style.POINT, "size": 12}))
    window = ys[np.abs(xs - p.point) <= 1.5 * r]
    fig.update_layout(**style.base_layout(height=420), xaxis_title="x", yaxis_title="f(x)",
                      yaxis_range=_y_range(np.concatenate([window, [p.value + L * r,
                                                                    p.value - L * r]])))
    return fig


def regularity_figure(p: PropertiesReport) -> go.Figure:
    """The Clarke set on the slope axis with the one-sided derivatives: f is regular at x0 when
    the right derivative is max ∂f and the left derivative is min ∂f."""
    fig = go.Figure()
    lo, hi = p.clarke.vertices[0][0], p.clarke.vertices[-1][0]
    exact = p.clarke.exact if p.clarke.exact and len(p.clarke.exact) == len(p.clarke.vertices) \
        else None
    ends = [number(lo, exact[0][0] if exact else None), number(hi, exact[-1][0] if exact else None)]
    fig.add_trace(go.Scatter(
        x=[lo, hi], y=[0, 0], mode="lines+markers", name=f"∂f(x₀) = [{ends[0]}, {ends[1]}]",
        line={"color": style.CLARKE_SET, "width": 12}, marker={"size": 14}))
    for value, label, colour, y in (
        (p.one_sided[1], "right derivative f′(x₀; 1)", style.RIGHT_SEQUENCE, 0.5),
        (p.one_sided[0], "left derivative −f′(x₀; −1)", style.LEFT_SEQUENCE, -0.5),
    ):
        where = "top center" if y > 0 else "bottom center"
        if value is not None:
            fig.add_trace(go.Scatter(
                x=[value, value], y=[0, y], mode="lines+markers+text", name=label,
                text=["", number(value)], textposition=where,
                line={"color": colour, "width": 3}, marker={"color": colour, "size": 10}))
    span = max(hi - lo, 1.0)
    fig.update_layout(**style.base_layout(height=230), xaxis_title="slope",
                      xaxis_range=[lo - 0.3 * span, hi + 0.3 * span],
                      yaxis={"visible": False, "range": [-1, 1.1]})
    return fig


def _short(values) -> np.ndarray:
    """Four significant digits: what a screen shows, in about half the JSON of full floats."""
    return np.array([float(f"{v:.4g}") for v in np.asarray(values, dtype=float)])


def oscillation_figure(o: Oscillation) -> go.Figure:
    """x² sin(1/x) (left) and its derivative (right) as x_k -> 0: the tangent's slope keeps
    sweeping [-1, 1] although f'(0) = 0. Frames move only the tangent and the two markers.

    >>> from clarke_core.labs.properties import oscillation
    >>> fig = oscillation_figure(oscillation(5))
    >>> len(fig.frames), fig.frames[0].traces
    (5, (3, 4, 8))
    """
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.1, subplot_titles=(
        "f(x) = x² sin(1/x)", "f′(x) = 2x sin(1/x) − cos(1/x)"))
    xs = np.array(o.curve_x)
    reach = float(np.abs(xs).max())
    env = np.linspace(-reach, reach, 201)
    grey = {"color": style.NEUTRAL, "width": 1, "dash": "dot"}
    fig.add_trace(go.Scatter(x=_short(env), y=_short(env**2), mode="lines", line=grey,
                             name="±x²", hoverinfo="skip"), 1, 1)
    fig.add_trace(go.Scatter(x=_short(env), y=_short(-(env**2)), mode="lines", line=grey,
                             showlegend=False,
                             hoverinfo="skip"), 1, 1)
    fig.add_trace(go.Scatter(x=_short(xs), y=_short(o.f), mode="lines", name="f",
                             line={"color": style.FUNCTION, "width": 2}), 1, 1)
    half = reach / 12  # short tangents: their slope near ±1 would leave the axes

    def moving(k: int) -> list[dict]:  # plain dicts: plotly merges them into the traces
        x, y, s = o.xk[k], o.f_xk[k], o.fprime_xk[k]
        return [
            {"x": _short([x - half, x + half]), "y": _short([y - s * half, y + s * half])},
            {"x": _short([x]), "y": _short([y]), "text": [f"x_k = {x:.3g}"]},
            {"x": _short([x]), "y": _short([s]), "text": [f"f′(x_k) = {number(s)}"]},
        ]

    first = moving(0)
    fig.add_trace(go.Scatter(**first[0], mode="lines", name="tangent at x_k",
                             line={"color": style.RIGHT_SEQUENCE, "width": 3}), 1, 1)
    fig.add_trace(go.Scatter(**first[1], mode="markers", showlegend=False,
                             marker={"color": style.RIGHT_SEQUENCE, "size": 11}), 1, 1)
    fig.add_trace(go.Scatter(x=[-reach, reach, reach, -reach, -reach], y=[-1, -1, 1, 1, -1],
                             fill="toself", fillcolor=style.translucent(style.CLARKE_SET, 0.15),
                             line={"width": 0}, name="∂f(0) = [−1, 1]", hoverinfo="skip"), 1, 2)
    fig.add_trace(go.Scatter(x=_short(xs), y=_short(o.fprime), mode="lines", name="f′",
                             line={"color": style.FUNCTION, "width": 1}), 1, 2)
    fig.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name="f′(0) = 0",
                             marker={"color": style.POINT, "size": 12, "symbol": "diamond"}),
                  1, 2)
    fig.add_trace(go.Scatter(**first[2], mode="markers+text",
                             textposition="top left", showlegend=False,
                             marker={"color": style.RIGHT_SEQUENCE, "size": 13}), 1, 2)
    moving_ids = [3, 4, 8]
    frames = [go.Frame(data=moving(k), traces=moving_ids, name=str(k)) for k in range(len(o.xk))]
    lim = 1.1 * reach**2
    fig.update_xaxes(range=[-reach, reach], title_text="x")
    fig.update_yaxes(range=[-lim, lim], row=1, col=1)
    fig.update_yaxes(range=[-1 - 2 * reach - 0.2, 1 + 2 * reach + 0.2], row=1, col=2)
    plot_px = _HEIGHT - _TOP - _CONTROLS
    animate(fig, frames, "k = ", frame_ms=FRAME_MS, labels=[str(k + 1) for k in range(len(o.xk))],
            place=Placement.in_pixels(plot_px, 60, 50, beside=True))
    layout = style.base_layout(height=_HEIGHT)
    layout["margin"] = {**layout["margin"], "t": _TOP + 30, "b": _CONTROLS}
    layout["legend"] = {**layout["legend"], "y": 1.12}
    fig.update_layout(**layout)
    return fig
