"""Homework: answer an assignment's questions, get feedback at once, download your answers."""

import csv
import io

import streamlit as st

import ui
from clarke_core import InputError
from clarke_core.grading import (
    KINDS,
    MAX_ASSIGNMENT_BYTES,
    assignment_latex,
    check_question,
    csv_cell,
    example_assignments,
    load_assignment,
)
from clarke_core.service import sandbox

PICK, KIND, UPLOAD, NAME = "homework_pick", "homework_kind", "homework_upload", "homework_student"
ANSWER, RESULT, SAVED = "homework_answer_", "homework_result_", "homework_saved_"
SEEN = "homework_uploads_seen"  # file id -> size of every file this session uploaded
MAX_UPLOADS, MAX_UPLOAD_BYTES = 10, 5 * MAX_ASSIGNMENT_BYTES  # per session
UPLOADED = "Upload a file…"
TIMEOUT_S = 10.0
PLACEHOLDERS = {"clarke": "e.g. [0, 1]", "subdifferential": "e.g. [0, 1] or empty",
                "member": "yes or no", "lipschitz": "yes or no", "homogeneity": "e.g. 2 or none"}
EXAMPLES = example_assignments()
SHOWN = {"all": "all questions", "clarke": "Clarke sets", "subdifferential": "subdifferentials",
         "member": "membership", "lipschitz": "Lipschitz", "homogeneity": "homogeneity degrees"}
# What a link keeps: the assignment and the kind of questions shown, never an uploaded file.
URL_STATE = {PICK: ui.UrlParam("assignment", next(iter(EXAMPLES)), choices=(*EXAMPLES, UPLOADED)),
             KIND: ui.UrlParam("kind", "all", choices=("all", *KINDS))}


# Assignment text may come from an uploaded file: show it as words, never as markup or math.
plain = ui.user_text


@st.cache_data(max_entries=16, show_spinner=False)
def prepare(data: bytes):
    assignment = load_assignment(data)  # tomllib only; the functions are parsed in the sandbox
    return assignment, sandbox.run(assignment_latex, assignment, timeout=TIMEOUT_S)


def answers_csv(assignment, student: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "question", "answer"])
    for q in assignment.questions:
        # csv_cell: a spreadsheet shows "=..." or "-1" as text, never as a formula; the grader
        # reads the cells back as typed (grading.uncell).
        writer.writerow([csv_cell(student), csv_cell(q.id),
                         csv_cell(st.session_state.get(SAVED + q.id, ""))])
    return buffer.getvalue()


st.title("Homework")
st.markdown("Answer each question and press **Check**: the feedback says what is right, what "
            "is missing and what is extra. Nothing is stored on the server; download your "
            "answers as CSV at the end.")
with st.expander("How to type answers"):
    st.markdown(
        "| answer | type |\n|---|---|\n"
        "| a number | `1/2`, `sqrt(2) - 1`, `pi`, `0.5` (decimals within 1e-6) |\n"
        "| an interval | `[a, b]` (also `(a, b)`, `[a, b)`, `(a, b]`) |\n"
        "| a finite set | `{a, b}` |\n| the empty set | `empty`, `∅` or `{}` |\n"
        "| a point in 2D | `(a, b)` |\n| a segment | `[(a, b), (c, d)]` |\n"
        "| a polygon | `conv{(a, b), (c, d), (e, f)}` |\n"
        "| no Clarke set (not locally Lipschitz) | `undefined` |\n"
        "| membership, Lipschitz | `yes` or `no` |\n| homogeneity degree | `2`, `1/2` or `none` |"
    )

ui.restore_from_url(URL_STATE)
source_col, kind_col, name_col = st.columns([3, 2, 2])
source = source_col.selectbox("Assignment", [*EXAMPLES, UPLOADED], key=PICK)
kind = kind_col.selectbox("Show", list(SHOWN), key=KIND, format_func=SHOWN.get)
student = name_col.text_input("Your name (for the CSV)", key=NAME, max_chars=80)
ui.keep_in_url(URL_STATE)
if source == UPLOADED:
    uploaded = st.file_uploader("Assignment file (TOML)", type=["toml"], key=UPLOAD)
    if uploaded is None:
        st.info("Upload a TOML assignment, or pick an example above.")
        st.stop()
    if uploaded.size > MAX_ASSIGNMENT_BYTES:
        st.error(f"The file is too large; the limit is {MAX_ASSIGNMENT_BYTES // 1000} kB.")
        st.stop()
    # Counted before the content is read or cached: one session cannot fill the server with files.
    seen = st.session_state.setdefault(SEEN, {})
    if uploaded.file_id not in seen:
        if len(seen) >= MAX_UPLOADS or sum(seen.values()) + uploaded.size > MAX_UPLOAD_BYTES:
            st.error(f"This session has already uploaded {len(seen)} files "
                     f"({sum(seen.values()) // 1000} kB); the limit is {MAX_UPLOADS} files or "
                     f"{MAX_UPLOAD_BYTES // 1000} kB in all, so reload the page to start afresh.")
            st.stop()
        seen[uploaded.file_id] = uploaded.size
    data = uploaded.getvalue()
else:
    with open(EXAMPLES[source], "rb") as f:
        data = f.read()
try:
    with st.spinner("Reading the assignment…"), sandbox.acting_for(*ui.session_owner()):
        assignment, formulas = prepare(data)
except InputError as err:
    st.error(plain(str(err)))
    st.stop()
except RuntimeError:
    st.error("Something went wrong on our side while reading the assignment.")
    st.stop()

st.header(plain(assignment.title), divider="gray")
shown = [(n, q, tex) for n, (q, tex) in enumerate(zip(assignment.questions, formulas,
                                                      strict=True), 1) if kind in ("all", q.kind)]
if not shown:
    st.info(f"This assignment has no questions on {SHOWN[kind]}; choose another kind above.")
for number, q, (f_tex, at_tex) in shown:
    # A hidden question's input is dropped by Streamlit, so its answer is also kept aside.
    if ANSWER + q.id not in st.session_state and SAVED + q.id in st.session_state:
        st.session_state[ANSWER + q.id] = st.session_state[SAVED + q.id]
    st.markdown(f"**{number}\\. {plain(q.text)}** · {q.points:g} point(s)")
    formula = f"f = {f_tex}" + (rf", \qquad x_0 = {at_tex}" if at_tex else "")
    st.latex(formula)
    with st.form(f"homework_form_{q.id}", border=False):
        answer_col, button_col = st.columns([5, 1], vertical_alignment="bottom")
        answer_col.text_input("Your answer", key=ANSWER + q.id, max_chars=1000,
                              placeholder=PLACEHOLDERS[q.kind])
        checked = button_col.form_submit_button("Check", use_container_width=True)
    st.session_state[SAVED + q.id] = st.session_state.get(ANSWER + q.id, "")
    if checked:
        answer = st.session_state.get(ANSWER + q.id, "")
        try:
            with st.spinner("Checking…"), sandbox.acting_for(*ui.session_owner()):
                st.session_state[RESULT + q.id] = sandbox.run(check_question, q, answer,
                                                              timeout=TIMEOUT_S)
        except InputError as err:
            st.session_state[RESULT + q.id] = str(err)
        except RuntimeError:
            st.session_state[RESULT + q.id] = "Something went wrong on our side; try again."
    result = st.session_state.get(RESULT + q.id)
    if isinstance(result, str):
        st.error(plain(result))
    elif result is not None:
        if result.answer_latex:
            st.latex(r"\text{your answer: } " + result.answer_latex)
        show = st.success if result.correct else st.warning
        show(f"{plain(result.feedback)} (score {result.score:.2f})")
    if q.hints:
        with st.expander("Hint"):
            for hint in q.hints:
                st.markdown(plain(hint))

st.divider()
earned = sum(r.score * q.points for q in assignment.questions
             if not isinstance(r := st.session_state.get(RESULT + q.id), str | None))
st.metric("Points so far (checked answers)", f"{earned:g} / {assignment.total:g}")
st.download_button("Download my answers (CSV)", answers_csv(assignment, student or "me"),
                   file_name="answers.csv", mime="text/csv")
