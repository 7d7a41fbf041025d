"""The support-plane test of the 2D page: the graph of f with the plane f(x₀) + ⟨s, x − x₀⟩
(``surface_figure``), and the same test seen from above (``plane_map_figure``: fast, no WebGL).

The verdict in each title is decided in ``views.plane_2d.plane_verdict``.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from ..views import steps
from ..views.explore_2d import Exploration2D
from ..views.plane_2d import plane_verdict
from . import style
from .two_d import _SQUARE, Point, _equal_axes, _grid_z, _legend_above, _note, _point_marker_2d


def _robust(values: np.ndarray) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return -1.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    q_lo, q_hi = (float(q) for q in np.quantile(values, [0.02, 0.98]))
    if hi - lo > 4 * max(q_hi - q_lo, 1e-9):
        lo, hi = q_lo, q_hi  # a blow-up: show the bulk of the surface
    return lo, hi


def surface_figure(ex: Exploration2D, s: Point | None = None) -> go.Figure:
    """The graph of f over the window with the point on it; with ``s``, also the plane
    f(x₀) + ⟨s, x − x₀⟩, green where it lies below f and purple where it rises above f.

    Its legend says "support plane" when s is in the subdifferential. ``uirevision`` keeps the
    camera where the student turned it while s changes.
    """
    gx, gy = np.asarray(ex.grid_x, dtype=float), np.asarray(ex.grid_y, dtype=float)
    z = np.asarray(ex.grid_z, dtype=float)
    fig = go.Figure(go.Surface(
        x=gx.round(6), y=gy.round(6), z=_grid_z(ex), name="graph of f",
        colorscale=[[0, "#cfe3f3"], [1, style.FUNCTION]], showscale=False, showlegend=True,
        hovertemplate="f(%{x:.3g}, %{y:.3g}) = %{z:.4g}<extra></extra>",
        contours={"z": {"show": True, "usecolormap": False, "color": "white", "width": 1,
                        "start": float(np.nanmin(z)) if np.isfinite(z).any() else 0,
                        "end": float(np.nanmax(z)) if np.isfinite(z).any() else 1,
                        "size": _level_step(z)}},
    ))
    lo, hi = _robust(z)
    title = None
    if s is not None:
        mx, my = np.meshgrid(gx, gy)
        plane = ex.value + s[0] * (mx - ex.point[0]) + s[1] * (my - ex.point[1])
        tol = 1e-9 * (1 + np.abs(z))
        above = np.where(np.isfinite(z), (plane > z + tol).astype(float), 0.0)
        verdict = plane_verdict(ex, s)
        fig.add_trace(go.Surface(
            x=gx.round(6), y=gy.round(6), z=plane.round(6).tolist(), surfacecolor=above.tolist(),
            cmin=0, cmax=1, showscale=False, opacity=0.75, showlegend=True,
            colorscale=[[0, style.CLARKE_SET], [0.5, style.CLARKE_SET],
                        [0.5, style.WITNESS], [1, style.WITNESS]],
            name=f"plane with s = {_s_label(s)}: {verdict.split(':')[0]}",
            hovertemplate="plane at (%{x:.3g}, %{y:.3g}): %{z:.4g}<extra></extra>",
        ))
        p_lo, p_hi = float(np.nanmin(plane)), float(np.nanmax(plane))
        span = max(hi - lo, 1.0)
        lo, hi = min(lo, max(p_lo, lo - span)), max(hi, min(p_hi, hi + span))
        title = f"s = {_s_label(s)}: {verdict}"
    fig.add_trace(go.Scatter3d(
        x=[ex.point[0]], y=[ex.point[1]], z=[ex.value], mode="markers",
        name=f"(x₀, f(x₀)), f(x₀) = {steps.number(ex.value)}",
        marker={"color": style.POINT, "size": 7, "line": {"color": "white", "width": 1}},
        hovertemplate="x₀ = (%{x:.4g}, %{y:.4g})<br>f(x₀) = %{z:.4g}<extra></extra>",
    ))
    pad = 0.08 * max(hi - lo, 1e-6)
    (x0, x1), (y0, y1) = ex.window
    fig.update_layout(**style.base_layout(
        height=560, uirevision="surface",
        legend={"orientation": "h", "yanchor": "top", "y": 0.0, "x": 0, "font": {"size": 12}},
        margin={"l": 20, "r": 0, "t": 40 if title else 10, "b": 40},
        title={"text": title, "font": {"size": 15}, "x": 0.01} if title else None,
        scene={"xaxis": style.axis_3d("x", float(x0), float(x1)),
               "yaxis": style.axis_3d("y", float(y0), float(y1)),
               "zaxis": style.axis_3d("f(x, y)", lo - pad, hi + pad),
               "domain": {"x": [0.05, 1.0], "y": [0.0, 1.0]},
               "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.75},
               "camera": {"eye": {"x": 1.3, "y": -1.3, "z": 0.9}}},
    ))
    return fig


def plane_map_figure(ex: Exploration2D, s: Point | None) -> go.Figure:
    """The support-plane test seen from above: over the map of x, green where the plane
    f(x₀) + ⟨s, x − x₀⟩ lies on or below f, purple where it rises above f. Without ``s`` (no
    Clarke set), only the point and a note. A flat picture: it draws far faster than the 3D
    ``surface_figure`` (no WebGL), so it is the one a page shows first.
    """
    (x0, x1), (y0, y1) = ex.window
    xr, yr = [float(x0), float(x1)], [float(y0), float(y1)]
    fig = go.Figure()
    layout = style.base_layout(**_equal_axes(xr, yr, "x", "y"), height=_SQUARE,
                               legend=_legend_above(), margin={"l": 50, "r": 10, "t": 60, "b": 40})
    if s is None:
        fig.add_trace(_point_marker_2d(ex))
        layout["annotations"] = [_note("No Clarke set here, so no s to try.")]
        fig.update_layout(**layout)
        return fig
    gx, gy = np.asarray(ex.grid_x, dtype=float), np.asarray(ex.grid_y, dtype=float)
    z = np.asarray(ex.grid_z, dtype=float)
    mx, my = np.meshgrid(gx, gy)
    plane = ex.value + s[0] * (mx - ex.point[0]) + s[1] * (my - ex.point[1])
    above = plane > z + 1e-9 * (1 + np.abs(z))
    cells = np.where(np.isfinite(z), above.astype(float), np.nan)
    fig.add_trace(go.Heatmap(
        x=gx.round(6).tolist(), y=gy.round(6).tolist(),
        z=[[None if math.isnan(v) else int(v) for v in row] for row in cells],
        customdata=(z - plane).round(4).tolist(), zmin=0, zmax=1, showscale=False,
        colorscale=[[0, style.CLARKE_SET], [0.5, style.CLARKE_SET], [0.5, style.WITNESS],
                    [1, style.WITNESS]], opacity=0.6, hoverongaps=False, name="plane test",
        hovertemplate="(%{x:.3g}, %{y:.3g}): f − plane = %{customdata:.3g}<extra></extra>",
    ))
    for colour, what in ((style.CLARKE_SET, "plane on or below f"),
                         (style.WITNESS, "plane above f")):
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=what,
                                 marker={"color": colour, "size": 13, "symbol": "square"},
                                 hoverinfo="skip"))
    fig.add_trace(_point_marker_2d(ex))
    layout["title"] = {"text": f"s = {_s_label(s)}: {plane_verdict(ex, s)}",
                       "font": {"size": 15}, "x": 0.01, "y": 0.99, "yanchor": "top"}
    layout["legend"] = {**_legend_above(), "y": 1.0, "yanchor": "bottom"}
    fig.update_layout(**layout)
    return fig


def _s_label(s: Point) -> str:
    """s as the live table prints numbers (exact where a short fraction, else "≈" and 4
    digits, minus sign U+2212); rounded to 9 decimals first, the float noise of the walk
    around the boundary (2.8e-17 for 0).

    >>> _s_label((-0.5, 2.8e-17)), _s_label((-0.004351, 1.0))
    ('(−1/2, 0)', '≈ (−0.004351, 1)')
    """
    return steps.vector([round(c, 9) + 0.0 for c in s])


def _level_step(z: np.ndarray) -> float:
    finite = z[np.isfinite(z)]
    span = float(finite.max() - finite.min()) if finite.size else 1.0
    return span / 12 if span > 0 else 1.0
