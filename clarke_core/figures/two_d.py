"""Figures for the 2D Clarke page: plain data (an ``Exploration2D``) in, plotly figures out.

``contour_figure`` colours the region of each smooth piece on a map of f and animates the points
x_i of the limiting-gradient sequences; ``gradient_figure`` is the gradient plane: the Clarke set
shaded, the subdifferential outlined (or ruled out by its witnesses) and the gradients ∇f(x_i)
converging to the vertices; ``sampling_figure`` shows what gradient sampling finds at one radius.
The support-plane test is drawn in ``surface``. What the figures say (labels, verdicts, hulls,
distances) is decided in ``views.plane_2d``: the figures draw it.

Colours follow ``style``; in 2D each smooth piece also gets its own colour (``piece_colour``),
shared by its region on the map and by the sequences that run inside it.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from ..engine.geometry import clip
from ..engine.sets import DifferentialSet, GradientSequence, SetKind
from ..views.explore_2d import SAMPLING_RADII, Exploration2D
from ..views.labels import fmt
from ..views.plane_2d import (
    finite_pairs,
    missed_vertices,
    piece_name,
    sampled,
    sampled_hull,
    subdifferential_is_clarke,
    vertex_labels,
    witness_caption,
)
from ..views.steps import vector as table_vector
from . import style
from .animation import Placement, animate
from .backgrounds import region_fills
from .one_d import FRAME_MS, TRANSITION_MS

Point = tuple[float, float]

# The two sequence colours first, then colours of Paul Tol's palettes that clash with no role.
PIECE_COLOURS = (style.LEFT_SEQUENCE, style.RIGHT_SEQUENCE, "#CC6677", "#DDCC77", "#999933",
                 "#882255", "#88CCEE", "#AA4499")
_PATTERNS = ("/", "\\", "|", "-", "x", "+")
_CONTROLS_MARGIN = 170  # room under a plot for play/pause and the step slider
_BUTTONS_BELOW, _SLIDER_BELOW = 48, 84  # pixels from the bottom of the plot area
_SQUARE = 520  # height of the two square plots (map and gradient plane)


def piece_colour(index: int) -> str:
    """The colour of the ``index``-th smooth piece (and of the sequences inside its region).

    >>> piece_colour(0) == style.LEFT_SEQUENCE, piece_colour(len(PIECE_COLOURS)) == piece_colour(0)
    (True, True)
    """
    return PIECE_COLOURS[index % len(PIECE_COLOURS)]


# --- geometry of the drawing ---------------------------------------------------------------


def _closed(points: Sequence[Point]) -> tuple[list[float], list[float]]:
    pts = [*points, points[0]]
    return [p[0] for p in pts], [p[1] for p in pts]


def _square_range(points: Sequence[Point], pad: float = 0.18) -> tuple[list[float], list[float]]:
    """Equal-span x and y ranges around ``points`` (so a disk looks round), with a margin."""
    if not points:
        points = [(0.0, 0.0)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    span = max(max(xs) - min(xs), max(ys) - min(ys), 1.0) * (1 + 2 * pad)
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return [cx - span / 2, cx + span / 2], [cy - span / 2, cy + span / 2]


def _plane_range(ex: Exploration2D, extra: Sequence[Point] = ()) -> tuple[list[float], list[float]]:
    """Fixed ranges for the gradient plane: both sets, the limits, the origin, nearby gradients."""
    core = [(0.0, 0.0), *extra]
    for dset in (ex.clarke, ex.subdifferential):
        if dset is not None:
            core += finite_pairs(dset.vertices)
    core += finite_pairs([s.target for s in ex.clarke.sequences])
    (x0, x1), (y0, y1) = _square_range(core, pad=0.0)
    reach = max(x1 - x0, 1.0)  # far-off gradients (a blow-up) are clipped, not zoomed out to
    grads = finite_pairs([g for s in ex.clarke.sequences for g in s.gradients])
    return _square_range(core + _within(grads, (x0, x1), (y0, y1), reach))


def _within(points: Sequence[Point], xr: Sequence[float], yr: Sequence[float],
            reach: float) -> list[Point]:
    return [p for p in points if xr[0] - reach <= p[0] <= xr[1] + reach
            and yr[0] - reach <= p[1] <= yr[1] + reach]


def _equal_axes(xr: list[float], yr: list[float], x_title: str, y_title: str) -> dict:
    # constrain="domain": the aspect ratio shrinks the plot area instead of changing the ranges.
    return {
        "xaxis": {"title": {"text": x_title}, "range": xr, "autorange": False,
                  "constrain": "domain", "zeroline": True},
        "yaxis": {"title": {"text": y_title}, "range": yr, "autorange": False,
                  "scaleanchor": "x", "scaleratio": 1, "constrain": "domain", "zeroline": True},
    }


def _note(text: str, y: float = 0.99) -> dict:
    # plotly does not wrap annotation text: break it into lines that fit a half-width column
    text = "<br>".join(textwrap.wrap(text, 48))
    return {"text": text, "xref": "paper", "yref": "paper", "x": 0.5, "y": y, "showarrow": False,
            "xanchor": "center", "yanchor": "top", "font": {"size": 13},
            "bgcolor": style.translucent("#808080", 0.18), "borderpad": 5}


def _legend_above() -> dict:
    return {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": 12}}


# --- sequences -----------------------------------------------------------------------------


def _usable(seq: GradientSequence) -> bool:
    n = len(seq.points)
    return n > 0 and len(seq.gradients) == n and len(seq.target) == 2


def _sequences(ex: Exploration2D) -> list[GradientSequence]:
    if ex.clarke.kind == SetKind.UNBOUNDED:
        return []
    return [s for s in ex.clarke.sequences if _usable(s)]


def sequence_colour(ex: Exploration2D, seq: GradientSequence, index: int) -> str:
    """The colour of the piece whose region the sequence starts in (by index when unknown)."""
    if ex.pieces and ex.grid_x and ex.grid_y:
        x, y = seq.points[0][0], seq.points[0][1]
        j = int(np.argmin(np.abs(np.asarray(ex.grid_x) - x)))
        i = int(np.argmin(np.abs(np.asarray(ex.grid_y) - y)))
        piece = ex.region[i][j]
        if piece >= 0:
            return piece_colour(piece)
    return piece_colour(index)


def _n_steps(seqs: Sequence[GradientSequence]) -> int:
    return max(len(s.points) for s in seqs) + 1  # + the limit frame


def _step(seq: GradientSequence, k: int, n_steps: int) -> int:
    """Index into ``seq`` shown at frame k; len(seq.points) means the limit."""
    return len(seq.points) if k == n_steps - 1 else min(k, len(seq.points) - 1)


def _frame_names(n_steps: int) -> list[str]:
    return [str(k + 1) for k in range(n_steps - 1)] + ["∞"]


def _controls_place(layout: dict) -> Placement:
    """Room in ``layout`` under the plot for play/pause and the step slider, and their place."""
    layout["margin"] = {**layout.get("margin", {}), "b": _CONTROLS_MARGIN}
    # Buttons on one row under the x axis title, the slider on its own full-width row below:
    # side by side they overlapped once equal axes narrowed the plot. Placed in pixels.
    plot_px = layout["height"] - layout["margin"].get("t", 0) - _CONTROLS_MARGIN
    return Placement.in_pixels(plot_px, _BUTTONS_BELOW, _SLIDER_BELOW)


# --- the map of f --------------------------------------------------------------------------


def _grid_z(ex: Exploration2D) -> list[list[float | None]]:
    return [[round(v, 6) if math.isfinite(v) else None for v in row] for row in ex.grid_z]


def _point_marker_2d(ex: Exploration2D) -> go.Scatter:
    return go.Scatter(
        x=[ex.point[0]], y=[ex.point[1]], mode="markers",
        name=f"the point x₀ = {ex.point_text or table_vector(ex.point)}",
        marker={"color": style.POINT, "size": 14, "line": {"color": "white", "width": 1.5}},
        hovertemplate="x₀ = (%{x:.6g}, %{y:.6g})<extra></extra>",
    )


def _map_state(ex: Exploration2D, seq: GradientSequence, i: int) -> dict:
    if i >= len(seq.points):
        p, g, label = ex.point, seq.target, "∞"
    else:
        p, g, label = seq.points[i], seq.gradients[i], str(i + 1)
    return {"x": [p[0]], "y": [p[1]], "customdata": [[label, table_vector(g)]]}


def contour_figure(ex: Exploration2D, *, outlines: bool = False) -> go.Figure:
    """A map of f near x₀: level curves, each smooth piece's region coloured, and the points
    x_i of every limiting-gradient sequence moving to x₀ (frame k shows each sequence's x_k).
    The regions are a heatmap (hover: which piece), or with ``outlines`` filled polygons along
    their true edges (``backgrounds.region_fills``: no staircase, and kept by an animation).

    Frames carry only the moving points; ranges stay fixed.
    """
    (x0, x1), (y0, y1) = ex.window
    xr, yr = [float(x0), float(x1)], [float(y0), float(y1)]
    fig = go.Figure()
    n = len(ex.pieces)
    if n and outlines and ex.cuts_x:
        fig.add_traces(region_fills(ex.grid_x, ex.grid_y, ex.region, ex.cuts_x, ex.cuts_y,
                                    [piece_colour(k) for k in range(n)], style.REGION_OPACITY))
    elif n:
        scale = [[v, piece_colour(k)] for k in range(n) for v in (k / n, (k + 1) / n)]
        fig.add_trace(go.Heatmap(
            x=list(ex.grid_x), y=list(ex.grid_y),
            z=[[r + 1 if r >= 0 else None for r in row] for row in ex.region],
            zmin=0.5, zmax=n + 0.5, colorscale=scale, showscale=False,
            opacity=style.REGION_OPACITY,
            hoverongaps=False, name="regions",
            hovertemplate="(%{x:.3g}, %{y:.3g}): f = f%{z}<extra></extra>",
        ))
    for k in range(n):
        shown = ex.piece_texts[k] if k < len(ex.piece_texts) else ""
        fig.add_trace(go.Scatter(  # legend entries only: the regions have none of their own
            x=[None], y=[None], mode="markers",
            name=f"{piece_name(k)} = {shown}" if shown else piece_name(k),
            marker={"color": piece_colour(k), "size": 13, "symbol": "square"},
            hoverinfo="skip",
        ))
    fig.add_trace(go.Contour(
        x=list(ex.grid_x), y=list(ex.grid_y), z=_grid_z(ex), ncontours=14, showscale=False,
        contours={"coloring": "lines", "showlabels": False},
        colorscale=[[0, style.LEVEL_CURVE], [1, style.LEVEL_CURVE]], line={"width": 1.6},
        name="level curves of f (hover: values)", showlegend=True,
        hovertemplate="(%{x:.3g}, %{y:.3g}): f = %{z:.4g}<extra></extra>",
    ))
    layout = style.base_layout(**_equal_axes(xr, yr, "x", "y"), height=_SQUARE + 60,
                               legend=_legend_above(), margin={"l": 50, "r": 10, "t": 30, "b": 40})
    seqs = _sequences(ex)
    if not seqs:
        fig.add_trace(_point_marker_2d(ex))
        layout["annotations"] = [_note(ex.clarke.reason or "No limiting-gradient sequences.")]
        fig.update_layout(**layout)
        return fig

    colours = [sequence_colour(ex, s, j) for j, s in enumerate(seqs)]
    for seq, colour in zip(seqs, colours, strict=True):  # static trails under the moving dots
        pts = [*seq.points, ex.point]
        fig.add_trace(go.Scatter(
            x=[p[0] for p in pts], y=[p[1] for p in pts], mode="lines+markers",
            line={"color": colour, "width": 1.5, "dash": "dot"},
            marker={"color": colour, "size": 5}, showlegend=False, hoverinfo="skip",
            name="sequence path",
        ))
    fig.add_trace(_point_marker_2d(ex))
    moving = []
    for j, (seq, colour) in enumerate(zip(seqs, colours, strict=True)):
        moving.append(len(fig.data))
        fig.add_trace(go.Scatter(
            **_map_state(ex, seq, 0), mode="markers", legendgroup="sequences",
            showlegend=j == 0, name="points xᵢ → x₀ (press ▶ Play)",
            marker={"color": colour, "size": 13, "line": {"color": "white", "width": 1.5}},
            hovertemplate="i = %{customdata[0]}<br>xᵢ = (%{x:.4g}, %{y:.4g})"
                          "<br>∇f(xᵢ) = %{customdata[1]}<extra></extra>",
        ))
    n_steps = _n_steps(seqs)
    frames = [go.Frame(name=name, traces=moving, data=[
        go.Scatter(**_map_state(ex, seq, _step(seq, k, n_steps))) for seq in seqs])
        for k, name in enumerate(_frame_names(n_steps))]
    animate(fig, frames, "step i = ", frame_ms=FRAME_MS, transition_ms=TRANSITION_MS,
            place=_controls_place(layout), value_side="right")
    fig.update_layout(**layout)
    return fig


# --- the gradient plane --------------------------------------------------------------------


def _set_traces(dset: DifferentialSet, colour: str, name: str, *, filled: bool,
                labels: bool) -> list[go.Scatter]:
    """A set in the gradient plane: shaded (``filled``) or a dashed outline; vertices labelled."""
    verts = finite_pairs(dset.vertices)
    if not verts or dset.kind in (SetKind.EMPTY, SetKind.UNBOUNDED):
        return []
    text = vertex_labels(dset)
    traces: list[go.Scatter] = []
    if len(verts) == 1:
        traces.append(go.Scatter(
            x=[verts[0][0]], y=[verts[0][1]], mode="markers", name=name,
            marker={"color": colour, "size": 16 if filled else 24,
                    "symbol": "diamond" if filled else "diamond-open", "line": {"width": 2}},
            hovertemplate=f"{name}<extra></extra>",
        ))
    else:
        xs, ys = _closed(verts) if len(verts) > 2 else ([v[0] for v in verts],
                                                        [v[1] for v in verts])
        traces.append(go.Scatter(
            x=xs, y=ys, name=name, mode="lines",
            fill="toself" if filled and len(verts) > 2 else None,
            fillcolor=style.translucent(colour, 0.3),
            line={"color": colour, "width": 9 if filled and len(verts) == 2 else 2.5,
                  "dash": None if filled else "dash"},
            opacity=0.75 if filled and len(verts) == 2 else 1.0,
            hovertemplate=f"{name}<extra></extra>",
        ))
    if labels and dset.kind != SetKind.CONVEX:
        traces.append(go.Scatter(
            x=[v[0] for v in verts], y=[v[1] for v in verts], mode="markers+text",
            text=text, textposition=[_label_position(v, verts) for v in verts],
            textfont={"color": colour, "size": 14}, cliponaxis=False,
            marker={"color": colour, "size": 8}, showlegend=False, name=f"{name}: vertices",
            hovertemplate="vertex %{text}<extra></extra>",
        ))
    return traces


def _label_position(v: Point, verts: Sequence[Point]) -> str:
    """Put a vertex label outside the set: away from the centre of the vertices."""
    cx = sum(p[0] for p in verts) / len(verts)
    cy = sum(p[1] for p in verts) / len(verts)
    dx, dy = v[0] - cx, v[1] - cy
    if abs(dx) < 1e-9 and abs(dy) < 1e-9:
        return "bottom right"
    vertical = "top" if dy > 1e-9 else "bottom" if dy < -1e-9 else "middle"
    horizontal = "right" if dx > 1e-9 else "left" if dx < -1e-9 else "center"
    if vertical == "middle" and horizontal == "center":
        return "top center"
    return f"{vertical} {horizontal}"


def _witness_traces(ex: Exploration2D, xr: list[float], yr: list[float]) -> list[go.Scatter]:
    """Each witness q′ rules out the half-plane ⟨s, q′ − x₀⟩ > f(q′) − f(x₀): hatched."""
    sub = ex.subdifferential
    if sub is None or sub.kind != SetKind.EMPTY:
        return []
    box = [(xr[0], yr[0]), (xr[1], yr[0]), (xr[1], yr[1]), (xr[0], yr[1])]
    traces = []
    for k, w in enumerate(sub.witnesses):
        if len(w.point) != 2 or not all(map(math.isfinite, (*w.point, w.value))):
            continue
        d = (w.point[0] - ex.point[0], w.point[1] - ex.point[1])
        ruled_out = clip(box, [(-d[0], -d[1])], [ex.value - w.value])  # ⟨s, d⟩ ≥ f(q′) − f(x₀)
        if len(ruled_out) < 3:
            continue
        xs, ys = _closed(ruled_out)
        traces.append(go.Scatter(  # one legend line says what hatching means; hover says which
            x=xs, y=ys, mode="lines", fill="toself", name=witness_caption(w), showlegend=False,
            line={"color": style.WITNESS, "width": 1, "dash": "dot"},
            fillcolor="rgba(0,0,0,0)", hoveron="fills", hoverinfo="name",
            fillpattern={"shape": _PATTERNS[k % len(_PATTERNS)], "fgcolor": style.WITNESS,
                         "fgopacity": 0.4, "size": 10, "solidity": 0.12},
        ))
    return traces


def _gradient_state(seq: GradientSequence, i: int) -> dict:
    g, label = (seq.target, "limit") if i >= len(seq.points) else (seq.gradients[i], str(i + 1))
    return {"x": [0.0, g[0]], "y": [0.0, g[1]], "customdata": [label, label]}


def gradient_figure(ex: Exploration2D) -> go.Figure:
    """The gradient plane: the Clarke set shaded, the subdifferential outlined beside it (or
    hatched half-planes of its witnesses when it is empty), vertices labelled exactly, and an
    arrow per sequence from 0 to ∇f(x_k) that converges to the sequence's limit.

    Frames carry only the arrows; the axes are fixed and equally scaled.
    """
    xr, yr = _plane_range(ex)
    fig = go.Figure()
    for trace in _witness_traces(ex, xr, yr):
        fig.add_trace(trace)
    clarke, sub = ex.clarke, ex.subdifferential
    for trace in _set_traces(clarke, style.CLARKE_SET, "Clarke set ∂f(x₀)", filled=True,
                             labels=True):
        fig.add_trace(trace)
    annotations = []
    if sub is not None and sub.kind not in (SetKind.EMPTY, SetKind.UNBOUNDED):
        same = subdifferential_is_clarke(ex)
        name = "subdifferential ∂ₛf(x₀)" + (" = the Clarke set" if same else " (dashed)")
        for trace in _set_traces(sub, style.SUBDIFFERENTIAL, name, filled=False,
                                 labels=not same):
            fig.add_trace(trace)
    else:  # a legend entry, not a banner: it must not hide the vertex labels
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=_sub_word(sub),
                                 line={"color": style.SUBDIFFERENTIAL, "width": 0},
                                 hoverinfo="skip"))
    if clarke.kind == SetKind.UNBOUNDED:
        annotations.append(_note("No Clarke set: " + (clarke.reason or "f is not locally "
                                                      "Lipschitz at x₀."), y=0.6))
    layout = style.base_layout(**_equal_axes(xr, yr, "s₁ (∂f/∂x)", "s₂ (∂f/∂y)"),
                               height=_SQUARE + 60, legend=_legend_above(),
                               margin={"l": 50, "r": 10, "t": 30, "b": 40})
    seqs = _sequences(ex)
    if seqs:
        colours = [sequence_colour(ex, s, j) for j, s in enumerate(seqs)]
        for seq, colour in zip(seqs, colours, strict=True):
            grads = finite_pairs(seq.gradients)
            fig.add_trace(go.Scatter(  # where the arrow tips have been, fading in
                x=[g[0] for g in grads], y=[g[1] for g in grads], mode="markers",
                marker={"color": colour, "size": 6, "opacity": 0.5}, showlegend=False,
                name="gradients ∇f(xᵢ)", hovertemplate="∇f(xᵢ) = (%{x:.4g}, %{y:.4g})"
                                                         "<extra></extra>",
            ))
        moving = []
        for j, (seq, colour) in enumerate(zip(seqs, colours, strict=True)):
            moving.append(len(fig.data))
            fig.add_trace(go.Scatter(
                **_gradient_state(seq, 0), mode="lines+markers", legendgroup="arrows",
                showlegend=j == 0, name="gradients ∇f(xᵢ) → limits (press ▶ Play)",
                line={"color": colour, "width": 3},
                marker={"color": colour, "size": [0, 15], "symbol": "arrow",
                        "angleref": "previous"},
                hovertemplate="i = %{customdata}<br>∇f(xᵢ) = (%{x:.4g}, %{y:.4g})"
                              "<extra></extra>",
            ))
        n_steps = _n_steps(seqs)
        frames = [go.Frame(name=name, traces=moving, data=[
            go.Scatter(**_gradient_state(seq, _step(seq, k, n_steps))) for seq in seqs])
            for k, name in enumerate(_frame_names(n_steps))]
        animate(fig, frames, "step i = ", frame_ms=FRAME_MS, transition_ms=TRANSITION_MS,
                place=_controls_place(layout), value_side="right")
    layout["annotations"] = annotations
    fig.update_layout(**layout)
    return fig


def _sub_word(sub: DifferentialSet | None) -> str:
    if sub is None:
        return "subdifferential ∂ₛf(x₀) <b>undecided</b>: the engine could not settle it"
    if sub.kind == SetKind.UNBOUNDED:
        return "subdifferential ∂ₛf(x₀) <b>undefined</b> here"
    if sub.witnesses:
        return "subdifferential ∂ₛf(x₀) <b>empty</b>: each witness q′ rules out a hatched side"
    return "subdifferential ∂ₛf(x₀) <b>empty</b>: no plane through the point stays below f"


# --- gradient sampling ---------------------------------------------------------------------


def sampling_figure(ex: Exploration2D, k: int) -> go.Figure:
    """The gradients sampled within radius ``SAMPLING_RADII[k]`` over the exact Clarke set, their
    hull (sampling's estimate), and rings on the vertices that no sample came near."""
    grads = sampled(ex, k)
    (x0, x1), (y0, y1) = _plane_range(ex)
    reach = x1 - x0  # far-off samples (a blow-up) are left outside the view, unless that is all
    if ex.clarke.kind == SetKind.UNBOUNDED:
        xr, yr = _square_range(grads, pad=0.05)
    else:
        xr, yr = _plane_range(ex, extra=_within(grads, (x0, x1), (y0, y1), reach))
    fig = go.Figure()
    for trace in _set_traces(ex.clarke, style.CLARKE_SET, "exact Clarke set ∂f(x₀)", filled=True,
                             labels=True):
        fig.add_trace(trace)
    radius = fmt(SAMPLING_RADII[k])
    if grads:
        hull = sampled_hull(ex, k)
        if len(hull) >= 2:
            xs, ys = _closed(hull) if len(hull) > 2 else ([p[0] for p in hull],
                                                          [p[1] for p in hull])
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", name="their hull: what sampling reports",
                line={"color": style.FUNCTION, "width": 2, "dash": "dash"}, hoverinfo="skip",
            ))
        fig.add_trace(go.Scatter(
            x=[round(g[0], 6) for g in grads], y=[round(g[1], 6) for g in grads],
            mode="markers", name=f"{len(grads)} gradients sampled within ε = {radius}",
            marker={"color": style.FUNCTION, "size": 7, "opacity": 0.55},
            hovertemplate="∇f = (%{x:.4g}, %{y:.4g})<extra></extra>",
        ))
    missed = missed_vertices(ex, k)
    if missed:
        verts = finite_pairs(ex.clarke.vertices)
        labels = vertex_labels(ex.clarke)
        fig.add_trace(go.Scatter(
            x=[verts[i][0] for i in missed], y=[verts[i][1] for i in missed], mode="markers",
            name="missed: no sample came near " + ", ".join(labels[i] for i in missed),
            marker={"color": style.POINT, "size": 26, "symbol": "circle-open",
                    "line": {"width": 3}},
            hoverinfo="skip",
        ))
    annotations = [] if grads else [_note(f"no gradients sampled within ε = {radius}")]
    fig.update_layout(**style.base_layout(
        **_equal_axes(xr, yr, "s₁", "s₂"), height=480, legend=_legend_above(),
        annotations=annotations, margin={"l": 50, "r": 10, "t": 20, "b": 40},
    ))
    return fig
