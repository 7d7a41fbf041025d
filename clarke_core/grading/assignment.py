"""The assignment file: a TOML schema of ``[[question]]`` tables, read without running math.

Functions are not parsed when the file is read (that is math, done in the sandbox); a question is
graded by ``check_question`` and shown by ``question_latex``, each parsing it once.

>>> a = load_assignment('[[question]]\\nid = "q"\\nfunction = "abs(x)"\\npoint = "0"')
>>> a.questions[0].text
'Give the Clarke set ∂f(x₀).'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..engine.parsing import parse_function, parse_point
from ..errors import InputError
from .check import check_answer, question_problem
from .verdict import KINDS, Verdict

MAX_ASSIGNMENT_BYTES = 64_000
MAX_QUESTIONS = 100
MAX_TOML_NESTING = 32  # [ and { inside one another in an assignment file
_PROMPTS = {
    "clarke": "Give the Clarke set ∂f(x₀).",
    "subdifferential": "Give the subdifferential ∂ₛf(x₀) (slopes of lines below the whole graph).",
    "member": "Is s in the Clarke set ∂f(x₀)? Answer yes or no.",
    "lipschitz": "Is f locally Lipschitz at x₀? Answer yes or no.",
    "homogeneity": "Give the degree of positive homogeneity of f, or none.",
}


@dataclass(frozen=True)
class Question:
    """One question of an assignment (a ``[[question]]`` table of the TOML file)."""

    id: str
    function: str
    kind: str = "clarke"
    point: str = ""
    points: float = 1.0
    prompt: str = ""
    hints: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    s: str | None = None

    @property
    def text(self) -> str:
        """The question in words: the prompt of the file, else one made from the kind."""
        return self.prompt or _PROMPTS[self.kind]


@dataclass(frozen=True)
class Assignment:
    """A titled list of questions with unique ids.

    >>> a = load_assignment('title = "T"\\n[[question]]\\nid = "q1"\\nfunction = "relu(x)"\\n'
    ...                     'point = "0"\\nkind = "clarke"\\npoints = 2\\nforbidden = ["relu"]')
    >>> a.total, a.question("q1").forbidden
    (2.0, ('relu',))
    """

    title: str
    questions: tuple[Question, ...]

    @property
    def total(self) -> float:
        return float(sum(q.points for q in self.questions))

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


def load_assignment(text: str | bytes) -> Assignment:
    """Read an assignment from TOML text (stdlib ``tomllib``); bad files raise ``InputError``.

    Each ``[[question]]`` has ``id``, ``function``, ``kind`` (one of ``KINDS``), ``point``
    (except for homogeneity), ``points`` (default 1), and optionally ``prompt``, ``hints`` (a list
    of strings), ``forbidden`` (words the answer may not contain) and ``s`` (the slope of a
    membership question). Functions are not parsed here: that is math, done in the sandbox.
    """
    import tomllib

    if isinstance(text, bytes):
        if len(text) > MAX_ASSIGNMENT_BYTES:
            raise InputError(f"The assignment file is too large; the limit is "
                             f"{MAX_ASSIGNMENT_BYTES // 1000} kB.")
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("The assignment file is not UTF-8 text.") from None
    if len(text) > MAX_ASSIGNMENT_BYTES:
        raise InputError(f"The assignment file is too large; the limit is "
                         f"{MAX_ASSIGNMENT_BYTES // 1000} kB.")
    depth = _nesting(text)
    if depth > MAX_TOML_NESTING:
        raise InputError(f"The assignment nests brackets {depth} deep; the limit is "
                         f"{MAX_TOML_NESTING}.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"The assignment is not valid TOML ({err}).") from None
    except RecursionError:  # a nesting the count above missed: still one sentence
        raise InputError("The assignment nests too deeply to read.") from None
    tables = data.get("question")
    if not isinstance(tables, list) or not tables:
        raise InputError("The assignment lists no questions: add [[question]] tables.")
    if len(tables) > MAX_QUESTIONS:
        raise InputError(f"The assignment has more than {MAX_QUESTIONS} questions.")
    questions = tuple(_question(t, i) for i, t in enumerate(tables, 1))
    ids = [q.id for q in questions]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise InputError(f"Two questions have the id {duplicate!r}; ids must be unique.")
    title = data.get("title", "Assignment")
    return Assignment(str(title)[:200], questions)


def _nesting(text: str) -> int:
    """How deep ``[`` and ``{`` nest, outside quoted strings and comments (an upper bound on
    what tomllib would recurse into; it recurses once per level and a deep one exhausts the
    stack)."""
    depth = most = 0
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\" and quote == '"':
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
            continue
        elif ch in "[{":
            depth += 1
            most = max(most, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return most


def _question(table, number: int) -> Question:
    where = f"Question {number}"
    if not isinstance(table, dict):
        raise InputError(f"{where} is not a table of keys.")
    known = {"id", "function", "kind", "point", "points", "prompt", "hints", "forbidden", "s"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise InputError(f"{where} has an unknown key {unknown[0]!r}; use "
                         f"{', '.join(sorted(known))}.")

    def text(key: str, default: str | None = None, limit: int = 2000) -> str:
        value = table.get(key, default)
        if value is None:
            raise InputError(f"{where} needs a {key}.")
        if isinstance(value, int | float) and not isinstance(value, bool) and key in ("point", "s"):
            value = str(value)
        if not isinstance(value, str) or len(value) > limit:
            raise InputError(f"{where}: {key} must be text of at most {limit} characters.")
        return value

    def words(key: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not (isinstance(value, list) and all(isinstance(w, str) for w in value)):
            raise InputError(f"{where}: {key} must be a list of strings.")
        return tuple(w for w in value if w.strip())[:20]

    kind = text("kind", "clarke")
    if kind not in KINDS:
        raise InputError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}.")
    points = table.get("points", 1)
    if isinstance(points, bool) or not isinstance(points, int | float) or not 0 <= points <= 1000:
        raise InputError(f"{where}: points must be a number from 0 to 1000.")
    s = text("s") if kind == "member" else None
    return Question(
        id=text("id", limit=64), function=text("function"), kind=kind,
        point="" if kind == "homogeneity" else text("point", limit=200),
        points=float(points), prompt=text("prompt", "", 500), hints=words("hints"),
        forbidden=words("forbidden"), s=s,
    )


def check_question(question: Question, answer: str) -> Verdict:
    """``check_answer`` for one question of an assignment, refusing forbidden words first.

    >>> q = Question("q", "relu(x)", "clarke", "0", forbidden=("relu",))
    >>> check_question(q, "relu'(0)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: Your answer may not use 'relu': give the answer itself, ...
    """
    lowered = answer.lower() if isinstance(answer, str) else ""
    for word in question.forbidden:
        if word.lower() in lowered:
            raise InputError(f"Your answer may not use {word!r}: give the answer itself, not the "
                             "question back.")
    return check_answer(question.function, question.point, answer, question.kind, s=question.s)


def question_latex(question: Question) -> tuple[str, str]:
    """LaTeX of the question's function and point (for the page; parsed, never raw text)."""
    if question.kind == "homogeneity":
        return sp.latex(parse_function(question.function).expr), ""
    p = question_problem(question.function, question.point)
    f, point = sp.latex(p.expr), p.point
    shown = ", ".join(sp.latex(c) for c in point)
    shown = shown if len(point) == 1 else rf"\left({shown}\right)"
    if question.kind == "member" and question.s is not None:
        s = ", ".join(sp.latex(c) for c in parse_point(question.s, len(point)))
        s = s if len(point) == 1 else r"\left(" + s + r"\right)"
        shown += r", \qquad s = " + s
    return f, shown


def assignment_latex(assignment: Assignment) -> list[tuple[str, str]]:
    """``question_latex`` of every question (one sandboxed call for the page)."""
    return [question_latex(q) for q in assignment.questions]
