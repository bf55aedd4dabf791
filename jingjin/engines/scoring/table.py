"""Scoring a table under a :class:`~jingjin.engines.scoring.spec.ScoreSpec`: :func:`score`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from jingjin.engines.scoring._inputs import InputError, check_ids, flag_column, numeric_column, rows_text
from jingjin.engines.scoring.mcda import TopsisParts, _grouped_rank, entropy_weights, topsis_parts
from jingjin.engines.scoring.normalization import normalize
from jingjin.engines.scoring.spec import Adjustment, Gate, ScoreSpec


@dataclass(frozen=True)
class ScoreResult:
    """Everything :func:`score_arrays` computed, row-aligned with the input."""

    score: np.ndarray  # final score (NaN where not scored)
    rank: np.ndarray  # float ranks, NaN for exempt / unscored rows
    class_code: np.ndarray  # index into class_labels, -1 = no class
    class_labels: tuple[str, ...]
    items: dict[str, np.ndarray]  # weighted_sum: contribution of each criterion; topsis: v_ij
    weights: dict[str, float]
    bonus: np.ndarray
    deduct: np.ndarray
    gate_pass: np.ndarray | None
    d_best: np.ndarray | None = None
    d_worst: np.ndarray | None = None


def _gate_mask(frame: pl.DataFrame, gate: Gate) -> np.ndarray:
    if gate.column not in frame.columns:
        raise InputError(f"missing column '{gate.column}' (gate)")
    series = frame.get_column(gate.column)
    if isinstance(gate.value, str) and not series.dtype.is_numeric():
        left = series.cast(pl.String)
        right: Any = gate.value
    else:
        left = pl.Series(numeric_column(frame, gate.column, allow_null=True), nan_to_null=True)
        right = float(gate.value)
    expr = {
        ">=": left >= right,
        ">": left > right,
        "<=": left <= right,
        "<": left < right,
        "==": left == right,
        "!=": left != right,
    }[gate.op]
    return np.asarray(expr.fill_null(False).to_numpy(), dtype=bool)


def score_arrays(
    data: pl.DataFrame,
    spec: ScoreSpec,
    *,
    scored: np.ndarray | None = None,
    arrays: Mapping[str, np.ndarray] | None = None,
) -> ScoreResult:
    """Score every row of ``data`` under ``spec``; see :func:`score` for the rules.

    ``scored`` (boolean mask) restricts scoring to some rows (the others get NaN and no
    rank or class); :mod:`jingjin.engines.land` uses it for scheme segments. ``arrays``
    supplies criterion columns already computed as float arrays (NaN = empty), row-aligned
    with ``data``; the other columns are read from ``data``.
    """
    n = data.height
    if spec.id_column:
        check_ids(data, spec.id_column)
    active = np.ones(n, bool) if scored is None else np.asarray(scored, bool)
    exempt = flag_column(data, spec.exempt) & active if spec.exempt else np.zeros(n, bool)
    population = active & ~exempt
    raw = _raw_criteria(data, spec, active, arrays)
    parts: TopsisParts | None = None
    if spec.method == "weighted_sum":
        items, base, w = _weighted_sum(spec, raw, active, population)
    else:
        items, base, w, parts = _topsis(spec, raw, active, population)

    bonus = _adjustment_total(data, spec.bonus)
    deduct = _adjustment_total(data, spec.deduct)
    all_active = bool(active.all())
    final = base if all_active or spec.method == "weighted_sum" else np.where(active, base, np.nan)
    if spec.bonus or spec.deduct:
        final = final + bonus - deduct

    gate_pass: np.ndarray | None = None
    if spec.gates:
        gate_pass = np.ones(n, bool)
        for g in spec.gates:
            gate_pass &= _gate_mask(data, g)
    ranks, codes, labels = _rank_and_grade(data, spec, final, population, exempt, gate_pass)
    weights = {c.item: float(w[j]) for j, c in enumerate(spec.criteria)}
    return ScoreResult(
        score=final,
        rank=ranks,
        class_code=codes,
        class_labels=labels,
        items=items,
        weights=weights,
        bonus=bonus,
        deduct=deduct,
        gate_pass=gate_pass,
        d_best=None if parts is None else parts.d_best,
        d_worst=None if parts is None else parts.d_worst,
    )


def _raw_criteria(
    data: pl.DataFrame, spec: ScoreSpec, active: np.ndarray, arrays: Mapping[str, np.ndarray] | None
) -> dict[str, np.ndarray]:
    """Each criterion's values as floats (NaN = empty); an empty value where ``missing: error``
    is refused naming its rows."""
    raw: dict[str, np.ndarray] = {}
    for c in spec.criteria:
        if arrays is not None and c.column in arrays:
            values = np.asarray(arrays[c.column], dtype=np.float64)
        else:
            values = numeric_column(data, c.column, allow_null=True)
        empty = np.isnan(values) & active
        if c.missing == "error" and empty.any():
            raise InputError(f"column '{c.column}': empty value in {rows_text(empty)}")
        raw[c.item] = values
    return raw


def _fixed_weights(spec: ScoreSpec) -> np.ndarray:
    w = np.array([c.weight or 0.0 for c in spec.criteria])
    return w * (spec.total / w.sum()) if spec.normalize_weights else w


def _weighted_sum(
    spec: ScoreSpec, raw: dict[str, np.ndarray], active: np.ndarray, population: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Items (w_j n_ij), base score and weights of the weighted sum.

    It runs on the scored rows only (all rows, or a segment's rows); the checks that name rows
    are made on the full arrays.
    """
    n = active.size
    all_active = bool(active.all())

    def take(a: np.ndarray) -> np.ndarray:
        return a if all_active else a[active]

    def spread(a: np.ndarray) -> np.ndarray:
        if all_active:
            return a
        out = np.full(n, np.nan)
        out[active] = a
        return out

    pop = take(population)
    normalised: dict[str, np.ndarray] = {}
    for c in spec.criteria:
        method = c.normalize or "minmax"
        if method == "ratio" and c.direction == "cost":
            zero = active & (raw[c.item] == 0)
            if zero.any() and c.cap is None:
                raise InputError(
                    f"column '{c.column}': zero denominator (cost ratio benchmark / value) in "
                    f"{rows_text(zero)}; set a cap"
                )
        values = take(raw[c.item])
        r = normalize(
            values,
            method,
            benefit=c.direction == "benefit",
            benchmark=c.benchmark,
            cap=c.cap,
            target=c.target,
            population=pop & ~np.isnan(values),
            column=c.column,
        )
        gap = np.isnan(r)
        if gap.any():
            known = pop & ~gap
            r[gap] = 0.0 if c.missing == "zero" or not known.any() else float(np.mean(r[known]))
        normalised[c.item] = r
    if spec.weights == "entropy":
        matrix = np.column_stack([normalised[c.item][pop] for c in spec.criteria])
        if (matrix < 0).any():
            col = spec.criteria[int(np.nonzero((matrix < 0).any(axis=0))[0][0])].column
            raise InputError(f"column '{col}': entropy weights need normalised values ≥ 0 (not zscore)")
        w = entropy_weights(matrix) * spec.total if matrix.shape[0] else np.zeros(len(spec.criteria))
    else:
        w = _fixed_weights(spec)
    items: dict[str, np.ndarray] = {}
    base_rows = np.zeros(int(active.sum()))
    for j, c in enumerate(spec.criteria):
        contribution = normalised[c.item]  # a fresh array from normalize(): scaled in place
        contribution *= w[j]
        base_rows += contribution
        items[c.item] = spread(contribution)
    return items, spread(base_rows), w


def _topsis(
    spec: ScoreSpec, raw: dict[str, np.ndarray], active: np.ndarray, population: np.ndarray
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, TopsisParts]:
    """Items (v_ij), base score, weights and the distances of TOPSIS."""
    matrix = np.column_stack([raw[c.item] for c in spec.criteria])
    matrix = np.where(active[:, None], matrix, 0.0)
    if spec.weights == "entropy":
        ref = matrix[population]
        if (ref < 0).any():
            col = spec.criteria[int(np.nonzero((ref < 0).any(axis=0))[0][0])].column
            raise InputError(f"column '{col}': entropy weights need values ≥ 0")
        w = entropy_weights(ref) * spec.total if ref.shape[0] else np.zeros(len(spec.criteria))
    else:
        w = _fixed_weights(spec)
    if not population.any():
        raise InputError("no rows to score (every row is exempt)")
    parts = topsis_parts(matrix, w, [c.direction == "benefit" for c in spec.criteria], population)
    items = {c.item: matrix[:, j] * parts.scale[j] for j, c in enumerate(spec.criteria)}
    return items, parts.score.copy(), w, parts


def _adjustment_total(data: pl.DataFrame, adjustments: tuple[Adjustment, ...]) -> np.ndarray:
    total = np.zeros(data.height)
    for a in adjustments:
        values = np.nan_to_num(numeric_column(data, a.column, allow_null=True), nan=0.0)
        total += values if a.cap is None else np.minimum(values, a.cap)
    return total


def _rank_and_grade(
    data: pl.DataFrame,
    spec: ScoreSpec,
    final: np.ndarray,
    population: np.ndarray,
    exempt: np.ndarray,
    gate_pass: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Ranks within the ``group_by`` groups (gate-passers first) and class codes and labels."""
    n = data.height
    if spec.group_by:
        if spec.group_by not in data.columns:
            raise InputError(f"missing column '{spec.group_by}' (group_by)")
        groups = data.get_column(spec.group_by).rank("dense").fill_null(0).to_numpy().astype(np.int64)
    else:
        groups = np.zeros(n, np.int64)
    ranks = np.full(n, np.nan)
    codes = np.full(n, -1, np.int64)
    labels: tuple[str, ...] = ()
    idx = np.flatnonzero(population)
    fail = np.zeros(idx.size, bool) if gate_pass is None else ~gate_pass[idx]
    vetoed = flag_column(data, spec.veto)[idx] if spec.veto else np.zeros(idx.size, bool)
    fail |= vetoed
    low, high, size = _grouped_rank(final[idx], groups[idx], fail)
    ranks[idx] = low
    if spec.classes is not None:
        cl = spec.classes
        labels = (*(b[0] for b in cl.bounds), cl.rest)
        if cl.exempt_label is not None:
            labels = (*labels, cl.exempt_label)
            codes[exempt] = len(labels) - 1
        chosen = np.full(idx.size, len(cl.bounds), np.int64)
        if cl.by == "share":
            share = high / size
            for k in range(len(cl.bounds) - 1, -1, -1):
                chosen[share <= cl.bounds[k][1] + 1e-12] = k
        else:
            for k in range(len(cl.bounds) - 1, -1, -1):
                chosen[final[idx] >= cl.bounds[k][1]] = k
        chosen[vetoed] = len(cl.bounds)  # a veto (一票否决) gives the lowest class
        codes[idx] = chosen
    return ranks, codes, labels


def class_series(result: ScoreResult, name: str = "class") -> pl.Series:
    """The class column (strings, null where not graded)."""
    mapping = dict(enumerate(result.class_labels))
    return pl.Series(name, result.class_code).replace_strict(mapping, default=None, return_dtype=pl.String)


def rank_series(result: ScoreResult, name: str = "rank") -> pl.Series:
    """The rank column (Int64, null where not ranked)."""
    return pl.Series(name, result.rank, nan_to_null=True).cast(pl.Int64)


def score(data: pl.DataFrame, spec: ScoreSpec | Mapping[str, Any], *, explain: bool = False) -> pl.DataFrame:
    """Score, rank and grade the rows of ``data`` under ``spec`` (a :class:`ScoreSpec` or its dict form).

    Steps: each criterion is normalised (:func:`normalize`; statistics over the rows that
    are not exempt) → weighted (fixed weights, or :func:`entropy_weights` on the normalised
    matrix, the raw matrix for TOPSIS) → combined by ``weighted_sum`` (Σ_j w_j n_ij) or
    ``topsis`` (:func:`topsis`) → bonus columns added and deduction columns subtracted →
    ranked within ``group_by`` groups (gate-passers first, ties share the smallest rank) →
    graded into classes. Exempt rows keep their score but get no rank and no class (or the
    ``exempt_label`` class).

    Returns ``data`` with ``score`` (float64, full precision) and ``rank`` (Int64) added,
    ``class`` when the spec has classes and ``gate_pass`` when it has gates. With
    ``explain``: ``contrib_<item>`` per criterion (weighted_sum: w_j n_ij, which sum to the
    score before bonus and deduction; topsis: the weighted normalised value v_ij, with
    ``d_best`` and ``d_worst``), plus ``bonus_total`` and ``deduct_total``.
    """
    return score_details(data, spec, explain=explain)[0]


def score_details(
    data: pl.DataFrame, spec: ScoreSpec | Mapping[str, Any], *, explain: bool = False
) -> tuple[pl.DataFrame, ScoreResult]:
    """:func:`score` and the :class:`ScoreResult` behind it (weights used, items, gates)."""
    if not isinstance(spec, ScoreSpec):
        spec = ScoreSpec.from_dict(spec)
    result = score_arrays(data, spec)
    added: list[pl.Series] = [pl.Series("score", result.score, nan_to_null=True), rank_series(result)]
    if spec.classes is not None:
        added.append(class_series(result))
    if result.gate_pass is not None:
        added.append(pl.Series("gate_pass", result.gate_pass))
    if explain:
        added += [pl.Series(f"contrib_{k}", v) for k, v in result.items.items()]
        if result.d_best is not None and result.d_worst is not None:
            added += [pl.Series("d_best", result.d_best), pl.Series("d_worst", result.d_worst)]
        added += [pl.Series("bonus_total", result.bonus), pl.Series("deduct_total", result.deduct)]
    clash = [s.name for s in added if s.name in data.columns]
    if clash:
        raise InputError(f"the input already has column(s) {', '.join(clash)}; rename them")
    return data.with_columns(added), result
