"""ReLU networks: layer-wise homogeneity, activation patterns, Euler's identity per layer, and
norm preservation under gradient descent (lecture §3–§4, Theorem 4.1)."""

import numpy as np
import pandas as pd
import streamlit as st

import ui
from clarke_core.errors import InputError
from clarke_core.figures import networks as charts
from clarke_core.labs import networks as nets
from clarke_core.labs.homogeneity import power_text
from clarke_core.service import sandbox
from lessons import relu_kink

DEPTH, WIDTH, SEED = "relu_network_depth", "relu_network_width", "relu_network_seed"
LR, STEPS, MODE = "relu_network_lr", "relu_network_steps", "relu_network_weights"
MODES = ("random (seed)", "edit")
LRS = ("0.0003", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3")
LIMITS = {DEPTH: (1, 6), WIDTH: (1, 64), SEED: (0, 9999), STEPS: (100, 3000)}
URL_STATE = {DEPTH: ui.UrlParam("depth", 3, lo=1, hi=6, integer=True),
             WIDTH: ui.UrlParam("width", 16, lo=1, hi=64, integer=True),
             SEED: ui.UrlParam("seed", 0, lo=0, hi=9999, integer=True),
             MODE: ui.UrlParam("weights", MODES[0], choices=MODES),
             LR: ui.UrlParam("lr", "0.01", choices=LRS),
             STEPS: ui.UrlParam("steps", 1000, lo=100, hi=3000, integer=True)}
SECTIONS = ("1. Layer by layer", "2. Norms under gradient descent")
TRAIN_TIMEOUT_S = 20.0  # seven trainings of at most nets.PAGE_WORK each, with room for a busy CPU


# `weights`: the edited W_1 … W_{H+1} (validated), or None for the seeded ones.
@st.cache_data(max_entries=32, show_spinner=False)
def network(depth: int, width: int, seed: int, weights: tuple[np.ndarray, ...] | None):
    return nets.explore_network(depth, width, seed, start=weights and nets.Network(weights))


@st.cache_data(max_entries=16, show_spinner=False)
def training(depth: int, width: int, steps: int, lr: float, seed: int,
             weights: tuple[np.ndarray, ...] | None):
    # Seven trainings are seconds of CPU: in a limited worker, never in the server.
    return sandbox.run(nets.compare_rates, depth, width, steps, lr, seed,
                       tuple(float(eta) for eta in LRS), weights and nets.Network(weights),
                       timeout=TRAIN_TIMEOUT_S)


# Read-only figures, shared by every session that opens the same network, not copied: building
# them was most of a warm run's time.
@st.cache_resource(max_entries=16, show_spinner=False)
def network_charts(depth: int, width: int, seed: int, weights: tuple[np.ndarray, ...] | None):
    view = network(depth, width, seed, weights)
    return (charts.scaling_figure(view), charts.patterns_figure(view),
            charts.euler_bars_figure(view))


@st.cache_resource(max_entries=16, show_spinner=False)
def training_charts(depth: int, width: int, steps: int, lr: float, seed: int,
                    weights: tuple[np.ndarray, ...] | None):
    run = training(depth, width, steps, lr, seed, weights).run
    return charts.norm_figure(run), charts.key_step_figure(run)


def editor_key(h: int, depth: int, width: int, seed: int) -> str:
    # New depth, width or seed: new editors, starting again from the seeded weights.
    return f"relu_network_w{h}_{depth}_{width}_{seed}"


ui.restore_from_url(URL_STATE)
st.title("ReLU networks")
st.markdown(
    r"A bias-free network $f(x; W) = W_{H+1}\,\sigma(W_H \cdots \sigma(W_1 x))$ is "
    r"1-homogeneous in each layer. With the 0/1 patterns $A_h = \operatorname{diag}"
    r"(\sigma'(W_h a_{h-1}))$ it reads $f = W_{H+1} A_H W_H \cdots A_1 W_1 x$, so "
    r"$\langle W_h, \partial f/\partial W_h\rangle = f$ for every layer h."
)
c1, c2, c3 = st.columns(3)
c1.slider("depth H (hidden layers)", *LIMITS[DEPTH], key=DEPTH)
c2.slider("width m", *LIMITS[WIDTH], key=WIDTH)
c3.number_input("seed", *LIMITS[SEED], step=1, key=SEED)
depth, width, seed = st.session_state[DEPTH], st.session_state[WIDTH], st.session_state[SEED]
mode = st.radio("Weights", MODES, horizontal=True, key=MODE)

weights = None
if mode == "edit":
    seeded = network(depth, width, seed, None).net.weights
    tabs = st.tabs([charts.layer_label(h) for h in range(1, depth + 2)])
    edited = []
    for h, (tab, w) in enumerate(zip(tabs, seeded, strict=True), start=1):
        table = pd.DataFrame(w, index=[str(i) for i in range(1, w.shape[0] + 1)],
                             columns=[str(j) for j in range(1, w.shape[1] + 1)])
        if not ui.editor_edits_fit(editor_key(h, depth, width, seed), *w.shape):
            tab.warning(f"The edits of {charts.layer_label(h)} were dropped: the table has a "
                        f"fixed size, {w.shape[0]}×{w.shape[1]}.")
        edited.append(tab.data_editor(table, key=editor_key(h, depth, width, seed),
                                      num_rows="fixed", width="stretch")
                      .to_numpy(dtype=float, na_value=np.nan))
    st.caption(f"Row i, column j of Wₕ: the weight from neuron j of layer h − 1 to neuron i of "
               f"layer h (|w| ≤ {nets.WEIGHT_MAX:g}). Another depth, width or seed, or the random "
               "mode, starts again from the seeded weights; the data set stays the seeded one. "
               "A shared link opens the seeded weights: edits are not put in the URL.")
    try:
        weights = nets.network_from_arrays(edited, depth, width).weights
    except InputError as error:
        st.error(str(error))
        st.stop()

with st.spinner("Building the network…"):
    view = network(depth, width, seed, weights)


def layers_section() -> None:
    scaling, patterns, euler_bars = network_charts(depth, width, seed, weights)
    st.subheader("Scaling one layer, or all of them")
    ui.chart(scaling)
    ui.figure_downloads(scaling, "relu-network-scaling")
    st.caption(f"At one input x: scaling any single Wₕ by α gives α·f (the lines coincide); "
               f"scaling all {depth + 1} layers gives {power_text(depth + 1)}·f.")

    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("Activation patterns Aₕ")
        ui.chart(patterns)
        st.caption(f"Blue: σ′ = 1 (neuron active), grey: σ′ = 0, for {len(view.patterns[0])} "
                   f"inputs. Convention: σ′(0) = {nets.SIGMA_PRIME_AT_ZERO:g}, as in PyTorch; "
                   "any value in [0, 1] gives the same f, since z = 0 there.")
    with right:
        st.subheader("⟨Wₕ, ∂f/∂Wₕ⟩ = f, layer by layer")
        ui.chart(euler_bars)
        worst = max(abs(p - view.f0) for p in view.products)
        st.caption(f"Every bar reaches f(x) = {view.f0:.6g}; the largest gap is {worst:.1e}.")


def norms_section() -> None:
    st.subheader("Norm preservation under gradient descent (Theorem 4.1)")
    s1, s2 = st.columns(2)
    s1.select_slider("step size η", LRS, key=LR)
    s2.slider("steps", *LIMITS[STEPS], step=100, key=STEPS,
              help=f"At most {nets.page_steps_limit(depth, width)} for this depth and width.")
    lr, steps = float(st.session_state[LR]), st.session_state[STEPS]

    try:
        with st.spinner("Training…"), sandbox.acting_for(*ui.session_owner()):
            comparison = training(depth, width, steps, lr, seed, weights)
    except InputError as error:
        st.error(str(error))
        return
    except RuntimeError:
        st.error(ui.SOMETHING_WRONG)
        return
    run = comparison.run
    if run.diverged_at is not None:
        st.error(f"Gradient descent diverged at step {run.diverged_at} with η = {lr:g}; "
                 "choose a smaller step size.")
        return
    norms, key_step = training_charts(depth, width, steps, lr, seed, weights)  # cached run

    norm_col, drift_col = st.columns([3, 2], gap="large")
    with norm_col:
        ui.chart(norms)
        ui.figure_downloads(norms, "relu-network-norms")
        st.caption(f"‖Wₕ(t)‖² − ‖Wₕ(0)‖² for each layer on {len(view.y)} samples (squared "
                   f"loss); relative spread at the end {run.spread:.2e}, loss {run.loss[0]:.3g} → "
                   f"{run.loss[-1]:.3g}.")
    with drift_col:
        finished = [(eta, spread) for eta, spread, diverged in
                    zip(comparison.lrs, comparison.spreads, comparison.diverged, strict=True)
                    if diverged is None and spread > 0]
        ui.chart(charts.drift_figure([e for e, _ in finished], [s for _, s in finished], lr))
        st.caption("Gradient flow (η → 0) keeps the curves identical; each discrete step adds "
                   "η²‖∂ℓ/∂Wₕ‖², which differs by layer, so they drift apart as η grows.")

    st.markdown(
        r"**The proof's key step.** $\frac{d}{dt}\frac12\|W_h\|^2 = -\langle W_h, "
        r"\partial\ell/\partial W_h\rangle = -\frac1n\sum_i \ell'(f(x_i), y_i)\, f(x_i)$ by "
        r"Euler's identity, which does not depend on h: below, the curves of all layers are one."
    )
    ui.chart(key_step)
    st.caption(f"Largest |⟨Wₕ, ∂f/∂Wₕ⟩ − f| over layers, inputs and steps: "
               f"{run.euler_residual:.1e}. Neuron-wise balance (‖incoming‖² − ‖outgoing‖² of "
               f"each hidden neuron, also conserved by the flow) moved by at most "
               f"{run.balance_change:.2e}.")


# Lazy tabs: only the open one runs and is drawn, so the page's first chart does not wait for
# the training's three; which one is open is kept in the URL (section=...).
ui.check_bound_value("section", SECTIONS)
layers_tab, norms_tab = st.tabs(SECTIONS, key="section", on_change="rerun",
                                bind="query-params")
if layers_tab.open:
    with layers_tab:
        layers_section()
if norms_tab.open:
    with norms_tab:
        norms_section()
ui.keep_in_url(URL_STATE)

relu_kink.body()

ui.share_link()
