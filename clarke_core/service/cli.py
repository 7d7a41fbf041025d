"""The command line, ``python -m clarke_core SUBCOMMAND ...``.

::

    clarke EXPR --at P [--json]             the Clarke set of EXPR at P
    subdifferential EXPR --at P [--json]    the convex-analysis subdifferential
    homogeneity EXPR [--json]               the degree of positive homogeneity, or none
    balance --depth D --width W --steps N --lr LR --seed S [--json]   norm preservation

Exit 0: answered (with ``--json``, one JSON object on stdout). Exit 2: input refused, one line on
stderr saying why. Exit 1: a bug, one line on stderr (``CLARKE_DEBUG=1`` adds the traceback).
The text is untrusted: it is parsed and computed in a sandboxed worker (``sandbox.run``) with a
5 s wall-clock limit and 1.5 GB of memory.

Each subcommand is one function from parsed arguments to an ``Answer`` plus one entry in
``SUBCOMMANDS`` naming its arguments. Expressions and points may start with ``-``
(``clarke "-abs(x)" --at -1/2``): ``main`` shields such tokens from argparse, which would take
them for options.

>>> main(["clarke", "max(0, x)", "--at", "0"])
Clarke set of max(0, x) at x = 0: [0, 1]
0
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..engine import printing
from ..engine.sets import DifferentialSet, SetKind
from ..errors import InputError, numeric_limits
from .cli_classroom import CLASSROOM_SUBCOMMANDS

TIMEOUT_S = 5.0
MEMORY_MB = 1536
PROG = "python -m clarke_core"
# argv cannot contain NUL, so a leading NUL marks, unambiguously, a token shielded from argparse.
_SHIELD = "\0"


@dataclass(frozen=True)
class Answer:
    """What a subcommand answered: ``text`` for people, ``data`` for ``--json``."""

    text: str
    data: dict


@dataclass(frozen=True)
class Subcommand:
    """One subcommand: a line of help, its arguments, and the function that answers it."""

    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    answer: Callable[[argparse.Namespace], Answer]


# --- the subcommands ---------------------------------------------------------------------------


def _set_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expr", metavar="EXPR", help="the function, e.g. 'max(0, x)'")
    parser.add_argument("--at", required=True, metavar="P", help="the point, e.g. 0, -1/2, pi")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def clarke(args: argparse.Namespace) -> Answer:
    """``clarke EXPR --at P``: the Clarke set."""
    return _set_answer("clarke", args.expr, args.at)


def subdifferential(args: argparse.Namespace) -> Answer:
    """``subdifferential EXPR --at P``: the convex-analysis subdifferential."""
    return _set_answer("subdifferential", args.expr, args.at)


def _homogeneity_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("expr", metavar="EXPR", help="the function, e.g. 'max(x, y)'")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def homogeneity(args: argparse.Namespace) -> Answer:
    """``homogeneity EXPR``: the degree L with f(αx) = α^L f(x) for α ≥ 0, or none."""
    from . import sandbox

    degree, reason = sandbox.run(compute_homogeneity, args.expr, timeout=TIMEOUT_S,
                                 memory_mb=MEMORY_MB, method="fork")
    if degree is None:
        text = f"{args.expr} is not positively homogeneous: {reason}"
    else:
        text = f"{args.expr} is positively homogeneous of degree {degree}."
    return Answer(text, {"expression": args.expr, "homogeneous": degree is not None,
                         "degree": degree, "reason": reason})


def compute_homogeneity(expr: str) -> tuple[str | None, str]:
    """What the worker computes for ``homogeneity``: the degree as text (or None) and why.

    >>> compute_homogeneity("abs(x)**(1/2)")
    ('1/2', 'Every part scales like α^(1/2).')
    """
    from ..labs.homogeneity import homogeneity as decide

    with numeric_limits():
        h = decide(expr)
    return (None if h.degree is None else str(h.degree)), h.reason


def _number(kind: type, example: str) -> Callable[[str], float]:
    # A negative number arrives shielded (see _shield); the range check happens later.
    def read(text: str):
        try:
            return kind(text.removeprefix(_SHIELD))
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"expected a {'whole number' if kind is int else 'number'} such as {example}, "
                f"not {text.removeprefix(_SHIELD)!r}") from None

    return read


def _balance_arguments(parser: argparse.ArgumentParser) -> None:
    for flag, kind, example, meta, text in (
        ("--depth", int, "3", "D", "hidden layers H (1 to 6)"),
        ("--width", int, "16", "W", "neurons per hidden layer (1 to 64)"),
        ("--steps", int, "3000", "N", "gradient steps (1 to 100000)"),
        ("--lr", float, "0.01", "LR", "step size η (0 < η ≤ 1)"),
        ("--seed", int, "0", "S", "random seed of the network and the data"),
    ):
        parser.add_argument(flag, type=_number(kind, example), required=True, metavar=meta,
                            help=text)
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def balance(args: argparse.Namespace) -> Answer:
    """``balance``: gradient descent on a random ReLU network; ‖W_h(T)‖² − ‖W_h(0)‖² per layer.

    Only numbers, range-checked before anything runs, so it computes in this process.
    """
    from ..labs.networks import balance as run_balance

    run = run_balance(args.depth, args.width, args.steps, args.lr, args.seed)
    if run.diverged_at is not None:
        raise InputError(f"Gradient descent diverged at step {run.diverged_at} with step size "
                         f"{args.lr:g}; try a smaller --lr.")
    changes = [float(c) for c in run.sq_norm_change[-1]]
    text = (f"After {args.steps} steps with lr={args.lr:g}: ||W_h(T)||^2 - ||W_h(0)||^2 = "
            + ", ".join(f"{c:.6g}" for c in changes)
            + f" (h = 1..{len(changes)}); spread {run.spread:.3g}; Euler residual "
            f"{run.euler_residual:.3g}; loss {run.loss[0]:.4g} -> {run.loss[-1]:.4g}")
    return Answer(text, {"sq_norm_change": changes, "euler_residual": run.euler_residual,
                         "loss": [float(v) for v in run.loss], "spread": run.spread})


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    _set_arguments(parser)
    parser.add_argument("--answer", required=True, metavar="A", help="the answer, e.g. '[0, 1]'")
    parser.add_argument("--set", choices=("clarke", "subdifferential"), default="clarke",
                        help="which set the answer gives (default: clarke)")


def check(args: argparse.Namespace) -> Answer:
    """``check EXPR --at P --answer A``: grade an answer, with feedback that says why."""
    from . import sandbox

    v = sandbox.run(compute_check, args.expr, args.at, args.answer, args.set, timeout=TIMEOUT_S,
                    memory_mb=MEMORY_MB, method="fork")
    text = f"{'correct' if v.correct else 'not correct'} (score {v.score:.2f}): {v.feedback}"
    return Answer(text, {"correct": v.correct, "score": v.score, "feedback": v.feedback})


def compute_check(expr: str, at: str, answer: str, kind: str):
    """What the worker computes for ``check``: the ``Verdict``, with float overflow and runaway
    recursion as one sentence.

    >>> compute_check("max(0, x)", "0", "[0, 1]", "clarke").correct
    True
    """
    from ..grading import check_answer

    with numeric_limits():
        return check_answer(expr, at, answer, kind)


def _grade_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("assignment", metavar="ASSIGNMENT.toml", help="the questions")
    parser.add_argument("answers", metavar="ANSWERS.csv", help="columns student,question,answer")
    parser.add_argument("--out", metavar="GRADES.csv", help="write the grades here, not stdout")
    parser.add_argument("--gradescope", metavar="PATH", help="also write Gradescope results.json")
    parser.add_argument("--json", action="store_true", help="print one JSON summary")


def grade(args: argparse.Namespace) -> Answer:
    """``grade ASSIGNMENT.toml ANSWERS.csv``: a class's answers, on two sandboxed processes."""
    from ..grading import grade_files

    return Answer(*grade_files(args.assignment, args.answers, args.out, args.gradescope))


SUBCOMMANDS: dict[str, Subcommand] = {
    "clarke": Subcommand("the Clarke set of EXPR at the point P", _set_arguments, clarke),
    "homogeneity": Subcommand("the degree of positive homogeneity of EXPR",
                              _homogeneity_arguments, homogeneity),
    "balance": Subcommand("norm preservation under gradient descent on a random ReLU network",
                          _balance_arguments, balance),
    "subdifferential": Subcommand(
        "the convex-analysis subdifferential of EXPR at P", _set_arguments, subdifferential
    ),
    "check": Subcommand("grade answer A about EXPR at P", _check_arguments, check),
    "grade": Subcommand("grade a class's answers file against an assignment", _grade_arguments,
                        grade),
}

SUBCOMMANDS |= {name: Subcommand(*entry) for name, entry in CLASSROOM_SUBCOMMANDS.items()}

_TITLES = {"clarke": "Clarke set", "subdifferential": "Subdifferential"}


def compute_set(kind: str, expr: str, at: str) -> tuple[list[str], list[str], DifferentialSet]:
    """What the worker computes for ``clarke`` and ``subdifferential``: variables, point, set.

    The point comes back exact, as text; ``kind`` is ``"clarke"`` or ``"subdifferential"``.

    >>> variables, point, s = compute_set("clarke", "-abs(x)", "-1/2")
    >>> variables, point, s.exact
    (['x'], ['-1/2'], [(1,)])
    """
    from .. import api
    from ..engine.primitives import MAX_DIM
    from ..engine.problem import problem

    with numeric_limits():
        question = problem(expr, at, lift=False, max_dim=MAX_DIM)  # one coordinate per variable
        engine = api.clarke_of if kind == "clarke" else api.subdifferential_of
        result = engine(question)
    return [str(v) for v in question.variables], [printing.plain(c) for c in question.point], result


def _set_answer(kind: str, expr: str, at: str) -> Answer:
    from . import sandbox

    variables, point, result = sandbox.run(
        compute_set, kind, expr, at, timeout=TIMEOUT_S, memory_mb=MEMORY_MB, method="fork"
    )
    where = f"{printing.vector(variables)} = {printing.vector(point)}"
    text = f"{_TITLES[kind]} of {expr} at {where}: {describe(result)}"
    data = {"expression": expr, "variables": variables, "point": point, "set": result.to_dict()}
    return Answer(text, data)


def describe(s: DifferentialSet) -> str:
    """The set in one line of plain text, with exact values where they are known.

    >>> describe(DifferentialSet("interval", [(0.0,), (1.0,)]))
    '[0, 1]'
    >>> describe(DifferentialSet("segment", [(1.0, 0.0), (0.0, 1.0)]))
    'conv{(1, 0), (0, 1)}'
    """
    if s.kind in (SetKind.EMPTY, SetKind.UNBOUNDED):
        head = "empty" if s.kind == SetKind.EMPTY else "undefined (not locally Lipschitz)"
        return f"{head}: {s.reason}" if s.reason else head
    if s.kind == SetKind.CONVEX and s.extra.get("closed_form") is None:  # too many vertices
        return (f"a convex set with a curved boundary (--json gives a {len(s.vertices)}-gon "
                "within 1e-3 of it)")
    return printing.set_text(s, caveat=" (checked numerically, not proved)")


# --- parsing the command line ------------------------------------------------------------------


class _UsageError(InputError):
    """argparse's complaint about the command line itself."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse would print the usage too, on several lines
        raise _UsageError(f"{self.prog}: {message}".replace(_SHIELD, ""))


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and one parser per subcommand."""
    parser = _Parser(
        prog=PROG, allow_abbrev=False, description="Clarke sets and subdifferentials, exactly."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    subparsers = {}
    for name, sub in SUBCOMMANDS.items():
        subparsers[name] = commands.add_parser(
            name, help=sub.help, description=sub.help, allow_abbrev=False
        )
        sub.arguments(subparsers[name])
    return parser, subparsers


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """``argv`` parsed, with tokens such as ``-abs(x)`` or ``-1/2`` kept as values.

    >>> parse_args(["clarke", "-abs(x)", "--at", "-1/2"]).expr
    '-abs(x)'
    """
    parser, subparsers = build_parser()
    args = parser.parse_args(_shield(argv, parser, subparsers))
    for key, value in vars(args).items():
        if isinstance(value, str) and value.startswith(_SHIELD):
            setattr(args, key, value[len(_SHIELD) :])
    return args


def _shield(
    argv: Sequence[str],
    parser: argparse.ArgumentParser,
    subparsers: dict[str, argparse.ArgumentParser],
) -> list[str]:
    # A token that starts with '-' but is none of the options in scope is a value (a negative
    # expression or point); marked, argparse reads it as one.
    options = _option_strings(parser)
    chosen = False
    out = []
    for token in argv:
        if token.startswith("-") and token.split("=", 1)[0] not in options:
            token = _SHIELD + token
        elif not chosen and token in subparsers:
            options, chosen = _option_strings(subparsers[token]), True
        out.append(token)
    return out


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    # argparse has no public accessor for this; the mapping has been stable since Python 2.7.
    return set(parser._option_string_actions)


# --- main --------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command line; the exit status (0 answered, 2 input refused, 1 a bug)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = parse_args(argv)
        except SystemExit as done:  # --help has been printed
            return done.code if isinstance(done.code, int) else 0
        answer = SUBCOMMANDS[args.command].answer(args)
        output = json.dumps(_finite(answer.data), allow_nan=False) if args.json else answer.text
    except InputError as exc:
        return _fail(2, str(exc) or "The input was refused.")
    except KeyboardInterrupt:
        return _fail(130, "clarke_core: interrupted")
    except Exception as exc:
        if os.environ.get("CLARKE_DEBUG") == "1":
            traceback.print_exc()
            print(getattr(exc, "child_traceback", ""), file=sys.stderr, end="")
        return _fail(1, f"clarke_core: internal error ({type(exc).__name__}): {exc}")
    print(output)
    return 0


def _finite(data):
    """``data`` for JSON, refused in one sentence if it holds an infinite or NaN float (JSON has
    no such numbers, and writing them would make a file other tools cannot read)."""
    if isinstance(data, float) and not math.isfinite(data):
        raise InputError("The answer holds a number too large for floating point (infinite or "
                         "undefined), which JSON cannot carry; use smaller numbers.")
    if isinstance(data, dict):
        return {key: _finite(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [_finite(value) for value in data]
    return data


def _fail(code: int, message: str) -> int:
    print(" ".join(message.split()), file=sys.stderr)
    return code
