"""The ReLU-network lab: gradients against finite differences, Euler's identity per layer,
homogeneity in each layer, and norm preservation under gradient descent (Theorem 4.1)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clarke_core.errors import InputError
from clarke_core.labs.networks import (
    SIGMA_PRIME_AT_ZERO,
    Network,
    balance,
    batch_layer_gradients,
    check_balance_arguments,
    euler_products,
    explore_network,
    forward,
    layer_gradients,
    layer_shapes,
    network_from_arrays,
    random_network,
    sigma_prime,
    synthetic_data,
    train,
)

SHAPES = [(1, 1, 1), (1, 3, 2), (2, 4, 2), (3, 16, 2), (4, 5, 3)]


def _net(depth, width, dim, seed=0) -> Network:
    return random_network(depth, width, dim, np.random.default_rng(seed))


@pytest.mark.parametrize(("depth", "width", "dim"), SHAPES, ids=str)
def test_layer_gradients_match_finite_differences(depth, width, dim):
    rng = np.random.default_rng(1)
    net = _net(depth, width, dim)
    x = rng.normal(size=dim)
    grads = layer_gradients(net, x)
    eps = 1e-6
    for h, w in enumerate(net.weights):
        numeric = np.zeros_like(w)
        for idx in np.ndindex(w.shape):
            bump = np.zeros_like(w)
            bump[idx] = eps
            up = Network(net.weights[:h] + (w + bump,) + net.weights[h + 1:])
            down = Network(net.weights[:h] + (w - bump,) + net.weights[h + 1:])
            numeric[idx] = (up(x)[0] - down(x)[0]) / (2 * eps)
        assert grads[h].shape == w.shape
        np.testing.assert_allclose(grads[h], numeric, atol=1e-6)


def test_batch_gradients_are_the_single_ones_stacked():
    net = _net(3, 6, 2)
    xs = np.random.default_rng(2).normal(size=(5, 2))
    batch = batch_layer_gradients(net, xs)
    for i, x in enumerate(xs):
        for g_batch, g_one in zip(batch, layer_gradients(net, x), strict=True):
            np.testing.assert_allclose(g_batch[i], g_one)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(depth=st.integers(1, 5), width=st.integers(1, 20), dim=st.integers(1, 4),
       seed=st.integers(0, 2**16))
def test_euler_identity_per_layer_on_random_networks(depth, width, dim, seed):
    rng = np.random.default_rng(seed)
    net = random_network(depth, width, dim, rng)
    xs = rng.normal(size=(8, dim))
    f = net(xs)
    products = euler_products(net, xs)
    assert products.shape == (depth + 1, 8)
    assert np.max(np.abs(products - f)) <= 1e-9 * max(1.0, np.max(np.abs(f)))
    # and through the explicit gradient matrices, as in the lecture
    grads = batch_layer_gradients(net, xs)
    for w, g in zip(net.weights, grads, strict=True):
        assert np.max(np.abs(np.einsum("ij,nij->n", w, g) - f)) <= 1e-9 * max(1.0, np.abs(f).max())


@pytest.mark.parametrize("alpha", [0.0, 0.5, 3.0])
def test_scaling_one_layer_or_all(alpha):
    net = _net(3, 5, 2)
    xs = np.random.default_rng(3).normal(size=(10, 2))
    f = net(xs)
    for layer in range(1, net.depth + 2):
        np.testing.assert_allclose(net.scaled(layer, alpha)(xs), alpha * f, atol=1e-12)
    np.testing.assert_allclose(net.scaled_all(alpha)(xs), alpha ** (net.depth + 1) * f,
                               atol=1e-12)


def test_patterns_are_zero_one_and_rebuild_the_network():
    net = _net(3, 7, 2)
    xs = np.random.default_rng(4).normal(size=(6, 2))
    fp = forward(net, xs)
    assert all(set(np.unique(p)) <= {0.0, 1.0} for p in fp.patterns)
    # f = W_{H+1} A_H W_H ... A_1 W_1 x with the patterns, not the activations (erratum 5)
    for i, x in enumerate(xs):
        v = x
        for w, p in zip(net.weights[:-1], fp.patterns, strict=True):
            v = np.diag(p[i]) @ w @ v
        assert np.isclose(net.weights[-1] @ v, fp.output[i])


def test_the_kink_convention_is_stated_once():
    assert sigma_prime(np.array([0.0]))[0] == SIGMA_PRIME_AT_ZERO == 0.0
    # Euler's identity does not depend on it: an input with z = 0 exactly
    net = Network((np.array([[1.0, -1.0]]), np.array([[2.0]])))
    assert euler_products(net, np.array([[1.0, 1.0]])).tolist() == [[0.0], [0.0]]


# --- norm preservation -------------------------------------------------------------------------


def test_layer_changes_coincide_for_small_steps_and_drift_for_large():
    spreads = [balance(3, 16, 600, lr, seed=0).spread for lr in (0.001, 0.01, 0.1)]
    assert spreads[0] < 0.005
    assert spreads[0] < spreads[1] < spreads[2]
    assert spreads[2] > 0.05


def test_training_records_the_key_step_and_a_falling_loss():
    run = balance(2, 8, 500, 0.02, seed=5)
    assert run.sq_norm_change.shape == (501, 3) and run.loss.shape == (501,)
    assert np.all(run.sq_norm_change[0] == 0)
    assert run.loss[-1] < run.loss[0]
    assert run.euler_residual <= 1e-9
    # ⟨W_h, ∂ℓ/∂W_h⟩ is the same for every layer h at every step
    assert np.max(np.ptp(run.key_step, axis=1)) <= 1e-9
    assert run.diverged_at is None


def test_vectorised_training_matches_a_per_sample_loop():
    from benchmarks.networks import loop_train

    rng = np.random.default_rng(6)
    net = random_network(2, 5, 2, rng)
    x, y = synthetic_data(16, 2, rng)
    fast = train(net, x, y, 30, 0.05)
    slow_end, slow_changes = loop_train(net, x, y, 30, 0.05)
    np.testing.assert_allclose(fast.sq_norm_change[-1], slow_changes, atol=1e-10)
    for a, b in zip(fast.end.weights, slow_end, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_divergence_is_reported():
    # two neurons, one alive for each input, so no overshoot kills them: a step of 1 explodes
    net = Network((np.array([[1.0], [-1.0]]), np.array([[1.0, 1.0]])))
    x, y = np.array([[1.0], [-1.0]]), np.full(2, 10.0)
    run = train(net, x, y, 50, 1.0)
    assert run.diverged_at is not None
    assert len(run.loss) == run.diverged_at and np.all(np.isfinite(run.sq_norm_change))


@pytest.mark.parametrize(("args", "word"), [
    ((0, 16, 10, 0.1, 0), "depth"), ((7, 16, 10, 0.1, 0), "depth"), ((3, 0, 10, 0.1, 0), "width"),
    ((3, 65, 10, 0.1, 0), "width"), ((3, 16, 0, 0.1, 0), "steps"),
    ((3, 16, 10**6, 0.1, 0), "steps"), ((3, 16, 10, 0.0, 0), "--lr"),
    ((3, 16, 10, 1.5, 0), "--lr"), ((3, 16, 10, float("nan"), 0), "--lr"),
    ((3, 16, 10, 0.1, -1), "seed"),
], ids=str)
def test_out_of_range_arguments_are_refused(args, word):
    with pytest.raises(InputError, match=word) as err:
        check_balance_arguments(*args)
    assert str(err.value).endswith(".")


# --- edited weights (the page's "edit" mode) ---------------------------------------------------


def test_edited_arrays_build_the_network_they_describe():
    seeded = random_network(3, 4, 2, np.random.default_rng(0))
    tables = [w.tolist() for w in seeded.weights]  # what a table editor hands back
    net = network_from_arrays(tables, 3, 4)
    assert [w.shape for w in net.weights] == layer_shapes(3, 4, 2) == [(4, 2), (4, 4), (4, 4),
                                                                          (1, 4)]
    for a, b in zip(net.weights, seeded.weights, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(("value", "shown"), [
    (float("nan"), "empty"), (None, "empty"), (float("inf"), "inf"), (-100.5, "-100.5"),
], ids=str)
def test_edited_weights_must_be_finite_and_bounded(value, shown):
    tables = [w.tolist() for w in random_network(2, 3, 2, np.random.default_rng(1)).weights]
    tables[1][2][0] = value
    with pytest.raises(InputError) as err:
        network_from_arrays(tables, 2, 3)
    message = str(err.value)
    assert message == f"Weight W₂[3, 1] must be a number with |w| ≤ 100, not {shown}."
    tables[1][2][0] = 100.0  # the bound itself is allowed
    assert network_from_arrays(tables, 2, 3).weights[1][2, 0] == 100.0


def test_edited_weights_must_have_the_layer_shapes():
    tables = [w.tolist() for w in random_network(2, 3, 2, np.random.default_rng(1)).weights]
    with pytest.raises(InputError, match="3 weight matrices"):
        network_from_arrays(tables[:2], 2, 3)
    with pytest.raises(InputError, match=r"W₁ must be a 3×2 matrix, not 3×3"):
        network_from_arrays([tables[1], *tables[1:]], 2, 3)
    with pytest.raises(InputError, match="Every entry of W₃"):
        network_from_arrays([*tables[:2], [["a", "b", "c"]]], 2, 3)


def test_edited_weights_replace_the_seeded_ones_but_not_the_data():
    seeded = explore_network(2, 5, 3)
    start = seeded.net.scaled(1, 0.5)
    edited = explore_network(2, 5, 3, start=start)
    np.testing.assert_array_equal(edited.x, seeded.x)
    assert np.isclose(edited.f0, 0.5 * seeded.f0) and np.allclose(edited.products, edited.f0)
    run = balance(2, 5, 50, 0.01, 3, start=start)
    np.testing.assert_array_equal(run.start.weights[0], start.weights[0])
    assert np.all(run.sq_norm_change[0] == 0) and run.euler_residual <= 1e-9
    with pytest.raises(InputError, match="do not fit"):
        balance(3, 5, 50, 0.01, 3, start=start)
