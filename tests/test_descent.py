"""Subgradient descent and the gradient inclusion (clarke_core.labs.descent)."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from clarke_core import InputError
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.labs.descent import (
    _clarke_min_norm,
    _gradient,
    affine_switches,
    exact_flow,
    gradient_flow,
    min_norm_element,
    step_sizes,
    subgradient_descent,
    supporting_lines,
)


def brute_min_norm(points: np.ndarray, n: int = 200) -> float:
    """Smallest norm over a fine grid of convex combinations (independent of the hull code)."""
    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.ones(len(points)) * 0.3, size=20000)
    corners = np.eye(len(points))
    pairs = [t * corners[i] + (1 - t) * corners[j] for i in range(len(points))
             for j in range(i + 1, len(points)) for t in np.linspace(0, 1, n)]
    combos = np.vstack([weights, corners, *([np.array(pairs)] if pairs else [])])
    return float(np.linalg.norm(combos @ points, axis=1).min())


@pytest.mark.parametrize("points", [
    [(1.0, 2.0), (1.0, -2.0)],                      # segment crossing the axis: (1, 0)
    [(2.0, 1.0), (3.0, 3.0)],                       # segment away from 0: an endpoint
    [(1.0, 1.0), (3.0, 0.0), (2.0, 2.0)],           # triangle away from 0
    [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)],  # square holding 0
    [(0.5, 1.0), (2.0, 1.5), (1.0, 3.0), (3.0, 1.0), (2.0, 0.2)],
    [(1.0, 1.0), (2.0, 2.0), (3.0, 3.0)],           # collinear
    [(2.0, -1.0)],                                  # one point
], ids=["segment-through", "segment-endpoint", "triangle", "square", "pentagon", "collinear",
        "point"])
def test_min_norm_element_matches_brute_force(points):
    pts = np.array(points)
    m = min_norm_element(pts)
    brute = brute_min_norm(pts)
    assert np.linalg.norm(m) <= brute + 1e-9
    assert np.linalg.norm(m) >= brute - 2e-2
    # m is in the hull: no hull point is nearer to 0 along any edge test above, and m's norm
    # equals its support-function lower bound
    assert min(pts @ m) >= m @ m - 1e-9


def test_min_norm_element_1d():
    assert min_norm_element([(-1.0,), (2.0,)]).tolist() == [0.0]
    assert min_norm_element([(0.5,), (2.0,)]).tolist() == [0.5]


def test_constant_step_on_abs_oscillates_with_amplitude_eta():
    eta = 0.3
    path = subgradient_descent("abs(x)", 1.0, eta=eta, steps=60)
    tail = np.array(path.xs[10:])
    assert np.all(np.abs(tail) <= eta + 1e-9)
    assert np.max(tail) - np.min(tail) == pytest.approx(eta)  # it never settles
    assert not path.stopped


def test_diminishing_steps_converge():
    path = subgradient_descent("abs(x)", 1.0, eta=0.3, steps=400, schedule="diminishing")
    assert abs(path.xs[-1]) < 0.3 / np.sqrt(400) + 1e-9
    smooth = subgradient_descent("abs(x - 1) + x**2/4", 3.0, eta=0.5, steps=400,
                                 schedule="diminishing")
    assert smooth.xs[-1] == pytest.approx(1.0, abs=0.05)


@pytest.mark.parametrize("choice, after", [("min-norm", 0.0), ("smallest", 0.25),
                                           ("largest", -0.25)], ids=str)
def test_choice_at_a_kink_decides_the_step(choice, after):
    path = subgradient_descent("abs(x)", 1.0, eta=0.25, steps=5, choice=choice)
    assert path.xs[4] == 0.0 and path.kinks[4]
    assert path.xs[5] == pytest.approx(after)


def test_step_sizes_and_bad_arguments():
    assert step_sizes(0.5, 3).tolist() == [0.5, 0.5, 0.5]
    assert step_sizes(1.0, 4, "diminishing")[3] == pytest.approx(0.5)
    with pytest.raises(InputError):
        subgradient_descent("abs(x)", 1.0, choice="median")
    with pytest.raises(InputError):
        subgradient_descent("abs(x", 1.0)
    with pytest.raises(InputError):
        gradient_flow("abs(x)", "1, 1")


def test_supporting_lines_of_figure_1():
    xs = np.linspace(-3, 2, 1001)
    ys = np.where(xs <= 0, -1 - np.abs(xs + 1), xs - 2)
    verdicts = supporting_lines(xs, ys, -1.0, -1.0, [-0.5, 0.0, 0.5, 1.0, 1.5])
    assert not any(ok for ok, _ in verdicts)  # no subgradient at -1
    assert verdicts[0][1] <= -1 and verdicts[-1][1] >= -1  # ruled out from the left / right


def test_flow_on_weighted_l1_slides_and_arrives_in_finite_time():
    pic = gradient_flow("abs(x) + 2*abs(y)", "1, 1")
    assert pic.arrival == pytest.approx(1.0, abs=0.05)
    flow = np.array(pic.flow)
    t = np.array(pic.flow_t)
    assert np.linalg.norm(flow[-1]) < 0.05
    # after t = 1/2 the flow is on the kink y = 0 and moves along it
    on_kink = flow[t > 0.55]
    assert np.all(np.abs(on_kink[:, 1]) < 0.03)
    assert np.all(np.diff(on_kink[:, 0]) < 0)


def test_small_steps_approach_the_flow():
    # a start from which no step lands exactly on the kink y = 0
    pic = gradient_flow("abs(x) + 2*abs(y)", "1, 0.93")
    flow, t = np.array(pic.flow), np.array(pic.flow_t)

    def error(eta: float) -> float:
        path = np.array(pic.paths[eta])
        times = np.arange(len(path)) * eta
        before = times <= 0.9  # before the flow stops at 0
        on_flow = np.column_stack([np.interp(times[before], t, flow[:, i]) for i in range(2)])
        return float(np.abs(path[before] - on_flow).max())

    assert error(0.02) < error(0.1) < error(0.3)
    assert error(0.02) < 0.06


@pytest.mark.parametrize(("f", "start", "times", "arrival"), [
    ("abs(x) + 2*abs(y)", "1, 9/10", ["0", "9/20", "1"], "1"),
    ("abs(x) + abs(y)", "sqrt(2), 1/3", ["0", "1/3", "sqrt(2)"], "sqrt(2)"),
    ("max(x, y, -x - y)", "1, 3/10", ["0", "7/10", "13/10"], "13/10"),
    ("max(x + y, x - y)", "1, 0", ["0", "3/2"], None),  # x + |y|: slides off, never stops
], ids=["weighted-l1", "irrational", "three-planes", "unbounded-below"])
def test_exact_flow_on_piecewise_affine_functions(f, start, times, arrival):
    function = parse_function(f)
    p0 = parse_point(start, 2)
    corners, stop = exact_flow(function, p0, sp.Rational(3, 2))
    assert [str(t) for t, _ in corners] == times
    assert (None if stop is None else str(stop)) == arrival
    # Independent check: on each segment the velocity is minus the minimum-norm point of the
    # hull of gradients sampled numerically around the segment's midpoint.
    grad = _gradient(function.expr, function.variables)
    for (t0, p), (t1, q) in zip(corners, corners[1:], strict=False):
        p, q = np.array(p, dtype=float), np.array(q, dtype=float)
        velocity = (q - p) / float(t1 - t0)
        m = _clarke_min_norm(grad, (p + q) / 2, radius=1e-6)
        assert np.allclose(velocity, -m, atol=1e-6), (t0, velocity, m)


def test_exact_flow_is_what_the_page_draws():
    pic = gradient_flow("abs(x) + 2*abs(y)", "1, 0.9")
    assert (pic.arrival, pic.arrival_latex) == (1.0, "1")
    flow, t = np.array(pic.flow), np.array(pic.flow_t)
    assert t[-1] == 1.0 and np.allclose(flow[-1], 0, atol=1e-12)
    assert np.allclose(np.interp(0.45, t, flow[:, 0]), 0.55)
    assert np.allclose(np.interp(0.45, t, flow[:, 1]), 0.0, atol=1e-12)


@pytest.mark.parametrize("f", ["2*abs(x - y) + (x + y)**2/8", "sqrt(x**2 + y**2)",
                               "abs(abs(x) - y)"])
def test_functions_not_piecewise_affine_with_affine_switches_keep_the_euler_flow(f):
    function = parse_function(f)
    assert affine_switches(function.expr, function.variables) is None
    assert exact_flow(function, (1, 1), 1) is None
