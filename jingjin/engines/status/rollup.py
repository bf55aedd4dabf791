"""Roll-up task → measure → action → plan over a tree of any depth (加权汇总, 状态汇总).

Weighted means of progress or scores (:func:`rollup`) and status distributions with the
worst status (:func:`rollup_status`). Formulas: ``docs/engines/status.md``.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import polars as pl

from jingjin.engines._lazy import compiled_module
from jingjin.engines.scoring import InputError, numeric_column, rows_text
from jingjin.engines.status._inputs import _require
from jingjin.engines.status.codes import STATUS_LABELS, Status


def _tree(nodes: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each node's parent row (−1 for a root) and depth (0 for a root); checks ids and cycles."""
    _require(nodes, ("id", "parent_id"), "nodes")
    ids = nodes.get_column("id")
    bad = (ids.is_null() | ids.is_duplicated()).to_numpy()
    if bad.any():
        raise InputError(f"nodes: empty or repeated id in {rows_text(bad)}")
    parents = nodes.get_column("parent_id")
    if parents.dtype != ids.dtype:
        parents = parents.cast(ids.dtype, strict=False)
    index = pl.DataFrame({"parent": ids, "p": np.arange(nodes.height)})
    parent = (
        pl.DataFrame({"parent": parents})
        .join(index, on="parent", how="left", maintain_order="left")
        .get_column("p")
    )
    orphan = (parent.is_null() & nodes.get_column("parent_id").is_not_null()).to_numpy()
    if orphan.any():
        raise InputError(f"nodes: parent_id is not the id of a node in {rows_text(orphan)}")
    up = np.asarray(parent.fill_null(-1).to_numpy(), dtype=np.int64)
    return up, _depths(up)


def _depths(up: np.ndarray) -> np.ndarray:
    """Depth of each node (0 for a root) from the parent rows ``up`` (−1 for a root); checks cycles."""
    depth = np.zeros(len(up), dtype=np.int64)
    ancestor = up.copy()
    for _ in range(len(up)):
        active = ancestor >= 0
        if not active.any():
            break
        depth[active] += 1
        ancestor[active] = up[ancestor[active]]
    if (ancestor >= 0).any():
        raise InputError(
            f"nodes: parent_id forms a cycle in {rows_text(ancestor >= 0)} (the cycle and the nodes under it)"
        )
    return depth


def rollup(
    nodes: pl.DataFrame,
    *,
    value: str = "value",
    missing: Literal["exclude", "zero"] = "exclude",
) -> pl.DataFrame:
    """Weighted roll-up of progress or scores up a tree of any depth (加权汇总).

    ``nodes``: ``id`` (unique over all levels, e.g. "task:12"), ``parent_id`` (empty for a
    root), ``weight`` (≥ 0; empty or a missing column = 1) and the ``value`` column (the own
    value of leaves; a node with children gets the roll-up of its children, its own value is
    not used). Bottom-up, for a parent with children c:

        V = Σ w_c V_c / Σ w_c     over the children that have a value
        C = Σ w_c C_c / Σ w_c     over all children (coverage; a leaf: 1 with a value, 0 without)

    so the weights are renormalised among the children with a value and ``coverage`` says which
    share of the weight stands behind the figure. With ``missing="zero"`` a child without a
    value counts as 0 instead. If all of a parent's children weigh 0 they count equally. A
    parent none of whose children has a value gets no value (``missing="exclude"``).

    Returns ``nodes`` with ``depth`` (root 0), ``children`` (number), ``rollup`` (Float64) and
    ``coverage`` (Float64, 0–1). Raises InputError naming the rows for repeated ids, unknown
    parents, cycles, negative weights and non-numeric values.
    """
    if missing not in ("exclude", "zero"):
        raise InputError(f"missing must be 'exclude' or 'zero', not {missing!r}")
    up, depth = _tree(nodes)
    weight = (
        numeric_column(nodes, "weight", allow_null=True, minimum=0.0)
        if "weight" in nodes.columns
        else np.ones(nodes.height)
    )
    own = numeric_column(nodes, value, allow_null=True)
    children = np.bincount(up[up >= 0], minlength=nodes.height)
    rolled, covered = _rollup_levels(up, depth, weight, own[:, None], missing)
    result, coverage = rolled[:, 0], covered[:, 0]
    return nodes.with_columns(
        pl.Series("depth", depth, dtype=pl.Int64),
        pl.Series("children", children, dtype=pl.Int64),
        pl.Series("rollup", result, dtype=pl.Float64, nan_to_null=True),
        pl.Series("coverage", coverage, dtype=pl.Float64),
    )


def rollup_matrix(
    parent: np.ndarray,
    weight: np.ndarray,
    values: np.ndarray,
    *,
    missing: Literal["exclude", "zero"] = "exclude",
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`rollup` of k value columns at once (e.g. one per month), on arrays.

    ``parent``: for each of the n nodes the row of its parent (−1 for a root); ``weight``: n
    weights (≥ 0; NaN = 1); ``values``: n × k own values of the leaves (NaN = no value; the own
    values of nodes with children are not used). Returns (roll-up, coverage), each n × k, by the
    formulas of :func:`rollup` column by column — the same numbers :func:`rollup` gives for each
    column. Raises InputError for a parent row out of range, a cycle or a negative weight.
    """
    if missing not in ("exclude", "zero"):
        raise InputError(f"missing must be 'exclude' or 'zero', not {missing!r}")
    up = np.asarray(parent, dtype=np.int64).ravel()
    n = len(up)
    matrix = np.asarray(values, dtype=np.float64).reshape(n, -1)
    w = np.asarray(weight, dtype=np.float64).ravel()
    if len(w) != n:
        raise InputError(f"weight: {len(w)} values for {n} nodes")
    bad = (up < -1) | (up >= n)
    if bad.any():
        raise InputError(f"parent: not a node row in {rows_text(bad)}")
    if (w < 0).any():
        raise InputError(f"weight: negative in {rows_text(w < 0)}")
    return _rollup_levels(up, _depths(up), w, matrix, missing)


#: Which path computes the roll-up: ``"numba"`` (:mod:`jingjin.engines.status._compiled`, the
#: default) or ``"numpy"`` (the reference path, also used without numba). Both give the same
#: numbers to the last bit (``tests/engines/status/test_rollup.py``).
KERNEL = "numba"


def _compiled() -> Any:
    """The numba module, or None without numba (:func:`jingjin.engines._lazy.compiled_module`)."""
    return compiled_module("jingjin.engines.status._compiled")


def prepare() -> None:
    """Import numba and load the compiled roll-up (or compile it into numba's cache) now, on a
    tree of two nodes, instead of in the first request that rolls up: ``jingjin/wsgi.py`` calls
    it at start-up, ``jingjin.numba_cache.warm`` after an install."""
    rollup_matrix(np.array([-1, 0]), np.ones(2), np.ones((2, 1)))


def _rollup_levels(
    up: np.ndarray, depth: np.ndarray, weight: np.ndarray, own: np.ndarray, missing: str
) -> tuple[np.ndarray, np.ndarray]:
    """The bottom-up pass of :func:`rollup` over the n × k matrix ``own``; (roll-up, coverage).
    By the compiled loop where :data:`KERNEL` says so and numba is there, else by numpy."""
    weight = np.where(np.isnan(weight), 1.0, weight)
    compiled = _compiled() if KERNEL == "numba" else None
    if compiled is not None:
        # One type of array for numba whatever the source (C order, writable: a read-only view
        # of polars' would be another signature, compiled in the request that first met it).
        return compiled.rollup_levels(
            np.require(up, np.int64, ("C", "W")),
            np.require(depth, np.int64, ("C", "W")),
            np.require(weight, np.float64, ("C", "W")),
            np.require(own, np.float64, ("C", "W")),
            missing == "zero",
        )
    return _rollup_levels_numpy(up, depth, weight, own, missing)


def _rollup_levels_numpy(
    up: np.ndarray, depth: np.ndarray, weight: np.ndarray, own: np.ndarray, missing: str
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_rollup_levels` by numpy, level by level (``weight`` without NaN)."""
    n = len(up)
    children = np.bincount(up[up >= 0], minlength=n)
    leaf = (children == 0)[:, None]
    result = np.where(leaf, own, np.nan)
    coverage = np.where(leaf & ~np.isnan(own), 1.0, 0.0)
    k = own.shape[1]
    columns = np.arange(k, dtype=np.int64)
    for level in range(int(depth.max(initial=0)), 0, -1):
        kids = np.flatnonzero(depth == level)
        p = up[kids]
        w = weight[kids]
        w = np.where(np.bincount(p, w, minlength=n)[p] == 0, 1.0, w)  # all zero → equal
        v = result[kids]
        if missing == "zero":
            v = np.nan_to_num(v)
        has = ~np.isnan(v)
        # one bincount over (parent, column) cells: each cell adds its children in row order,
        # exactly as a bincount per column would. A child without a value adds 0.0 instead of
        # being left out: the same sums to the last bit (a bincount's sums start at +0.0 and so
        # are never -0.0, and s + 0.0 is s), without three copies through the mask
        cell = (p[:, None] * k + columns).ravel()
        wk = w[:, None]
        weighted = np.where(has, wk * v, 0.0).ravel()
        numerator = np.bincount(cell, weighted, minlength=n * k).reshape(n, k)
        denominator = np.bincount(cell, np.where(has, wk, 0.0).ravel(), minlength=n * k).reshape(n, k)
        total = np.bincount(p, w, minlength=n)
        covered = np.bincount(cell, (wk * coverage[kids]).ravel(), minlength=n * k).reshape(n, k)
        parents = np.unique(p)
        with np.errstate(invalid="ignore", divide="ignore"):
            result[parents] = np.where(
                denominator[parents] > 0, numerator[parents] / denominator[parents], np.nan
            )
            coverage[parents] = np.where(
                total[parents, None] > 0, covered[parents] / total[parents, None], 0.0
            )
    return result, coverage


_STATUS_ORDER = (
    Status.ON_TRACK,
    Status.BEHIND,
    Status.FAR_BEHIND,
    Status.DONE,
    Status.OVERDUE,
    Status.UNKNOWN,
)
_STATUS_KEYS = {int(code): STATUS_LABELS[code][0].replace(" ", "_") for code in _STATUS_ORDER}


def rollup_status(nodes: pl.DataFrame, *, status: str = "status") -> pl.DataFrame:
    """Status distribution and worst status of the leaves (tasks) under each node (状态汇总).

    ``nodes``: ``id``, ``parent_id`` and the ``status`` column (:class:`Status` codes; the
    leaves' are used, empty = unknown). For every node, over the leaves below it (a leaf:
    itself): ``leaves``, ``n_<status>`` and ``share_<status>`` = n_<status> / leaves for
    done, on_track, behind, far_behind, overdue, unknown (shares sum to 1; 0 with no leaves),
    and ``worst_status`` = the maximum code (:class:`Status` is ordered by severity: overdue >
    far behind > behind > on track > done > unknown; unknown only when nothing else is known).
    Returns ``nodes`` with ``depth``, ``children`` and those columns.
    """
    up, depth = _tree(nodes)
    raw = numeric_column(nodes, status, allow_null=True)
    valid = np.isnan(raw) | np.isin(raw, [int(code) for code in Status])
    if not valid.all():
        raise InputError(f"column '{status}': not a status code (−1 to 4) in {rows_text(~valid)}")
    n = nodes.height
    children = np.bincount(up[up >= 0], minlength=n)
    leaf = children == 0
    code = np.where(np.isnan(raw), Status.UNKNOWN, raw).astype(np.int64)
    counts = np.zeros((n, len(Status)), dtype=np.int64)
    counts[np.flatnonzero(leaf), code[leaf] + 1] = 1  # column j holds code j − 1
    worst = np.where(leaf, code, Status.UNKNOWN)
    for level in range(int(depth.max(initial=0)), 0, -1):
        kids = np.flatnonzero(depth == level)
        np.add.at(counts, up[kids], counts[kids])
        np.maximum.at(worst, up[kids], worst[kids])
    leaves = counts.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(leaves[:, None] > 0, counts / leaves[:, None], 0.0)
    columns = [
        pl.Series("depth", depth, dtype=pl.Int64),
        pl.Series("children", children, dtype=pl.Int64),
        pl.Series("leaves", leaves, dtype=pl.Int64),
    ]
    for code_value, key in _STATUS_KEYS.items():
        columns.append(pl.Series(f"n_{key}", counts[:, code_value + 1], dtype=pl.Int64))
    for code_value, key in _STATUS_KEYS.items():
        columns.append(pl.Series(f"share_{key}", shares[:, code_value + 1], dtype=pl.Float64))
    columns.append(pl.Series("worst_status", worst, dtype=pl.Int8))
    return nodes.with_columns(columns)
