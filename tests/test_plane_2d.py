"""views.plane_2d: what the 2D page decides about its sets, checked against geometry and the
engine (the figures only draw it)."""

from __future__ import annotations

import pytest
import sympy as sp

from clarke_core.engine import geometry
from clarke_core.engine.sets import DifferentialSet
from clarke_core.figures.two_d import gradient_figure, sampling_figure
from clarke_core.views.explore_2d import SAMPLING_RADII, explore_2d
from clarke_core.views.plane_2d import (
    missed_vertices,
    sampled,
    sampled_hull,
    subdifferential_is_clarke,
    vector_label,
    vertex_labels,
)


@pytest.fixture(scope="module")
def l1():
    return explore_2d("abs(x) + abs(y)", "0, 0")


@pytest.fixture(scope="module")
def minus_l1():
    return explore_2d("-abs(x) - abs(y)", "0, 0")


def test_a_convex_function_has_one_set_and_a_concave_kink_two(l1, minus_l1):
    assert subdifferential_is_clarke(l1)
    assert not subdifferential_is_clarke(minus_l1)  # its subdifferential is empty


@pytest.mark.parametrize("k", range(len(SAMPLING_RADII)))
def test_sampling_hull_is_the_hull_of_the_samples_and_near_the_square(l1, k):
    hull = sampled_hull(l1, k)
    assert hull == geometry.hull(sampled(l1, k))
    assert geometry.hausdorff_2d(hull, l1.clarke.vertices) < 0.05
    assert missed_vertices(l1, k) == []


def test_the_sampling_figure_draws_the_decided_hull(l1):
    k = 0
    hull = sampled_hull(l1, k)
    drawn = next(t for t in sampling_figure(l1, k).data if t.name.startswith("their hull"))
    assert list(zip(drawn.x, drawn.y, strict=True)) == [*hull, hull[0]]


def test_the_gradient_plane_says_equal_when_the_view_decides_so(l1, minus_l1):
    names = [t.name or "" for t in gradient_figure(l1).data]
    assert any("= the Clarke set" in n for n in names)
    names = [t.name or "" for t in gradient_figure(minus_l1).data]
    assert not any("= the Clarke set" in n for n in names)


def test_labels_are_exact_where_the_engine_is():
    half = sp.sqrt(2) / 2
    dset = DifferentialSet("segment", [(float(half), 0.0), (0.0, 1.0)],
                           [(half, sp.S.Zero), (sp.S.Zero, sp.S.One)])
    assert vertex_labels(dset) == ["(√2/2, 0)", "(0, 1)"]
    assert vertex_labels(DifferentialSet("segment", [(-1.0, 0.5), (0.0, 2.0 ** -0.5)])) == [
        "(−1, 1/2)", "≈ (0, 0.7071)"], "the live table's numbers: U+2212, ≈ where only digits"
    assert vector_label((0.123456, -2.0), False) == "(0.1235, -2)"
