"""Live question: students answer the question the lecturer opened through its short link
(``/live?t=CODE``); the lecturer (behind the secret) opens and closes it and watches the tally."""

import streamlit as st

import ui
from clarke_core import InputError
from clarke_core.classroom import (
    answer_live,
    class_record,
    classes,
    close_live,
    current_live,
    find_live,
    is_lecturer,
    lecturer_secret,
    live_tally,
    open_live,
)
from clarke_core.classroom.live import live_link, normal_token
from clarke_core.classroom.submissions import sandboxed_grade
from clarke_core.engine.printing import count_text
from clarke_core.figures.live import live_figure, qr_svg
from clarke_core.grading import question_latex
from clarke_core.service import sandbox
from lessons.lecturer import SIGNED_IN

NAME, ANSWER, RESULT = "live_name", "live_answer", "live_result_"
SECRET, CLASS, QUESTION = "live_secret", "live_class", "live_question"
LECTURER = SIGNED_IN  # one sign-in for the Lecturer and Live pages
CODE, CLOSED = "live_code", "live_closed"
TIMEOUT_S, REFRESH_S = 10.0, 3
plain = ui.user_text


@st.cache_data(max_entries=64, show_spinner=False)
def formula(question) -> str:
    f_tex, at_tex = sandbox.run(question_latex, question, timeout=TIMEOUT_S)
    return f"f = {f_tex}" + (rf", \qquad x_0 = {at_tex}" if at_tex else "")


@st.cache_data(max_entries=512, show_spinner=False)
def graded(question, answer: str):
    """The sandboxed verdict of ``answer`` (a pure function of the two): a class types the same
    few answers, and each repeat then costs no worker (every attempt is still stored)."""
    return sandboxed_grade(question, answer)


def guarded(action, *args):
    """``action(*args)`` with bad input or a broken store as one sentence and no traceback."""
    try:
        with sandbox.acting_for(*ui.session_owner()):
            return action(*args)
    except InputError as err:  # StoreError is one
        st.error(plain(str(err)))
    except RuntimeError:
        st.error(ui.SOMETHING_WRONG)
    st.stop()


def student(token: str) -> None:
    store = guarded(ui.classroom_store)
    live, record = guarded(find_live, store, token)
    name = st.text_input("Your name", key=NAME, max_chars=80,
                         placeholder="as your lecturer should see it").strip()
    if not name:
        st.info("Type your name to see the question.")
        st.stop()
    question = record.open().question_for(live.question, name)
    st.markdown(f"**{plain(question.text)}**")
    with st.spinner("Reading the question…"):
        st.latex(guarded(formula, question))
    with st.form("live_form", border=False):
        st.text_input("Your answer", key=ANSWER, max_chars=1000, placeholder="e.g. [0, 1]")
        sent = st.form_submit_button("Send", type="primary", use_container_width=True)
    if sent:
        with st.spinner("Checking…"):
            try:
                with sandbox.acting_for(*ui.session_owner()):
                    s = answer_live(store, live.token, name, st.session_state[ANSWER],
                                    grade=graded)
                # Under "none" the colour would tell what the words do not: info for everyone.
                colour = ("info" if s.mode == "none"
                          else "success" if s.attempt.correct else "warning")
                st.session_state[RESULT + str(live.id)] = (colour, s.shown)
            except InputError as err:
                st.session_state[RESULT + str(live.id)] = ("error", str(err))
            except RuntimeError:
                st.session_state[RESULT + str(live.id)] = ("error", ui.SOMETHING_WRONG)
    if result := st.session_state.get(RESULT + str(live.id)):
        getattr(st, result[0])(plain(result[1]))


def lecturer_gate() -> None:
    """Let a lecturer in with the secret; a student who typed /live gets a box for the code."""
    st.markdown("Answering a live question? Open the link or QR code your lecturer shows, or "
                "type its code here.")
    with st.form("live_code_form", border=False):
        code_col, go_col = st.columns([3, 1], vertical_alignment="bottom")
        code = code_col.text_input("Live code", key=CODE, max_chars=16)
        if go_col.form_submit_button("Go", use_container_width=True) and code.strip():
            st.query_params["t"] = normal_token(code)[:16]
            st.rerun()
    secret = lecturer_secret(st.secrets)
    if secret is None:
        st.caption("This server has no lecturer's secret set, so it has no lecturer's view.")
        st.stop()
    with st.expander("Lecturer", expanded=False), st.form("live_secret_form", border=False):
        typed = st.text_input("Lecturer's secret", key=SECRET, type="password")
        if st.form_submit_button("Enter"):
            if is_lecturer(typed, secret):
                st.session_state[LECTURER] = True
                st.rerun()
            st.error("That is not the lecturer's secret.")
    st.stop()


@st.fragment(run_every=REFRESH_S)
def tally_view(live) -> None:
    tally = live_tally(ui.classroom_store(), live)
    share = f", {tally.right / tally.answers:.0%} right" if tally.answers else ""
    st.markdown(f"**{count_text(tally.answers, 'answer')} from "
                f"{count_text(tally.students, 'student')}{share}** · "
                f"updates every {REFRESH_S} s")
    ui.chart(live_figure(tally), modebar=False, key=f"live_chart_{live.id}")


def lecturer() -> None:
    store = guarded(ui.classroom_store)
    found = guarded(classes, store)
    if not found:
        st.info("There is no class yet: create one on the lecturer's page first.")
        st.stop()
    class_col, question_col, open_col, close_col = st.columns([2, 3, 1, 1],
                                                              vertical_alignment="bottom")
    code = class_col.selectbox("Class", [c.code for c in found], key=CLASS, format_func={
        c.code: f"{c.code} · {c.assignment}" for c in found}.get)
    assignment = guarded(class_record, store, code).open()
    qid = question_col.selectbox("Question", [q.id for q in assignment.questions],
                                 key=QUESTION, format_func={
                                     q.id: f"{q.id}: {q.text}" for q in assignment.questions}.get)
    live = guarded(current_live, store, code)
    if open_col.button("Open live", type="primary", use_container_width=True):
        live = guarded(open_live, store, code, qid)
    if close_col.button("Close", use_container_width=True, disabled=live is None):
        close_live(store, live)
        st.session_state[CLOSED], live = live, None
    if live is None:
        st.info("No question of this class is open: pick one and press Open live.")
        if closed := st.session_state.get(CLOSED):
            st.markdown(f"**Answers to {plain(closed.question)}, now closed**")
            ui.chart(live_figure(live_tally(store, closed)), modebar=False)
        return
    link = live_link(st.context.url, live.token)
    qr_col, tally_col = st.columns([1, 2], gap="large")
    with qr_col:
        st.subheader(f"Code {live.token}", anchor=False)
        st.caption(f"Live: {plain(live.question)}. Scan, open the link or type the code at "
                   "/live.")
        if link:
            # The SVG is segno's squares for a link built from this page's own address (no
            # typed text), so it can go in as HTML; st.html would strip the <svg>.
            st.markdown(f'<div style="line-height:0">{qr_svg(link)}</div>',
                        unsafe_allow_html=True)
            st.markdown(f"[{link}]({link})")
        else:
            st.warning(f"This page's address is not a plain web address; students type the "
                       f"code {live.token} at /live.")
    with tally_col:
        tally_view(live)


st.title("Live question")
token = st.query_params.get("t")
if token is not None:
    student(token)
elif not st.session_state.get(LECTURER):
    lecturer_gate()
else:
    lecturer()
