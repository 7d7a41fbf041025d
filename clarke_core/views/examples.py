"""The gallery of 1D examples, as data: each preset says what it teaches in one sentence.

>>> EXAMPLES_1D[0].expr, EXAMPLES_1D[0].at
('max(0, x)', '0')
>>> example_1d("lecture-figure-1").at
'-1'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """One preset: a function ``expr`` of x, the point ``at`` (both as a student types them)."""

    key: str
    label: str
    expr: str
    at: str
    note: str


EXAMPLES_1D: tuple[Example, ...] = (
    Example(
        "relu", "ReLU at its kink", "max(0, x)", "0",
        "Slopes 0 from the left and 1 from the right give the Clarke set [0, 1], which here "
        "equals the subdifferential because ReLU is convex.",
    ),
    Example(
        "lecture-figure-1", "Lecture figure 1 (no subgradient)",
        "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1",
        "The lecture's non-convex example: no line through (-1, -1) stays below the graph, yet "
        "the limiting slopes +1 and -1 give the Clarke set [-1, 1].",
    ),
    Example(
        "x2-sin-1-over-x", "x² sin(1/x): differentiable, not strictly",
        "Piecewise((x**2*sin(1/x), x != 0), (0, True))", "0",
        "f'(0) = 0 exists, but f' keeps oscillating between -1 and 1 near 0, so the Clarke set "
        "is [-1, 1] and not {f'(0)}.",
    ),
    Example(
        "abs", "|x| (convex kink)", "abs(x)", "0",
        "For a convex function the Clarke set [-1, 1] and the subdifferential coincide.",
    ),
    Example(
        "minus-abs", "-|x| (concave kink)", "-abs(x)", "0",
        "The Clarke set is still [-1, 1], but the subdifferential is empty because every line "
        "through the peak crosses above the graph somewhere.",
    ),
    Example(
        "relu-difference", "relu(x) - relu(-x) (it is x)", "relu(x) - relu(-x)", "0",
        "This program computes plain x, so its Clarke set is {1}, whatever value an autodiff "
        "convention would give at 0.",
    ),
    Example(
        "sqrt-abs", "√|x| (not locally Lipschitz)", "sqrt(abs(x))", "0",
        "Slopes blow up near 0, so f is not locally Lipschitz there and has no Clarke set, yet "
        "its subdifferential, defined by the global inequality, is {0}: √|x| ≥ 0·x, and any "
        "other slope s loses to √|x| far enough out.",
    ),
    Example(
        "active-not-essential", "max(x², 2|x| - 1) (active, not essentially active)",
        "max(x**2, 2*abs(x) - 1)", "1",
        "At x = 1 both pieces equal 1, so 2|x| - 1 is active, but x² - (2|x| - 1) = (|x| - 1)² "
        "≥ 0: the line only touches the parabola at ±1, so its region has no interior and it is "
        "not essentially active; near 1 the function is x², with Clarke set {2}.",
    ),
    Example(
        "irrational-kink", "|x² - 2| at √2 (irrational kink)", "abs(x**2 - 2)", "sqrt(2)",
        "The kink sits at an irrational point, which must be handled exactly to find the "
        "Clarke set [-2√2, 2√2].",
    ),
    Example(
        "abs-minus-abs", "|x| - |x| (calculus rules overestimate)", "abs(x) - abs(x)", "0",
        "The sum rule only promises a superset, [-2, 2], while the function is 0 and its Clarke "
        "set is {0}.",
    ),
    Example(
        "sign-jump", "sign(x) (a jump, bounded slopes)", "sign(x)", "0",
        "f jumps from -1 to 1 at 0 while its slopes are 0 on both sides: the slopes are bounded, "
        "yet f is not continuous, so it is not locally Lipschitz and has no Clarke set, and its "
        "subdifferential is empty, since f(x′) = -1 lies below every line through (0, 0) for "
        "x′ < 0 close enough to 0.",
    ),
)


def example_1d(key: str) -> Example:
    """The 1D preset with this ``key``; raises KeyError for an unknown key."""
    for example in EXAMPLES_1D:
        if example.key == key:
            return example
    raise KeyError(key)


def find_example_1d(expr: str, at: str) -> Example | None:
    """The preset with this function and point, spelled the same up to spaces, if any.

    >>> find_example_1d("max(0,x)", " 0 ").key
    'relu'
    >>> find_example_1d("abs(x)", "1") is None
    True
    """
    return find_example(EXAMPLES_1D, expr, at)


EXAMPLES_2D: tuple[Example, ...] = (
    Example(
        "l1-norm", "|x| + |y| (square)", "abs(x) + abs(y)", "0, 0",
        "Four linear pieces meet at the origin; their gradients (±1, ±1) span a square, and since "
        "f is convex the subdifferential is the same square.",
    ),
    Example(
        "max-xy", "max(x, y) (segment)", "max(x, y)", "0, 0",
        "The pieces x and y meet along the diagonal, so the Clarke set is the segment from (1, 0) "
        "to (0, 1): a flat set in the plane.",
    ),
    Example(
        "euclidean-norm", "Euclidean norm (unit disk)", "sqrt(x**2 + y**2)", "0, 0",
        "One smooth piece whose gradient (x, y)/|(x, y)| points in every direction near 0, so the "
        "Clarke set is the whole unit disk, a set with a curved boundary.",
    ),
    Example(
        "minus-l1", "-|x| - |y| (no subgradient)", "-abs(x) - abs(y)", "0, 0",
        "The Clarke set is the same square as for |x| + |y|, but the subdifferential is empty: "
        "every plane through the peak cuts into the surface.",
    ),
    Example(
        "max-minus-square", "max(x, y) - x² (nonconvex)", "max(x, y) - x**2", "0, 0",
        "Subtracting x² bends the surface down so that no plane stays below it, yet the Clarke "
        "set is still the segment from (1, 0) to (0, 1).",
    ),
    Example(
        "jump-on-cusp", "Jump along a thin cusp (not Lipschitz)",
        "Piecewise((x, (y > x**2) & (y < 2*x**2)), (-x, True))", "0, 0",
        "f = x inside the cusp x² < y < 2x² and -x outside: both are 0 at the origin, but f jumps "
        "(by 2|x|) across the cusp's edges arbitrarily close to it, so f is not locally Lipschitz "
        "there and has no Clarke set; its subdifferential is still defined, and empty: the "
        "points (t, 0) and (0, t) force s = (-1, 0), whose plane passes above f inside the cusp "
        "where x < 0.",
    ),
    Example(
        "cusp-ridge", "Thin cusp ridge (continuous)", "max(0, min(y - x**2, 2*x**2 - y))",
        "0, 0",
        "f is 0 except on a low ridge inside the cusp x² < y < 2x²; the ridge's slopes make the "
        "Clarke set the segment from (0, -1) to (0, 1), which small-radius sampling never sees.",
    ),
    Example(
        "three-pieces", "max(x² + y, -y, x) (triangle)", "max(x**2 + y, -y, x)", "0, 0",
        "Three pieces meet at the origin, one of them curved; their gradients (0, 1), (0, -1) and "
        "(1, 0) there span a triangle.",
    ),
    Example(
        "irrational-point", "|x - √2| + |y| (irrational point)", "abs(x - sqrt(2)) + abs(y)",
        "sqrt(2), 0",
        "The kink sits at an irrational point, which must be handled exactly to find the square "
        "with vertices (±1, ±1).",
    ),
)


def _bare(text: str) -> str:
    return "".join(text.split())


def find_example_2d(expr: str, at: str) -> Example | None:
    """The 2D preset with this function and point, spelled the same up to spaces, if any.

    >>> find_example_2d("max(x,y)", "0,0").key
    'max-xy'
    >>> find_example_2d("max(x, y)", "1, 0") is None
    True
    """
    return find_example(EXAMPLES_2D, expr, at)


EXAMPLES_HOMOGENEITY: tuple[Example, ...] = (
    Example(
        "l1-kink-line", "ℓ¹ norm on a kink line", "abs(x) + abs(y)", "0, 1",
        "A norm has degree 1: along the ray through (0, 1), f(αx) = α = α¹ f(x). On the line "
        "x = 0 the Clarke set is the segment from (-1, 1) to (1, 1), and all of it lies on "
        "⟨s, x⟩ = s₂ = 1 = f(x).",
    ),
    Example(
        "relu-kink", "ReLU at its kink", "relu(x)", "0",
        "σ(αx) = ασ(x): degree 1. At x = 0 the ray is the single point 0, so f(αx) = 0 "
        "for every α; the Clarke set is [0, 1] and every s in it gives s·0 = 0 = 1·f(0).",
    ),
    Example(
        "max-diagonal", "max(x, y) on the diagonal", "max(x, y)", "1, 1",
        "The segment from (1, 0) to (0, 1) lies on the line s₁ + s₂ = 1 = f(1, 1).",
    ),
    Example(
        "norm-origin", "Euclidean norm at 0", "sqrt(x**2 + y**2)", "0, 0",
        "The Clarke set is the unit disk; at x = 0 Euler's identity reads 0 = 0 for every s.",
    ),
    Example(
        "monomial", "a monomial", "x*y**2", "1, -1",
        "A monomial's degree is the sum of its exponents (here 3); smooth, so the Clarke set "
        "is the gradient alone.",
    ),
    Example(
        "sqrt-degree", "a square root degree", "abs(x)**(1/2)", "1",
        "Fractional degrees count: 1/2. At 0 this f is not locally Lipschitz, so Lemma 3.2 "
        "says nothing there.",
    ),
    Example(
        "odd-square", "odd square", "Piecewise((x**2, x > 0), (-x**2, True))", "-2",
        "Branches of one degree under conditions that scaling cannot change: degree 2.",
    ),
    Example(
        "max-minus-min", "max minus min", "max(x, 2*y) - min(x, y)", "2, 1",
        "Sums of degree-1 pieces have degree 1, kinks or not.",
    ),
    Example(
        "lookalike-affine", "look-alike: x + 1", "x + 1", "1",
        "Not homogeneous: f(0) = 1 but f(0·x) should be 0¹·f(x) = 0. Euler's identity has no "
        "L to check.",
    ),
    Example(
        "lookalike-max", "look-alike: max(x, 1)", "max(x, 1)", "2",
        "Degrees 1 and 0 mixed inside a max: the kink at x = 1 moves when x is scaled.",
    ),
)


def find_example(examples: tuple[Example, ...], expr: str, at: str) -> Example | None:
    """The preset among ``examples`` with this function and point, up to spaces, if any.

    >>> find_example(EXAMPLES_HOMOGENEITY, "relu( x )", "0").key
    'relu-kink'
    """
    for example in examples:
        if (_bare(example.expr), _bare(example.at)) == (_bare(expr), _bare(at)):
            return example
    return None


EXAMPLES_SUBGRADIENTS: tuple[Example, ...] = (
    Example(
        "abs", "|x| (convex kink)", "abs(x)", "0",
        "Every slope in [-1, 1] gives a line below the graph. Descent from 1 with constant step "
        "0.3 never reaches 0: it oscillates between 0.1 and -0.2 around the kink.",
    ),
    Example(
        "lecture-figure-1", "Lecture figure 1 (no subgradient)",
        "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))", "-1",
        "No line through (-1, -1) stays below the graph: each marked point x′ bounds the "
        "slope s from one side (named under the chart), and the two bounds contradict.",
    ),
    Example(
        "relu", "ReLU at its kink", "max(0, x)", "0",
        "Slopes from 0 to 1 support the graph at 0; descent stops as soon as an iterate has "
        "slope 0.",
    ),
    Example(
        "shifted-abs-plus-square", "|x - 1| + x²/4 (kink at the minimum)", "abs(x - 1) + x**2/4",
        "1",
        "The minimum sits on the kink at x = 1, where the subdifferential [-1/2, 3/2] holds 0.",
    ),
    Example(
        "minus-abs", "-|x| (concave kink)", "-abs(x)", "0",
        "Every line through the peak crosses above the graph: the subdifferential is empty.",
    ),
)


# The Properties page for f(x, y): one example per outcome of its four checks.
EXAMPLES_PROPERTIES_2D: tuple[Example, ...] = (
    Example(
        "l1", "|x| + |y| (convex)", "abs(x) + abs(y)", "0, 0",
        "Convex, so its Clarke set and subdifferential are the same square and f is regular; "
        "its Lipschitz modulus is √2, the norm of the corner (1, 1).",
    ),
    Example(
        "y-minus-abs", "y − |x| (concave kink)", "y - abs(x)", "0, 0",
        "The Clarke set is the segment from (−1, 1) to (1, 1), but no plane lies below the "
        "ridge: the subdifferential is empty, and f′(x₀; (1, 0)) = −1 falls short of 1.",
    ),
    Example(
        "min", "min(x, y)", "min(x, y)", "0, 0",
        "Not regular: along d = (1, −1) the directional derivative is −1, while the support "
        "function of the Clarke segment says 1.",
    ),
    Example(
        "abs-x-minus-y2", "|x − y²| (regular, not convex)", "abs(x - y**2)", "0, 0",
        "Regular though not convex: f′(x₀; d) = |d₁| is the support function of the Clarke set "
        "[−1, 1] × {0}, yet only half of it supports the curved graph.",
    ),
    Example(
        "norm", "‖(x, y)‖ (a curved set)", "sqrt(x**2 + y**2)", "0, 0",
        "Convex with a round Clarke set, the unit disk: both sets agree and f is regular.",
    ),
    Example(
        "product", "relu(x)·relu(y) (strictly differentiable)", "max(x, 0)*max(y, 0)", "0, 0",
        "Kinks meet at the origin, yet every gradient tends to (0, 0): the Clarke set is one "
        "point, so f is strictly differentiable there.",
    ),
    Example(
        "sqrt-abs", "√|x| + y (not Lipschitz)", "sqrt(abs(x)) + y", "0, 0",
        "The slope in x blows up at x = 0: f is not locally Lipschitz, and no Clarke set exists.",
    ),
)


EXAMPLES_FLOW: tuple[Example, ...] = (
    Example(
        "l1-weighted", "|x| + 2|y| from (1, 0.9)", "abs(x) + 2*abs(y)", "1, 0.9",
        "The flow reaches the kink y = 0 at t = 0.45, slides along it and stops at 0 at t = 1; "
        "steps of a fixed size zigzag across the kink instead, by less the smaller the step.",
    ),
    Example(
        "diagonal-valley", "2|x - y| + (x + y)²/8: a valley on a kink",
        "2*abs(x - y) + (x + y)**2/8", "2, 0",
        "The flow drops into the kink x = y and then follows it slowly down the valley.",
    ),
    Example(
        "euclidean-norm", "√(x² + y²) (a cone)", "sqrt(x**2 + y**2)", "1, 1",
        "Unit speed straight to the tip, reached at t = √2; steps of size η end up jumping "
        "around the tip.",
    ),
)


EXAMPLES_ND: tuple[Example, ...] = (
    Example(
        "max-xyz", "max(x, y, z) (a triangle in R³)", "max(x, y, z)", "0, 0, 0",
        "Three linear pieces tie at the origin; their gradients, the unit vectors, span a flat "
        "triangle in R³, and since max is convex the subdifferential is the same triangle.",
    ),
    Example(
        "l1-3d", "|x| + |y| + |z| (cube)", "abs(x) + abs(y) + abs(z)", "0, 0, 0",
        "Eight open cells (the octants) meet at the origin; their gradients (±1, ±1, ±1) are the "
        "corners of a cube, which is also the subdifferential of this convex f.",
    ),
    Example(
        "tetrahedron", "max(x, y, z, -x - y - z) (tetrahedron)", "max(x, y, z, -x - y - z)",
        "0, 0, 0",
        "Four pieces tie, and their gradients are affinely independent: the Clarke set is a "
        "solid tetrahedron with vertices (1, 0, 0), (0, 1, 0), (0, 0, 1) and (-1, -1, -1).",
    ),
    Example(
        "square-3d", "max(x, y) + |z| (a square in R³)", "max(x, y) + abs(z)", "0, 0, 0",
        "Two independent kinks give four cells, and their gradients (1, 0, ±1) and (0, 1, ±1) "
        "form a flat square, tilted in R³.",
    ),
    Example(
        "relu-linear", "relu(x + y) - relu(-x - y) + z (it is linear)",
        "relu(x + y) - relu(-x - y) + z", "0, 0, 0",
        "relu(u) - relu(-u) = u, so this f is x + y + z: its Clarke set is the single gradient "
        "(1, 1, 1), though the sum rule would allow a segment.",
    ),
    Example(
        "abs-minus-abs-3d", "|x| - |x| + z (cancellation)", "abs(x) - abs(x) + z", "0, 0, 0",
        "The kinks cancel exactly: f is z, with Clarke set {(0, 0, 1)}, while the sum rule "
        "promises only the segment from (-2, 0, 1) to (2, 0, 1).",
    ),
    Example(
        "relu-network", "a ReLU network, 3 hidden neurons",
        "relu(relu(x + y) - relu(y - z) + relu(z - x) - x/2)", "0, 0, 0",
        "Every neuron is tied at the bias-free input 0: 16 open cells meet there, each with its "
        "own linear piece, and the hull of their gradients is a polytope with 9 vertices (a "
        "gradient inside the hull is no vertex).",
    ),
    Example(
        "smooth-times-kink", "z·relu(x - y) (smooth times kink)", "z*relu(x - y)", "0, 0, 1",
        "At z = 1 the factor z is smooth and nonzero: the two sides of x = y have gradients "
        "(0, 0, 0) and (1, -1, 0), so the Clarke set is the segment between them.",
    ),
    Example(
        "max-4", "max(x1, x2, x3, x4) (in R⁴)", "max(x1, x2, x3, x4)", "0, 0, 0, 0",
        "Four variables: the Clarke set is the simplex of the four unit vectors, a tetrahedron "
        "inside R⁴; pick 2 or 3 coordinates to see its projection.",
    ),
    Example(
        "relu-network-4", "a ReLU network in R⁴", "relu(relu(x1 + x2) - relu(x2 - x3) + x4)",
        "0, 0, 0, 0",
        "A network with two hidden neurons and an output neuron, all tied at 0: the Clarke set "
        "in R⁴ has 5 vertices, one of them the dead output's gradient 0.",
    ),
    Example(
        "sqrt-abs-3d", "√|x| + y + z (not locally Lipschitz)", "sqrt(abs(x)) + y + z",
        "0, 0, 0",
        "The slope in x blows up next to the plane x = 0, so f is not locally Lipschitz there "
        "and has no Clarke set.",
    ),
)
