"""ui.restore_from_url / keep_in_url: controls start from the URL, bad URL values keep the
default with one sentence, and the URL follows the controls."""

from streamlit.testing.v1 import AppTest


def _app():
    import streamlit as st

    import ui

    params = {"eta": ui.UrlParam("eta", 0.3, lo=0.001, hi=5.0),
              "steps": ui.UrlParam("steps", 50, lo=10, hi=100, integer=True),
              "rule": ui.UrlParam("rule", "constant", choices=("constant", "diminishing"))}
    ui.restore_from_url(params)
    st.number_input("eta", key="eta", min_value=0.001, max_value=5.0)
    st.slider("steps", 10, 100, key="steps")
    st.radio("rule", ["constant", "diminishing"], key="rule")
    ui.keep_in_url(params)


def _run(**query) -> AppTest:
    at = AppTest.from_function(_app)
    at.query_params.update(query)
    return at.run()


def test_controls_start_from_the_url_and_stay_in_it():
    at = _run(eta="0.05", steps="20", rule="diminishing")
    assert (at.number_input[0].value, at.slider[0].value, at.radio[0].value) == (
        0.05, 20, "diminishing")
    assert not at.warning and not at.exception
    at.slider[0].set_value(30).run()
    assert at.query_params["steps"] == "30" and at.query_params["eta"] == "0.05"


def test_bad_url_values_keep_the_default_and_say_so():
    at = _run(eta="1e999", steps="2.5", rule="__import__('os')")
    assert (at.number_input[0].value, at.slider[0].value, at.radio[0].value) == (
        0.3, 50, "constant")
    messages = " ".join(w.value for w in at.warning)
    assert "eta" in messages and "whole number from 10 to 100" in messages
    assert "one of constant, diminishing" in messages
    assert not at.exception
