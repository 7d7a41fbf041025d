"""The piecewise editor's checker: cells, gaps, overlaps and continuity, in 1D and 2D."""

from __future__ import annotations

import pytest

from clarke_core.engine.parsing import parse_function
from clarke_core.views.piecewise_editor import check_rows, parse_condition

GOOD = [
    ([("-x", "x < 0"), ("x", "True")], 1, "Piecewise((-x, x < 0), (x, True))"),
    ([("x**2*sin(1/x)", "x != 0"), ("0", "True")], 1,
     "Piecewise((x**2*sin(1/x), x != 0), (0, True))"),
    ([("x", "x < 0"), ("0", "(x >= 0) & (x <= 1)"), ("x - 1", "x > 1")], 1, None),
    ([("x + y", "x + y >= 0"), ("-(x + y)", "True")], 2, None),
    ([("x", "x > y"), ("y", "True")], 2, None),
]


@pytest.mark.parametrize(("rows", "dim", "text"), GOOD, ids=range(len(GOOD)))
def test_good_rows_make_a_function(rows, dim, text):
    check = check_rows(rows, dim)
    assert check.problems == ()
    assert check.text is not None and parse_function(check.text, max_dim=dim)
    if text:
        assert check.text == text


BAD = [
    ([("x", "x < 0"), ("2*x", "x > 0")], 1, "No row holds for x = 0"),
    ([("x", "x < -1"), ("x", "x > 1")], 1, "No row holds for x in [-1, 1]"),
    ([("0", "x < 0"), ("1", "x >= 0")], 1, "f jumps at x = 0"),
    ([("x", "x < 0"), ("5", "x == 0"), ("x", "True")], 1, "row 2 gives 5 at the point"),
    ([("x + 1", "x < 2"), ("x", "True")], 1, "f jumps at x = 2"),
    ([("1", "x > 0"), ("0", "True")], 2, "f jumps across the curve"),
    ([("x", "y > 0")], 2, "No row holds at some points"),
    ([("x +", "x < 0"), ("x", "True")], 1, "Row 1, expression:"),
    ([("x", "x <"), ("x", "True")], 1, "Row 1, condition:"),
    ([("x", "x > 0), (1, True)) + (1"), ("x", "True")], 1, "brackets do not match"),
    ([("x", "x > 0"), ("", "True")], 1, "Row 2, expression: it is empty"),
    ([("x", "True"), ("-x", "x < 0")], 1, "rows below it are never used"),
    ([("y", "x < 0"), ("x", "True")], 1, "Row 1, expression:"),
    ([], 1, "Add a row"),
]


@pytest.mark.parametrize(("rows", "dim", "start"), BAD, ids=[b[2][:24] for b in BAD])
def test_problems_are_one_sentence_each(rows, dim, start):
    check = check_rows(rows, dim)
    assert check.text is None and check.problems
    assert any(start in p for p in check.problems), check.problems
    for p in check.problems:
        assert p.rstrip().endswith(".") and "\n" not in p and "Traceback" not in p


def test_overlap_is_a_note_naming_the_winner():
    check = check_rows([("x", "x <= 0"), ("-x", "x >= 0")], 1)
    assert check.problems == () and check.text
    assert check.notes == ("Rows 1 and 2 both hold for x = 0; Piecewise uses the first that "
                           "holds, row 1.",)


def test_sentences_write_numbers_and_formulas_as_page_text():
    """Problems show as a warning and notes as captions: √2 and x², not sqrt(2) and x**2."""
    jump = check_rows([("x**2", "x < sqrt(2)"), ("x", "True")], 1)
    assert jump.problems == ("f jumps at x = √2: row 1 tends to 2 from the left, row 2 tends to "
                             "√2 from the right; make the rows agree there.",)
    sampled = check_rows([("1", "sin(x) + x**2 < 0"), ("x", "True")], 1)
    assert "The places where x² + sin(x) changes sign were checked at sample points only." in (
        sampled.notes)


def test_empty_rows_from_the_editor_are_skipped():
    check = check_rows([("-x", "x < 0"), (None, None), ("x", "True"), ("", "")], 1)
    assert check.text == "Piecewise((-x, x < 0), (x, True))"


def test_conditions_keep_exact_breakpoints():
    # sqrt(2) is a breakpoint: a float grid alone would never decide x = sqrt(2) exactly.
    check = check_rows([("x", "x < sqrt(2)"), ("sqrt(2)", "x > sqrt(2)")], 1)
    assert any("No row holds for x = 1.414" in p for p in check.problems)
    assert parse_condition("True", 1) is not None
