"""The Clarke lesson for a function of x: tangents along the sequences, both sets on one slope
axis, and why they differ (the body of app_pages/clarke_lesson.py when dim = 1)."""

from __future__ import annotations

import streamlit as st

import ui
from clarke_core.figures import witness_figure
from clarke_core.figures.export import slide_title
from clarke_core.figures.linked import linked_1d
from clarke_core.service import sandbox
from clarke_core.views.examples import EXAMPLES_1D
from clarke_core.views.explore_1d import explore_1d
from lessons import plain

PREFIX = "clarke_1d"
URL_NAMES: tuple[str, ...] = ()  # no controls besides f and at
TIMEOUT_S = 10.0


@st.cache_data(max_entries=64, show_spinner=False)
def explore(text: str, at: str):
    # All parsing and math happen in a limited worker process: the text is a stranger's.
    return sandbox.run(explore_1d, text, at, timeout=TIMEOUT_S)


@st.cache_resource(max_entries=32, show_spinner=False)  # read-only figures, shared, not copied
def linked_chart(text: str, at: str):
    return linked_1d(explore(text, at))


def body() -> tuple[str, str]:
    """Draw the 1D lesson; returns the function and point typed (for the share link)."""
    text, at = ui.function_inputs(
        PREFIX, EXAMPLES_1D, f_label="f(x) =", at_label="at the point x₀ =", typed_at="0",
        f_help=ui.function_help("x"), at_help="A number such as 0, -1, 1/2, sqrt(2) or pi.")
    ex = ui.computed(explore, text, at,
                     spinner="Computing the Clarke set and the subdifferential…",
                     hint="Type a function of x and a point to start.")
    sub = ex.subdifferential
    st.latex(rf"f(x) = {ex.latex}, \qquad x_0 = {ex.point_latex}")

    clarke_col, sub_col = st.columns(2, gap="large")
    clarke_col.latex(r"\partial f(x_0) = " + ex.clarke.latex())
    clarke_col.caption("Clarke set: limits of slopes next to x₀, and their hull.")
    sub_col.latex(r"\partial_s f(x_0) = " + (sub.latex() if sub else r"\text{undecided}"))
    sub_col.caption("Subdifferential: slopes of lines through the point below the whole graph.")
    st.markdown("**How the two sets compare.** " + plain(ex.why))

    st.subheader("The sequences, their slopes and the hull: one Play")
    ui.chart(linked := linked_chart(text, at))
    ui.figure_downloads(linked, "clarke-1d-sequences", title=slide_title(ex.text, at, ex.clarke))
    if ex.clarke.sequences and ex.clarke.kind != "unbounded":
        st.caption("Press ▶ Play or drag the slider: each solid tangent touches the graph at a "
                   "point $x_i$ closer to $x_0$ (the graph zooms in as they shrink); on the "
                   "slope axis the slopes $f'(x_i)$ and the hull they span close in on the "
                   "Clarke set, and the table gives the numbers of the current step.")
    for note in ex.notes:
        st.markdown(note)
    if sub is not None and sub.reason and sub.kind != "empty" and (
            sub.reason != ex.clarke.reason):
        st.markdown(plain(sub.reason))
    if not (ex.clarke.certified and (sub is None or sub.certified)):
        st.caption("Part of this answer was checked numerically, not proved exactly.")

    if sub is not None and sub.kind == "empty":
        st.subheader("Why there is no subgradient")
        st.markdown(
            "A subgradient s needs f(x′) ≥ f(x₀) + s·(x′ − x₀) for **every** x′. Each marked "
            "point x′ bounds s from one side: a line through (x₀, f(x₀)) with a slope on the "
            "wrong side of the dotted line passes above (x′, f(x′)). " + plain(sub.reason))
        witnesses = witness_figure(ex)
        if witnesses is not None:
            ui.chart(witnesses)

    with st.expander("Show how it is computed"):
        st.markdown(
            "The function is split into smooth pieces (one per branch of abs, max, min, relu and "
            "Piecewise). Only the *essentially active* pieces count: those whose region fills "
            "part of every neighbourhood of x₀, not merely touching it. For each side of x₀ the "
            "engine takes the one-sided limit of f′ exactly (an interval when f′ oscillates); "
            "the Clarke set is the convex hull of these limits. The subdifferential is checked "
            "globally, and when it is empty the points x′ that rule slopes out are shown.")
    return text, at
