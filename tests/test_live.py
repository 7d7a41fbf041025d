"""Live questions (clarke_core/classroom/live.py) on SQLite and on a real PostgreSQL: open and
close, tokens, answers stored apart from the homework under the class's rules, the tally, and
a class of 60 answering at once."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from classroom_postgres import fresh_database, postgres_server  # noqa: F401 (a fixture)

from clarke_core import InputError
from clarke_core.classroom import (
    AttemptLimitError,
    Store,
    answer_live,
    close_live,
    create_class,
    current_live,
    find_live,
    live_tally,
    open_live,
    stats,
)
from clarke_core.classroom import live as live_module
from clarke_core.classroom.classes import ALPHABET, find_class
from clarke_core.grading import check_question

WHEN = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
QUESTIONS = ('[[question]]\nid = "relu"\nfunction = "relu(x)"\npoint = "0"\n'
             '[[question]]\nid = "abs"\nfunction = "abs(x)"\npoint = "0"\n')


def toml(**rules: str) -> str:
    top = "".join(f"{k} = {v}\n" for k, v in rules.items())
    return f'id = "hw1"\n{top}{QUESTIONS}'


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'lab.sqlite'}"
    return fresh_database(request.getfixturevalue("postgres_server"))


@pytest.fixture
def store(db_url):
    with Store(db_url) as s:
        yield s


def answer(store: Store, token: str, student: str, text: str, **kw):
    return answer_live(store, token, student, text, grade=check_question, **kw)


# --- open, close, tokens -------------------------------------------------------------------


def test_open_gives_a_short_token_and_is_the_class_s_live_question(store):
    code = create_class(store, toml())
    live = open_live(store, code, "relu", now=WHEN)
    assert len(live.token) == live_module.TOKEN_LENGTH and set(live.token) <= set(ALPHABET)
    assert live.is_open and live.question == "relu" and live.key == f"hw1/live/{live.id}"
    assert current_live(store, code.lower()) == live
    found, record = find_live(store, f" {live.token.lower()} ")
    assert found == live and record.code == code


def test_opening_another_question_closes_the_previous_one(store):
    code = create_class(store, toml())
    first = open_live(store, code, "relu", now=WHEN)
    second = open_live(store, code, "abs", now=WHEN + timedelta(minutes=5))
    assert first.token != second.token and first.key != second.key
    assert current_live(store, code) == second
    with pytest.raises(InputError, match="closed"):
        find_live(store, first.token)
    assert not close_live(store, first)  # it was closed already
    assert close_live(store, second)
    assert current_live(store, code) is None


def test_a_class_keeps_its_live_question_apart_from_another_class(store):
    one, two = create_class(store, toml()), create_class(store, toml())
    a, b = open_live(store, one, "relu"), open_live(store, two, "relu")
    assert current_live(store, one) == a and current_live(store, two) == b
    assert a.key != b.key  # same assignment id, different live questions


@pytest.mark.parametrize("token", ["", "ZZZZZ", "' OR 1=1 --", "<script>", "A" * 400, "0O1IL"],
                         ids=["empty", "unknown", "sql", "html", "long", "look-alikes"])
def test_an_unknown_token_is_one_sentence_naming_nothing(store, token):
    code = create_class(store, toml())
    open_live(store, code, "relu")
    with pytest.raises(InputError) as err:
        find_live(store, token)
    assert str(err.value) == live_module.UNKNOWN


def test_unknown_class_or_question_is_refused(store):
    code = create_class(store, toml())
    with pytest.raises(InputError, match="no question 'nope'.*relu, abs"):
        open_live(store, code, "nope")
    with pytest.raises(InputError, match="no class"):
        open_live(store, "ZZZZZZ", "relu")
    assert current_live(store, code) is None


def test_a_drawn_token_that_is_taken_is_drawn_again(store, monkeypatch):
    code = create_class(store, toml())
    letters = itertools.chain("AAAAA", "AAAAA", "BBBBB")
    monkeypatch.setattr(live_module.secrets, "choice", lambda _alphabet: next(letters))
    first = open_live(store, code, "relu")
    second = open_live(store, code, "abs")
    assert (first.token, second.token) == ("AAAAA", "BBBBB")
    assert current_live(store, code) == second  # the failed draw left the class as it was


def test_two_lecturers_opening_at_once_leave_one_open(store):
    code = create_class(store, toml())
    opened, errors = [], []

    def work(k: int) -> None:
        try:
            opened.append(open_live(store, code, ("relu", "abs")[k % 2]))
        except BaseException as err:  # noqa: BLE001 -- reported below
            errors.append(err)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors and len(opened) == 8
    still_open = []
    for live in opened:
        try:
            still_open.append(find_live(store, live.token)[0])
        except InputError:
            pass
    assert still_open == [current_live(store, code)]


# --- answers --------------------------------------------------------------------------------


def test_a_live_answer_is_graded_and_stored_apart_from_the_homework(store):
    code = create_class(store, toml())
    live = open_live(store, code, "relu")
    s = answer(store, live.token, "ann", "[0, 1]")
    assert s.attempt.correct and s.attempt.assignment == live.key and s.shown.startswith("Right")
    key, assignment = find_class(store, code)
    assert stats(store, key, assignment)[0]["attempts"] == 0  # the homework has none
    assert [a.answer for a in store.attempts(live.key)] == ["[0, 1]"]


def test_hint_mode_names_the_mistake_without_the_set(store):
    code = create_class(store, toml(feedback='"hint"'))
    live = open_live(store, code, "relu")
    s = answer(store, live.token, "ann", "0")
    assert not s.attempt.correct and s.attempt.diagnosis == "one_value"
    assert "autodiff" in s.shown and not any(ch.isdigit() for ch in s.shown)
    assert "[0, 1]" in s.attempt.feedback  # the full feedback is kept for the lecturer


def test_feedback_none_says_only_recorded(store):
    code = create_class(store, toml(feedback='"none"', deadline="2027-01-01T00:00:00Z"))
    live = open_live(store, code, "relu")
    s = answer(store, live.token, "ann", "[0, 2]")
    assert s.shown == live_module.RECORDED and not s.attempt.correct


def test_the_homework_deadline_does_not_close_a_live_question(store):
    code = create_class(store, toml(deadline="2026-01-01T00:00:00Z"))
    live = open_live(store, code, "relu")
    assert answer(store, live.token, "ann", "[0, 1]", now=WHEN).attempt.correct


def test_the_class_attempt_limit_holds_for_a_live_question(store):
    code = create_class(store, toml(attempts="1"))
    live = open_live(store, code, "relu")
    answer(store, live.token, "ann", "0")
    with pytest.raises(AttemptLimitError):
        answer(store, live.token, "ann", "[0, 1]")
    answer(store, live.token, "bob", "[0, 1]")  # another student still may
    assert live_tally(store, live).answers == 2


def test_a_closed_live_question_takes_no_answer(store):
    code = create_class(store, toml())
    live = open_live(store, code, "relu")
    close_live(store, live)
    with pytest.raises(InputError, match="closed"):
        answer(store, live.token, "ann", "[0, 1]")
    assert store.attempts(live.key) == []


def test_an_unreadable_answer_is_refused_and_not_counted(store):
    code = create_class(store, toml())
    live = open_live(store, code, "relu")
    with pytest.raises(InputError):
        answer(store, live.token, "ann", "[0, ")
    assert live_tally(store, live).answers == 0


def test_the_tally_groups_answers_and_diagnoses(store):
    code = create_class(store, toml())
    live = open_live(store, code, "relu")
    for student, text in [("a", "[0, 1]"), ("b", "[0,1]"), ("c", "0"), ("d", " 0 "),
                          ("e", "1"), ("f", "[0, 2]"), ("a", "0")]:
        answer(store, live.token, student, text)
    tally = live_tally(store, live)
    assert (tally.answers, tally.right, tally.students) == (7, 2, 6)
    assert tally.diagnoses[0] == ("one_value", 4)
    assert sum(n for _, n in tally.diagnoses) == 5
    assert tally.by_answer[0] == ("0", False, "one_value", 3)  # "0" and " 0 " merged
    assert ("[0, 1]", True, "right", 1) in tally.by_answer
    assert ("[0,1]", True, "right", 1) in tally.by_answer  # stored as typed, counted apart
    assert sum(r[3] for r in tally.by_answer) == 7
    other = open_live(store, code, "abs")  # a new live question starts from nothing
    assert live_tally(store, other).answers == 0


def test_a_class_of_60_answering_at_once_loses_nothing(store):
    code = create_class(store, toml())
    live = open_live(store, code, "relu")
    errors: list[BaseException] = []
    start = threading.Barrier(60)

    def work(k: int) -> None:
        try:
            start.wait()
            answer(store, live.token, f"student {k}", ("[0, 1]", "0", "[0, 2]")[k % 3])
        except BaseException as err:  # noqa: BLE001 -- reported below
            errors.append(err)

    workers = [threading.Thread(target=work, args=(k,)) for k in range(60)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert not errors
    tally = live_tally(store, live)
    assert (tally.answers, tally.students, tally.right) == (60, 60, 20)
    assert len(store.attempts(live.key)) == 60


# --- the live load probe (`make load`, benchmarks/load_live.py) in small ---------------------


@pytest.mark.slow
def test_the_live_probe_counts_every_answer_and_the_lecturer_sees_them(capsys):
    from benchmarks import load_live

    probe = load_live.run_live(load_live.LiveProbe(
        students=3, answers=2, ramp=0.5, think=(0.1, 0.3), seconds=30, verbose=False))
    assert probe.errors == []
    assert probe.sent == probe.answered == probe.stored == 6
    assert probe.shown_final == probe.stored_all == 6 + len(probe.solo)
    assert probe.interval == 3 and probe.fragment_runs
    rows, ok = load_live.report_live(probe)
    assert ok and "nothing lost" in capsys.readouterr().out
    assert [r.name for r in rows] == ["live: p95 answer, 3 students", "live: answers stored"]


def test_the_live_report_fails_on_a_lost_answer(capsys):
    from benchmarks import load_live

    probe = load_live.LiveProbe(students=60, sent=10, answered=10, stored=9, stored_all=9,
                                shown_final=9, latencies=[0.1] * 10, interval=3)
    _, ok = load_live.report_live(probe)
    assert not ok and "LOST ANSWERS" in capsys.readouterr().out
    probe.stored = probe.stored_all = 10
    _, ok = load_live.report_live(probe)  # the lecturer's headline still shows 9: behind
    assert not ok and "BEHIND" in capsys.readouterr().out


# --- the page, run headless with AppTest ---------------------------------------------------

PAGE = "../app_pages/live.py"


@pytest.fixture
def page_store(tmp_path, monkeypatch):
    """The page's store (ui.classroom_store) on a SQLite file of this test, and a secret."""
    import ui

    url = f"sqlite:///{tmp_path / 'page.sqlite'}"
    monkeypatch.setenv("CLARKE_LAB_DATABASE_URL", url)
    monkeypatch.setenv("CLARKE_LAB_LECTURER_SECRET", "a lecture secret")
    ui.classroom_store.clear()
    with Store(url) as store:
        yield store
    ui.classroom_store.clear()


def run_page(**query: str):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(PAGE, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def _alerts(at) -> list[tuple[str, str]]:
    return [(kind, e.value) for kind in ("success", "warning", "info", "error")
            for e in getattr(at, kind)]


@pytest.mark.parametrize("token", ["NOPE7", "<script>alert(1)</script>", "x" * 2000],
                         ids=["unknown", "html", "long"])
def test_the_page_refuses_a_bad_token_in_one_sentence(page_store, token):
    at = run_page(t=token)
    assert not at.exception
    assert _alerts(at) == [("error", live_module.UNKNOWN)]
    assert not at.text_input


@pytest.mark.parametrize("mode, shown", [("full", "success"), ("none", "info")])
def test_a_student_answers_on_the_page(page_store, mode, shown):
    code = create_class(page_store, toml(feedback=f'"{mode}"', deadline="2027-01-01T00:00:00Z"))
    live = open_live(page_store, code, "relu")
    at = run_page(t=live.token.lower())
    assert not at.exception and [t.key for t in at.text_input] == ["live_name"]
    at.text_input(key="live_name").input("Ann").run()
    assert any(r"\max\left(0, x\right)" in x.value for x in at.latex)
    at.text_input(key="live_answer").input("[0, 1]")
    at.button[0].click().run()
    assert not at.exception
    # Under "none" even the colour must not tell right from wrong.
    assert [kind for kind, _ in _alerts(at)] == [shown]
    [attempt] = page_store.attempts(live.key)
    assert (attempt.student, attempt.answer, attempt.correct) == ("Ann", "[0, 1]", True)


def test_the_lecturer_opens_and_closes_a_question_on_the_page(page_store):
    code = create_class(page_store, toml())
    at = run_page()
    assert not at.exception and not at.selectbox  # the gate: no class shown
    at.text_input(key="live_secret").input("not it")
    next(b for b in at.button if b.label == "Enter").click().run()
    assert ("error", "That is not the lecturer's secret.") in _alerts(at) and not at.selectbox
    at.text_input(key="live_secret").input("a lecture secret")
    next(b for b in at.button if b.label == "Enter").click().run()
    assert at.selectbox(key="live_class").value == code
    next(b for b in at.button if b.label == "Open live").click().run()
    assert not at.exception
    live = current_live(page_store, code)
    assert live is not None and live.question == "relu"
    assert any("0 answers from 0 students" in m.value for m in at.markdown)
    assert at.get("plotly_chart")
    next(b for b in at.button if b.label == "Close").click().run()
    assert current_live(page_store, code) is None
    assert any("No question of this class is open" in v for _, v in _alerts(at))


def test_without_a_secret_there_is_no_lecturer_s_view(page_store, monkeypatch):
    monkeypatch.delenv("CLARKE_LAB_LECTURER_SECRET")
    at = run_page()
    assert not at.exception
    assert [t.key for t in at.text_input] == ["live_code"]
    assert any("no lecturer's view" in c.value for c in at.caption)
