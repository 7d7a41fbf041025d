"""The homework page, run headless with Streamlit's AppTest (and the real grader in the sandbox)."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

PAGE = "../app_pages/homework_checker.py"
TIMEOUT = 60
ANSWER, RESULT = "homework_answer_", "homework_result_"


def run_page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=TIMEOUT).run()


def check(at: AppTest, question: str, answer: str) -> AppTest:
    at.text_input(key=ANSWER + question).input(answer)
    form_buttons = [b for b in at.button if b.label == "Check"]
    index = [t.key for t in at.text_input if t.key.startswith(ANSWER)].index(ANSWER + question)
    form_buttons[index].click()
    return at.run()


def test_the_lecture_assignment_renders():
    at = run_page()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    inputs = [t for t in at.text_input if t.key.startswith(ANSWER)]
    assert len(inputs) >= 9
    assert any(r"\max\left(0, x\right)" in x.value for x in at.latex)
    assert at.get("download_button")


def test_a_right_answer_gets_success_and_points():
    at = check(run_page(), "relu-clarke", "[0, 1]")
    assert not at.exception, at.exception
    verdict = at.session_state[RESULT + "relu-clarke"]  # the grader's verdict, as the page got it
    assert verdict.correct and verdict.score == 1
    assert len(at.success) == 1 and not at.warning, "a right answer is shown as a success"
    assert at.success[0].value.endswith(f"(score {verdict.score:.2f})")
    assert any("your answer" in x.value for x in at.latex)
    assert at.metric[0].value.startswith("1 /")


def test_a_wrong_answer_says_why():
    at = check(run_page(), "relu-difference", "[0, 2]")
    assert not at.exception, at.exception
    verdict = at.session_state[RESULT + "relu-difference"]
    assert not verdict.correct and verdict.score < 1 and not at.success
    assert "sum rule" in at.warning[0].value


def test_an_unreadable_answer_is_a_syntax_message_not_a_grade():
    at = check(run_page(), "relu-clarke", "__import__('os').getpid()")
    assert not at.exception, at.exception
    assert len(at.error) == 1 and "Traceback" not in at.error[0].value
    assert not at.success and not at.warning


def test_a_forbidden_word_is_refused():
    at = check(run_page(), "relu-clarke", "[max(0, -1), 1]")
    assert "may not use" in at.error[0].value


def run_with(**query: str) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def _shown(at: AppTest) -> list[str]:
    return [t.key.removeprefix(ANSWER) for t in at.text_input if t.key.startswith(ANSWER)]


def test_a_url_restores_the_assignment_and_the_kind_of_questions():
    at = run_with(assignment="lecture_assignment", kind="member")
    assert not at.exception and not at.error and not at.warning
    assert at.selectbox(key="homework_kind").value == "member"
    assert len(_shown(at)) == 1  # the lecture assignment has one membership question
    at.selectbox(key="homework_kind").set_value("clarke").run()
    assert at.query_params["kind"] == "clarke" and len(_shown(at)) >= 5
    assert at.query_params["assignment"] == "lecture_assignment"


def test_a_bad_url_value_keeps_the_default_with_one_sentence():
    at = run_with(kind="../../etc/passwd", assignment="secret")
    assert not at.exception and not at.error
    messages = [w.value for w in at.warning]
    assert any("kind = '../../etc/passwd' is not one of all, clarke" in m for m in messages)
    assert any("assignment = 'secret' is not one of lecture_assignment" in m for m in messages)
    assert at.selectbox(key="homework_kind").value == "all" and len(_shown(at)) >= 9


def test_an_answer_survives_hiding_its_question():
    at = check(run_page(), "relu-clarke", "[0, 1]")
    at.selectbox(key="homework_kind").set_value("member").run()
    assert "relu-clarke" not in _shown(at)
    assert at.metric[0].value.startswith("1 /")  # checked points still count
    at.selectbox(key="homework_kind").set_value("all").run()
    assert at.text_input(key=ANSWER + "relu-clarke").value == "[0, 1]"


def _assignment(title: str, padding: int = 0) -> bytes:
    return (f'title = "{title}"\n' + "#" * padding + "\n"
            '[[question]]\nid = "q"\nfunction = "relu(x)"\npoint = "0"\n').encode()


def _upload(at: AppTest, content: bytes) -> AppTest:
    at.file_uploader(key="homework_upload").set_value(("a.toml", content, "text/plain"))
    return at.run()


def test_uploads_per_session_are_capped_before_their_content_is_read():
    at = run_with(assignment="Upload a file…")
    for k in range(10):
        _upload(at, _assignment(f"Sheet {k}"))
        assert not at.exception and not at.error
        assert at.header[0].value == f"Sheet {k}"
    _upload(at, _assignment("Sheet 10"))  # the eleventh file of this session
    assert not at.exception
    assert [e.value for e in at.error] == [
        "This session has already uploaded 10 files (0 kB); the limit is 10 files or 320 kB "
        "in all, so reload the page to start afresh."]
    assert not at.header  # not read, not shown


def test_upload_bytes_per_session_are_capped():
    at = run_with(assignment="Upload a file…")
    for k in range(5):  # 5 files of 60 kB: 300 kB of the 320 kB a session may upload
        _upload(at, _assignment(f"Big {k}", padding=60_000))
        assert not at.exception and not at.error
    _upload(at, _assignment("Big 5", padding=60_000))
    assert [e.value for e in at.error] == [
        "This session has already uploaded 5 files (300 kB); the limit is 10 files or 320 kB "
        "in all, so reload the page to start afresh."]
    assert not at.header


def test_practice_with_variants_asks_the_named_students_variant():
    """A bundled assignment with parameters works in practice: each name gets its variant (a
    practice without a name gets the variant of "practice"), graded exactly for it."""
    from clarke_core.grading import example_assignments, load_assignment

    at = AppTest.from_file(PAGE, default_timeout=TIMEOUT)
    at.query_params["assignment"] = "variants_assignment"
    at.run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    with open(example_assignments()["variants_assignment"], "rb") as f:
        assignment = load_assignment(f.read())
    mine = assignment.question_for("max-kink", "practice")
    assert mine.function != "max(a*x, b*x**2)" and "a" not in mine.function.replace("max", "")
    at.text_input(key="homework_student").input("ann").run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
