"""The assignment file: a TOML schema of ``[[question]]`` tables, read without running math.

Functions are not parsed when the file is read (that is math, done in the sandbox); a question is
graded by ``check_question`` and shown by ``question_latex``, each parsing it once, and an error
in a question's function, point or s names the question and the field.

The file's top level may set the rules of the assignment (``Rules``): ``attempts`` allowed per
question, ``feedback`` (``full``; ``hint``: what is wrong, never the set; ``none`` until the
``deadline``), the ``deadline`` (a TOML date-time with a time zone), and an ``id`` under which
its attempts are stored (else the file's name). A question may have parameters (``variants``):
then ``Assignment.question_for`` gives each student their own variant, drawn from the file's
``seed`` (else its id, else its title).

>>> a = load_assignment('[[question]]\\nid = "q"\\nfunction = "abs(x)"\\npoint = "0"')
>>> a.questions[0].text, a.rules
('Give the Clarke set ∂f(x₀).', Rules(attempts=None, feedback='full', deadline=None))
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import sympy as sp

from ..engine.parsing import parse_function, parse_point
from ..errors import InputError
from .check import check_answer, question_problem
from .tables import printable
from .variants import TEMPLATE_FIELDS, Parameter, check_template, describe, read_parameters, variant
from .verdict import KINDS, Verdict

MAX_ASSIGNMENT_BYTES = 64_000
MAX_QUESTIONS = 100
MAX_TOML_NESTING = 32  # [ and { inside one another in an assignment file
MAX_ATTEMPTS = 1000
FEEDBACK_MODES = ("full", "hint", "none")
TOP_LEVEL_KEYS = ("attempts", "deadline", "feedback", "id", "question", "seed", "title")
_PROMPTS = {
    "clarke": "Give the Clarke set ∂f(x₀).",
    "subdifferential": "Give the subdifferential ∂ₛf(x₀) (slopes of lines below the whole graph).",
    "member": "Is s in the Clarke set ∂f(x₀)? Answer yes or no.",
    "lipschitz": "Is f locally Lipschitz at x₀? Answer yes or no.",
    "homogeneity": "Give the degree of positive homogeneity of f, or none.",
}


@dataclass(frozen=True)
class Question:
    """One question of an assignment (a ``[[question]]`` table of the TOML file). A template has
    ``parameters``; a student's variant of it has none, and ``variant`` names its values."""

    id: str
    function: str
    kind: str = "clarke"
    point: str = ""
    points: float = 1.0
    prompt: str = ""
    hints: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()
    s: str | None = None
    parameters: tuple[Parameter, ...] = ()
    variant: str = ""

    @property
    def text(self) -> str:
        """The question in words: the prompt of the file, else one made from the kind."""
        return self.prompt or _PROMPTS[self.kind]

    @property
    def parameters_text(self) -> str:
        """The parameters and their values in words (empty without parameters)."""
        return describe(self.parameters)


@dataclass(frozen=True)
class Rules:
    """How an assignment takes answers: ``attempts`` per question per student (None: no limit),
    ``feedback`` (one of ``FEEDBACK_MODES``), ``deadline`` (UTC, or None)."""

    attempts: int | None = None
    feedback: str = "full"
    deadline: datetime | None = None

    def open_at(self, when: datetime) -> bool:
        """Whether answers are taken at ``when`` (aware): before the deadline, if there is one."""
        return self.deadline is None or when < self.deadline


@dataclass(frozen=True)
class Assignment:
    """A titled list of questions with unique ids, its rules, and the id its attempts are stored
    under (empty: the caller names it, e.g. after the file).

    >>> a = load_assignment('title = "T"\\n[[question]]\\nid = "q1"\\nfunction = "relu(x)"\\n'
    ...                     'point = "0"\\nkind = "clarke"\\npoints = 2\\nforbidden = ["relu"]')
    >>> a.total, a.question("q1").forbidden
    (2.0, ('relu',))
    """

    title: str
    questions: tuple[Question, ...]
    rules: Rules = field(default_factory=Rules)
    id: str = ""
    seed: str = ""

    @property
    def total(self) -> float:
        return float(sum(q.points for q in self.questions))

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def question_for(self, question_id: str, student: str) -> Question | None:
        """The question ``question_id`` as ``student`` is asked it: their variant, drawn from
        the seed (else the id, else the title), the question and the name as it is stored
        (control characters and repeated spaces aside). A question without parameters is the
        same for everyone.

        >>> a = load_assignment('seed = 7\\n[[question]]\\nid = "q"\\nfunction = "abs(x - c)"\\n'
        ...                     'point = "0"\\nparameters = { c = [0, 9] }')
        >>> q = a.question_for("q", "ann")
        >>> q.function == f"abs(x - ({q.variant[2:]}))", q == a.question_for("q", " ann ")
        (True, True)
        """
        question = self.question(question_id)
        if question is None or not question.parameters:
            return question
        student = " ".join(printable(student).split())
        return variant(question, self.seed or self.id or self.title, student)


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
    unknown = sorted(set(data) - set(TOP_LEVEL_KEYS))
    if unknown:
        raise InputError(f"The assignment has an unknown key {unknown[0]!r} at the top; use "
                         f"{', '.join(TOP_LEVEL_KEYS)}.")
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
    name = data.get("id", "")
    if not isinstance(name, str) or len(name) > 100:
        raise InputError("The assignment's id must be text of at most 100 characters.")
    seed = data.get("seed", "")
    if isinstance(seed, int) and not isinstance(seed, bool):
        seed = str(seed)
    if not isinstance(seed, str) or len(seed) > 100:
        raise InputError("The assignment's seed must be text or a whole number, of at most 100 "
                         "characters.")
    return Assignment(str(title)[:200], questions, _rules(data), name.strip(), seed.strip())


def _rules(data: dict) -> Rules:
    """The top-level rules of an assignment file, each error naming its field."""
    attempts = data.get("attempts")
    if attempts is not None and (isinstance(attempts, bool) or not isinstance(attempts, int)
                                 or not 1 <= attempts <= MAX_ATTEMPTS):
        raise InputError(f"The assignment's attempts must be a whole number from 1 to "
                         f"{MAX_ATTEMPTS} (leave it out for no limit).")
    mode = data.get("feedback", "full")
    if mode not in FEEDBACK_MODES:
        raise InputError(f"The assignment's feedback must be one of {', '.join(FEEDBACK_MODES)}, "
                         f"not {mode!r}.")
    deadline = _deadline(data.get("deadline"))
    if mode == "none" and deadline is None:
        raise InputError("The assignment's feedback is 'none' until the deadline, so it needs a "
                         "deadline.")
    return Rules(attempts, mode, deadline)


def _deadline(value) -> datetime | None:
    """A TOML offset date-time (or the same as ISO text) in UTC; anything else is refused."""
    example = "like 2026-12-24T23:59:00Z or 2026-12-24T23:59:00+01:00"
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise InputError(f"The assignment's deadline must be a date and time, {example}."
                             ) from None
    if not isinstance(value, datetime):
        what = "a date without a time" if isinstance(value, date) else "not a date and time"
        raise InputError(f"The assignment's deadline is {what}; write it {example}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InputError(f"The assignment's deadline needs a time zone, {example}.")
    return value.astimezone(UTC)


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
    if isinstance(table.get("id"), str) and 0 < len(table["id"]) <= 64:
        where = f"Question {table['id']!r} (number {number})"
    known = {"id", "function", "kind", "point", "points", "prompt", "hints", "forbidden", "s",
             "parameters"}
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
    question = Question(
        id=text("id", limit=64), function=text("function"), kind=kind,
        point="" if kind == "homogeneity" else text("point", limit=200),
        points=float(points), prompt=text("prompt", "", 500), hints=words("hints"),
        forbidden=words("forbidden"), s=s,
    )
    if "parameters" not in table:
        return question
    parameters = read_parameters(table["parameters"], question.id)
    check_template(parameters, {f: getattr(question, f) for f in TEMPLATE_FIELDS}, question.id)
    return replace(question, parameters=parameters)


def _template_refused(question: Question) -> InputError:
    names = ", ".join(p.name for p in question.parameters)
    return InputError(f"Question {question.id!r} has parameters ({names}): each student is "
                      "asked their own variant of it, so give the student's name first.")


def check_question(question: Question, answer: str) -> Verdict:
    """``check_answer`` for one question of an assignment, refusing forbidden words first.

    >>> q = Question("q", "relu(x)", "clarke", "0", forbidden=("relu",))
    >>> check_question(q, "relu'(0)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: Your answer may not use 'relu': give the answer itself, ...
    """
    if question.parameters:
        raise _template_refused(question)
    lowered = answer.lower() if isinstance(answer, str) else ""
    for word in question.forbidden:
        if word.lower() in lowered:
            raise InputError(f"Your answer may not use {word!r}: give the answer itself, not the "
                             "question back.")
    try:
        return check_answer(question.function, question.point, answer, question.kind,
                            s=question.s)
    except InputError as err:
        raise _blamed(question, err) from None


def _blamed(question: Question, err: InputError) -> InputError:
    """``err`` naming the question and the field at fault, when the question is (its function,
    point or s does not parse); else ``err`` itself, about the answer. Parses again only here,
    on the way out of a refusal.

    >>> _blamed(Question("q1", "abs(x"), InputError("..."))  # doctest: +ELLIPSIS
    InputError("Question 'q1', field 'function': The brackets do not match at column 4...")
    """
    fields = [("function", lambda: parse_function(question.function))]
    if question.kind != "homogeneity":
        fields.append(("point", lambda: question_problem(question.function, question.point)))
    if question.kind == "member" and question.s is not None:
        fields.append(("s", lambda: parse_point(
            question.s, question_problem(question.function, question.point).dim)))
    for name, parse in fields:
        try:
            parse()
        except InputError as fault:
            return InputError(f"Question {question.id!r}, field {name!r}: {fault}")
    return err


def question_latex(question: Question) -> tuple[str, str]:
    """LaTeX of the question's function and point (for the page; parsed, never raw text); an
    error names the question and the field."""
    if question.parameters:
        raise _template_refused(question)
    try:
        return _latex(question)
    except InputError as err:
        raise _blamed(question, err) from None


def _latex(question: Question) -> tuple[str, str]:
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


def assignment_latex(assignment: Assignment, student: str | None = None
                     ) -> list[tuple[str, str]]:
    """``question_latex`` of every question as ``student`` is asked it (their variant; one
    sandboxed call for the page). Without a student, a question with parameters is refused."""
    if student is None:
        return [question_latex(q) for q in assignment.questions]
    return [question_latex(assignment.question_for(q.id, student)) for q in assignment.questions]
