"""Properties of the Clarke differential (lecture §2): locally Lipschitz, convex, differentiable,
regular, each checked on the student's function at a point (bodies in lessons/)."""

import streamlit as st

import ui
from lessons import properties_1d, properties_2d

DIM = "properties_dim"
URL = {DIM: ui.UrlParam("dim", "1", choices=("1", "2"))}
BODIES = {"1": properties_1d, "2": properties_2d}
DIM_LABELS = {"1": "f of x (1D)", "2": "f of x and y (2D)"}


def switch_dimension() -> None:
    # Each dimension has its own function and controls: the other one's leave the URL.
    ui.forget_in_url(("f", "at", *properties_1d.URL_NAMES, *properties_2d.URL_NAMES))


st.title("Properties of the Clarke differential")
st.markdown(
    "The lecture lists three properties of $\\partial f$: it exists wherever f is locally "
    "Lipschitz; it equals the subdifferential $\\partial_s f$ when f is convex; it is "
    "$\\{\\nabla f\\}$ when f is differentiable — true only for *continuously* differentiable f. "
    "Check each one, and Clarke regularity, on your own function."
)
ui.restore_from_url(URL)
st.radio("Dimension", tuple(BODIES), key=DIM, horizontal=True, format_func=DIM_LABELS.get,
         on_change=switch_dimension, label_visibility="collapsed")
ui.keep_in_url(URL)
text, at = BODIES[st.session_state[DIM]].body()
ui.share_link(text, at)
