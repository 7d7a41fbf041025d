"""ReLU networks at a kink: a small network with exact weights where neurons tie, its exact Clarke
sets in the input and in each layer's weights, backprop's conventions and the chain rule (the
"At a kink" section of app_pages/relu_network.py; the math is labs/relu_kink.py, in the sandbox)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui
from clarke_core.errors import InputError
from clarke_core.figures.relu_kink import input_set_figure
from clarke_core.labs import relu_kink as kinks
from clarke_core.service import sandbox
from lessons import plain

PREFIX = "relu_kink"
OPEN, NET, WHERE, DEPTH = (f"{PREFIX}_{name}" for name in ("open", "net", "at", "depth"))
EDIT = "edit"
CHOICES = (*kinks.PRESETS, EDIT)
URL_STATE = {NET: ui.UrlParam("kink_net", CHOICES[0], choices=CHOICES),
             WHERE: ui.UrlParam("kink_at", 0, lo=0, hi=9, integer=True)}
TIMEOUT_S = 10.0
SUB = "₀₁₂₃"


@st.cache_data(max_entries=32, show_spinner=False)
def explore(weights: tuple[str, ...], biases: tuple[str, ...], where: int):
    # The weights may be a stranger's text: parsed and computed in a limited worker.
    return sandbox.run(kinks.explore_kink, weights, biases, where, timeout=TIMEOUT_S)


def _open_from_url() -> None:
    # Once per session: ?kink=on opens the section; anything else keeps it closed, said once.
    if OPEN in st.session_state:
        return
    raw = st.query_params.get("kink")
    if raw not in (None, "on", "off"):
        st.warning(f"The link's kink = {ui.quoted(raw)} is not on or off, so the section "
                   "stays closed.")
    st.session_state[OPEN] = raw == "on"


def _typed_network(preset: kinks.Preset) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The weights as typed in the editor (starting from the chosen preset)."""
    depth = st.radio("hidden layers", (1, 2), horizontal=True, key=DEPTH,
                     index=len(preset.biases) - 1)
    start = preset if len(preset.biases) == depth else next(
        p for p in kinks.PRESETS.values() if len(p.biases) == depth)
    st.caption("Rows separated by ';', entries by ','; rationals like 2, -1/2. Row i of Wₕ holds "
               f"the weights into neuron i of layer h; {kinks.INPUT_DIM} inputs, at most "
               f"{kinks.MAX_WIDTH} neurons per layer.")
    cols = st.columns(2 * depth + 1)
    weights, biases = [], []
    for h in range(1, depth + 2):
        weights.append(cols[2 * h - 2].text_input(
            f"W{SUB[h]}", start.weights[h - 1], key=f"{PREFIX}_w{h}_{depth}"))
        if h <= depth:
            biases.append(cols[2 * h - 1].text_input(
                f"b{SUB[h]}", start.biases[h - 1], key=f"{PREFIX}_b{h}_{depth}"))
    return tuple(weights), tuple(biases)


def _where_buttons(view) -> None:
    st.markdown("**Put x₀**")
    # Buttons sized to their labels, side by side (equal columns spread them over the page).
    cols = st.columns([max(len(label), 10) for label in view.places] + [30])
    for i, (col, label) in enumerate(zip(cols, view.places, strict=False)):
        if col.button(label, key=f"{PREFIX}_place_{i}",
                      type="primary" if i == view.where else "secondary"):
            st.session_state[WHERE] = i
            st.rerun()


def body() -> None:
    """Draw the section (closed until asked for: its math is exact and takes a moment)."""
    _open_from_url()
    st.subheader("At a kink: exact Clarke sets of a small network")
    if not st.toggle("Open: put the input where neurons tie", key=OPEN):
        st.query_params.pop("kink", None)
        return
    st.query_params["kink"] = "on"
    ui.restore_from_url(URL_STATE)
    st.markdown(
        "Random weights meet a kink with probability 0, but a bias-free network at x = 0, a "
        "dead neuron or two tied neurons are exactly where backprop returns one conventional "
        "value. Here the weights are exact rationals and every set is computed exactly.")
    choice = st.radio("Network", CHOICES, horizontal=True, key=NET)
    preset = kinks.PRESETS.get(choice, kinks.PRESETS[CHOICES[0]])
    if choice == EDIT:
        weights, biases = _typed_network(preset)
    else:
        weights, biases = preset.weights, preset.biases
        if st.session_state.get(f"{PREFIX}_shown") != choice:
            st.session_state[WHERE] = preset.where  # a new preset opens at its own place
    st.session_state[f"{PREFIX}_shown"] = choice
    ui.keep_in_url(URL_STATE)
    try:
        with st.spinner("Computing the exact Clarke sets…"), \
                sandbox.acting_for(*ui.session_owner()):
            view = explore(weights, biases, int(st.session_state[WHERE]))
    except InputError as error:
        st.error(ui.user_text(str(error)))
        return
    except RuntimeError:
        st.error(ui.SOMETHING_WRONG)
        return
    _where_buttons(view)
    st.latex(rf"f(x) = {view.formula}")
    st.markdown(plain(f"x₀ = {view.point}, f(x₀) = {view.value}. {view.tied}"))

    figure_col, text_col = st.columns([3, 2], gap="large")
    with figure_col:
        ui.chart(fig := input_set_figure(view))
        ui.figure_downloads(fig, "relu-kink-input-set")
    with text_col:
        st.markdown("**In input space.** " + plain(f"∂f(x₀) = {view.clarke_text}."))
        for label, _, text, inside in view.backprops:
            st.markdown(plain(f"Backprop with {label}: ∇ = {text}, "
                              f"{'in the Clarke set' if inside else 'outside the Clarke set'}."))
        st.markdown("**The sum rule.** " + plain(view.sum_sentence))
        if view.strict:
            st.markdown(plain(f"Chain rule's set: {view.sum_text}."))

    st.markdown("**Layer by layer: Lemma 3.2 on every vertex of ∂f/∂Wₕ.** f is piecewise "
                "affine in each layer's weights (the others fixed), so its Clarke set there is "
                "a polytope; each vertex S is checked exactly against ⟨Wₕ, S⟩ = f(x₀).")
    tabs = st.tabs([name for _, _, name, _ in view.layers])
    for tab, (head, lemma, name, rows) in zip(tabs, view.layers, strict=True):
        tab.markdown(plain(head))
        tab.dataframe(pd.DataFrame(rows, columns=[f"vertex S of ∂f/∂{name}", f"⟨{name}, S⟩",
                                                  "f(x₀)", "equal"]),
                      hide_index=True, width="stretch")
        tab.markdown(plain(lemma))
