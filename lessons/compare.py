"""The Clarke lesson's comparison: a second function g beside the lesson's f at the same point,
both sets of each, one sentence on what differs (g kept in the URL, so a link reopens it)."""

from __future__ import annotations

import streamlit as st

import ui
from clarke_core import InputError
from clarke_core.engine.parsing import MAX_TEXT_LENGTH
from clarke_core.figures.compare import pair_figures
from clarke_core.service import sandbox
from clarke_core.views.compare import PAIRS, compare
from clarke_core.views.examples import Example, find_example
from lessons import plain

ON, G = "compare_on", "compare_g"
URL_NAMES = ("g",)
TIMEOUT_S = 20.0


@st.cache_data(max_entries=64, show_spinner=False)
def compared(f: str, g: str, at: str, dim: int):
    # Both texts are a stranger's: parse and compute in a limited worker process.
    return sandbox.run(compare, f, g, at, dim=dim, timeout=TIMEOUT_S)


@st.cache_resource(max_entries=32, show_spinner=False)  # read-only figures: shared, not copied
def charts(f: str, g: str, at: str, dim: int):
    return pair_figures(compared(f, g, at, dim))


def _use_pair(prefix: str, examples: tuple[Example, ...], f: str, g: str, at: str) -> None:
    example = find_example(examples, f, at)
    st.session_state.update({f"{prefix}_f": f, f"{prefix}_at": at, G: g,
                             f"{prefix}_example": example.label if example else ui.OWN})


def section(dim: int, prefix: str, examples: tuple[Example, ...], text: str, at: str) -> None:
    """Below the lesson body: a toggle, the pairs a lecturer shows, g's field, both sides
    (for f of x and of x, y)."""
    if dim not in PAIRS:
        return
    if ON not in st.session_state:
        st.session_state[ON] = "g" in st.query_params
    if not st.toggle("Compare with a second function g at the same point", key=ON):
        if "g" in st.query_params:
            del st.query_params["g"]
        return
    row = st.container(horizontal=True)
    for label, f, g, point in PAIRS[dim]:
        row.button(label, key=f"compare_pair_{label}", icon=":material/compare_arrows:",
                   on_click=_use_pair, args=(prefix, examples, f, g, point))
    if G not in st.session_state:
        st.session_state[G] = ui.url_text("g", PAIRS[dim][0][2])
    g = st.text_input("g(x) =" if dim == 1 else "g(x, y) =", key=G, max_chars=MAX_TEXT_LENGTH,
                      help="A second function, compared with f at the same point.")
    if not g.strip():
        st.info("Type g to compare it with f.")
        return
    try:
        with st.spinner("Comparing f and g…"), sandbox.acting_for(*ui.session_owner()):
            pair = compared(text, g, at, dim)
            figures = charts(text, g, at, dim)
    except (InputError, RuntimeError) as err:
        st.error(ui.user_text(str(err)) if isinstance(err, InputError) else ui.SOMETHING_WRONG)
        if "g" in st.query_params:  # the link keeps only a g the page could read
            del st.query_params["g"]
        return
    if st.query_params.get("g") != g:
        st.query_params["g"] = g
    st.markdown(f"**f beside g.** {plain(pair.sentence)}")
    for column, side, fig, name in zip(st.columns(2, gap="large"), pair.sides, figures, "fg",
                                       strict=True):
        with column:
            variables = "x" if dim == 1 else "x, y"
            st.latex(rf"{name}({variables}) = {side.latex}")
            sub = side.subdifferential.latex() if side.subdifferential else r"\text{undecided}"
            st.latex(rf"\partial {name}(x_0) = {side.clarke.latex()}")
            st.latex(rf"\partial_s {name}(x_0) = {sub}")
            ui.chart(fig, key=f"compare_chart_{name}")
