"""What each page shows, computed: the gallery, the explorations the pages draw, the sentences
that compare sets (plain data and text; no streamlit, no plotly)."""
