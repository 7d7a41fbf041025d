"""Crafted data-editor states (ui.editor_edits_fit): rows beyond a table's cap are dropped
before Streamlit applies them one by one, through the Properties page's piecewise editor."""

from __future__ import annotations

from page_util import page_runner
from streamlit.elements.widgets import data_editor

from clarke_core.views.piecewise_editor import MAX_ROWS

run_page = page_runner("../app_pages/properties.py", 90)
KEY = "properties_pieces"


def _rows_streamlit_added(monkeypatch) -> list[int]:
    added: list[int] = []
    original = data_editor._apply_row_additions

    def spy(df, rows, schema):
        added.append(len(rows))
        return original(df, rows, schema)

    monkeypatch.setattr(data_editor, "_apply_row_additions", spy)
    return added


def test_thousands_of_added_rows_are_dropped_before_streamlit_applies_them(monkeypatch):
    added = _rows_streamlit_added(monkeypatch)
    at = run_page(pieces="true")
    rows = [{"expression": "x", "condition": "True"}] * 3500
    at.session_state[KEY] = {"edited_rows": {}, "added_rows": rows, "deleted_rows": []}
    at.run()
    assert not at.exception, at.exception
    assert f"The table's edits were dropped: it holds at most {MAX_ROWS} rows." in [
        w.value for w in at.warning]
    assert all(n <= MAX_ROWS for n in added)  # Streamlit never saw the 3500 rows
    assert any("Piecewise((-x, x < 0), (x, True))" in c.value for c in at.code)  # the start rows


def test_rows_up_to_the_cap_are_still_applied(monkeypatch):
    added = _rows_streamlit_added(monkeypatch)
    at = run_page(pieces="true")
    edits = {"edited_rows": {1: {"condition": "x < 1"}},
             "added_rows": [{"expression": "2*x - 1", "condition": "True"}],
             "deleted_rows": []}
    at.session_state[KEY] = edits
    at.run()
    assert not at.exception, at.exception
    assert not any("dropped" in w.value for w in at.warning)
    assert added == [1]
    assert any("Piecewise((-x, x < 0), (x, x < 1), (2*x - 1, True))" in c.value
               for c in at.code)


def test_a_state_that_is_not_an_edit_is_dropped():
    at = run_page(pieces="true")
    at.session_state[KEY] = {"edited_rows": {"zero": 1}, "added_rows": 7, "deleted_rows": [99]}
    at.run()
    assert not at.exception, at.exception
    assert any("dropped" in w.value for w in at.warning)
