"""The 2D plane sweep (clarke_core.views.sweep_2d and its figure): verdicts against exact sets."""

from __future__ import annotations

import itertools
import json

import numpy as np
import plotly.io as pio
import pytest

from clarke_core import InputError
from clarke_core.figures.planes import plane_sweep_figure
from clarke_core.views.sweep_2d import (
    EXAMPLES_2D_SWEEP,
    PATHS,
    explore_subgradients,
    plane_verdicts,
    slope_path,
    sweep_2d,
)


def test_every_s_in_the_square_supports_abs_x_plus_abs_y():
    sweep = sweep_2d("abs(x) + abs(y)", "0, 0")
    inside = [(a, b) for a, b in itertools.product(np.linspace(-1, 1, 9), repeat=2)]
    assert all(v.supports and v.below_on_window and v.worst is None
               for v in plane_verdicts(sweep, inside))
    outside = [(1.2, 0.0), (0.0, -1.05), (1.5, 1.5), (-3.0, 0.2)]
    for v in plane_verdicts(sweep, outside):
        assert v.supports is False and not v.below_on_window
        x, y, fq = v.worst
        # the plane really is above f at the reported point
        assert sweep.value + v.s[0] * x + v.s[1] * y > fq == pytest.approx(abs(x) + abs(y))


def test_max_x_y_supports_only_on_its_segment():
    sweep = sweep_2d("max(x, y)", "0, 0")
    on = [(t, 1 - t) for t in np.linspace(0, 1, 7)]
    off = [(0.5, 0.6), (0.5, 0.4), (1.1, -0.1), (0.0, 0.0)]
    assert all(v.supports and v.below_on_window for v in plane_verdicts(sweep, on))
    assert not any(v.supports or v.below_on_window for v in plane_verdicts(sweep, off))
    # "auto" runs along the flat set, so the sweep spends several frames on it
    verdicts = plane_verdicts(sweep, slope_path(sweep, "auto"))
    assert sum(v.supports for v in verdicts) >= 5


def test_the_path_enters_and_leaves_the_set_exactly_on_its_boundary():
    sweep = sweep_2d("abs(x) + abs(y)", "0, 0")
    for path, ends in (("0", [(-1.0, 0.0), (1.0, 0.0)]), ("90", [(0.0, -1.0), (0.0, 1.0)]),
                       ("45", [(-1.0, -1.0), (1.0, 1.0)])):
        slopes = slope_path(sweep, path)
        assert all(any(np.allclose(e, s, atol=1e-9) for s in slopes) for e in ends), path
        flags = [v.supports for v in plane_verdicts(sweep, slopes)]
        # outside, then inside, then outside again: one run of supporting planes
        runs = [k for k, _ in itertools.groupby(flags)]
        assert runs == [False, True, False], path
    with pytest.raises(ValueError):
        slope_path(sweep, "sideways")


def test_minus_l1_has_no_supporting_plane_and_exact_witnesses():
    sweep = sweep_2d("-abs(x) - abs(y)", "0, 0")
    sub = sweep.subdifferential
    assert sub.kind == "empty" and sub.certified and 2 <= len(sub.witnesses) <= 3
    verdicts = plane_verdicts(sweep, slope_path(sweep))
    assert verdicts and not any(v.supports or v.below_on_window for v in verdicts)
    (x0, x1), (y0, y1) = sweep.window
    assert all(x0 <= w.point[0] <= x1 and y0 <= w.point[1] <= y1 for w in sub.witnesses)


def test_dispatch_by_variables():
    assert type(explore_subgradients("abs(x)", "0")).__name__ == "Exploration1D"
    assert type(explore_subgradients("abs(x) + y", "0, 0")).__name__ == "PlaneSweep"
    assert type(explore_subgradients("abs(x)", "0, 1")).__name__ == "PlaneSweep"
    with pytest.raises(InputError, match="2 coordinates"):
        explore_subgradients("abs(x) + abs(y)", "0")


@pytest.mark.parametrize("example", EXAMPLES_2D_SWEEP, ids=lambda e: e.key)
def test_figures_are_small_and_move_only_the_plane_and_markers(example):
    sweep = sweep_2d(example.expr, example.at)
    for path in PATHS[:2]:
        spec = json.loads(pio.to_json(plane_sweep_figure(sweep, path)))
        assert len(json.dumps(spec)) <= 1_000_000
        moving = spec["frames"][0]["traces"]
        assert len(moving) == 3 and all(f["traces"] == moving for f in spec["frames"])
        assert [spec["data"][i]["type"] for i in moving] == ["surface", "scatter3d", "scatter"]
        scene = spec["layout"]["scene"]
        assert all(len(scene[a]["range"]) == 2 for a in ("xaxis", "yaxis", "zaxis"))
        labels = [s["label"] for s in spec["layout"]["sliders"][0]["steps"]]
        assert len(labels) == len(spec["frames"])
