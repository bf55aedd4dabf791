"""Weighted roll-up task → measure → action → plan, and the roll-up of statuses.

The tree used below (weights in brackets, leaf values after the colon):

    P
    ├── A1 [2]
    │   └── M1 [1]
    │       ├── T1 [3]: 80
    │       └── T2 [1]: —        (no report)
    └── A2 [1]
        ├── T3 [—, counts 1]: 40  (a task directly under an action)
        └── M2 [1]: 70            (a measure without tasks: a leaf with its own value)

M1 = 80 (T2 excluded), coverage 3/4; A1 = 80, coverage 3/4; A2 = (40 + 70) / 2 = 55, coverage 1;
P = (2 × 80 + 1 × 55) / 3 = 71.667, coverage (2 × 0.75 + 1 × 1) / 3 = 0.8333.
With missing = "zero": M1 = (3 × 80 + 1 × 0) / 4 = 60 = A1; P = (2 × 60 + 55) / 3 = 58.333.
"""

from __future__ import annotations

import importlib

import numpy as np
import polars as pl
import pytest

from jingjin.engines.scoring import InputError
from jingjin.engines.status import Status, rollup, rollup_matrix, rollup_status

rollup_module = importlib.import_module("jingjin.engines.status.rollup")


@pytest.fixture(autouse=True, params=["numba", "numpy"])
def kernel(request, monkeypatch):
    """Every test of this module on both paths of the roll-up: the compiled loop and numpy's."""
    monkeypatch.setattr(rollup_module, "KERNEL", request.param)
    return request.param


def tree() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "id": ["P", "A1", "A2", "M1", "T1", "T2", "T3", "M2"],
            "parent_id": [None, "P", "P", "A1", "M1", "M1", "A2", "A2"],
            "weight": [1.0, 2.0, 1.0, 1.0, 3.0, 1.0, None, 1.0],
            "value": [None, 999.0, None, None, 80.0, None, 40.0, 70.0],  # A1's own 999 is not used
            "status": [None, None, None, None, 1, 3, 0, None],
        }
    )


def by_id(frame: pl.DataFrame) -> dict[str, dict[str, object]]:
    return frame.rows_by_key("id", named=True, unique=True)


def test_worked_example_exclude():
    out = rollup(tree())
    assert out.columns == [*tree().columns, "depth", "children", "rollup", "coverage"]
    rows = by_id(out)
    expected = {
        "P": (71.6667, 2.5 / 3, 0, 2),
        "A1": (80.0, 0.75, 1, 1),
        "A2": (55.0, 1.0, 1, 2),
        "M1": (80.0, 0.75, 2, 2),
        "T1": (80.0, 1.0, 3, 0),
        "T3": (40.0, 1.0, 2, 0),
        "M2": (70.0, 1.0, 2, 0),
    }
    for key, (value, coverage, depth, children) in expected.items():
        assert rows[key]["rollup"] == pytest.approx(value, abs=1e-4), key
        assert rows[key]["coverage"] == pytest.approx(coverage), key
        assert (rows[key]["depth"], rows[key]["children"]) == (depth, children), key
    assert rows["T2"]["rollup"] is None
    assert rows["T2"]["coverage"] == 0.0
    assert rows["P"]["rollup"] == pytest.approx(215 / 3)


def test_worked_example_zero():
    rows = by_id(rollup(tree(), missing="zero"))
    assert rows["M1"]["rollup"] == pytest.approx(60.0)
    assert rows["A1"]["rollup"] == pytest.approx(60.0)
    assert rows["P"]["rollup"] == pytest.approx(175 / 3)
    # coverage is the same: it describes the data, not the rule
    assert rows["P"]["coverage"] == pytest.approx(2.5 / 3)
    assert rows["T2"]["rollup"] is None


def test_unequal_weights_change_the_result():
    frame = tree().with_columns(pl.Series("weight", [1.0, 1.0, 3.0, 1.0, 1.0, 1.0, 1.0, 1.0]))
    # now A1 [1] = 80, A2 [3] = 55: P = (80 + 165) / 4 = 61.25
    assert by_id(rollup(frame))["P"]["rollup"] == pytest.approx(61.25)


def test_weights_and_missing_children_edge_cases():
    frame = pl.DataFrame(
        {
            "id": ["X", "x1", "x2", "Y", "y1", "y2", "Z", "z1"],
            "parent_id": [None, "X", "X", None, "Y", "Y", None, "Z"],
            "weight": [1.0, 0.0, 0.0, 1.0, 0.0, 2.0, 1.0, 1.0],
            "value": [None, 10.0, 30.0, None, 10.0, None, None, None],
        }
    )
    rows = by_id(rollup(frame))
    # X: all children weigh 0 → equal weights: (10 + 30) / 2
    assert (rows["X"]["rollup"], rows["X"]["coverage"]) == (pytest.approx(20.0), 1.0)
    # Y: the only child with a value weighs 0, the weighted one has none → no value, coverage 0
    assert (rows["Y"]["rollup"], rows["Y"]["coverage"]) == (None, 0.0)
    # Z: its only child has no value
    assert (rows["Z"]["rollup"], rows["Z"]["coverage"]) == (None, 0.0)
    assert by_id(rollup(frame, missing="zero"))["Z"]["rollup"] == 0.0


def test_no_weight_column_means_equal_weights_and_another_value_column():
    frame = tree().drop("weight").rename({"value": "progress_pct"})
    rows = by_id(rollup(frame, value="progress_pct"))
    # M1 = 80 (T2 excluded), A2 = 55, P = (80 + 55) / 2
    assert rows["P"]["rollup"] == pytest.approx(67.5)


def test_deep_chain_and_integer_ids():
    n = 60
    frame = pl.DataFrame(
        {
            "id": list(range(1, n + 1)),
            "parent_id": [None, *range(1, n)],
            "weight": [1.0] * n,
            "value": [None] * (n - 1) + [42.0],
        }
    )
    out = rollup(frame)
    assert out.get_column("rollup").to_list() == [42.0] * n
    assert out.get_column("depth").to_list() == list(range(n))


def test_many_random_trees_match_a_recursive_definition():
    rng = np.random.default_rng(11)
    n = 400
    parent = [None] + [int(rng.integers(0, i)) for i in range(1, n)]
    weight = rng.uniform(0, 3, n).round(2)
    value = np.where(rng.uniform(size=n) < 0.2, np.nan, rng.uniform(0, 100, n))
    frame = pl.DataFrame(
        {"id": list(range(n)), "parent_id": parent, "weight": weight, "value": value}
    ).with_columns(pl.col("value").fill_nan(None))
    kids: dict[int, list[int]] = {i: [] for i in range(n)}
    for i, p in enumerate(parent):
        if p is not None:
            kids[p].append(i)

    def value_of(i: int) -> float:
        if not kids[i]:
            return float(value[i])
        pairs = [(weight[c], value_of(c)) for c in kids[i]]
        pairs = [(w, v) for w, v in pairs if not np.isnan(v)]
        total = sum(w for w, _ in pairs)
        return sum(w * v for w, v in pairs) / total if total > 0 else float("nan")

    out = rollup(frame).get_column("rollup").fill_null(float("nan")).to_numpy()
    want = np.array([value_of(i) for i in range(n)])
    np.testing.assert_allclose(out, want, rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("weight", [1.0, 2.0, -1.0, 1.0, 3.0, 1.0, None, 1.0], r"'weight': negative value in data row 3\b"),
        (
            "parent_id",
            [None, "P", "P", "A1", "M1", "M9", "A2", "A2"],
            r"parent_id is not the id of a node in data row 6\b",
        ),
        ("parent_id", ["M1", "P", "P", "A1", "M1", "M1", "A2", "A2"], r"cycle in data rows 1, 2, 3, 4"),
        ("parent_id", [None, "A1", "P", "A1", "M1", "M1", "A2", "A2"], r"cycle in data rows 2, 4, 5, 6"),
        ("id", ["P", "A1", "A2", "M1", "T1", "T1", "T3", "M2"], r"repeated id in data rows 5, 6\b"),
        ("value", ["1", "x", *["1"] * 6], r"'value': not a number in data row 2\b"),
    ],
)
def test_bad_input_names_the_rows(column, values, message):
    frame = tree().with_columns(pl.Series(column, values))
    with pytest.raises(ValueError, match=message):
        rollup(frame)


def test_bad_missing_rule_and_missing_column():
    with pytest.raises(ValueError, match="missing"):
        rollup(tree(), missing="mean")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="missing column 'parent_id'"):
        rollup(tree().drop("parent_id"))


def test_empty():
    out = rollup(tree().head(0))
    assert out.height == 0
    assert out.columns[-2:] == ["rollup", "coverage"]
    assert rollup_status(tree().head(0)).height == 0


# --- statuses --------------------------------------------------------------------------------
# Leaves: T1 on track, T2 far behind, T3 done, M2 unknown (no status).


def test_status_rollup_worked_example():
    out = rollup_status(tree())
    rows = by_id(out)
    assert out.schema["worst_status"] == pl.Int8
    # M1 and A1: T1 on track, T2 far behind → half and half, worst far behind
    for key in ("M1", "A1"):
        assert rows[key]["leaves"] == 2
        assert (rows[key]["n_on_track"], rows[key]["n_far_behind"]) == (1, 1)
        assert (rows[key]["share_on_track"], rows[key]["share_far_behind"]) == (0.5, 0.5)
        assert rows[key]["worst_status"] == Status.FAR_BEHIND
    # A2: T3 done and M2 unknown → worst done (unknown does not count as worse)
    assert (rows["A2"]["n_done"], rows["A2"]["n_unknown"], rows["A2"]["worst_status"]) == (1, 1, Status.DONE)
    # P: four leaves, a quarter each of on track, far behind, done, unknown
    assert rows["P"]["leaves"] == 4
    shares = [
        rows["P"][f"share_{k}"] for k in ("on_track", "behind", "far_behind", "done", "overdue", "unknown")
    ]
    assert shares == [0.25, 0.0, 0.25, 0.25, 0.0, 0.25]
    assert rows["P"]["worst_status"] == Status.FAR_BEHIND
    # a leaf: itself
    assert (rows["T2"]["leaves"], rows["T2"]["n_far_behind"], rows["T2"]["worst_status"]) == (
        1,
        1,
        Status.FAR_BEHIND,
    )
    assert rows["M2"]["worst_status"] == Status.UNKNOWN


def test_status_rollup_overdue_is_the_worst():
    frame = tree().with_columns(pl.Series("status", [None, None, None, None, 4, 3, 0, 2]))
    assert by_id(rollup_status(frame))["P"]["worst_status"] == Status.OVERDUE


def test_status_rollup_bad_code_names_the_row():
    frame = tree().with_columns(pl.Series("status", [None, None, None, None, 1, 7, 0, None]))
    with pytest.raises(ValueError, match=r"not a status code .* data row 6\b"):
        rollup_status(frame)


# ------------------------------------------------------------------------------------------
# rollup_matrix: many value columns at once, the same numbers as rollup column by column


def _random_tree(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Parents (−1 for the roots) of a random forest of depth up to 4 and random weights (some 0,
    some NaN, whole zero-weight families)."""
    parent = np.full(n, -1, dtype=np.int64)
    depth = np.zeros(n, dtype=np.int64)
    for i in range(1, n):
        candidates = np.flatnonzero(depth[:i] < 3)
        if rng.random() < 0.1 or not len(candidates):
            continue
        parent[i] = rng.choice(candidates)
        depth[i] = depth[parent[i]] + 1
    weight = rng.choice([0.0, 0.5, 1.0, 2.0, 3.0, np.nan], size=n)
    zero_family = rng.choice(n)
    weight[parent == zero_family] = 0.0
    return parent, weight


@pytest.mark.parametrize("missing", ["exclude", "zero"])
@pytest.mark.parametrize("seed", range(8))
def test_rollup_matrix_equals_rollup_column_by_column(seed, missing):
    rng = np.random.default_rng(seed)
    n, k = 60, 7
    parent, weight = _random_tree(rng, n)
    values = rng.uniform(0, 100, size=(n, k))
    values[rng.random((n, k)) < 0.3] = np.nan
    result, coverage = rollup_matrix(parent, weight, values, missing=missing)
    assert result.shape == coverage.shape == (n, k)
    for j in range(k):
        frame = pl.DataFrame(
            {
                "id": np.arange(n),
                "parent_id": pl.Series([None if p < 0 else int(p) for p in parent], dtype=pl.Int64),
                "weight": pl.Series(weight, nan_to_null=True),
                "value": pl.Series(values[:, j], nan_to_null=True),
            }
        )
        expected = rollup(frame, missing=missing)
        want = expected.get_column("rollup").to_numpy().astype(np.float64)
        # bit for bit, NaN where rollup gives no value
        np.testing.assert_array_equal(result[:, j], want)
        np.testing.assert_array_equal(coverage[:, j], expected.get_column("coverage").to_numpy())


def test_rollup_matrix_worked_example():
    # plan 0 ← measures 1 (weight 3), 2 (weight 1); tasks 3, 4 under 1 (weights 1, 1), 5 under 2.
    parent = np.array([-1, 0, 0, 1, 1, 2])
    weight = np.array([1.0, 3.0, 1.0, 1.0, 1.0, 1.0])
    month1 = [np.nan, np.nan, np.nan, 40.0, np.nan, 80.0]  # task 4 not reported yet
    month2 = [np.nan, np.nan, np.nan, 60.0, 20.0, 100.0]
    result, coverage = rollup_matrix(parent, weight, np.column_stack([month1, month2]))
    # month 1: measure 1 = 40 (coverage 1/2), plan = (3·40 + 1·80) / 4 = 50, coverage (3·½ + 1) / 4
    assert result[:, 0].tolist()[:3] == [50.0, 40.0, 80.0]
    assert coverage[0, 0] == pytest.approx(0.625)
    # month 2: measure 1 = 40, plan = (3·40 + 100) / 4 = 55, full coverage
    assert result[:, 1].tolist()[:3] == [55.0, 40.0, 100.0]
    assert coverage[0, 1] == 1.0


def test_rollup_matrix_refuses_bad_trees():
    with pytest.raises(InputError, match="not a node row"):
        rollup_matrix(np.array([-1, 5]), np.ones(2), np.ones((2, 1)))
    with pytest.raises(InputError, match="cycle"):
        rollup_matrix(np.array([1, 0]), np.ones(2), np.ones((2, 1)))
    with pytest.raises(InputError, match="negative"):
        rollup_matrix(np.array([-1, 0]), np.array([1.0, -1.0]), np.ones((2, 1)))


def _recursive_rollup(parent: np.ndarray, weight: np.ndarray, values: np.ndarray, missing: str) -> tuple:
    """The roll-up of one value column by its definition, node by node (children in row order):
    a leaf's own value (coverage 1 with a value, else 0); a parent's weighted mean of its
    children's values (NaN weights count 1, a family of zero weights counts equal, ``zero``: a
    child without a value counts 0, ``exclude``: it is left out) and the weighted mean of their
    coverage."""
    n = len(parent)
    kids: dict[int, list[int]] = {i: [] for i in range(n)}
    for i, p in enumerate(parent):
        if p >= 0:
            kids[int(p)].append(i)
    w = np.where(np.isnan(weight), 1.0, weight)

    def node(i: int) -> tuple[float, float]:
        if not kids[i]:
            return float(values[i]), 0.0 if np.isnan(values[i]) else 1.0
        children = kids[i]
        weights = [float(w[c]) for c in children]
        if sum(weights) == 0:
            weights = [1.0] * len(children)
        numerator = denominator = covered = 0.0
        for c, wc in zip(children, weights, strict=True):
            value, coverage = node(c)
            if np.isnan(value) and missing == "zero":
                value = 0.0
            if not np.isnan(value):
                numerator += wc * value
                denominator += wc
            covered += wc * coverage
        total = sum(weights)
        return (
            numerator / denominator if denominator > 0 else float("nan"),
            covered / total if total > 0 else 0.0,
        )

    pairs = [node(i) for i in range(n)]
    return np.array([v for v, _ in pairs]), np.array([c for _, c in pairs])


@pytest.mark.parametrize("missing", ["exclude", "zero"])
@pytest.mark.parametrize("seed", range(6))
def test_rollup_matrix_equals_its_definition_bit_for_bit(seed, missing):
    """Each column of :func:`rollup_matrix` is the node-by-node definition, to the last bit (the
    sums run over the children in row order, as the definition's), roll-up and coverage, on
    forests whose levels have few parents among many nodes."""
    rng = np.random.default_rng(100 + seed)
    n, k = 300, 5
    parent, weight = _random_tree(rng, n)
    values = rng.uniform(0, 100, size=(n, k))
    values[rng.random((n, k)) < 0.3] = np.nan
    result, coverage = rollup_matrix(parent, weight, values, missing=missing)
    for j in range(k):
        want, want_coverage = _recursive_rollup(parent, weight, values[:, j], missing)
        np.testing.assert_array_equal(result[:, j], want)
        np.testing.assert_array_equal(coverage[:, j], want_coverage)


def _bits(array: np.ndarray) -> np.ndarray:
    """The bits of each number, every NaN as one (which NaN an operation on two gives is the
    processor's choice)."""
    return np.where(np.isnan(array), np.nan, array).view(np.int64)


@pytest.mark.parametrize("missing", ["exclude", "zero"])
@pytest.mark.parametrize("seed", range(6))
def test_compiled_rollup_equals_the_numpy_path_to_the_last_bit(seed, missing, monkeypatch):
    """The compiled roll-up and numpy's give the same bits (NaN, ±0.0 and infinities included) on
    forests with values of every kind (infinite, −0.0, tiny, huge: ``zero`` takes the infinities
    as numpy's ``nan_to_num`` does), weights 0, NaN, infinite or tiny, whole families of zero
    weights, a chain as deep as the forest and nodes in any order."""
    rng = np.random.default_rng(500 + seed)
    n, k = 400, 9
    parent, weight = _random_tree(rng, n)
    chain = rng.choice(n, size=12, replace=False)  # a chain: each of these under the one before
    parent[chain[0]] = -1
    parent[chain[1:]] = chain[:-1]
    parent[np.isin(parent, chain) & ~np.isin(np.arange(n), chain)] = -1  # no cycle through it
    weight[rng.random(n) < 0.05] = np.inf
    weight[rng.random(n) < 0.05] = 5e-324
    values = rng.uniform(-100, 100, size=(n, k))
    specials = np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 1e308, -1e308, 5e-324])
    where = rng.random((n, k)) < 0.3
    values[where] = rng.choice(specials, size=int(where.sum()))
    monkeypatch.setattr(rollup_module, "KERNEL", "numpy")
    with np.errstate(invalid="ignore", over="ignore"):  # inf × 0 and sums past the largest float
        want = rollup_matrix(parent, weight, values, missing=missing)
    monkeypatch.setattr(rollup_module, "KERNEL", "numba")
    got = rollup_matrix(parent, weight, values, missing=missing)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(_bits(a), _bits(b))


def test_the_compiled_rollup_has_one_signature_whatever_the_arrays(kernel):
    """Read-only, strided or other-typed arrays (polars' views, int32 parents, float32 weights)
    reach numba as the one signature ``make kernels`` compiles: no compilation inside a request."""
    if kernel != "numba":
        pytest.skip("the compiled path only")
    from jingjin.engines.status import _compiled

    values = np.ones((3, 4))[:, ::2]
    values.flags.writeable = False
    rollup_matrix(np.array([-1, 0, 0], dtype=np.int32), np.ones(3, dtype=np.float32), values)
    rollup(pl.DataFrame({"id": [1, 2], "parent_id": [None, 1], "value": [1.0, 2.0]}))
    rollup_module.prepare()
    assert len(_compiled.rollup_levels.signatures) == 1
