"""The Clarke lesson for a function of 3 to 8 variables: the exact Clarke polytope with its
labelled vertices, the subdifferential beside it, the cells of the local fan around the point,
and for n > 3 the vertex table and a projection the student chooses (the body of
app_pages/clarke_lesson.py when dim = 3)."""

from __future__ import annotations

import streamlit as st

import ui
from clarke_core.figures import polytope
from clarke_core.service import sandbox
from clarke_core.views.examples import EXAMPLES_ND
from clarke_core.views.explore_nd import explore_nd, project_nd
from lessons import plain

PREFIX = "clarke_nd"
PROJECT = "clarke_nd_project"
URL_NAMES: tuple[str, ...] = ()  # f and at only: the projection is chosen on the page
TIMEOUT_S = 20.0


@st.cache_data(max_entries=64, show_spinner=False)
def explore(text: str, at: str):
    # All parsing and math happen in a limited worker process: the text is a stranger's.
    return sandbox.run(explore_nd, text, at, timeout=TIMEOUT_S)


@st.cache_data(max_entries=64, show_spinner=False)
def project(text: str, at: str, coords: tuple[int, ...]):
    return sandbox.run(project_nd, text, at, coords, timeout=TIMEOUT_S)


def axis_titles(names) -> tuple[str, ...]:
    return tuple(f"∂f/∂{name}" for name in names)


def vertex_table(ex) -> None:
    n = len(ex.vertex_rows)
    st.markdown(f"**The {n} exact {'vertex' if n == 1 else 'vertices'} of ∂f(x₀)**")
    st.dataframe({"vertex": list(range(1, n + 1)),
                  **{title: [row[k] for row in ex.vertex_rows]
                     for k, title in enumerate(axis_titles(ex.names))}},
                 hide_index=True, height=min(38 + 35 * n, 400))


def projection_section(text: str, at: str, ex) -> None:
    st.subheader("A projection you choose")
    st.markdown(f"This Clarke set lives in {ex.dim} dimensions. Pick 2 or 3 coordinates: the "
                "projection of a polytope is the hull of its projected vertices, computed "
                "exactly.")
    if not set(st.session_state.get(PROJECT, ())) <= set(ex.names):
        del st.session_state[PROJECT]  # chosen for another function's variables
    chosen = st.multiselect("Project onto the coordinates", ex.names, default=ex.names[:3],
                            key=PROJECT, max_selections=3)
    if len(chosen) < 2:
        st.info("Pick at least 2 coordinates to draw the projection.")
        return
    coords = tuple(ex.names.index(name) for name in chosen)
    shown = ui.computed(lambda t, a: project(t, a, coords), text, at,
                        spinner="Projecting the Clarke set…", hint="")
    ui.chart(fig := polytope.set_figure(shown.clarke, shown.subdifferential,
                                               axis_titles(shown.names), shown.title))
    ui.figure_downloads(fig, "clarke-nd-projection")
    st.caption(f"The {shown.title}: its vertices are labelled with their exact coordinates. "
               "A vertex of the projection is the image of a vertex of ∂f(x₀); not every vertex "
               "stays one.")


def cells_section(ex) -> None:
    st.subheader("The cells around the point")
    st.markdown(
        "Next to x₀ the switches of f (the arguments of abs and relu, the differences of tied "
        "max and min arguments) that vanish at x₀ cut a small ball into open cells. A sign "
        "pattern counts only when it is an open cell, decided by an exact LP; on each cell f is "
        "one smooth piece, and its gradient at x₀ is a gradient limit. ∂f(x₀) is their hull.")
    shown = len(ex.cells)
    more = f" (the first {shown} shown)" if shown < ex.cell_count else ""
    st.markdown(f"**{ex.cell_count} open {'cell' if ex.cell_count == 1 else 'cells'}**{more}")
    st.dataframe({"cell": list(range(1, shown + 1)),
                  "signs of the tied switches": [c.signs for c in ex.cells],
                  "a direction d into it": [c.direction for c in ex.cells],
                  "f there": [c.piece for c in ex.cells],
                  "gradient limit": [c.gradient for c in ex.cells]},
                 hide_index=True, height=min(38 + 35 * shown, 420))


def body() -> tuple[str, str]:
    """Draw the n-D lesson; returns the function and point typed (for the share link)."""
    text, at = ui.function_inputs(
        PREFIX, EXAMPLES_ND, f_label="f(x, y, z) or f(x1, …, x8) =", at_label="at the point x₀ =",
        typed_at="0, 0, 0", f_help=ui.function_help("x, y, z (or x1 … x8)"),
        at_help="One number per variable, separated by commas, such as 0, 0, 0 or 1/2, 0, "
                "sqrt(2).")
    ex = ui.computed(explore, text, at,
                     spinner="Computing the cells around the point and the exact Clarke set…",
                     hint="Type a function of x, y, z (or x1 … x8) and a point to start.")
    st.latex(rf"f({ex.variables_latex}) = {ex.latex}, \qquad x_0 = {ex.point_latex}")

    st.latex(ex.clarke_latex)
    st.markdown("**Clarke set.** " + plain(ex.status))
    st.latex(ex.sub_latex)
    st.markdown("**Subdifferential.** " + plain(
        ("Undecided: " if ex.subdifferential is None else "") + ex.sub_note))

    if ex.clarke_solid is not None and ex.dim == 3:
        fig_col, table_col = st.columns([3, 2], gap="large")
        with fig_col:
            ui.chart(fig := polytope.set_figure(
                ex.clarke_solid, ex.sub_solid, axis_titles(ex.names),
                "The Clarke set ∂f(x₀), its exact vertices labelled"))
            ui.figure_downloads(fig, "clarke-nd-polytope")
        with table_col:
            vertex_table(ex)
            st.caption("Drag to turn the picture. Green: ∂f(x₀); dashed purple: the "
                       "subdifferential where it is decided and not empty; grey: the origin "
                       "(x₀ is Clarke stationary when 0 lies in ∂f(x₀)).")
    elif ex.clarke_solid is not None:
        vertex_table(ex)
        projection_section(text, at, ex)
    if ex.cell_count:
        cells_section(ex)
    with st.expander("Show how it is computed"):
        st.markdown("f is split into smooth pieces at the switches of abs, max, min, relu and "
                    "Piecewise that are tied at x₀. Each sign pattern of those switches is kept "
                    "when it is an open cone (exact rational LP), each kept cell gives the "
                    "gradient of its piece at x₀, and the Clarke set is their exact convex hull. "
                    "Outside the class this decides exactly (curved switches with dependent "
                    "gradients, jumps), the answer says undecided and why.")
    return text, at
