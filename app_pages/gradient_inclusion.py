"""Gradient inclusion (lecture §4): the flow dx/dt ∈ -∂f(x) next to discrete gradient steps."""

import streamlit as st

import ui
from clarke_core.figures.animation import keep_backgrounds
from clarke_core.figures.descent import flow_figure
from clarke_core.labs.descent import gradient_flow
from clarke_core.service import sandbox
from clarke_core.views.examples import EXAMPLES_FLOW

TIMEOUT_S = 15.0
STEP_SIZES = (0.3, 0.1, 0.02)
HORIZON = "gradient_inclusion_horizon"
URL_STATE = {HORIZON: ui.UrlParam("T", 1.5, lo=0.5, hi=5.0)}


@st.cache_data(max_entries=64, show_spinner=False)
def flow(text: str, at: str, horizon: float):
    # The text is a stranger's: parse and compute in a limited worker process.
    return sandbox.run(gradient_flow, text, at, horizon=horizon, etas=STEP_SIZES,
                       timeout=TIMEOUT_S)


@st.cache_resource(max_entries=32, show_spinner=False)  # read-only figures, shared, not copied
def flow_chart(text: str, at: str, horizon: float):
    return keep_backgrounds(flow_figure(flow(text, at, horizon)))  # level curves stay in Play


st.title("Gradient inclusion")
st.markdown(
    "As the step size η → 0, gradient descent becomes **gradient flow**, dx/dt = −∇f(x). Where f "
    "has kinks the lecture asks only for an inclusion, "
    r"$\frac{dx(t)}{dt} \in -\partial f(x(t))$. "
    "Among all its solutions, the one that steepest descent follows moves against the "
    r"**minimum-norm element** $m(x)$ of the Clarke set, the point of $\partial f(x)$ nearest 0."
)

ui.restore_from_url(URL_STATE)
text, at = ui.function_inputs(
    "gradient_inclusion", EXAMPLES_FLOW, f_label="f(x, y) =", at_label="starting at (x, y) =",
    typed_at="1, 1",
    f_help=ui.function_help("x and y"),
    at_help="Two numbers separated by a comma, such as 1, 1 or 1/2, -1.")
horizon = st.slider("Time horizon T", 0.5, 5.0, step=0.5, key=HORIZON)
ui.keep_in_url(URL_STATE)
pic = ui.computed(lambda t, a: flow(t, a, float(horizon)), text, at,
                  spinner="Integrating the flow and the gradient steps…",
                  hint="Type a function of x and y and a starting point.")

st.latex(rf"f(x, y) = {pic.latex}, \qquad x(0) = ({pic.start[0]:.3g}, {pic.start[1]:.3g})")
figure = flow_chart(text, at, float(horizon))
ui.chart(figure)
ui.figure_downloads(figure, "gradient-inclusion")
st.caption("Press ▶ Play or drag the time slider: at time t each path has taken t/η steps; "
           "the faint lines show the whole run.")
slide_col, steps_col = st.columns(2, gap="large")
with slide_col:
    st.markdown(
        "**Sliding.** When the green flow reaches a kink, the gradients on the two sides point "
        "across it. The Clarke set there is the segment between them, and its minimum-norm "
        "element points *along* the kink: the flow slides down the crease instead of crossing "
        "it."
    )
with steps_col:
    st.markdown(
        "**Steps.** A gradient step of size η only ever sees one side, so it overshoots the "
        "kink and zigzags around it (orange, η = 0.3). The zigzag shrinks with η: the "
        "η = 0.02 path (purple) hugs the flow, as the flow is the limit of the steps as η → 0."
    )
if pic.arrival is not None:
    when = (f"$t = {pic.arrival_latex}$ exactly" if pic.arrival_latex is not None
            else f"t ≈ {pic.arrival:.2f}")
    st.success(f"The flow stops at a critical point (m(x) = 0) at {when}: "
               "a nonsmooth flow can arrive in finite time, which a smooth one cannot.")
else:
    st.info("The flow is still moving at the end of the time horizon; try a longer T.")

with st.expander("Show how it is computed"):
    st.markdown(
        "When f is piecewise affine (abs, max, min, relu of affine functions) the flow is "
        "followed exactly: from each corner it moves straight against m(x), the minimum-norm "
        "point of the exact Clarke set, until a kink line is crossed, and the times are exact "
        "fractions. Otherwise it is integrated by explicit Euler steps of length 0.002: at "
        "each point the gradients are sampled on a small circle around it, and the "
        "minimum-norm point of their convex hull approximates m(x). The discrete paths use "
        "the plain gradient x ← x − η∇f(x), run for the same time T."
    )

ui.share_link(text, at)
