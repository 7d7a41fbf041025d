"""ReLU networks at a kink: exact Clarke sets of a small network with exact weights, in its input
and in each layer's weights, set against backprop's conventions and the chain rule's estimate.

The network is f(x; W) = W_{H+1} σ(W_H σ(⋯ σ(W_1 x + b_1) ⋯) + b_H) with σ = relu (the
registry's primitive, so f is a sympy max-formula) and rational weights. At a point x0 where some
neurons tie (pre-activation exactly 0) this lab computes, all exactly:

1. the Clarke set of x ↦ f(x) at x0 (``clarke_nd``), and backprop's gradient with relu'(0) = 0
   (PyTorch's and JAX's convention) and with relu'(0) = 1, each decided in or out of the set;
2. for each layer h the Clarke set of W_h ↦ f(x0; W) (the other layers fixed), its vertices,
   and ⟨W_h, S⟩ = f(x0) checked on every vertex S (lecture Lemma 3.2 with L = 1: f is
   1-homogeneous in W_h when no bias from layer h on is nonzero; with such a bias the lemma does
   not apply and the products are only reported);
3. the chain rule's set: the hull of backprop's gradients over every choice of relu'(0) in
   [0, 1] for each tied neuron. Backprop's gradient W_{H+1} D_H W_H ⋯ D_1 W_1 is affine in each
   choice separately (each diagonal entry of each D_h appears at most once in every product), so
   on the box [0, 1]^k it is a convex combination (product weights) of its values at the box's
   corners: the hull of the 2^k corner gradients is the whole set. It always contains the Clarke
   set (Clarke's chain rule); whether it equals it is decided by comparing extreme points.

For one hidden layer the lab also checks a regularity condition: the tied neurons' weight rows
are linearly independent. Then every sign pattern of the tied neurons is an open cell near x0 and
that cell's gradient is backprop with the matching 0/1 choices, so the chain rule is exact. This
is a sufficient condition only. Tian and So (2023, arXiv:2302.12261) prove a necessary and
sufficient condition for an equality-type chain rule for the empirical loss of two-layer ReLU
networks (in the weights); this lab does not reproduce theirs.

>>> net = kink_net([[[1, 0], [-1, 0]], [[1, -1]]])
>>> report = at_kink(net, (0, 0))
>>> report.clarke, [b.inside for b in report.backprops]
(((1, 0),), [False, False])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from ..engine.clarke_nd import clarke_nd
from ..engine.lp_exact import as_number, hull_kind, hull_vertices, strictly_feasible
from ..engine.primitives import by_name
from ..errors import InputError

MAX_DEPTH, MAX_WIDTH, INPUT_DIM = 2, 3, 2
MAX_TIED = 9  # 2^9 backprop runs for the chain rule's set
MAX_ENTRY = 100  # numerators and denominators of typed weights
CONVENTIONS = (sp.Integer(0), sp.Integer(1))  # relu'(0) = 0 (PyTorch, JAX) and = 1

Matrix = tuple[tuple[sp.Rational, ...], ...]
Vector = tuple[sp.Rational, ...]
Neuron = tuple[int, int]  # (layer h, neuron i), both 1-based


@dataclass(frozen=True)
class KinkNet:
    """Exact weights W_1 … W_{H+1} (W_h has one row per neuron of layer h, the last one row) and
    hidden biases b_1 … b_H."""

    weights: tuple[Matrix, ...]
    biases: tuple[Vector, ...]

    @property
    def depth(self) -> int:
        return len(self.weights) - 1

    def bias_free_from(self, h: int) -> bool:
        """Whether b_h, …, b_H are all zero: then f is 1-homogeneous in W_h."""
        return all(c == 0 for b in self.biases[h - 1:] for c in b)


def kink_net(weights: Sequence, biases: Sequence | None = None) -> KinkNet:
    """A network from nested lists of exact numbers (ints, ``Fraction`` or sympy rationals);
    no biases means zero ones. Shapes are checked.

    >>> kink_net([[[1, 2]], [[3]]]).depth
    1
    """
    ws = tuple(tuple(tuple(sp.Rational(c) for c in row) for row in w) for w in weights)
    if len(ws) < 2:
        raise InputError("A network needs at least one hidden layer and an output layer.")
    widths = [len(w) for w in ws[:-1]]
    bs = (tuple(tuple(sp.Integer(0) for _ in range(m)) for m in widths) if biases is None else
          tuple(tuple(sp.Rational(c) for c in b) for b in biases))
    if len(ws[-1]) != 1:
        raise InputError("The output layer has one neuron: its weights are one row.")
    fan_in = len(ws[0][0]) if ws[0] else 0
    for h, w in enumerate(ws, start=1):
        if not w or any(len(row) != fan_in for row in w):
            raise InputError(f"Every row of W{h} needs {fan_in} weights.")
        fan_in = len(w)
    if len(bs) != len(widths) or any(len(b) != m for b, m in zip(bs, widths, strict=True)):
        raise InputError("Each hidden layer needs one bias per neuron.")
    return KinkNet(ws, bs)


def _relu(u: sp.Expr) -> sp.Expr:
    # The registry's relu keeps Max(0, 1) unevaluated; a number is its own value here.
    u = sp.expand(u)
    return max(u, sp.Integer(0)) if u.is_number else by_name("relu").build(u)


def output(net: KinkNet, x: Sequence[sp.Expr], weights: Sequence | None = None) -> sp.Expr:
    """f(x; W) as a sympy expression (``weights`` replaces net.weights, e.g. by symbols)."""
    ws = net.weights if weights is None else weights
    a = list(x)
    for w, b in zip(ws[:-1], net.biases, strict=True):
        a = [_relu(sum((wij * aj for wij, aj in zip(row, a, strict=True)), sp.Integer(0)) + bi)
             for row, bi in zip(w, b, strict=True)]
    return sp.expand(sum((wj * aj for wj, aj in zip(ws[-1][0], a, strict=True)), sp.Integer(0)))


def _forward(net: KinkNet, x0: Vector) -> tuple[list[Vector], list[Vector]]:
    """The exact pre-activations z_h and activations a_h (a_0 = x0) at x0."""
    a, zs, acts = tuple(x0), [], [tuple(x0)]
    for w, b in zip(net.weights[:-1], net.biases, strict=True):
        z = tuple(sum((wij * aj for wij, aj in zip(row, a, strict=True)), sp.Integer(0)) + bi
                  for row, bi in zip(w, b, strict=True))
        a = tuple(max(c, sp.Integer(0)) for c in z)
        zs.append(z)
        acts.append(a)
    return zs, acts


def tied_neurons(net: KinkNet, x0: Sequence) -> tuple[Neuron, ...]:
    """The hidden neurons whose pre-activation is exactly 0 at x0.

    >>> tied_neurons(kink_net([[[1, 0], [0, 1]], [[1, 1]]]), (0, 5))
    ((1, 1),)
    """
    zs, _ = _forward(net, tuple(sp.Rational(c) for c in x0))
    return tuple((h, i) for h, z in enumerate(zs, start=1)
                 for i, c in enumerate(z, start=1) if c == 0)


def backprop(net: KinkNet, x0: Sequence, slopes: dict[Neuron, sp.Expr] | sp.Expr
             ) -> tuple[Vector, tuple[Matrix, ...]]:
    """Backprop's gradient in x and in each W_h at x0, exactly, with relu'(z) = 1 for z > 0,
    0 for z < 0 and ``slopes`` (one value, or one per tied neuron) for z = 0.

    >>> net = kink_net([[[1, 0], [-1, 0]], [[1, -1]]])
    >>> backprop(net, (0, 0), sp.Integer(0))[0], backprop(net, (0, 0), sp.Integer(1))[0]
    ((0, 0), (2, 0))
    """
    x0 = tuple(sp.Rational(c) for c in x0)
    zs, acts = _forward(net, x0)

    def slope(h: int, i: int, z: sp.Rational) -> sp.Expr:
        if z != 0:
            return sp.Integer(1 if z > 0 else 0)
        return slopes[(h, i)] if isinstance(slopes, dict) else slopes

    grads: list[Matrix] = [(acts[-1],)]
    upstream = list(net.weights[-1][0])  # ∂f/∂a_H
    for h in range(net.depth, 0, -1):
        delta = [slope(h, i, z) * g for i, (z, g) in enumerate(zip(zs[h - 1], upstream,
                                                                     strict=True), start=1)]
        grads.append(tuple(tuple(d * a for a in acts[h - 1]) for d in delta))
        w = net.weights[h - 1]
        upstream = [sum((w[i][j] * delta[i] for i in range(len(w))), sp.Integer(0))
                    for j in range(len(w[0]))]
    return tuple(sp.expand(g) for g in upstream), tuple(reversed(grads))


def in_hull(s: Sequence, vertices: Sequence[Sequence]) -> bool:
    """Whether the exact point s lies in the hull of ``vertices``, exactly: s is outside iff
    some c has c·s > c·v for every vertex v (strict separation), an exact LP.

    >>> in_hull((1, 1), [(0, 0), (2, 2)]), in_hull((1, 0), [(0, 0), (2, 2)])
    (True, False)
    """
    rows = [tuple(as_number(sp.sympify(a - b)) for a, b in zip(s, v, strict=True))
            for v in vertices]
    return bool(vertices) and strictly_feasible(rows, len(s)) is None


@dataclass(frozen=True)
class Backprop:
    """Backprop's input gradient with relu'(0) = ``slope``, and whether it is in the set."""

    slope: sp.Integer
    gradient: Vector
    inside: bool


@dataclass(frozen=True)
class LayerSet:
    """The Clarke set of W_h ↦ f(x0; W): its vertices (W_h's entries row by row), the products
    ⟨W_h, S⟩ with each, f(x0), whether Lemma 3.2 applies (f 1-homogeneous in W_h), and
    backprop's ∂f/∂W_h with relu'(0) = 0 and whether it lies in the set."""

    h: int
    shape: tuple[int, int]
    vertices: tuple[Vector, ...]
    kind: str
    products: tuple[sp.Rational, ...]
    value: sp.Rational
    homogeneous: bool
    backprop: Vector
    backprop_inside: bool

    @property
    def holds(self) -> bool:
        """⟨W_h, S⟩ = f(x0) for every vertex S (so for every S in the set, by linearity)."""
        return all(p == self.value for p in self.products)


@dataclass(frozen=True)
class SumRule:
    """The chain rule's set (hull of backprop over the 0/1 choices of ``tied`` neurons), whether
    it contains and equals the Clarke set, and the regularity check (None: not checked)."""

    vertices: tuple[Vector, ...]
    kind: str
    choices: int
    contains: bool
    equal: bool
    regular: bool | None


@dataclass(frozen=True)
class KinkReport:
    net: KinkNet
    point: Vector
    value: sp.Rational
    tied: tuple[Neuron, ...]
    clarke: tuple[Vector, ...]
    kind: str
    backprops: tuple[Backprop, ...]
    layers: tuple[LayerSet, ...]
    sum_rule: SumRule


def layer_set(net: KinkNet, x0: Vector, h: int) -> LayerSet:
    """The exact Clarke set of f as a function of W_h alone at the current weights.

    >>> net = kink_net([[[1, 0], [0, 1]], [[1, 1]]])
    >>> layer = layer_set(net, (0, 1), 1)
    >>> layer.vertices, layer.holds
    (((0, 0, 0, 1), (0, 1, 0, 1)), True)
    """
    w = net.weights[h - 1]
    rows, cols = len(w), len(w[0])
    names = sp.symbols(f"w{h}_1:{rows + 1}_1:{cols + 1}", real=True)
    symbolic = tuple(tuple(names[i * cols:(i + 1) * cols]) for i in range(rows))
    weights = net.weights[:h - 1] + (symbolic,) + net.weights[h:]
    current = tuple(c for row in w for c in row)
    result = clarke_nd(output(net, x0, weights), names, current)
    value = output(net, x0)
    products = tuple(sp.expand(sum((a * b for a, b in zip(current, s, strict=True)),
                                   sp.Integer(0))) for s in result.vertices)
    grad = tuple(c for row in backprop(net, x0, sp.Integer(0))[1][h - 1] for c in row)
    homogeneous = h == net.depth + 1 or net.bias_free_from(h)
    return LayerSet(h, (rows, cols), result.vertices, result.kind, products, value, homogeneous,
                    grad, in_hull(grad, result.vertices))


def sum_rule(net: KinkNet, x0: Vector, clarke: Sequence[Vector]) -> SumRule:
    """The chain rule's estimate of the input-space set: the hull of backprop's gradients over
    the 0/1 choices of relu'(0) per tied neuron (the whole [0, 1]^k gives the same hull, see the
    module docstring), compared with the exact set ``clarke``."""
    tied = tied_neurons(net, x0)
    if len(tied) > MAX_TIED:
        raise InputError(f"{len(tied)} neurons tie at this point; at most {MAX_TIED} can be "
                         "compared with the chain rule.")
    grads = [backprop(net, x0, dict(zip(tied, map(sp.Integer, bits), strict=True)))[0]
             for bits in itertools.product((0, 1), repeat=len(tied))]
    vertices = hull_vertices(grads)
    contains = all(in_hull(v, vertices) for v in clarke)
    regular = None
    if net.depth == 1:
        rows = [net.weights[0][i - 1] for _, i in tied]
        regular = not rows or sp.Matrix(rows).rank() == len(rows)
    return SumRule(vertices, hull_kind(vertices), len(grads), contains,
                   set(vertices) == set(clarke), regular)


def at_kink(net: KinkNet, x0: Sequence) -> KinkReport:
    """Everything the lesson shows about ``net`` at the exact point x0."""
    x0 = tuple(sp.Rational(c) for c in x0)
    if len(x0) != len(net.weights[0][0]):
        raise InputError(f"The point needs {len(net.weights[0][0])} coordinates.")
    xs = sp.symbols(f"x1:{len(x0) + 1}", real=True)
    result = clarke_nd(output(net, xs), xs, x0)
    backprops = tuple(Backprop(c, g, in_hull(g, result.vertices))
                      for c in CONVENTIONS for g in [backprop(net, x0, c)[0]])
    layers = tuple(layer_set(net, x0, h) for h in range(1, net.depth + 2))
    return KinkReport(net, x0, output(net, x0), tied_neurons(net, x0), result.vertices,
                      result.kind, backprops, layers, sum_rule(net, x0, result.vertices))


def kink_points(net: KinkNet) -> tuple[Vector, ...]:
    """x = 0, then one point on each first-layer neuron's hyperplane w_k·x + b_k = 0 (the foot
    of the perpendicular from 0; when that is 0 itself, the point (−w_k2, w_k1) along the
    line). A neuron with zero weights has no hyperplane: its entry is None.

    >>> kink_points(kink_net([[[1, 0], [1, 1]], [[1, 1]]], [[0, -2]]))
    ((0, 0), (0, 1), (1, 1))
    """
    zero = tuple(sp.Integer(0) for _ in net.weights[0][0])
    points: list = [zero]
    for row, b in zip(net.weights[0], net.biases[0], strict=True):
        norm = sum((c * c for c in row), sp.Integer(0))
        if norm == 0:
            points.append(None)
        elif b != 0:
            points.append(tuple(-b * c / norm for c in row))
        elif len(row) == 2:
            points.append((-row[1], row[0]))
        else:
            points.append(zero)
    return tuple(points)


# --- the lesson's view: presets, typed weights, places, sentences (plain data for the page) ------


@dataclass(frozen=True)
class Preset:
    """A network as the page types it: W_1 … W_{H+1} and b_1 … b_H, rows split by ';', and the
    index of the place (see ``places``) the lesson opens at."""

    weights: tuple[str, ...]
    biases: tuple[str, ...]
    where: int


PRESETS = {
    "bias-free net at x = 0": Preset(("1, 0; -1, 0; 0, 1", "1, -1, 1"), ("0, 0, 0",), 0),
    "a dead neuron": Preset(("1, 0; 0, 1", "-1, -1; 1, 1", "2, 1"), ("0, 0", "0, 0"), 0),
    "two neurons tied": Preset(("1, 1; 1, -1", "1, -1"), ("-1, -1",), 3),
    "two neurons on one line": Preset(("1, -1; 2, -2", "2, -1"), ("0, 0",), 1),
}


def _entry(text: str, where: str) -> sp.Rational:
    from ..engine.parsing import parse_constant

    value = parse_constant(text)
    if not value.is_Rational:
        raise InputError(f"{where}: {text.strip()} is not a rational number like 2 or -1/2.")
    if abs(value.p) > MAX_ENTRY or value.q > MAX_ENTRY:
        raise InputError(f"{where}: keep numerators and denominators at most {MAX_ENTRY}.")
    return value


def _rows(text: str, where: str) -> list[list[sp.Rational]]:
    if len(text) > 200:
        raise InputError(f"{where} is too long: a few small numbers are enough.")
    rows = text.split(";")
    if not text.strip() or any(not c.strip() for r in rows for c in r.split(",")):
        raise InputError(f"{where} needs numbers separated by commas, rows by semicolons.")
    return [[_entry(c, where) for c in r.split(",")] for r in rows]


def parse_net(weights: Sequence[str], biases: Sequence[str]) -> KinkNet:
    """A network typed as text, every entry read by the safe parser's number reader.

    >>> parse_net(("1, 0; 0, 1/2", "1, -1"), ("0, -1",)).weights[0][1]
    (0, 1/2)
    """
    if not 1 <= len(biases) <= MAX_DEPTH or len(weights) != len(biases) + 1:
        raise InputError(f"Give 1 to {MAX_DEPTH} hidden layers, each with its weights and biases.")
    ws = [_rows(t, f"W{h}") for h, t in enumerate(weights, start=1)]
    bs = [_rows(t, f"b{h}") for h, t in enumerate(biases, start=1)]
    if any(len(b) != 1 for b in bs):
        raise InputError("Each bias is one row of numbers, without semicolons.")
    if len(ws[0][0]) != INPUT_DIM or any(len(w) > MAX_WIDTH for w in ws[:-1]):
        raise InputError(f"The lesson's networks have {INPUT_DIM} inputs and at most "
                         f"{MAX_WIDTH} neurons per layer.")
    return kink_net(ws, [b[0] for b in bs])


def places(net: KinkNet) -> tuple[tuple[str, Vector], ...]:
    """Where to put x0: 0, on each first-layer neuron's line, where two of those lines cross."""
    out = [("x = 0", kink_points(net)[0])]
    out += [(f"on neuron {k}'s line", p) for k, p in enumerate(kink_points(net)[1:], start=1)
            if p is not None]
    w, b = net.weights[0], net.biases[0]
    for j, k in itertools.combinations(range(len(w)), 2):
        m = sp.Matrix([w[j], w[k]])
        if m.shape == (2, 2) and m.det() != 0:
            p = tuple(m.solve(sp.Matrix([-b[j], -b[k]])))
            if all(p != q for _, q in out):
                out.append((f"where neurons {j + 1} and {k + 1} cross", p))
    return tuple(out)


@dataclass(frozen=True)
class KinkView:
    """What the lesson shows, as text and floats (the page imports no sympy)."""

    formula: str  # LaTeX of f(x)
    places: tuple[str, ...]
    where: int
    point: str
    value: str
    tied: str
    clarke: tuple[tuple[float, ...], ...]
    clarke_text: str
    backprops: tuple[tuple[str, tuple[float, ...], str, bool], ...]  # label, point, text, inside
    sum_rule: tuple[tuple[float, ...], ...]
    sum_text: str
    sum_sentence: str
    strict: bool
    layers: tuple[tuple[str, str, str, tuple[tuple[str, str, str, str], ...]], ...]


def _text(v: Sequence) -> str:
    return "(" + ", ".join(str(c) for c in v) + ")"


def _hull_text(vs: Sequence[Vector]) -> str:
    return _text(vs[0]) if len(vs) == 1 else "conv{" + ", ".join(map(_text, vs)) + "}"


def _matrix_text(v: Vector, cols: int) -> str:
    return "(" + "; ".join(", ".join(map(str, v[i:i + cols])) for i in range(0, len(v), cols)) + ")"


def _tied_text(tied: Sequence[Neuron]) -> str:
    if not tied:
        return "No neuron ties at x₀: f is smooth there."
    layers = sorted({h for h, _ in tied})
    parts = [f"neuron{'s' if n > 1 else ''} {', '.join(str(i) for g, i in tied if g == h)} of "
             f"layer {h}" for h in layers for n in [sum(g == h for g, _ in tied)]]
    return "Tied at x₀ (pre-activation exactly 0): " + " and ".join(parts) + "."


def _sum_sentence(report: KinkReport) -> str:
    rule, k = report.sum_rule, len(report.tied)
    head = (f"The chain rule's set (backprop with every relu′(0) in [0, 1] at the {k} tied "
            f"neuron{'s' if k != 1 else ''}: the hull of {rule.choices} corner choices) ")
    if not rule.contains:
        head += "misses part of the Clarke set, which Clarke's chain rule rules out: a bug."
    elif rule.equal:
        head += "equals the Clarke set."
    else:
        head += "is a strict superset of the Clarke set."
    if rule.regular:
        head += (" Regularity holds: the tied neurons' weight rows are linearly independent, a "
                 "sufficient condition for equality with one hidden layer (Tian and So, 2023, "
                 "give the exact condition for the loss of two-layer networks in the weights).")
    elif rule.regular is False:
        head += (" The tied neurons' weight rows are linearly dependent, so that sufficient "
                 "regularity condition does not hold.")
    elif k:
        head += " With two hidden layers no regularity condition is checked; equality is "
        head += "decided by comparing extreme points."
    return head


def _layer_row(layer: LayerSet) -> tuple[str, str, str, tuple[tuple[str, str, str, str], ...]]:
    name, cols, n = f"W{'₀₁₂₃'[layer.h]}", layer.shape[1], len(layer.vertices)
    head = (f"{name} ↦ f(x₀; W): {n} {'vertices' if n != 1 else 'vertex'} ({layer.kind}) in "
            f"{layer.shape[0] * cols} dimensions.")
    if not layer.homogeneous:
        lemma = (f"Lemma 3.2 does not apply to {name}: a bias from layer {layer.h} on is nonzero, "
                 f"so f is not 1-homogeneous in {name} alone; the products are shown to compare.")
    elif layer.holds:
        lemma = (f"Lemma 3.2 on the whole set: ⟨{name}, S⟩ = f(x₀) = {layer.value} at every "
                 "vertex S, so at every S in the set (the product is linear in S).")
    else:
        lemma = f"⟨{name}, S⟩ ≠ f(x₀) at some vertex, against Lemma 3.2: a bug."
    lemma += (f" Backprop's ∂f/∂{name} with relu′(0) = 0 lies "
              f"{'in' if layer.backprop_inside else 'outside'} this set.")
    mark = "✓" if layer.homogeneous else "—"
    rows = tuple((_matrix_text(s, cols), str(p), str(layer.value),
                  mark if p == layer.value else "✗" if layer.homogeneous else "≠")
                 for s, p in zip(layer.vertices, layer.products, strict=True))
    return head, lemma, name, rows


def explore_kink(weights: Sequence[str], biases: Sequence[str], where: int) -> KinkView:
    """The lesson's view of the typed network at place ``where`` (0: x = 0).

    >>> preset = PRESETS["bias-free net at x = 0"]
    >>> view = explore_kink(preset.weights, preset.biases, preset.where)
    >>> view.clarke_text, view.strict
    ('conv{(1, 0), (1, 1)}', True)
    """
    net = parse_net(weights, biases)
    menu = places(net)
    where = where if 0 <= where < len(menu) else 0
    report = at_kink(net, menu[where][1])
    xs = sp.symbols(f"x1:{INPUT_DIM + 1}", real=True)
    floats = lambda vs: tuple(tuple(float(c) for c in v) for v in vs)  # noqa: E731
    labels = ("relu′(0) = 0 (PyTorch, JAX)", "relu′(0) = 1")
    return KinkView(
        sp.latex(output(net, xs)), tuple(name for name, _ in menu), where, _text(report.point),
        str(report.value), _tied_text(report.tied), floats(report.clarke),
        _hull_text(report.clarke),
        tuple((label, tuple(float(c) for c in b.gradient), _text(b.gradient), b.inside)
              for label, b in zip(labels, report.backprops, strict=True)),
        floats(report.sum_rule.vertices), _hull_text(report.sum_rule.vertices),
        _sum_sentence(report), report.sum_rule.contains and not report.sum_rule.equal,
        tuple(_layer_row(layer) for layer in report.layers))
