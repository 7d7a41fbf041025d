"""Figures for lecture §1 (supporting lines, subgradient descent) and §4 (gradient inclusion).

Every animation carries only its moving traces in the frames, keeps its axes fixed, and has
play/pause buttons and a slider under the plot.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ..engine.sets import SetKind
from ..labs.descent import DescentPath, FlowPicture, supporting_lines
from ..views.explore_1d import Exploration1D
from ..views.steps import exact_number, number
from ..views.sweep_2d import witness_sentence
from . import style
from .animation import BESIDE, animate

SWEEP_CAPTION = (
    "Drag the slider (or press ▶ Play) to turn the line f(p) + s(x − p) around the point. It is "
    "**green** while it stays below the graph (s is a subgradient) and dashed grey once it "
    "passes above f somewhere; the × marks the x′ where it rises highest above f.")
DESCENT_CAPTION = (
    "With a **constant** step the iterates cannot settle at a kink: the slope does not shrink "
    "near the minimum, so each step overshoots by up to η (try |x| from 1 with η = 0.3). "
    "**Diminishing** steps η₀/√(t+1) shrink the overshoot and converge. Land exactly on the "
    "kink (|x| from 1 with η = 0.25) and the choice matters: the minimum-norm element 0 stops "
    "there, the smallest or largest slope jumps off again.")
_HEIGHT = 520
CONTROLS_MARGIN = 130  # px under the plot for the buttons and the slider beside them
_PATH_COLOURS = (style.LEFT_SEQUENCE, style.RIGHT_SEQUENCE, style.SUBDIFFERENTIAL)


def _y_range(values, pad: float = 0.12) -> list[float]:
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    lo, hi = (float(v.min()), float(v.max())) if len(v) else (-1.0, 1.0)
    span = max(hi - lo, 1.0)
    return [lo - pad * span, hi + pad * span]


def sweep_slopes(ex: Exploration1D, count: int = 25) -> list[float]:
    """Slopes to sweep: across the Clarke set and the subdifferential, and a margin beyond."""
    ends = [v[0] for d in (ex.clarke, ex.subdifferential) if d is not None
            and d.kind not in (SetKind.EMPTY, SetKind.UNBOUNDED) for v in d.vertices]
    lo, hi = (min(ends), max(ends)) if ends else (-1.0, 1.0)
    pad = max(0.5, 0.5 * (hi - lo))
    return sorted(set(np.round(np.linspace(lo - pad, hi + pad, count), 6).tolist() + ends))


def _rounded(values) -> np.ndarray:
    """Six decimals are plenty on screen and keep the JSON (and the frames) small."""
    return np.round(np.asarray(values, dtype=float), 6)


def sweep_figure(ex: Exploration1D) -> go.Figure:
    """Lines f(x0) + s(x - x0) swept over s: green while they stay below the graph, grey with
    the point x' they pass above otherwise; the subdifferential's witness points stay marked.

    Frames are plain dicts holding only what moves (plotly merges them into the traces), which
    keeps the figure quick to build and small to send."""
    slopes = sweep_slopes(ex)
    verdicts = supporting_lines(ex.curve_x, ex.curve_y, ex.point, ex.value, slopes)
    x0, f0 = ex.point, ex.value
    xs = np.array(ex.window)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=_rounded(ex.curve_x), y=_rounded(ex.curve_y), mode="lines",
                             name="f", line={"color": style.FUNCTION, "width": 3},
                             hoverinfo="skip"))
    sub = ex.subdifferential
    for w in sub.witnesses if sub is not None else ():
        fig.add_trace(go.Scatter(
            x=[w.point[0]], y=[w.value], mode="markers+text",
            text=[witness_sentence(w, exact_number)],
            # the label sits on the side away from p, below the point, clear of the graph
            # that rises towards (p, f(p))
            textposition="bottom right" if w.point[0] < x0 else "bottom left",
            name="witness x′", showlegend=False,
            marker={"color": style.WITNESS, "size": 12, "symbol": "diamond"}))
    moving = [len(fig.data), len(fig.data) + 1]

    def state(s: float, below: bool, worst: float) -> list[dict]:
        fx = float(np.interp(worst, ex.curve_x, ex.curve_y))
        return [
            {"x": xs.tolist(), "y": _rounded(f0 + s * (xs - x0)).tolist(),
             "line": {"color": style.CLARKE_SET if below else style.NEUTRAL,
                      "dash": "solid" if below else "dash"}},
            {"x": [] if below else [worst], "y": [] if below else [round(fx, 6)]},
        ]

    green = [i for i, (ok, _) in enumerate(verdicts) if ok]
    first = green[len(green) // 2] if green else len(slopes) // 2
    line, mark = state(slopes[first], *verdicts[first])
    fig.add_trace(go.Scatter(**line, mode="lines", name="line of slope s",
                             line_width=3))
    fig.add_trace(go.Scatter(**mark, mode="markers", name="passes above f here",
                             marker={"color": style.WITNESS, "size": 13, "symbol": "x"}))
    fig.add_trace(go.Scatter(x=[x0], y=[f0], mode="markers", name="(p, f(p))",
                             marker={"color": style.POINT, "size": 13}))
    frames = [go.Frame(name=str(k), traces=moving, data=state(s, *v))
              for k, (s, v) in enumerate(zip(slopes, verdicts, strict=True))]
    layout = style.base_layout(
        height=_HEIGHT, xaxis={"range": list(ex.window), "title": {"text": "x"}},
        yaxis={"range": _y_range(ex.curve_y), "title": {"text": "f(x)"}})
    layout["margin"]["b"] = CONTROLS_MARGIN
    fig.update_layout(**layout)
    # the slider names each slope as the live table prints numbers (minus sign U+2212); a colon,
    # not "=", since an inexact slope's label starts with ≈
    return animate(fig, frames, "slope s: ", frame_ms=500, active=first, place=BESIDE,
                   labels=[number(s) for s in slopes])


def descent_figure(path: DescentPath) -> go.Figure:
    """Iterates of subgradient descent on the graph of f (left) and x_t against t (right);
    iterates that started on a kink are diamonds. Frames hold only the moving coordinates."""
    fig = make_subplots(rows=1, cols=2, column_widths=[0.6, 0.4], horizontal_spacing=0.1)
    fig.add_trace(go.Scatter(x=_rounded(path.curve_x), y=_rounded(path.curve_y), mode="lines",
                             name="f", line={"color": style.FUNCTION, "width": 3},
                             hoverinfo="skip"), row=1, col=1)
    xs, fs = _rounded(path.xs).tolist(), _rounded(path.fs).tolist()
    t_all = list(range(len(xs)))
    kinks = [k for k, on in enumerate(path.kinks) if on]
    # the whole run, faint, so the still picture already shows where the iterates go
    ghost = {"color": style.ghost(style.LEFT_SEQUENCE), "width": 1}
    fig.add_trace(go.Scatter(x=t_all, y=xs, mode="lines", line=ghost, showlegend=False,
                             hoverinfo="skip"), row=1, col=2)

    def state(k: int) -> list[dict]:
        n = k + 1
        on = [j for j in kinks if j <= k]
        return [
            {"x": xs[:n], "y": fs[:n]},
            {"x": [xs[j] for j in on], "y": [fs[j] for j in on]},
            {"x": [xs[k]], "y": [fs[k]]},
            {"x": t_all[:n], "y": xs[:n]},
        ]

    moving = [2, 3, 4, 5]
    first = state(0)
    fig.add_trace(go.Scatter(**first[0], mode="lines+markers", name="iterates x_t",
                             line={"color": style.LEFT_SEQUENCE, "width": 1},
                             marker={"color": style.LEFT_SEQUENCE, "size": 8}), row=1, col=1)
    fig.add_trace(go.Scatter(**first[1], mode="markers", name="on a kink",
                             marker={"color": style.LEFT_SEQUENCE, "size": 13,
                                     "symbol": "diamond", "line": {"width": 1.5,
                                                                   "color": style.POINT}}),
                  row=1, col=1)
    fig.add_trace(go.Scatter(**first[2], mode="markers", name="x_t now",
                             marker={"color": style.POINT, "size": 14}), row=1, col=1)
    fig.add_trace(go.Scatter(**first[3], mode="lines+markers", name="x_t against t",
                             showlegend=False, line={"color": style.LEFT_SEQUENCE},
                             marker={"size": 6}), row=1, col=2)
    frames = [go.Frame(name=str(k), traces=moving, data=state(k)) for k in range(len(xs))]
    layout = style.base_layout(
        height=_HEIGHT,
        xaxis={"range": list(path.window), "title": {"text": "x"}},
        yaxis={"range": _y_range(path.curve_y), "title": {"text": "f(x)"}},
        xaxis2={"range": [-0.5, len(xs) - 0.5], "title": {"text": "step t"}},
        yaxis2={"range": list(path.window), "title": {"text": "x_t"}})
    layout["margin"]["b"] = CONTROLS_MARGIN
    fig.update_layout(**layout)
    return animate(fig, frames, "step t = ", frame_ms=250, place=BESIDE)


def flow_figure(pic: FlowPicture, frames_count: int = 40) -> go.Figure:
    """Contours of f, the minimum-norm flow (green) and gradient-descent paths for each step size,
    animated in time so that each path is where it is at t = (steps taken) × η."""
    fig = go.Figure()
    fig.add_trace(go.Contour(x=pic.grid_x, y=pic.grid_y, z=pic.grid_f, showscale=False,
                             colorscale=[[0, style.LEVEL_CURVE], [1, style.LEVEL_CURVE]],
                             opacity=style.LEVEL_CURVE_OPACITY,
                             ncontours=18, hoverinfo="skip", contours={"coloring": "lines"},
                             name="level sets of f"))
    # about 150 flow points are plenty for a smooth line, and keep the frames light
    every = max(1, len(pic.flow) // 150)
    keep = sorted(set(range(0, len(pic.flow), every)) | {len(pic.flow) - 1})
    # Single precision (plotly sends arrays as binary): far under a pixel, and half the bytes
    # of the frames, which repeat every path up to their time.
    flow = np.array(pic.flow)[keep].astype(np.float32)
    paths = {eta: np.array(path, dtype=np.float32)
             for eta, path in list(pic.paths.items())[:len(_PATH_COLOURS)]}
    times = np.array(pic.flow_t)[keep]
    horizon = max([float(times[-1])] + [(len(p) - 1) * eta for eta, p in pic.paths.items()])

    # the whole run, faint, so the still picture already shows the zigzags and the slide
    fig.add_trace(go.Scatter(x=flow[:, 0], y=flow[:, 1], mode="lines", showlegend=False,
                             hoverinfo="skip",
                             line={"color": style.ghost(style.CLARKE_SET), "width": 5}))
    for pts, colour in zip(paths.values(), _PATH_COLOURS, strict=False):
        fig.add_trace(go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="lines", showlegend=False,
                                 hoverinfo="skip",
                                 line={"color": style.ghost(colour), "width": 1}))
    first_moving = len(fig.data)

    def state(tau: float) -> list[go.Scatter]:
        """The moving traces' points at time tau: a frame carries only these (plotly.js keeps a
        trace's other attributes when it plays a frame)."""
        n = int(np.searchsorted(times, tau + 1e-12))
        data = [go.Scatter(x=flow[:n, 0], y=flow[:n, 1])]
        for eta, path in paths.items():
            pts = path[: min(len(path), int(tau / eta + 1e-9) + 1)]
            data.append(go.Scatter(x=pts[:, 0], y=pts[:, 1]))
        return data

    looks = [{"mode": "lines", "name": "flow dx/dt = −m(x)",
              "line": {"color": style.CLARKE_SET, "width": 5}}]
    looks += [{"mode": "lines+markers", "name": f"steps η = {eta:g}",
               "line": {"color": colour, "width": 1.5}, "marker": {"color": colour, "size": 6}}
              for eta, colour in zip(paths, _PATH_COLOURS, strict=False)]
    for trace, look in zip(state(0.0), looks, strict=True):
        fig.add_trace(trace.update(look))
    moving = list(range(first_moving, len(fig.data)))
    fig.add_trace(go.Scatter(x=[pic.start[0]], y=[pic.start[1]], mode="markers", name="start",
                             marker={"color": style.POINT, "size": 13}))
    taus = np.linspace(0.0, horizon, frames_count + 1)
    frames = [go.Frame(name=f"{tau:.2f}", traces=moving, data=state(tau)) for tau in taus]
    # Equal scales: the axes shrink to the grid's shape ("domain") instead of widening their
    # range past the grid, where the level curves would stop short of the frame.
    layout = style.base_layout(
        height=_HEIGHT + 80,
        xaxis={"range": [pic.grid_x[0], pic.grid_x[-1]], "title": {"text": "x"},
               "constrain": "domain"},
        yaxis={"range": [pic.grid_y[0], pic.grid_y[-1]], "title": {"text": "y"},
               "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"})
    layout["margin"]["b"] = CONTROLS_MARGIN
    fig.update_layout(**layout)
    return animate(fig, frames, "time t = ", frame_ms=200, place=BESIDE)
