"""Backgrounds an animation keeps: a heatmap's coloured cells and a contour's level curves drawn
as scatter traces, the one kind plotly.js keeps when it plays a frame without a full redraw
(see ``animation``). The picture is the same: the cells are the heatmap's cells, the level
curves come from marching squares on the contour's own grid.

>>> level_lines([0, 1], [0, 1], [[0, 1], [1, 2]], [1.0])  # z = x + y: the line x + y = 1
([1.0, 0.0, None], [0.0, 1.0, None])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import unlabel_rgb
from plotly.colors import validate_colors as _validate

# Marching squares: corners (0: x0y0, 1: x1y0, 2: x1y1, 3: x0y1) above the level give a case;
# each case joins crossing points on the edges (0: bottom, 1: right, 2: top, 3: left).
_SEGMENTS = {
    1: [(3, 0)], 2: [(0, 1)], 3: [(3, 1)], 4: [(1, 2)], 5: [(3, 0), (1, 2)], 6: [(0, 2)],
    7: [(3, 2)], 8: [(2, 3)], 9: [(0, 2)], 10: [(0, 1), (2, 3)], 11: [(1, 2)], 12: [(1, 3)],
    13: [(0, 1)], 14: [(3, 0)],
}


def _crossing(x: np.ndarray, y: np.ndarray, z: np.ndarray, i: np.ndarray, j: np.ndarray,
              edge: int, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Where the level crosses ``edge`` of the cells (i, j) (row i: y, column j: x)."""
    ends = {0: ((0, 0), (0, 1)), 1: ((0, 1), (1, 1)), 2: ((1, 1), (1, 0)), 3: ((1, 0), (0, 0))}
    (di0, dj0), (di1, dj1) = ends[edge]
    z0, z1 = z[i + di0, j + dj0], z[i + di1, j + dj1]
    t = np.where(z1 != z0, (level - z0) / np.where(z1 != z0, z1 - z0, 1.0), 0.5)
    px = x[j + dj0] + t * (x[j + dj1] - x[j + dj0])
    py = y[i + di0] + t * (y[i + di1] - y[i + di0])
    return px, py


def level_lines(x: Sequence[float], y: Sequence[float], z: Sequence[Sequence[float | None]],
                levels: Sequence[float]) -> tuple[list[float | None], list[float | None]]:
    """The level curves z = L of a grid (``z[i][j]`` at (x[j], y[i]); None: undefined) for
    each L in ``levels``, as line segments separated by None (scatter's gaps)."""
    gx, gy = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    gz = np.asarray([[np.nan if v is None else v for v in row] for row in z], dtype=float)
    ok = np.isfinite(gz)
    cell_ok = ok[:-1, :-1] & ok[1:, :-1] & ok[1:, 1:] & ok[:-1, 1:]
    out_x: list[float | None] = []
    out_y: list[float | None] = []
    for level in levels:
        above = np.where(ok, gz > level, False)
        case = (above[:-1, :-1] * 1 + above[:-1, 1:] * 2 + above[1:, 1:] * 4
                + above[1:, :-1] * 8)
        for c, segments in _SEGMENTS.items():
            i, j = np.nonzero((case == c) & cell_ok)
            if i.size == 0:
                continue
            for a, b in segments:
                ax, ay = _crossing(gx, gy, gz, i, j, a, level)
                bx, by = _crossing(gx, gy, gz, i, j, b, level)
                for k in range(i.size):
                    out_x += [float(ax[k]), float(bx[k]), None]
                    out_y += [float(ay[k]), float(by[k]), None]
    return out_x, out_y


def _axes(trace) -> tuple[list[float], list[float]]:
    """The grid's x and y (plotly's default: the column and row numbers)."""
    x = list(trace.x) if trace.x is not None else list(range(len(trace.z[0])))
    y = list(trace.y) if trace.y is not None else list(range(len(trace.z)))
    return x, y


def _levels(trace: go.Contour, z: np.ndarray) -> list[float]:
    c = trace.contours
    if c is not None and c.start is not None and c.end is not None and c.size:
        return list(np.arange(c.start, c.end + c.size / 2, c.size))
    finite = z[np.isfinite(z)]
    if finite.size == 0:
        return []
    n = trace.ncontours or 15
    return list(np.linspace(float(finite.min()), float(finite.max()), n + 2)[1:-1])


def contour_as_lines(trace: go.Contour) -> go.Scatter:
    """A contour trace drawn with lines (``coloring: "lines"``) as one scatter trace."""
    z = np.asarray([[np.nan if v is None else v for v in row] for row in trace.z], dtype=float)
    levels = _levels(trace, z)
    xs, ys = level_lines(*_axes(trace), trace.z, levels)
    colour = trace.colorscale[-1][1] if trace.colorscale else "#888888"
    width = trace.line.width if trace.line is not None and trace.line.width else 1.5
    return go.Scatter(
        x=[None if v is None else round(v, 6) for v in xs],
        y=[None if v is None else round(v, 6) for v in ys], mode="lines", name=trace.name,
        showlegend=trace.showlegend, legendgroup=trace.legendgroup,
        opacity=trace.opacity if trace.opacity is not None else 1.0,
        line={"color": colour, "width": width}, hoverinfo="skip",
        xaxis=trace.xaxis, yaxis=trace.yaxis)


def _colour_at(scale: Sequence[Sequence], u: float) -> str:
    """The colour a piecewise-constant colorscale gives at ``u`` in [0, 1]."""
    colour = scale[0][1]
    for stop, c in scale:
        if stop <= u:
            colour = c
    return colour


def _edges(v: np.ndarray) -> np.ndarray:
    mid = (v[1:] + v[:-1]) / 2
    return np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])


def heatmap_as_fills(trace: go.Heatmap) -> list[go.Scatter]:
    """A heatmap of a few distinct values (regions) as one filled scatter trace per value:
    each row's runs of equal cells as rectangles."""
    z = np.asarray([[np.nan if v is None else v for v in row] for row in trace.z], dtype=float)
    x, y = (np.asarray(v, dtype=float) for v in _axes(trace))
    ex, ey = _edges(x), _edges(y)
    zmin = trace.zmin if trace.zmin is not None else float(np.nanmin(z))
    zmax = trace.zmax if trace.zmax is not None else float(np.nanmax(z))
    scale = [list(s) for s in trace.colorscale]
    traces = []
    for value in sorted({float(v) for v in z[np.isfinite(z)]}):
        xs: list[float | None] = []
        ys: list[float | None] = []
        for i, row in enumerate(z):
            same = row == value
            j = 0
            while j < len(row):
                if not same[j]:
                    j += 1
                    continue
                k = j
                while k + 1 < len(row) and same[k + 1]:
                    k += 1
                x0, x1, y0, y1 = ex[j], ex[k + 1], ey[i], ey[i + 1]
                xs += [x0, x1, x1, x0, x0, None]
                ys += [y0, y0, y1, y1, y0, None]
                j = k + 1
        u = (value - zmin) / (zmax - zmin) if zmax > zmin else 0.0
        colour = _colour_at(scale, min(max(u, 0.0), 1.0))
        r, g, b = unlabel_rgb(_validate([colour], colortype="rgb")[0])
        traces.append(go.Scatter(
            x=[None if v is None else round(float(v), 6) for v in xs],
            y=[None if v is None else round(float(v), 6) for v in ys], mode="lines",
            fill="toself", line={"width": 0}, showlegend=False, hoverinfo="skip",
            fillcolor=f"rgba({int(r)},{int(g)},{int(b)},"
                      f"{trace.opacity if trace.opacity is not None else 1.0})",
            name=f"{trace.name} {value:g}", xaxis=trace.xaxis, yaxis=trace.yaxis))
    return traces


MAX_REGIONS = 12  # a heatmap of more distinct values is a field, not regions: left as it is


def as_scatter(trace) -> list:
    """``trace`` drawn with scatter traces when it is a heatmap of a few values (regions) or a
    contour of lines; else itself."""
    if trace.type == "heatmap" and trace.z is not None:
        z = np.asarray([[np.nan if v is None else v for v in row] for row in trace.z],
                       dtype=float)
        if len(np.unique(z[np.isfinite(z)])) <= MAX_REGIONS:
            return heatmap_as_fills(trace)
    if trace.type == "contour" and trace.z is not None and (
            trace.contours is not None and trace.contours.coloring == "lines"):
        return [contour_as_lines(trace)]
    return [trace]
