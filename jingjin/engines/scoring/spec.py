"""The scoring spec: criteria, weights, method, bonus/deduction, gates, groups, classes.

A :class:`ScoreSpec` is built from the YAML/JSON/dict form with :meth:`ScoreSpec.from_dict`,
which validates it and names the offending key (``spec.criteria[2].weight: …``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from jingjin.engines.scoring._inputs import InputError
from jingjin.engines.scoring.normalization import NORMALIZATIONS

METHODS = ("weighted_sum", "topsis")
DIRECTIONS = ("benefit", "cost")
MISSING_RULES = ("error", "mean_score", "zero")
GATE_OPS = (">=", ">", "<=", "<", "==", "!=")
_SPEC_KEYS = (
    "criteria",
    "method",
    "weights",
    "total",
    "normalize_weights",
    "id_column",
    "bonus",
    "deduct",
    "gates",
    "group_by",
    "classes",
    "exempt",
    "veto",
    "name",
    "description",
    "source",
)


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"{where}: expected a number, got {value!r}")
    try:
        number = float(value)
    except ValueError:
        raise InputError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: expected a finite number, got {value!r}")
    return number


def _check_keys(data: Mapping[str, Any], allowed: Sequence[str], where: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise InputError(f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(allowed)})")


@dataclass(frozen=True)
class Criterion:
    """One criterion (指标) of a scheme.

    ``column`` is the input column; ``name`` names its item in outputs (default: the
    column). ``missing`` says what an empty cell means: ``error`` (default), ``zero`` (item
    score 0) or ``mean_score`` (the mean item score of the rows that have a value, as
    黄岩区 does for firms without emission data).
    """

    column: str
    direction: str = "benefit"
    weight: float | None = None
    normalize: str | None = None  # None: minmax for weighted_sum, vector for topsis
    benchmark: float | str | None = None
    cap: float | None = None
    target: float | None = None
    missing: str = "error"
    name: str | None = None
    label: str = ""

    @property
    def item(self) -> str:
        return self.name or self.column

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | str, where: str) -> Criterion:
        if isinstance(data, str):
            data = {"column": data}
        if not isinstance(data, Mapping):
            raise InputError(f"{where}: expected a mapping with 'column', got {data!r}")
        _check_keys(data, [f.name for f in cls.__dataclass_fields__.values()], where)
        if "column" not in data or not isinstance(data["column"], str) or not data["column"]:
            raise InputError(f"{where}: 'column' is required")
        direction = str(data.get("direction", "benefit"))
        if direction not in DIRECTIONS:
            raise InputError(f"{where}: direction must be benefit or cost, got '{direction}'")
        method = data.get("normalize")
        if method is not None and method not in NORMALIZATIONS:
            raise InputError(
                f"{where}: unknown normalize '{method}' (use one of {', '.join(NORMALIZATIONS)})"
            )
        missing = str(data.get("missing", "error"))
        if missing not in MISSING_RULES:
            raise InputError(f"{where}: missing must be one of {', '.join(MISSING_RULES)}")
        benchmark = data.get("benchmark")
        if benchmark is not None and not isinstance(benchmark, str):
            benchmark = _number(benchmark, f"{where}.benchmark")
        return cls(
            column=data["column"],
            direction=direction,
            weight=None if data.get("weight") is None else _number(data["weight"], f"{where}.weight"),
            normalize=method,
            benchmark=benchmark,
            cap=None if data.get("cap") is None else _number(data["cap"], f"{where}.cap"),
            target=None if data.get("target") is None else _number(data["target"], f"{where}.target"),
            missing=missing,
            name=data.get("name"),
            label=str(data.get("label", "")),
        )


@dataclass(frozen=True)
class Adjustment:
    """A bonus (加分) or deduction (扣分) column added after weighting; ``cap`` bounds it."""

    column: str
    cap: float | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | str, where: str) -> Adjustment:
        if isinstance(data, str):
            return cls(data)
        if not isinstance(data, Mapping) or not isinstance(data.get("column"), str):
            raise InputError(f"{where}: expected a column name or {{column: ..., cap: ...}}")
        _check_keys(data, ["column", "cap"], where)
        cap = data.get("cap")
        return cls(data["column"], None if cap is None else _number(cap, f"{where}.cap"))


@dataclass(frozen=True)
class Gate:
    """A condition a row must meet to be ranked among the passers: ``column op value``.

    Rows failing any gate (an empty cell fails) rank below every passing row of their
    group, e.g. "target met" before the score in a red/black list (REFERENCE §9).
    """

    column: str
    op: str = "=="
    value: float | str | bool = 1

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str) -> Gate:
        if not isinstance(data, Mapping) or not isinstance(data.get("column"), str):
            raise InputError(f"{where}: expected {{column: ..., op: '>=', value: ...}}")
        _check_keys(data, ["column", "op", "value"], where)
        op = str(data.get("op", "=="))
        if op not in GATE_OPS:
            raise InputError(f"{where}: op must be one of {' '.join(GATE_OPS)}")
        return cls(data["column"], op, data.get("value", 1))


@dataclass(frozen=True)
class Classes:
    """Classes (A/B/C/D …) by rank share or by score.

    ``by = "share"``: ``bounds`` are cumulative shares of the ranked rows of a group, best
    first (A: 0.3 = the best 30 %). A tie group is placed by its last position, so a class
    never holds more than its share. ``by = "score"``: ``bounds`` are minimum scores,
    highest first (A: 85 = score ≥ 85). Rows past the last bound get ``rest``.
    """

    by: str
    bounds: tuple[tuple[str, float], ...]
    rest: str
    exempt_label: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "classes") -> Classes:
        if not isinstance(data, Mapping):
            raise InputError(f"{where}: expected a mapping {{by: share|score, bounds: {{A: ...}}}}")
        _check_keys(data, ["by", "bounds", "rest", "exempt_label"], where)
        by = str(data.get("by", "share"))
        if by not in ("share", "score"):
            raise InputError(f"{where}.by: must be share or score, got '{by}'")
        raw = data.get("bounds")
        if not isinstance(raw, Mapping) or not raw:
            raise InputError(f"{where}.bounds: expected a mapping of class → bound")
        bounds = tuple((str(k), _number(v, f"{where}.bounds.{k}")) for k, v in raw.items())
        values = [b for _, b in bounds]
        if by == "share":
            if any(not 0 < v <= 1 for v in values) or values != sorted(values):
                raise InputError(f"{where}.bounds: shares must increase within (0, 1]")
        elif values != sorted(values, reverse=True):
            raise InputError(f"{where}.bounds: score bounds must decrease (best class first)")
        rest = data.get("rest")
        if rest is None:
            last = bounds[-1][0]
            if len(last) == 1 and "A" <= last < "Z":
                rest = chr(ord(last) + 1)
            else:
                raise InputError(f"{where}.rest: name the class of the rows past the last bound")
        exempt_label = data.get("exempt_label")
        return cls(by, bounds, str(rest), None if exempt_label is None else str(exempt_label))


@dataclass(frozen=True)
class ScoreSpec:
    """A scoring scheme, reusable by any ranking (red/black lists, 亩均, city index).

    Build it from the YAML/JSON form with :meth:`from_dict`::

        {method: topsis|weighted_sum, weights: fixed|entropy, id_column: id, total: 1,
         criteria: [{column: c0, direction: benefit|cost, weight: 0.3, normalize: ratio,
                     benchmark: mean, cap: 2.0, target: null, missing: error, name: c0}],
         bonus: [col | {column: col, cap: 5}], deduct: [...],
         gates: [{column: target_met, op: '==', value: 1}], group_by: col,
         classes: {by: share|score, bounds: {A: 0.3, B: 0.7, C: 0.95}, rest: D,
                   exempt_label: T},
         exempt: col, veto: col}

    ``veto`` names a yes/no column (一票否决, e.g. a safety or environmental accident): a
    vetoed row ranks below every other row of its group, as a failed gate does, and gets
    the lowest class. ``total`` is what fixed weights must sum to (1 by default, 100 for a points scheme);
    entropy weights are scaled to it. Under ``topsis`` the score is in [0, 1] before
    bonus and deduction and every criterion is vector-normalised.
    """

    criteria: tuple[Criterion, ...]
    method: str = "weighted_sum"
    weights: str = "fixed"
    total: float = 1.0
    normalize_weights: bool = False
    id_column: str | None = None
    bonus: tuple[Adjustment, ...] = ()
    deduct: tuple[Adjustment, ...] = ()
    gates: tuple[Gate, ...] = ()
    group_by: str | None = None
    classes: Classes | None = None
    exempt: str | None = None
    veto: str | None = None
    name: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, normalize_weights: bool | None = None) -> ScoreSpec:
        if not isinstance(data, Mapping):
            raise InputError("spec: expected a mapping at the top level")
        _check_keys(data, _SPEC_KEYS, "spec")
        method = str(data.get("method", "weighted_sum"))
        if method not in METHODS:
            raise InputError(f"spec.method: must be one of {', '.join(METHODS)}, got '{method}'")
        weights = str(data.get("weights", "fixed"))
        if weights not in ("fixed", "entropy"):
            raise InputError(f"spec.weights: must be fixed or entropy, got '{weights}'")
        raw = data.get("criteria")
        if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
            raise InputError("spec.criteria: expected a non-empty list of criteria")
        criteria = tuple(Criterion.from_dict(c, f"spec.criteria[{i + 1}]") for i, c in enumerate(raw))
        items = [c.item for c in criteria]
        if len(set(items)) != len(items):
            raise InputError(
                "spec.criteria: two criteria have the same column/name; give them distinct names"
            )
        for i, c in enumerate(criteria, start=1):
            if method == "topsis" and c.normalize not in (None, "vector"):
                raise InputError(f"spec.criteria[{i}]: topsis normalises by vector; remove normalize")
            if method == "topsis" and c.missing == "mean_score":
                raise InputError(f"spec.criteria[{i}]: missing: mean_score needs method weighted_sum")
        total = _number(data.get("total", 1.0), "spec.total")
        if total <= 0:
            raise InputError("spec.total: must be > 0")
        flag = data.get("normalize_weights", False) if normalize_weights is None else normalize_weights
        if weights == "fixed":
            missing_w = [i for i, c in enumerate(criteria, start=1) if c.weight is None]
            if missing_w:
                raise InputError(
                    f"spec.criteria[{missing_w[0]}]: weights: fixed needs a weight on every criterion"
                )
            if any((c.weight or 0) < 0 for c in criteria):
                raise InputError("spec.criteria: weights must be ≥ 0")
            weight_sum = sum(c.weight or 0.0 for c in criteria)
            if weight_sum <= 0:
                raise InputError("spec.criteria: the weights sum to 0")
            if not flag and abs(weight_sum - total) > 1e-9 * total:
                raise InputError(
                    f"spec.criteria: the fixed weights sum to {weight_sum:g}, not {total:g}; "
                    "correct them or pass --normalize-weights"
                )

        def adjustments(key: str) -> tuple[Adjustment, ...]:
            value = data.get(key) or []
            if isinstance(value, str):
                value = [value]
            return tuple(Adjustment.from_dict(a, f"spec.{key}[{i + 1}]") for i, a in enumerate(value))

        gates_raw = data.get("gates") or []
        if isinstance(gates_raw, Mapping):
            gates_raw = [gates_raw]
        classes = data.get("classes")
        return cls(
            criteria=criteria,
            method=method,
            weights=weights,
            total=total,
            normalize_weights=bool(flag),
            id_column=data.get("id_column"),
            bonus=adjustments("bonus"),
            deduct=adjustments("deduct"),
            gates=tuple(Gate.from_dict(g, f"spec.gates[{i + 1}]") for i, g in enumerate(gates_raw)),
            group_by=data.get("group_by"),
            classes=None if classes is None else Classes.from_dict(classes, "spec.classes"),
            exempt=data.get("exempt"),
            veto=data.get("veto"),
            name=str(data.get("name", "")),
        )

    def columns(self) -> list[str]:
        """Every input column the spec reads."""
        names = [c.column for c in self.criteria]
        names += [a.column for a in self.bonus + self.deduct] + [g.column for g in self.gates]
        names += [c for c in (self.id_column, self.group_by, self.exempt, self.veto) if c]
        return list(dict.fromkeys(names))
