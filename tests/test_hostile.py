"""Hostile input through every door: the Python API, the command line and the pages (AppTest).

The cases live in ``hostile_cases.py``. Each one must be answered or refused with one clear
sentence (``InputError``), and nothing injected may run: payloads that would run write a marker
file under ``tmp_path``, which must not exist afterwards. Nothing here is timed (a loaded machine
made timed bounds flake): what keeps a case cheap is a limit, and the tests check that the limit
was enforced — the parser refused the text, or the sandbox killed the worker at its timeout. A
hypothesis property feeds the parser generated text: it returns a ``ParsedFunction`` or raises
``InputError``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hostile_cases import ANSWERS, CLI_IDS, EXHAUSTION, FUNCTIONS, PAGES, POINTS, by_id
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from clarke_core import InputError, check_answer, clarke_set, homogeneity_degree, subdifferential
from clarke_core.engine.parsing import ParsedFunction, parse_function
from clarke_core.engine.sets import DifferentialSet
from clarke_core.service import sandbox

REPO_ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 2.5  # the sandbox's kill for API calls that compute
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
    """Run ``call``: it returns, or raises InputError with one sentence (the parser's refusal,
    or the sandbox's when it killed the worker)."""
    try:
        return call(*args, **kwargs)
    except InputError as err:
        assert_sentence(str(err))
        return err


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


# Exhaustion cases that parse (they are small formulas): the sandbox's kill bounds them.
BOUNDED_BY_THE_SANDBOX = {"expand-bomb", "sqrt-tower", "sin-huge-argument"}


@pytest.mark.parametrize(("case", "text"), EXHAUSTION, ids=[row[0] for row in EXHAUSTION])
def test_exhaustion_is_refused_by_the_parser(case, text):
    """The limit is enforced where it is cheapest: the parser refuses, before sympy builds."""
    if case in BOUNDED_BY_THE_SANDBOX:
        assert isinstance(parse_function(text), ParsedFunction)
        return
    with pytest.raises(InputError) as refused:
        parse_function(text)
    assert_sentence(str(refused.value))


@pytest.mark.parametrize("case", sorted(BOUNDED_BY_THE_SANDBOX))
def test_what_parses_is_answered_or_killed_by_the_sandbox(case):
    (_, text), = by_id(EXHAUSTION, [case])
    try:
        result = sandbox.run(_clarke_in_process, text, timeout=0.5)
    except InputError as err:  # the sandbox's kill (time or memory), or the engine's sentence
        assert_sentence(str(err))
    else:
        assert isinstance(result, DifferentialSet)


def _clarke_in_process(text: str) -> DifferentialSet:
    return clarke_set(text, "0")


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
    """Exit 0 (answered) or 2 (refused, one line on stderr); the command's own sandbox bounds
    the work (5 s, then the worker is killed and the command says so)."""
    marker = tmp_path / "ran"
    out = subprocess.run(
        [sys.executable, "-m", "clarke_core", "clarke", _payload(expr, marker), "--at",
         _payload(point, marker)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 2), (out.returncode, out.stderr)
    if out.returncode == 2:
        assert out.stdout == ""
        assert_sentence(out.stderr.strip())
    else:
        assert out.stderr == "" and out.stdout.strip()
    assert "Traceback" not in out.stdout + out.stderr
    assert not marker.exists(), f"{case}: the payload ran"


# --- the pages: URL parameters and typed input ---------------------------------------------------

# Page of the cases' table -> (script, its URL parameters): both Clarke bodies are one lesson.
PAGE_FILES = {"clarke_1d": ("../app_pages/clarke_lesson.py", {"dim": "1"}),
              "clarke_2d": ("../app_pages/clarke_lesson.py", {"dim": "2"}),
              "subgradients": ("../app_pages/subgradients_page.py", {}),
              "homework_checker": ("../app_pages/homework_checker.py", {})}
HOMEWORK_ANSWER = "homework_answer_"
HOMEWORK_QUESTION = "relu-clarke"


@pytest.fixture(scope="module")
def _warm_pages():
    """Run each page once (first imports, the sandbox's fork server) before the cases."""
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


# (The page's name is not called ``page``: conftest takes a test with that name for a browser
# test, and ``-m "not browser"`` skipped these.)
@pytest.mark.parametrize(("case", "page_name", "how", "f", "point"), PAGES,
                         ids=[row[0] for row in PAGES])
def test_page(case, page_name, how, f, point, tmp_path, _warm_pages):
    marker = tmp_path / "ran"
    f = _payload(f, marker)
    path, query = PAGE_FILES[page_name]
    at = AppTest.from_file(path, default_timeout=PAGE_TIMEOUT)
    at.query_params.update(query)
    if how == "url":
        at.query_params["f"] = f
        at.query_params["at"] = point
        at.run()
    else:
        at.run()
        if how == "typed":
            at.text_input(key=f"{page_name}_f").input(f)
            at.text_input(key=f"{page_name}_at").input(point)
        else:  # an answer on the homework page, sent with its form's Check button
            at.text_input(key=HOMEWORK_ANSWER + HOMEWORK_QUESTION).input(f)
            keys = [t.key for t in at.text_input if t.key.startswith(HOMEWORK_ANSWER)]
            buttons = [b for b in at.button if b.label == "Check"]
            buttons[keys.index(HOMEWORK_ANSWER + HOMEWORK_QUESTION)].click()
        at.run()
    _shown_or_refused(at)
    assert len(at.error) == 1, [e.value for e in at.error]  # every page case is refused
    assert not marker.exists(), f"{case}: the payload ran"


# --- property: the parser only ever answers or refuses ------------------------------------------

ALPHABET = list("xy0123456789+-*/^()., <>=!&|~%@_'\"[]{}:;#\\ e\n\t") + [
    "abs", "max", "min", "relu", "sqrt", "exp", "log", "sin", "Piecewise", "True", "pi", "E",
    "**", "__", "lambda", "import", "1e999", "9**9**9", "ｘ", "е", "\u200b", "\0",
    # the notation the parser translates (bars, roots, pi, superscripts, the minus sign)
    "|", "||", "\u221a", "\u221a(", "\u03c0", "\u00b2", "\u207b\u00b9", "\u00b7", "\u2212",
    "\u2264"]


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
