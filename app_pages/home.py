"""Landing page: what Clarke Lab teaches, the lecture's map, the example gallery, sharing."""

import streamlit as st

from clarke_core.views.examples import EXAMPLES_1D, EXAMPLES_2D

SECTIONS = [
    ("§1 Subgradients", "the subdifferential, and the non-convex figure 1 where it is empty",
     [("app_pages/subgradients_page.py", "Subgradients and descent"),
      ("app_pages/clarke_lesson.py", "Subdifferential beside the Clarke set")]),
    ("§2 Clarke differential", "limits of nearby gradients and their convex hull",
     [("app_pages/clarke_lesson.py", "Clarke differential (1D and 2D)"),
      ("app_pages/properties.py", "Properties: Lipschitz, convex, C¹, regular"),
      ("app_pages/autodiff_vs_clarke.py", "Autodiff vs Clarke")]),
    ("§3 Positive homogeneity", "g(αx) = α^L g(x), Lemma 3.2, ReLU networks layer by layer",
     [("app_pages/positive_homogeneity.py", "Positive homogeneity"),
      ("app_pages/relu_network.py", "ReLU networks")]),
    ("§4 Norm preservation", "gradient flow keeps ½‖W_h‖² − ½‖W_h(0)‖² equal across layers",
     [("app_pages/gradient_inclusion.py", "Gradient inclusion"),
      ("app_pages/relu_network.py", "ReLU networks")]),
    ("Errata", "each mistake of the notes, verified live",
     [("app_pages/lecture_check.py", "Lecture check")]),
]

st.title("Clarke Lab")
st.markdown(
    "Activation functions like ReLU have kinks, where gradients do not exist. Clarke Lab shows "
    "what replaces them: the **subdifferential** (slopes of lines that stay below the graph) and "
    "the **Clarke differential** (all limits of nearby gradients, and their convex hull). It "
    "follows the lecture from subgradients to positive homogeneity and norm preservation in "
    "ReLU networks, on the lecture's examples or on any function you type."
)

st.header("The lecture, section by section")
for title, what, pages in SECTIONS:
    with st.container(border=True):
        st.markdown(f"**{title}** — {what}")
        for col, (page, label) in zip(st.columns(len(pages)), pages, strict=True):
            col.page_link(page, label=label, icon=":material/arrow_forward:")
st.page_link("app_pages/homework_checker.py", label="Check your homework answers",
             icon=":material/school:")

st.header("Example gallery")
for title, dim, examples in (("Functions of x", "1", EXAMPLES_1D),
                             ("Functions of x and y", "2", EXAMPLES_2D)):
    st.subheader(title)
    cols = st.columns(3)
    for i, example in enumerate(examples):
        with cols[i % 3]:
            st.page_link("app_pages/clarke_lesson.py", label=example.label,
                         query_params={"f": example.expr, "at": example.at, "dim": dim})
            st.caption(example.note)

st.header("Share a view")
st.markdown(
    "Every page keeps its state in the address bar: the function is `f`, the point `at`, and "
    "each control has its own name, for example `/clarke?dim=1&f=max(0, x)&at=0`. Copy the URL "
    "(or the link in the share box at the foot of each page) and whoever opens it sees the same "
    "view."
)
