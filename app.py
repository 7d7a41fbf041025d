"""Clarke Lab: the router. Each page lives in app_pages/ and reads like a description of its UI.

Not in a folder named pages/: Streamlit scans that one at start-up, and a first deep link (say
/homework) on a fresh server then showed "Page not found" over the right page (streamlit#9624).
"""

from pathlib import Path

import streamlit as st

import ui_present

# A local favicon: without one the browser tab shows the page's material icon, which the
# frontend fetches from fonts.gstatic.com (an outside host) on every page change.
FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"

st.set_page_config(page_title="Clarke Lab", page_icon=FAVICON, layout="wide",
                   initial_sidebar_state=ui_present.sidebar_state())
ui_present.chrome()  # layout CSS for narrow screens, presentation mode (?present=1)
st.navigation([
    st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("app_pages/subgradients_page.py", title="Subgradients", icon=":material/trending_down:",
            url_path="subgradients"),
    st.Page("app_pages/clarke_lesson.py", title="Clarke differential", icon=":material/show_chart:",
            url_path="clarke"),
    # The old addresses of the 1D and 2D lessons, kept so that shared links still open them.
    st.Page("app_pages/clarke_1d.py", title="Clarke differential (1D)", url_path="clarke-1d",
            visibility="hidden"),
    st.Page("app_pages/clarke_2d.py", title="Clarke differential (2D)", url_path="clarke-2d",
            visibility="hidden"),
    st.Page("app_pages/properties.py", title="Properties", icon=":material/rule:",
            url_path="clarke-properties"),
    st.Page("app_pages/positive_homogeneity.py", title="Positive homogeneity",
            icon=":material/open_in_full:", url_path="homogeneity"),
    st.Page("app_pages/relu_network.py", title="ReLU networks", icon=":material/hub:",
            url_path="relu-network"),
    st.Page("app_pages/gradient_inclusion.py", title="Gradient inclusion", icon=":material/moving:",
            url_path="gradient-inclusion"),
    st.Page("app_pages/homework_checker.py", title="Homework", icon=":material/school:",
            url_path="homework"),
    st.Page("app_pages/lecturer.py", title="Lecturer", icon=":material/co_present:",
            url_path="lecturer"),
    st.Page("app_pages/live.py", title="Live question", icon=":material/campaign:",
            url_path="live", visibility="hidden"),
    st.Page("app_pages/autodiff_vs_clarke.py", title="Autodiff vs Clarke",
            icon=":material/functions:", url_path="autodiff"),
    st.Page("app_pages/lecture_check.py", title="Lecture check", icon=":material/fact_check:",
            url_path="lecture-check"),
]).run()
