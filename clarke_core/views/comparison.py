"""Why the Clarke set and the subdifferential differ (or agree), in one short paragraph.

The paragraph is read off the computed sets, never written per example: the Clarke set only
looks at gradients *near* x₀, a subgradient s must give a line (a plane in 2D) through
(x₀, f(x₀)) that stays below the *whole* graph. Where f is locally Lipschitz,
∂ₛf(x₀) ⊆ ∂f(x₀), so the question is always how much of the Clarke set survives the global test.

>>> from clarke_core.engine.sets import DifferentialSet
>>> square = DifferentialSet("interval", [(-1.0,), (1.0,)])
>>> print(why_they_differ(square, DifferentialSet("empty", []), convex=False, dim=1))
They differ completely. The Clarke set [-1, 1] collects the limits of slopes next to x₀, but a \
subgradient s must give a line through (x₀, f(x₀)) that stays below the whole graph, and no s \
does here: the subdifferential is empty. This happens only where f is not convex.
"""

from __future__ import annotations

from ..engine import printing
from ..engine.geometry import same_set
from ..engine.sets import DifferentialSet, SetKind


def set_text(dset: DifferentialSet, caveat: bool = True) -> str:
    """A set as short plain text: exact numbers where known (√ for sqrt, π for pi), followed
    by "(checked numerically)" when the set is not certified (``caveat=False`` leaves that to
    the caller's sentence).

    >>> import sympy as sp
    >>> set_text(DifferentialSet("interval", [(-1.41,), (1.41,)], [(-sp.sqrt(2),), (sp.sqrt(2),)]))
    '[-√2, √2]'
    >>> set_text(DifferentialSet("segment", [(0.0, 1.0), (1.0, 0.0)]))
    'conv{(0, 1), (1, 0)}'
    """
    # a curved set is named, not written out, in these sentences
    return printing.set_text(dset, page=True, closed_form=False,
                             caveat=" (checked numerically)" if caveat else "")


def _inside(inner: DifferentialSet, outer: DifferentialSet) -> bool:
    return all(outer.contains(tuple(v), tol=1e-7) for v in inner.vertices)


def _vertex_outside(clarke: DifferentialSet, sub: DifferentialSet) -> str:
    """A vertex of the Clarke set that is not a subgradient, as text ("" when there is none)."""
    exact = clarke.exact if clarke.exact is not None and len(clarke.exact) == len(
        clarke.vertices) else [None] * len(clarke.vertices)
    for v, e in zip(clarke.vertices, exact, strict=True):
        if not sub.contains(tuple(v), tol=1e-7):
            shown = DifferentialSet("point", [tuple(v)], None if e is None else [e])
            return set_text(shown)[1:-1]  # a fresh DifferentialSet is certified: no caveat
    return ""


def _numerically(text: str) -> str:
    return text if "numerically" in text else (
        text + " (The subdifferential was checked numerically, not proved.)")


def why_they_differ(clarke: DifferentialSet, sub: DifferentialSet | None, *, convex: bool,
                    dim: int, _shown: bool = False) -> str:
    """One paragraph (plain text, no Markdown) on how ∂ₛf(x₀) compares with ∂f(x₀), and why.

    ``convex`` says whether f is certified convex; ``dim`` is 1 (lines, slopes) or 2 (planes,
    gradients). ``sub`` None means the subdifferential was left undecided.

    >>> unit = DifferentialSet("interval", [(0.0,), (1.0,)])
    >>> why_they_differ(unit, unit, convex=True, dim=1).split(".")[0]
    'They are equal because f is convex'
    >>> half = DifferentialSet("point", [(0.0,)])
    >>> why_they_differ(unit, half, convex=False, dim=1).split(":")[0]
    'The subdifferential {0} is smaller than the Clarke set [0, 1]'
    """
    line, slopes = ("line", "slopes") if dim == 1 else ("plane", "gradients")
    test = (f"a subgradient s must give a {line} through (x₀, f(x₀)) that stays below the whole "
            "graph")
    if clarke.kind == SetKind.UNBOUNDED:
        if sub is None:
            tail = "whether any does could not be decided here."
        elif sub.kind == SetKind.EMPTY:
            tail = "here none does, so the subdifferential is the empty set ∅."
        elif sub.kind == SetKind.UNBOUNDED:
            tail = "here that test bounds no slope either."
        else:
            tail = f"that test alone still gives {set_text(sub)}."  # the caveat ends the text
        cause = clarke.extra.get("cause")
        if cause == "jump":
            why = "f jumps at x₀ (it is not even continuous there, so not locally Lipschitz)"
        elif cause == "slopes":
            why = (f"the {slopes} of f grow without bound near x₀ (f is not locally Lipschitz "
                   "there)")
        else:
            why = "f is not locally Lipschitz near x₀"
        return (f"There is no Clarke set to compare: {why}. The subdifferential asks something "
                f"else ({test}), and {tail}")
    c = set_text(clarke)
    if sub is None:
        return (f"The Clarke set is {c}. Whether every s in it passes the global test ({test}) "
                "could not be decided exactly here, so the page does not guess.")
    if sub.kind in (SetKind.EMPTY, SetKind.UNBOUNDED):
        return (f"They differ completely. The Clarke set {c} collects the limits of {slopes} next "
                f"to x₀, but {test}, and no s does here: the subdifferential is empty. This "
                "happens only where f is not convex.")
    s = set_text(sub, caveat=False)
    if not sub.certified and not _shown:
        return _numerically(why_they_differ(clarke, sub, convex=convex, dim=dim, _shown=True))
    if same_set(clarke, sub, tol=1e-7):
        if convex:
            return (f"They are equal because f is convex. For a convex function every limit of "
                    f"nearby {slopes} gives a {line} that stays below the whole graph, and every "
                    f"such {line} is one of these: both sets are "
                    + ("the same curved set." if clarke.kind == SetKind.CONVEX else f"{c}."))
        checked = "" if sub.certified else " (checked numerically)"
        return (f"They are equal here, {c}, although f is not known to be convex: every s in the "
                f"Clarke set happens to give a {line} that stays below the whole graph{checked}. "
                "Away from such points they can differ.")
    if _inside(sub, clarke):
        outside = _vertex_outside(clarke, sub)
        example = f" (for instance s = {outside})" if outside else ""
        return (f"The subdifferential {s} is smaller than the Clarke set {c}: every s in the "
                f"Clarke set is a limit of nearby {slopes}, but for the s outside {s}{example} "
                f"the {line} f(x₀) + ⟨s, x − x₀⟩ rises above the graph somewhere away from x₀. "
                "The Clarke set only looks near x₀; the subdifferential looks at all of f."
                .replace("⟨s, x − x₀⟩", "s·(x − x₀)" if dim == 1 else "⟨s, x − x₀⟩"))
    return (f"The Clarke set is {c} and the subdifferential is {s}. For a "
            "locally Lipschitz f the subdifferential lies inside the Clarke set; here the "
            "numeric check could not confirm that, so read both sets with care.")
