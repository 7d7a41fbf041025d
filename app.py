"""Clarke Lab: the router. Each page lives in pages/ and reads like a description of its UI."""

import streamlit as st

st.set_page_config(page_title="Clarke Lab", layout="wide")
st.navigation([
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/clarke_1d.py", title="Clarke differential (1D)", icon=":material/show_chart:",
            url_path="clarke-1d"),
    st.Page("pages/clarke_2d.py", title="Clarke differential (2D)", url_path="clarke-2d"),
    st.Page("pages/homogeneity.py", title="Positive homogeneity", icon=":material/open_in_full:",
            url_path="homogeneity"),
    st.Page("pages/relu_network.py", title="ReLU networks", icon=":material/hub:",
            url_path="relu-network"),
    st.Page("pages/homework.py", title="Homework", icon=":material/school:", url_path="homework"),
]).run()
