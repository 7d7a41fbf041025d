"""Figure builders: data in, ``plotly.graph_objects.Figure`` out (no streamlit here)."""

from __future__ import annotations

from .one_d import graph_figure, slope_figure, witness_figure

__all__ = ["graph_figure", "slope_figure", "witness_figure"]
