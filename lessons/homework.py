"""The Homework page's body: a join box, then either a class's assignment (every check graded and
stored through ``classroom.submit``, shown under the assignment's feedback rule) or the practice
mode (the bundled or an uploaded assignment, nothing stored).

A session sees only its own student's attempts, and, unless the deployment's login names the
student, only those made in this session: a typed name is no password, so typing a classmate's
name shows no answer of theirs.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime

import streamlit as st

import ui
from clarke_core import InputError
from clarke_core.classroom import StoreError, attempt_feedback, class_record, submit, used_up
from clarke_core.engine.printing import count_text
from clarke_core.grading import (
    KINDS,
    MAX_ASSIGNMENT_BYTES,
    assignment_latex,
    check_question,
    csv_cell,
    example_assignments,
    load_assignment,
    printable,
)
from clarke_core.service import sandbox

PICK, KIND, UPLOAD, NAME = "homework_pick", "homework_kind", "homework_upload", "homework_student"
ANSWER, RESULT, SAVED = "homework_answer_", "homework_result_", "homework_saved_"
CODE, JOIN_NAME, JOINED = "homework_class_code", "homework_join_name", "homework_joined"
CLASS_ANSWER, CLASS_RESULT = "homework_class_answer_", "homework_class_result_"
MINE = "homework_my_attempts"  # ids of the attempts this session made
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
MODES = {"full": "full", "hint": "hints only (what is wrong, never the set)",
         "none": "none until the deadline"}
HOW_TO_TYPE = (
    "| answer | type |\n|---|---|\n"
    "| a number | `1/2`, `sqrt(2) - 1`, `pi`, `0.5` (decimals within 1e-6) |\n"
    "| an interval | `[a, b]` (also `(a, b)`, `[a, b)`, `(a, b]`) |\n"
    "| a finite set | `{a, b}` |\n| the empty set | `empty`, `∅` or `{}` |\n"
    "| a point in 2D | `(a, b)` |\n| a segment | `[(a, b), (c, d)]` |\n"
    "| a polygon | `conv{(a, b), (c, d), (e, f)}` |\n"
    "| no Clarke set (not locally Lipschitz) | `undefined` |\n"
    "| membership, Lipschitz | `yes` or `no` |\n| homogeneity degree | `2`, `1/2` or `none` |")

# Assignment text may come from an uploaded file: show it as words, never as markup or math.
plain = ui.user_text


@st.cache_data(max_entries=16, show_spinner=False)
def prepare(data: bytes, student: str):
    """The assignment as ``student`` is asked it (their variant of each question with
    parameters; a practice without a name gets the variant of "practice") and its LaTeX."""
    assignment = load_assignment(data)  # tomllib only; the functions are parsed in the sandbox
    mine = replace(assignment, questions=tuple(assignment.question_for(q.id, student)
                                               for q in assignment.questions))
    return mine, sandbox.run(assignment_latex, mine, timeout=TIMEOUT_S)


def student_formulas(source: str, student: str):
    """The LaTeX of each question as ``student`` is asked it (their variant)."""
    return prepare(source.encode(), student)[1]


def login_name() -> str | None:
    """The student's login when the deployment configures one (``st.login``), else None."""
    try:
        if st.user.is_logged_in:
            who = st.user.get("email") or st.user.get("name")
            return " ".join(str(who).split())[:80] or None
    except Exception:  # no authentication configured: st.user may refuse to answer
        return None
    return None


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


def page() -> None:
    st.title("Homework")
    st.markdown("Answer each question and press **Check**: the feedback says what is right, "
                "what is missing and what is extra. Join your class with its code to hand in "
                "answers; without a class, practise on the example assignment.")
    with st.expander("How to type answers"):
        st.markdown(HOW_TO_TYPE)
    joined = join_box()
    if joined is None:
        practice()
    else:
        in_class(*joined)


def join_box() -> tuple[str, str] | None:
    """The join box: (class code, student) once this session has joined a class, else None."""
    with st.container(border=True):
        if JOINED in st.session_state:
            code, student = st.session_state[JOINED]
            left, right = st.columns([5, 1], vertical_alignment="center")
            left.markdown(f"**Class {code}** · you answer as **{plain(student, inline=True)}**. "
                          "Every check is stored and counts.")
            right.button("Leave the class", key="homework_leave", on_click=_leave)
            return code, student
        st.markdown("**Join a class**: type the code your lecturer gave you.")
        login = login_name()
        code_col, name_col, button_col = st.columns([2, 3, 1], vertical_alignment="bottom")
        code_col.text_input("Class code", key=CODE, max_chars=16, placeholder="e.g. K7QM2P")
        if login:
            name_col.text_input("Your name (from your login)", value=login, disabled=True)
        else:
            name_col.text_input("Your name", key=JOIN_NAME, max_chars=80)
        pressed = button_col.button("Join", key="homework_join", width="stretch")
        if pressed:
            _join(st.session_state.get(CODE, ""), login or st.session_state.get(JOIN_NAME, ""))
    return None


def _join(code: str, name: str) -> None:
    student = " ".join(printable(name).split())  # as submit stores it
    if not student:
        st.error("Type your name as your lecturer will read it, then press Join.")
        return
    try:
        record = class_record(ui.classroom_store(), code)
    except (InputError, StoreError) as err:
        st.error(plain(str(err)))
        return
    st.session_state[JOINED] = (record.code, student)
    st.session_state[MINE] = []
    st.rerun()


def _leave() -> None:
    for key in [k for k in st.session_state if str(k).startswith(
            (CLASS_ANSWER, CLASS_RESULT)) or k in (JOINED, MINE)]:
        del st.session_state[key]


def in_class(code: str, student: str) -> None:
    """The class's assignment for ``student``: each check goes to ``classroom.submit``."""
    now = datetime.now(UTC)
    try:
        store = ui.classroom_store()
        record = class_record(store, code)
        assignment = record.open()
        with st.spinner("Reading the assignment…"), sandbox.acting_for(*ui.session_owner()):
            formulas = student_formulas(record.source, student)
    except (InputError, StoreError) as err:
        st.error(plain(str(err)))
        return
    except RuntimeError:
        st.error("Something went wrong on our side while reading the assignment.")
        return
    key, rules = record.assignment, assignment.rules
    login = login_name() is not None
    st.header(plain(assignment.title), divider="gray")
    allowed = f"{rules.attempts} per question" if rules.attempts else "no limit"
    deadline = ("none" if rules.deadline is None else
                f"{rules.deadline:%Y-%m-%d %H:%M} UTC" + ("" if rules.open_at(now) else
                                                          ", passed: no more answers are taken"))
    st.caption(f"Attempts: {allowed} · feedback: {MODES[rules.feedback]} · deadline: "
               f"{deadline}. Only your best attempt at each question counts.")
    mine = set(st.session_state.setdefault(MINE, []))
    earned = 0.0
    for number, (base, (f_tex, at_tex)) in enumerate(zip(assignment.questions, formulas,
                                                         strict=True), 1):
        q = assignment.question_for(base.id, student)
        st.markdown(f"**{number}\\. {plain(q.text)}** · {count_text(q.points, 'point')}")
        st.latex(f"f = {f_tex}" + (rf", \qquad x_0 = {at_tex}" if at_tex else ""))
        stored = store.attempts(key, student=student, question=q.id)
        shown = [a for a in stored if login or a.id in mine]
        used = len(stored)
        left = None if rules.attempts is None else rules.attempts - used
        st.caption(f"Attempts used: {used}" + (f" of {rules.attempts}" if rules.attempts
                                               else " (no limit)"))
        if not rules.open_at(now):
            st.info("The deadline has passed; no more answers are taken.")
        elif left is not None and left <= 0:
            st.info(f"You have used {used_up(rules.attempts)} at this question.")
        else:
            _answer_form(store, key, assignment, student, q)
        _result(st.session_state.get(CLASS_RESULT + q.id))
        if shown:
            with st.expander(f"Your attempts ({len(shown)})"):
                st.dataframe(
                    [{"attempt": a.number, "answer": a.answer,
                      "at (UTC)": f"{a.submitted_at:%Y-%m-%d %H:%M:%S}",
                      "feedback": attempt_feedback(a, q.kind, rules, now)} for a in shown],
                    hide_index=True, width="stretch")
            earned += max(a.score for a in shown) * q.points
        if q.hints:
            with st.expander("Hint"):
                for hint in q.hints:
                    st.markdown(plain(hint))
    st.divider()
    if rules.feedback == "none" and rules.open_at(now):
        st.caption("Points are shown after the deadline.")
    else:
        st.metric("Points so far (best attempts)", f"{earned:g} / {assignment.total:g}")
    if not login:
        st.caption("Attempts from an earlier visit count and are kept; this page lists only "
                   "the ones made in this visit.")


def _answer_form(store, key, assignment, student: str, q) -> None:
    with st.form(f"homework_class_form_{q.id}", border=False):
        answer_col, button_col = st.columns([5, 1], vertical_alignment="bottom")
        answer_col.text_input("Your answer", key=CLASS_ANSWER + q.id, max_chars=1000,
                              placeholder=PLACEHOLDERS[q.kind])
        checked = button_col.form_submit_button("Check", width="stretch")
    if not checked:
        return
    answer = st.session_state.get(CLASS_ANSWER + q.id, "")
    try:
        with st.spinner("Checking…"), sandbox.acting_for(*ui.session_owner()):
            result = submit(store, key, assignment, student, q.id, answer)
        st.session_state[MINE].append(result.attempt.id)
    except (InputError, StoreError) as err:
        result = str(err)
    except RuntimeError:
        result = "Something went wrong on our side; try again."
    st.session_state[CLASS_RESULT + q.id] = result
    st.rerun()  # so that the attempt count and the list above show this attempt


def _result(result) -> None:
    if result is None:
        return
    if isinstance(result, str):
        st.error(plain(result))
        return
    attempt = result.attempt
    line = f"{plain(result.shown)} (attempt {attempt.number}"
    if result.mode == "none":
        st.info(line + ")")
    else:
        show = st.success if attempt.correct else st.warning
        show(line + f", {result.points:g} of {count_text(result.max_points, 'point')})")


def practice() -> None:
    """The bundled or an uploaded assignment, checked at once, nothing stored."""
    st.info("Practice: nothing is stored. Download your answers as CSV at the end.")
    ui.restore_from_url(URL_STATE)
    source_col, kind_col, name_col = st.columns([3, 2, 2])
    source = source_col.selectbox("Assignment", [*EXAMPLES, UPLOADED], key=PICK)
    kind = kind_col.selectbox("Show", list(SHOWN), key=KIND, format_func=SHOWN.get)
    student = name_col.text_input("Your name (for the CSV)", key=NAME, max_chars=80)
    ui.keep_in_url(URL_STATE)
    data = _practice_file(source)
    if data is None:
        return
    try:
        with st.spinner("Reading the assignment…"), sandbox.acting_for(*ui.session_owner()):
            assignment, formulas = prepare(data, " ".join(student.split()) or "practice")
    except InputError as err:
        st.error(plain(str(err)))
        return
    except RuntimeError:
        st.error("Something went wrong on our side while reading the assignment.")
        return

    st.header(plain(assignment.title), divider="gray")
    shown = [(n, q, tex) for n, (q, tex) in enumerate(zip(assignment.questions, formulas,
                                                          strict=True), 1)
             if kind in ("all", q.kind)]
    if not shown:
        st.info(f"This assignment has no questions on {SHOWN[kind]}; choose another kind above.")
    for number, q, (f_tex, at_tex) in shown:
        _practice_question(number, q, f_tex, at_tex)
    st.divider()
    earned = sum(r.score * q.points for q in assignment.questions
                 if not isinstance(r := st.session_state.get(RESULT + q.id), str | None))
    st.metric("Points so far (checked answers)", f"{earned:g} / {assignment.total:g}")
    st.download_button("Download my answers (CSV)", answers_csv(assignment, student or "me"),
                       file_name="answers.csv", mime="text/csv")


def _practice_file(source: str) -> bytes | None:
    if source != UPLOADED:
        with open(EXAMPLES[source], "rb") as f:
            return f.read()
    uploaded = st.file_uploader("Assignment file (TOML)", type=["toml"], key=UPLOAD)
    if uploaded is None:
        st.info("Upload a TOML assignment, or pick an example above.")
        return None
    if uploaded.size > MAX_ASSIGNMENT_BYTES:
        st.error(f"The file is too large; the limit is {MAX_ASSIGNMENT_BYTES // 1000} kB.")
        return None
    # Counted before the content is read or cached: one session cannot fill the server with files.
    seen = st.session_state.setdefault(SEEN, {})
    if uploaded.file_id not in seen:
        if len(seen) >= MAX_UPLOADS or sum(seen.values()) + uploaded.size > MAX_UPLOAD_BYTES:
            st.error(f"This session has already uploaded {len(seen)} files "
                     f"({sum(seen.values()) // 1000} kB); the limit is {MAX_UPLOADS} files or "
                     f"{MAX_UPLOAD_BYTES // 1000} kB in all, so reload the page to start afresh.")
            return None
        seen[uploaded.file_id] = uploaded.size
    return uploaded.getvalue()


def _practice_question(number: int, q, f_tex: str, at_tex: str) -> None:
    # A hidden question's input is dropped by Streamlit, so its answer is also kept aside.
    if ANSWER + q.id not in st.session_state and SAVED + q.id in st.session_state:
        st.session_state[ANSWER + q.id] = st.session_state[SAVED + q.id]
    st.markdown(f"**{number}\\. {plain(q.text)}** · {count_text(q.points, 'point')}")
    st.latex(f"f = {f_tex}" + (rf", \qquad x_0 = {at_tex}" if at_tex else ""))
    with st.form(f"homework_form_{q.id}", border=False):
        answer_col, button_col = st.columns([5, 1], vertical_alignment="bottom")
        answer_col.text_input("Your answer", key=ANSWER + q.id, max_chars=1000,
                              placeholder=PLACEHOLDERS[q.kind])
        checked = button_col.form_submit_button("Check", width="stretch")
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
