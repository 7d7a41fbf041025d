"""Subgradients (lecture §1): supporting lines swept through the subdifferential, the witnesses
when it is empty, and subgradient descent animated."""

import streamlit as st

import ui
from clarke_core import sandbox
from clarke_core.descent import subgradient_descent
from clarke_core.examples import EXAMPLES_SUBGRADIENTS
from clarke_core.explore import explore_1d
from clarke_core.figures.descent import descent_figure, sweep_figure

TIMEOUT_S = 10.0
CHART_CONFIG = {"displaylogo": False}
CHOICES = {"min-norm": "minimum-norm element (nearest 0)", "smallest": "smallest slope",
           "largest": "largest slope"}


@st.cache_data(max_entries=64, show_spinner=False)
def explore(text: str, at: str):
    # The text is a stranger's: parse and compute in a limited worker process.
    return sandbox.run(explore_1d, text, at, timeout=TIMEOUT_S)


@st.cache_data(max_entries=64, show_spinner=False)
def descend(text: str, start: float, eta: float, steps: int, schedule: str, choice: str):
    return sandbox.run(subgradient_descent, text, start, eta=eta, steps=steps,
                       schedule=schedule, choice=choice, timeout=TIMEOUT_S)


st.title("Subgradients and subgradient descent")
st.markdown(
    "A **subgradient** of f at x₀ is the slope s of a line through (x₀, f(x₀)) that stays below "
    "the whole graph: "
    r"$\partial_s f(x_0) = \{s : f(x') \ge f(x_0) + s\,(x' - x_0) \text{ for all } x'\}$. "
    "Subgradient descent steps against one of them: "
    r"$x_{t+1} = x_t - \eta_t\, g_t$ with $g_t \in \partial f(x_t)$."
)

text, at = ui.function_inputs(
    "subgradients", EXAMPLES_SUBGRADIENTS, f_label="f(x) =", at_label="at the point x₀ =",
    typed_at="0",
    f_help=ui.function_help("x"),
    at_help="A number such as 0, -1, 1/2, sqrt(2) or pi.")
ex = ui.computed(explore, text, at, spinner="Computing the subdifferential…",
                 hint="Type a function of x and a point to start.")
sub = ex.subdifferential

st.header("1. Lines through the point")
st.latex(rf"f(x) = {ex.latex}, \quad x_0 = {ex.point_latex}, \quad \partial_s f(x_0) = "
         + (sub.latex() if sub else r"\text{undecided}"))
st.plotly_chart(sweep := sweep_figure(ex), config=CHART_CONFIG)
ui.figure_downloads(sweep, "subgradient-sweep")
st.caption(
    "Drag the slider (or press ▶ Play) to turn the line f(x₀) + s(x − x₀) around the point. It "
    "is **green** while it stays below the graph (s is a subgradient) and dashed grey once it "
    "passes above f somewhere; the × marks the x′ where it rises highest above f."
)
if sub is not None and sub.kind == "empty":
    bounds = "; ".join(f"x′ = {w.point[0]:.3g} forces {w.bound}" for w in sub.witnesses)
    st.warning(
        "**No subgradient here.** Each diamond is a point x′ whose inequality "
        "f(x′) ≥ f(x₀) + s(x′ − x₀) bounds s from one side, and the bounds contradict each other"
        + (f": {bounds}." if bounds else ".") + " The Clarke set is still "
        f"${ex.clarke.latex()}$: it only asks for limits of nearby slopes."
    )
elif sub is None:
    st.info("The subdifferential could not be decided for this function; the sweep is numeric.")

st.header("2. Subgradient descent")
left, mid, right = st.columns(3)
start = left.number_input("Start x₀", value=1.0, step=0.1, format="%.3f",
                          key="subgradients_start")
eta = left.number_input("Step size η₀", value=0.3, min_value=0.001, max_value=5.0, step=0.05,
                        format="%.3f", key="subgradients_eta")
schedule = mid.radio("Step sizes", ["constant", "diminishing"], key="subgradients_schedule",
                     format_func=lambda s: "constant η_t = η₀" if s == "constant"
                     else "diminishing η_t = η₀/√(t+1)")
steps = mid.slider("Steps", 10, 100, 50, key="subgradients_steps")
choice = right.radio("Subgradient at a kink", list(CHOICES), format_func=CHOICES.get,
                     key="subgradients_choice")
path = ui.computed(lambda t, a: descend(t, float(start), float(eta), steps, schedule, choice),
                   text, at, spinner="Running subgradient descent…",
                   hint="Type a function of x to start.")
st.plotly_chart(descent := descent_figure(path), config=CHART_CONFIG)
ui.figure_downloads(descent, "subgradient-descent")
tail = ", ".join(f"{x:.3g}" for x in path.xs[-4:])
kinks = sum(path.kinks)
st.markdown(
    f"Last iterates: {tail}. Lowest value reached: f = {min(path.fs):.4g}. "
    + (f"{kinks} step(s) started exactly on a kink (◆), where the chosen subgradient "
       "decided the move." if kinks else "No iterate landed exactly on a kink.")
    + (f" {path.stopped}" if path.stopped else "")
)
st.caption(
    "With a **constant** step the iterates cannot settle at a kink: the slope does not shrink "
    "near the minimum, so each step overshoots by up to η (try |x| from 1 with η = 0.3). "
    "**Diminishing** steps η₀/√(t+1) shrink the overshoot and converge. Land exactly on the "
    "kink (|x| from 1 with η = 0.25) and the choice matters: the minimum-norm element 0 stops "
    "there, the smallest or largest slope jumps off again."
)

with st.expander("Show how it is computed"):
    st.markdown(
        "The subdifferential is decided exactly (one-sided limits of f′, then a global check; "
        "when it is empty, the points x′ that rule slopes out are found). The sweep checks each "
        "line against the graph sampled on the window. Descent runs in floating point: at each "
        "iterate the slopes just left and right of x_t are read; when they differ, x_t is on a "
        "kink and the Clarke set between them supplies the chosen subgradient."
    )

ui.share_link(text, at)
