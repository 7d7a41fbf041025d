"""The Properties page for a function of x and y: locally Lipschitz (the exact modulus), convex,
differentiable, regular (the body of app_pages/properties.py when dim = 2)."""

from __future__ import annotations

import streamlit as st

import ui
from clarke_core.figures.properties_2d import directional_figure
from clarke_core.labs.properties_2d import study_properties_2d
from clarke_core.service import sandbox
from clarke_core.views.examples import EXAMPLES_PROPERTIES_2D
from lessons import plain

TIMEOUT_S = 20.0
URL_NAMES = ()


@st.cache_data(max_entries=64, show_spinner=False)
def study(text: str, at: str):
    # All parsing and math happen in a limited worker process: the text is a stranger's.
    return sandbox.run(study_properties_2d, text, at, timeout=TIMEOUT_S)


@st.cache_resource(max_entries=32, show_spinner=False)  # read-only figures: shared, not copied
def chart(text: str, at: str):
    return directional_figure(study(text, at))


def _sets(p) -> str:
    sub = p.subdifferential.latex() if p.subdifferential else r"\text{undecided}"
    return rf"\partial f(x_0) = {p.clarke.latex()}, \qquad \partial_s f(x_0) = {sub}"


def _lipschitz(p) -> None:
    st.subheader("1. Locally Lipschitz")
    if not p.lipschitz:
        st.warning(f"Not locally Lipschitz at x₀: {plain(p.lipschitz_reason)}")
        return
    modulus = (f"$\\operatorname{{lip}} f(x_0) = {p.modulus_latex}$" if p.modulus_latex
               else f"about {p.modulus:.4g} (the set is curved: read off its samples)")
    st.success("Locally Lipschitz at x₀.")
    st.markdown(f"{plain(p.lipschitz_reason)} Here {modulus}: for every L above it, "
                "|f(x) − f(x′)| ≤ L‖x − x′‖ on some disk around x₀, and for none below it.")


def _convex(p) -> None:
    st.subheader("2. Convex ⇒ Clarke set = subdifferential")
    if p.convex:
        st.success("f is certified convex (by composition rules), and indeed the two sets are "
                   "equal." if p.sets_equal else "f is certified convex.")
    elif p.sets_equal is False:
        st.info("The two sets differ, so f is not convex (for a convex f they agree).")
    else:
        verdict = {True: "here they happen to be equal", None: "whether they are equal could "
                   "not be decided here"}[p.sets_equal]
        st.info(f"The composition rules do not certify f as convex, so the theorem says "
                f"nothing; {verdict}.")


def _differentiable(p) -> None:
    st.subheader("3. Differentiable ⇒ {∇f} needs continuity of ∇f")
    if p.strictly_differentiable:
        st.markdown(f"∂f(x₀) is the single point $\\nabla f(x_0) = {p.gradient_latex}$: f is "
                    "strictly (continuously, near x₀) differentiable there.")
    elif p.gradient_latex:
        st.markdown(f"f′(x₀; d) = ⟨g, d⟩ for every d with $g = {p.gradient_latex}$, so f is "
                    "differentiable at x₀, but ∇f is not continuous there: ∂f(x₀) is larger.")
    else:
        st.markdown("∂f(x₀) has more than one point: f is not strictly differentiable at x₀, "
                    "and its one-sided slopes differ between directions.")


def _regular(p, fig) -> None:
    st.subheader("4. Regular or not")
    st.markdown("f is *Clarke regular* at x₀ when f′(x₀; d) = max{⟨s, d⟩ : s ∈ ∂f(x₀)} for "
                "every direction d. The chart follows d = (cos θ, sin θ) once around.")
    if p.regular is None:
        st.info(plain(p.regularity_reason))
    else:
        (st.success if p.regular else st.warning)(p.regularity_reason)
    if p.sectors:
        ui.chart(fig)
        ui.figure_downloads(fig, "regularity-2d")


def body() -> tuple[str, str]:
    """The 2D inputs, the sets, and the four checks."""
    text, at = ui.function_inputs(
        "properties_2d", EXAMPLES_PROPERTIES_2D, f_label="f(x, y) =",
        at_label="at the point (x₀, y₀) =", typed_at="0, 0", f_help=ui.function_help("x and y"),
        at_help="Two numbers, such as 0, 0 or 1/2, -pi.")
    p = ui.computed(study, text, at, spinner="Checking the properties…",
                    hint="Type a function of x and y and a point to start.")
    st.latex(rf"f(x, y) = {p.latex}, \qquad x_0 = {p.point_latex}")
    if p.lipschitz:
        st.latex(_sets(p))
    _lipschitz(p)
    _convex(p)
    _differentiable(p)
    _regular(p, chart(text, at))
    return text, at
