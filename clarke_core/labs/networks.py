"""The ReLU-network lab (lecture §3–§4): bias-free networks, Euler's identity per layer, and
norm preservation under gradient descent (Theorem 4.1, Du, Hu and Lee 2018).

f(x; W) = W_{H+1} σ(W_H σ(… σ(W_1 x))) with W_1 ∈ R^{m×d}, W_2 … W_H ∈ R^{m×m}, W_{H+1} ∈ R^{1×m}.
Because σ(z) = σ'(z) z, the network is f = W_{H+1} A_H W_H ⋯ A_1 W_1 x with the 0/1 activation
patterns A_h = diag(σ'(z_h)) (the lecture's erratum 5: patterns, not activations), so it is
1-homogeneous in each layer and ⟨W_h, ∂f/∂W_h⟩ = f for every h.

Everything is NumPy over a batch: inputs are rows of an (n, d) array.

>>> net = random_network(depth=2, width=4, input_dim=2, rng=np.random.default_rng(0))
>>> x = np.array([[1.0, -0.5]])
>>> f = net(x)
>>> np.allclose(euler_products(net, x), f)
True
>>> np.allclose(net.scaled(2, 3.0)(x), 3 * f), np.allclose(net.scaled_all(2.0)(x), 2 ** 3 * f)
(True, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..engine.printing import subscript
from ..errors import InputError

SIGMA_PRIME_AT_ZERO = 0.0
"""The one kink convention of the lab: σ'(0) = 0, as PyTorch and JAX take relu'(0).

Any value in [0, 1] is an element of the Clarke set [0, 1] of the ReLU at 0; with 0 the pattern
A_h is the indicator of z > 0. Euler's identity holds whatever the choice, because at z = 0 the
factor z in σ(z) = σ'(z) z is 0 anyway. Random weights and data meet z = 0 with probability 0.
"""

DEPTH_RANGE = (1, 6)  # hidden layers H
WIDTH_RANGE = (1, 64)  # neurons per hidden layer m
STEPS_RANGE = (1, 100_000)
LR_MAX = 1.0
SEED_MAX = 2**32 - 1
SAMPLES = 64  # size of the synthetic data set
INPUT_DIM = 2
WEIGHT_MAX = 100.0  # largest |w| accepted for a hand-edited weight
# What one request of the page may train, seven step sizes in a row, in units of steps × H × m²
# (measured: one 3000-step training of H = 6, m = 32 takes 0.6 s of CPU, so the seven fit a
# sandbox worker's limit even on a loaded machine). Bigger runs are for the command line.
PAGE_WORK = 3000 * 6 * 32**2


def sigma(z: np.ndarray) -> np.ndarray:
    """The ReLU σ(z) = max(z, 0), elementwise."""
    return np.maximum(z, 0.0)


def sigma_prime(z: np.ndarray) -> np.ndarray:
    """σ'(z): 1 where z > 0, 0 where z < 0, ``SIGMA_PRIME_AT_ZERO`` at 0.

    >>> sigma_prime(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    return np.where(z > 0, 1.0, np.where(z < 0, 0.0, SIGMA_PRIME_AT_ZERO))


@dataclass(frozen=True)
class Network:
    """A bias-free ReLU network: ``weights`` = (W_1, …, W_{H+1})."""

    weights: tuple[np.ndarray, ...]

    @property
    def depth(self) -> int:
        """H, the number of hidden layers (so there are H + 1 weight matrices)."""
        return len(self.weights) - 1

    @property
    def width(self) -> int:
        return self.weights[0].shape[0]

    @property
    def input_dim(self) -> int:
        return self.weights[0].shape[1]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        """f(x) for each row of ``x`` (shape (n,)); a single input of shape (d,) gives (1,)."""
        return forward(self, x).output

    def scaled(self, layer: int, alpha: float) -> Network:
        """The network with W_layer (1-based, as in the lecture) multiplied by ``alpha``."""
        ws = list(self.weights)
        ws[layer - 1] = alpha * ws[layer - 1]
        return Network(tuple(ws))

    def scaled_all(self, alpha: float) -> Network:
        """Every layer multiplied by ``alpha``: f scales by alpha^(H+1)."""
        return Network(tuple(alpha * w for w in self.weights))

    def sq_norms(self) -> np.ndarray:
        """‖W_h‖_F² for h = 1 … H+1."""
        return np.array([float(np.sum(w * w)) for w in self.weights])


@dataclass(frozen=True)
class ForwardPass:
    """One forward pass over a batch: pre-activations z_h = W_h a_{h-1}, activations
    a_h = σ(z_h) (a_0 = x), the 0/1 patterns (the diagonals of A_h) and the outputs."""

    inputs: np.ndarray
    pre: tuple[np.ndarray, ...]
    activations: tuple[np.ndarray, ...]
    patterns: tuple[np.ndarray, ...]
    output: np.ndarray


def layer_shapes(depth: int, width: int, input_dim: int) -> list[tuple[int, int]]:
    """The shapes of W_1 … W_{H+1}.

    >>> layer_shapes(2, 3, 2)
    [(3, 2), (3, 3), (1, 3)]
    """
    return [(width, input_dim)] + [(width, width)] * (depth - 1) + [(1, width)]


def random_network(depth: int, width: int, input_dim: int, rng: np.random.Generator) -> Network:
    """He-initialised weights (variance 2 / fan-in; 1 / fan-in for the output layer)."""
    shapes = layer_shapes(depth, width, input_dim)
    gains = [2.0] * depth + [1.0]
    return Network(tuple(rng.normal(size=s) * math.sqrt(g / s[1])
                         for s, g in zip(shapes, gains, strict=True)))


def network_from_arrays(arrays: Sequence[object], depth: int, width: int,
                        input_dim: int = INPUT_DIM) -> Network:
    """A network from hand-edited matrices W_1 … W_{H+1}, refused with one sentence (InputError)
    unless every matrix has its layer's shape and every entry is a finite number with
    |w| ≤ ``WEIGHT_MAX``.

    >>> network_from_arrays([[[1.0, -2.0]], [[3.0]]], depth=1, width=1).depth
    1
    >>> network_from_arrays([[[1.0, None]], [[3.0]]], depth=1, width=1)
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: Weight W₁[1, 2] must be a number with |w| ≤ 100, not empty.
    """
    shapes = layer_shapes(depth, width, input_dim)
    if len(arrays) != len(shapes):
        raise InputError(f"A depth-{depth} network needs {len(shapes)} weight matrices, "
                         f"not {len(arrays)}.")
    weights = []
    for h, (raw, shape) in enumerate(zip(arrays, shapes, strict=True), start=1):
        try:
            w = np.asarray(raw, dtype=float)
        except (TypeError, ValueError):
            raise InputError(f"Every entry of W{subscript(h)} must be a number.") from None
        if w.shape != shape:
            raise InputError(f"W{subscript(h)} must be a {shape[0]}×{shape[1]} matrix, "
                             f"not {'×'.join(map(str, w.shape)) or 'a scalar'}.")
        bad = ~(np.isfinite(w) & (np.abs(w) <= WEIGHT_MAX))
        if bad.any():
            i, j = np.argwhere(bad)[0]
            value = "empty" if np.isnan(w[i, j]) else f"{w[i, j]:g}"
            raise InputError(f"Weight W{subscript(h)}[{i + 1}, {j + 1}] must be a number with "
                             f"|w| ≤ {WEIGHT_MAX:g}, not {value}.")
        weights.append(w)
    return Network(tuple(weights))


def forward(net: Network, x: np.ndarray) -> ForwardPass:
    """The forward pass, keeping what the gradients and the pictures need."""
    a = np.atleast_2d(np.asarray(x, dtype=float))
    pre, acts, patterns = [], [a], []
    for w in net.weights[:-1]:
        z = a @ w.T
        a = sigma(z)
        pre.append(z)
        acts.append(a)
        patterns.append(sigma_prime(z))
    pre.append(a @ net.weights[-1].T)
    return ForwardPass(acts[0], tuple(pre), tuple(acts), tuple(patterns), pre[-1][:, 0])


def _backward(net: Network, fp: ForwardPass, seed: np.ndarray) -> list[np.ndarray]:
    """δ_h = ∂(Σ_i seed_i f(x_i))/∂z_h for h = 1 … H+1, each (n, rows of W_h)."""
    delta = seed[:, None]
    deltas = [delta]
    for h in range(net.depth, 0, -1):
        delta = (delta @ net.weights[h]) * fp.patterns[h - 1]
        deltas.append(delta)
    return deltas[::-1]


def layer_gradients(net: Network, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """∂f/∂W_h at one input x (shape (d,)), each with the shape of W_h.

    This is the lecture's (W_{H+1} A_H ⋯ W_{h+1} A_h)ᵀ (A_{h-1} W_{h-1} ⋯ W_1 x)ᵀ.
    """
    return tuple(g[0] for g in batch_layer_gradients(net, np.asarray(x, dtype=float)[None, :]))


def batch_layer_gradients(net: Network, x: np.ndarray) -> tuple[np.ndarray, ...]:
    """∂f(x_i)/∂W_h for every row x_i, each of shape (n, *W_h.shape)."""
    fp = forward(net, x)
    deltas = _backward(net, fp, np.ones(len(fp.inputs)))
    return tuple(np.einsum("ni,nj->nij", d, a)
                 for d, a in zip(deltas, fp.activations, strict=True))


def euler_products(net: Network, x: np.ndarray) -> np.ndarray:
    """⟨W_h, ∂f(x_i)/∂W_h⟩ for every layer h and row x_i, shape (H+1, n): each row equals f.

    ⟨W_h, δ_h a_{h-1}ᵀ⟩ = δ_h · (W_h a_{h-1}) = δ_h · z_h, so no gradient matrix is formed.
    """
    fp = forward(net, x)
    deltas = _backward(net, fp, np.ones(len(fp.inputs)))
    return np.stack([np.sum(d * z, axis=1) for d, z in zip(deltas, fp.pre, strict=True)])


def neuron_balance(net: Network) -> tuple[np.ndarray, ...]:
    """For each hidden layer h: ‖row j of W_h‖² − ‖column j of W_{h+1}‖² per neuron j, which
    gradient flow also preserves (each neuron is 1-homogeneous in its in- and out-weights)."""
    return tuple(np.sum(w_in**2, axis=1) - np.sum(w_out**2, axis=0)
                 for w_in, w_out in zip(net.weights[:-1], net.weights[1:], strict=True))


def synthetic_data(n: int, input_dim: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n Gaussian inputs and a smooth nonlinear target y = sin(2 x_1) + |x_2| / 2 (+ noise)."""
    x = rng.normal(size=(n, input_dim))
    y = np.sin(2 * x[:, 0]) + 0.5 * np.abs(x[:, -1]) + 0.05 * rng.normal(size=n)
    return x, y


@dataclass(frozen=True)
class Training:
    """Gradient descent on the squared loss ℓ = (1/2n) Σ (f(x_i) − y_i)², recorded per step t.

    ``sq_norm_change[t, h]`` = ‖W_h(t)‖² − ‖W_h(0)‖²; ``loss[t]``; ``key_step[t, h]`` =
    ⟨W_h, ∂ℓ/∂W_h⟩ at step t (the proof's key step: the same for every h);
    ``euler_residual`` = max |⟨W_h, ∂f/∂W_h⟩ − f| over layers, inputs and steps;
    ``balance_change`` = the largest change of a neuron-wise balance (``neuron_balance``);
    ``diverged_at``: the step where the weights stopped being finite (the arrays stop there).
    """

    lr: float
    start: Network
    end: Network
    sq_norm_change: np.ndarray
    loss: np.ndarray
    key_step: np.ndarray
    euler_residual: float
    balance_change: float
    diverged_at: int | None

    @property
    def spread(self) -> float:
        """How far the layers' final changes disagree, relative to their size (0: coincide)."""
        last = self.sq_norm_change[-1]
        return float(np.ptp(last) / max(np.mean(np.abs(last)), 1e-300))


def train(net: Network, x: np.ndarray, y: np.ndarray, steps: int, lr: float) -> Training:
    """``steps`` steps of full-batch gradient descent with step ``lr`` (vectorised over the batch).

    >>> rng = np.random.default_rng(0)
    >>> run = train(random_network(2, 8, 2, rng), *synthetic_data(32, 2, rng), 200, 0.01)
    >>> bool(run.loss[-1] < run.loss[0]), run.euler_residual < 1e-12
    (True, True)
    """
    ws = [w.copy() for w in net.weights]
    n = len(y)
    start_norms = net.sq_norms()
    changes = np.zeros((steps + 1, len(ws)))
    losses = np.zeros(steps + 1)
    key = np.zeros((steps + 1, len(ws)))
    euler = 0.0
    diverged = None
    with np.errstate(all="ignore"):
        for t in range(steps + 1):
            # forward (inlined: this loop is the benchmark)
            a, acts, pre, pats = x, [x], [], []
            for w in ws[:-1]:
                z = a @ w.T
                pre.append(z)
                pats.append(z > 0)  # σ'(z) with σ'(0) = SIGMA_PRIME_AT_ZERO = 0
                a = np.maximum(z, 0.0)
                acts.append(a)
            f = a @ ws[-1][0]
            pre.append(f[:, None])
            r = f - y
            loss = 0.5 * float(r @ r) / n
            if not math.isfinite(loss):
                diverged = t
                break
            losses[t] = loss
            changes[t] = [np.sum(w * w) for w in ws]
            # backward: δ_h for f (seed 1), then the loss gradient is (1/n) Σ r_i δ_h,i a_{h-1,i}ᵀ
            delta = np.ones((n, 1))
            grads = [None] * len(ws)
            for h in range(len(ws) - 1, -1, -1):
                euler = max(euler, float(np.max(np.abs(np.sum(delta * pre[h], axis=1) - f))))
                grads[h] = (delta * r[:, None]).T @ acts[h] / n
                if h:
                    delta = (delta @ ws[h]) * pats[h - 1]
            key[t] = [np.sum(w * g) for w, g in zip(ws, grads, strict=True)]
            if t < steps:
                for w, g in zip(ws, grads, strict=True):
                    w -= lr * g
    last = steps if diverged is None else diverged - 1
    end = Network(tuple(ws))
    balance = max((float(np.max(np.abs(b1 - b0))) for b0, b1 in
                   zip(neuron_balance(net), neuron_balance(end), strict=True)), default=0.0)
    return Training(lr, net, end, changes[: last + 1] - start_norms, losses[: last + 1],
                    key[: last + 1], euler, balance, diverged)


def check_balance_arguments(depth: int, width: int, steps: int, lr: float, seed: int) -> None:
    """Refuse out-of-range settings with one sentence (InputError).

    >>> check_balance_arguments(3, 16, 100, 2.0, 0)
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: The step size --lr must be a number with 0 < lr ≤ 1, not 2.
    """
    for name, value, (lo, hi) in (("depth", depth, DEPTH_RANGE), ("width", width, WIDTH_RANGE),
                                  ("steps", steps, STEPS_RANGE), ("seed", seed, (0, SEED_MAX))):
        if not lo <= value <= hi:
            raise InputError(f"The {name} must be a whole number from {lo} to {hi}, not {value}.")
    if not 0 < lr <= LR_MAX:
        raise InputError(f"The step size --lr must be a number with 0 < lr ≤ {LR_MAX:g}, "
                         f"not {lr:g}.")


def _seeded(depth: int, width: int, seed: int, n: int, input_dim: int,
            start: Network | None) -> tuple[Network, np.ndarray, np.ndarray]:
    """The seeded network (or ``start`` in its place) and the seeded data set, which does not
    depend on whether ``start`` is given."""
    rng = np.random.default_rng(seed)
    net = random_network(depth, width, input_dim, rng)
    if start is not None:
        if [w.shape for w in start.weights] != layer_shapes(depth, width, input_dim):
            raise InputError(f"The given weights do not fit depth {depth} and width {width}.")
        net = start
    x, y = synthetic_data(n, input_dim, rng)
    return net, x, y


def balance(depth: int, width: int, steps: int, lr: float, seed: int,
            n: int = SAMPLES, input_dim: int = INPUT_DIM,
            start: Network | None = None) -> Training:
    """Theorem 4.1 on a seeded random network and data set: what ``balance`` on the CLI runs.
    ``start``: W(0) in place of the seeded weights (same shapes; the data stay seeded).

    >>> run = balance(depth=3, width=16, steps=300, lr=0.001, seed=0)
    >>> run.sq_norm_change.shape, run.spread < 0.01
    ((301, 4), True)
    """
    check_balance_arguments(depth, width, steps, lr, seed)
    return train(*_seeded(depth, width, seed, n, input_dim, start), steps, lr)


@dataclass(frozen=True)
class RateComparison:
    """The page's training at the chosen step size and the layers' final disagreement
    (``Training.spread``) at each of ``lrs``; ``diverged[k]``: the step where the run with
    ``lrs[k]`` diverged, or None."""

    run: Training
    lrs: tuple[float, ...]
    spreads: tuple[float, ...]
    diverged: tuple[int | None, ...]


def page_steps_limit(depth: int, width: int) -> int:
    """The most steps (a multiple of 100, at least 100) the page trains for this size.

    >>> page_steps_limit(3, 16), page_steps_limit(6, 64)
    (3000, 700)
    """
    return max(100, min(3000, PAGE_WORK // (depth * max(width, 16) ** 2) // 100 * 100))


def check_page_size(depth: int, width: int, steps: int) -> None:
    """Refuse, in one sentence (InputError), a training too big for one page request.

    >>> check_page_size(6, 64, 3000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: Depth 6 and width 64 train at most 700 steps on this page, ...
    """
    limit = page_steps_limit(depth, width)
    if steps > limit:
        raise InputError(f"Depth {depth} and width {width} train at most {limit} steps on this "
                         f"page, not {steps}; choose fewer steps or a smaller network (the "
                         "command line's balance has no such limit).")


def compare_rates(depth: int, width: int, steps: int, lr: float, seed: int,
                  lrs: Sequence[float], start: Network | None = None) -> RateComparison:
    """``balance`` at ``lr`` and at every step size of ``lrs`` (the page's training, run in a
    sandbox worker), after ``check_page_size``.

    >>> c = compare_rates(2, 4, 200, 0.01, 0, (0.001, 0.01))
    >>> c.run.lr, len(c.spreads), c.spreads[1] == c.run.spread
    (0.01, 2, True)
    """
    check_page_size(depth, width, steps)
    runs = {eta: balance(depth, width, steps, eta, seed, start=start)
            for eta in dict.fromkeys([*lrs, lr])}
    spreads = tuple(runs[eta].spread if len(runs[eta].loss) else math.nan for eta in lrs)
    return RateComparison(runs[lr], tuple(lrs), spreads,
                          tuple(runs[eta].diverged_at for eta in lrs))


# --- what the "ReLU networks" page shows -------------------------------------------------------

SHOWN_INPUTS = 16  # inputs whose activation patterns the page draws


@dataclass(frozen=True)
class NetworkView:
    """A seeded network and data set with everything the page draws before training:
    the patterns of the first ``SHOWN_INPUTS`` inputs, ⟨W_h, ∂f/∂W_h⟩ for input 0, and f under
    scaling of one layer (``one_layer[h, k]``: W_{h+1} scaled by ``alphas[k]``) or of all."""

    net: Network
    x: np.ndarray
    y: np.ndarray
    patterns: tuple[np.ndarray, ...]
    f0: float
    products: np.ndarray
    alphas: np.ndarray
    one_layer: np.ndarray
    all_layers: np.ndarray


def explore_network(depth: int, width: int, seed: int, *, n: int = SAMPLES,
                    input_dim: int = INPUT_DIM, start: Network | None = None) -> NetworkView:
    """The page's network and data (the same ones ``balance`` trains, for equal arguments);
    ``start`` replaces the seeded weights (edited ones), the data stay seeded.

    >>> v = explore_network(2, 4, 0)
    >>> np.allclose(v.products, v.f0), np.allclose(v.one_layer[:, -1], 2 * v.f0)
    (True, True)
    >>> w = explore_network(2, 4, 0, start=v.net.scaled(3, 2.0))
    >>> bool(np.isclose(w.f0, 2 * v.f0)), np.allclose(w.products, w.f0)
    (True, True)
    """
    check_balance_arguments(depth, width, 1, LR_MAX, seed)
    net, x, y = _seeded(depth, width, seed, n, input_dim, start)
    fp = forward(net, x[:SHOWN_INPUTS])
    x0 = x[:1]
    alphas = np.linspace(0.0, 2.0, 41)
    one = np.array([[net.scaled(h, a)(x0)[0] for a in alphas] for h in range(1, depth + 2)])
    every = np.array([net.scaled_all(a)(x0)[0] for a in alphas])
    return NetworkView(net, x, y, fp.patterns, float(fp.output[0]),
                       euler_products(net, x0)[:, 0], alphas, one, every)
