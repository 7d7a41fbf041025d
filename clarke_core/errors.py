"""The exceptions that reach users: each message is one sentence a student understands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

OVERFLOW = ("A value is too large for floating-point numbers (above about 1e308); use smaller "
            "numbers, or a point nearer 0.")
TOO_DEEP = "The expression is nested too deeply to compute; simplify it."


class InputError(ValueError):
    """Bad input: the message says, in one sentence, what is wrong and how to fix it.

    >>> raise InputError("The point must be a number such as 0, 1/2 or pi.")
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: The point must be a number such as 0, 1/2 or pi.
    """


class UndecidedError(InputError):
    """The exact engine could not decide the answer; it says why rather than guess."""


class NotFiniteError(UndecidedError):
    """A value the engine needed is not a finite real number (f undefined somewhere)."""


@contextmanager
def numeric_limits() -> Iterator[None]:
    """Float overflow and runaway recursion in the block become one-sentence ``InputError``s:
    both come from the input's size (a huge constant, a deep nesting), never from a bug.

    >>> with numeric_limits():
    ...     float(10**400)
    Traceback (most recent call last):
    ...
    clarke_core.errors.InputError: A value is too large for floating-point numbers ...
    """
    try:
        yield
    except OverflowError:
        raise InputError(OVERFLOW) from None
    except RecursionError:
        raise InputError(TOO_DEEP) from None
