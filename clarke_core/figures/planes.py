"""The plane sweep of lecture §1 in 2D: the graph of f(x, y) with the plane f(p) + ⟨s, q − p⟩
as s moves along a path through the subdifferential, next to the s-plane where the sets are
drawn and the current s is marked.

The plane is green where it lies below the graph and purple where it rises above it; the
slider names each s with its verdict (supporting or not, from the exact subdifferential). When
the subdifferential is empty, the exact Farkas witness points q′ sit on the surface and the
half-planes of s they rule out are hatched in the s-plane. Frames carry only the plane, the
point where it rises highest above f and the marker of s, as plain dicts.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..engine.geometry import clip
from ..engine.sets import DifferentialSet, SetKind
from ..views import steps
from ..views.plane_2d import witness_bound, witness_point
from ..views.sweep_2d import PlaneSweep, PlaneVerdict, path_set, plane_verdicts, slope_path
from . import style
from .animation import BESIDE, animate
from .descent import CONTROLS_MARGIN

PLANE_CAPTION = (
    "Drag the slider (or press ▶ Play): s moves along the dotted path in the s-plane (right) and "
    "the plane f(p) + ⟨s, q − p⟩ turns with it (left; drag to rotate). It is a **supporting "
    "plane** (✓) exactly when s lies in the subdifferential (dashed purple). Where the plane "
    "rises above the graph it turns purple, and the purple bar marks where it rises highest.")
PLANE_GRID = 21  # the plane is flat: a coarse grid is enough to colour where it crosses f
HEIGHT = 560
_HATCH = ("/", "\\", "|", "-")
Point = tuple[float, float]
_GREY = "rgb(128,128,128)"  # readable on Streamlit's light and dark backgrounds


def s_label(s: Point) -> str:
    """s as the slider shows it, as the live table prints numbers (``views.steps.vector``:
    exact where the float is a short fraction, else "≈" and 4 digits, minus sign U+2212).

    >>> s_label((-0.125, 1.0)), s_label((0.5, -1.0004))
    ('(−1/8, 1)', '≈ (1/2, −1)')
    """
    return steps.vector(s)


def verdict_label(v: PlaneVerdict) -> str:
    """One short phrase per frame for the slider: the verdict on the plane of slope s."""
    if v.supports is None:
        return "below f on this window" if v.below_on_window else "crosses f"
    if v.supports:
        return "supporting plane ✓"
    return "crosses f ✗" if not v.below_on_window else "crosses f outside this window ✗"


def _closed(points: Sequence[Point]) -> tuple[list[float], list[float]]:
    return [p[0] for p in points] + [points[0][0]], [p[1] for p in points] + [points[0][1]]


def _set_trace(dset: DifferentialSet, colour: str, name: str, *, filled: bool) -> dict | None:
    verts = [(float(a), float(b)) for a, b in dset.vertices]
    if not verts or dset.kind in (SetKind.EMPTY, SetKind.UNBOUNDED):
        return None
    if len(verts) == 1:
        return {"x": [verts[0][0]], "y": [verts[0][1]], "mode": "markers", "name": name,
                "marker": {"color": colour, "size": 16 if filled else 24,
                           "symbol": "diamond" if filled else "diamond-open"}}
    xs, ys = _closed(verts) if len(verts) > 2 else ([v[0] for v in verts],
                                                    [v[1] for v in verts])
    flat = len(verts) == 2
    return {"x": np.round(xs, 6), "y": np.round(ys, 6), "mode": "lines", "name": name,
            "fill": "toself" if filled and not flat else None,
            "fillcolor": style.translucent(colour, 0.3),
            "line": {"color": colour, "width": 9 if filled and flat else 2.5,
                     "dash": None if filled else "dash"},
            "hoverinfo": "name"}


def _s_range(sweep: PlaneSweep, slopes: list[Point]) -> tuple[list[float], list[float]]:
    pts = np.array(slopes + [tuple(v) for d in (sweep.clarke, sweep.subdifferential)
                             if d is not None and d.kind not in (SetKind.EMPTY, SetKind.UNBOUNDED)
                             for v in d.vertices], dtype=float)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre, half = (lo + hi) / 2, max(float(np.max(hi - lo)) / 2, 0.5) * 1.2
    return [centre[0] - half, centre[0] + half], [centre[1] - half, centre[1] + half]


def _z_range(sweep: PlaneSweep, slopes: list[Point]) -> list[float]:
    z = np.asarray(sweep.grid_z, dtype=float)
    z = z[np.isfinite(z)]
    lo, hi = (float(z.min()), float(z.max())) if z.size else (-1.0, 1.0)
    q_lo, q_hi = (float(q) for q in np.quantile(z, [0.02, 0.98])) if z.size else (lo, hi)
    if hi - lo > 4 * max(q_hi - q_lo, 1e-9):
        lo, hi = q_lo, q_hi  # a blow-up: show the bulk of the surface
    (x0, x1), (y0, y1) = sweep.window
    reach = max(abs(s[0]) * (x1 - x0) / 2 + abs(s[1]) * (y1 - y0) / 2 for s in slopes)
    span = max(hi - lo, 1.0)
    lo = min(lo, max(sweep.value - reach, lo - 0.5 * span))
    hi = max(hi, min(sweep.value + reach, hi + 0.5 * span))
    pad = 0.05 * (hi - lo)
    return [lo - pad, hi + pad]


def plane_sweep_figure(sweep: PlaneSweep, path: str = "auto") -> go.Figure:
    """The animated plane sweep (3D graph and plane on the left, the s-plane on the right)."""
    slopes = slope_path(sweep, path)
    verdicts = plane_verdicts(sweep, slopes)
    gx, gy = np.asarray(sweep.grid_x), np.asarray(sweep.grid_y)
    z = np.asarray(sweep.grid_z, dtype=float)
    step = max(1, (len(gx) - 1) // (PLANE_GRID - 1))
    px, py, pz = gx[::step], gy[::step], z[::step, ::step]
    mx, my = np.meshgrid(px, py)
    dx, dy = mx - sweep.point[0], my - sweep.point[1]
    (x0, x1), (y0, y1) = sweep.window
    zr = _z_range(sweep, slopes)
    sub = sweep.subdifferential

    fig = go.Figure()
    fig.add_trace(go.Surface(
        x=np.round(gx, 6), y=np.round(gy, 6), z=np.round(z, 6), name="graph of f",
        colorscale=[[0, "#cfe3f3"], [1, style.FUNCTION]], showscale=False, showlegend=True,
        opacity=0.9, hovertemplate="f(%{x:.3g}, %{y:.3g}) = %{z:.4g}<extra></extra>",
    ))
    witnesses = [w for w in (sub.witnesses if sub is not None and sub.kind == SetKind.EMPTY else ())
                 if len(w.point) == 2 and all(map(math.isfinite, (*w.point, w.value)))]
    if witnesses:
        fig.add_trace(go.Scatter3d(
            x=[w.point[0] for w in witnesses], y=[w.point[1] for w in witnesses],
            z=[w.value for w in witnesses], mode="markers+text", name="witnesses q′",
            text=[f"q′ = {witness_point(w)}" for w in witnesses], textposition="top center",
            marker={"color": style.WITNESS, "size": 8, "symbol": "diamond",
                    "line": {"color": "white", "width": 1}},
            textfont={"size": 14},
            hovertemplate="%{text}: f = %{z:.4g}<extra></extra>",
        ))
    fig.add_trace(go.Scatter3d(
        x=[sweep.point[0]], y=[sweep.point[1]], z=[sweep.value], mode="markers",
        name="(p, f(p))", showlegend=False, marker={"color": style.POINT, "size": 6},
        hovertemplate="p = (%{x:.4g}, %{y:.4g}), f(p) = %{z:.4g}<extra></extra>",
    ))

    # the s-plane: witnesses' ruled-out half-planes, the sets, the path of s
    sx, sy = _s_range(sweep, slopes)
    far = 3 * max(sx[1] - sx[0], sy[1] - sy[0])  # past the view, whatever its aspect ratio
    box = [(sx[0] - far, sy[0] - far), (sx[1] + far, sy[0] - far), (sx[1] + far, sy[1] + far),
           (sx[0] - far, sy[1] + far)]
    for k, w in enumerate(witnesses):
        d = (w.point[0] - sweep.point[0], w.point[1] - sweep.point[1])
        # ⟨s, q′ − p⟩ > f(q′) − f(p), written as ⟨s, −d⟩ <= −(f(q′) − f(p)) for the clipper
        ruled_out = clip(box, [(-d[0], -d[1])], [sweep.value - w.value])
        if len(ruled_out) >= 3:
            xs, ys = _closed(ruled_out)
            fig.add_trace(go.Scatter(
                x=np.round(xs, 6), y=np.round(ys, 6), mode="lines", fill="toself",
                xaxis="x", yaxis="y", showlegend=k == 0, legendgroup="ruled",
                name="ruled out by q′ (hatched)", hoveron="fills",
                hoverinfo="text", text=f"q′ = {witness_point(w)} needs {witness_bound(w)}",
                line={"color": style.WITNESS, "width": 1, "dash": "dot"},
                fillcolor="rgba(0,0,0,0)",
                fillpattern={"shape": _HATCH[k % len(_HATCH)], "fgcolor": style.WITNESS,
                             "fgopacity": 0.45, "size": 10, "solidity": 0.15},
            ))
    clarke = _set_trace(sweep.clarke, style.CLARKE_SET, "Clarke set", filled=True)
    if clarke:
        fig.add_trace(go.Scatter(**clarke, xaxis="x", yaxis="y"))
    if sub is not None and sub.kind not in (SetKind.EMPTY, SetKind.UNBOUNDED):
        trace = _set_trace(sub, style.SUBDIFFERENTIAL, "∂ₛf(p) (dashed)",
                           filled=False)
        if trace:
            fig.add_trace(go.Scatter(**trace, xaxis="x", yaxis="y"))
    fig.add_trace(go.Scatter(
        x=[s[0] for s in slopes], y=[s[1] for s in slopes], mode="lines", name="path of s",
        showlegend=False, line={"color": style.NEUTRAL, "width": 1.5, "dash": "dot"},
        hoverinfo="skip", xaxis="x", yaxis="y"))

    def state(v: PlaneVerdict) -> list[dict]:
        plane = sweep.value + v.s[0] * dx + v.s[1] * dy
        tol = 1e-9 * (1 + np.abs(pz))
        above = np.where(np.isfinite(pz), (plane > pz + tol).astype(int), 0)
        good = v.supports if v.supports is not None else v.below_on_window
        if v.worst is not None:
            wx, wy, wf = v.worst
            top = sweep.value + v.s[0] * (wx - sweep.point[0]) + v.s[1] * (wy - sweep.point[1])
            gap = {"x": [wx, wx], "y": [wy, wy], "z": [round(wf, 6), round(top, 6)]}
        else:
            gap = {"x": [], "y": [], "z": []}
        return [
            {"type": "surface", "z": np.round(plane, 6), "surfacecolor": above,
             "name": f"plane: {verdict_label(v)}"},
            {"type": "scatter3d", **gap},
            {"type": "scatter", "x": [v.s[0]], "y": [v.s[1]],
             "marker": {"color": style.CLARKE_SET if good else style.POINT,
                        "symbol": "circle" if good else "x"}},
        ]

    supporting = [i for i, v in enumerate(verdicts)
                  if (v.supports if v.supports is not None else v.below_on_window)]
    first = supporting[len(supporting) // 2] if supporting else len(slopes) // 2
    plane, gap, marker = state(verdicts[first])
    moving = list(range(len(fig.data), len(fig.data) + 3))
    fig.add_trace(go.Surface(
        x=np.round(px, 6), y=np.round(py, 6), z=plane["z"], surfacecolor=plane["surfacecolor"],
        name=plane["name"], cmin=0, cmax=1, showscale=False, opacity=0.6, showlegend=True,
        colorscale=[[0, style.CLARKE_SET], [0.5, style.CLARKE_SET], [0.5, style.WITNESS],
                    [1, style.WITNESS]],
        hovertemplate="plane at (%{x:.3g}, %{y:.3g}): %{z:.4g}<extra></extra>",
    ))
    fig.add_trace(go.Scatter3d(
        **{k: gap[k] for k in ("x", "y", "z")}, mode="lines+markers",
        name="highest above f",
        line={"color": style.WITNESS, "width": 6},
        marker={"color": style.WITNESS, "size": 5, "symbol": "x"}, hoverinfo="skip",
    ))
    fig.add_trace(go.Scatter(
        x=marker["x"], y=marker["y"], mode="markers", name="current s", xaxis="x", yaxis="y",
        showlegend=False,
        marker={**marker["marker"], "size": 15, "line": {"width": 2, "color": style.POINT}},
        hovertemplate="s = (%{x:.3g}, %{y:.3g})<extra></extra>",
    ))
    frames = [go.Frame(name=str(k), traces=moving, data=state(v))
              for k, v in enumerate(verdicts)]
    # "s = (…)" where s is exact, "s ≈ (…)" where it is not (s_label starts with ≈ there)
    labels = [f"{'' if s.startswith('≈') else '= '}{s}: {verdict_label(v)}"
              for s, v in ((s_label(v.s), v) for v in verdicts)]
    layout = style.base_layout(
        height=HEIGHT, uirevision="plane-sweep",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "font": {"size": 12}},
        margin={"l": 0, "r": 10, "t": 50, "b": 40},
        scene={"domain": {"x": [0.0, 0.6], "y": [0.0, 1.0]},
               "xaxis": style.axis_3d("x", x0, x1),
               "yaxis": style.axis_3d("y", y0, y1),
               "zaxis": style.axis_3d("f", *zr),
               "aspectmode": "manual", "aspectratio": {"x": 1, "y": 1, "z": 0.75},
               "camera": {"eye": {"x": 1.35, "y": -1.35, "z": 0.8}}},
        xaxis={"domain": [0.66, 1.0], "range": sx, "title": {"text": "s₁"}, "zeroline": True},
        yaxis={"range": sy, "title": {"text": "s₂"}, "scaleanchor": "x", "scaleratio": 1,
               "zeroline": True},
    )
    layout["margin"]["b"] = CONTROLS_MARGIN
    fig.update_layout(**layout)
    # the verdicts are long: shown for the current s only, not under every tick
    return animate(fig, frames, "s ", frame_ms=600, active=first, labels=labels, redraw=True,
                   place=BESIDE, value_font={"color": _GREY, "size": 15}, step_labels=False)


def plane_sweep_verdicts(sweep: PlaneSweep, path: str = "auto") -> list[PlaneVerdict]:
    """The verdicts the figure shows, in frame order (for captions and tests)."""
    return plane_verdicts(sweep, slope_path(sweep, path))


__all__ = ["path_set", "plane_sweep_figure", "plane_sweep_verdicts", "s_label", "verdict_label"]
