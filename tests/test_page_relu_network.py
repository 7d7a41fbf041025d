"""The "ReLU networks" page, run headless with Streamlit's AppTest."""

from __future__ import annotations

import base64

import numpy as np
from page_util import figures, page_runner

from clarke_core.labs.networks import explore_network, forward

PAGE = "../app_pages/relu_network.py"
TIMEOUT = 60
DEPTH, WIDTH, LR = "relu_network_depth", "relu_network_width", "relu_network_lr"
MODE = "relu_network_weights"
NORMS = "2. Norms under gradient descent"  # the lazy tab, opened through the URL (section=...)

run_page = page_runner(PAGE, TIMEOUT)



def numbers(field) -> np.ndarray:
    """A Plotly data field as numbers: a plain list, or {"dtype", "bdata"} (base64)."""
    if isinstance(field, dict):
        return np.frombuffer(base64.b64decode(field["bdata"]), dtype=field["dtype"])
    return np.asarray(field, dtype=float)


def test_default_network_renders_every_view():
    at = run_page()
    assert not at.exception, at.exception
    assert not at.error
    figs = figures(at)
    assert len(figs) == 3  # scaling, patterns, Euler bars: the training's tab is not drawn
    bars = figs[2]["data"][0]
    assert len(bars["x"]) == 4  # W_1 .. W_4 for depth 3
    assert not any("relative spread" in c.value for c in at.caption)
    assert at.query_params["depth"] == "3"
    at = run_page(section=NORMS)
    assert not at.exception and not at.error
    figs = figures(at)
    assert len(figs) == 3  # the norms, the seven-rate comparison and the key step
    assert [t["name"] for t in figs[0]["data"]] == ["W₁", "W₂", "W₃", "W₄"]
    assert any("relative spread" in c.value for c in at.caption)


def test_changing_depth_and_step_size():
    at = run_page(section=NORMS)
    at.slider(key=DEPTH).set_value(2).run()
    at.select_slider(key=LR).set_value("0.1").run()
    assert not at.exception and not at.error
    assert len(figures(at)[0]["data"]) == 3  # the norms of W_1 .. W_3
    assert at.query_params["lr"] == "0.1"


def test_a_link_restores_the_settings_and_ignores_junk():
    at = run_page(depth="2", width="8", lr="0.003")
    assert not at.exception and not at.error
    assert at.slider(key=DEPTH).value == 2 and at.slider(key=WIDTH).value == 8
    at = run_page(depth="__import__('os')", width="1e9", lr="nan")
    assert not at.exception and not at.error
    assert at.slider(key=DEPTH).value == 3 and at.slider(key=WIDTH).value == 16


def test_editing_one_weight_changes_f_and_the_euler_bars():
    at = run_page()
    before = numbers(figures(at)[2]["data"][0]["y"])
    at.radio(key=MODE).set_value("edit").run()
    assert not at.exception and not at.error
    assert len(at.data_editor) == 4  # W_1 .. W_4, one tab each
    assert [e.value.shape for e in at.data_editor] == [(16, 2), (16, 16), (16, 16), (1, 16)]
    assert np.allclose(numbers(figures(at)[2]["data"][0]["y"]), before)  # unedited: seeded
    # W_4[1, j] += 1 for a neuron j active at the shown input: f moves by its activation
    view = explore_network(3, 16, 0)
    j = int(np.argmax(forward(view.net, view.x[:1]).activations[-1][0]))
    old = float(at.data_editor[3].value.iloc[0, j])
    at.session_state["relu_network_w4_3_16_0"] = {
        "edited_rows": {0: {str(j + 1): old + 1.0}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error
    bars = numbers(figures(at)[2]["data"][0]["y"])
    assert not np.allclose(bars, before)
    gap = forward(view.net, view.x[:1]).activations[-1][0, j]
    assert np.allclose(bars, view.f0 + gap)  # every layer's bar reaches the new f
    assert any(f"f(x) = {view.f0 + gap:.6g}" in c.value for c in at.caption)


def test_an_out_of_range_weight_is_refused_in_one_sentence():
    at = run_page()
    at.radio(key=MODE).set_value("edit").run()
    at.session_state["relu_network_w1_3_16_0"] = {
        "edited_rows": {2: {"1": 1e6}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Weight W₁[3, 1] must be a number with |w| ≤ 100, not 1e+06."]
    assert not figures(at)


def test_a_url_restores_every_control():
    at = run_page(depth="2", width="8", seed="7", lr="0.003", steps="300", weights="edit",
                  section=NORMS)
    assert not at.exception and not at.error and not at.warning
    assert (at.slider(key=DEPTH).value, at.slider(key=WIDTH).value) == (2, 8)
    assert at.number_input(key="relu_network_seed").value == 7
    assert at.select_slider(key=LR).value == "0.003"
    assert at.slider(key="relu_network_steps").value == 300
    assert at.radio(key=MODE).value == "edit" and len(at.data_editor) == 3
    assert len(numbers(figures(at)[0]["data"][0]["y"])) == 301  # 300 steps and the start
    at.slider(key=WIDTH).set_value(4).run()
    assert at.query_params["width"] == "4" and at.query_params["seed"] == "7"


def test_bad_url_values_keep_the_defaults_with_one_sentence_each():
    at = run_page(depth="__import__('os')", width="1e9", lr="nan", weights="mine")
    assert not at.exception and not at.error
    messages = [w.value for w in at.warning]
    assert len(messages) == 4, messages
    assert "The link's width = '1e9' is not a whole number from 1 to 64, so 16 is used " \
           "instead." in messages
    assert any("lr = 'nan' is not one of 0.0003, 0.001" in m for m in messages)
    assert at.radio(key=MODE).value == "random (seed)"
    assert len(figures(at)) == 3


def test_main_figures_have_downloads_and_stay_small():
    at = run_page()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download HTML") == 1, labels  # the scaling figure
    assert all(len(c.proto.spec) < 1_000_000 for c in at.get("plotly_chart"))
    scaling = figures(at)[0]
    assert scaling["layout"]["xaxis"]["title"]["text"] == "α"
    assert scaling["data"][0]["name"] == "W₁ scaled"
    at = run_page(section=NORMS)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("Download HTML") == 1, labels  # the norms
    assert all(len(c.proto.spec) < 1_000_000 for c in at.get("plotly_chart"))


# --- heavy work stays out of the server; crafted editor states are not applied -----------------


def _count_calls(monkeypatch, module, name):
    calls = []
    original = getattr(module, name)

    def spy(*args, **kwargs):
        calls.append((args, kwargs))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return calls


def test_training_runs_in_the_sandbox_not_in_the_server(monkeypatch):
    from clarke_core.labs import networks

    trained = _count_calls(monkeypatch, networks, "train")
    at = run_page(depth="2", width="8", steps="200", seed="11", section=NORMS)
    assert not at.exception and not at.error
    assert len(figures(at)) == 3  # the norms, the seven-rate comparison and the key step drawn
    assert trained == []  # none of the trainings ran in this (the server's) process


def test_a_training_too_big_for_the_page_is_refused_in_one_sentence(monkeypatch):
    from clarke_core.labs import networks

    trained = _count_calls(monkeypatch, networks, "train")
    at = run_page(depth="6", width="64", steps="3000", seed="4242", section=NORMS)
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Depth 6 and width 64 train at most 700 steps on this page, not 3000; choose fewer "
        "steps or a smaller network (the command line's balance has no such limit)."]
    assert trained == []
    at.slider(key="relu_network_steps").set_value(700).run()  # at the limit: trained, elsewhere
    assert not at.exception and not at.error
    assert len(numbers(figures(at)[0]["data"][0]["y"])) == 701
    assert trained == []


def test_thousands_of_crafted_rows_are_never_applied_to_a_fixed_editor(monkeypatch):
    from streamlit.elements.widgets import data_editor

    applied = _count_calls(monkeypatch, data_editor, "_apply_row_additions")
    at = run_page()
    at.radio(key=MODE).set_value("edit").run()
    before = numbers(figures(at)[2]["data"][0]["y"])
    rows = [{"_index": str(100 + k), "1": 1.0, "2": 2.0} for k in range(3500)]
    at.session_state["relu_network_w1_3_16_0"] = {
        "edited_rows": {}, "added_rows": rows, "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "The edits of W₁ were dropped: the table has a fixed size, 16×2."]
    assert all(not args[1] for args, _ in applied)  # Streamlit never saw a row to add
    assert np.allclose(numbers(figures(at)[2]["data"][0]["y"]), before)  # the seeded network


def test_edits_of_cells_that_are_not_there_are_dropped():
    at = run_page()
    at.radio(key=MODE).set_value("edit").run()
    at.session_state["relu_network_w4_3_16_0"] = {
        "edited_rows": {k: {"1": 0.5} for k in range(1, 1500)}, "added_rows": [],
        "deleted_rows": []}
    at.run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        "The edits of W₄ were dropped: the table has a fixed size, 1×16."]
