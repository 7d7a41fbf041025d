"""``python -m clarke_core``: the command line; see ``clarke_core.service.cli``."""

from clarke_core.service.cli import main

if __name__ == "__main__":  # not when a tool (pytest's doctest collector) imports the file
    raise SystemExit(main())
