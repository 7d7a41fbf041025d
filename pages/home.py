"""Landing page: what Clarke Lab teaches, and where to start."""

import streamlit as st

st.title("Clarke Lab")
st.markdown(
    "Activation functions like ReLU have kinks, where gradients do not exist. Clarke Lab lets "
    "you see what replaces them: the **subdifferential** (slopes of lines that stay below the "
    "graph) and the **Clarke differential** (all limits of nearby gradients, and their convex "
    "hull), on the examples of the lecture or on any function you type."
)
st.markdown(
    "Start with ReLU, then try the lecture's non-convex example, where the subdifferential is "
    "empty but the Clarke set is not."
)
st.page_link("pages/clarke_1d.py", label="Clarke differential in 1D: sets, sequences, witnesses",
             icon=":material/show_chart:")
