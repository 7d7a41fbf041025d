"""The exact engine, in pipeline order: ``parsing`` (text to sympy, the one door) and
``primitives`` (what each typed name knows of its calculus); local analysis (``local`` in one
variable, ``cells_2d`` in two); the sets (``clarke_1d``, ``clarke_2d``, ``subdiff_1d``,
``subdiff_2d``, ``arrangement``, ``convexity``); their values (``sets``); and the independent
numeric check (``sampling``)."""
