"""Questions with parameters (``grading/variants.py``): the TOML and its errors, the draw
(deterministic across processes, spread over the variants), exact grading of every variant
against the engine, hostile parameter text, and the variant kept with an attempt, in ``stats``,
in ``grade`` and in the command line's output."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from clarke_core import InputError, clarke_set, subdifferential
from clarke_core.classroom import Store, grades_table, stats, submit
from clarke_core.engine.parsing import parse_function
from clarke_core.grading import (
    assignment_latex,
    check_question,
    grade_batch,
    load_assignment,
    question_latex,
)
from clarke_core.grading.variants import (
    MAX_COMBINATIONS,
    Parameter,
    draw,
    substitute,
    value_text,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLED = REPO_ROOT / "assets" / "variants_assignment.toml"
X, Y = sp.Symbol("x", real=True), sp.Symbol("y", real=True)
STUDENTS = [f"student{k}" for k in range(120)]

MAX_KINK = """seed = "s1"
[[question]]
id = "q1"
function = "max(a*x, b*x**2)"
point = "0"
prompt = "max({a}x, {b}x²) at 0"
[question.parameters]
a = [1, 4]
b = ["1/2", "2", "3"]
"""


def toml(parameters: str, function: str = "a*abs(x)", point: str = "0", top: str = "") -> str:
    return (f'{top}\n[[question]]\nid = "q1"\nfunction = "{function}"\npoint = "{point}"\n'
            f"[question.parameters]\n{parameters}\n")


def values(question) -> dict[str, Fraction]:
    """The values a variant names (``a=2, b=1/2``), read back."""
    return {k: Fraction(v) for k, v in (part.split("=") for part in question.variant.split(", "))}


def variants_of(assignment, qid: str, students=STUDENTS) -> dict[str, object]:
    """One student's variant per distinct variant of the question."""
    found: dict[str, object] = {}
    for s in students:
        q = assignment.question_for(qid, s)
        found.setdefault(q.variant, q)
    return found


# --- the file: every bad parameter names the question and the field ----------------------------

BAD = [
    ("a = [4, 1]", "a*abs(x)", "0", "parameters.a", "is empty", "empty-range"),
    ("a = []", "a*abs(x)", "0", "parameters.a", "give a range", "empty-list"),
    ("a = 3", "a*abs(x)", "0", "parameters.a", "give a range", "not-a-list"),
    ("a = [1, 2, 3]", "a*abs(x)", "0", "parameters.a", "a range is two whole numbers",
     "three-ints"),
    ("a = [0.5, 1.5]", "a*abs(x)", "0", "parameters.a", "a range is two whole numbers",
     "floats"),
    ('a = [1, "2"]', "a*abs(x)", "0", "parameters.a", "a range is two whole numbers", "mixed"),
    ("a = [true, false]", "a*abs(x)", "0", "parameters.a", "a range is two whole numbers",
     "booleans"),
    ('a = ["sqrt(2)"]', "a*abs(x)", "0", "parameters.a", "is not a rational number", "sqrt"),
    ('a = ["1/0"]', "a*abs(x)", "0", "parameters.a", "Division by zero", "division-by-zero"),
    ('a = ["1", "1.0"]', "a*abs(x)", "0", "parameters.a", "1 is listed twice", "repeated"),
    ("a = [0, 10000000]", "a*abs(x)", "0", "parameters.a", "within ±1000000", "huge-range"),
    ("a = [1, 5000]", "a*abs(x)", "0", "parameters.a", "has 5000 values", "long-range"),
    ('x = [1, 2]', "x*abs(x)", "0", "parameters.x", "x is a variable", "variable-x"),
    ('z = [1, 2]', "z*abs(x)", "0", "parameters.z", "z is a variable", "variable-z"),
    ('E = [1, 2]', "E*abs(x)", "0", "parameters.E", "a meaning in a formula (Euler",
     "constant-E"),
    ('H = [1, 2]', "H*abs(x)", "0", "parameters.H", "a meaning in a formula (Heaviside)",
     "alias-H"),
    ('ab = [1, 2]', "ab*abs(x)", "0", "parameters.ab", "one letter", "two-letters"),
    ('"α" = [1, 2]', "abs(x)", "0", "parameters.α", "one letter", "greek"),
    ("a = [1, 2]", "a*abs(x) + k*x", "0", "function", "'k' is not one of its parameters (a)",
     "unknown-name"),
    ("a = [1, 2]", "a*abs(x - c)", "c", "function", "'c' is not one of its parameters",
     "unknown-point-name"),
    ("a = [1, 2]", "abs(x)", "a + t", "point", "'t' is not one of its parameters", "point-name"),
    ("a = [1, 2]\nb = [1, 2]", "a*abs(x)", "0", "parameters.b", "b is not used", "unused"),
    ("a = [1, 1000]\nb = [1, 1000]", "a*abs(x) + b*x", "0", "parameters",
     "make 1000000 variants", "a-million-variants"),
    ("\n".join(f"{c} = [1, 2]" for c in "abcdefg"), "a*b*c*d*e*f*g*abs(x)", "0", "parameters",
     "at most 6 parameters", "seven-parameters"),
    ("a = [1, 2]", "|a*x", "0", "function", "not closed", "open-bar"),
    ("a = [1, 2]", "2a*x", "0", "function", "write the product with *", "number-runs-in"),
    ("a = [1, 2]", "a(x + 1)", "0", "function", "as in 2*a or a*(x + 1)", "called"),
    ("a = [1, 2]", "abs(x) a", "0", "function", "stands next to a number", "name-runs-in"),
    ("a = [1, 2]", "(x)a", "0", "function", "stands next to", "bracket-runs-in"),
    ("c = [1, 2]", "abs(x)", "c c", "point", "stands next to", "point-runs-in"),
]


@pytest.mark.parametrize(("parameters", "function", "point", "field", "phrase"),
                         [case[:5] for case in BAD], ids=[case[5] for case in BAD])
def test_a_bad_parameter_names_the_question_and_the_field(parameters, function, point, field,
                                                           phrase):
    with pytest.raises(InputError) as err:
        load_assignment(toml(parameters, function, point))
    message = str(err.value)
    assert message.startswith(f"Question 'q1', field {field!r}: "), message
    assert phrase in message
    assert "\n" not in message and "Traceback" not in message


def test_the_parameters_must_be_a_table():
    text = '[[question]]\nid = "q1"\nfunction = "a*x"\npoint = "0"\nparameters = [1, 2]\n'
    with pytest.raises(InputError, match=r"^Question 'q1', field 'parameters': write it as a "):
        load_assignment(text)


@pytest.mark.parametrize(("seed", "phrase"), [("1.5", "seed must be text"),
                                              ("true", "seed must be text"),
                                              ('"' + "s" * 101 + '"', "at most 100")],
                         ids=["float", "boolean", "long"])
def test_a_bad_seed_is_refused(seed, phrase):
    with pytest.raises(InputError, match=phrase):
        load_assignment(toml("a = [1, 2]", top=f"seed = {seed}"))


HOSTILE = [
    'a = ["__import__(\'os\').system(\'true\')"]',
    'a = ["(lambda: 1)()"]',
    'a = ["9**9**9"]',
    'a = ["1e999999"]',
    'a = ["10000001"]',
    'a = ["1/10000001"]',
    f'a = ["{"1" * 5000}"]',
    'a = ["2; import os"]',
    'a = ["1) + (x"]',
    'a = [-9223372036854775808, 9223372036854775807]',
]


@pytest.mark.parametrize("parameters", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_parameter_text_is_refused_in_one_sentence(parameters):
    with pytest.raises(InputError) as err:
        load_assignment(toml(parameters))
    message = str(err.value)
    assert message.startswith("Question 'q1', field 'parameters.a': ")
    assert len(message) < 400 and "\n" not in message


def test_hostile_text_in_a_template_is_refused_when_the_file_is_read():
    function = "__import__('os').system('true') + a*x"
    with pytest.raises(InputError, match=r"^Question 'q1', field 'function': '__import__' is not"):
        load_assignment(toml("a = [1, 2]", function))


def test_a_template_is_not_graded_or_shown_without_a_student():
    a = load_assignment(MAX_KINK)
    template = a.question("q1")
    assert [p.name for p in template.parameters] == ["a", "b"]
    assert template.parameters_text == "a in {1, 2, 3, 4}; b in {1/2, 2, 3}"
    for call in (lambda: check_question(template, "[0, 1]"), lambda: question_latex(template),
                 lambda: assignment_latex(a)):
        with pytest.raises(InputError, match=r"^Question 'q1' has parameters \(a, b\): each "):
            call()


# --- substitution is token by token, with exact values -----------------------------------------

def test_only_the_parameters_tokens_are_replaced():
    text = "abs(a*x) + max(x, a) + E*a + 1e2*e + x1 - |e|"
    out = substitute(text, {"a": Fraction(-1, 2), "e": Fraction(3)})
    assert out == "abs((-1/2)*x) + max(x, (-1/2)) + E*(-1/2) + 1e2*(3) + x1 - abs((3))"


@pytest.mark.parametrize("value", [Fraction(0), Fraction(-7), Fraction(10**6, 3),
                                   Fraction(-1, 10**6)], ids=str)
def test_a_value_is_inserted_as_an_exact_bracketed_number(value):
    out = substitute("a*x", {"a": value})
    assert re.fullmatch(r"\(-?\d+(/\d+)?\)\*x", out)
    assert parse_function(out).expr == sp.Rational(value.numerator, value.denominator) * X


# --- the draw ------------------------------------------------------------------------------------

def test_the_draw_spreads_over_the_variants():
    a = load_assignment(MAX_KINK)
    counts = Counter(a.question_for("q1", s).variant for s in STUDENTS)
    assert len(counts) == 12  # every (a, b) of 4 x 3 is someone's
    assert max(counts.values()) <= 25  # 10 on average


def test_the_draw_is_the_same_in_another_process():
    a = load_assignment(MAX_KINK)
    here = [a.question_for("q1", s).variant for s in STUDENTS[:40]]
    script = ("import json, sys\nfrom clarke_core.grading import load_assignment\n"
              "a = load_assignment(sys.stdin.read())\n"
              "print(json.dumps([a.question_for('q1', f'student{k}').variant "
              "for k in range(40)]))")
    for hash_seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", script], input=MAX_KINK, cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed})
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == here


def test_the_seed_the_question_and_the_name_each_change_the_draw():
    a = load_assignment(MAX_KINK)
    b = load_assignment(MAX_KINK.replace('seed = "s1"', 'seed = "s2"'))
    mine = [a.question_for("q1", s).variant for s in STUDENTS]
    assert sum(x != y for x, y in zip(mine, [b.question_for("q1", s).variant
                                             for s in STUDENTS], strict=True)) > 60
    ps = a.question("q1").parameters
    assert len({draw(ps, "s1", q, "ann") for q in ("q1", "q2", "q3", "q4", "q5")}) > 1
    # without a seed the id decides, then the title
    no_seed = MAX_KINK.replace('seed = "s1"', 'id = "hw1"')
    other_id = MAX_KINK.replace('seed = "s1"', 'id = "hw2"')
    assert ([load_assignment(no_seed).question_for("q1", s).variant for s in STUDENTS]
            != [load_assignment(other_id).question_for("q1", s).variant for s in STUDENTS])
    # the name as it is stored: spaces and control characters aside, never its case
    assert a.question_for("q1", " student7\t") == a.question_for("q1", "student7")
    assert a.question_for("q1", "student7\x1b") == a.question_for("q1", "student7")


def test_a_variant_is_concrete_and_filled_in():
    a = load_assignment(MAX_KINK)
    q = a.question_for("q1", "ann")
    v = values(q)
    assert q.parameters == () and set(v) == {"a", "b"}
    assert q.prompt == f"max({value_text(v['a'])}x, {value_text(v['b'])}x²) at 0"
    a_, b_ = (sp.Rational(v[k].numerator, v[k].denominator) for k in "ab")
    assert parse_function(q.function).expr == sp.Max(a_ * X, b_ * X**2)
    f_tex, at_tex = assignment_latex(a, "ann")[0]
    assert f_tex == sp.latex(sp.Max(a_ * X, b_ * X**2)) and at_tex == "0"
    assert a.question_for("q9", "ann") is None


def test_draw_decodes_every_combination():
    ps = (Parameter("a", tuple(map(Fraction, range(3)))), Parameter("b", (Fraction(1, 2),
                                                                          Fraction(5))))
    seen = {draw(ps, "seed", "q", f"s{k}") for k in range(200)}
    assert seen == {(Fraction(i), b) for i in range(3) for b in (Fraction(1, 2), Fraction(5))}
    assert MAX_COMBINATIONS < 10**6


# --- every variant is graded exactly ------------------------------------------------------------

def _interval(vertices) -> str:
    return f"[{vertices[0][0]}, {vertices[-1][0]}]"


def test_each_max_kink_variant_is_graded_against_its_own_exact_set():
    a = load_assignment(MAX_KINK)
    found = variants_of(a, "q1")
    assert len(found) == 12
    rights = {}
    for variant, q in found.items():
        v = values(q)
        truth = clarke_set(q.function, q.point)
        assert truth.exact == [(0,), (sp.Rational(v["a"].numerator, v["a"].denominator),)]
        rights[variant] = _interval(truth.exact)
        verdict = check_question(q, rights[variant])
        assert verdict.correct and verdict.score == 1.0, (variant, verdict.feedback)
    for variant, q in found.items():  # another variant's answer is wrong here unless equal
        for other, answer in rights.items():
            if answer != rights[variant]:
                assert not check_question(q, answer).correct, (variant, other)
    assert len(set(rights.values())) == 4  # b does not change the set: a does


def test_the_bundled_assignment_grades_every_variant_exactly():
    a = load_assignment(BUNDLED.read_bytes())
    assert a.seed and all(q.parameters for q in a.questions)
    for q in variants_of(a, "shifted-abs").values():
        v = values(q)
        c, d = (sp.Rational(v[k].numerator, v[k].denominator) for k in "cd")
        truth = subdifferential(q.function, q.point)
        assert truth.exact == [(d - 1,), (d + 1,)]
        assert check_question(q, f"[{d - 1}, {d + 1}]").correct
        assert not check_question(q, f"[{d - 1}, {d + 2}]").correct
        assert parse_function(q.function).expr == sp.Abs(X - c) + d * X
    l1 = variants_of(a, "weighted-l1")
    assert len(l1) == 4
    for q in l1.values():
        w = values(q)["a"]
        s = sp.Rational(w.numerator, w.denominator)
        truth = clarke_set(q.function, q.point)
        assert set(truth.exact) == {(1, s), (-1, s), (-1, -s), (1, -s)}
        assert check_question(q, f"conv{{(1, {s}), (-1, {s}), (-1, {-s}), (1, {-s})}}").correct
        for other in l1.values():
            t = values(other)["a"]
            if t != w:
                assert not check_question(q, f"conv{{(1, {t}), (-1, {t}), (-1, {-t}), "
                                             f"(1, {-t})}}").correct
    for q in variants_of(a, "max-kink", STUDENTS[:30]).values():
        assert check_question(q, _interval(clarke_set(q.function, q.point).exact)).correct


def test_degenerate_variants_are_graded_exactly():
    # max(a x, b x) loses its kink when a = b
    a = load_assignment(toml("a = [1, 3]\nb = [1, 3]", "max(a*x, b*x)"))
    kinds = set()
    for q in variants_of(a, "q1").values():
        v = values(q)
        lo, hi = sorted((v["a"], v["b"]))
        truth = clarke_set(q.function, q.point)
        if lo == hi:
            kinds.add("point")
            assert truth.kind == "point" and truth.exact == [(lo,)]
            assert check_question(q, f"{{{lo}}}").correct
            assert not check_question(q, f"[0, {lo}]").correct
        else:
            kinds.add("interval")
            assert truth.exact == [(lo,), (hi,)]
            assert check_question(q, f"[{lo}, {hi}]").correct
            assert not check_question(q, f"{{{hi}}}").correct
    assert kinds == {"point", "interval"}
    # c|x|: convex, flat, concave; the subdifferential is [-c, c], {0}, empty
    b = load_assignment(toml('c = ["-1", "0", "1"]', "c*abs(x)").replace(
        'point = "0"', 'point = "0"\nkind = "subdifferential"'))
    answers = {"c=-1": "empty", "c=0": "{0}", "c=1": "[-1, 1]"}
    found = variants_of(b, "q1")
    assert set(found) == set(answers)
    for variant, q in found.items():
        assert check_question(q, answers[variant]).correct, variant
        for other, wrong in answers.items():
            if other != variant:
                assert not check_question(q, wrong).correct, (variant, other)


def test_grade_uses_each_students_variant():
    a = load_assignment(MAX_KINK)
    ann, bob = (next(s for s in STUDENTS if values(a.question_for("q1", s))["a"] == n)
                for n in (1, 3))
    rows = [("student", "question", "answer"), (ann, "q1", "[0, 1]"), (bob, "q1", "[0, 1]")]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    report = grade_batch(a, buffer.getvalue(), processes=0)
    assert report.totals[ann] == 1.0 and report.totals[bob] < 1.0


# --- the variant is stored, counted and shown ------------------------------------------------

def test_submit_stores_the_variant_and_grades_it():
    a = load_assignment(MAX_KINK)
    ann, bob = "ann", next(s for s in STUDENTS if a.question_for("q1", s).variant
                           != a.question_for("q1", "ann").variant
                           and values(a.question_for("q1", s))["a"]
                           != values(a.question_for("q1", "ann"))["a"])
    mine = a.question_for("q1", ann)
    right = _interval(clarke_set(mine.function, mine.point).exact)
    with Store("sqlite://") as store:
        first = submit(store, "hw", a, ann, "q1", right, grade=check_question)
        second = submit(store, "hw", a, bob, "q1", right, grade=check_question)
        third = submit(store, "hw", a, bob, "q1", "0", grade=check_question)
        kept = store.attempts("hw")
        per_question = stats(store, "hw", a)
        table, _ = grades_table(store, "hw", a)
    assert first.attempt.correct and first.attempt.variant == mine.variant
    assert not second.attempt.correct  # ann's answer is not bob's
    assert second.attempt.variant == a.question_for("q1", bob).variant != mine.variant
    assert [k.variant for k in kept] == [mine.variant, second.attempt.variant,
                                         second.attempt.variant]
    rows = {(r["student"], r["question"]): r for r in csv.DictReader(io.StringIO(table))}
    assert rows[(ann, "q1")]["variant"] == mine.variant and rows[(ann, "TOTAL")]["variant"] == ""
    assert rows[(bob, "q1")]["variant"] == second.attempt.variant
    [q1] = per_question
    assert (q1["attempts"], q1["correct"], q1["students"]) == (3, 1, 2)
    assert q1["diagnoses"].get("one_value") == 1 and third.attempt.diagnosis == "one_value"
    assert sorted(q1["variants"], key=lambda v: v["variant"]) == sorted(
        [{"variant": mine.variant, "attempts": 1, "correct": 1},
         {"variant": second.attempt.variant, "attempts": 2, "correct": 0}],
        key=lambda v: v["variant"])


def test_the_command_line_grades_and_prints_the_students_variant(tmp_path):
    a = load_assignment(BUNDLED.read_bytes())
    mine = a.question_for("max-kink", "ann")
    right = _interval(clarke_set(mine.function, mine.point).exact)
    db = f"sqlite:///{tmp_path / 'lab.sqlite'}"

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "clarke_core", *args], cwd=REPO_ROOT,
                              capture_output=True, text=True, timeout=120)

    done = cli("submit", "assets/variants_assignment.toml", "--student", "ann", "--question",
               "max-kink", "--answer", right, "--db", db, "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["variant"] == mine.variant and shown["correct"] is True
    text = cli("submit", "variants_assignment", "--student", "ann", "--question", "max-kink",
               "--answer", "[0, 9]", "--db", db)
    assert text.returncode == 0 and f"variant {mine.variant}" in text.stdout
    assert "not correct" in text.stdout
    counted = json.loads(cli("submissions", "stats", "variants_assignment", "--db", db,
                             "--json").stdout)
    kink = next(q for q in counted["questions"] if q["question"] == "max-kink")
    assert kink["variants"] == [{"variant": mine.variant, "attempts": 2, "correct": 1}]
