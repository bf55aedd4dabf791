"""Shadow prices of the quotas from the LP relaxation of the allocation problem.

The binary allocation (:func:`jingjin.engines.allocation.allocate`) has no duals; its LP
relaxation (0 ≤ x_i ≤ 1, the same must-fund and excluded bounds) does. The dual value y_k of
quota k's row Σ_i req_ik x_i ≤ Q_k is the rise of the relaxed optimum per extra unit of Q_k
(万元 of weighted benefit per mu, tce or environmental unit), ≥ 0 for a maximisation, 0 for a
quota with slack (complementary slackness). Solved by HiGHS (Huangfu & Hall 2018). Pure:
arrays in, arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jingjin.engines.allocation import _solve

__all__ = ["LpRelaxation", "lp_relaxation"]


@dataclass(frozen=True)
class LpRelaxation:
    """The LP relaxation's optimum, its fractional solution and each quota's shadow price."""

    objective: float
    selected: np.ndarray
    shadow_prices: np.ndarray
    status: str


def lp_relaxation(
    value: np.ndarray,
    requirements: np.ndarray,
    limits: np.ndarray,
    must: np.ndarray,
    exclude: np.ndarray,
) -> LpRelaxation:
    """Solve the LP relaxation of max Σ v_i x_i s.t. req^T x ≤ Q, must x_i = 1, excluded x_i = 0.

    ``value`` is the weighted benefit b_i (1 + β·leading_i). Returns the shadow price of each
    quota (|dual| of its row; HiGHS reports a maximisation's row duals with the sign of its
    internal minimisation). ``status`` is HiGHS's model status; prices are NaN unless "Optimal".
    """
    v = np.asarray(value, np.float64)
    req = np.asarray(requirements, np.float64)
    q = np.asarray(limits, np.float64)
    h = _solve(
        v, req, q, np.asarray(must, bool), np.asarray(exclude, bool), partial=True, gap=1e-9, time_limit=None
    )
    status = str(h.modelStatusToString(h.getModelStatus()))
    solution = h.getSolution()
    x = np.asarray(solution.col_value, np.float64)
    if status != "Optimal" or x.size != v.size:
        return LpRelaxation(float("nan"), np.full(v.size, np.nan), np.full(q.size, np.nan), status)
    duals = np.abs(np.asarray(solution.row_dual, np.float64))
    return LpRelaxation(float(v @ x), x, duals, status)
