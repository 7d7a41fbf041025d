"""Numbers as short plain text for labels and sentences: floats with 4 digits, sympy numbers with
√ and π (plotly draws no LaTeX in legends and hover text). Both come from the one printer,
``engine.printing``.

>>> import sympy as sp
>>> fmt(2 ** 0.5), exact_label(-2 * sp.sqrt(2))
('1.414', '-2√2')
"""

from __future__ import annotations

from ..engine import printing

fmt = printing.decimal  # integers without decimals, others with 4 significant digits
exact_label = printing.label  # exact numbers as page text: √2/2, π/4
