"""Properties of the Clarke differential for f(x, y) (labs/properties_2d.py and the page with
dim=2), the exact checks cross-checked against finite differences of f itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
from page_util import assert_refused, figures, page_runner

from clarke_core.engine.numeric import lambdify
from clarke_core.engine.primitives import X, Y
from clarke_core.engine.problem import problem
from clarke_core.labs.properties_2d import study_properties_2d
from clarke_core.views.examples import EXAMPLES_PROPERTIES_2D

run_page = page_runner("../app_pages/properties.py", 120)
CASES = [  # f, at, convex certified, sets equal, regular, strictly differentiable
    ("abs(x) + abs(y)", "0, 0", True, True, True, False),
    ("y - abs(x)", "0, 0", False, False, False, False),
    ("min(x, y)", "0, 0", False, False, False, False),
    ("abs(x - y**2)", "0, 0", False, False, True, False),
    ("max(x + y, 2*x - y)", "0, 0", True, True, True, False),
    ("max(x, 0)*max(y, 0)", "0, 0", False, True, True, True),
    ("abs(x) - abs(y)", "1, 0", False, False, False, False),
    ("x**2 + y", "1, 2", True, True, True, True),
]


def _f(text: str):
    prob = problem(text, "0, 0", dim=2)
    return lambdify((X, Y), prob.function.expr)


def _directional(f, p, d, t=1e-7) -> float:
    """f'(p; d) by a one-sided difference quotient of f itself (independent of the cells)."""
    return float((f(p[0] + t * d[0], p[1] + t * d[1]) - f(*p)) / t)


def _support(report, d) -> float:
    return max(a * d[0] + b * d[1] for a, b in report.clarke.vertices)


@pytest.mark.parametrize("text, at, convex, equal, regular, strict", CASES,
                         ids=[c[0] for c in CASES])
def test_each_check_agrees_with_finite_differences(text, at, convex, equal, regular, strict):
    r = study_properties_2d(text, at)
    assert (r.lipschitz, r.convex, r.sets_equal, r.regular, r.strictly_differentiable) == (
        True, convex, equal, regular, strict)
    f, p = _f(text), tuple(float(c) for c in at.split(","))
    gaps = []
    for theta in np.linspace(0, 2 * math.pi, 73):
        d = (math.cos(theta), math.sin(theta))
        gaps.append(_support(r, d) - _directional(f, p, d))
    assert min(gaps) > -1e-5  # f'(x0; d) never exceeds the support function: a sanity check
    if regular:
        assert max(gaps) < 1e-5
    else:
        assert max(gaps) > 0.1


def test_the_witness_direction_is_one_where_the_quotient_falls_short():
    r = study_properties_2d("min(x, y)", "0, 0")
    assert r.witness_latex == r"\left(1, -1\right)" and r.witness == (1.0, -1.0)
    u = r.witness
    assert _support(r, u) - _directional(_f("min(x, y)"), (0.0, 0.0), u) > 0.5


def test_the_modulus_is_the_largest_gradient_norm_nearby():
    r = study_properties_2d("max(x + y, 2*x - y)", "0, 0")
    assert r.modulus_latex == r"\sqrt{5}"
    f, rng, h = _f("max(x + y, 2*x - y)"), np.random.default_rng(0), 1e-7
    norms = []
    for x, y in rng.uniform(-0.01, 0.01, size=(400, 2)):
        g = ((f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h))
        norms.append(math.hypot(*g))
    assert max(norms) <= math.sqrt(5) + 1e-6 and max(norms) > math.sqrt(5) - 1e-6


def test_not_lipschitz_has_no_clarke_set_and_no_regularity():
    r = study_properties_2d("sqrt(abs(x)) + y", "0, 0")
    assert (r.lipschitz, r.regular, r.modulus) == (False, None, None)
    assert "not locally Lipschitz" in r.lipschitz_reason


def test_a_curved_convex_set_is_regular_by_convexity_with_an_approximate_modulus():
    r = study_properties_2d("sqrt(x**2 + y**2)", "0, 0")
    assert r.regular and r.modulus_latex is None and abs(r.modulus - 1) < 1e-3


@pytest.mark.parametrize("example", EXAMPLES_PROPERTIES_2D, ids=lambda e: e.key)
def test_every_2d_example_renders_its_four_checks(example):
    at = run_page(dim="2", f=example.expr, at=example.at)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    titles = [s.value for s in at.subheader]
    assert titles[0].startswith("1. Locally Lipschitz") and titles[-1] == "4. Regular or not"
    r = study_properties_2d(example.expr, example.at)
    assert bool(figures(at)) == bool(r.sectors)


def test_bad_input_in_2d_is_one_sentence():
    message = assert_refused(run_page(dim="2", f="abs(x) +", at="0, 0"))
    assert "Traceback" not in message
