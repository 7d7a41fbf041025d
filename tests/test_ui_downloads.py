"""Figure downloads: the buttons under the main figures, and what the HTML file holds."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from page_util import page_runner
from streamlit.testing.v1 import AppTest

import ui

run_page = page_runner("../app_pages/clarke_lesson.py", 60)


def _buttons(at: AppTest) -> list:
    return at.get("download_button")


def test_the_1d_page_offers_html_downloads_of_its_figures():
    at = run_page()
    assert not at.exception, at.exception
    buttons = _buttons(at)
    labels = [b.proto.label for b in buttons]
    assert labels.count("Download HTML") == 2, labels
    assert all(b.proto.ignore_rerun for b in buttons)


def test_png_button_only_when_kaleido_and_a_browser_are_there():
    at = run_page()
    labels = [b.proto.label for b in _buttons(at)]
    expected = 2 if ui._png_renderer() is not None else 0
    assert labels.count("Download PNG") == expected, labels


def test_the_html_file_is_standalone_and_holds_the_data():
    fig = go.Figure(go.Scatter(x=[0.125, 0.5], y=[31.4159, 2.71828], name="the function"))
    html = ui._figure_html(fig)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "31.4159" in html and "2.71828" in html and "the function" in html
    assert "<script src=" not in html  # plotly.js is inside, so it opens offline
    assert len(html) > 1_000_000


def test_the_png_is_made_with_the_local_chromium():
    render = ui._png_renderer()
    if render is None:
        pytest.skip("kaleido or a Chromium is not installed")
    png = render(go.Figure(go.Scatter(y=[1, 3, 2])))
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000
