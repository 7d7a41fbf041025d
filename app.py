"""Clarke Lab: the router. Each page lives in pages/ and reads like a description of its UI.

No file stem in pages/ equals a url_path: before app.py has run once, Streamlit still serves
pages/ by file name, and a first link to /homework would run pages/homework.py bare.
"""

import streamlit as st

st.set_page_config(page_title="Clarke Lab", layout="wide")
st.navigation([
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/subgradients_page.py", title="Subgradients", icon=":material/trending_down:",
            url_path="subgradients"),
    st.Page("pages/clarke_lesson.py", title="Clarke differential", icon=":material/show_chart:",
            url_path="clarke"),
    # The old addresses of the 1D and 2D lessons, kept so that shared links still open them.
    st.Page("pages/clarke_1d.py", title="Clarke differential (1D)", url_path="clarke-1d",
            visibility="hidden"),
    st.Page("pages/clarke_2d.py", title="Clarke differential (2D)", url_path="clarke-2d",
            visibility="hidden"),
    st.Page("pages/properties.py", title="Properties", icon=":material/rule:",
            url_path="clarke-properties"),
    st.Page("pages/positive_homogeneity.py", title="Positive homogeneity",
            icon=":material/open_in_full:", url_path="homogeneity"),
    st.Page("pages/relu_network.py", title="ReLU networks", icon=":material/hub:",
            url_path="relu-network"),
    st.Page("pages/gradient_inclusion.py", title="Gradient inclusion", icon=":material/moving:",
            url_path="gradient-inclusion"),
    st.Page("pages/homework_checker.py", title="Homework", icon=":material/school:",
            url_path="homework"),
    st.Page("pages/autodiff_vs_clarke.py", title="Autodiff vs Clarke",
            icon=":material/functions:", url_path="autodiff"),
    st.Page("pages/lecture_check.py", title="Lecture check", icon=":material/fact_check:",
            url_path="lecture-check"),
]).run()
