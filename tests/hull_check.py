"""An independent float check of the exact engines (import as `from hull_check import ...`)."""

from __future__ import annotations

from scipy import optimize


def distance_to_hull(g, vertices) -> float:
    """Independent float check (HiGHS): min |sum lambda_i v_i - g|_inf over the simplex."""
    k, n = len(vertices), len(g)
    a_ub, b_ub = [], []
    for i in range(n):
        a_ub.append([v[i] for v in vertices] + [-1])
        b_ub.append(g[i])
        a_ub.append([-v[i] for v in vertices] + [-1])
        b_ub.append(-g[i])
    res = optimize.linprog([0] * k + [1], A_ub=a_ub, b_ub=b_ub, A_eq=[[1] * k + [0]],
                           b_eq=[1], bounds=[(0, None)] * (k + 1), method="highs")
    return float(res.fun)
