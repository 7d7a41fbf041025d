"""What the pages share: the example picker with f and point inputs kept in the URL, the
sandboxed computation with its one-sentence errors, and the share link.

UI only (streamlit); pages import it, clarke_core never does. Kept out of pages/ so that it is
never mistaken for a page.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import streamlit as st

from clarke_core import InputError
from clarke_core.examples import Example, find_example

OWN = "Your own function"
SOMETHING_WRONG = "Something went wrong on our side; please try another function or point."


def function_inputs(prefix: str, examples: tuple[Example, ...], *, f_label: str, at_label: str,
                    f_help: str, at_help: str, typed_at: str) -> tuple[str, str]:
    """An example picker and the f and point inputs, under session keys ``<prefix>_example``,
    ``<prefix>_f`` and ``<prefix>_at``, mirrored in the URL (``f``, ``at``); returns (f, at).

    URL values are untrusted text: they are only ever shown in inputs and sent to the sandbox.
    ``typed_at`` is the point used when a URL gives a function but no point.
    """
    pick, f, at = f"{prefix}_example", f"{prefix}_f", f"{prefix}_at"
    labels = [e.label for e in examples] + [OWN]

    def label_of(text: str, point: str) -> str:
        example = find_example(examples, text, point)
        return example.label if example else OWN

    def on_pick() -> None:
        example = next((e for e in examples if e.label == st.session_state[pick]), None)
        if example:
            st.session_state[f], st.session_state[at] = example.expr, example.at

    def on_type() -> None:
        st.session_state[pick] = label_of(st.session_state[f], st.session_state[at])

    if f not in st.session_state:
        st.session_state[f] = st.query_params.get("f", examples[0].expr)
        st.session_state[at] = st.query_params.get(
            "at", examples[0].at if "f" not in st.query_params else typed_at)
        st.session_state[pick] = label_of(st.session_state[f], st.session_state[at])

    pick_col, f_col, at_col = st.columns([2, 3, 1.2])
    pick_col.selectbox("Example", labels, key=pick, on_change=on_pick)
    f_col.text_input(f_label, key=f, on_change=on_type, help=f_help)
    at_col.text_input(at_label, key=at, on_change=on_type, help=at_help)
    text, point = st.session_state[f], st.session_state[at]
    if st.query_params.get("f") != text or st.query_params.get("at") != point:
        st.query_params.update({"f": text, "at": point})
    example = find_example(examples, text, point)
    if example:
        st.caption(f"**What this example teaches.** {example.note}")
    return text, point


def computed(compute: Callable[[str, str], object], text: str, at: str, *, spinner: str,
             hint: str) -> object:
    """``compute(text, at)`` (a cached, sandboxed function of the page) behind a spinner; bad input
    shows its one sentence and stops the page, never a traceback."""
    if not text.strip() or not at.strip():
        st.info(hint)
        st.stop()
    try:
        with st.spinner(spinner):
            return compute(text, at)
    except InputError as err:
        st.error(str(err))
    except RuntimeError:
        st.error(SOMETHING_WRONG)
    st.stop()


def share_link(text: str, at: str) -> None:
    """The address that reopens this page with the same function and point."""
    st.caption("**Share this view**: this link opens the same function and point.")
    st.code(f"{st.context.url or ''}?{urlencode({'f': text, 'at': at})}", language=None,
            wrap_lines=True)
