"""Autodiff vs Clarke: what PyTorch, JAX, SymPy, CVXPY and autograd return at a kink."""

import math

import streamlit as st

import ui
from clarke_core.figures.autodiff import conventions_figure
from clarke_core.labs.autodiff import CONVENTIONS, LIBRARY_CALLS, PROGRAMS, TIE_TEXT, compare
from clarke_core.service import sandbox

F, AT = "autodiff_f", "autodiff_at"
DEFAULT_F, DEFAULT_AT = "relu(x) - relu(-x)", "0"
TIMEOUT_S = 10.0


@st.cache_data(max_entries=64, show_spinner=False)
def compared(text: str, at: str):
    return sandbox.run(compare, text, at, timeout=TIMEOUT_S)  # a stranger's text: sandboxed


def fmt(value: float) -> str:
    return "undefined (NaN)" if math.isnan(value) else f"{value:.6g}"


def kink(value: float | None) -> str:
    if value is None:
        return "undefined (δ)"
    return "no derivative" if math.isnan(value) else f"{value:g}"


if F not in st.session_state:
    st.session_state[F] = ui.url_text("f", DEFAULT_F)
    st.session_state[AT] = ui.url_text("at", DEFAULT_AT)

st.title("Autodiff vs Clarke")
st.markdown(
    "An autodiff library differentiates the **program**, one primitive at a time, and at a kink "
    "each primitive returns one conventional number. That number is not always in the Clarke "
    "set of the **function**: `relu(x) - relu(-x)` computes x, whose Clarke set at 0 is {1}, "
    "yet relu'(0) = 0 gives 0. Below, each library's convention is emulated on the program as "
    "you type it and checked against the exact Clarke set. The JAX and autograd rows are tested "
    "against the real libraries; PyTorch is emulated from its documentation (not installed)."
)

st.subheader("Conventions at a kink")
st.markdown(ui.markdown_table([
    {"library": c.library, "relu'(0)": f"{c.relu:g}", "|·|'(0)": f"{c.abs:g}",
     "tie in max / min": TIE_TEXT[c.tie], "sign'(0)": kink(c.step), "H'(0)": kink(c.heaviside),
     "stated in": ("docs" if c.documented else "docs + source")} for c in CONVENTIONS]))
with st.expander("Sources, as each library states them"):
    for c in CONVENTIONS:
        st.markdown(f"**{c.library}**\n" + "\n".join(f"- {s}" for s in c.sources))
with st.expander("What each library call is"):
    st.markdown(ui.markdown_table([{"you type": name, **{c.library: calls[c.library]
                                                         for c in CONVENTIONS}}
                                   for name, calls in LIBRARY_CALLS.items()]))
    st.caption("A typed relu(x) is jax.nn.relu (0 at 0), a typed max(x, 0) is jnp.maximum "
               "(1/2 at 0); max(a, b, c) is maximum(maximum(a, b), c). Other functions: the "
               "call of the same name (torch.exp, jnp.exp, np.exp). SymPy differentiates the "
               "simplified expression.")

st.subheader("Your function")
f_col, at_col = st.columns([4, 1])
f_col.text_input("f(x) =", key=F, help="A function of x, as on the 1D Clarke page.",
                 max_chars=ui.MAX_TEXT_LENGTH)
at_col.text_input("at x₀ =", key=AT, max_chars=ui.MAX_TEXT_LENGTH)
text, at = st.session_state[F], st.session_state[AT]
if st.query_params.get("f") != text or st.query_params.get("at") != at:
    st.query_params.update({"f": text, "at": at})
st.caption("Programs whose value depends on how they are written:")
cols = st.columns(2)
for i, (program, point, why) in enumerate(PROGRAMS):
    col = cols[i % 2]
    short = program if len(program) <= 24 else program[:24] + "…"
    col.page_link("app_pages/autodiff_vs_clarke.py", label=f"{short} — {why}",
                  query_params={"f": program, "at": point})

result = ui.computed(compared, text, at,
                     spinner="Emulating five libraries and computing the Clarke set…",
                     hint="Type a function of x and a point to start.")

st.latex(rf"f(x) = {result.latex}, \qquad \partial f({result.point_latex}) = "
         + result.clarke.latex())
rows = [{"library": v.library, "f'(x₀) as computed": fmt(v.value),
         "in the Clarke set?": "✓ yes" if v.in_clarke else "✗ no"} for v in result.values]
left, right = st.columns([2, 3], gap="large")
left.markdown(ui.markdown_table(rows))
with right:
    figure = conventions_figure(result)
    ui.chart(figure)
    ui.figure_downloads(figure, "autodiff-conventions")
outside = [v.library for v in result.values if not v.in_clarke]
if result.clarke.kind == "unbounded":
    st.warning("f is not locally Lipschitz here, so there is no Clarke set to land in, "
               "whatever number a library returns.")
elif outside:
    st.markdown(f"**Outside the Clarke set:** {', '.join(outside)}. Each primitive's value is "
                "a valid subgradient of that primitive, but the chain and sum rules give only a "
                "superset, ∂(f + g) ⊆ ∂f + ∂g, so the program's value can miss the function's set.")
else:
    st.markdown("Every library's value lies in the Clarke set here.")
st.caption("Why grading checks membership in the exact set, never equality with one value.")

ui.share_link(text, at)
