"""Per-mu evaluation of firms (亩均效益综合评价) and admission of projects on standard land (标准地准入).

Two engines, pure and vectorised (polars/numpy in and out, no file input/output):

- :func:`evaluate` computes each firm's per-mu indicators from its raw data (land area in
  mu, tax, revenue, value added, energy, emissions, employees, R&D, electricity), scores
  them under a :class:`LandScheme` (segments of :class:`~jingjin.engines.scoring.ScoreSpec`,
  e.g. above-scale 规上 and below-scale 规下 firms) and grades them A/B/C/D.
- :func:`admit` compares a new project's committed figures with the standard-land
  thresholds (标准地控制指标) of its park and industry, the industry catalogue class
  (产业结构调整指导目录) and the zoning check (三线一单) → 鼓励支持 / 限制 / 禁入, every
  reason listed.

Units: money in 万元 (10⁴ yuan), land in 亩 (mu, 1/15 ha), energy in tonnes of standard
coal (tce), emissions in tonnes, electricity in 万千瓦时 (10⁴ kWh).

Sources: ../shared/REFERENCE.md §4 (亩均论英雄: Sichuan 2020 indicators, the 台州市黄岩区
formula and definitions), §5 (标准地: 川办发〔2021〕11号, the 隆昌市内荣工业园 table, the
2024 industry catalogue) and §8 (三线一单). Built-in schemes and thresholds are data in
``jingjin/engines/tables`` and are read by :mod:`jingjin.commands._io`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from jingjin.engines.scoring import (
    Classes,
    InputError,
    ScoreSpec,
    check_ids,
    numeric_column,
    rows_text,
    score_arrays,
)

__all__ = [
    "ADMISSION_LABELS_ZH",
    "INDICATORS",
    "LAND_INPUT_COLUMNS",
    "AdmissionRules",
    "Indicator",
    "LandScheme",
    "admit",
    "compute_indicators",
    "evaluate",
]

LAND_INPUT_COLUMNS = (
    "enterprise_id",
    "land_mu",
    "tax_10k",
    "revenue_10k",
    "value_added_10k",
    "energy_tce",
    "emissions_t",
    "employees",
    "rd_10k",
)
# Raw columns that may be negative (a firm can pay negative net tax or make a loss).
_SIGNED = ("tax_10k", "value_added_10k")


@dataclass(frozen=True)
class Indicator:
    """A per-mu indicator: ``numerator / denominator`` of two input columns."""

    name: str
    numerator: str
    denominator: str
    label: str = ""
    unit: str = ""


INDICATORS: dict[str, Indicator] = {
    i.name: i
    for i in (
        Indicator("tax_per_mu", "tax_10k", "land_mu", "亩均税收", "万元/亩"),
        Indicator("value_added_per_mu", "value_added_10k", "land_mu", "亩均增加值", "万元/亩"),
        Indicator("revenue_per_mu", "revenue_10k", "land_mu", "亩均营业收入", "万元/亩"),
        Indicator("value_added_per_energy", "value_added_10k", "energy_tce", "单位能耗增加值", "万元/tce"),
        Indicator("revenue_per_energy", "revenue_10k", "energy_tce", "单位能耗营业收入", "万元/tce"),
        Indicator("tax_per_energy", "tax_10k", "energy_tce", "单位能耗税收", "万元/tce"),
        Indicator("value_added_per_emission", "value_added_10k", "emissions_t", "单位排放增加值", "万元/t"),
        Indicator("revenue_per_emission", "revenue_10k", "emissions_t", "单位排放营业收入", "万元/t"),
        Indicator("labour_productivity", "value_added_10k", "employees", "全员劳动生产率", "万元/人"),
        Indicator("revenue_per_employee", "revenue_10k", "employees", "人均营业收入", "万元/人"),
        Indicator("rd_intensity", "rd_10k", "revenue_10k", "R&D经费占营业收入比", "ratio"),
        Indicator("tax_per_electricity", "tax_10k", "electricity_10k_kwh", "单位电耗税收", "万元/万kWh"),
    )
}


# ---------------------------------------------------------------------------------------
# per-mu evaluation
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LandScheme:
    """A per-mu evaluation scheme (亩均效益评价办法).

    ``segments`` maps ``above_scale`` and/or ``below_scale`` to the
    :class:`~jingjin.engines.scoring.ScoreSpec` scoring those firms; firms of a segment the
    scheme lacks are not evaluated (no score, rank or class). Ranks and classes are per
    segment (and per ``group_by`` group). ``indicators`` adds to or overrides
    :data:`INDICATORS`.
    """

    name: str
    segments: dict[str, ScoreSpec]
    indicators: dict[str, Indicator]
    title: str = ""
    source: str = ""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, normalize_weights: bool | None = None) -> LandScheme:
        """Build a scheme from its YAML form (see ``jingjin/engines/tables/land_*.yaml``)."""
        if not isinstance(data, Mapping):
            raise InputError("scheme: expected a mapping at the top level")
        allowed = {
            "name",
            "title",
            "source",
            "notes",
            "indicators",
            "segments",
            "classes",
            "group_by",
            "exempt",
            "veto",
        }
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise InputError(
                f"scheme: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
            )
        indicators = dict(INDICATORS)
        for name, spec in (data.get("indicators") or {}).items():
            if not isinstance(spec, Mapping) or "numerator" not in spec or "denominator" not in spec:
                raise InputError(f"scheme.indicators.{name}: needs numerator and denominator columns")
            indicators[str(name)] = Indicator(
                str(name),
                str(spec["numerator"]),
                str(spec["denominator"]),
                str(spec.get("label", "")),
                str(spec.get("unit", "")),
            )
        raw_segments = data.get("segments")
        if not isinstance(raw_segments, Mapping) or not raw_segments:
            raise InputError("scheme.segments: expected above_scale and/or below_scale")
        segments: dict[str, ScoreSpec] = {}
        for key, seg in raw_segments.items():
            if key not in ("above_scale", "below_scale"):
                raise InputError(f"scheme.segments: unknown segment '{key}' (use above_scale, below_scale)")
            if not isinstance(seg, Mapping):
                raise InputError(f"scheme.segments.{key}: expected a scoring spec")
            merged = dict(seg)
            for shared in ("classes", "group_by", "exempt", "veto"):
                if shared in data and shared not in merged:
                    merged[shared] = data[shared]
            try:
                segments[key] = ScoreSpec.from_dict(merged, normalize_weights=normalize_weights)
            except InputError as exc:
                raise InputError(f"scheme.segments.{key}: {exc}".replace(": spec", "")) from None
        if isinstance(data.get("classes"), Mapping):
            Classes.from_dict(data["classes"], "scheme.classes")
        return cls(
            name=str(data.get("name", "")),
            segments=segments,
            indicators=indicators,
            title=str(data.get("title", "")),
            source=str(data.get("source", "")),
        )

    def indicator_names(self) -> list[str]:
        """Indicators the scheme scores, in order of first use."""
        names = [
            c.column for spec in self.segments.values() for c in spec.criteria if c.column in self.indicators
        ]
        return list(dict.fromkeys(names))


def _above_scale(frame: pl.DataFrame) -> np.ndarray:
    if "above_scale" not in frame.columns:
        return np.ones(frame.height, bool)
    series = frame.get_column("above_scale")
    if series.dtype == pl.Boolean:
        values = series.to_numpy()
        missing = series.is_null().to_numpy()
    elif series.dtype.is_numeric():
        numbers = series.cast(pl.Float64).to_numpy()
        missing = np.isnan(numbers)
        bad = ~missing & ~np.isin(numbers, (0.0, 1.0))
        if bad.any():
            raise InputError(f"column 'above_scale': expected 1 (规上) or 0 (规下) in {rows_text(bad)}")
        values = numbers == 1
    else:
        text = series.cast(pl.String).str.strip_chars().str.to_lowercase()
        yes = text.is_in(["1", "true", "yes", "y", "规上", "是"]).fill_null(False).to_numpy()
        no = text.is_in(["0", "false", "no", "n", "规下", "否"]).fill_null(False).to_numpy()
        missing = text.is_null().to_numpy() | (text == "").fill_null(True).to_numpy()
        bad = ~(yes | no | missing)
        if bad.any():
            raise InputError(f"column 'above_scale': expected 1/0, yes/no or 规上/规下 in {rows_text(bad)}")
        values = yes
    if missing.any():
        raise InputError(f"column 'above_scale': empty value in {rows_text(missing)}")
    return np.asarray(values, dtype=bool)


def compute_indicators(
    frame: pl.DataFrame,
    names: list[str],
    *,
    rows: np.ndarray | None = None,
    optional: frozenset[str] = frozenset(),
    indicators: Mapping[str, Indicator] = INDICATORS,
) -> dict[str, np.ndarray]:
    """Compute the named indicators: value = numerator / denominator, row by row.

    Only the rows in ``rows`` (boolean mask, default all) are checked and computed; the
    others get NaN. Input values must be ≥ 0 except ``tax_10k`` and ``value_added_10k``;
    a denominator of 0 is an error naming the rows, and so is an empty cell unless the
    indicator is in ``optional`` (then it gives NaN: "no data").
    """
    mask = np.ones(frame.height, bool) if rows is None else np.asarray(rows, bool)
    cache: dict[str, np.ndarray] = {}
    tolerant: dict[str, bool] = {}
    for name in names:
        ind = indicators[name]
        for col in (ind.numerator, ind.denominator):
            tolerant[col] = tolerant.get(col, True) and name in optional

    def load(name: str) -> np.ndarray:
        if name not in cache:
            values = numeric_column(frame, name, allow_null=True)
            empty = np.isnan(values) & mask
            if empty.any() and not tolerant.get(name, False):
                raise InputError(f"column '{name}': empty value in {rows_text(empty)}")
            if name not in _SIGNED:
                negative = (values < 0) & mask
                if negative.any():
                    what = "negative land area" if name == "land_mu" else "negative value"
                    raise InputError(f"column '{name}': {what} in {rows_text(negative)}")
            cache[name] = values
        return cache[name]

    out: dict[str, np.ndarray] = {}
    for name in names:
        ind = indicators[name]
        top, bottom = load(ind.numerator), load(ind.denominator)
        zero = (bottom == 0) & mask
        if zero.any():
            hint = " (leave the cell empty if there is no data)" if name in optional else ""
            raise InputError(
                f"column '{ind.denominator}': zero denominator of {name} = {ind.numerator} / "
                f"{ind.denominator} in {rows_text(zero)}{hint}"
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            # zeros were refused above; NaN (no data, or outside ``rows``) stays NaN
            if rows is None or mask.all():
                value = top / bottom
            else:
                value = np.divide(top, bottom, out=np.full(top.size, np.nan), where=mask)
        out[name] = value
    return out


def evaluate(frame: pl.DataFrame, scheme: LandScheme, *, explain: bool = True) -> pl.DataFrame:
    """Per-mu evaluation (亩均效益评价) of every firm in ``frame``.

    Parameters
    ----------
    frame : polars.DataFrame
        One firm per row: ``enterprise_id land_mu tax_10k revenue_10k value_added_10k
        energy_tce emissions_t employees rd_10k`` (万元, 亩, tce, t, persons), plus
        ``electricity_10k_kwh`` (万kWh), ``above_scale`` (1 = 规上) and ``exempt`` where the
        scheme needs them. Without ``above_scale`` every firm counts as above-scale.
    scheme : LandScheme
        E.g. ``huangyan-2022``: item = indicator ÷ benchmark × points (REFERENCE §4.2),
        a firm with no emission data gets the mean item score of the firms that have it.

    Returns
    -------
    polars.DataFrame
        ``frame`` with each indicator, ``item_<indicator>`` (points of each item, with
        ``explain``), ``score`` (float64), ``rank`` (1 = best, within segment and group)
        and ``class`` added.
    """
    if "enterprise_id" not in frame.columns:
        raise InputError(f"missing column 'enterprise_id' (the input has: {', '.join(frame.columns)})")
    above = _above_scale(frame)
    n = frame.height
    names = scheme.indicator_names()
    # Arrays computed for a segment are NaN (codes −1) outside it: the first segment's arrays
    # are taken as they are, later segments are copied in where their rows are.
    indicator_values: dict[str, np.ndarray] = {}
    items: dict[str, np.ndarray] = {}
    score = np.full(n, np.nan)
    ranks = np.full(n, np.nan)
    codes = np.full(n, -1, np.int64)
    labels: list[str] = []

    def merge(store: dict[str, np.ndarray], name: str, values: np.ndarray, rows: np.ndarray) -> None:
        if name in store:
            np.copyto(store[name], values, where=rows)
        else:
            store[name] = values

    for segment, spec in scheme.segments.items():
        rows = above if segment == "above_scale" else ~above
        if not rows.any():
            continue
        if spec.exempt and spec.exempt not in frame.columns:
            spec = replace(spec, exempt=None)  # the exemption column is optional for firms
        if spec.veto and spec.veto not in frame.columns:
            spec = replace(spec, veto=None)  # so is the veto column
        seg_names = [c.column for c in spec.criteria if c.column in scheme.indicators]
        optional = frozenset(c.column for c in spec.criteria if c.missing != "error")
        values = compute_indicators(
            frame, seg_names, rows=rows, optional=optional, indicators=scheme.indicators
        )
        result = score_arrays(frame, spec, scored=rows, arrays=values)
        for name, v in values.items():
            merge(indicator_values, name, v, rows)
        for item, contribution in result.items.items():
            merge(items, item, contribution, rows)
        np.copyto(score, result.score, where=rows)
        np.copyto(ranks, result.rank, where=rows)
        if result.class_labels:
            for label in result.class_labels:
                if label not in labels:
                    labels.append(label)
            remap = np.array([labels.index(label) for label in result.class_labels] + [-1])
            seg_codes = np.where(result.class_code < 0, len(result.class_labels), result.class_code)
            np.copyto(codes, remap[seg_codes], where=rows)
    for name in names:
        indicator_values.setdefault(name, np.full(n, np.nan))
    added = [pl.Series(name, indicator_values[name], nan_to_null=True) for name in names]
    if explain:
        added += [pl.Series(f"item_{name}", values, nan_to_null=True) for name, values in items.items()]
    added.append(pl.Series("score", score, nan_to_null=True))
    added.append(pl.Series("rank", ranks, nan_to_null=True).cast(pl.Int64))
    if labels:
        added.append(pl.Series("class", codes).replace_strict(dict(enumerate(labels)), default=None))
    clash = [s.name for s in added if s.name in frame.columns]
    if clash:
        raise InputError(f"the input already has column(s) {', '.join(clash)}; rename them")
    return frame.with_columns(added)


# ---------------------------------------------------------------------------------------
# admission on standard land
# ---------------------------------------------------------------------------------------

ADMISSION_CLASSES = ("encouraged", "restricted", "prohibited")
ADMISSION_LABELS_ZH = {"encouraged": "鼓励支持", "restricted": "限制", "prohibited": "禁入"}
CATALOGUE_VALUES = {
    "encouraged": "encouraged",
    "鼓励": "encouraged",
    "鼓励类": "encouraged",
    "permitted": "permitted",
    "允许": "permitted",
    "允许类": "permitted",
    "restricted": "restricted",
    "限制": "restricted",
    "限制类": "restricted",
    "eliminated": "eliminated",
    "淘汰": "eliminated",
    "淘汰类": "eliminated",
}
ZONING_VALUES = {
    "pass": "pass",
    "通过": "pass",
    "符合": "pass",
    "conditional": "conditional",
    "有条件": "conditional",
    "有条件通过": "conditional",
    "fail": "fail",
    "不通过": "fail",
    "不符合": "fail",
}
# threshold column → (indicator, comparison, label, unit)
THRESHOLD_CHECKS: dict[str, tuple[str, str, str, str]] = {
    "min_investment_intensity": ("investment_intensity", ">=", "固定资产投资强度", "万元/亩"),
    "plot_ratio_min": ("plot_ratio", ">=", "容积率", ""),
    "plot_ratio_max": ("plot_ratio", "<=", "容积率", ""),
    "min_tax_per_mu": ("tax_per_mu", ">=", "亩均税收", "万元/亩"),
    "min_output_per_mu": ("output_per_mu", ">=", "亩均产出", "万元/亩"),
    "max_energy_per_output": ("energy_per_output", "<=", "单位产出能耗", "tce/万元"),
    "min_rd_intensity": ("rd_intensity", ">=", "R&D投入强度", ""),
}
# indicator → (numerator, denominator); plot_ratio is committed directly
ADMISSION_INDICATORS: dict[str, tuple[str, str]] = {
    "investment_intensity": ("investment_10k", "land_mu"),
    "tax_per_mu": ("tax_10k", "land_mu"),
    "output_per_mu": ("output_10k", "land_mu"),
    "energy_per_output": ("energy_tce", "output_10k"),
    "rd_intensity": ("rd_10k", "output_10k"),
}


@dataclass(frozen=True)
class AdmissionRules:
    """How checks map to the admission class; the most severe result wins.

    Defaults: a missed standard-land threshold or a figure not committed → restricted
    (限制); catalogue 鼓励/允许 → no objection, 限制类 → prohibited (the 2024 catalogue
    refuses new capacity of restricted items), 淘汰类 → prohibited; zoning (三线一单) pass →
    no objection, conditional → restricted, fail → prohibited; no zoning result → restricted.
    """

    threshold_missed: str = "restricted"
    not_committed: str = "restricted"
    catalogue: Mapping[str, str] | None = None
    zoning: Mapping[str, str] | None = None
    zoning_missing: str = "restricted"

    def catalogue_map(self) -> dict[str, str]:
        base = {"encouraged": "encouraged", "permitted": "encouraged"}
        base |= {"restricted": "prohibited", "eliminated": "prohibited"}
        return base | dict(self.catalogue or {})

    def zoning_map(self) -> dict[str, str]:
        base = {"pass": "encouraged", "conditional": "restricted", "fail": "prohibited"}
        return base | dict(self.zoning or {})

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> AdmissionRules:
        data = dict(data or {})
        allowed = {"threshold_missed", "not_committed", "catalogue", "zoning", "zoning_missing"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise InputError(f"rules: unknown key(s) {', '.join(unknown)}")
        rules = cls(**data)
        outcomes = [rules.threshold_missed, rules.not_committed, rules.zoning_missing]
        outcomes += list(rules.catalogue_map().values()) + list(rules.zoning_map().values())
        bad = sorted({o for o in outcomes if o not in ADMISSION_CLASSES})
        if bad:
            raise InputError(
                f"rules: unknown outcome(s) {', '.join(bad)} (use {', '.join(ADMISSION_CLASSES)})"
            )
        return rules


def _fmt(expr: pl.Expr) -> pl.Expr:
    return expr.round(4).cast(pl.String).str.replace(r"\.0$", "")


def _text_codes(frame: pl.DataFrame, column: str, mapping: Mapping[str, str]) -> pl.Series:
    series = frame.get_column(column).cast(pl.String).str.strip_chars()
    lowered = series.str.to_lowercase()
    lowered = pl.select(pl.when(lowered == "").then(None).otherwise(lowered)).to_series()
    codes = lowered.replace_strict(dict(mapping), default=None, return_dtype=pl.String)
    bad = codes.is_null() & lowered.is_not_null()
    if bad.any():
        raise InputError(
            f"column '{column}': unknown value in {rows_text(bad.to_numpy())} "
            f"(use one of {', '.join(sorted(set(mapping)))})"
        )
    return codes


def admit(
    projects: pl.DataFrame, thresholds: pl.DataFrame, rules: AdmissionRules | None = None
) -> pl.DataFrame:
    """Admission of new projects on standard land (标准地准入) → 鼓励支持 / 限制 / 禁入.

    Parameters
    ----------
    projects : polars.DataFrame
        ``project_id park industry land_mu investment_10k tax_10k output_10k`` (committed
        figures at 达产, 万元 and 亩), optionally ``plot_ratio``, ``energy_tce``, ``rd_10k``,
        ``catalogue`` (鼓励/允许/限制/淘汰 — 产业结构调整指导目录 2024; empty = 允许类) and
        ``zoning`` (通过/有条件/不通过 — the 三线一单 check).
    thresholds : polars.DataFrame
        One row per (``park``, ``industry``), ``*`` matching any; columns among
        ``min_investment_intensity`` (万元/亩), ``plot_ratio_min``, ``plot_ratio_max``,
        ``min_tax_per_mu`` (万元/亩), ``min_output_per_mu`` (万元/亩),
        ``max_energy_per_output`` (tce/万元), ``min_rd_intensity`` (R&D ÷ output); an empty
        cell is not checked. The most specific row wins: (park, industry), (park, *),
        (*, industry), (*, *).
    rules : AdmissionRules
        The decision table (default: :class:`AdmissionRules`).

    Returns
    -------
    polars.DataFrame
        ``projects`` with ``investment_intensity = investment_10k / land_mu``,
        ``tax_per_mu``, ``output_per_mu``, ``energy_per_output = energy_tce / output_10k``,
        ``rd_intensity = rd_10k / output_10k``, ``admission`` (encouraged / restricted /
        prohibited), ``admission_zh`` (鼓励支持 / 限制 / 禁入) and ``reasons`` (every failed
        check, ``; ``-separated; empty when admitted without reservation).
    """
    rules = rules or AdmissionRules()
    _check_admission_keys(projects, thresholds)
    checks = [c for c in THRESHOLD_CHECKS if c in thresholds.columns]
    matched = _match_thresholds(projects, _threshold_table(thresholds, checks), checks)
    values = _admission_indicators(projects, matched, checks)
    n = projects.height
    severity = {name: i for i, name in enumerate(ADMISSION_CLASSES)}
    frame = pl.DataFrame({"__row": np.arange(n)}).with_columns(
        [pl.Series(k, v, nan_to_null=True) for k, v in values.items()]
    )
    frame = frame.with_columns(matched.select(checks)) if checks else frame
    level, reasons = _threshold_outcomes(frame, checks, values, rules, severity)
    level, more, extra_cols = _catalogue_and_zoning(projects, rules, severity, level)
    reasons += more
    if extra_cols:
        frame = frame.with_columns(extra_cols)
    if reasons:
        text = frame.select(
            pl.concat_list([r.alias(f"__r{i}") for i, r in enumerate(reasons)])
            .list.drop_nulls()
            .list.join("; ")
            .alias("reasons")
        ).get_column("reasons")
    else:
        text = pl.Series("reasons", [""] * n)
    admission = pl.Series("admission", level).replace_strict(
        dict(enumerate(ADMISSION_CLASSES)), return_dtype=pl.String
    )
    added = [pl.Series(k, v, nan_to_null=True) for k, v in values.items()]
    added += [
        admission,
        admission.replace_strict(ADMISSION_LABELS_ZH, return_dtype=pl.String).alias("admission_zh"),
        text.alias("reasons"),
    ]
    clash = [s.name for s in added if s.name in projects.columns and s.name != "plot_ratio"]
    if clash:
        raise InputError(f"the input already has column(s) {', '.join(clash)}; rename them")
    return projects.with_columns([s for s in added if s.name != "plot_ratio"])


def _check_admission_keys(projects: pl.DataFrame, thresholds: pl.DataFrame) -> None:
    """Project ids, and the park and industry columns of projects and thresholds, present and filled."""
    check_ids(projects, "project_id")
    for column in ("park", "industry"):
        if column not in projects.columns:
            raise InputError(f"missing column '{column}' (the input has: {', '.join(projects.columns)})")
    for column in ("park", "industry"):
        if column not in thresholds.columns:
            raise InputError(f"thresholds: missing column '{column}'")
        empty = projects.get_column(column).cast(pl.String).str.strip_chars().fill_null("") == ""
        if empty.any():
            raise InputError(f"column '{column}': empty value in {rows_text(empty.to_numpy())}")


def _threshold_table(thresholds: pl.DataFrame, checks: list[str]) -> pl.DataFrame:
    """The thresholds' keys trimmed and checks as floats; a (park, industry) pair given once."""
    table = thresholds.select(
        pl.col("park").cast(pl.String).str.strip_chars(),
        pl.col("industry").cast(pl.String).str.strip_chars(),
        *[pl.col(c).cast(pl.Float64, strict=False) for c in checks],
    )
    dup = table.select("park", "industry").is_duplicated()
    if dup.any():
        raise InputError(f"thresholds: (park, industry) repeated in {rows_text(dup.to_numpy())}")
    return table


def _match_thresholds(projects: pl.DataFrame, table: pl.DataFrame, checks: list[str]) -> pl.DataFrame:
    """Each project's thresholds from the most specific row: (park, industry), (park, *),
    (*, industry), (*, *); a project no row matches is an error naming its rows."""
    keys = projects.select(
        pl.col("park").cast(pl.String).str.strip_chars().alias("__park"),
        pl.col("industry").cast(pl.String).str.strip_chars().alias("__industry"),
    ).with_row_index("__row")
    matched = keys.with_columns(*[pl.lit(None, pl.Float64).alias(c) for c in checks])
    matched = matched.with_columns(pl.lit(False).alias("__found"))
    for park_key, industry_key in (
        ("__park", "__industry"),
        ("__park", None),
        (None, "__industry"),
        (None, None),
    ):
        left = keys.with_columns(
            (pl.col(park_key) if park_key else pl.lit("*")).alias("__p"),
            (pl.col(industry_key) if industry_key else pl.lit("*")).alias("__i"),
        )
        right = table.rename({"park": "__p", "industry": "__i"} | {c: f"__t_{c}" for c in checks})
        joined = left.join(right.with_columns(pl.lit(True).alias("__hit")), on=["__p", "__i"], how="left")
        joined = joined.sort("__row")
        take = (~matched.get_column("__found")) & joined.get_column("__hit").fill_null(False)
        matched = matched.with_columns(
            *[
                pl.when(take).then(joined.get_column(f"__t_{c}")).otherwise(pl.col(c)).alias(c)
                for c in checks
            ],
            (pl.col("__found") | take).alias("__found"),
        )
    missing = ~matched.get_column("__found").to_numpy()
    if missing.any():
        first = int(np.flatnonzero(missing)[0])
        raise InputError(
            f"no standard-land thresholds for park '{keys['__park'][first]}', industry "
            f"'{keys['__industry'][first]}' (columns park, industry) in {rows_text(missing)}; "
            "add a row (or a '*' row) to the thresholds"
        )
    return matched


def _admission_indicators(
    projects: pl.DataFrame, matched: pl.DataFrame, checks: list[str]
) -> dict[str, np.ndarray]:
    """The indicators the input can give (ratios of its columns, and plot_ratio as given); a
    column a matched threshold needs must be there."""
    needed: dict[str, set[str]] = {}
    for check in checks:
        if matched.get_column(check).is_not_null().any():
            indicator = THRESHOLD_CHECKS[check][0]
            cols = [indicator] if indicator == "plot_ratio" else list(ADMISSION_INDICATORS[indicator])
            needed[indicator] = set(cols)
    values: dict[str, np.ndarray] = {}
    for indicator in dict.fromkeys([*ADMISSION_INDICATORS, "plot_ratio"]):
        if indicator == "plot_ratio":
            if "plot_ratio" in projects.columns:
                values["plot_ratio"] = numeric_column(projects, "plot_ratio", allow_null=True, minimum=0)
            elif "plot_ratio" in needed:
                raise InputError("missing column 'plot_ratio' (the thresholds set a plot-ratio range)")
            continue
        top, bottom = ADMISSION_INDICATORS[indicator]
        if top not in projects.columns or bottom not in projects.columns:
            if indicator in needed:
                absent = top if top not in projects.columns else bottom
                raise InputError(f"missing column '{absent}' (the thresholds check {indicator})")
            continue
        signed = top == "tax_10k"
        t = numeric_column(projects, top, allow_null=True, minimum=None if signed else 0)
        b = numeric_column(projects, bottom, allow_null=True, minimum=0)
        zero = b == 0
        if zero.any():
            raise InputError(
                f"column '{bottom}': zero denominator of {indicator} = {top} / {bottom} in {rows_text(zero)}"
            )
        values[indicator] = t / b
    return values


def _threshold_outcomes(
    frame: pl.DataFrame,
    checks: list[str],
    values: dict[str, np.ndarray],
    rules: AdmissionRules,
    severity: dict[str, int],
) -> tuple[np.ndarray, list[pl.Expr]]:
    """The admission level each project's thresholds give, and the reason of each missed one."""
    level = np.zeros(frame.height, np.int64)
    reasons: list[pl.Expr] = []
    for check in checks:
        indicator, op, label, unit = THRESHOLD_CHECKS[check]
        if indicator not in values:
            continue
        value = pl.col(indicator)
        failed = (value < pl.col(check)) if op == ">=" else (value > pl.col(check))
        uncommitted = value.is_null() & pl.col(check).is_not_null()
        flags = frame.select(failed.fill_null(False).alias("f"), uncommitted.alias("u"))
        f, u = flags.get_column("f").to_numpy(), flags.get_column("u").to_numpy()
        level = np.maximum(level, np.where(f, severity[rules.threshold_missed], 0))
        level = np.maximum(level, np.where(u, severity[rules.not_committed], 0))
        sign = "<" if op == ">=" else ">"
        suffix = f" {unit}" if unit else ""
        name = f"{label} ({indicator})"
        reasons.append(
            pl.when(failed.fill_null(False))
            .then(
                pl.concat_str(
                    [
                        pl.lit(f"{name} "),
                        _fmt(value),
                        pl.lit(f" {sign} "),
                        _fmt(pl.col(check)),
                        pl.lit(suffix),
                    ]
                )
            )
            .when(uncommitted)
            .then(
                pl.concat_str(
                    [
                        pl.lit(f"{name}: no committed figure (threshold {op} "),
                        _fmt(pl.col(check)),
                        pl.lit(f"{suffix})"),
                    ]
                )
            )
            .otherwise(None)
        )
    return level, reasons


def _catalogue_and_zoning(
    projects: pl.DataFrame, rules: AdmissionRules, severity: dict[str, int], level: np.ndarray
) -> tuple[np.ndarray, list[pl.Expr], list[pl.Series]]:
    """The industrial catalogue (产业结构调整指导目录) and zoning (三线一单) outcomes, where the
    input has those columns: the raised level, the reasons and the helper columns they read."""
    reasons: list[pl.Expr] = []
    extra_cols: list[pl.Series] = []
    if "catalogue" in projects.columns:
        codes = _text_codes(projects, "catalogue", CATALOGUE_VALUES).fill_null("permitted")
        outcome = codes.replace_strict(rules.catalogue_map(), return_dtype=pl.String)
        level = np.maximum(level, outcome.replace_strict(severity, return_dtype=pl.Int64).to_numpy())
        extra_cols.append(codes.alias("__catalogue"))
        zh = {"encouraged": "鼓励类", "permitted": "允许类", "restricted": "限制类", "eliminated": "淘汰类"}
        reasons.append(
            pl.when(pl.col("__catalogue_outcome") != "encouraged")
            .then(
                pl.lit("产业结构调整指导目录 ")
                + pl.col("__catalogue").replace_strict(zh, return_dtype=pl.String)
            )
            .otherwise(None)
        )
        extra_cols.append(outcome.alias("__catalogue_outcome"))
    if "zoning" in projects.columns:
        zcodes = _text_codes(projects, "zoning", ZONING_VALUES)
        zmap = rules.zoning_map()
        zoutcome = zcodes.replace_strict(zmap, default=rules.zoning_missing, return_dtype=pl.String)
        level = np.maximum(level, zoutcome.replace_strict(severity, return_dtype=pl.Int64).to_numpy())
        extra_cols += [zcodes.alias("__zoning"), zoutcome.alias("__zoning_outcome")]
        zh_z = {"pass": "通过", "conditional": "有条件通过", "fail": "不通过"}
        reasons.append(
            pl.when(pl.col("__zoning").is_null())
            .then(pl.lit("三线一单 zoning check: no result"))
            .when(pl.col("__zoning_outcome") != "encouraged")
            .then(
                pl.lit("三线一单 zoning check: ")
                + pl.col("__zoning").replace_strict(zh_z, return_dtype=pl.String)
            )
            .otherwise(None)
        )
    return level, reasons, extra_cols
