"""Early warning of weak or paralysed party organisations (防瘫防软预警): configurable rules → levels.

Pure and vectorised (numpy only). Each organisation is described by four measures, each an array
with one value per organisation (NaN: not known, never triggers a rule):

* ``missed_meetings`` — meetings of 三会一课 missed in the quarter assessed (count);
* ``member_change_pct`` — change of the members count over the last twelve months, in % of the
  count twelve months before (its absolute value is compared: a loss and a gain both count);
* ``vacancy_days`` — days the secretary post has been vacant (0: filled);
* ``activity_gap_months`` — whole months since the last meeting or activity.

A rule is ``(measure, threshold, level)``: it triggers for an organisation when the measure's value
is **at or above** the threshold (``value >= threshold``; exactly at the threshold triggers). The
levels are ordered ``blue`` (1) < ``yellow`` (2) < ``red`` (3); an organisation's level is the
highest level of the rules it triggers, 0 when none triggers. The rules are data (the party-building
office edits them), not constants of this module; :data:`DEFAULT_RULES` is only the starting table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MEASURES = ("missed_meetings", "member_change_pct", "vacancy_days", "activity_gap_months")
LEVELS = {"blue": 1, "yellow": 2, "red": 3}
LEVEL_NAMES = {value: name for name, value in LEVELS.items()}


@dataclass(frozen=True)
class Rule:
    """One rule: ``measure`` at or above ``threshold`` gives ``level`` (blue, yellow or red)."""

    measure: str
    threshold: float
    level: str

    def __post_init__(self) -> None:
        if self.measure not in MEASURES:
            raise ValueError(f"unknown measure {self.measure!r}")
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")
        if not np.isfinite(self.threshold) or self.threshold < 0:
            raise ValueError("a threshold is a finite number not below 0")


#: the starting table (the office changes it): 1 missed meeting blue, 3 yellow, 6 red; a change of
#: the members count by 20 % yellow; a vacant secretary post 30 days yellow, 90 days red; no activity
#: for 3 months blue, 6 months red
DEFAULT_RULES: tuple[Rule, ...] = (
    Rule("missed_meetings", 1, "blue"),
    Rule("missed_meetings", 3, "yellow"),
    Rule("missed_meetings", 6, "red"),
    Rule("member_change_pct", 20, "yellow"),
    Rule("vacancy_days", 30, "yellow"),
    Rule("vacancy_days", 90, "red"),
    Rule("activity_gap_months", 3, "blue"),
    Rule("activity_gap_months", 6, "red"),
)


@dataclass(frozen=True)
class Evaluation:
    """The result: ``level`` (int8, 0–3) per organisation and ``triggered`` (bool, organisations ×
    rules): which rule triggered for which organisation — the warning's reasons."""

    level: npt.NDArray[np.int8]
    triggered: npt.NDArray[np.bool_]


def evaluate(measures: Mapping[str, Sequence[float] | npt.ArrayLike], rules: Sequence[Rule]) -> Evaluation:
    """Evaluate ``rules`` on ``measures`` (each of :data:`MEASURES` an array of equal length).

    For rule *j* and organisation *i*: ``triggered[i, j] = v[i] >= t_j`` with ``v`` the rule's
    measure (``|v|`` for ``member_change_pct``), false where ``v`` is NaN; ``level[i] = max_j
    (L_j · triggered[i, j])`` with ``L`` blue 1, yellow 2, red 3."""
    arrays = {name: np.asarray(measures[name], dtype=np.float64) for name in MEASURES}
    sizes = {a.shape for a in arrays.values()}
    if len(sizes) != 1 or len(next(iter(sizes))) != 1:
        raise ValueError("every measure is a 1-d array of the same length")
    n = next(iter(arrays.values())).shape[0]
    triggered = np.zeros((n, len(rules)), dtype=np.bool_)
    level = np.zeros(n, dtype=np.int8)
    for j, rule in enumerate(rules):
        values = arrays[rule.measure]
        if rule.measure == "member_change_pct":
            values = np.abs(values)
        with np.errstate(invalid="ignore"):
            hit = np.where(np.isnan(values), False, values >= rule.threshold)
        triggered[:, j] = hit
        level = np.maximum(level, np.where(hit, LEVELS[rule.level], 0).astype(np.int8))
    return Evaluation(level=level, triggered=triggered)


def change_pct(before: npt.ArrayLike, after: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Change in % of ``before``: ``100 · (after − before) / before``; NaN where ``before`` ≤ 0."""
    b = np.asarray(before, dtype=np.float64)
    a = np.asarray(after, dtype=np.float64)
    out = np.full(b.shape, np.nan)
    ok = b > 0
    out[ok] = 100.0 * (a[ok] - b[ok]) / b[ok]
    return out
