"""The exact 2D Clarke set: hand-derived answers, thin regions, and a gradient-sampling check."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from clarke_core import UndecidedError, clarke_set
from clarke_core.engine.parsing import parse_function, parse_point
from clarke_core.engine.sampling import sampled_gradients_2d

R2 = sp.sqrt(2)

# (function, point, kind, exact vertices counter-clockwise from the lowest-leftmost).
CASES = [
    ("abs(x) + abs(y)", "0, 0", "polygon", [(-1, -1), (1, -1), (1, 1), (-1, 1)]),
    ("-abs(x) - abs(y)", "0, 0", "polygon", [(-1, -1), (1, -1), (1, 1), (-1, 1)]),
    ("max(x, y)", "0, 0", "segment", [(0, 1), (1, 0)]),
    ("min(x, y)", "0, 0", "segment", [(0, 1), (1, 0)]),
    ("max(x, y)", "1, 0", "point", [(1, 0)]),
    ("max(x, y, x + y)", "0, 0", "polygon", [(1, 0), (1, 1), (0, 1)]),
    ("max(x + 2*y, x - y, -x)", "0, 0", "polygon", [(1, -1), (1, 2), (-1, 0)]),
    # every piece active at the common minimizer of three paraboloids
    ("max((x-1)**2 + y**2, (x+1)**2 + y**2, x**2 + (y-1)**2)", "0, 0", "polygon",
     [(0, -2), (2, 0), (-2, 0)]),
    ("max(x**2 + y**2, 1 - x, y)", "1/2, 1/2", "polygon", [(-1, 0), (1, 1), (0, 1)]),
    # irrational points, exact ties
    ("abs(x - sqrt(2)) + abs(y - pi)", "sqrt(2), pi", "polygon", [(-1, -1), (1, -1), (1, 1),
                                                                   (-1, 1)]),
    ("max(x**2 + y**2 - 2, x - sqrt(2))", "sqrt(2), 0", "segment", [(1, 0), (2 * R2, 0)]),
    ("abs(x**2 + y**2 - 1)", "sqrt(2)/2, sqrt(2)/2", "segment", [(-R2, -R2), (R2, R2)]),
    # near-tie that is not a tie: 1 - x is larger at (1/2, 1/2 + 10^-9)... so only one piece
    ("max(x, y + 1/1000000000)", "0, 0", "point", [(0, 1)]),
    # active but not essentially active: x^2 + y^2 touches 0 only at the point
    ("max(x**2 + y**2, 0)", "0, 0", "point", [(0, 0)]),
    ("max(abs(x) + abs(y), 2*abs(x) - 1)", "0, 0", "polygon", [(-1, -1), (1, -1), (1, 1),
                                                                (-1, 1)]),
    # regions between parabolas: a cusp that every ray misses is still essentially active
    ("max(0, min(y - x**2, 2*x**2 - y))", "0, 0", "segment", [(0, -1), (0, 1)]),
    ("Piecewise((min(y - x**2, 3*x**2 - y), (y > x**2) & (y < 3*x**2)), (0, True))", "0, 0",
     "segment", [(0, -1), (0, 1)]),
    ("max(y - x**2, -y - x**2)", "0, 0", "segment", [(0, -1), (0, 1)]),
    # Piecewise with abs in its conditions
    ("Piecewise((y - abs(x), abs(x) < y), (0, True))", "0, 0", "polygon",
     [(0, 0), (1, 1), (-1, 1)]),
    ("Piecewise((y, abs(x) + abs(y) < 1), (1, True))", "0, 0", "point", [(0, 1)]),
    # cancellations: rules would give supersets
    ("abs(x) - abs(x) + y", "0, 0", "point", [(0, 1)]),
    ("relu(x) - relu(-x) + abs(y)", "0, 0", "segment", [(1, -1), (1, 1)]),
    ("abs(x*y)", "0, 0", "point", [(0, 0)]),
    # curved pieces whose limits along the sector edges are the corners, exactly
    ("sqrt(x**2 + y**2) - abs(x)", "0, 0", "polygon", [(-1, -1), (1, -1), (1, 1), (-1, 1)]),
]


def _check(result, kind, expected):
    assert result.kind == kind
    assert len(result.exact) == len(expected)
    for got, want in zip(result.exact, expected, strict=True):
        assert all(sp.simplify(g - w) == 0 for g, w in zip(got, want, strict=True)), (got, want)


@pytest.mark.parametrize("expr, at, kind, expected", CASES,
                         ids=[f"{c[0]} @ {c[1]}" for c in CASES])
def test_clarke_set_2d_exact(expr, at, kind, expected):
    _check(clarke_set(expr, at), kind, expected)


def test_many_kinks_through_one_point_make_a_zonotope():
    text = " + ".join(f"abs({k}*x - {40 - k}*y)" for k in range(40))
    result = clarke_set(text, "0, 0")
    assert result.kind == "polygon" and len(result.vertices) == 80
    # The zonotope's support in direction u is sum_k |<a_k, u>|.
    for u in [(1.0, 0.0), (0.6, 0.8), (-0.28, 0.96)]:
        support = max(v[0] * u[0] + v[1] * u[1] for v in result.vertices)
        assert support == pytest.approx(sum(abs(k * u[0] - (40 - k) * u[1]) for k in range(40)))


def test_euclidean_norm_gives_the_unit_disk():
    result = clarke_set("sqrt(x**2 + y**2)", "0, 0")
    assert result.kind == "convex" and result.exact is None
    pts = np.array(result.vertices)
    for angle in np.linspace(0, 2 * np.pi, 37):
        u = np.array([np.cos(angle), np.sin(angle)])
        assert abs((pts @ u).max() - 1.0) < 1e-3


def test_a_max_that_never_leaves_the_norm_is_the_disk():
    # sqrt(x^2 + y^2) >= x everywhere, so the x branch has no interior: the set is the disk.
    pts = np.array(clarke_set("max(sqrt(x**2 + y**2), x)", "0, 0").vertices)
    assert abs(pts[:, 0].max() - 1) < 1e-3 and abs(pts[:, 1].max() - 1) < 1e-3


def test_curved_and_straight_parts_together():
    # max(norm, 2x): 2x wins where cos(angle) > 1/2, giving the gradient (2, 0); elsewhere the
    # norm's gradients (cos, sin) over angles 60..300 degrees. The hull: that arc and (2, 0).
    result = clarke_set("max(sqrt(x**2 + y**2), 2*x)", "0, 0")
    pts = np.array(result.vertices)
    assert result.kind == "convex"
    assert any(np.allclose(v, (2, 0)) for v in pts)
    for angle, support in [(0, 2), (90, 1), (180, 1), (30, 2 * np.cos(np.pi / 6)),
                           (120, 1), (45, max(2 * np.cos(np.pi / 4), np.cos(np.pi / 12)))]:
        u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
        assert abs((pts @ u).max() - support) < 1e-3, angle


@pytest.mark.parametrize("expr", [
    "sqrt(abs(x)) + y",
    "Piecewise((x + 1, y > 0), (x, True))",
    # pieces agree at the point but jump along the edges of a thin cusp next to it
    "Piecewise((x, (y > x**2) & (y < 2*x**2)), (-x, True))",
    "Piecewise((x + y, abs(x) < y), (0, True))",
])
def test_not_locally_lipschitz_in_2d(expr):
    assert clarke_set(expr, "0, 0").kind == "unbounded"


def test_sequences_reach_every_vertex():
    result = clarke_set("max(x + 2*y, x - y, -x)", "0, 0")
    targets = {s.target for s in result.sequences}
    assert targets == set(result.vertices)
    for s in result.sequences:
        assert np.hypot(*s.points[-1]) < np.hypot(*s.points[0]) / 100
        assert np.allclose(s.gradients[-1], s.target, atol=1e-6)


def test_cusp_sequence_stays_inside_the_thin_region():
    result = clarke_set("max(0, min(y - x**2, 2*x**2 - y))", "0, 0")
    cusp = next(s for s in result.sequences if s.target == (0.0, 1.0))
    for x, y in cusp.points:
        assert x**2 < y < 1.5 * x**2  # where the ridge's lower face y - x^2 is the minimum


# --- cross-check with gradient sampling (independent, numeric) -------------------------------

lines = st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)).filter(lambda v: v != (0, 0)),
                 min_size=1, max_size=5)


@settings(max_examples=40, deadline=None)
@given(lines, st.sampled_from(["0, 0", "1/2, -1", "sqrt(2), 1"]), st.integers(0, 2**32 - 1))
def test_sampled_gradients_lie_in_the_set_and_reach_every_vertex(normals, at, seed):
    """Sums of abs and max of linear pieces through the point: no thin regions, so sampling at a
    small radius must see every vertex, and never a gradient outside the set."""
    (a, b) = parse_point(at, 2)
    terms = [f"abs({p}*(x - ({a})) + {q}*(y - ({b})))" for p, q in normals]
    terms.append(f"max({normals[0][0]}*(x - ({a})), {normals[-1][1]}*(y - ({b})))")
    text = " + ".join(terms)
    result = clarke_set(text, at)
    _, grads = sampled_gradients_2d(parse_function(text).expr, (float(a), float(b)),
                                    radius=1e-4, n=3000, rng=np.random.default_rng(seed))
    for g in grads:
        assert result.contains(tuple(g), tol=1e-5)
    for v in result.vertices:
        assert np.min(np.hypot(*(grads - np.array(v)).T)) < 1e-5


def test_curves_touching_to_high_order_are_refused_not_guessed():
    # Between y = x^2 and y = x^2 + x^4 lies a region thinner than any parabola germ reaches.
    with pytest.raises(UndecidedError):
        clarke_set("Piecewise((x, (y > x**2) & (y < x**2 + x**4)), (-x, True))", "0, 0")


def test_gradients_blowing_up_towards_a_kink_mean_not_lipschitz():
    # sqrt(|x y|) has bounded gradient limits along each ray, unbounded near the axes.
    assert clarke_set("sqrt(abs(x*y))", "0, 0").kind == "unbounded"


def test_curved_set_sequences_approach_their_own_boundary_points():
    result = clarke_set("sqrt(x**2 + y**2)", "0, 0")
    for s in result.sequences:
        assert np.allclose(s.gradients[-1], s.target, atol=1e-3)
        assert np.hypot(*s.points[-1]) < 1e-2


# --- certified means proved; closed forms; causes ----------------------------------------------


def test_rays_probed_numerically_make_a_curved_set_uncertified():
    result = clarke_set("max(sqrt(x**2 + y**2), 2*x)", "0, 0")
    assert result.kind == "convex" and not result.certified
    assert "checked numerically" in result.latex()


@pytest.mark.parametrize("expr, at, kind, expected", [
    # the gradient x·|(x, y)|' tends to 0 along every ray: once a segment of probe noise
    # [(0, 0), (2e-08, 8.7e-11)], certified
    ("sqrt(x**2 + y**2)*x", "0, 0", "point", [(0, 0)]),
    ("sqrt(x**4 + y**4)", "0, 0", "point", [(0, 0)]),
    # exactly a segment and a square, once 'convex' sets of probed points
    ("sqrt(x**2 + y**2)*x + abs(y)", "0, 0", "segment", [(0, -1), (0, 1)]),
    ("sqrt(x**2 + y**2)*x + abs(x) + abs(y)", "0, 0", "polygon",
     [(-1, -1), (1, -1), (1, 1), (-1, 1)]),
], ids=["x-norm", "quartic-norm", "x-norm-plus-abs-y", "x-norm-plus-l1"])
def test_the_same_limit_on_every_ray_is_one_exact_point(expr, at, kind, expected):
    result = clarke_set(expr, at)
    assert result.certified
    _check(result, kind, expected)
    assert all(c == float(e) for v, w in zip(result.vertices, expected, strict=True)
               for c, e in zip(v, w, strict=True))  # no -5e-17 for 0


@pytest.mark.parametrize("expr, at, latex, inside, outside", [
    ("sqrt(x**2 + y**2)", "0, 0", r"\left\{ s : \|s\| \le 1 \right\}", (0.6, 0.8), (0.8, 0.8)),
    ("sqrt(x**2 + 4*y**2)", "0, 0", r"\left\{ s : s_{1}^{2} + \frac{s_{2}^{2}}{4} \le 1 \right\}",
     (0, 2), (0.8, 1.5)),
    ("sqrt(x**2 + y**2/4)", "0, 0", r"\left\{ s : s_{1}^{2} + 4 s_{2}^{2} \le 1 \right\}",
     (0, 0.5), (0, 0.6)),
    ("x + 2*sqrt((x - 1)**2 + y**2)", "1, 0", r"\left\{ s : \|s - \left( 1, \  0\right)\| \le 2 "
     r"\right\}", (3, 0), (-1.1, 0)),
], ids=["disk", "ellipse-4", "ellipse-quarter", "shifted-disk"])
def test_norm_like_functions_have_closed_form_sets(expr, at, latex, inside, outside):
    result = clarke_set(expr, at)
    assert result.kind == "convex" and result.certified
    assert result.latex() == latex
    assert result.contains(inside, tol=1e-12) and not result.contains(outside)
    # Independent: sampled gradients near the point lie in the closed form, and reach its edge.
    f = parse_function(expr).expr
    p = tuple(float(c) for c in parse_point(at, 2))
    _, grads = sampled_gradients_2d(f, p, radius=1e-3, n=2000, rng=np.random.default_rng(1))
    assert all(result.contains(tuple(g), tol=1e-6) for g in grads)
    assert any(not result.contains(tuple(g), tol=-1e-3) for g in grads)


@pytest.mark.parametrize("expr, cause", [
    ("Piecewise((x, (y > x**2) & (y < 2*x**2)), (-x, True))", "jump"),
    ("Piecewise((x + 1, y > 0), (x, True))", "jump"),
    ("sqrt(abs(x)) + y", "slopes"),
    ("sqrt(abs(x*y))", "slopes"),
])
def test_unbounded_sets_name_their_cause(expr, cause):
    result = clarke_set(expr, "0, 0")
    assert result.kind == "unbounded" and result.extra["cause"] == cause
    assert ("jump" in result.reason) == (cause == "jump")
    assert ("unbounded" in result.reason) == (cause == "slopes")
