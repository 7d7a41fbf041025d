"""Figure downloads: the buttons under the main figures, and what the HTML file holds."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
from page_util import page_runner
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

import ui

run_page = page_runner("../app_pages/clarke_lesson.py", 60)


def _buttons(at: AppTest) -> list:
    return at.get("download_button")


def test_the_1d_page_offers_html_downloads_of_its_figures():
    at = run_page()
    assert not at.exception, at.exception
    buttons = _buttons(at)
    labels = [b.proto.label for b in buttons]
    assert labels.count("Download HTML") == 1, labels  # one linked figure
    assert all(b.proto.ignore_rerun for b in buttons)


def test_png_button_only_when_kaleido_and_a_browser_are_there():
    at = run_page()
    labels = [b.proto.label for b in _buttons(at)]
    expected = 1 if ui._picture_renderer() is not None else 0
    assert labels.count("Download PNG") == expected, labels


def test_the_html_file_is_standalone_and_holds_the_data():
    fig = go.Figure(go.Scatter(x=[0.125, 0.5], y=[31.4159, 2.71828], name="the function"))
    html = ui._figure_html(fig).decode()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "31.4159" in html and "2.71828" in html and "the function" in html
    assert "<script src=" not in html  # plotly.js is inside, so it opens offline
    assert len(html) > 1_000_000


def test_the_png_is_made_with_the_local_chromium():
    render = ui._picture_renderer()
    if render is None:
        pytest.skip("kaleido or a Chromium is not installed")
    png = render(go.Figure(go.Scatter(y=[1, 3, 2])), "png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 1000


def test_the_html_file_is_a_function_of_the_figure():
    # plotly's to_html picks a random div id; two builds of one figure must be the same bytes.
    ui._FILES.clear()
    first = ui._figure_html(go.Figure(go.Scatter(x=[0, 1], y=[2, 3])))
    ui._FILES.clear()  # built again from scratch, not taken from the kept copy
    again = ui._figure_html(go.Figure(go.Scatter(x=[0, 1], y=[2, 3])))
    assert first == again
    other = ui._figure_html(go.Figure(go.Scatter(x=[0, 1], y=[2, 4])))
    assert other != first
    # the kept copy is handed out as the very same object: no new 5 MB per click
    assert ui._figure_html(go.Figure(go.Scatter(x=[0, 1], y=[2, 3]))) is again


def test_figures_that_differ_only_early_still_get_different_files():
    # Streamlit names a file over 1 MiB by its length, head, middle and last 64 KiB; the figure's
    # digest near the end keeps two same-length figures that differ early apart.
    ui._FILES.clear()
    ys = [float(k % 7) for k in range(20_000)]
    a = ui._figure_html(go.Figure(go.Scatter(y=[1.0, *ys])))
    b = ui._figure_html(go.Figure(go.Scatter(y=[2.0, *ys])))
    assert len(a) == len(b) and a[-65_536:] != b[-65_536:]


def test_the_kept_files_are_bounded():
    ui._FILES.clear()
    for k in range(3 * ui._FILES_KEPT):
        ui._figure_html(go.Figure(go.Scatter(y=[k, 1])))
    assert len(ui._FILES) == ui._FILES_KEPT


def test_clicks_and_reruns_do_not_grow_streamlits_stored_files(monkeypatch):
    """The reproduction of issue 12, 1b, against Streamlit's own media file manager: one
    manager for all runs (AppTest makes a new one per run otherwise), each rerun followed by
    clicks on every HTML button, as a browser (or a bare WebSocket client) sends them."""
    storage = MemoryMediaFileStorage("/mock/media")
    manager = MediaFileManager(storage)
    monkeypatch.setattr(app_test_module, "MediaFileManager", lambda _storage: manager)
    ui._FILES.clear()
    at = AppTest.from_file("../app_pages/clarke_lesson.py", default_timeout=60)
    urls, stored = set(), []
    for rerun in range(6):
        at.run()
        assert not at.exception, at.exception
        html = [b for b in _buttons(at) if b.proto.label == "Download HTML"]
        assert len(html) == 1 and all(b.proto.deferred_file_id for b in html)
        # nothing is built by a rerun: only the deferred callables are registered
        if rerun == 0:
            assert not storage._files_by_id
        for button in html:
            for _ in range(10):
                urls.add(manager.execute_deferred(button.proto.deferred_file_id))
        stored.append(len(storage._files_by_id))
        assert len(manager._deferred_callables) <= len(_buttons(at))
    assert len(urls) == 1  # one file per figure, however often it was asked for
    assert max(stored) == 1, stored
