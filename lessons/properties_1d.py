"""The Properties page for a function of x: locally Lipschitz (with the radius of the estimate),
convex, differentiable, regular (the body of app_pages/properties.py when dim = 1)."""

from __future__ import annotations

import streamlit as st

import ui
from clarke_core.figures.properties import lipschitz_figure, oscillation_figure, regularity_figure
from clarke_core.labs.properties import oscillation, study_properties
from clarke_core.service import sandbox
from clarke_core.views.examples import EXAMPLES_1D

TIMEOUT_S = 10.0
RADII = ("0.25", "0.5", "1", "2")
SECTIONS = ("1. Locally Lipschitz", "2. Convex", "3. Differentiable", "4. Regular")
CONTROLS = {"properties_radius": ui.UrlParam("r", "1", choices=RADII)}
URL_NAMES = ("r", "pieces", "section")


@st.cache_data(max_entries=64, show_spinner=False)
def study(text: str, at: str, radius: float):
    # All parsing and math happen in a limited worker process: the text is a stranger's.
    return sandbox.run(study_properties, text, at, radius, timeout=TIMEOUT_S)


@st.cache_resource(max_entries=1, show_spinner=False)  # read-only figures: shared, not copied
def erratum_4_figure():
    return oscillation_figure(oscillation())


@st.cache_resource(max_entries=32, show_spinner=False)
def charts(text: str, at: str, radius: float):
    p = study(text, at, radius)
    return lipschitz_figure(p), regularity_figure(p) if p.regular is not None else None


def _escape_line(L: float, h: float, exact: str) -> str:
    reach = f"$h = {exact}$" if exact else f"about {h:.3g} (read off a fine grid)"
    return f"- L = {L:g}: outside the cone at distances |x − x₀| up to {reach}"


def lipschitz_section(p, cone) -> None:
    lip = p.lipschitz
    st.subheader("Locally Lipschitz: |f(x) − f(x′)| ≤ L|x − x′| near x₀")
    st.select_slider("Neighbourhood radius r for the Lipschitz estimate", RADII,
                     key="properties_radius")
    left, right = st.columns([3, 2], gap="large")
    with right:
        if lip.holds:
            st.success(f"Locally Lipschitz at x₀: on [x₀ − {lip.radius:g}, "
                       f"x₀ + {lip.radius:g}], L ≈ {lip.constant:.4g}.")
            st.markdown("The estimate is max |f′| over the exact one-sided limits of f′ at x₀ "
                        "and a dense sample of the interval (an estimate: a sample can miss a "
                        "narrow peak). The graph stays inside the cone $f(x_0) \\pm L|x - x_0|$.")
        else:
            st.warning(f"Not locally Lipschitz at x₀: {lip.reason}")
            st.markdown("Every cone fails: the graph leaves it closer and closer to x₀.\n\n"
                        + "\n".join(_escape_line(L, h, exact) for (L, h), exact
                                    in zip(lip.escapes, lip.escapes_latex, strict=True)))
        st.caption("**Erratum 3.** The constant comes first: *there is* L such that for all x, "
                   "x′ in S, |f(x) − f(x′)| ≤ L|x − x′|. The notes choose L after x′, which "
                   "every function satisfies away from x = x′, √|x| included.")
    with left:
        ui.chart(cone)
        ui.figure_downloads(cone, "lipschitz-cone")


def convex_section(p, _) -> None:
    lip = p.lipschitz
    st.subheader("Convex ⇒ Clarke set = subdifferential")
    sub = p.subdifferential
    if lip.holds:
        st.latex(r"\partial f(x_0) = " + p.clarke.latex() + r", \qquad \partial_s f(x_0) = "
                 + (sub.latex() if sub else r"\text{undecided}"))
    if not lip.holds:
        st.info("f is not locally Lipschitz at x₀, so it has no Clarke set to compare with the "
                "subdifferential.")
    elif p.convex:
        st.success("f is certified convex (by composition rules), and indeed the two sets are "
                   "equal." if p.sets_equal else "f is certified convex.")
    else:
        verdict = {True: "here they happen to be equal.", False: "here they differ.",
                   None: "whether they are equal could not be decided here."}[p.sets_equal]
        st.info(f"{p.convexity_note}, so the theorem says nothing; {verdict}")


def differentiable_section(p, _) -> None:
    st.subheader("Differentiable ⇒ {f′} needs continuity of f′")
    if p.derivative_latex is None:
        st.markdown("Your f is not differentiable at x₀ (the one-sided slopes differ or do not "
                    "exist).")
    elif p.strictly_differentiable:
        st.markdown("Your f is continuously differentiable at x₀: "
                    f"$f'(x_0) = {p.derivative_latex}$ and "
                    f"$\\partial f(x_0) = {p.clarke.latex()}$.")
    else:
        st.markdown(f"Your f is differentiable at x₀ with $f'(x_0) = {p.derivative_latex}$, but f′ "
                    f"is not continuous there: $\\partial f(x_0) = {p.clarke.latex()}$.")
    st.markdown(
        "**Erratum 4.** $f(x) = x^2\\sin(1/x)$, $f(0) = 0$, is differentiable at 0 with "
        "$f'(0) = \\lim_{h \\to 0} h \\sin(1/h) = 0$, yet "
        "$f'(x) = 2x\\sin(1/x) - \\cos(1/x)$ keeps sweeping $[-1, 1]$ "
        "as $x \\to 0$, so $\\partial f(0) = [-1, 1] \\neq \\{f'(0)\\}$. Press "
        "▶ Play: the tangent at $x_k \\to 0$ never settles.")
    ui.chart(oscillating := erratum_4_figure())
    ui.figure_downloads(oscillating, "x2-sin-1-over-x")


def regular_section(p, regular) -> None:
    st.subheader("Regular or not")
    st.markdown(
        "f is *Clarke regular* at x₀ when its directional derivatives equal the Clarke support "
        "function: in 1D, $f'(x_0; 1) = \\max \\partial f(x_0)$ and "
        "$f'(x_0; -1) = -\\min \\partial f(x_0)$. Convex kinks like |x| are regular; −|x| is not.")
    if p.regular is None:
        st.info(p.regularity_reason)
    else:
        (st.success if p.regular else st.warning)(p.regularity_reason)
        ui.chart(regular)
        ui.figure_downloads(regular, "regularity")


def body() -> tuple[str, str]:
    """The 1D controls, the four sections (lazy tabs), and the function and point typed."""
    text, at = ui.function_inputs(
        "properties", EXAMPLES_1D, f_label="f(x) =", at_label="at the point x₀ =", typed_at="0",
        f_help=ui.function_help("x") + " Or build it from pieces below.",
        at_help="A number such as 0, -1, 1/2, sqrt(2) or pi.")
    ui.pieces_expander("properties", 1)
    ui.restore_from_url(CONTROLS)
    radius = float(st.session_state["properties_radius"])  # its slider sits in the first tab
    p = ui.computed(lambda t, a: study(t, a, radius), text, at,
                    spinner="Checking the properties…",
                    hint="Type a function of x and a point to start.")
    cone, regular = charts(text, at, radius)
    st.latex(rf"f(x) = {p.latex}, \qquad x_0 = {p.point_latex}")

    # Lazy tabs: only the open one runs and is drawn, so the first chart waits for no other;
    # which one is open is kept in the URL (section=...).
    ui.check_bound_value("section", SECTIONS)
    tabs = st.tabs(SECTIONS, key="section", on_change="rerun", bind="query-params")
    figures = (cone, None, None, regular)
    for tab, section, fig in zip(tabs, (lipschitz_section, convex_section,
                                        differentiable_section, regular_section), figures,
                                 strict=True):
        if tab.open:
            with tab:
                section(p, fig)
    ui.keep_in_url(CONTROLS)
    return text, at
