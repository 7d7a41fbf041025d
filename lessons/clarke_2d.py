"""The Clarke lesson for a function of x and y: the pieces of f, the gradient plane, the
support-plane test and gradient sampling (the body of app_pages/clarke_lesson.py when dim = 2)."""

from __future__ import annotations

import streamlit as st

import ui
from clarke_core.figures import surface, two_d
from clarke_core.figures.export import slide_title
from clarke_core.figures.linked import linked_2d
from clarke_core.service import sandbox
from clarke_core.views import plane_2d
from clarke_core.views.examples import EXAMPLES_2D
from clarke_core.views.explore_2d import SAMPLING_RADII, explore_2d
from lessons import plain

PREFIX = "clarke_2d"
WALK, RADIUS, VIEW = "clarke_2d_walk", "clarke_2d_radius", "clarke_2d_view"
RADII = tuple(f"{r:g}" for r in SAMPLING_RADII)
VIEWS = {"map": "From above (quick)", "3d": "3D graph"}
URL = {WALK: ui.UrlParam("walk", 0.0, lo=0.0, hi=1.0),
       RADIUS: ui.UrlParam("eps", RADII[-1], choices=RADII),  # the smallest shows what is missed
       VIEW: ui.UrlParam("view", "map", choices=tuple(VIEWS))}
# The two explorations after the lesson open on request (lazy expanders, their open state kept in
# the URL): a first visit draws only the map and the gradient plane, so its first chart is quick.
PLANES, SAMPLING = "planes", "sampling"
URL_NAMES = (*(p.name for p in URL.values()), PLANES, SAMPLING)
TIMEOUT_S = 20.0


@st.cache_data(max_entries=64, show_spinner=False)
def explore(text: str, at: str):
    # All parsing and math happen in a limited worker process: the text is a stranger's.
    return sandbox.run(explore_2d, text, at, timeout=TIMEOUT_S)


@st.cache_resource(max_entries=32, show_spinner=False)  # read-only figures, shared, not copied
def linked_chart(text: str, at: str):
    # Building the linked figure is most of a run's time: a class opening one link builds it once.
    return linked_2d(explore(text, at))


def plane_section(ex) -> None:
    fig_col, text_col = st.columns([3, 2], gap="large")
    with text_col:
        st.markdown("s is a subgradient when the plane f(x₀) + ⟨s, x − x₀⟩ stays below the "
                    "graph everywhere (a **support plane**): green where it is on or below f, "
                    "purple where it rises above f.")
        s = plane_2d.boundary_point(ex.clarke, 0.0)
        if ex.clarke.kind in ("segment", "polygon", "convex"):
            st.slider("Where s sits on the boundary of ∂f(x₀) (0 = first vertex, 1 = once "
                      "around)", 0.0, 1.0, step=0.01, key=WALK)
            s = plane_2d.boundary_point(ex.clarke, st.session_state[WALK])
        if s is None:
            st.markdown("Here there is no Clarke set, so no s to try.")
        st.radio("Show the test", tuple(VIEWS), key=VIEW, horizontal=True,
                 format_func=VIEWS.get, help="The 3D graph takes a few seconds to draw.")
    with fig_col:
        if st.session_state[VIEW] == "3d":
            ui.chart(surface.surface_figure(ex, s))
        else:
            ui.chart(surface.plane_map_figure(ex, s))


def sampling_section(ex) -> None:
    fig_col, text_col = st.columns([3, 2], gap="large")
    with text_col:
        st.markdown("Gradient sampling takes the hull of gradients at random points within ε "
                    "of x₀. A region that is thin near x₀ is hit with probability about ε, so "
                    "its gradient goes unseen.")
        st.radio("Sampling radius", RADII, key=RADIUS, horizontal=True,
                 format_func=lambda r: f"ε = {r}")
        k = RADII.index(st.session_state[RADIUS])
        st.markdown(plain(plane_2d.sampling_note(ex, k)))
    with fig_col:
        ui.chart(two_d.sampling_figure(ex, k))


def body() -> tuple[str, str]:
    """Draw the 2D lesson; returns the function and point typed (for the share link)."""
    text, at = ui.function_inputs(
        PREFIX, EXAMPLES_2D, f_label="f(x, y) =", at_label="at the point (x₀, y₀) =",
        typed_at="0, 0", f_help=ui.function_help("x and y"),
        at_help="Two numbers separated by a comma, such as 0, 0 or sqrt(2), 1/2.")
    ui.restore_from_url(URL)
    ex = ui.computed(explore, text, at,
                     spinner="Computing the Clarke set, the subdifferential and the pictures…",
                     hint="Type a function of x and y and a point to start.")
    sub = ex.subdifferential
    st.latex(rf"f(x, y) = {ex.latex}, \qquad x_0 = {ex.point_latex}")

    clarke_col, sub_col = st.columns(2, gap="large")
    clarke_col.latex(r"\partial f(x_0) = " + plane_2d.set_latex(ex.clarke))
    clarke_col.caption("Clarke set: limits of gradients next to x₀, and their hull.")
    sub_col.latex(r"\partial_s f(x_0) = " + plane_2d.set_latex(sub))
    sub_col.caption("Subdifferential: slopes s of planes through the point below the whole "
                    "graph.")
    st.markdown("**How the two sets compare.** " + plain(ex.why))

    st.subheader("The sequences xᵢ → x₀ and the hull of their gradients: one Play")
    ui.chart(linked := linked_chart(text, at))
    ui.figure_downloads(linked, "clarke-2d-sequences", title=slide_title(ex.text, at, ex.clarke))
    if ex.pieces:
        st.markdown("Smooth pieces next to x₀: " + ", ".join(
            rf"$\textcolor{{{two_d.piece_colour(k)}}}{{\blacksquare}}\ f_{{{k + 1}}} = {tex}$"
            for k, tex in enumerate(ex.pieces)))
        st.caption("Each colour on the map is a region where f follows one smooth piece. Press "
                   "▶ Play: the points xᵢ run to x₀ inside the regions (left) while their "
                   "gradients run to the Clarke set (right); the table gives the current step.")
    if ex.clarke.sequences and ex.clarke.kind != "unbounded":
        st.caption(plane_2d.gradient_caption(ex.clarke))
    for sentence in dict.fromkeys((ex.clarke.reason, sub.reason if sub else "", *ex.notes)):
        if sentence:  # dict.fromkeys: the same sentence once, in order
            st.markdown(plain(sentence))
    if not (ex.clarke.certified and (sub is None or sub.certified)):
        st.caption("Part of this answer was checked numerically, not proved exactly.")

    if sub is not None and sub.kind == "empty" and sub.witnesses:
        st.subheader("Why there is no subgradient")
        st.markdown("A subgradient s needs f(q′) ≥ f(x₀) + ⟨s, q′ − x₀⟩ for **every** q′. Each q′ "
                    "below rules out a half-plane of s (hatched in the gradient plane); together "
                    "they rule out all s.")
        st.markdown("\n".join(f"- q′ = {plain(plane_2d.witness_point(w))} forces "
                              f"{plain(plane_2d.witness_bound(w))}" for w in sub.witnesses))

    for key, title, section in (
            (PLANES, "Planes through the point: which ones stay below f?", plane_section),
            (SAMPLING, "What gradient sampling sees", sampling_section)):
        box = st.expander(title, key=key, on_change="rerun", bind="query-params")
        if box.open:
            with box:
                section(ex)
    ui.keep_in_url(URL)
    with st.expander("Show how it is computed"):
        st.markdown("f is split into smooth pieces (one per branch of abs, max, min, relu and "
                    "Piecewise). Only *essentially active* pieces count: those whose region fills "
                    "part of every neighbourhood of x₀, thin cusps included. The Clarke set is the "
                    "hull of their exact gradient limits; the subdifferential is checked "
                    "globally.")
    return text, at
