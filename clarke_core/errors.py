"""The exceptions that reach users: each message is one sentence a student understands."""

from __future__ import annotations


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
