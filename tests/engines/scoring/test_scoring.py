"""Composite scoring engine: entropy weights, TOPSIS, ranks, normalisations and specs.

Worked values are computed by hand from the formulas of issue 5 / REFERENCE.md §4 and §9,
written out as arithmetic in the tests (never taken from the engine).
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymcdm import normalizations as pm_norm
from pymcdm.methods import TOPSIS
from pymcdm.weights import entropy_weights as pm_entropy

from jingjin.engines.scoring import (
    InputError,
    ScoreSpec,
    entropy_weights,
    normalize,
    rank,
    score,
    topsis,
)

# ---------------------------------------------------------------------------------------
# entropy weights
# ---------------------------------------------------------------------------------------


def test_entropy_weights_worked_example():
    # column 1 constant → p = (1/2, 1/2), e = 1, d = 0
    # column 2 (1, 3) → p = (1/4, 3/4), e = 2 − (3/4) log2 3, d = (3/4) log2 3 − 1
    # column 3 (0, 2) → p = (0, 1), e = 0 (0·ln 0 = 0), d = 1
    X = [[1.0, 1.0, 0.0], [1.0, 3.0, 2.0]]
    d2 = 0.75 * math.log2(3) - 1
    expected = np.array([0.0, d2, 1.0]) / (d2 + 1.0)
    np.testing.assert_allclose(entropy_weights(X), expected, rtol=1e-13, atol=1e-15)
    assert d2 == pytest.approx(0.188722, abs=1e-6)


def test_entropy_weights_against_pymcdm_on_random_data():
    rng = np.random.default_rng(20261127)
    for m, n in ((5, 3), (40, 6), (1000, 10)):
        X = rng.uniform(0.01, 100.0, size=(m, n))
        np.testing.assert_allclose(entropy_weights(X), pm_entropy(X), rtol=1e-10)


def test_entropy_weights_edges():
    # every column without information → equal weights
    np.testing.assert_allclose(entropy_weights([[2.0, 0.0], [2.0, 0.0], [2.0, 0.0]]), [0.5, 0.5])
    # a column of zeros carries no information, the other takes all the weight
    np.testing.assert_allclose(entropy_weights([[0.0, 1.0], [0.0, 2.0]]), [0.0, 1.0])
    # one row: ln m = 0, equal weights
    np.testing.assert_allclose(entropy_weights([[1.0, 5.0, 9.0]]), [1 / 3] * 3)
    with pytest.raises(ValueError, match="≥ 0"):
        entropy_weights([[1.0, -1.0], [2.0, 3.0]])
    with pytest.raises(ValueError, match="non-finite"):
        entropy_weights([[1.0, np.nan], [2.0, 3.0]])


def test_entropy_weights_over_many_blocks_with_zeros_and_bad_values():
    """More rows than one block, zeros in some blocks only (their logarithm taken of max(x, tiny)),
    against the textbook formula on p; a negative or NaN value in a late block is found, the
    negative one named by its row and criterion, a matrix in column order gives the same."""
    rng = np.random.default_rng(19)
    X = rng.lognormal(1.0, 1.0, size=(30_000, 4))
    X[rng.random(30_000) < 0.2, 1] = 0.0  # zeros in every block of column 2
    X[20_000:20_100, 3] = 0.0  # zeros in one block of column 4
    p = X / X.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(p), 0.0).sum(axis=0)
    d = 1.0 + plogp / math.log(X.shape[0])
    np.testing.assert_allclose(entropy_weights(X), d / d.sum(), rtol=1e-10)
    np.testing.assert_array_equal(entropy_weights(np.asfortranarray(X)), entropy_weights(X))
    bad = X.copy()
    bad[25_000, 2] = -0.5
    with pytest.raises(ValueError, match="row 25001, criterion 3"):
        entropy_weights(bad)
    bad[25_000, 2] = np.nan
    with pytest.raises(ValueError, match="non-finite"):
        entropy_weights(bad)


def test_entropy_weights_are_scale_invariant_and_sum_to_one():
    rng = np.random.default_rng(1)
    X = rng.uniform(0, 10, size=(200, 4))
    w = entropy_weights(X)
    assert w.sum() == pytest.approx(1.0, abs=1e-14)
    np.testing.assert_allclose(entropy_weights(X * [1, 10, 100, 1000]), w, rtol=1e-10)


# ---------------------------------------------------------------------------------------
# TOPSIS
# ---------------------------------------------------------------------------------------


def test_topsis_worked_example_benefit():
    # norms 5 and 5: r = [[.6,.8],[.8,.6],[0,0]], v = r/2, ideal best (.4,.4), worst (0,0)
    # row 1: D+ = 0.1, D− = sqrt(.09 + .16) = 0.5 → 5/6; row 2 the same; row 3: D− = 0 → 0
    X = [[3.0, 4.0], [4.0, 3.0], [0.0, 0.0]]
    np.testing.assert_allclose(topsis(X, [0.5, 0.5], [True, True]), [5 / 6, 5 / 6, 0.0], rtol=1e-14)


def test_topsis_worked_example_with_a_cost_criterion():
    # column 2 is a cost: best = min v = 0, worst = max v = 0.4
    # row 1 v = (.3,.4): D+ = sqrt(.01+.16), D− = .3; row 2 v = (.4,.3): D+ = .3, D− = sqrt(.17)
    # row 3 v = (0,0): D+ = .4, D− = .4 → 0.5
    X = [[3.0, 4.0], [4.0, 3.0], [0.0, 0.0]]
    s17 = math.sqrt(0.17)
    expected = [0.3 / (0.3 + s17), s17 / (0.3 + s17), 0.5]
    np.testing.assert_allclose(topsis(X, [0.5, 0.5], [True, False]), expected, rtol=1e-14)
    np.testing.assert_allclose(topsis(X, [0.5, 0.5], [1, -1]), expected, rtol=1e-14)


def test_topsis_against_pymcdm_vector_normalisation_on_random_data():
    rng = np.random.default_rng(7)
    peer = TOPSIS(pm_norm.vector_normalization)
    for m, n in ((4, 2), (30, 5), (2000, 10)):
        X = rng.uniform(1.0, 1000.0, size=(m, n))
        w = rng.dirichlet(np.ones(n))
        types = rng.choice([1, -1], size=n)
        types[0] = 1
        np.testing.assert_allclose(topsis(X, w, types > 0), peer(X, w, types), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("layout", ["C", "F"])
def test_topsis_compiled_passes_agree_with_the_numpy_path(layout, monkeypatch):
    """The compiled two passes (default, row-major matrices) give the numpy path's scores and
    parts to the last bits, over several blocks of rows, with a reference subset, constant and
    zero columns; column-major input takes the numpy path."""
    from jingjin.engines.scoring import mcda, topsis_parts

    rng = np.random.default_rng(19)
    X = np.asarray(rng.lognormal(3.0, 1.0, size=(20_000, 7)), order=layout)
    X[:, 2] = 5.0
    X[:, 4] = 0.0
    w = rng.dirichlet(np.ones(7))
    good = np.array([True, False, True, False, True, True, False])
    reference = rng.random(20_000) < 0.7
    monkeypatch.setattr(mcda, "KERNEL", "numba")
    compiled = [topsis_parts(X, w, good), topsis_parts(X, w, good, reference), topsis(X, w, good)]
    monkeypatch.setattr(mcda, "KERNEL", "numpy")
    numpy_path = [topsis_parts(X, w, good), topsis_parts(X, w, good, reference), topsis(X, w, good)]
    for ours, theirs in zip(compiled[:2], numpy_path[:2], strict=True):
        for name in ("scale", "best", "worst", "d_best", "d_worst", "score"):
            np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(compiled[2], numpy_path[2], rtol=1e-13, atol=1e-15)
    monkeypatch.setattr(mcda, "KERNEL", "numba")
    for bad in (np.nan, np.inf):
        Y = X.copy(order=layout)
        Y[12_345, 3] = bad
        with pytest.raises(ValueError, match="non-finite"):
            topsis(Y, w, good)


def test_topsis_edges():
    # every weighted column constant → D+ + D− = 0 → 0.5
    np.testing.assert_allclose(topsis([[2.0, 3.0], [2.0, 3.0]], [0.5, 0.5], True), [0.5, 0.5])
    # a column of zeros does not disturb the others
    np.testing.assert_allclose(topsis([[0.0, 1.0], [0.0, 2.0]], [0.5, 0.5], True), [0.0, 1.0])
    # scores do not change when every weight is scaled
    X = np.array([[1.0, 9.0], [4.0, 2.0], [7.0, 5.0]])
    np.testing.assert_allclose(topsis(X, [1, 3], True), topsis(X, [0.25, 0.75], True), rtol=1e-14)
    with pytest.raises(ValueError, match="weights"):
        topsis(X, [0.5, -0.5], True)
    with pytest.raises(ValueError, match="expected 2 weights"):
        topsis(X, [1.0], True)
    with pytest.raises(ValueError, match="non-finite"):
        topsis([[1.0, np.inf]], [1, 1], True)


# ---------------------------------------------------------------------------------------
# ranks
# ---------------------------------------------------------------------------------------


def test_rank_ties_share_the_smallest_rank():
    assert rank([0.9, 0.5, 0.5, 0.1]).tolist() == [1, 2, 2, 4]
    assert rank([1.0, 5.0, 5.0, 0.0, 5.0]).tolist() == [4, 1, 1, 5, 1]
    assert rank([3.0]).tolist() == [1]
    assert rank(np.array([], dtype=float)).tolist() == []
    with pytest.raises(ValueError, match="data row 2"):
        rank([1.0, np.nan])


# ---------------------------------------------------------------------------------------
# normalisations
# ---------------------------------------------------------------------------------------

X4 = np.array([1.0, 2.0, 3.0, 4.0])


def test_minmax_and_its_constant_edge():
    np.testing.assert_allclose(normalize(X4, "minmax"), [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(normalize(X4, "minmax", benefit=False), [1, 2 / 3, 1 / 3, 0])
    np.testing.assert_array_equal(normalize([5.0, 5.0, 5.0], "minmax"), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(normalize([5.0, 5.0], "minmax", benefit=False), [1.0, 1.0])


def test_zscore_uses_the_population_sd_and_constant_gives_zero():
    sd = math.sqrt(((1.5**2) * 2 + (0.5**2) * 2) / 4)  # = sqrt(1.25)
    np.testing.assert_allclose(normalize(X4, "zscore"), (X4 - 2.5) / sd)
    np.testing.assert_allclose(normalize(X4, "zscore", benefit=False), (2.5 - X4) / sd)
    np.testing.assert_array_equal(normalize([7.0, 7.0], "zscore"), [0.0, 0.0])


def test_vector_and_its_zero_edge():
    np.testing.assert_allclose(normalize(X4, "vector"), X4 / math.sqrt(30))
    np.testing.assert_allclose(normalize(X4, "vector", benefit=False), 1 - X4 / math.sqrt(30))
    np.testing.assert_array_equal(normalize([0.0, 0.0], "vector"), [0.0, 0.0])
    np.testing.assert_array_equal(normalize([0.0, 0.0], "vector", benefit=False), [1.0, 1.0])


def test_ratio_benchmarks_and_cap():
    np.testing.assert_allclose(normalize(X4, "ratio", benchmark="mean"), [0.4, 0.8, 1.2, 1.6])
    np.testing.assert_allclose(normalize(X4, "ratio", benchmark="mean", cap=1.5), [0.4, 0.8, 1.2, 1.5])
    np.testing.assert_allclose(normalize(X4, "ratio", benchmark="mean*2"), X4 / 5)
    np.testing.assert_allclose(normalize(X4, "ratio", benchmark="max"), X4 / 4)
    np.testing.assert_allclose(normalize(X4, "ratio", benchmark="min"), X4)
    np.testing.assert_allclose(normalize(X4, "ratio", benchmark=2), X4 / 2)
    np.testing.assert_allclose(normalize(X4, "ratio", benchmark="2"), X4 / 2)
    # lower is better: benchmark / value
    np.testing.assert_allclose(normalize(X4, "ratio", benchmark=2, benefit=False), [2, 1, 2 / 3, 0.5])
    # the benchmark statistic comes from the population rows only
    np.testing.assert_allclose(
        normalize(X4, "ratio", benchmark="max", population=np.array([1, 1, 0, 0], bool)), X4 / 2
    )


def test_ratio_zero_edges():
    # a cost value of 0 is infinitely good: the cap, or an error without one
    np.testing.assert_allclose(normalize([0.0, 4.0], "ratio", benchmark=2, benefit=False, cap=3), [3, 0.5])
    with pytest.raises(InputError, match=r"zero denominator.*data row 1.*cap"):
        normalize([0.0, 4.0], "ratio", benchmark=2, benefit=False)
    with pytest.raises(InputError, match="zero denominator: the benchmark is 0"):
        normalize([0.0, 0.0], "ratio", benchmark="mean")
    with pytest.raises(InputError, match="needs a benchmark"):
        normalize(X4, "ratio")
    with pytest.raises(InputError, match="not a number"):
        normalize(X4, "ratio", benchmark="average")


def test_target_attainment_is_capped():
    np.testing.assert_allclose(normalize(X4, "target", target=3), [1 / 3, 2 / 3, 1, 1])
    np.testing.assert_allclose(normalize(X4, "target", target=3, cap=1.2), [1 / 3, 2 / 3, 1, 1.2])
    np.testing.assert_allclose(normalize(X4, "target", target=2, benefit=False), [1, 1, 2 / 3, 0.5])
    np.testing.assert_allclose(normalize([0.0], "target", target=2, benefit=False), [1.0])
    with pytest.raises(InputError, match="zero denominator: the target is 0"):
        normalize(X4, "target", target=0)
    with pytest.raises(InputError, match="needs a target"):
        normalize(X4, "target")


def test_none_keeps_values_and_negates_costs():
    np.testing.assert_array_equal(normalize(X4, "none"), X4)
    np.testing.assert_array_equal(normalize(X4, "none", benefit=False), -X4)
    with pytest.raises(InputError, match="unknown normalize"):
        normalize(X4, "log")


# ---------------------------------------------------------------------------------------
# score(): the spec
# ---------------------------------------------------------------------------------------


def frame(**columns: list[object]) -> pl.DataFrame:
    return pl.DataFrame(columns)


def test_weighted_sum_worked_example_with_explain():
    data = frame(id=["a", "b", "c"], x=[10.0, 20.0, 40.0], y=[5.0, 3.0, 1.0])
    spec = {
        "id_column": "id",
        "criteria": [
            {"column": "x", "weight": 0.6, "normalize": "ratio", "benchmark": "mean"},
            {"column": "y", "weight": 0.4, "direction": "cost"},
        ],
    }
    out = score(data, spec, explain=True)
    # x / mean(x) = x / (70/3); y by min-max cost: (5 − y) / 4
    expected_x = [0.6 * 10 * 3 / 70, 0.6 * 20 * 3 / 70, 0.6 * 40 * 3 / 70]
    expected_y = [0.0, 0.4 * 0.5, 0.4 * 1.0]
    np.testing.assert_allclose(out["contrib_x"].to_numpy(), expected_x, rtol=1e-14)
    np.testing.assert_allclose(out["contrib_y"].to_numpy(), expected_y, rtol=1e-14)
    np.testing.assert_allclose(out["score"].to_numpy(), np.add(expected_x, expected_y), rtol=1e-14)
    assert out["rank"].to_list() == [3, 2, 1]
    assert out.columns[:3] == ["id", "x", "y"]
    assert out["id"].to_list() == ["a", "b", "c"]


def test_topsis_spec_matches_the_function_and_explains_distances():
    data = frame(x=[3.0, 4.0, 0.0], y=[4.0, 3.0, 0.0])
    spec = {"method": "topsis", "criteria": [{"column": "x", "weight": 0.5}, {"column": "y", "weight": 0.5}]}
    out = score(data, spec, explain=True)
    np.testing.assert_allclose(out["score"].to_numpy(), [5 / 6, 5 / 6, 0.0], rtol=1e-14)
    np.testing.assert_allclose(out["d_best"].to_numpy(), [0.1, 0.1, 0.4 * math.sqrt(2)], rtol=1e-12)
    np.testing.assert_allclose(out["contrib_x"].to_numpy(), [0.3, 0.4, 0.0], rtol=1e-14)
    assert out["rank"].to_list() == [1, 1, 3]


def test_entropy_weighted_topsis_spec_uses_raw_values():
    rng = np.random.default_rng(3)
    X = rng.uniform(1, 50, size=(25, 3))
    data = pl.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2]})
    spec = ScoreSpec.from_dict(
        {
            "method": "topsis",
            "weights": "entropy",
            "criteria": ["a", {"column": "b", "direction": "cost"}, "c"],
        }
    )
    out = score(data, spec)
    w = pm_entropy(X)
    expected = TOPSIS(pm_norm.vector_normalization)(X, w, np.array([1, -1, 1]))
    np.testing.assert_allclose(out["score"].to_numpy(), expected, rtol=1e-10)


def test_entropy_weights_on_the_normalised_matrix_for_weighted_sum():
    data = frame(x=[1.0, 2.0, 4.0], y=[3.0, 3.0, 9.0])
    out = score(data, {"weights": "entropy", "criteria": ["x", "y"]}, explain=True)
    # min-max: x → (0, 1/3, 1), y → (0, 0, 1); entropy on those
    n = np.array([[0.0, 0.0], [1 / 3, 0.0], [1.0, 1.0]])
    p1 = np.array([0.0, 0.25, 0.75])
    e1 = -(0.25 * math.log(0.25) + 0.75 * math.log(0.75)) / math.log(3)
    d = np.array([1 - e1, 1.0])  # column y: p = (0, 0, 1) → e = 0
    w = d / d.sum()
    assert p1.sum() == 1
    np.testing.assert_allclose(out["score"].to_numpy(), n @ w, rtol=1e-12)


def test_fixed_weights_must_sum_to_the_total_unless_normalised():
    data = frame(x=[1.0, 2.0], y=[2.0, 1.0])
    bad = {"criteria": [{"column": "x", "weight": 0.5}, {"column": "y", "weight": 0.4}]}
    with pytest.raises(InputError, match=r"sum to 0\.9, not 1.*--normalize-weights"):
        score(data, bad)
    out = score(data, ScoreSpec.from_dict(bad, normalize_weights=True), explain=True)
    np.testing.assert_allclose(out["contrib_x"].to_numpy(), [0.0, 5 / 9])
    points = {"total": 100, "criteria": [{"column": "x", "weight": 60}, {"column": "y", "weight": 40}]}
    np.testing.assert_allclose(score(data, points)["score"].to_numpy(), [40.0, 60.0])


def test_bonus_and_deduction_after_weighting_with_cap():
    data = frame(x=[1.0, 2.0, 3.0], plus=[0.0, 5.0, None], minus=[0.25, 0.0, 1.0])
    spec = {
        "total": 100,
        "criteria": [{"column": "x", "weight": 100}],
        "bonus": [{"column": "plus", "cap": 3}],
        "deduct": ["minus"],
    }
    out = score(data, spec, explain=True)
    # x by min-max: 0, 50, 100; bonus capped at 3; an empty bonus counts 0
    assert out["score"].to_list() == [0 - 0.25, 50 + 3 - 0, 100 + 0 - 1]
    assert out["bonus_total"].to_list() == [0.0, 3.0, 0.0]
    assert out["rank"].to_list() == [3, 2, 1]


def test_gates_rank_failing_rows_below_passing_rows():
    data = frame(x=[9.0, 5.0, 7.0, 1.0], met=[0, 1, 1, 1])
    spec = {"criteria": [{"column": "x", "weight": 1}], "gates": [{"column": "met", "op": "==", "value": 1}]}
    out = score(data, spec)
    assert out["rank"].to_list() == [4, 2, 1, 3]
    assert out["gate_pass"].to_list() == [False, True, True, True]
    # an empty gate cell fails; string gates compare text
    data2 = frame(x=[9.0, 5.0], status=[None, "done"])
    spec2 = {"criteria": [{"column": "x", "weight": 1}], "gates": [{"column": "status", "value": "done"}]}
    assert score(data2, spec2)["rank"].to_list() == [2, 1]


def test_ranking_within_groups():
    data = frame(x=[1.0, 4.0, 2.0, 3.0, 3.0], g=["n", "s", "n", "s", "s"])
    out = score(data, {"criteria": [{"column": "x", "weight": 1}], "group_by": "g"})
    assert out["rank"].to_list() == [2, 1, 1, 2, 2]


def test_classes_by_share_and_ties_at_a_boundary():
    data = frame(x=[float(v) for v in range(10, 0, -1)])
    spec = {
        "criteria": [{"column": "x", "weight": 1}],
        "classes": {"by": "share", "bounds": {"A": 0.3, "B": 0.7, "C": 0.95}},
    }
    assert score(data, spec)["class"].to_list() == list("AAABBBBCCD")
    # rows 3 and 4 tie: the tie sits at positions 3–4, past 30 %, so both are B
    tied = frame(x=[10.0, 9.0, 8.0, 8.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0])
    out = score(tied, spec)
    assert out["rank"].to_list()[:4] == [1, 2, 3, 3]
    assert out["class"].to_list() == list("AABBBBBCCD")


def test_classes_by_score():
    data = frame(x=[85.0, 84.99, 70.0, 60.0, 59.0])
    spec = {
        "total": 1,
        "criteria": [{"column": "x", "weight": 1, "normalize": "none"}],
        "classes": {"by": "score", "bounds": {"A": 85, "B": 70, "C": 60}},
    }
    assert score(data, spec)["class"].to_list() == ["A", "B", "B", "C", "D"]


def test_classes_within_groups():
    data = frame(x=[4.0, 3.0, 2.0, 1.0, 9.0, 8.0], g=["a", "a", "a", "a", "b", "b"])
    spec = {
        "criteria": [{"column": "x", "weight": 1}],
        "group_by": "g",
        "classes": {"by": "share", "bounds": {"A": 0.5}, "rest": "B"},
    }
    assert score(data, spec)["class"].to_list() == ["A", "A", "B", "B", "A", "B"]


def test_exempt_rows_are_not_ranked_graded_or_used_for_statistics():
    data = frame(x=[100.0, 1.0, 2.0, 3.0], t=[1, 0, 0, 0])
    spec = {
        "criteria": [{"column": "x", "weight": 1}],
        "exempt": "t",
        "classes": {"by": "share", "bounds": {"A": 0.34, "B": 0.67}, "rest": "C"},
    }
    out = score(data, spec)
    # min and max come from the three graded rows (1..3): the exempt row scores (100−1)/2
    assert out["score"].to_list() == [49.5, 0.0, 0.5, 1.0]
    assert out["rank"].to_list() == [None, 3, 2, 1]
    assert out["class"].to_list() == [None, "C", "B", "A"]
    labelled = score(data, {**spec, "classes": {**spec["classes"], "exempt_label": "T"}})
    assert labelled["class"].to_list() == ["T", "C", "B", "A"]


def test_missing_values_rules():
    data = frame(x=[1.0, 3.0, None], y=[2.0, 4.0, 6.0])
    base = [{"column": "y", "weight": 0.5, "normalize": "ratio", "benchmark": 2}]
    with pytest.raises(InputError, match=r"column 'x': empty value in data row 3"):
        score(
            data, {"criteria": [{"column": "x", "weight": 0.5, "normalize": "ratio", "benchmark": 1}, *base]}
        )
    mean = {"column": "x", "weight": 0.5, "normalize": "ratio", "benchmark": 1, "missing": "mean_score"}
    out = score(data, {"criteria": [mean, *base]}, explain=True)
    assert out["contrib_x"].to_list() == [0.5, 1.5, 1.0]
    zero = {**mean, "missing": "zero"}
    assert score(data, {"criteria": [zero, *base]}, explain=True)["contrib_x"].to_list() == [0.5, 1.5, 0.0]


def test_bad_data_names_rows_and_columns():
    data = frame(x=["1", "two", "3", "x"], y=[1.0, 2.0, 3.0, 4.0])
    spec = {"criteria": [{"column": "x", "weight": 0.5}, {"column": "y", "weight": 0.5}]}
    with pytest.raises(InputError, match=r"column 'x': not a number in data rows 2, 4"):
        score(data, spec)
    with pytest.raises(InputError, match=r"missing column 'z'"):
        score(data, {"criteria": [{"column": "z", "weight": 1}]})
    numbers_as_text = frame(x=["1", " 2 ", "3"])
    np.testing.assert_allclose(
        score(numbers_as_text, {"criteria": [{"column": "x", "weight": 1}]})["score"].to_numpy(), [0, 0.5, 1]
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"criteria": []}, "non-empty list"),
        ({"criteria": [{"column": "x"}]}, "fixed needs a weight"),
        ({"method": "ahp", "criteria": ["x"]}, "spec.method"),
        ({"weights": "equal", "criteria": ["x"]}, "spec.weights"),
        ({"criteria": [{"column": "x", "weight": 1, "direction": "up"}]}, "benefit or cost"),
        ({"criteria": [{"column": "x", "weight": 1, "normalise": "minmax"}]}, "unknown key"),
        ({"criteria": [{"column": "x", "weight": 1}], "colour": 1}, "unknown key"),
        ({"method": "topsis", "criteria": [{"column": "x", "weight": 1, "normalize": "minmax"}]}, "vector"),
        (
            {
                "criteria": [{"column": "x", "weight": 1}],
                "classes": {"by": "share", "bounds": {"A": 0.7, "B": 0.3}},
            },
            "increase",
        ),
        (
            {
                "criteria": [{"column": "x", "weight": 1}],
                "classes": {"by": "score", "bounds": {"A": 60, "B": 80}},
            },
            "decrease",
        ),
        ({"criteria": [{"column": "x", "weight": -1}]}, "≥ 0"),
    ],
)
def test_bad_specs_are_refused(spec, message):
    with pytest.raises(InputError, match=message):
        ScoreSpec.from_dict(spec)


def test_output_columns_must_not_clash_with_input():
    with pytest.raises(InputError, match="already has column"):
        score(frame(x=[1.0, 2.0], score=[0, 0]), {"criteria": [{"column": "x", "weight": 1}]})


def test_id_column_must_be_unique_and_filled():
    spec = {"id_column": "id", "criteria": [{"column": "x", "weight": 1}]}
    with pytest.raises(InputError, match=r"column 'id': repeated ids \(the first is .a.\) in data rows 1, 3"):
        score(frame(id=["a", "b", "a"], x=[1.0, 2.0, 3.0]), spec)
    with pytest.raises(InputError, match=r"column 'id': empty id in data row 2"):
        score(frame(id=["a", None, "c"], x=[1.0, 2.0, 3.0]), spec)


def test_topsis_spec_with_exempt_rows_uses_the_graded_rows_for_the_ideal_points():
    data = frame(x=[3.0, 4.0, 0.0, 100.0], y=[4.0, 3.0, 0.0, 100.0], t=[0, 0, 0, 1])
    spec = {
        "method": "topsis",
        "exempt": "t",
        "criteria": [{"column": "x", "weight": 0.5}, {"column": "y", "weight": 0.5}],
    }
    out = score(data, spec)
    # the graded rows are the worked example above: 5/6, 5/6, 0
    np.testing.assert_allclose(out["score"].to_numpy()[:3], [5 / 6, 5 / 6, 0.0], rtol=1e-14)
    assert out["rank"].to_list() == [1, 1, 3, None]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=-5, max_value=5), min_size=1, max_size=40))
def test_rank_is_one_plus_the_number_of_better_scores(values):
    scores = np.array(values, dtype=float)
    expected = [1 + int((scores > s).sum()) for s in scores]
    assert rank(scores).tolist() == expected


def test_veto_ranks_last_and_gets_the_lowest_class():
    data = frame(x=[9.0, 5.0, 7.0, 1.0], accident=["是", "否", "", "否"])
    spec = {
        "criteria": [{"column": "x", "weight": 1}],
        "veto": "accident",
        "classes": {"by": "share", "bounds": {"A": 0.25, "B": 0.75}, "rest": "C"},
    }
    out = score(data, spec)
    # row 1 has the best score but a veto: below the others, class C
    assert out["rank"].to_list() == [4, 2, 1, 3]
    assert out["class"].to_list() == ["C", "B", "A", "B"]
