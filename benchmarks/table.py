"""The one summary table of `make bench`: every figure next to its baseline from the same run.

Each benchmark module's ``main()`` prints its own detail and returns a list of ``Row``;
``format_table`` lays all of them out as one table.

>>> print(format_table([Row("x", 2.0, "ms", "y", 8.0, "≤ 20 ms", True)]))  # doctest: +ELLIPSIS
figure ...
-----...
x ... 2.00 ms ... 8.00     4.00x  ≤ 20 ms      met
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One figure: ``value`` in ``unit`` against ``baseline_value`` of ``baseline`` (same run).

    ``ratio`` is how many times better the figure is than its baseline (baseline / value for
    times, value / baseline for rates). ``met`` is None when the figure has no target.
    """

    name: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    target: str = ""
    met: bool | None = None
    lower_is_better: bool = True

    @property
    def ratio(self) -> float:
        if self.lower_is_better:
            return self.baseline_value / self.value if self.value else float("inf")
        return self.value / self.baseline_value if self.baseline_value else float("inf")


def _number(v: float) -> str:
    return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}" if abs(v) < 1000 else f"{v:.0f}"


def format_table(rows: Sequence[Row]) -> str:
    """The rows as one fixed-width table with a header line."""
    header = (f"{'figure':40} {'value':>10} {'unit':9} {'baseline (same run)':32} "
              f"{'baseline':>10} {'× better':>9}  {'target':12} met")
    lines = [header, "-" * len(header)]
    for r in rows:
        met = "" if r.met is None else "met" if r.met else "MISSED"
        lines.append(f"{r.name[:40]:40} {_number(r.value):>10} {r.unit:9} {r.baseline[:32]:32} "
                     f"{_number(r.baseline_value):>10} {r.ratio:8.2f}x  {r.target:12} {met}")
    return "\n".join(lines)
