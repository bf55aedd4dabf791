"""Quota allocation (MILP/LP by HiGHS) against exhaustive search and linear programming."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from scipy.optimize import linprog

from jingjin.engines.allocation import allocate, allocate_table, greedy_allocation
from jingjin.engines.scoring import InputError


def exhaustive(value, req, limits, must, exclude):
    """Best objective over every subset (the reference for small instances)."""
    n = value.size
    best = -np.inf
    for bits in itertools.product((0, 1), repeat=n):
        x = np.array(bits, dtype=float)
        if (x[must] < 1).any() or (x[exclude] > 0).any():
            continue
        if (req.T @ x <= limits + 1e-9).all():
            best = max(best, float(value @ x))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_binary_allocation_is_optimal_against_exhaustive_search(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 12))
    benefit = rng.uniform(-5, 100, n)
    req = rng.uniform(0, 10, (n, 3)) * (rng.random((n, 3)) < 0.9)
    limits = req.sum(axis=0) * rng.uniform(0.2, 0.6, 3)
    leading = rng.random(n) < 0.4
    must = np.zeros(n, bool)
    exclude = rng.random(n) < 0.15
    cheapest = int(np.argmin(req.sum(axis=1)))
    if not exclude[cheapest] and (req[cheapest] <= limits).all():
        must[cheapest] = True
    result = allocate(benefit, req, limits, leading=leading, leading_bonus=0.3, must=must, exclude=exclude)
    value = benefit * (1 + 0.3 * leading)
    best = exhaustive(value, req, limits, must, exclude)
    assert result.objective == pytest.approx(best, rel=1e-9, abs=1e-9)
    assert result.proven and result.status == "Optimal"
    x = result.selected
    assert set(np.unique(x)) <= {0.0, 1.0}
    assert (req.T @ x <= limits + 1e-9).all()
    assert (x[must] == 1).all() and (x[exclude] == 0).all()
    assert result.greedy_objective <= result.objective + 1e-9


def test_greedy_rule_can_be_beaten():
    # one quota of 10: A (value 6, needs 1) has the best ratio, so the greedy rule takes it
    # and then B (value 10, needs 10) no longer fits: greedy 6, optimal 10 (B alone).
    value = np.array([6.0, 10.0])
    req = np.array([[1.0], [10.0]])
    limits = np.array([10.0])
    g = greedy_allocation(value, req, limits, np.zeros(2, bool), np.zeros(2, bool))
    assert g.tolist() == [1.0, 0.0]
    result = allocate(value, req, limits, quota_names=("land",))
    assert result.selected.tolist() == [0.0, 1.0]
    assert (result.objective, result.greedy_objective) == (10.0, 6.0)
    # with fractions the greedy rule fills the rest with 90 % of B: 6 + 9 = 15, also the LP optimum
    assert greedy_allocation(
        value, req, limits, np.zeros(2, bool), np.zeros(2, bool), partial=True
    ).tolist() == [
        1.0,
        0.9,
    ]
    assert allocate(value, req, limits, partial=True).objective == pytest.approx(15.0)


@pytest.mark.parametrize("seed", range(4))
def test_partial_allocation_matches_linear_programming(seed):
    rng = np.random.default_rng(100 + seed)
    n = 30
    benefit = rng.uniform(1, 50, n)
    req = rng.uniform(0.5, 10, (n, 3))
    limits = req.sum(axis=0) * 0.35
    result = allocate(benefit, req, limits, partial=True)
    lp = linprog(-benefit, A_ub=req.T, b_ub=limits, bounds=[(0, 1)] * n, method="highs")
    assert result.objective == pytest.approx(-lp.fun, rel=1e-9)
    assert result.gap == 0.0
    assert ((result.selected >= 0) & (result.selected <= 1)).all()
    # an LP optimum of a 3-row problem has at most 3 fractional projects
    assert ((result.selected > 1e-9) & (result.selected < 1 - 1e-9)).sum() <= 3
    assert any(q.binds for q in result.quotas)


def test_quota_use_and_binding():
    value = np.array([10.0, 8.0, 7.0, 3.0])
    req = np.array([[5.0, 2.0, 1.0], [4.0, 1.0, 1.0], [3.0, 3.0, 2.0], [1.0, 1.0, 0.0]])
    result = allocate(
        value,
        req,
        np.array([9.0, 6.0, 4.0]),
        leading=np.array([0, 1, 0, 0], bool),
        leading_bonus=0.5,
        must=np.array([0, 0, 1, 0], bool),
        exclude=np.array([0, 0, 0, 1], bool),
    )
    # C (7, must) + B (8 × 1.5 = 12) = 19 beats C + A = 17; A + B would need 9 land, but C is required
    assert result.selected.tolist() == [0.0, 1.0, 1.0, 0.0]
    assert result.objective == 19.0
    land, energy, env = result.quotas
    assert (land.used, land.slack, land.binds) == (7.0, 2.0, True)  # A needs 5 > 2 left
    assert (energy.used, energy.binds) == (4.0, False)  # A needs 2 ≤ 2 left
    assert (env.used, env.binds) == (3.0, False)


def test_infeasible_and_contradictory_inputs():
    req = np.array([[5.0, 1.0, 1.0], [6.0, 1.0, 1.0]])
    with pytest.raises(InputError, match=r"infeasible.*data rows 1, 2.*land needs 11 > quota 10"):
        allocate([1.0, 1.0], req, [10.0, 5.0, 5.0], must=[True, True])
    with pytest.raises(InputError, match=r"'must' and 'exclude' are both set in data row 2"):
        allocate([1.0, 1.0], req, [10.0, 5.0, 5.0], must=[False, True], exclude=[False, True])
    with pytest.raises(InputError, match="≥ 0"):
        allocate([1.0], [[-1.0, 0.0, 0.0]], [1.0, 1.0, 1.0])


def test_allocate_table_reads_flags_and_checks_columns():
    frame = pl.DataFrame(
        {
            "project_id": ["a", "b", "c"],
            "benefit": [5.0, 4.0, 3.0],
            "land_mu": [2.0, 2.0, 2.0],
            "energy_tce": [1.0, 1.0, 1.0],
            "env_units": [0.0, 0.0, 0.0],
            "must": ["否", "是", "否"],
        }
    )
    out, summary = allocate_table(frame, land=4, energy=10, env=0)
    assert out["selected"].to_list() == [1, 1, 0]
    assert out.columns == [*frame.columns, "selected"]
    assert summary["objective"] == 9.0 and summary["quotas"]["land"]["binds"] is True
    with pytest.raises(InputError, match=r"column 'land_mu': negative value in data row 3"):
        allocate_table(frame.with_columns(land_mu=pl.Series([1.0, 1.0, -1.0])), land=4, energy=10, env=0)
    with pytest.raises(InputError, match="missing column 'env_units'"):
        allocate_table(frame.drop("env_units"), land=4, energy=10, env=0)


def test_project_ids_must_be_unique():
    frame = pl.DataFrame(
        {
            "project_id": ["a", "b", "a"],
            "benefit": [1.0, 1.0, 1.0],
            "land_mu": [1.0, 1.0, 1.0],
            "energy_tce": [1.0, 1.0, 1.0],
            "env_units": [1.0, 1.0, 1.0],
        }
    )
    with pytest.raises(InputError, match=r"column 'project_id': repeated ids .*data rows 1, 3"):
        allocate_table(frame, land=4, energy=10, env=10)
