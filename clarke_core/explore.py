"""Everything the 1D Clarke page shows, computed in one call (run in the sandbox by the app)."""

from __future__ import annotations

from dataclasses import dataclass

from .sets import DifferentialSet


@dataclass(frozen=True)
class Exploration1D:
    """Plain data for the 1D page: the function, the point, both sets, and curve samples.

    ``curve_y`` holds nan where f is undefined. ``notes`` are sentences explaining the sets.
    """

    text: str
    latex: str
    point: float
    point_latex: str
    value: float
    clarke: DifferentialSet
    subdifferential: DifferentialSet
    window: tuple[float, float]
    curve_x: tuple[float, ...]
    curve_y: tuple[float, ...]
    notes: tuple[str, ...] = ()
