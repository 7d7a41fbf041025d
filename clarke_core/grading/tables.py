"""CSV in and out: a class's answers file read row by row, the grades written back, and the
cell hygiene both need (no formulas for a spreadsheet, no control characters for a terminal).

>>> csv_cell(uncell("'-1")) == "'-1"
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import InputError

if TYPE_CHECKING:
    from .batch import BatchReport

MAX_CSV_BYTES = 20_000_000
MAX_ROWS = 200_000


def read_answers(text: str) -> list[tuple[int, dict[str, str] | str]]:
    """The rows of an answers CSV (columns student, question, answer) as (line, row or reason).

    A row that cannot be used becomes (line, reason); a file without those columns raises
    ``InputError``.

    >>> for row in read_answers('student,question,answer\\nann,q1,"[0, 1]"\\nbob,q1\\n'):
    ...     print(row)
    (2, {'student': 'ann', 'question': 'q1', 'answer': '[0, 1]'})
    (3, 'the row has 2 fields, not 3')
    """
    import csv
    import io

    if len(text) > MAX_CSV_BYTES:
        raise InputError(f"The answers file is too large; the limit is {MAX_CSV_BYTES // 10**6} "
                         "MB.")
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise InputError("The answers file is empty.") from None
    except csv.Error as err:
        raise InputError(f"The answers file is not valid CSV ({err}).") from None
    columns = ("student", "question", "answer")
    if not set(columns) <= set(header):
        raise InputError("The answers file needs the columns student, question, answer in its "
                         "first line.")
    where = {c: header.index(c) for c in columns}
    rows: list[tuple[int, dict[str, str] | str]] = []
    while True:
        line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            rows.append((line, f"the line is not valid CSV ({err})"))
            continue
        if len(rows) >= MAX_ROWS:
            raise InputError(f"The answers file has more than {MAX_ROWS} rows.")
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            rows.append((line, f"the row has {len(fields)} fields, not {len(header)}"))
            continue
        rows.append((line, {c: printable(uncell(fields[i])).strip() for c, i in where.items()}))
    return rows


_CONTROL = {c: " " for c in range(32)} | {127: " "} | {c: " " for c in range(0x80, 0xA0)}
_FORMAT = dict.fromkeys([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202B,
                         0x202C, 0x202D, 0x202E, 0x2060, 0x2066, 0x2067, 0x2068, 0x2069, 0xFEFF])


def printable(text: str) -> str:
    """``text`` without control characters (each becomes a space) or invisible direction and
    zero-width marks (dropped), so that a name printed by ``grade`` cannot move the cursor,
    retitle the terminal or reorder what is shown.

    >>> printable("ann\x1b]0;pwned\x07\u202e")
    'ann ]0;pwned '
    """
    return text.translate(_CONTROL).translate(_FORMAT)


def uncell(text: str) -> str:
    """Undo ``csv_cell`` (an answers file the Homework page wrote is read back as typed).

    >>> uncell("'-1/2"), uncell("'quoted")
    ('-1/2', "'quoted")
    """
    return text[1:] if text[:1] == "'" and text[1:2] in _FORMULA_STARTS else text


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """A CSV cell that a spreadsheet shows as text: a leading ``'`` before a cell starting with
    ``= + - @``, a tab or a carriage return (which would make it a formula).

    >>> csv_cell("=HYPERLINK(1)"), csv_cell("-1"), csv_cell("[0, 1]")
    ("'=HYPERLINK(1)", "'-1", '[0, 1]')
    """
    return "'" + text if text[:1] in _FORMULA_STARTS else text


def grades_csv(report: BatchReport) -> str:
    """Per-question points and feedback, then one TOTAL row per student, as CSV text."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["student", "question", "answer", "points", "max_points", "correct", "status",
                     "feedback", "line"])
    for r in report.rows:
        writer.writerow([csv_cell(r.student), csv_cell(r.question), csv_cell(r.answer),
                         f"{r.points:g}", f"{r.max_points:g}", "yes" if r.correct else "no",
                         r.status, csv_cell(r.feedback), r.line or ""])
    for student, points in report.totals.items():
        writer.writerow([csv_cell(student), "TOTAL", "", f"{points:g}", f"{report.max_total:g}",
                         "", "total", "", ""])
    return buffer.getvalue()
