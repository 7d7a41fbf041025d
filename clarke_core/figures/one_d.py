"""Figures for the 1D Clarke page: plain data (an ``Exploration1D``) in, plotly figures out.

``graph_figure`` animates tangent lines along the limiting-gradient sequences, ``slope_figure``
puts the Clarke set, the subdifferential and the sequences' slopes on one slope axis, and
``witness_figure`` shows the points x' that leave the subdifferential empty.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable, Sequence

import numpy as np
import plotly.graph_objects as go

from ..engine.sets import DifferentialSet, GradientSequence, SetKind
from ..views.explore_1d import Exploration1D
from ..views.steps import exact_number, number, vector
from ..views.sweep_2d import witness_sentence
from . import style
from .animation import Placement, animate

FRAME_MS = 700
TRANSITION_MS = 300
NOTE_WIDTH = 60  # characters per line of a note across a chart
# Pixels: the animated graph keeps play/pause and, under it, a full-width slider below the x axis.
_GRAPH_HEIGHT, _GRAPH_TOP, _CONTROLS_MARGIN = 600, 70, 175
_BUTTONS_BELOW, _SLIDER_BELOW = 58, 98  # pixels from the bottom of the plot area
_SYMBOLS = ("circle", "diamond", "square", "triangle-up")


def _endpoint_labels(dset: DifferentialSet) -> list[str]:
    if dset.exact is not None and len(dset.exact) == len(dset.vertices):
        return [exact_number(v[0]) for v in dset.exact]
    return [number(v[0]) for v in dset.vertices]


def target_label(dset: DifferentialSet, t: float) -> str:
    """A limit slope as text: the exact endpoint of ``dset`` it equals, if any, else a decimal."""
    if dset.exact is not None and len(dset.exact) == len(dset.vertices):
        for v, e in zip(dset.vertices, dset.exact, strict=True):
            if abs(v[0] - t) <= 1e-9 * max(1.0, abs(t)):
                return exact_number(e[0])
    return number(t)


def _finite(values: Iterable[float]) -> np.ndarray:
    arr = np.asarray([v for v in values if v is not None], dtype=float)
    return arr[np.isfinite(arr)]


def _padded(lo: float, hi: float, frac: float = 0.08, minimum: float = 1.0) -> list[float]:
    span = hi - lo
    if span <= 1e-12:
        return [lo - minimum, hi + minimum]
    return [lo - frac * span, hi + frac * span]


def _robust_range(values: np.ndarray, must_include: Sequence[float] = ()) -> tuple[float, float]:
    """Full extent of ``values``, unless a few outliers stretch it far beyond the bulk."""
    extra = [v for v in must_include if math.isfinite(v)]
    if values.size == 0:
        values = np.asarray(extra or [0.0], dtype=float)
    lo, hi = float(values.min()), float(values.max())
    q_lo, q_hi = (float(q) for q in np.quantile(values, [0.02, 0.98]))
    if hi - lo > 4 * max(q_hi - q_lo, 1e-9):
        lo, hi = q_lo, q_hi  # a pole or a blow-up: show the bulk of the curve
    for v in extra:
        lo, hi = min(lo, v), max(hi, v)
    return lo, hi


def axis_ranges(
    ex: Exploration1D, extra_points: Sequence[tuple[float, float]] = ()
) -> tuple[list[float], list[float]]:
    """Fixed x and y ranges for the graph: the window, and the curve's bulk plus the point."""
    xs = _finite(ex.curve_x)
    x_lo, x_hi = ex.window
    if not (math.isfinite(x_lo) and math.isfinite(x_hi) and x_lo < x_hi):
        x_lo, x_hi = (float(xs.min()), float(xs.max())) if xs.size else (ex.point - 1, ex.point + 1)
    for px, _ in extra_points:
        x_lo, x_hi = min(x_lo, px), max(x_hi, px)
    ys = _finite(ex.curve_y)
    y_lo, y_hi = _robust_range(ys, [ex.value, *(py for _, py in extra_points)])
    return [x_lo, x_hi], _padded(y_lo, y_hi, frac=0.12)


def _nan_to_none(values: Iterable[float]) -> list[float | None]:
    return [v if v is not None and math.isfinite(v) else None for v in values]


def _curve_trace(ex: Exploration1D) -> go.Scatter:
    return go.Scatter(
        x=list(ex.curve_x), y=_nan_to_none(ex.curve_y), mode="lines", name="f(x)",
        line={"color": style.FUNCTION, "width": 4.5}, connectgaps=False,
        hovertemplate="x = %{x:.4g}<br>f(x) = %{y:.4g}<extra></extra>",
    )


def _point_trace(ex: Exploration1D) -> go.Scatter:
    return go.Scatter(
        x=[ex.point], y=[ex.value], mode="markers",
        name=f"point (x₀, f(x₀)) = {ex.point_text or vector((ex.point, ex.value))}",
        marker={"color": style.POINT, "size": 14, "symbol": "circle",
                "line": {"color": "white", "width": 1.5}},
        hovertemplate="x₀ = %{x:.6g}<br>f(x₀) = %{y:.6g}<extra></extra>",
    )


def _line(x0: float, y0: float, slope: float, xs: Sequence[float]) -> list[float]:
    return [y0 + slope * (x - x0) for x in xs]


def _side_name(seq: GradientSequence) -> str:
    return f"from the {seq.side}" if seq.side in ("left", "right") else "a sequence"


def _usable(seq: GradientSequence) -> bool:
    n = len(seq.points)
    return n > 0 and len(seq.gradients) == n and len(seq.values) == n


def _slope_text(ex: Exploration1D, seq: GradientSequence, k: int, g: float) -> str:
    """f′(x_k) as the live table's row k of ``seq`` prints it (2 − 2√2, not ≈ −0.8284), else
    as ``number`` prints the float ``g`` (a sequence without rows)."""
    if len(ex.steps) == len(ex.clarke.sequences):
        rows = next((st for s, st in zip(ex.clarke.sequences, ex.steps, strict=True)
                     if s is seq), ())
        if k < len(rows):
            return rows[k].gradient
    return number(g)


def _sequence_state(seq: GradientSequence, k: int, ex: Exploration1D, xr: list[float]):
    """Tangent line and moving point of ``seq`` at step k (k == len: the limit at x₀)."""
    if k >= len(seq.points):
        xk, fk, gk = ex.point, ex.value, seq.target[0]
    else:
        xk, fk, gk = seq.points[k][0], seq.values[k], seq.gradients[k][0]
    tangent = {"x": list(xr), "y": _line(xk, fk, gk, xr)}
    label = f"slope {_slope_text(ex, seq, k, gk)}"
    dot = {"x": [xk], "y": [fk], "text": [label],
           "customdata": [[k + 1 if k < len(seq.points) else "∞", gk]]}
    return tangent, dot


def _no_sequence_note(ex: Exploration1D) -> str:
    if ex.clarke.kind == SetKind.UNBOUNDED:
        return ex.clarke.reason or "Slopes blow up near x₀: f is not locally Lipschitz here."
    return ex.clarke.reason or "No limiting-gradient sequences to animate at this point."


def _note_annotation(text: str) -> dict:
    """A note across the top of a chart, wrapped onto lines that fit a half-width chart."""
    text = "<br>".join(textwrap.wrap(text, NOTE_WIDTH)) if len(text) > NOTE_WIDTH else text
    return {"text": text, "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.98,
            "showarrow": False, "xanchor": "center", "yanchor": "top",
            "bgcolor": style.translucent("#808080", 0.15), "borderpad": 6}


ZOOM_REACH = 2.5  # a zoomed graph shows this many times the farthest current point's distance


def _zoom(ex: Exploration1D, seqs: Sequence[GradientSequence], k: int, xr: list[float],
          yr: list[float]) -> dict | None:
    """Frame k's axes when the points have come so close to x₀ that the fixed window would
    show them on top of each other (x² sin(1/x): by step 6 every point sits at the origin):
    a window around x₀ ZOOM_REACH times the farthest point's distance, and the y range of
    the curve and the current tangents there. None while the whole window reads well."""
    reach = max(abs(s.points[min(k, len(s.points) - 1)][0] - ex.point) for s in seqs)
    half = ZOOM_REACH * reach
    if not math.isfinite(half) or half <= 0 or 4 * half > (xr[1] - xr[0]) / 2:
        return None
    lo_x, hi_x = ex.point - half, ex.point + half
    xs, ys = np.asarray(ex.curve_x), np.asarray(ex.curve_y, dtype=float)
    inside = (xs >= lo_x) & (xs <= hi_x) & np.isfinite(ys)
    values = [ex.value, *ys[inside].tolist()]
    for seq in seqs:
        kk = min(k, len(seq.points) - 1)
        xk, fk, gk = seq.points[kk][0], seq.values[kk], seq.gradients[kk][0]
        values += [fk + gk * (x - xk) for x in (lo_x, hi_x)]
    values = [v for v in values if math.isfinite(v)]
    lo_y, hi_y = min(values), max(values)
    if hi_y - lo_y <= 1e-15:
        lo_y, hi_y = lo_y - half, hi_y + half
    return {"xaxis": {"range": [lo_x, hi_x]}, "yaxis": {"range": _padded(lo_y, hi_y, 0.12)}}


def graph_figure(ex: Exploration1D) -> go.Figure:
    """The graph of f near x₀ with tangent lines animated along each limiting-gradient sequence.

    Frame k shows, for every sequence, the point (x_k, f(x_k)) and its tangent line; the last
    frame is the limit: the line through (x₀, f(x₀)) whose slope is the sequence's target.
    Frames carry only the moving traces. The axes stay fixed while the points are readable in
    the window; once the sequences shrink past that, the frames zoom in on x₀ (``_zoom``).
    """
    seqs = [s for s in ex.clarke.sequences if _usable(s)]
    if ex.clarke.kind == SetKind.UNBOUNDED:
        seqs = []
    # Headroom for the limit lines near x0, so the point never sits on the plot's edge.
    reach = (ex.window[1] - ex.window[0]) / 4
    near = [(ex.point + d, ex.value + s.target[0] * d) for s in seqs for d in (-reach, reach)
            if math.isfinite(s.target[0]) and math.isfinite(reach)]
    xr, yr = axis_ranges(ex, extra_points=near)
    fig = go.Figure(data=[_curve_trace(ex)])
    layout = style.base_layout(
        # powers of ten, not SI prefixes ("600μ"), once the frames zoom in on x₀
        xaxis={"title": {"text": "x"}, "range": xr, "autorange": False, "zeroline": True,
               "exponentformat": "power"},
        yaxis={"title": {"text": "f(x)"}, "range": yr, "autorange": False, "zeroline": True,
               "exponentformat": "power"},
        height=520,
    )
    if not seqs:
        fig.add_trace(_point_trace(ex))
        layout["annotations"] = [_note_annotation(_no_sequence_note(ex))]
        fig.update_layout(**layout)
        return fig

    for j, seq in enumerate(seqs):  # static dashed limit lines first, under the moving ones
        colour = style.side_colour(seq.side)
        t = seq.target[0]
        fig.add_trace(go.Scatter(
            x=list(xr), y=_line(ex.point, ex.value, t, xr), mode="lines",
            name=f"limit line {_side_name(seq)}: slope {target_label(ex.clarke, t)}",
            legendgroup=f"sequence {j}", showlegend=False,
            line={"color": colour, "width": 2, "dash": "dash"},
            hovertemplate=f"limit tangent {_side_name(seq)}, slope {target_label(ex.clarke, t)}"
                          "<extra></extra>",
        ))
    moving: list[int] = []
    for j, seq in enumerate(seqs):
        colour = style.side_colour(seq.side)
        # two sequences from one side share its colour; the marker tells them apart
        rank = [s.side for s in seqs[:j]].count(seq.side)  # earlier sequences from this side
        symbol = _SYMBOLS[rank % len(_SYMBOLS)]
        # labels of same-side sequences go above and below, so they do not overprint
        where = ("top", "bottom")[rank % 2] if seq.side == "left" else ("bottom", "top")[rank % 2]
        tangent, dot = _sequence_state(seq, 0, ex, xr)
        moving.append(len(fig.data))
        fig.add_trace(go.Scatter(
            **tangent, mode="lines", legendgroup=f"sequence {j}",
            name=f"sequence {_side_name(seq)}: slopes → {target_label(ex.clarke, seq.target[0])}",
            line={"color": colour, "width": 2}, opacity=0.9, hoverinfo="skip",
        ))
        moving.append(len(fig.data))
        fig.add_trace(go.Scatter(
            **dot, mode="markers+text", legendgroup=f"sequence {j}", showlegend=False,
            name=f"xᵢ {_side_name(seq)}",
            textposition=f"{where} {'left' if seq.side == 'left' else 'right'}",
            textfont={"color": colour},
            marker={"color": colour, "size": 11, "symbol": symbol,
                    "line": {"color": "white", "width": 1}},
            hovertemplate="i = %{customdata[0]}<br>xᵢ = %{x:.6g}<br>f(xᵢ) = %{y:.6g}"
                          "<br>f′(xᵢ) = %{customdata[1]:.6g}<extra></extra>",
        ))
    fig.add_trace(_point_trace(ex))  # last, so the point stays on top of every line

    n_steps = max(len(s.points) for s in seqs) + 1  # + the limit frame
    frames = []
    zoom = None
    for k in range(n_steps):
        data, shown = [], []
        for seq in seqs:
            # shorter sequences wait at their last point until the limit frame
            kk = len(seq.points) if k == n_steps - 1 else min(k, len(seq.points) - 1)
            tangent, dot = _sequence_state(seq, kk, ex, xr)
            if (dot["x"][0], dot["y"][0], dot["text"][0]) in shown:
                dot["text"] = [""]  # two sequences at one point: one label, not two overprinted
            shown.append((dot["x"][0], dot["y"][0], dot["text"][0]))
            data += [go.Scatter(**tangent), go.Scatter(**dot)]
        name = "∞" if k == n_steps - 1 else str(k + 1)
        if k < n_steps - 1:
            zoom = _zoom(ex, seqs, k, xr, yr) or zoom
        frames.append(go.Frame(data=data, traces=moving, name=name, layout=zoom))
    if any(f.layout.xaxis.range for f in frames):  # stepping back from a zoom: the window again
        whole = {"xaxis": {"range": xr}, "yaxis": {"range": yr}}
        for f in frames:
            if not f.layout.xaxis.range:
                f.layout = whole
    layout["height"] = _GRAPH_HEIGHT
    layout["margin"] = {**layout["margin"], "t": _GRAPH_TOP, "b": _CONTROLS_MARGIN}
    plot_px = _GRAPH_HEIGHT - _GRAPH_TOP - _CONTROLS_MARGIN
    fig.update_layout(**layout)
    return animate(fig, frames, "step i = ", frame_ms=FRAME_MS, transition_ms=TRANSITION_MS,
                   place=Placement.in_pixels(plot_px, _BUTTONS_BELOW, _SLIDER_BELOW))


# --- the slope axis ------------------------------------------------------------------------

_CLARKE_Y, _SUB_Y, _HALF = 1.0, 0.0, 0.1


def _set_traces(dset: DifferentialSet, y: float, colour: str, what: str) -> list[go.Scatter]:
    labels = _endpoint_labels(dset)
    if dset.kind == SetKind.INTERVAL:
        lo, hi = dset.vertices[0][0], dset.vertices[-1][0]
        band = go.Scatter(
            x=[lo, hi, hi, lo, lo], y=[y - _HALF, y - _HALF, y + _HALF, y + _HALF, y - _HALF],
            mode="lines", fill="toself", fillcolor=style.translucent(colour, 0.35),
            line={"color": colour, "width": 2}, showlegend=False,
            name=f"{what} [{labels[0]}, {labels[-1]}]",
            hovertemplate=f"{what}: [{labels[0]}, {labels[-1]}]<extra></extra>",
        )
        ends = go.Scatter(
            x=[lo, hi], y=[y - 1.4 * _HALF] * 2, mode="text", text=[labels[0], labels[-1]],
            textposition="bottom center", textfont={"color": colour, "size": 15},
            showlegend=False, hoverinfo="skip", name=f"{what} endpoints",
        )
        return [band, ends]
    if dset.kind == SetKind.POINT:
        v = dset.vertices[0][0]
        return [go.Scatter(
            x=[v], y=[y], mode="markers+text", text=[labels[0]], textposition="bottom center",
            textfont={"color": colour, "size": 15},
            marker={"color": colour, "size": 16, "symbol": "diamond"}, showlegend=False,
            name=f"{what} {{{labels[0]}}}", hovertemplate=f"{what}: {{{labels[0]}}}<extra></extra>",
        )]
    return []


def _set_word(dset: DifferentialSet | None, y: float, xr: list[float], clarke: bool) -> dict | None:
    """The word shown on a row that has no band: "empty", or why the set is not shown."""
    if dset is None:
        text = "<b>undecided</b> by the exact engine"
    elif dset.kind == SetKind.EMPTY:
        text = "<b>empty</b>: no subgradient at x₀"
    elif dset.kind == SetKind.UNBOUNDED and clarke:
        text = "<b>undefined</b>: not locally Lipschitz"
    elif dset.kind == SetKind.UNBOUNDED:
        text = "<b>not computed</b>: not locally Lipschitz"
    elif dset.kind not in (SetKind.INTERVAL, SetKind.POINT):
        text = f"not a 1D set ({dset.kind})"
    else:
        return None
    return {"text": text, "x": (xr[0] + xr[1]) / 2, "y": y, "xref": "x", "yref": "y",
            "showarrow": False, "font": {"size": 14}}


def _slope_range(ex: Exploration1D) -> list[float]:
    core = [v[0] for d in (ex.clarke, ex.subdifferential)
            if d is not None and d.kind in (SetKind.INTERVAL, SetKind.POINT) for v in d.vertices]
    core += [s.target[0] for s in ex.clarke.sequences if s.target]
    core = [v for v in core if math.isfinite(v)]
    grads = _finite(g[0] for s in ex.clarke.sequences for g in s.gradients)
    if not core:
        core = [0.0] if grads.size == 0 else list(_robust_range(grads))
    lo, hi = min(core), max(core)
    reach = max(hi - lo, 1.0)  # sequence dots far from the sets are clipped, not zoomed out to
    near = grads[(grads >= lo - reach) & (grads <= hi + reach)]
    if near.size:
        lo, hi = min(lo, float(near.min())), max(hi, float(near.max()))
    return _padded(lo, hi, frac=0.15)


def slope_figure(ex: Exploration1D) -> go.Figure:
    """A horizontal slope axis: the Clarke set and the subdifferential as bands, dots or words,
    and the slopes f'(x_i) of each sequence converging to the set's endpoints."""
    xr = _slope_range(ex)
    fig = go.Figure()
    for trace in _set_traces(ex.clarke, _CLARKE_Y, style.CLARKE_SET, "Clarke set"):
        fig.add_trace(trace)
    if ex.subdifferential is not None:
        for trace in _set_traces(ex.subdifferential, _SUB_Y, style.SUBDIFFERENTIAL,
                                 "subdifferential"):
            fig.add_trace(trace)
    if ex.clarke.kind != SetKind.UNBOUNDED:
        seqs = ex.clarke.sequences
        for j, seq in enumerate(seqs):
            grads = [g[0] for g in seq.gradients]
            if not grads:
                continue
            colour = style.side_colour(seq.side)
            symbol = _SYMBOLS[[s.side for s in seqs[:j]].count(seq.side) % len(_SYMBOLS)]
            n = len(grads)
            fig.add_trace(go.Scatter(
                x=grads, y=[_CLARKE_Y + 2.6 * _HALF] * n, mode="markers",
                name=f"slopes f′(xᵢ) {_side_name(seq)} → {target_label(ex.clarke, seq.target[0])}",
                marker={"color": colour, "symbol": symbol,
                        "size": [7 + 5 * (i + 1) / n for i in range(n)],
                        "opacity": [0.35 + 0.65 * (i + 1) / n for i in range(n)],
                        "line": {"color": colour, "width": 1}},
                customdata=list(range(1, n + 1)),
                hovertemplate="i = %{customdata}<br>f′(xᵢ) = %{x:.6g}<extra></extra>",
            ))
    annotations = [a for a in (_set_word(ex.clarke, _CLARKE_Y, xr, clarke=True),
                               _set_word(ex.subdifferential, _SUB_Y, xr, clarke=False)) if a]
    # Row titles sit above their rows, so the slope axis gets the figure's full width.
    for y, title, colour in ((_CLARKE_Y, "Clarke set ∂f(x₀)", style.CLARKE_SET),
                             (_SUB_Y, "subdifferential ∂ₛf(x₀)", style.SUBDIFFERENTIAL)):
        annotations.append({"text": f"<b>{title}</b>", "x": 0, "xref": "paper", "xanchor": "left",
                            "y": y + 5 * _HALF, "yref": "y", "yanchor": "middle",
                            "showarrow": False, "font": {"color": colour, "size": 14}})
    fig.update_layout(**style.base_layout(
        xaxis={"title": {"text": "slope s"}, "range": xr, "autorange": False,
               "zeroline": False},
        yaxis={"range": [-0.45, 1.6], "autorange": False, "showticklabels": False,
               "showgrid": False, "zeroline": False, "fixedrange": True},
        annotations=annotations, height=340, margin={"l": 20, "r": 20, "t": 10, "b": 50},
        legend={"orientation": "h", "yanchor": "top", "y": -0.28, "x": 0},
    ))
    fig.update_layout(margin={"b": 50 + 24 * len(ex.clarke.sequences)})
    return fig


# --- witnesses -----------------------------------------------------------------------------


def witness_figure(ex: Exploration1D) -> go.Figure | None:
    """Why the subdifferential is empty: each witness x' and the line it rules out.

    The dotted line joins (x₀, f(x₀)) to (x', f(x')); a subgradient line must pass below
    (x', f(x')), which bounds its slope s from one side. None when there are no witnesses.
    """
    if ex.subdifferential is None:
        return None
    witnesses = [w for w in ex.subdifferential.witnesses
                 if w.point and math.isfinite(w.point[0]) and math.isfinite(w.value)]
    if not witnesses:
        return None
    pts = [(w.point[0], w.value) for w in witnesses]
    xr, yr = axis_ranges(ex, extra_points=pts)
    xr = _padded(*xr, frac=0.05)
    fig = go.Figure(data=[_curve_trace(ex)])
    annotations = []
    for w in witnesses:
        wx, wy = w.point[0], w.value
        where = vector(w.point, w.exact_point)
        caption = witness_sentence(w, exact_number)
        dx = wx - ex.point
        if dx != 0:
            slope = (wy - ex.value) / dx
            fig.add_trace(go.Scatter(
                x=list(xr), y=_line(ex.point, ex.value, slope, xr), mode="lines",
                line={"color": style.WITNESS, "width": 1.5, "dash": "dot"}, showlegend=False,
                name=f"line through x′ = {where}",
                hovertemplate=f"slope {number(slope)}: the boundary that x′ = {where} sets"
                              "<extra></extra>",
            ))
        fig.add_trace(go.Scatter(
            x=[wx], y=[wy], mode="markers", name=caption,
            marker={"color": style.WITNESS, "size": 13, "symbol": "x"},
            hovertemplate=f"{caption}<br>f(x′) = {number(wy)}<extra></extra>",
        ))
        annotations.append({
            "text": caption, "x": wx, "y": wy, "xref": "x", "yref": "y", "showarrow": True,
            "arrowhead": 2, "arrowcolor": style.WITNESS, "ax": 0, "ay": -45,
            "font": {"color": style.WITNESS, "size": 14},
        })
    fig.add_trace(_point_trace(ex))
    fig.update_layout(**style.base_layout(
        xaxis={"title": {"text": "x"}, "range": xr, "autorange": False},
        yaxis={"title": {"text": "f(x)"}, "range": yr, "autorange": False},
        annotations=annotations, height=420,
    ))
    return fig
