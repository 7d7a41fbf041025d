"""A primitive defined here alone, registered for the test, is taken by every engine.

``pos(u)`` = max(u, 0) is its own sympy class (fdiff, eval, rewrite to Piecewise), unknown to
sympy's printers and to every engine; one ``Primitive`` entry is all it gets. Engines are called
in this process (timeout=None): a sandbox worker would not see the registration.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from clarke_core import check_answer, clarke_set, homogeneity_degree, subdifferential
from clarke_core.engine import primitives
from clarke_core.engine.convexity import curvature
from clarke_core.engine.parsing import parse_function
from clarke_core.engine.primitives import Curvature, Monotonicity, Primitive, Sign
from clarke_core.labs.autodiff import CONVENTIONS, emulate
from clarke_core.labs.descent import gradient_flow, subgradient_descent
from clarke_core.views.explore_1d import explore_1d
from clarke_core.views.explore_2d import explore_2d


class pos(sp.Function):  # noqa: N801 -- named as a student types it
    """The positive part max(u, 0)."""

    @classmethod
    def eval(cls, u):
        if u.is_nonnegative:
            return u
        if u.is_nonpositive:
            return sp.Integer(0)
        return None

    def fdiff(self, argindex=1):
        return sp.Heaviside(self.args[0])

    def _eval_rewrite_as_Piecewise(self, u, **kwargs):
        return sp.Piecewise((u, u >= 0), (0, True))


def _entry(numeric) -> Primitive:
    return Primitive(
        "pos", "the positive part max(u, 0)", "pos(x) + pos(y)", pos, nonsmooth=True,
        sympy_func=pos, numeric=numeric, curvature=Curvature.CONVEX,
        sign=lambda signs: Sign.NONNEGATIVE,
        monotonicity=lambda signs: [Monotonicity.INCREASING],
    )


# With a numpy implementation, and without one (then numeric.lambdify uses its branches).
@pytest.fixture(params=[lambda u: np.maximum(u, 0.0), None], ids=["numeric", "branches-only"])
def registered(request):
    with primitives.register(_entry(request.param)) as p:
        yield p
    assert "pos" not in primitives.allowed_names()


def test_the_parser_and_the_table_see_it(registered):
    assert primitives.by_name("pos") is registered and primitives.by_func(pos) is registered
    assert parse_function("pos(x - 1)").expr == pos(sp.Symbol("x", real=True) - 1)
    assert [str(b.value) for b in primitives.branches(pos(sp.Symbol("u")))] == ["u", "0"]


def test_clarke_set_1d(registered):
    assert clarke_set("pos(x)", "0").exact == [(0,), (1,)]
    assert clarke_set("pos(x)", "1").exact == [(1,)]
    assert clarke_set("pos(x) - pos(-x)", "0").exact == [(1,)]  # = x


def test_subdifferential_is_certified_by_its_curvature(registered):
    assert curvature(parse_function("pos(x)**2 + pos(x - 1)").expr) is Curvature.CONVEX
    s = subdifferential("pos(x)", "0")
    assert s.exact == [(0,), (1,)] and s.certified and s.reason.startswith("f is convex")
    assert subdifferential("-pos(x)", "0").kind == "empty"


def test_clarke_set_2d_is_the_unit_square(registered):
    c = clarke_set("pos(x) + pos(y)", "0, 0")
    assert c.kind == "polygon"
    assert sorted(c.exact) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert sorted(subdifferential("pos(x) + pos(y)", "0, 0").exact) == sorted(c.exact)


def test_homogeneity_through_its_branches(registered):
    assert homogeneity_degree("pos(x)") == 1
    assert homogeneity_degree("pos(x)*pos(y)") == 2
    assert homogeneity_degree("pos(x - 1)") is None


def test_check_answer(registered):
    assert check_answer("pos(x)", "0", "[0, 1]").correct
    assert not check_answer("pos(x)", "0", "[0, 2]").correct


def test_autodiff_takes_the_first_branch_that_holds(registered):
    for conv in CONVENTIONS:
        assert emulate("pos(x)", "0", conv) == 1.0  # u >= 0 holds first
        assert emulate("pos(x)", "-1", conv) == 0.0
        assert emulate("pos(x)**2", "1/2", conv) == 1.0


def test_subgradient_descent(registered):
    path = subgradient_descent("pos(x) + pos(-x)", 1.0, eta=0.1, steps=30)
    assert abs(path.xs[-1]) < 0.2


def test_gradient_flow(registered):
    flow = gradient_flow("pos(x) + pos(-x) + pos(y) + pos(-y)", "1, 0.5")
    assert max(abs(c) for c in flow.flow[-1]) < 0.05


def test_explore_1d(registered):
    one = explore_1d("pos(x)", "0")
    assert one.clarke.exact == [(0,), (1,)]
    np.testing.assert_allclose(one.curve_y, np.maximum(one.curve_x, 0.0))


def test_explore_2d(registered):
    two = explore_2d("pos(x) + pos(y)", "0, 0")
    assert sorted(two.clarke.exact) == [(0, 0), (0, 1), (1, 0), (1, 1)]
    gx, gy = np.meshgrid(two.grid_x, two.grid_y)
    np.testing.assert_allclose(two.grid_z, np.maximum(gx, 0) + np.maximum(gy, 0))


def test_unregistered_it_is_an_unknown_name():
    from clarke_core import InputError

    with pytest.raises(InputError, match="Unknown name 'pos'"):
        parse_function("pos(x)")
