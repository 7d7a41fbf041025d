"""Clarke differential in 2D: the pieces of f, the gradient plane, support planes and sampling."""

import re
from urllib.parse import urlencode

import streamlit as st

from clarke_core import InputError, sandbox
from clarke_core.examples import EXAMPLES_2D, find_example_2d
from clarke_core.explore_2d import SAMPLING_RADII, explore_2d
from clarke_core.figures import two_d

OWN = "Your own function"
LABELS = [e.label for e in EXAMPLES_2D] + [OWN]
PICK, F, AT = "clarke_2d_example", "clarke_2d_f", "clarke_2d_at"
WALK, RADIUS = "clarke_2d_walk", "clarke_2d_radius"
TIMEOUT_S = 20.0
CHART_CONFIG = {"displaylogo": False}


@st.cache_data(max_entries=64, show_spinner=False)
def explore(text: str, at: str):
    # All parsing and math happen in a limited worker process: the text is a stranger's.
    return sandbox.run(explore_2d, text, at, timeout=TIMEOUT_S)


def picked_label(text: str, at: str) -> str:
    example = find_example_2d(text, at)
    return example.label if example else OWN


def on_pick() -> None:
    example = next((e for e in EXAMPLES_2D if e.label == st.session_state[PICK]), None)
    if example:
        st.session_state[F], st.session_state[AT] = example.expr, example.at


def on_type() -> None:
    st.session_state[PICK] = picked_label(st.session_state[F], st.session_state[AT])


def plain(text: str) -> str:
    """Engine text shown as Markdown literally (no emphasis, links, HTML or $…$ maths)."""
    return re.sub(r"([\\`*_{}\[\]<>#|~$])", r"\\\1", text)


@st.fragment
def plane_section(ex) -> None:
    st.subheader("Planes through the point: which ones stay below f?")
    fig_col, text_col = st.columns([3, 2], gap="large")
    with text_col:
        st.markdown("s is a subgradient when the plane f(x₀) + ⟨s, x − x₀⟩ stays below the "
                    "graph everywhere (a **support plane**): green where it is below f, purple "
                    "where it rises above f.")
        s = two_d.boundary_point(ex.clarke, 0.0)
        if ex.clarke.kind in ("segment", "polygon", "convex"):
            t = st.slider("Where s sits on the boundary of ∂f(x₀) (0 = first vertex, 1 = once "
                          "around)", 0.0, 1.0, 0.0, 0.01, key=WALK)
            s = two_d.boundary_point(ex.clarke, t)
        if s is None:
            st.markdown("Here there is no Clarke set, so no s to try.")
    fig_col.plotly_chart(two_d.surface_figure(ex, s), config=CHART_CONFIG)


@st.fragment
def sampling_section(ex) -> None:
    st.subheader("What gradient sampling sees")
    fig_col, text_col = st.columns([3, 2], gap="large")
    with text_col:
        st.markdown("Gradient sampling takes the hull of gradients at random points within ε "
                    "of x₀. A region that is thin near x₀ is hit with probability about ε, so "
                    "its gradient goes unseen.")
        k = st.radio("Sampling radius", range(len(SAMPLING_RADII)), key=RADIUS, horizontal=True,
                     index=len(SAMPLING_RADII) - 1,
                     format_func=lambda i: f"ε = {SAMPLING_RADII[i]:g}")
        st.markdown(plain(two_d.sampling_note(ex, k)))
    fig_col.plotly_chart(two_d.sampling_figure(ex, k), config=CHART_CONFIG)


if F not in st.session_state:
    # First load: the URL's values are untrusted text that only ever goes to the sandbox.
    default = EXAMPLES_2D[0]
    st.session_state[F] = st.query_params.get("f", default.expr)
    st.session_state[AT] = st.query_params.get("at", default.at if "f" not in st.query_params
                                               else "0, 0")
    st.session_state[PICK] = picked_label(st.session_state[F], st.session_state[AT])

st.title("Clarke differential in 2D")
st.markdown(
    "In two variables a kink is a whole curve where smooth pieces of f meet. The Clarke set "
    r"$\partial f(x_0) = \operatorname{conv}\{\lim_{i\to\infty} \nabla f(x_i) : x_i \to x_0\}$ "
    "collects the limits of gradients approached from every region next to the point, and fills "
    "in between: a point, a segment, a polygon, or a set with a curved boundary."
)

pick_col, f_col, at_col = st.columns([2, 3, 1.4])
pick_col.selectbox("Example", LABELS, key=PICK, on_change=on_pick)
f_col.text_input("f(x, y) =", key=F, on_change=on_type,
                 help="Use x and y, + - * / ^, abs, max, min, relu, sqrt, exp, log, sin, cos, "
                      "Piecewise((expr, condition), ..., (expr, True)).")
at_col.text_input("at the point (x₀, y₀) =", key=AT, on_change=on_type,
                  help="Two numbers separated by a comma, such as 0, 0 or sqrt(2), 1/2.")
text, at = st.session_state[F], st.session_state[AT]
if st.query_params.get("f") != text or st.query_params.get("at") != at:
    st.query_params.update({"f": text, "at": at})
example = find_example_2d(text, at)
if example:
    st.caption(f"**What this example teaches.** {example.note}")

if not text.strip() or not at.strip():
    st.info("Type a function of x and y and a point to start.")
    st.stop()
try:
    with st.spinner("Computing the Clarke set, the subdifferential and the pictures…"):
        ex = explore(text, at)
except InputError as err:
    st.error(str(err))
    st.stop()
except RuntimeError:
    st.error("Something went wrong on our side; please try another function or point.")
    st.stop()

st.latex(rf"f(x, y) = {ex.latex}, \qquad x_0 = {ex.point_latex}")
sub = ex.subdifferential
map_col, plane_col = st.columns(2, gap="large")
with map_col:
    st.subheader("The pieces of f near x₀")
    st.plotly_chart(two_d.contour_figure(ex), config=CHART_CONFIG)
    if ex.pieces:
        st.markdown("Smooth pieces next to x₀: " + ", ".join(
            rf"$\textcolor{{{two_d.piece_colour(k)}}}{{\blacksquare}}\ f_{{{k + 1}}} = {tex}$"
            for k, tex in enumerate(ex.pieces)))
        st.caption("Each colour is a region where f follows one smooth piece. Press ▶ Play: "
                   "points xᵢ run to x₀ inside the regions.")
with plane_col:
    st.subheader("The gradient plane")
    st.plotly_chart(two_d.gradient_figure(ex), config=CHART_CONFIG)
    if ex.clarke.sequences and ex.clarke.kind != "unbounded":
        st.caption("Press ▶ Play: each arrow is ∇f(xᵢ) at the point xᵢ of the same colour on the "
                   "map; its limit is a vertex of the shaded Clarke set.")

sets_col, why_col = st.columns(2, gap="large")
with sets_col:
    st.latex(r"\partial f(x_0) = " + two_d.set_latex(ex.clarke))
    st.latex(r"\partial_s f(x_0) = " + two_d.set_latex(sub))
with why_col:
    for sentence in dict.fromkeys((ex.clarke.reason, sub.reason if sub else "", *ex.notes)):
        if sentence:  # dict.fromkeys: the same sentence once, in order
            st.markdown(plain(sentence))
    if not (ex.clarke.certified and (sub is None or sub.certified)):
        st.caption("Part of this answer was checked numerically, not proved exactly.")

if sub is not None and sub.kind == "empty" and sub.witnesses:
    st.subheader("Why there is no subgradient")
    st.markdown("A subgradient s needs f(q′) ≥ f(x₀) + ⟨s, q′ − x₀⟩ for **every** q′. Each q′ "
                "below rules out a half-plane of s (hatched above); together they rule out all s.")
    st.markdown("\n".join(f"- q′ = {plain(two_d.witness_label(w))} forces {plain(w.bound)}"
                          for w in sub.witnesses))

plane_section(ex)
sampling_section(ex)

with st.expander("Show how it is computed"):
    st.markdown("f is split into smooth pieces (one per branch of abs, max, min, relu and "
                "Piecewise). Only *essentially active* pieces count: those whose region fills part "
                "of every neighbourhood of x₀, thin cusps included. The Clarke set is the hull of "
                "their exact gradient limits; the subdifferential is checked globally.")

query = urlencode({"f": text, "at": at})
base = st.context.url or ""
st.caption("**Share this view**: this link opens the same function and point.")
st.code(f"{base}?{query}", language=None, wrap_lines=True)
