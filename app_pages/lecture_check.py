"""Lecture check: each erratum of the lecture notes, verified live by the app's own engine."""

import streamlit as st

from clarke_core import clarke_set, homogeneity_degree, subdifferential
from clarke_core.labs.autodiff import derivative_from_definition
from clarke_core.labs.networks import balance, explore_network, sigma

FIG1 = "Piecewise((-1 - abs(x + 1), x <= 0), (x - 2, True))"
X2SIN = "Piecewise((x**2*sin(1/x), x != 0), (0, True))"


def interval(s) -> str:
    return "[" + ", ".join(f"{v[0]:g}" for v in s.vertices) + "]" if s.vertices else s.kind


@st.cache_data(max_entries=1, show_spinner=False)  # no arguments: one entry
def checks() -> list[dict]:
    """Each erratum: where it belongs, its text, whether the app confirms it, and the evidence."""
    out = []
    c, s = clarke_set(FIG1, "-1"), subdifferential(FIG1, "-1")
    bounds = "; ".join(f"x′ = {w.point[0]:g}, f(x′) = {w.value:g} ⇒ {w.bound}"
                       for w in s.witnesses)
    out.append(dict(where="§1–§2, figure 1", page="app_pages/clarke_lesson.py",
                    q={"f": FIG1, "at": "-1", "dim": "1"},
                    text="Figure 1 is missing; f = -1 - |x + 1| for x ≤ 0, x - 2 for x > 0 "
                         "fits it.",
                    ok=c.vertices == [(-1.0,), (1.0,)] and s.kind == "empty",
                    shown=f"Clarke set {interval(c)}, subdifferential {s.kind}; "
                          f"witnesses: {bounds}"))
    left = next(q for q in c.sequences if q.side == "left")
    pts = ", ".join(f"{p[0]:g}" for p in left.points[:4])
    grads = ", ".join(f"{g[0]:g}" for g in left.gradients[:4])
    out.append(dict(where="§2, the sequences", page="app_pages/clarke_lesson.py",
                    q={"f": FIG1, "at": "-1", "dim": "1"},
                    text="The sequence from the left (-2, -3/2, … → -1) has gradients → +1, "
                         "not -1.",
                    ok=abs(left.target[0] - 1) < 1e-12,
                    shown=f"xᵢ = {pts}, … with f′(xᵢ) = {grads}, … → {left.target[0]:g}"))
    root = clarke_set("sqrt(abs(x))", "0")
    ratios = ", ".join(f"{abs(h) ** 0.5 / abs(h):.3g}" for h in (1e-2, 1e-4, 1e-6))
    out.append(dict(where="§2, Definition 2.2", page="app_pages/clarke_lesson.py",
                    q={"f": "sqrt(abs(x))", "at": "0", "dim": "1"},
                    text="L comes before x′: ∃L ∀x, x′ ∈ S. With ∀x′ ∃L every function qualifies.",
                    ok=root.kind == "unbounded",
                    shown=f"√|x| at 0: each x′ has its own ratio |f(x′) − f(0)|/|x′| ({ratios} "
                          f"for x′ = 1e-2, 1e-4, 1e-6), but no single L: the app finds "
                          f"'{root.kind}'"))
    c2, d = clarke_set(X2SIN, "0"), derivative_from_definition(X2SIN, "0")
    out.append(dict(where="§2, key properties", page="app_pages/clarke_lesson.py",
                    q={"f": X2SIN, "at": "0", "dim": "1"},
                    text="'Differentiable ⇒ ∂f = {∇f}' needs continuous differentiability: "
                         "x² sin(1/x) is a counterexample.",
                    ok=d == 0.0 and c2.vertices == [(-1.0,), (1.0,)],
                    shown=f"f′(0) = lim h sin(1/h) = {d:g}, yet the Clarke set is {interval(c2)}"))
    view = explore_network(2, 6, 0)
    net, x = view.net, view.x[:1]
    pattern_f, act_f, a = x, x, x
    for w in net.weights[:-1]:
        z = a @ w.T
        pattern_f, act_f, a = (z > 0) * (pattern_f @ w.T), sigma(z) * (act_f @ w.T), sigma(z)
    f, with_pattern, with_act = view.f0, float((pattern_f @ net.weights[-1].T)[0, 0]), float(
        (act_f @ net.weights[-1].T)[0, 0])
    out.append(dict(where="§3, ReLU-network proof", page="app_pages/relu_network.py", q={},
                    text="Aₕ = diag(σ′(Wₕ aₕ₋₁)), the 0/1 activation pattern, not the "
                         "activations.",
                    ok=abs(with_pattern - f) < 1e-12 and abs(with_act - f) > 1e-6,
                    shown=f"f = {f:.6g}; W₃A₂W₂A₁W₁x = {with_pattern:.6g} with patterns, "
                          f"{with_act:.6g} with activations"))
    degree = homogeneity_degree("x**2 * y**3")
    out.append(dict(where="§3, monomial example", page="app_pages/positive_homogeneity.py", q={},
                    text="The product runs over i = 1..d (the notes print 'a').",
                    ok=degree == 5, shown=f"x² y³ = ∏ᵢ xᵢ^pᵢ (i = 1, 2): degree "
                                          f"{degree} = p₁ + p₂"))
    run = balance(depth=2, width=8, steps=400, lr=0.001, seed=0)
    half = 0.5 * run.sq_norm_change[-1]
    integral = -run.lr * run.key_step[:-1].sum(axis=0)
    rel = float(abs(half - integral).max() / abs(half).max())
    out.append(dict(where="§4, Theorem 4.1 proof", page="app_pages/relu_network.py", q={},
                    text="The first integrand is d/dτ ½‖W_h(τ)‖², which equals ⟨W_h, dW_h/dτ⟩.",
                    ok=rel < 0.05 < float(abs(2 * half - integral).max() / abs(half).max()),
                    shown=f"½Δ‖W_h‖² = {', '.join(f'{v:.4g}' for v in half)}; "
                                          f"∫⟨W_h, dW_h⟩ = "
                                          f"{', '.join(f'{v:.4g}' for v in integral)} (per layer;"
                                          f" {rel:.1%} apart, the O(η²) of discrete steps; "
                                          f"without ½ they would differ by 2×)"))
    return out


st.title("Lecture check")
st.markdown("The lecture notes have seven errata. Each is listed where it belongs in the "
            "lecture and **checked live** by the same engine the other pages use: nothing "
            "below is typed in by hand.")
with st.spinner("Checking the errata…"):
    items = checks()
passed = sum(i["ok"] for i in items)
st.metric("Errata confirmed by the app", f"{passed} / {len(items)}")
for n, item in enumerate(items, 1):
    with st.container(border=True):
        st.markdown(f"**{n}. {item['where']}** — {item['text']}")
        st.markdown((":green[**✓ confirmed**] " if item["ok"] else ":red[**✗ not confirmed**] ")
                    + item["shown"])
        st.page_link(item["page"], label="See it on its page", icon=":material/arrow_forward:",
                     query_params=item["q"] or None)
