"""Clarke Lab's math core: exact Clarke sets and subdifferentials of nonsmooth functions.

>>> from clarke_core import clarke_set
>>> clarke_set("max(0, x)", "0").vertices
[(0.0,), (1.0,)]
"""

from __future__ import annotations

from .errors import InputError, UndecidedError
from .sets import DifferentialSet, GradientSequence, Witness

__all__ = [
    "DifferentialSet",
    "GradientSequence",
    "InputError",
    "UndecidedError",
    "Witness",
    "clarke_set",
    "subdifferential",
]


def __getattr__(name: str):
    # The engine imports sympy-heavy modules; load them on first use.
    if name in ("clarke_set", "subdifferential"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)
