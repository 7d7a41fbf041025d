"""Clarke differential (§2), one lesson: the definition, then a function of x or of x and y
with its sequences, their hull, and the subdifferential beside it (bodies in lessons/)."""

import streamlit as st

import ui
from clarke_core.views.examples import EXAMPLES_1D, EXAMPLES_2D
from lessons import clarke_1d, clarke_2d, clarke_nd, compare

DIM = "clarke_dim"
URL = {DIM: ui.UrlParam("dim", "1", choices=("1", "2", "3"))}
BODIES = {"1": clarke_1d, "2": clarke_2d, "3": clarke_nd}
DIM_LABELS = {"1": "f of x (1D)", "2": "f of x and y (2D)", "3": "f of 3+ variables"}


def switch_dimension() -> None:
    # Each dimension has its own function and controls: the other one's leave the URL.
    ui.forget_in_url(("f", "at", *clarke_1d.URL_NAMES, *clarke_2d.URL_NAMES, *clarke_nd.URL_NAMES,
                      *compare.URL_NAMES))


st.title("Clarke differential")
st.markdown(
    r"Where $f : \mathbb{R}^n \to \mathbb{R}$ has a kink there is no gradient. If f is locally "
    r"Lipschitz it is differentiable outside a set $\Omega_f$ of measure zero (Rademacher), and "
    "the Clarke differential keeps every limit of gradients taken along sequences that avoid "
    r"$\Omega_f$, then fills in between:")
st.latex(r"\partial f(x) = \operatorname{conv}\Big\{\lim_{i\to\infty} \nabla f(x_i) \;:\; "
         r"x_i \to x,\ x_i \notin \Omega_f\Big\}")
st.markdown(
    "Read it in three steps: **the sequences** $x_i \\to x$, **their gradient limits**, **the "
    "hull** of those limits. Beside it stands the subdifferential of §1, "
    r"$\partial_s f(x) = \{s : f(x') \ge f(x) + \langle s, x' - x\rangle \text{ for all } x'\}$, "
    "which asks for a line or plane below the *whole* graph; the two agree for convex f.")

ui.restore_from_url(URL)
st.radio("Dimension", tuple(BODIES), key=DIM, horizontal=True, format_func=DIM_LABELS.get,
         on_change=switch_dimension, label_visibility="collapsed")
ui.keep_in_url(URL)
text, at = BODIES[st.session_state[DIM]].body()
dim = st.session_state[DIM]
compare.section(int(dim), BODIES[dim].PREFIX, {"1": EXAMPLES_1D, "2": EXAMPLES_2D}.get(dim, ()),
                text, at)
ui.share_link(text, at)
