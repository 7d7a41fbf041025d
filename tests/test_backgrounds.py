"""Backgrounds as scatter traces: level curves chained into few points, regions as polygons
along their true edges (issue 16: staircase edges, heavy figures)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from clarke_core.figures.backgrounds import contour_as_lines, level_lines, region_fills
from clarke_core.figures.two_d import contour_figure
from clarke_core.views.explore_2d import explore_2d


def _rings(trace) -> list[np.ndarray]:
    out, ring = [], []
    for x, y in zip(trace.x, trace.y, strict=True):
        if x is None:
            out.append(np.array(ring, dtype=float))
            ring = []
        else:
            ring.append((x, y))
    return out


def _area(trace) -> float:
    total = 0.0
    for r in _rings(trace):
        x, y = r[:, 0], r[:, 1]
        total += (np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2
    return abs(total)


def test_a_region_around_another_has_a_hole():
    g = np.linspace(-1, 1, 41)
    X, Y = np.meshgrid(g, g)
    region = np.where(X**2 + Y**2 < 0.3, 1, 0)
    half_x, half_y = np.full((41, 40), 0.5), np.full((40, 41), 0.5)
    outer, disk = region_fills(g, g, region, half_x, half_y, ["#ff0000", "#0000ff"], 0.5)
    assert _area(disk) == pytest.approx(np.pi * 0.3, rel=0.03)
    assert _area(outer) + _area(disk) == pytest.approx(4.0, rel=1e-9)  # no overlap, no gap


def test_three_regions_meet_without_a_gap():
    g = np.linspace(-1, 1, 40)  # no grid point at the origin, where the three sectors meet
    X, Y = np.meshgrid(g, g)
    region = (np.floor((np.arctan2(Y, X) + np.pi) / (2 * np.pi / 3)) % 3).astype(int)
    half_x, half_y = np.full((40, 39), 0.5), np.full((39, 40), 0.5)
    fills = region_fills(g, g, region, half_x, half_y, ["#ff0000", "#00ff00", "#0000ff"], 0.5)
    assert len(fills) == 3
    assert sum(_area(t) for t in fills) == pytest.approx(4.0, rel=1e-9)


@pytest.mark.parametrize(("text", "edge"), [
    ("max(x, y)", lambda x, y: np.abs(x - y) / np.sqrt(2)),
    ("abs(x - 2*y) + relu(x + y**2)", lambda x, y: np.minimum(
        np.abs(x - 2 * y) / np.sqrt(5), np.abs(x + y**2) / np.sqrt(1 + 4 * y**2))),
], ids=["diagonal", "line-and-parabola"])
def test_region_outlines_lie_on_the_true_edges(text, edge):
    """Every vertex inside the window is on a kink (about its distance from it, ``edge``), up
    to the drawing's rounding: a tenth of a grid cell, where the heatmap's cells put their
    corners up to half a cell away. Next to x₀, where the regions meet, they share a point of
    the cell they meet in (no gap between them)."""
    ex = explore_2d(text, "0, 0")
    fig = contour_figure(ex, outlines=True)
    fills = [t for t in fig.data if t.type == "scatter" and t.fill == "toself"]
    assert fills and not [t for t in fig.data if t.type == "heatmap"]
    (x0, x1), (y0, y1) = ex.window
    cell = (x1 - x0) / (len(ex.grid_x) - 1)
    for trace in fills:
        for ring in _rings(trace):
            inner = ring[(ring[:, 0] > x0 + 1e-9) & (ring[:, 0] < x1 - 1e-9)
                         & (ring[:, 1] > y0 + 1e-9) & (ring[:, 1] < y1 - 1e-9)
                         & (np.hypot(ring[:, 0] - ex.point[0], ring[:, 1] - ex.point[1])
                            > 1.5 * cell)]
            if len(inner):
                assert edge(inner[:, 0], inner[:, 1]).max() < cell / 10
    assert sum(_area(t) for t in fills) == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-4)


def test_straight_level_lines_keep_only_their_ends():
    g = np.linspace(-1, 1, 81)
    X, Y = np.meshgrid(g, g)
    xs, ys = level_lines(g, g, np.abs(X) + 2 * np.abs(Y), [0.5], tol=1e-3)
    assert xs.count(None) == 1 and len(xs) == 6  # one closed diamond: 4 corners, back, gap
    line = contour_as_lines(go.Contour(x=g, y=g, z=np.abs(X) + 2 * np.abs(Y),
                                       contours={"coloring": "lines"}, ncontours=10))
    assert len(line.x) < 120  # the segments of marching squares alone: over 2000 values
