"""Subgradients (lecture §1): supporting lines (f of x) and planes (f of x and y) swept through the
subdifferential, the witnesses when it is empty, and subgradient descent animated."""

import streamlit as st

import ui
from clarke_core.figures.descent import (
    DESCENT_CAPTION,
    SWEEP_CAPTION,
    descent_figure,
    sweep_figure,
)
from clarke_core.figures.export import slide_title
from clarke_core.figures.planes import PLANE_CAPTION, plane_sweep_figure
from clarke_core.labs.descent import SCHEDULES, subgradient_descent
from clarke_core.service import sandbox
from clarke_core.views.explore_1d import Exploration1D
from clarke_core.views.sweep_2d import (
    EXAMPLES_SUBGRADIENTS_ALL,
    HOW_IT_IS_COMPUTED,
    PATHS,
    explore_subgradients,
    no_subgradient_note,
)

TIMEOUT_S = 10.0
CHOICES = {"min-norm": "minimum-norm element (nearest 0)", "smallest": "smallest slope",
           "largest": "largest slope"}
PATH_NAMES = {"auto": "across the set", "0": "horizontal", "45": "diagonal ↗", "90": "vertical",
              "135": "diagonal ↖"}
SECTIONS = ("1. Lines and planes through the point", "2. Subgradient descent")
SHORTCUTS = {"lecture-figure-1": "Lecture figure 1: no subgradient",
             "minus-l1": "In 2D: −|x| − |y|, no supporting plane"}
CONTROLS = {
    "subgradients_path": ui.UrlParam("path", "auto", choices=PATHS),
    "subgradients_start": ui.UrlParam("x0", 1.0, lo=-100.0, hi=100.0),
    "subgradients_eta": ui.UrlParam("eta", 0.3, lo=0.001, hi=5.0),
    "subgradients_schedule": ui.UrlParam("schedule", "constant", choices=SCHEDULES),
    "subgradients_steps": ui.UrlParam("steps", 50, lo=10, hi=100, integer=True),
    "subgradients_choice": ui.UrlParam("choice", "min-norm", choices=tuple(CHOICES)),
}


@st.cache_data(max_entries=64, show_spinner=False)
def explore(text: str, at: str):
    # The text is a stranger's: parse and compute in a limited worker process.
    return sandbox.run(explore_subgradients, text, at, timeout=TIMEOUT_S)


@st.cache_resource(max_entries=32, show_spinner=False)  # read-only figures, shared, not copied
def sweep_chart(text: str, at: str, path: str):
    ex = explore(text, at)
    return sweep_figure(ex) if isinstance(ex, Exploration1D) else plane_sweep_figure(ex, path)


@st.cache_data(max_entries=64, show_spinner=False)
def descend(text: str, start: float, eta: float, steps: int, schedule: str, choice: str):
    return sandbox.run(subgradient_descent, text, start, eta=eta, steps=steps,
                       schedule=schedule, choice=choice, timeout=TIMEOUT_S)


@st.cache_resource(max_entries=32, show_spinner=False)
def descent_chart(*args):
    return descent_figure(descend(*args))


def show(key: str) -> None:
    example = next(e for e in EXAMPLES_SUBGRADIENTS_ALL if e.key == key)
    st.session_state.update(subgradients_f=example.expr, subgradients_at=example.at,
                            subgradients_example=example.label)


st.title("Subgradients and subgradient descent")
st.markdown(
    "A **subgradient** of f at p is the slope s of a line (for f of x) or a plane (for f of x "
    "and y) through (p, f(p)) that stays below the whole graph: "
    r"$\partial_s f(p) = \{s : f(q) \ge f(p) + \langle s, q - p\rangle \text{ for all } q\}$. "
    "Subgradient descent steps against a slope: "
    r"$x_{t+1} = x_t - \eta_t\, g_t$, with $g_t = f'(x_t)$ where f is differentiable and "
    r"$g_t \in \partial_C f(x_t)$ at a kink: the Clarke set, here the hull of the one-sided "
    r"slopes. For convex f that is $\partial_s f(x_t)$; for −|x| at 0, $\partial_s f$ is empty "
    r"and the step still uses $\partial_C f$."
)
row = st.container(horizontal=True)
for key, label in SHORTCUTS.items():
    row.button(label, on_click=show, args=(key,), key=f"subgradients_show_{key}",
               icon=":material/bolt:")
text, at = ui.function_inputs(
    "subgradients", EXAMPLES_SUBGRADIENTS_ALL, f_label="f(x) or f(x, y) =",
    at_label="at the point p =", typed_at="0",
    f_help=ui.function_help("x (lines and descent), or x and y (planes)")
    + " Or build f(x) from pieces below.",
    at_help="For f(x), a number such as 0, -1, 1/2, sqrt(2) or pi; for f(x, y), two numbers "
            "such as 0, 0.")
ui.pieces_expander("subgradients", 1)
ui.restore_from_url(CONTROLS)
ex = ui.computed(explore, text, at, spinner="Computing the subdifferential…",
                 hint="Type a function of x (or of x and y) and a point to start.")
sub = ex.subdifferential
one_d = isinstance(ex, Exploration1D)
sub_tex = sub.latex() if sub else r"\text{undecided}"


def sweep_section() -> None:
    st.latex(rf"f({'x' if one_d else 'x, y'}) = {ex.latex}, \quad p = {ex.point_latex}, "
             rf"\quad \partial_s f(p) = {sub_tex}")
    if not one_d:
        st.radio("Path of s", list(PATH_NAMES), format_func=PATH_NAMES.get, horizontal=True,
                 key="subgradients_path", help="The straight path that s follows through the "
                 "subdifferential (or the Clarke set, when the subdifferential is empty).")
    ui.chart(sweep := sweep_chart(text, at, st.session_state["subgradients_path"]))
    ui.figure_downloads(sweep, "subgradient-sweep", title=slide_title(
        ex.text, at, sub, variables="x" if one_d else "x, y", symbol="∂ₛf(x₀)"))
    st.caption(SWEEP_CAPTION if one_d else PLANE_CAPTION)
    if sub is not None and sub.kind == "empty":
        st.warning(no_subgradient_note(ex))
    elif sub is None:
        st.info("The subdifferential could not be decided for this function; the sweep is "
                "numeric.")


def descent_section() -> None:
    if not one_d:
        st.info("Descent is drawn here for functions of x only. For a function of x and y, the "
                "[Gradient inclusion](/gradient-inclusion) page runs gradient steps next to "
                "the minimum-norm flow.")
        return
    left, mid, right = st.columns(3)
    start = left.number_input("Start x₀", min_value=-100.0, max_value=100.0, step=0.1,
                              format="%.3f", key="subgradients_start")
    eta = left.number_input("Step size η₀", min_value=0.001, max_value=5.0, step=0.05,
                            format="%.3f", key="subgradients_eta")
    schedule = mid.radio("Step sizes", SCHEDULES, key="subgradients_schedule",
                         format_func=lambda s: "constant η_t = η₀" if s == "constant"
                         else "diminishing η_t = η₀/√(t+1)")
    steps = mid.slider("Steps", 10, 100, key="subgradients_steps")
    choice = right.radio("g_t at a kink (in ∂_C f)", list(CHOICES), format_func=CHOICES.get,
                         key="subgradients_choice")
    args = (float(start), float(eta), int(steps), schedule, choice)
    path = ui.computed(lambda t, a: descend(t, *args), text, at, spinner="Running subgradient "
                       "descent…", hint="Type a function of x to start.")
    ui.chart(descent := descent_chart(text, *args))
    ui.figure_downloads(descent, "subgradient-descent")
    st.markdown(path.summary())
    st.caption(DESCENT_CAPTION)


# Lazy tabs: only the open one runs and is drawn, so the first chart does not wait for the
# other; which one is open is kept in the URL (section=...).
ui.check_bound_value("section", SECTIONS)
lines, descent_tab = st.tabs(SECTIONS, key="section", on_change="rerun", bind="query-params")
if lines.open:
    with lines:
        sweep_section()
if descent_tab.open:
    with descent_tab:
        descent_section()
ui.keep_in_url(CONTROLS)

with st.expander("Show how it is computed"):
    st.markdown(HOW_IT_IS_COMPUTED)

ui.share_link(text, at)
