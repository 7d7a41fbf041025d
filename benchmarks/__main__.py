"""`make bench`: every benchmark of the project, each against a baseline run in the same process.

Each module prints its detail, then one summary table lists every figure with its baseline and
the ratio (how many times better than the baseline; below 1 means slower than it).
"""

from __future__ import annotations

from . import engine_1d, engine_2d, grading, nd, networks
from .table import format_table

if __name__ == "__main__":
    rows = []
    for module in (engine_1d, engine_2d, nd, networks, grading):
        rows += module.main()
        print()
    print("Summary: each figure against its baseline measured in this run")
    print(format_table(rows))
