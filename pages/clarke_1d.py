"""Clarke differential in 1D: pick or type f and a point; see both sets and why they differ."""

from urllib.parse import urlencode

import streamlit as st

from clarke_core import InputError, sandbox
from clarke_core.examples import EXAMPLES_1D, find_example_1d
from clarke_core.explore import explore_1d
from clarke_core.figures import graph_figure, slope_figure, witness_figure

OWN = "Your own function"
LABELS = [e.label for e in EXAMPLES_1D] + [OWN]
PICK, F, AT = "clarke_1d_example", "clarke_1d_f", "clarke_1d_at"
TIMEOUT_S = 10.0
CHART_CONFIG = {"displaylogo": False}


@st.cache_data(max_entries=64, show_spinner=False)
def explore(text: str, at: str):
    # All parsing and math happen in a limited worker process: the text is a stranger's.
    return sandbox.run(explore_1d, text, at, timeout=TIMEOUT_S)


def picked_label(text: str, at: str) -> str:
    example = find_example_1d(text, at)
    return example.label if example else OWN


def on_pick() -> None:
    example = next((e for e in EXAMPLES_1D if e.label == st.session_state[PICK]), None)
    if example:
        st.session_state[F], st.session_state[AT] = example.expr, example.at


def on_type() -> None:
    st.session_state[PICK] = picked_label(st.session_state[F], st.session_state[AT])


if F not in st.session_state:
    # First load: the URL's values are untrusted text that only ever goes to the sandbox.
    default = EXAMPLES_1D[0]
    st.session_state[F] = st.query_params.get("f", default.expr)
    st.session_state[AT] = st.query_params.get("at", default.at if "f" not in st.query_params
                                               else "0")
    st.session_state[PICK] = picked_label(st.session_state[F], st.session_state[AT])

st.title("Clarke differential in 1D")
st.markdown(
    "Where f has a kink there is no derivative. The Clarke differential keeps every limit of "
    "nearby slopes and fills in between: "
    r"$\partial f(x) = \operatorname{conv}\{\lim_{i\to\infty} f'(x_i) : x_i \to x\}$. "
    "Compare it with the subdifferential, the slopes of lines through the point that stay "
    "below the whole graph."
)

pick_col, f_col, at_col = st.columns([2, 3, 1])
pick_col.selectbox("Example", LABELS, key=PICK, on_change=on_pick)
f_col.text_input("f(x) =", key=F, on_change=on_type,
                 help="Use x, + - * / ^, abs, max, min, relu, sqrt, exp, log, sin, cos, "
                      "Piecewise((expr, condition), ..., (expr, True)).")
at_col.text_input("at the point x₀ =", key=AT, on_change=on_type,
                  help="A number such as 0, -1, 1/2, sqrt(2) or pi.")
text, at = st.session_state[F], st.session_state[AT]
if st.query_params.get("f") != text or st.query_params.get("at") != at:
    st.query_params.update({"f": text, "at": at})
example = find_example_1d(text, at)
if example:
    st.caption(f"**What this example teaches.** {example.note}")

if not text.strip() or not at.strip():
    st.info("Type a function of x and a point to start.")
    st.stop()
try:
    with st.spinner("Computing the Clarke set and the subdifferential…"):
        ex = explore(text, at)
except InputError as err:
    st.error(str(err))
    st.stop()
except RuntimeError:
    st.error("Something went wrong on our side; please try another function or point.")
    st.stop()

sub = ex.subdifferential
st.latex(rf"f(x) = {ex.latex}, \qquad x_0 = {ex.point_latex}")
st.latex(r"\partial f(x_0) = " + ex.clarke.latex() + r", \qquad \partial_s f(x_0) = "
         + (sub.latex() if sub else r"\text{undecided}"))
graph_col, sets_col = st.columns([5, 3], gap="large")
with graph_col:
    st.subheader("Tangents along sequences that approach x₀")
    st.plotly_chart(graph_figure(ex), config=CHART_CONFIG)
    if ex.clarke.sequences and ex.clarke.kind != "unbounded":
        st.caption(
            "Press ▶ Play or drag the slider: each solid tangent touches the graph at a point "
            "$x_i$ closer to $x_0$, and its slope $f'(x_i)$ tends to the slope of the dashed "
            "limit line."
        )
with sets_col:
    st.subheader("On the slope axis")
    st.plotly_chart(slope_figure(ex), config=CHART_CONFIG)
    for note in ex.notes:
        st.markdown(note)
    if sub is not None and sub.reason and sub.kind != "empty" and sub.reason != ex.clarke.reason:
        st.markdown(sub.reason)
    if not (ex.clarke.certified and (sub is None or sub.certified)):
        st.caption("Part of this answer was checked numerically, not proved exactly.")

if sub is not None and sub.kind == "empty":
    st.subheader("Why there is no subgradient")
    st.markdown(
        "A subgradient s needs f(x′) ≥ f(x₀) + s·(x′ − x₀) for **every** x′. Each marked point "
        "x′ bounds s from one side: a line through (x₀, f(x₀)) with a slope on the wrong side "
        "of the dotted line passes above (x′, f(x′)). " + sub.reason
    )
    witnesses = witness_figure(ex)
    if witnesses is not None:
        st.plotly_chart(witnesses, config=CHART_CONFIG)

with st.expander("Show how it is computed"):
    st.markdown(
        "The function is split into smooth pieces (one per branch of abs, max, min, relu and "
        "Piecewise). Only the *essentially active* pieces count: those whose region fills part "
        "of every neighbourhood of x₀, not merely touching it. For each side of x₀ the engine "
        "takes the one-sided limit of f′ exactly (an interval when f′ oscillates); the Clarke "
        "set is the convex hull of these limits. The subdifferential is checked globally, and "
        "when it is empty the points x′ that rule slopes out are shown."
    )

query = urlencode({"f": text, "at": at})
base = st.context.url or ""
st.caption("**Share this view**: this link opens the same function and point.")
st.code(f"{base}?{query}", language=None, wrap_lines=True)
