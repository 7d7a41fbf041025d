"""`make bench`: every benchmark of the project, each against a baseline run in the same process."""

from __future__ import annotations

from . import engine_1d, engine_2d, grading, networks

if __name__ == "__main__":
    engine_1d.main()
    print()
    engine_2d.main()
    print()
    networks.main()
    print()
    grading.main()
