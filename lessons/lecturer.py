"""The Lecturer page's body. Nothing but a secret box until the deployment's secret is typed
(``classroom.access``); then one tab per panel of ``PANELS``: the classes (create one, its
results per question, the chart of wrong answers by diagnosis, grades and Gradescope exports)
and grading a class's answers file as the ``grade`` command does.

A later panel (live questions) is one more ``(label, function(store))`` entry in ``PANELS``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import streamlit as st

import ui
from clarke_core import InputError
from clarke_core.classroom import (
    StoreError,
    best_attempts,
    classes,
    create_class,
    grades_table,
    gradescope_export,
    is_lecturer,
    lecturer_secret,
    stats,
)
from clarke_core.classroom.access import MIN_SECRET_CHARS, SECRET_KEY, SECRET_VARIABLE
from clarke_core.figures.classroom import diagnosis_words, wrong_answers_figure
from clarke_core.grading import (
    MAX_ASSIGNMENT_BYTES,
    assignment_latex,
    example_assignments,
    grade_batch,
    grades_csv,
    gradescope_results,
    load_assignment,
)
from clarke_core.service import sandbox

SECRET = "lecturer_secret_typed"
SIGNED_IN = "lecturer_signed_in"  # this session typed the secret (here or on the Live page)
PICK, UPLOAD, CREATED = "lecturer_pick", "lecturer_upload", "lecturer_created"
CLASS, QUESTION = "lecturer_class", "lecturer_question"
GRADE_PICK, GRADE_TOML, GRADE_CSV = "lecturer_grade_pick", "lecturer_grade_toml", "lecturer_csv"
REPORT = "lecturer_report"
EXAMPLES = example_assignments()
UPLOADED = "Upload a file…"
ALL = "all questions"
MAX_PAGE_CSV_BYTES = 2_000_000  # a class's answers file on the page (the command line takes more)
TIMEOUT_S = 10.0
plain = ui.user_text


def page() -> None:
    st.title("Lecturer")
    secret = lecturer_secret(st.secrets)
    if secret is None:
        st.info(f"The lecturer's view is off on this server. To turn it on, set the environment "
                f"variable {SECRET_VARIABLE}, or {SECRET_KEY} in .streamlit/secrets.toml, to a "
                f"secret of at least {MIN_SECRET_CHARS} characters, and restart the app.")
        return
    typed = st.text_input("Lecturer's secret", type="password", key=SECRET, max_chars=200)
    if is_lecturer(typed, secret):
        st.session_state[SIGNED_IN] = True
    elif typed or not st.session_state.get(SIGNED_IN):
        if typed:
            st.error("That is not the lecturer's secret.")
        return
    try:
        store = ui.classroom_store()
    except StoreError as err:
        st.error(plain(str(err)))
        return
    tabs = st.tabs([label for label, _ in PANELS])
    for tab, (_, panel) in zip(tabs, PANELS, strict=True):
        with tab:
            panel(store)


def _source_text(pick_key: str, upload_key: str) -> tuple[str, str] | None:
    """The TOML text of a bundled assignment or of an uploaded file, and the file's name
    without ``.toml`` (None: nothing uploaded yet)."""
    source = st.selectbox("Assignment", [*EXAMPLES, UPLOADED], key=pick_key)
    if source != UPLOADED:
        with open(EXAMPLES[source], encoding="utf-8") as f:
            return f.read(), source
    uploaded = st.file_uploader("Assignment file (TOML)", type=["toml"], key=upload_key)
    if uploaded is None:
        return None
    if uploaded.size > MAX_ASSIGNMENT_BYTES:
        raise InputError(f"The file is too large; the limit is {MAX_ASSIGNMENT_BYTES // 1000} kB.")
    try:
        text = uploaded.getvalue().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("The assignment file is not UTF-8 text.") from None
    return text, " ".join(Path(uploaded.name).stem.split())[:100]


def _checked(text: str):
    """The assignment, with every function and point parsed in the sandbox (an error names the
    question and the field)."""
    assignment = load_assignment(text)
    with st.spinner("Checking the assignment…"), sandbox.acting_for(*ui.session_owner()):
        # One student's variant stands for a question with parameters: those were checked when
        # the file was read, the functions and points are parsed here.
        sandbox.run(assignment_latex, assignment, "a sample student", timeout=TIMEOUT_S)
    return assignment


def classes_panel(store) -> None:
    """Create a class; for the chosen one, its results per question and its exports."""
    records = classes(store)
    with st.expander("Create a class", expanded=not records):
        try:
            source = _source_text(PICK, UPLOAD)
            if st.button("Create the class", type="primary", disabled=source is None):
                text, name = source
                # Stored as the CLI's submit and submissions name it: the id, else the file name.
                key = _checked(text).id or name
                st.session_state[CREATED] = st.session_state[CLASS] = create_class(
                    store, text, key=key)
                st.rerun()
        except InputError as err:
            st.error(plain(str(err)))
        except RuntimeError:
            st.error("Something went wrong on our side while checking the assignment.")
    if CREATED in st.session_state:
        st.success(f"Class created: its code is {st.session_state[CREATED]}. Students join "
                   "with it on the Homework page.")
    if not records:
        st.info("No classes yet: create one above.")
        return
    opened = {r.code: r.open() for r in records}  # each class's TOML read once per run
    titles = {c: a.title for c, a in opened.items()}
    st.dataframe([{"code": r.code, "assignment": titles[r.code], "stored as": r.assignment,
                   "created (UTC)": f"{r.created_at:%Y-%m-%d %H:%M}"} for r in records],
                 hide_index=True, width="stretch")
    if st.session_state.get(CLASS) not in titles:
        st.session_state[CLASS] = records[0].code
    code = st.selectbox("Class", list(titles), key=CLASS,
                        format_func=lambda c: f"{c} · {titles[c]}")
    record = next(r for r in records if r.code == code)
    class_results(store, record.assignment, opened[code], code)


def class_results(store, key: str, assignment, code: str) -> None:
    """Per question: attempts, students, share right; the chart of wrong answers by diagnosis;
    the grades CSV and the Gradescope file."""
    rows = stats(store, key, assignment)
    best = best_attempts(store, key, assignment)
    right = {q.id: sum(a.correct for (_, qid), (a, _) in best.items() if qid == q.id)
             for q in assignment.questions}
    st.dataframe([{"question": r["question"], "attempts": r["attempts"],
                   "students": r["students"],
                   "right (share of attempts)": (f"{r['correct'] / r['attempts']:.0%}"
                                                 if r["attempts"] else "–"),
                   "students right": right[r["question"]]} for r in rows],
                 hide_index=True, width="stretch")
    st.subheader("Most common wrong answers")
    question = st.selectbox("Question", [ALL, *(r["question"] for r in rows)], key=QUESTION)
    picked = rows if question == ALL else [r for r in rows if r["question"] == question]
    ui.chart(wrong_answers_figure(picked), width="stretch",
                    key="lecturer_wrong_chart")
    wrong = [{"question": r["question"], "answer": w["answer"],
              "diagnosis": diagnosis_words(w["diagnosis"]), "attempts": w["count"]}
             for r in picked for w in r["wrong"]]
    if wrong:
        st.dataframe(sorted(wrong, key=lambda w: -w["attempts"]), hide_index=True,
                     width="stretch")
    row = st.container(horizontal=True)
    row.download_button("Download grades (CSV)", lambda: grades_table(store, key, assignment)[0],
                        file_name=f"grades-{code}.csv", mime="text/csv", on_click="ignore",
                        icon=":material/download:", key="lecturer_grades_csv",
                        help="Each student's best attempt per question and a TOTAL row.")
    row.download_button("Download for Gradescope (JSON)",
                        lambda: json.dumps(gradescope_export(store, key, assignment), indent=2),
                        file_name=f"results-{code}.json", mime="application/json",
                        on_click="ignore", icon=":material/download:",
                        key="lecturer_gradescope", help="Gradescope's results.json.")


def grade_file_panel(store) -> None:
    """A class's answers file (student, question, answer) graded as ``grade`` does."""
    st.markdown("Grade a class's answers file (columns student, question, answer; as "
                "`assets/example_answers.csv`), as `python -m clarke_core grade` does. Nothing "
                "is stored.")
    try:
        source = _source_text(GRADE_PICK, GRADE_TOML)
        answers = st.file_uploader("Answers (CSV)", type=["csv"], key=GRADE_CSV)
        if st.button("Grade the answers", type="primary",
                     disabled=source is None or answers is None):
            st.session_state[REPORT] = _grade(source[0], answers)
    except InputError as err:
        st.error(plain(str(err)))
    except RuntimeError:
        st.error("Something went wrong on our side while grading.")
    report = st.session_state.get(REPORT)
    if report is None:
        return
    st.caption(plain(report.summary() + "."))
    st.dataframe([{"student": r.student, "question": r.question, "answer": r.answer,
                   "points": r.points, "of": r.max_points, "status": r.status,
                   "feedback": r.feedback} for r in report.rows],
                 hide_index=True, width="stretch")
    row = st.container(horizontal=True)
    row.download_button("Download grades (CSV)", grades_csv(report), file_name="grades.csv",
                        mime="text/csv", key="lecturer_file_grades", icon=":material/download:")
    row.download_button("Download for Gradescope (JSON)",
                        json.dumps(gradescope_results(report), indent=2),
                        file_name="results.json", mime="application/json",
                        key="lecturer_file_gradescope", icon=":material/download:")


def _grade(text: str, answers):
    if answers.size > MAX_PAGE_CSV_BYTES:
        raise InputError(f"The answers file is too large for the page; the limit is "
                         f"{MAX_PAGE_CSV_BYTES // 1_000_000} MB (the command line takes more).")
    try:
        csv_text = answers.getvalue().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError("The answers file is not UTF-8 text.") from None
    assignment = _checked(text)
    with st.spinner("Grading…"), sandbox.acting_for(*ui.session_owner()):
        return grade_batch(assignment, csv_text, processes=2)


def live_panel(_store) -> None:
    """The Live page, where a lecturer opens one question of a class for the hall to answer."""
    st.markdown("Open one question of a class live: students answer it from their phones "
                "through a short link and a QR code, and its tally updates every few seconds.")
    st.markdown(":material/campaign: [Open a question live](live)")


PANELS: list[tuple[str, Callable]] = [
    ("Classes", classes_panel),
    ("Grade a file", grade_file_panel),
    ("Live question", live_panel),
]
