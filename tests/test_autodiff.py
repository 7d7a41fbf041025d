"""The autodiff emulator: finite differences away from kinks, documented conventions at kinks."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from clarke_core import InputError
from clarke_core.engine.parsing import parse_function
from clarke_core.labs.autodiff import CONVENTIONS, compare, convention, emulate

SMOOTH_POINTS = [
    ("abs(x) + max(x, 2*x)", 0.7), ("relu(x - 1) * sin(x)", 1.3), ("min(x**2, 1 - x)", -0.4),
    ("sqrt(x**2 + 1) * exp(-abs(x))", -1.1), ("Piecewise((x**3, x < 1), (2*x, True))", 0.5),
    ("log(1 + x**2) + tan(x/3)", 0.9), ("2**x * cos(x)", 1.5),
]


@pytest.mark.parametrize("conv", CONVENTIONS, ids=lambda c: c.library)
@pytest.mark.parametrize(("text", "x0"), SMOOTH_POINTS, ids=[t for t, _ in SMOOTH_POINTS])
def test_away_from_kinks_every_library_agrees_with_finite_differences(conv, text, x0):
    f = sp.lambdify(sp.Symbol("x", real=True), parse_function(text).expr, "math")
    h = 1e-6
    numeric = (f(x0 + h) - f(x0 - h)) / (2 * h)
    assert emulate(text, str(x0), conv) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


# (library, relu'(0), abs'(0), max(x, 2x)'(0)): each as its docs or source states it
KINKS = [("PyTorch", 0.0, 0.0, 1.5), ("JAX", 0.0, 1.0, 1.5), ("SymPy", 0.5, 0.0, 1.5),
         ("CVXPY", 1.0, 0.0, None), ("autograd", 0.5, 0.0, 1.5)]


@pytest.mark.parametrize(("library", "relu", "abs_", "tie"), KINKS, ids=[k[0] for k in KINKS])
def test_at_kinks_each_library_follows_its_convention(library, relu, abs_, tie):
    conv = convention(library)
    assert emulate("relu(x)", "0", conv) == relu
    assert emulate("abs(x)", "0", conv) == abs_
    if tie is not None:
        assert emulate("max(x, 2*x)", "0", conv) == tie
    else:  # the first tied argument, in the stored order, takes it all
        assert emulate("max(x, 2*x)", "0", conv) in (1.0, 2.0)


@pytest.mark.parametrize("text", ["abs(x)", "max(0, x)", "max(x, 2*x, -x)", "abs(x) - abs(x)",
                                  "relu(x) - relu(-x)", "x*Heaviside(x)", "x*sign(x)"])
def test_the_sympy_row_is_what_sympy_itself_returns(text):
    x = sp.Symbol("x", real=True)
    truth = sp.diff(parse_function(text).expr, x).subs(x, 0)
    assert emulate(text, "0", convention("SymPy")) == pytest.approx(float(truth))


def test_program_dependence():
    c = compare("relu(x) - relu(-x)", "0")
    got = {v.library: (v.value, v.in_clarke) for v in c.values}
    assert c.clarke.exact == [(1,)]
    assert got["PyTorch"] == (0.0, False) and got["JAX"] == (0.0, False)
    assert got["SymPy"] == (1.0, True) and got["CVXPY"] == (2.0, False)
    zero = compare("abs(x) - abs(x)", "0")
    assert {v.library: v.value for v in zero.values}["JAX"] == 0.0
    assert all(v.in_clarke for v in zero.values)


def test_non_lipschitz_points_give_nan_or_inf_and_are_never_in_the_set():
    c = compare("sqrt(abs(x))", "0")
    assert c.clarke.kind == "unbounded"
    assert all(not v.in_clarke for v in c.values)
    assert math.isnan(dict((v.library, v.value) for v in c.values)["PyTorch"])


def test_bad_input_is_one_sentence():
    with pytest.raises(InputError, match=r"\.$"):
        emulate("max(x, y)", "0", CONVENTIONS[0])


def test_min_plus_max_splits_each_tie_as_torch_and_jax_do():
    # torch.minimum(x, 0) + torch.maximum(x, 0) at 0: 1/2 + 1/2 (the bug gave 0.5)
    got = {v.library: v.value for v in compare("min(x, 0) + max(x, 0)", "0").values}
    assert got["PyTorch"] == got["JAX"] == got["autograd"] == 1.0


def test_a_typed_relu_is_not_a_typed_max():
    jax_ = convention("JAX")
    assert emulate("relu(x)", "0", jax_) == 0.0  # jax.nn.relu
    assert emulate("max(x, 0)", "0", jax_) == emulate("max(0, x)", "0", jax_) == 0.5
    assert emulate("relu(x) - max(x, 0)", "0", jax_) == -0.5
    assert emulate("relu(x) - max(x, 0)", "0", convention("SymPy")) == 0.0  # simplified to 0


def test_ties_of_three_are_nested_pairwise_calls_in_typed_order():
    jax_ = convention("JAX")
    assert emulate("max(x, 2*x, 3*x)", "0", jax_) == 2.25  # ((1 + 2)/2 + 3)/2
    assert emulate("max(3*x, x, 2*x)", "0", jax_) == 2.0  # ((3 + 1)/2 + 2)/2
    assert emulate("max(0, x)", "0", convention("CVXPY")) == 0.0  # the first typed argument


def test_autograd_has_no_heaviside_derivative():
    assert math.isnan(emulate("x*Heaviside(x)", "1", convention("autograd")))


def test_a_long_program_within_the_parser_limits_is_read_once():
    # 140 abs calls: the parser allows them; reading the typed tree must not count them again
    text = " + ".join(f"abs(x - {k})" for k in range(140))
    assert emulate(text, "3", convention("JAX")) == 3 + 1 - 136  # k < 3, k = 3 (jnp.abs), k > 3


def test_pytorch_has_no_heaviside_derivative():
    # torch.heaviside's backward raises "derivative for aten::heaviside is not implemented"
    assert math.isnan(emulate("x*Heaviside(x)", "1", convention("PyTorch")))
    assert emulate("x*sign(x)", "1", convention("PyTorch")) == 1.0
