"""The old address /clarke-1d: the 1D lesson now lives on the Clarke differential page."""

import streamlit as st

# A shared link keeps working: its f and at go along, and dim says which lesson.
st.switch_page("app_pages/clarke_lesson.py", query_params={**st.query_params.to_dict(), "dim": "1"})
