"""Positive homogeneity: the degree of f with its derivation, f along rays, and Euler's identity
⟨s, x⟩ = L f(x) checked on the whole Clarke set (lecture §3, Lemma 3.2)."""

import streamlit as st

import ui
from clarke_core.figures.export import slide_title
from clarke_core.figures.networks import euler_figure, ray_caption, ray_figure
from clarke_core.labs.euler import explore_homogeneity
from clarke_core.service import sandbox
from clarke_core.views.examples import EXAMPLES_HOMOGENEITY

TIMEOUT_S = 10.0


@st.cache_data(max_entries=64, show_spinner=False)
def explore(text: str, at: str):
    # All parsing and math happen in a limited worker process: the text is a stranger's.
    return sandbox.run(explore_homogeneity, text, at, timeout=TIMEOUT_S)


@st.cache_resource(max_entries=32, show_spinner=False)  # read-only figures, shared, not copied
def charts(text: str, at: str):
    view = explore(text, at)
    return ray_figure(view), euler_figure(view)


st.title("Positive homogeneity")
st.markdown(
    r"f is *positively homogeneous of degree L* when $f(\alpha x) = \alpha^L f(x)$ for every "
    r"$\alpha \ge 0$: ReLU and norms have degree 1, a monomial the sum of its exponents. For such "
    r"an f (locally Lipschitz), **every** element of the Clarke set satisfies Euler's identity "
    r"$\langle s, x\rangle = L\, f(x)$ (Lemma 3.2), kinks included."
)

text, at = ui.function_inputs(
    "homogeneity", EXAMPLES_HOMOGENEITY, f_label="f(x) or f(x, y) =", at_label="at the point x =",
    typed_at="1",
    f_help=ui.function_help("x or x and y"),
    at_help="A number such as 0 or 1/2, or two numbers such as 1, -2.")
view = ui.computed(explore, text, at, spinner="Finding the degree and the Clarke set…",
                   hint="Type a function and a point to start.")

h, euler = view.homogeneity, view.euler
st.latex(rf"f = {h.latex}, \qquad x = {view.point_latex}")
if h.homogeneous:
    st.success(f"f is positively homogeneous of degree L = {h.degree}. {h.reason}")
else:
    st.warning(f"f is not positively homogeneous. {h.reason}")

ray, euler_fig = charts(text, at)
ray_col, euler_col = st.columns(2, gap="large")
with ray_col:
    st.subheader("Scaling along the ray through x")
    ui.chart(ray)
    ui.figure_downloads(ray, "homogeneity-ray")
    st.caption(ray_caption(view))
    if h.steps:
        with st.expander("The derivation, node by node", expanded=h.homogeneous):
            for step in h.steps:
                degree = "none" if step.degree is None else step.degree
                st.markdown(f"${step.latex}$ — degree **{degree}**: {step.rule}")
with euler_col:
    st.subheader("Euler's identity on the Clarke set")
    ui.chart(euler_fig)
    ui.figure_downloads(euler_fig, "homogeneity-euler", title=slide_title(
        h.text, at, euler.clarke, variables=", ".join(h.variables)))
    st.latex(r"\partial f(x) = " + euler.clarke.latex())
    if euler.target is not None and euler.products:
        values = euler.exact_products or [f"{p:.6g}" for p in euler.products]
        rows = [{"vertex s": str(v[0]) if len(v) == 1 else f"({', '.join(map(str, v))})",
                 "⟨s, x⟩": str(p), "L·f(x)": str(euler.target)}
                for v, p in zip(euler.clarke.exact or euler.clarke.vertices, values,
                                strict=False)]
        if euler.clarke.kind != "convex":
            st.markdown(ui.markdown_table(rows))  # Markdown: no Arrow reader to load first
    if euler.holds:
        st.success(euler.reason + f" (worst residual along the edges: "
                                  f"{euler.boundary_residual:.1e})")
    else:
        st.info(euler.reason)

with st.expander("Why the identity holds on the whole set"):
    st.markdown(
        r"Where f is differentiable, differentiate $f(\alpha x) = \alpha^L f(x)$ in α at α = 1: "
        r"$\langle \nabla f(x), x\rangle = L f(x)$. The gradient ∇f is homogeneous of degree "
        r"L − 1, so along $x_i = \alpha_i x \to x$ (and at nearby points) the limits of "
        r"gradients keep the identity; it is linear in s, so it passes to their convex hull, "
        r"the Clarke set."
    )

ui.share_link(text, at)
