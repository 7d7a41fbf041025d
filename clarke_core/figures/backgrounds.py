"""Backgrounds an animation keeps: a heatmap's coloured cells and a contour's level curves drawn
as scatter traces, the one kind plotly.js keeps when it plays a frame without a full redraw
(see ``animation``). The picture is the same: the cells are the heatmap's cells, the level
curves come from marching squares on the contour's own grid.

>>> level_lines([0, 1], [0, 1], [[0, 1], [1, 2]], [1.0])  # z = x + y: the line x + y = 1
([1.0, 0.0, None], [0.0, 1.0, None])
"""

from __future__ import annotations

import math
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


def _edge_ids(i: int, j: int) -> tuple[tuple[int, int, int], ...]:
    """Cell (i, j)'s edges 0-3 as grid edges: (0, row, column) runs along x, (1, ...) along y;
    a neighbour names their shared edge alike, so the level's segments chain into lines."""
    return (0, i, j), (1, i, j + 1), (0, i + 1, j), (1, i, j)


def _crossing(x: np.ndarray, y: np.ndarray, z: np.ndarray, edge: tuple[int, int, int],
              level: float) -> tuple[float, float]:
    """Where the level crosses a grid edge (``_edge_ids``), from its lower-left end."""
    along_y, i, j = edge
    i1, j1 = (i + 1, j) if along_y else (i, j + 1)
    z0, z1 = z[i, j], z[i1, j1]
    t = (level - z0) / (z1 - z0) if z1 != z0 else 0.5
    return float(x[j] + t * (x[j1] - x[j])), float(y[i] + t * (y[i1] - y[i]))


def _chains(segments: list[tuple]) -> list[list]:
    """Segments (pairs of edge ids) joined end to end into polylines: the open ones from an end
    that one segment alone touches, then the closed ones (which end where they start)."""
    ends: dict = {}
    for k, segment in enumerate(segments):
        for e in segment:
            ends.setdefault(e, []).append(k)
    used = [False] * len(segments)
    lines = []
    starts = [e for e, touching in ends.items() if len(touching) == 1]
    for e in starts + [a for a, _ in segments]:
        k = next((m for m in ends[e] if not used[m]), None)
        if k is None:
            continue
        line = [e]
        while k is not None:
            used[k] = True
            a, b = segments[k]
            line.append(b if line[-1] == a else a)
            k = next((m for m in ends[line[-1]] if not used[m]), None)
        lines.append(line)
    return lines


def simplified(points: np.ndarray, tol: float) -> np.ndarray:
    """``points`` (a polyline, n x 2) without the points that lie within ``tol`` of the line
    through their neighbours kept (Ramer-Douglas-Peucker): straight runs become one segment.

    >>> simplified(np.array([[0, 0], [1, 0.001], [2, 0], [2, 1]]), 0.01).tolist()
    [[0.0, 0.0], [2.0, 0.0], [2.0, 1.0]]
    """
    points = np.asarray(points, dtype=float)
    keep = np.zeros(len(points), dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        if b - a < 2:
            continue
        p, q = points[a], points[b]
        d = q - p
        inner = points[a + 1:b] - p
        norm = np.hypot(*d)
        dist = (np.abs(d[0] * inner[:, 1] - d[1] * inner[:, 0]) / norm if norm > 0
                else np.hypot(inner[:, 0], inner[:, 1]))
        m = int(np.argmax(dist))
        if dist[m] > tol:
            keep[a + 1 + m] = True
            stack += [(a, a + 1 + m), (a + 1 + m, b)]
    return points[keep]


def level_lines(x: Sequence[float], y: Sequence[float], z: Sequence[Sequence[float | None]],
                levels: Sequence[float], tol: float = 0.0
                ) -> tuple[list[float | None], list[float | None]]:
    """The level curves z = L of a grid (``z[i][j]`` at (x[j], y[i]); None: undefined) for
    each L in ``levels``, as polylines separated by None (scatter's gaps), each without the
    points within ``tol`` of the straight line through its neighbours (``simplified``)."""
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
        segments = []
        for i, j in zip(*np.nonzero((case > 0) & (case < 15) & cell_ok), strict=True):
            edges = _edge_ids(int(i), int(j))
            segments += [(edges[a], edges[b]) for a, b in _SEGMENTS[int(case[i, j])]]
        points: dict = {}
        for line in _chains(segments):
            for e in line:
                if e not in points:
                    points[e] = _crossing(gx, gy, gz, e, level)
            pts = simplified(np.array([points[e] for e in line]), tol)
            out_x += [*pts[:, 0].tolist(), None]
            out_y += [*pts[:, 1].tolist(), None]
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
    x, y = _axes(trace)
    # A thousandth of the grid's span is under a pixel on any screen: the lines keep that many
    # digits, and drop the points that a straight line through their neighbours misses by less.
    span = max(float(np.ptp(x)), float(np.ptp(y))) or 1.0
    digits = max(0, math.ceil(math.log10(1000 / span)))
    xs, ys = level_lines(x, y, trace.z, levels, tol=span / 2000)
    colour = trace.colorscale[-1][1] if trace.colorscale else "#888888"
    width = trace.line.width if trace.line is not None and trace.line.width else 1.5
    return go.Scatter(
        x=[None if v is None else round(v, digits) for v in xs],
        y=[None if v is None else round(v, digits) for v in ys], mode="lines", name=trace.name,
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


def _inside(point: np.ndarray, ring: np.ndarray) -> bool:
    """Whether ``point`` lies inside the closed polygon ``ring`` (even-odd ray casting)."""
    x, y = point
    xs, ys = ring[:, 0], ring[:, 1]
    xj, yj = np.roll(xs, 1), np.roll(ys, 1)
    crosses = ((ys > y) != (yj > y)) & (
        x < (xj - xs) * (y - ys) / np.where(yj != ys, yj - ys, 1.0) + xs)
    return bool(np.count_nonzero(crosses) % 2)


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


def _with_holes(rings: list[np.ndarray]) -> list[np.ndarray]:
    """Closed rings of one region as polygons a "toself" fill draws right: each ring inside an
    odd number of others is a hole, joined to the ring around it by a cut of no width (a
    separate ring would be filled too)."""
    depth = [sum(_inside(r[0], o) for o in rings if o is not r) for r in rings]
    outer = {k: rings[k] for k in range(len(rings)) if depth[k] % 2 == 0}
    for k, ring in enumerate(rings):
        if depth[k] % 2 == 0:
            continue
        around = [m for m in outer if depth[m] == depth[k] - 1 and _inside(ring[0], rings[m])]
        if not around:
            continue
        m = around[0]
        host = outer[m]
        if _signed_area(ring) * _signed_area(host) > 0:
            ring = ring[::-1]  # against the host's turn, so that SVG's nonzero rule leaves it out
        d = np.hypot(host[:, None, 0] - ring[None, :, 0], host[:, None, 1] - ring[None, :, 1])
        a, b = np.unravel_index(int(np.argmin(d)), d.shape)
        loop = np.concatenate([ring[b:], ring[1:b + 1]])  # the hole, from b back to b
        outer[m] = np.concatenate([host[:a + 1], loop, host[a:]])
    return list(outer.values())


def region_fills(x: Sequence[float], y: Sequence[float], region: Sequence[Sequence[int]],
                 cuts_x: Sequence[Sequence[float]], cuts_y: Sequence[Sequence[float]],
                 colours: Sequence[str], opacity: float, name: str = "regions"
                 ) -> list[go.Scatter]:
    """Regions of a grid (``region[i][j]`` = k >= 0 at (x[j], y[i]), -1: none) as one filled
    scatter trace per k, with the edges where the label changes (``cuts_x[i][j]``: the fraction
    of the way from column j to j + 1 in row i; ``cuts_y[i][j]``: from row i to i + 1): the
    outlines follow the true edges, not the cells' staircase (marching squares on each
    region's indicator, closed along the window's sides).

    >>> fills = region_fills([0, 1, 2], [0, 1], [[0, 0, 1], [0, 1, 1]], [[0.5, 0.25],
    ...                      [0.75, 0.5]], [[0.5, 0.5, 0.5]], ["#ff0000", "#0000ff"], 0.5)
    >>> [(t.name, list(zip(t.x, t.y))) for t in fills][0]
    ('regions f1', [(0.0, 0.0), (0.0, 1.0), (0.75, 1.0), (1.25, 0.0), (0.0, 0.0), (None, None)])
    """
    gx, gy = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    lab = np.asarray(region, dtype=int)
    cx, cy = np.asarray(cuts_x, dtype=float), np.asarray(cuts_y, dtype=float)
    rows, cols = lab.shape
    span = max(float(np.ptp(gx)), float(np.ptp(gy))) or 1.0
    digits = max(0, math.ceil(math.log10(1000 / span)))

    # A cell where three labels meet: every region's outline there runs through one point (the
    # mean of the cell's crossings), so no gap is left between the regions.
    corners = np.stack([lab[:-1, :-1], lab[:-1, 1:], lab[1:, 1:], lab[1:, :-1]])
    distinct = 1 + sum((corners[m] != corners[:m]).all(axis=0) for m in range(1, 4))
    meeting = np.pad(distinct >= 3, 1)  # per padded cell

    def centre(i: int, j: int) -> tuple[float, float]:
        pts = [point(e) for e in _edge_ids(i, j) if _differs(e)]
        return float(np.mean([p[0] for p in pts])), float(np.mean([p[1] for p in pts]))

    def _differs(edge: tuple[int, int, int]) -> bool:  # an edge of a cell inside the grid
        along_y, i, j = edge
        return bool(lab[i - 1, j - 1] != (lab[i, j - 1] if along_y else lab[i - 1, j]))

    def point(edge: tuple[int, int, int]) -> tuple[float, float]:
        along_y, i, j = edge  # in the padded grid: real row i - 1, column j - 1
        if along_y == 2:
            return centre(i, j)
        i0, j0 = i - 1, j - 1
        i1, j1 = (i0 + 1, j0) if along_y else (i0, j0 + 1)
        if not (0 <= i0 < rows and 0 <= j0 < cols):
            i0, j0 = i1, j1  # from the padding: the crossing is the grid point on the side
        elif 0 <= i1 < rows and 0 <= j1 < cols:
            t = cy[i0, j0] if along_y else cx[i0, j0]
            return (float(gx[j0] + t * (gx[j1] - gx[j0])), float(gy[i0] + t * (gy[i1] - gy[i0])))
        return float(gx[j0]), float(gy[i0])

    traces = []
    for k in sorted(set(np.unique(lab).tolist()) - {-1}):
        inside = np.pad(lab == k, 1)
        case = (inside[:-1, :-1] * 1 + inside[:-1, 1:] * 2 + inside[1:, 1:] * 4
                + inside[1:, :-1] * 8)
        segments = []
        for i, j in zip(*np.nonzero((case > 0) & (case < 15)), strict=True):
            edges = _edge_ids(int(i), int(j))
            pairs = [(edges[a], edges[b]) for a, b in _SEGMENTS[int(case[i, j])]]
            if meeting[i, j]:
                pairs = [s for a, b in pairs for s in ((a, (2, int(i), int(j))),
                                                       ((2, int(i), int(j)), b))]
            segments += pairs
        rings = [simplified(np.array([point(e) for e in line]), span / 2000)
                 for line in _chains(segments)]
        xs: list[float | None] = []
        ys: list[float | None] = []
        for ring in _with_holes([r for r in rings if len(r) >= 3]):
            xs += [*np.round(ring[:, 0], digits).tolist(), None]
            ys += [*np.round(ring[:, 1], digits).tolist(), None]
        r, g, b = unlabel_rgb(_validate([colours[k % len(colours)]], colortype="rgb")[0])
        traces.append(go.Scatter(
            x=xs, y=ys, mode="lines", fill="toself", line={"width": 0}, showlegend=False,
            hoverinfo="skip", fillcolor=f"rgba({int(r)},{int(g)},{int(b)},{opacity})",
            name=f"{name} f{k + 1}"))
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
