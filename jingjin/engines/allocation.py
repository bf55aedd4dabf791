"""Allocation of land, energy and environmental quotas to projects (土地指标、能耗双控、环境容量).

Choose the projects that maximise the total weighted benefit within the quotas:

    maximise   Σ_i b_i (1 + β·leading_i) x_i
    subject to Σ_i land_i x_i ≤ L,  Σ_i energy_i x_i ≤ E,  Σ_i env_i x_i ≤ V,
               x_i = 1 for must-fund projects, x_i = 0 for excluded projects,
               x_i ∈ {0, 1} (binary, the default) or 0 ≤ x_i ≤ 1 (``partial``).

A multi-dimensional knapsack, solved as a MILP (or an LP with ``partial``) by HiGHS
(Huangfu & Hall 2018, https://highs.dev) to a proven relative gap. The result is compared
with the greedy ratio rule used in spreadsheets: fund must-fund projects first, then take
projects in decreasing order of b_i (1 + β·leading_i) / Σ_k (req_ik / Q_k) while they fit.
β is the leading-industry bonus (主导产业 projects weigh 1 + β times their benefit).

Units are the user's: land in 亩 (mu), energy in tonnes of standard coal (tce),
environmental capacity in the user's units (e.g. tonnes of a pollutant); quotas in the
same units. Pure and vectorised: arrays in, arrays out, no file input/output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import highspy
import numpy as np
import polars as pl

from jingjin.engines.scoring import InputError, check_ids, flag_column, numeric_column, rows_text

__all__ = [
    "ALLOCATION_COLUMNS",
    "Allocation",
    "QuotaUse",
    "allocate",
    "allocate_table",
    "greedy_allocation",
]

ALLOCATION_COLUMNS = (
    "project_id",
    "benefit",
    "land_mu",
    "energy_tce",
    "env_units",
    "leading",
    "must",
    "exclude",
)
QUOTA_COLUMNS = (("land", "land_mu"), ("energy", "energy_tce"), ("env", "env_units"))

#: The largest benefit, requirement or quota the solver is given (in the user's units). Beyond
#: it HiGHS reads a coefficient as infinite (1e20) or the objective overflows; real plans use
#: values many orders of magnitude below.
MAGNITUDE_LIMIT = 1e15


@dataclass(frozen=True)
class QuotaUse:
    """Use of one quota: ``used`` of ``limit``; ``binds`` when it stops further selection.

    For a fractional (LP) allocation a quota binds when its slack is 0 (within 1e-9 of
    the limit). For a binary allocation it binds when an unselected, not excluded project
    with a positive weighted benefit needs more of this quota than is left.
    """

    name: str
    limit: float
    used: float
    slack: float
    binds: bool


@dataclass(frozen=True)
class Allocation:
    """Result of :func:`allocate`."""

    selected: np.ndarray  # 0/1 (binary) or the funded fraction (partial), per project
    objective: float  # Σ weighted benefit × selected
    bound: float  # best proven upper bound on the objective
    gap: float  # (bound − objective) / max(|objective|, 1e-10); 0 when proven optimal
    status: str  # HiGHS model status, e.g. "Optimal", "Time limit reached"
    proven: bool  # the gap is within the requested tolerance
    quotas: list[QuotaUse]
    weighted_benefit: np.ndarray
    greedy_selected: np.ndarray
    greedy_objective: float
    runtime: float  # HiGHS solve time, seconds
    partial: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


def greedy_allocation(
    value: np.ndarray,
    requirements: np.ndarray,
    limits: np.ndarray,
    must: np.ndarray,
    exclude: np.ndarray,
    *,
    partial: bool = False,
) -> np.ndarray:
    """The spreadsheet greedy ratio rule (the baseline to beat).

    Must-fund projects first; then the others in decreasing order of
    value_i / Σ_k (req_ik / limit_k) (ties by input order), each taken whole if it fits every
    quota (with ``partial``, the largest fraction that fits). Projects with value ≤ 0 are
    not taken.
    """
    n = value.size
    x = np.zeros(n)
    x[must] = 1.0
    left = limits - requirements[must].sum(axis=0)
    safe_limits = np.where(limits > 0, limits, 1.0)
    load = (requirements / safe_limits).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(load > 0, value / np.where(load > 0, load, 1.0), np.inf)
    candidates = np.flatnonzero(~must & ~exclude & (value > 0))
    order = candidates[np.argsort(-ratio[candidates], kind="stable")]
    tol = 1e-9 * np.maximum(limits, 1.0)
    for i in order:
        need = requirements[i]
        if np.all(need <= left + tol):
            x[i] = 1.0
            left = left - need
        elif partial:
            positive = need > 0
            fraction = float(np.min(np.maximum(left[positive], 0.0) / need[positive]))
            if fraction > 0:
                x[i] = min(fraction, 1.0)
                left = left - need * x[i]
    return x


def _check_magnitudes(columns: list[tuple[str, np.ndarray]]) -> None:
    """Refuse infinite, NaN or too large values, naming the column and the data rows."""
    for column, values in columns:
        bad = ~np.isfinite(values)
        if bad.any():
            raise InputError(f"{column}: not a finite number in {rows_text(bad)}")
        big = np.abs(values) > MAGNITUDE_LIMIT
        if big.any():
            raise InputError(
                f"{column}: value beyond ±{MAGNITUDE_LIMIT:g} (too large to solve) in {rows_text(big)}"
            )


def allocate(
    benefit: Any,
    requirements: Any,
    limits: Any,
    *,
    leading: Any = None,
    leading_bonus: float = 0.0,
    must: Any = None,
    exclude: Any = None,
    partial: bool = False,
    gap: float = 1e-4,
    time_limit: float | None = None,
    quota_names: tuple[str, ...] = ("land", "energy", "env"),
) -> Allocation:
    """Optimal allocation of quotas to projects (MILP, or LP with ``partial``), by HiGHS.

    Parameters
    ----------
    benefit : array (n,)
        Benefit b_i of each project (any unit, e.g. 万元 of output or tax).
    requirements : array (n, k)
        Quota needed by each project, one column per quota (≥ 0).
    limits : array (k,)
        The quotas Q_k (≥ 0), in the units of the columns of ``requirements``.
    leading, must, exclude : bool arrays (n,)
        Leading-industry projects (benefit × (1 + ``leading_bonus``)); must-fund
        (x_i = 1); excluded (x_i = 0).
    partial : bool
        Fractional funding (0 ≤ x_i ≤ 1) instead of all-or-nothing.
    gap : float
        Relative MIP gap to prove (HiGHS ``mip_rel_gap``), default 1e-4.
    time_limit : float
        Seconds; the best solution found so far is returned with its gap.

    Raises
    ------
    InputError
        A project both must-funded and excluded, or the must-fund projects alone exceed a
        quota (the problem is infeasible); the message names the quotas and data rows.
    """
    b = np.asarray(benefit, dtype=np.float64)
    req = np.asarray(requirements, dtype=np.float64)
    q = np.asarray(limits, dtype=np.float64)
    n = b.size
    if req.ndim != 2 or req.shape[0] != n or q.shape != (req.shape[1],):
        raise ValueError("requirements must be (n, k) and limits (k,) for n benefits")
    k = q.size
    names = quota_names if len(quota_names) == k else tuple(f"quota_{j + 1}" for j in range(k))
    lead = np.zeros(n, bool) if leading is None else np.asarray(leading, bool)
    must_f = np.zeros(n, bool) if must is None else np.asarray(must, bool)
    excl = np.zeros(n, bool) if exclude is None else np.asarray(exclude, bool)
    _check_problem(b, req, q, must_f, excl, names)
    with np.errstate(over="ignore"):
        value = b * (1.0 + leading_bonus * lead)
    _check_magnitudes([("weighted benefit (benefit × (1 + leading bonus))", value)])

    h = _solve(value, req, q, must_f, excl, partial=partial, gap=gap, time_limit=time_limit)
    status = h.modelStatusToString(h.getModelStatus())
    info = h.getInfo()
    solution = np.asarray(h.getSolution().col_value, dtype=np.float64)
    if solution.size != n or status in ("Infeasible", "Not Set", "Load error", "Model error"):
        raise InputError(f"the allocation problem has no solution (HiGHS: {status})")
    x = np.clip(solution, 0.0, 1.0)
    if not partial:
        x = np.round(x)
    objective = float(value @ x)
    if partial:
        bound = objective if status == "Optimal" else float(info.objective_function_value)
        rel_gap = 0.0 if status == "Optimal" else float("nan")
    else:
        bound = float(info.mip_dual_bound)
        rel_gap = max(0.0, (bound - objective) / max(abs(objective), 1e-10))
    g = greedy_allocation(value, req, q, must_f, excl, partial=partial)
    return Allocation(
        selected=x,
        objective=objective,
        bound=bound,
        gap=rel_gap,
        status=status,
        proven=status == "Optimal" and (partial or rel_gap <= gap * (1 + 1e-9) + 1e-12),
        quotas=_quota_use(x, value, req, q, excl, names, partial=partial),
        weighted_benefit=value,
        greedy_selected=g,
        greedy_objective=float(value @ g),
        runtime=float(h.getRunTime()),
        partial=partial,
    )


def _check_problem(
    b: np.ndarray,
    req: np.ndarray,
    q: np.ndarray,
    must_f: np.ndarray,
    excl: np.ndarray,
    names: tuple[str, ...],
) -> None:
    """Finite values the solver can take, requirements and quotas ≥ 0, no project both must-fund
    and excluded, and must-fund projects within every quota."""
    k = q.size
    _check_magnitudes([("benefit", b), *((f"{names[j]} requirement", req[:, j]) for j in range(k))])
    for name, limit in zip(names, q, strict=True):
        if not np.isfinite(limit) or abs(limit) > MAGNITUDE_LIMIT:
            raise InputError(f"{name} quota: expected a number up to {MAGNITUDE_LIMIT:g}, got {limit:g}")
    if (req < 0).any() or (q < 0).any():
        raise InputError("requirements and quotas must be ≥ 0")
    both = must_f & excl
    if both.any():
        raise InputError(f"columns 'must' and 'exclude' are both set in {rows_text(both)}")
    need = req[must_f].sum(axis=0)
    over = [j for j in range(k) if need[j] > q[j] * (1 + 1e-12) + 1e-12]
    if over:
        parts = [f"{names[j]} needs {need[j]:g} > quota {q[j]:g}" for j in over]
        raise InputError(
            f"infeasible: the must-fund projects ({rows_text(must_f)}) exceed the quota: " + "; ".join(parts)
        )


def _solve(
    value: np.ndarray,
    req: np.ndarray,
    q: np.ndarray,
    must_f: np.ndarray,
    excl: np.ndarray,
    *,
    partial: bool,
    gap: float,
    time_limit: float | None,
) -> Any:
    """The knapsack as a HiGHS model (columns = projects, rows = quotas), solved."""
    n, k = req.shape
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", float(gap))
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = k
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = value
    lp.col_lower_ = must_f.astype(np.float64)
    lp.col_upper_ = np.where(excl, 0.0, 1.0)
    lp.row_lower_ = np.full(k, -highspy.kHighsInf)
    lp.row_upper_ = q
    nonzero = req != 0
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.concatenate([[0], np.cumsum(nonzero.sum(axis=1))]).astype(np.int32)
    lp.a_matrix_.index_ = np.nonzero(nonzero)[1].astype(np.int32)
    lp.a_matrix_.value_ = req[nonzero]
    if not partial:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    h.passModel(lp)
    h.run()
    return h


def _quota_use(
    x: np.ndarray,
    value: np.ndarray,
    req: np.ndarray,
    q: np.ndarray,
    excl: np.ndarray,
    names: tuple[str, ...],
    *,
    partial: bool,
) -> list[QuotaUse]:
    """Use and slack of each quota, and whether it binds (see :class:`QuotaUse`)."""
    used = req.T @ x
    slack = q - used
    quotas: list[QuotaUse] = []
    free = (x < 0.5) & ~excl & (value > 0)
    for j in range(q.size):
        if partial:
            binds = bool(slack[j] <= 1e-9 * max(q[j], 1.0))
        else:
            binds = bool((req[free, j] > slack[j] + 1e-9 * max(q[j], 1.0)).any())
        quotas.append(QuotaUse(names[j], float(q[j]), float(used[j]), float(slack[j]), binds))
    return quotas


def allocate_table(
    frame: pl.DataFrame,
    *,
    land: float,
    energy: float,
    env: float,
    leading_bonus: float = 0.0,
    partial: bool = False,
    gap: float = 1e-4,
    time_limit: float | None = None,
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """:func:`allocate` on a table with columns ``project_id benefit land_mu energy_tce
    env_units`` and optional ``leading``, ``must``, ``exclude`` (1/0, yes/no).

    Returns the table with ``selected`` added (Int64 0/1, or Float64 fractions with
    ``partial``) and a summary (objective, bound, gap, quotas used and binding, greedy rule).
    """
    check_ids(frame, "project_id")
    benefit = numeric_column(frame, "benefit")
    req = np.column_stack([numeric_column(frame, col, minimum=0) for _, col in QUOTA_COLUMNS])
    limits = np.array([land, energy, env], dtype=np.float64)
    for (name, _), limit in zip(QUOTA_COLUMNS, limits, strict=True):
        if not np.isfinite(limit) or limit < 0:
            raise InputError(f"--{name}: the quota must be a number ≥ 0, got {limit:g}")
    _check_magnitudes(
        [
            ("column 'benefit'", benefit),
            *((f"column '{col}'", req[:, j]) for j, (_, col) in enumerate(QUOTA_COLUMNS)),
        ]
    )
    flags = {
        c: flag_column(frame, c) if c in frame.columns else np.zeros(frame.height, bool)
        for c in ("leading", "must", "exclude")
    }
    result = allocate(
        benefit,
        req,
        limits,
        leading=flags["leading"],
        leading_bonus=leading_bonus,
        must=flags["must"],
        exclude=flags["exclude"],
        partial=partial,
        gap=gap,
        time_limit=time_limit,
    )
    if "selected" in frame.columns:
        raise InputError("the input already has a column 'selected'; rename it")
    column = pl.Series("selected", result.selected)
    column = column if partial else column.cast(pl.Int64)
    summary: dict[str, Any] = {
        "projects": frame.height,
        "selected": int((result.selected > 0).sum()),
        "mode": "partial" if partial else "binary",
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "gap_target": gap,
        "proven": result.proven,
        "status": result.status,
        "solve_seconds": round(result.runtime, 3),
        "leading_bonus": leading_bonus,
        "quotas": {
            u.name: {"limit": u.limit, "used": u.used, "slack": u.slack, "binds": u.binds}
            for u in result.quotas
        },
        "greedy": {
            "objective": result.greedy_objective,
            "selected": int((result.greedy_selected > 0).sum()),
            "optimal_over_greedy": (
                result.objective / result.greedy_objective if result.greedy_objective > 0 else None
            ),
        },
    }
    return frame.with_columns(column), summary
