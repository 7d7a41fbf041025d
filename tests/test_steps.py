"""The live table's numbers (views.steps): a sequence's float point is printed exactly when it
is x₀ plus a fraction, as digits marked ≈ otherwise."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from clarke_core.views.explore_1d import explore_1d
from clarke_core.views.steps import exact_point, vector

THIRD, HALF, ROOT2 = sp.Rational(1, 3), sp.Rational(1, 2), sp.sqrt(2)


@pytest.mark.parametrize(("point", "base", "expected"), [
    ((1 / 3 + 0.5, 0.5 - 0.25), (THIRD, HALF), (sp.Rational(5, 6), sp.Rational(1, 4))),
    ((1 / 3 - 2.0**-10 / 6,), (THIRD,), (sp.Rational(2047, 6144),)),
    ((math.sqrt(2) + 0.125, 0.5), (ROOT2, 0), (ROOT2 + sp.Rational(1, 8), HALF)),
    ((math.pi, 0.1), (sp.pi, 0), (sp.pi, sp.Rational(1, 10))),
    ((1 / 3 + 2.0**-0.5, -0.3535533905932738), (THIRD, 0), (None, None)),
    ((1 / 3 + 1e-9 * math.pi,), (THIRD,), (None,)),
    ((float("nan"), 1.0), (THIRD, sp.oo), (None, None)),
], ids=["rational", "fine-step", "irrational-base", "pi", "irrational-step", "tiny-step",
        "not-finite"])
def test_exact_point(point, base, expected):
    assert exact_point(point, base) == expected


def test_vector_marks_the_whole_point_approximate_when_a_coordinate_is():
    assert vector((5 / 6, 0.25), exact_point((5 / 6, 0.25), (THIRD, 0))) == "(5/6, 1/4)"
    assert vector((5 / 6, 0.7071), (sp.Rational(5, 6), None)) == "≈ (5/6, 0.7071)"


def test_the_table_of_an_irrational_kink_is_exact():
    ex = explore_1d("abs(x - sqrt(2))", "sqrt(2)")
    for rows, seq in zip(ex.steps, ex.clarke.sequences, strict=True):
        for row, p in zip(rows, seq.points, strict=False):
            rational, plus, root = row.x.replace("−", "-").rpartition(" + ")
            assert root == "√2" and plus, row  # "r + √2" (the point is never x₀ itself)
            q = sp.Rational(rational) + ROOT2
            assert abs(float(q) - p[0]) < 1e-12, row
            assert sp.Rational(row.value) == abs(q - ROOT2)  # f exactly there
