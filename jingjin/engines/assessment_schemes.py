"""Configurable assessment schemes (考核方案): normalise, weigh, add bonuses, deduct, gate, rank, list.

Pure numpy: arrays of criterion values and event counts per subject in, scores, ranks and verdicts
out. The Django side (:mod:`jingjin.assessment.scheme_compute`) builds the arrays from the
registry of criterion sources.

Formulas (every score on a 0–100 scale):

* normalisation of one criterion x (nan: the subject has no value):

  ======= ========================================= ==========================================
  method  benefit                                   cost
  ======= ========================================= ==========================================
  none    x (a percentage taken as it is)           100 − x
  minmax  100 (x − min) / (max − min); constant 100 100 (max − x) / (max − min); constant 100
  target  100 min(x / t, 1)                         100 min(t / x, 1); x = 0 gives 100
  rank    100 (n − r) / (n − 1), r the rank of x    the same with the order reversed; n = 1: 100
  ======= ========================================= ==========================================

* base = Σ wᵢ sᵢ / Σ wᵢ over the criteria the subject has a value for (weights renormalised);
* each bonus or deduction rule: points × events, capped at the rule's cap; the bonuses together
  capped at the overall bonus cap, the deductions at the overall deduction cap (扣分封顶);
* total = round(base + bonus − deduction, 2);
* gates: every criterion with a minimum meets it (benefit: x ≥ min; cost: x ≤ min) and
  total ≥ target score → target met;
* rank 1 = best, ties share the smallest rank; red/black as the red/black lists
  (:func:`list_places`, ../shared/REFERENCE.md §9): red = target met, rank ≤ n and in the top half;
  black = target missed, bottom rank ≤ m and in the bottom half.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NORMALISATIONS = ("none", "minmax", "target", "rank")
DIRECTIONS = ("benefit", "cost")
ADJUSTMENT_KINDS = ("bonus", "deduction")


class SchemeError(ValueError):
    """A scheme that cannot be computed (bad weight, target, cap)."""


@dataclass(frozen=True)
class CriterionRule:
    """One criterion row: ``key`` names its values; weight ≥ 0; minimum is the gate (None: none)."""

    key: str
    weight: float
    direction: str = "benefit"
    normalisation: str = "none"
    target: float | None = None
    minimum: float | None = None


@dataclass(frozen=True)
class AdjustmentRule:
    """A bonus (加分) or deduction (扣分) rule: ``points`` per event of ``key``, at most ``cap``."""

    key: str
    kind: str
    points: float
    cap: float | None = None


@dataclass(frozen=True)
class SchemeRule:
    criteria: tuple[CriterionRule, ...]
    adjustments: tuple[AdjustmentRule, ...] = ()
    bonus_cap: float | None = None
    deduction_cap: float | None = None
    red_top_n: int = 0
    black_bottom_m: int = 0
    target_score: float = 0.0


@dataclass
class Evaluation:
    """The result for n subjects (arrays of length n)."""

    scores: dict[str, np.ndarray]  # normalised score per criterion (nan: no value)
    points: dict[str, np.ndarray]  # bonus/deduction points per rule, after its cap
    base: np.ndarray
    bonus: np.ndarray
    deduction: np.ndarray
    total: np.ndarray
    gates_ok: np.ndarray
    target_met: np.ndarray
    ranked: np.ndarray
    rank: np.ndarray  # 0 where not ranked
    bottom_rank: np.ndarray
    verdict: list[str] = field(default_factory=list)  # red / black / none / unranked


def _ranks(values: np.ndarray) -> np.ndarray:
    """1 = highest, ties share the smallest rank (1, 2, 2, 4)."""
    order = np.sort(values)[::-1]
    return np.searchsorted(-order, -values, side="left").astype(np.int64) + 1


def normalise(
    x: np.ndarray, method: str, direction: str = "benefit", target: float | None = None
) -> np.ndarray:
    """One criterion normalised to 0–100, higher is better (table in the module docstring)."""
    if method not in NORMALISATIONS:
        raise SchemeError(f"unknown normalisation {method!r}")
    if direction not in DIRECTIONS:
        raise SchemeError(f"unknown direction {direction!r}")
    x = np.asarray(x, dtype=np.float64)
    out = np.full(x.shape, np.nan)
    have = ~np.isnan(x)
    if not have.any():
        return out
    v = x[have]
    cost = direction == "cost"
    if method == "none":
        out[have] = 100.0 - v if cost else v
    elif method == "minmax":
        lo, hi = float(v.min()), float(v.max())
        if hi - lo <= 0:
            out[have] = 100.0
        else:
            out[have] = 100.0 * ((hi - v) if cost else (v - lo)) / (hi - lo)
    elif method == "target":
        if target is None or not math.isfinite(target) or target <= 0:
            raise SchemeError("a target normalisation needs a target above 0")
        if cost:
            with np.errstate(divide="ignore"):
                out[have] = np.where(v <= 0, 100.0, 100.0 * np.minimum(target / np.where(v <= 0, 1, v), 1))
        else:
            out[have] = 100.0 * np.minimum(v / target, 1.0)
    else:
        n = v.size
        r = _ranks(-v if cost else v)
        out[have] = 100.0 if n == 1 else 100.0 * (n - r) / (n - 1)
    return out


def adjustment_points(
    events: Mapping[str, np.ndarray],
    rules: Sequence[AdjustmentRule],
    n: int,
    bonus_cap: float | None = None,
    deduction_cap: float | None = None,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Points per rule (events × points, at most the rule's cap), then the bonus and the deduction
    totals, each at most its overall cap. Missing events (nan) count 0."""
    per_rule: dict[str, np.ndarray] = {}
    bonus = np.zeros(n)
    deduction = np.zeros(n)
    for i, rule in enumerate(rules):
        if rule.kind not in ADJUSTMENT_KINDS:
            raise SchemeError(f"unknown adjustment kind {rule.kind!r}")
        if rule.points < 0 or (rule.cap is not None and rule.cap < 0):
            raise SchemeError("points and caps cannot be negative")
        count = np.nan_to_num(np.asarray(events.get(rule.key, np.zeros(n)), dtype=np.float64))
        pts = np.maximum(count, 0) * rule.points
        if rule.cap is not None:
            pts = np.minimum(pts, rule.cap)
        per_rule[f"{i}:{rule.key}"] = pts
        if rule.kind == "bonus":
            bonus += pts
        else:
            deduction += pts
    if bonus_cap is not None:
        bonus = np.minimum(bonus, bonus_cap)
    if deduction_cap is not None:
        deduction = np.minimum(deduction, deduction_cap)
    return per_rule, bonus, deduction


def list_places(n: int, m: int, ranked: int) -> tuple[int, int]:
    """The places of the red and black lists among ``ranked`` subjects: n and m while at least
    n + m are ranked; else shrunk in proportion, each at least 1 and at most half (as the
    red/black lists)."""
    if ranked >= n + m or n + m == 0:
        return n, m
    half = max(ranked // 2, 1)
    return min(n, max(ranked * n // (n + m), 1), half), min(m, max(ranked * m // (n + m), 1), half)


def _base(
    values: Mapping[str, np.ndarray], rule: SchemeRule, n: int
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    scores: dict[str, np.ndarray] = {}
    weighted = np.zeros(n)
    weight_sum = np.zeros(n)
    for c in rule.criteria:
        if c.weight < 0 or not math.isfinite(c.weight):
            raise SchemeError(f"{c.key}: the weight must be a finite number ≥ 0")
        s = normalise(np.asarray(values[c.key], dtype=np.float64), c.normalisation, c.direction, c.target)
        scores[c.key] = s
        have = ~np.isnan(s)
        weighted[have] += c.weight * s[have]
        weight_sum[have] += c.weight
    scored = weight_sum > 0
    base = np.where(scored, weighted / np.where(scored, weight_sum, 1), 0.0)
    return scores, base, scored


def evaluate(
    values: Mapping[str, np.ndarray],
    events: Mapping[str, np.ndarray],
    rule: SchemeRule,
    exclude: np.ndarray | None = None,
) -> Evaluation:
    """Score, gate, rank and list n subjects. ``values[key]`` per criterion, ``events[key]`` per
    adjustment rule; ``exclude`` (bool) keeps subjects scored but unranked. A subject with no value
    for any weighted criterion is not ranked."""
    n = len(next(iter(values.values()))) if values else 0
    scores, base, scored = _base(values, rule, n)
    points, bonus, deduction = adjustment_points(
        events, rule.adjustments, n, rule.bonus_cap, rule.deduction_cap
    )
    total = np.round(base + bonus - deduction, 2)
    gates_ok = np.ones(n, dtype=bool)
    for c in rule.criteria:
        if c.minimum is None:
            continue
        x = np.asarray(values[c.key], dtype=np.float64)
        ok = (x <= c.minimum + 1e-9) if c.direction == "cost" else (x >= c.minimum - 1e-9)
        gates_ok &= ok | np.isnan(x)
    met = gates_ok & (total >= rule.target_score - 1e-9) & scored
    ranked = scored.copy()
    if exclude is not None:
        ranked &= ~exclude
    ranks = np.zeros(n, dtype=np.int64)
    bottoms = np.zeros(n, dtype=np.int64)
    k = int(ranked.sum())
    if k:
        ranks[ranked] = _ranks(total[ranked])
        bottoms[ranked] = _ranks(-total[ranked])
    red_n, black_m = list_places(rule.red_top_n, rule.black_bottom_m, k)
    verdict = []
    for i in range(n):
        if not ranked[i]:
            verdict.append("unranked")
        elif met[i] and ranks[i] <= red_n and 2 * bottoms[i] > k:
            verdict.append("red")
        elif not met[i] and bottoms[i] <= black_m and 2 * ranks[i] > k:
            verdict.append("black")
        else:
            verdict.append("none")
    return Evaluation(
        scores, points, base, bonus, deduction, total, gates_ok, met, ranked, ranks, bottoms, verdict
    )


@dataclass(frozen=True)
class PayBand:
    """A band of scores and its pay coefficient; ``None`` edges are open (−∞ / +∞)."""

    lower: float | None
    upper: float | None
    coefficient: float
    lower_inclusive: bool = True
    upper_inclusive: bool = False

    def contains(self, score: float) -> bool:
        if self.lower is not None and (
            score < self.lower or (score == self.lower and not self.lower_inclusive)
        ):
            return False
        return not (
            self.upper is not None
            and (score > self.upper or (score == self.upper and not self.upper_inclusive))
        )


def check_bands(bands: Sequence[PayBand]) -> list[str]:
    """Problems of a band table: a coefficient below 0, an empty band, two bands sharing a score."""
    problems = []
    for i, b in enumerate(bands):
        if b.coefficient < 0 or not math.isfinite(b.coefficient):
            problems.append(f"band {i + 1}: the coefficient must be a finite number ≥ 0")
        if (
            b.lower is not None
            and b.upper is not None
            and (b.lower > b.upper or (b.lower == b.upper and not (b.lower_inclusive and b.upper_inclusive)))
        ):
            problems.append(f"band {i + 1}: empty")
    for i, a in enumerate(bands):
        for j in range(i + 1, len(bands)):
            if _overlap(a, bands[j]):
                problems.append(f"bands {i + 1} and {j + 1} overlap")
    return problems


def _overlap(a: PayBand, b: PayBand) -> bool:
    lo_a = -math.inf if a.lower is None else a.lower
    hi_a = math.inf if a.upper is None else a.upper
    lo_b = -math.inf if b.lower is None else b.lower
    hi_b = math.inf if b.upper is None else b.upper
    if hi_a < lo_b or hi_b < lo_a:
        return False
    if hi_a == lo_b:
        return a.upper_inclusive and b.lower_inclusive
    if hi_b == lo_a:
        return b.upper_inclusive and a.lower_inclusive
    return True


def band_index(scores: Any, bands: Sequence[PayBand]) -> np.ndarray:
    """Index of the band holding each score (−1: none, or nan score)."""
    scores = np.asarray(scores, dtype=np.float64)
    out = np.full(scores.shape, -1, dtype=np.int64)
    for i, s in enumerate(scores):
        if math.isnan(s):
            continue
        for j, band in enumerate(bands):
            if band.contains(float(s)):
                out[i] = j
                break
    return out
