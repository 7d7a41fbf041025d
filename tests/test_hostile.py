"""Hostile input through every door: the Python API, the command line and the pages (AppTest).

The cases live in ``hostile_cases.py``. Each one must be answered or refused with one clear
sentence (``InputError``) within ``LIMIT_S`` seconds, and nothing injected may run: payloads that
would run write a marker file under ``tmp_path``, which must not exist afterwards. A hypothesis
property feeds the parser generated text: it returns a ``ParsedFunction`` or raises ``InputError``.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hostile_cases import ANSWERS, CLI_IDS, FUNCTIONS, PAGES, POINTS, by_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from clarke_core import InputError, check_answer, clarke_set, homogeneity_degree, subdifferential
from clarke_core.parsing import ParsedFunction, parse_function
from clarke_core.sets import DifferentialSet

REPO_ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 3.0  # answered or refused within this many seconds
TIMEOUT_S = 2.5  # the sandbox's kill for API calls that compute, inside LIMIT_S
PAGE_TIMEOUT = 60
FUZZ_EXAMPLES = 10_000


def _payload(text: str, marker: Path) -> str:
    return text.replace("{marker}", str(marker))


def assert_sentence(message: str) -> None:
    """One sentence a student can read: one line, ends with '.', no traceback."""
    assert message, "empty message"
    assert "\n" not in message, message
    assert message.rstrip().endswith("."), message
    assert "Traceback" not in message, message
    assert len(message) < 400, message


def answered_or_refused(call, *args, **kwargs):
    """Run ``call``: it returns, or raises InputError with one sentence, within LIMIT_S."""
    start = time.perf_counter()
    try:
        result = call(*args, **kwargs)
    except InputError as err:
        result = err
        assert_sentence(str(err))
    elapsed = time.perf_counter() - start
    assert elapsed < LIMIT_S, f"took {elapsed:.2f} s"
    return result


@pytest.fixture(scope="module", autouse=True)
def _warm_sandbox():
    """Start the sandbox's fork server once, so the first case is not charged for it."""
    clarke_set("abs(x)", "0", timeout=30)


# --- the Python API ----------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "text"), FUNCTIONS, ids=[row[0] for row in FUNCTIONS])
def test_api_clarke_set(case, text, tmp_path):
    marker = tmp_path / "ran"
    result = answered_or_refused(clarke_set, _payload(text, marker), "0", timeout=TIMEOUT_S)
    assert isinstance(result, (DifferentialSet, InputError)), result
    assert not marker.exists(), f"{case}: the payload ran"


@pytest.mark.parametrize(("case", "text"), FUNCTIONS, ids=[row[0] for row in FUNCTIONS])
def test_api_homogeneity_degree(case, text, tmp_path):
    """In this process, no sandbox: the parser's static limits alone must keep it fast and safe."""
    marker = tmp_path / "ran"
    answered_or_refused(homogeneity_degree, _payload(text, marker))
    assert not marker.exists(), f"{case}: the payload ran"


@pytest.mark.parametrize(("case", "expr", "point"), POINTS, ids=[row[0] for row in POINTS])
@pytest.mark.parametrize("call", [clarke_set, subdifferential], ids=["clarke", "subdifferential"])
def test_api_bad_points(call, case, expr, point, tmp_path):
    marker = tmp_path / "ran"
    result = answered_or_refused(call, expr, _payload(point, marker), timeout=TIMEOUT_S)
    assert isinstance(result, (DifferentialSet, InputError)), result
    assert not marker.exists(), f"{case}: the payload ran"


@pytest.mark.parametrize(("case", "expr", "point", "answer"), ANSWERS,
                         ids=[row[0] for row in ANSWERS])
def test_api_bad_answers(case, expr, point, answer, tmp_path):
    marker = tmp_path / "ran"
    result = answered_or_refused(check_answer, expr, point, _payload(answer, marker),
                                 timeout=TIMEOUT_S)
    assert isinstance(result, InputError) or hasattr(result, "correct"), result
    assert not marker.exists(), f"{case}: the payload ran"


@pytest.mark.parametrize(("case", "text"), FUNCTIONS[:20], ids=[row[0] for row in FUNCTIONS[:20]])
def test_api_hostile_function_in_a_grading_question(case, text, tmp_path):
    marker = tmp_path / "ran"
    answered_or_refused(check_answer, _payload(text, marker), "0", "[0, 1]", timeout=TIMEOUT_S)
    assert not marker.exists(), f"{case}: the payload ran"


# --- the command line --------------------------------------------------------------------------

CLI_CASES = [(row[0], row[1], "0") if len(row) == 2 else row
             for row in by_id(FUNCTIONS + POINTS, CLI_IDS)]


@pytest.mark.parametrize(("case", "expr", "point"), CLI_CASES, ids=[row[0] for row in CLI_CASES])
def test_cli(case, expr, point, tmp_path):
    """Exit 0 (answered) or 2 (refused, one line on stderr). As in test_cli.py, the 3 s bound is
    on the CPU time of the command and its worker: a fresh interpreter's start-up wall time on a
    loaded machine is not the parser's doing (the wall time is bounded loosely)."""
    marker = tmp_path / "ran"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    out = subprocess.run(
        [sys.executable, "-m", "clarke_core", "clarke", _payload(expr, marker), "--at",
         _payload(point, marker)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert out.returncode in (0, 2), (out.returncode, out.stderr)
    if out.returncode == 2:
        assert out.stdout == ""
        assert_sentence(out.stderr.strip())
    else:
        assert out.stderr == "" and out.stdout.strip()
    assert "Traceback" not in out.stdout + out.stderr
    assert cpu < LIMIT_S, f"{cpu:.2f} s of CPU"
    assert wall < 20, f"{wall:.2f} s of wall time"
    assert not marker.exists(), f"{case}: the payload ran"


# --- the pages: URL parameters and typed input ---------------------------------------------------

# Page of the cases' table -> (script, its URL parameters): both Clarke bodies are one lesson.
PAGE_FILES = {"clarke_1d": ("../app_pages/clarke_lesson.py", {"dim": "1"}),
              "clarke_2d": ("../app_pages/clarke_lesson.py", {"dim": "2"}),
              "homework_checker": ("../app_pages/homework_checker.py", {})}
HOMEWORK_ANSWER = "homework_answer_"
HOMEWORK_QUESTION = "relu-clarke"


@pytest.fixture(scope="module")
def _warm_pages():
    """Run each page once, so that the timed runs below are not charged for first imports."""
    for path, query in PAGE_FILES.values():
        at = AppTest.from_file(path, default_timeout=PAGE_TIMEOUT)
        at.query_params.update(query)
        at.run()


def _shown_or_refused(at: AppTest) -> None:
    assert not at.exception, at.exception
    for element in at.error:
        assert_sentence(element.value)
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("<script" in t for t in texts), "raw text rendered"


@pytest.mark.parametrize(("case", "page", "how", "f", "point"), PAGES,
                         ids=[row[0] for row in PAGES])
def test_page(case, page, how, f, point, tmp_path, _warm_pages):
    marker = tmp_path / "ran"
    f = _payload(f, marker)
    path, query = PAGE_FILES[page]
    at = AppTest.from_file(path, default_timeout=PAGE_TIMEOUT)
    at.query_params.update(query)
    if how == "url":
        at.query_params["f"] = f
        at.query_params["at"] = point
        start = time.perf_counter()
        at.run()
    else:
        at.run()
        if how == "typed":
            at.text_input(key=f"{page}_f").input(f)
            at.text_input(key=f"{page}_at").input(point)
        else:  # an answer on the homework page, sent with its form's Check button
            at.text_input(key=HOMEWORK_ANSWER + HOMEWORK_QUESTION).input(f)
            keys = [t.key for t in at.text_input if t.key.startswith(HOMEWORK_ANSWER)]
            buttons = [b for b in at.button if b.label == "Check"]
            buttons[keys.index(HOMEWORK_ANSWER + HOMEWORK_QUESTION)].click()
        start = time.perf_counter()
        at.run()
    elapsed = time.perf_counter() - start
    _shown_or_refused(at)
    assert len(at.error) == 1, [e.value for e in at.error]  # every page case is refused
    assert elapsed < LIMIT_S, f"took {elapsed:.2f} s"
    assert not marker.exists(), f"{case}: the payload ran"


# --- property: the parser only ever answers or refuses ------------------------------------------

ALPHABET = list("xy0123456789+-*/^()., <>=!&|~%@_'\"[]{}:;#\\ e\n\t") + [
    "abs", "max", "min", "relu", "sqrt", "exp", "log", "sin", "Piecewise", "True", "pi", "E",
    "**", "__", "lambda", "import", "1e999", "9**9**9", "ｘ", "е", "\u200b", "\0"]


@settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), max_size=24).map("".join))
def test_parser_only_answers_or_refuses(text):
    try:
        result = parse_function(text)
    except InputError as err:
        assert_sentence(str(err))
    else:
        assert isinstance(result, ParsedFunction)
