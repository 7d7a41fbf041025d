"""Clarke Lab's math core: exact Clarke sets and subdifferentials of nonsmooth functions.

>>> from clarke_core import clarke_set
>>> clarke_set("max(0, x)", "0").vertices
[(0.0,), (1.0,)]
"""

from __future__ import annotations

from .api import clarke_set, subdifferential
from .engine.sets import DifferentialSet, GradientSequence, Witness
from .errors import InputError, UndecidedError
from .grading import Verdict, check_answer
from .labs.homogeneity import homogeneity_degree

__all__ = [
    "DifferentialSet",
    "GradientSequence",
    "InputError",
    "UndecidedError",
    "Verdict",
    "Witness",
    "check_answer",
    "clarke_set",
    "homogeneity_degree",
    "subdifferential",
]
