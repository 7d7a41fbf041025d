"""ReLU networks at a kink (labs/relu_kink.py): exact sets against hand computations, Lemma 3.2 on
every vertex, the chain rule's set, and an independent cross-check by gradient sampling (finite
differences of a NumPy forward pass at seeded points near x0 where no neuron ties)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp
from page_util import figures, page_runner

from clarke_core.engine.geometry import distance, exact_hull, in_exact_hull
from clarke_core.errors import InputError
from clarke_core.labs import relu_kink as kinks
from clarke_core.labs.relu_kink import PRESETS, at_kink, explore_kink, kink_net, places

S = sp.Rational


def _set(vertices) -> set[tuple]:
    return {tuple(sp.Rational(c) for c in v) for v in vertices}


def _preset(name: str):
    p = PRESETS[name]
    net = kinks.parse_net(p.weights, p.biases)
    return net, places(net)[p.where][1]


# --- hand-computed cases -------------------------------------------------------------------------


def test_relu_minus_relu_is_linear_and_backprop_misses_it():
    # f = relu(x1) - relu(-x1) = x1: the Clarke set at 0 is {(1, 0)}; PyTorch's relu'(0) = 0
    # gives (0, 0) and relu'(0) = 1 gives (2, 0), both outside; the chain rule says [0, 2] x {0}.
    report = at_kink(kink_net([[[1, 0], [-1, 0]], [[1, -1]]]), (0, 0))
    assert _set(report.clarke) == {(1, 0)} and report.kind == "point"
    zero, one = report.backprops
    assert (zero.gradient, zero.inside) == ((0, 0), False)
    assert (one.gradient, one.inside) == ((2, 0), False)
    rule = report.sum_rule
    assert _set(rule.vertices) == {(0, 0), (2, 0)} and rule.choices == 4
    assert rule.contains and not rule.equal and rule.regular is False


CASES = [  # preset, Clarke set, backprop (relu'(0) = 0, = 1) and in?, chain rule, equal, regular
    ("bias-free net at x = 0", {(1, 0), (1, 1)}, ((0, 0), False), ((2, 1), False),
     {(0, 0), (2, 0), (2, 1), (0, 1)}, False, False),
    ("a dead neuron", {(0, 0), (1, 0), (0, 1), (1, 1)}, ((0, 0), True), ((-1, -1), False),
     {(-2, -2), (0, -2), (-2, 0), (1, 0), (0, 1), (1, 1)}, False, None),
    ("two neurons tied", {(0, 0), (1, 1), (0, 2), (-1, 1)}, ((0, 0), True), ((0, 2), True),
     {(0, 0), (1, 1), (0, 2), (-1, 1)}, True, True),
    ("two neurons on one line", {(0, 0)}, ((0, 0), True), ((0, 0), True),
     {(-2, 2), (2, -2)}, False, False),
]


@pytest.mark.parametrize("name, clarke, zero, one, chain, equal, regular", CASES,
                         ids=[c[0] for c in CASES])
def test_presets_by_hand(name, clarke, zero, one, chain, equal, regular):
    net, x0 = _preset(name)
    report = at_kink(net, x0)
    assert _set(report.clarke) == clarke
    assert [(b.gradient, b.inside) for b in report.backprops] == [zero, one]
    assert _set(report.sum_rule.vertices) == chain
    assert report.sum_rule.contains
    assert (report.sum_rule.equal, report.sum_rule.regular) == (equal, regular)


def test_two_tied_neurons_sit_where_their_lines_cross():
    net, x0 = _preset("two neurons tied")
    assert x0 == (1, 0)
    assert kinks.tied_neurons(net, x0) == ((1, 1), (1, 2))
    assert [name for name, _ in places(net)] == [
        "x = 0", "on neuron 1's line", "on neuron 2's line", "where neurons 1 and 2 cross"]


def test_membership_agrees_with_the_planar_exact_test():
    # The n-D LP test and geometry.in_exact_hull (2D, orientation signs) are separate code.
    for name in PRESETS:
        net, x0 = _preset(name)
        report = at_kink(net, x0)
        hull = exact_hull(list(report.sum_rule.vertices))
        for b in report.backprops:
            assert b.inside == in_exact_hull(b.gradient, exact_hull(list(report.clarke)))
        for v in report.clarke:
            assert in_exact_hull(v, hull)


# --- Lemma 3.2 on the whole set ------------------------------------------------------------------


def test_lemma_on_every_vertex_of_a_weight_space_set_by_hand():
    # f(x0; W1) at x0 = (1, 1) is 2 relu(w11 + w12) - relu(w21 + w22), both tied: the set is
    # {(2a, 2a, -b, -b)}, a, b in [0, 1], and <W1, S> = 2a(1 - 1) - b(2 - 2) = 0 = f(x0).
    net = kink_net([[[1, -1], [2, -2]], [[2, -1]]])
    layer = kinks.layer_set(net, (1, 1), 1)
    assert _set(layer.vertices) == {(0, 0, 0, 0), (2, 2, 0, 0), (0, 0, -1, -1), (2, 2, -1, -1)}
    assert layer.products == (0, 0, 0, 0) and layer.value == 0 and layer.holds


def test_a_bias_from_layer_h_on_means_the_lemma_does_not_apply():
    net, x0 = _preset("two neurons tied")
    first, output = at_kink(net, (S(1, 2), S(1, 2))).layers
    assert not first.homogeneous and output.homogeneous and output.holds
    # <W1, S> = f(x0) - b-terms, not f(x0): the check would fail, so it is not claimed.
    assert not first.holds


def _random_net(rng, depth, width, biases):
    ws = [rng.integers(-2, 3, size=(width, 2))]
    ws += [rng.integers(-2, 3, size=(width, width)) for _ in range(depth - 1)]
    ws.append(rng.integers(-2, 3, size=(1, width)))
    bs = [rng.integers(-1, 2, size=width) if biases else np.zeros(width, int)
          for _ in range(depth)]
    return kink_net([[[int(c) for c in row] for row in w] for w in ws],
                    [[int(c) for c in b] for b in bs])


@pytest.mark.parametrize("seed", range(6))
def test_lemma_and_the_chain_rule_on_random_small_networks(seed):
    rng = np.random.default_rng(seed)
    net = _random_net(rng, 1 + seed % 2, 2 + seed % 2, biases=seed >= 3)
    for _, x0 in places(net):
        report = at_kink(net, x0)
        assert report.sum_rule.contains  # Clarke's chain rule: always an outer estimate
        for layer in report.layers:
            assert layer.vertices
            if layer.homogeneous:
                assert layer.holds, (seed, x0, layer.h)
        if report.sum_rule.regular:
            assert report.sum_rule.equal  # the docstring's sufficient condition


# --- independent cross-check: gradient sampling --------------------------------------------------


def _numeric(net):
    ws = [np.array(w, dtype=float) for w in net.weights]
    bs = [np.array(b, dtype=float) for b in net.biases]
    return ws, bs


def _f(ws, bs, x):
    a = np.asarray(x, dtype=float)
    for w, b in zip(ws[:-1], bs, strict=True):
        a = np.maximum(w @ a + b, 0.0)
    return float((ws[-1] @ a)[0])


def _gradient(fun, x, h=1e-7):
    """Forward and backward differences; None when they disagree (a kink within h)."""
    x = np.asarray(x, dtype=float)
    fwd, bwd = np.zeros_like(x), np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = h
        fwd.flat[i] = (fun(x + e) - fun(x)) / h
        bwd.flat[i] = (fun(x) - fun(x - e)) / h
    return fwd if np.allclose(fwd, bwd, atol=1e-5) else None


def _samples(fun, centre, rng, n=400, radius=1e-3):
    centre = np.asarray(centre, dtype=float)
    out = []
    for _ in range(n):
        g = _gradient(fun, centre + rng.uniform(-radius, radius, size=centre.shape))
        if g is not None:
            out.append(g.ravel())
    return np.array(out)


@pytest.mark.parametrize("name", list(PRESETS))
def test_sampled_input_gradients_fill_the_exact_set(name):
    net, x0 = _preset(name)
    report = at_kink(net, x0)
    ws, bs = _numeric(net)
    grads = _samples(lambda x: _f(ws, bs, x), [float(c) for c in x0], np.random.default_rng(1))
    assert len(grads) > 300
    vertices = [tuple(float(c) for c in v) for v in report.clarke]
    assert max(distance(tuple(g), vertices) for g in grads) < 1e-5
    for v in vertices:  # every vertex is a limit of sampled gradients
        assert np.min(np.abs(grads - np.array(v)).max(axis=1)) < 1e-5, v


@pytest.mark.parametrize("name, h", [("two neurons on one line", 1), ("a dead neuron", 1),
                                     ("a dead neuron", 2), ("bias-free net at x = 0", 2)])
def test_sampled_weight_gradients_fill_the_exact_layer_set(name, h):
    net, _ = _preset(name)
    x0 = places(net)[1][1]  # on neuron 1's line: weight-space sets with ties
    layer = at_kink(net, x0).layers[h - 1]
    ws, bs = _numeric(net)

    def f_of_layer(w):
        return _f(ws[:h - 1] + [w.reshape(ws[h - 1].shape)] + ws[h:], bs,
                  [float(c) for c in x0])

    grads = _samples(f_of_layer, ws[h - 1].ravel(), np.random.default_rng(2), n=300)
    assert len(grads) > 200
    for g in grads[:60]:  # rational (small denominators) up to rounding: test membership exactly
        exact = tuple(Fraction(float(c)).limit_denominator(100) for c in g)
        assert max(abs(float(e) - c) for e, c in zip(exact, g, strict=True)) < 1e-5
        assert kinks.in_hull(tuple(sp.Rational(e.numerator, e.denominator) for e in exact),
                             layer.vertices)
    for v in layer.vertices:
        assert np.min(np.abs(grads - np.array(v, dtype=float)).max(axis=1)) < 1e-5, v


# --- typed weights, the view ---------------------------------------------------------------------


@pytest.mark.parametrize("weights, biases, message", [
    (("sqrt(2), 0", "1"), ("0",), "not a rational number"),
    (("__import__('os'), 0", "1"), ("0",), ""),
    (("1, 0; 0", "1, 1"), ("0, 0",), "Every row of W1 needs 2 weights"),
    (("1, 0, 0", "1"), ("0",), "2 inputs"),
    (("1000, 0", "1"), ("0",), "at most 100"),
    (("1, ", "1"), ("0",), "separated by commas"),
], ids=["irrational", "code", "ragged", "three-inputs", "too-big", "empty-entry"])
def test_typed_weights_are_refused_in_one_sentence(weights, biases, message):
    with pytest.raises(InputError) as err:
        explore_kink(weights, biases, 0)
    text = str(err.value)
    assert message in text and text.rstrip().endswith(".") and "\n" not in text


def test_the_view_says_what_was_decided():
    p = PRESETS["bias-free net at x = 0"]
    view = explore_kink(p.weights, p.biases, p.where)
    assert view.clarke_text == "conv{(1, 0), (1, 1)}" and view.strict
    assert [inside for *_, inside in view.backprops] == [False, False]
    assert "strict superset" in view.sum_sentence and "linearly dependent" in view.sum_sentence
    p = PRESETS["two neurons tied"]
    view = explore_kink(p.weights, p.biases, p.where)
    assert "equals the Clarke set" in view.sum_sentence and "Tian and So" in view.sum_sentence
    assert "does not apply to W₁" in view.layers[0][1]
    assert "Lemma 3.2 on the whole set" in view.layers[1][1]
    assert explore_kink(p.weights, p.biases, 99).where == 0  # a stale place: back to x = 0


# --- the section on the page (AppTest) -----------------------------------------------------------

run_page = page_runner("../app_pages/relu_network.py", 90)


def test_the_section_opens_from_a_link_and_draws_the_set():
    at = run_page(kink="on", kink_net="a dead neuron")
    assert not at.exception, at.exception
    assert not at.error
    names = [t.get("name", "") for fig in figures(at) for t in fig["data"]]
    assert "Clarke set ∂f(x₀)" in names
    # the dead neuron: PyTorch's convention lands in the set, relu'(0) = 1 does not
    assert "backprop, relu′(0) = 0 (PyTorch, JAX): in the set" in names
    assert "backprop, relu′(0) = 1: outside" in names
    assert len(at.dataframe) == 3  # the W1, W2, W3 tables
    rows = at.dataframe[2].value.to_dict("records")
    assert rows == [{"vertex S of ∂f/∂W₃": "(0, 0)", "⟨W₃, S⟩": "0", "f(x₀)": "0", "equal": "✓"}]
    at.button(key="relu_kink_place_1").click().run()
    assert not at.exception and at.session_state["relu_kink_at"] == 1
    assert at.query_params["kink_at"] == "1"


def test_the_section_is_closed_by_default():
    at = run_page()
    assert not at.exception
    assert at.toggle(key="relu_kink_open").value is False
    assert not any("Clarke set ∂f(x₀)" in t.get("name", "") for fig in figures(at)
                   for t in fig["data"])


def test_a_bad_kink_link_says_so_once_and_keeps_the_section_closed():
    at = run_page(kink="__import__('os')")
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "The link's kink = '\\_\\_import\\_\\_('os')' is not on or off, so the section stays "
        "closed."]
    assert at.toggle(key="relu_kink_open").value is False
