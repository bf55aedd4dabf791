"""A campaign's run, between the stored sources and the engine: join the source tables on the
credit code (the join report), apply the accepted appeals' corrections, pick the firms the scheme
can grade, call :func:`jingjin.engines.land.evaluate`, flag outliers and explain each result.

Pure polars/numpy over frames, no database: :mod:`jingjin.land.services` reads the sources, calls
:func:`evaluate_campaign` and stores its rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from jingjin.engines.land import LandScheme, evaluate
from jingjin.land.choices import SourceKind
from jingjin.land.sources import COLUMNS

#: per-mu indicators whose values beyond this quantile are flagged for review
OUTLIER_QUANTILE = 0.999
PER_MU = ("tax_per_mu", "value_added_per_mu", "revenue_per_mu")
#: the columns a correction (appeal) may set, and their source
CORRECTABLE = {c.key: kind for kind, cols in COLUMNS.items() for c in cols if c.kind in ("number", "signed")}


@dataclass
class JoinReport:
    """Codes of the land register missing from each source, and codes of a source missing from the
    land register (no land: such a firm cannot be evaluated)."""

    firms: int = 0
    missing_from: dict[str, list[str]] = field(default_factory=dict)
    no_land: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self, *, most: int = 50) -> dict[str, Any]:
        return {
            "firms": self.firms,
            "missing_from": {k: {"count": len(v), "codes": v[:most]} for k, v in self.missing_from.items()},
            "no_land": {k: {"count": len(v), "codes": v[:most]} for k, v in self.no_land.items()},
        }


def join_sources(frames: Mapping[str, pl.DataFrame]) -> tuple[pl.DataFrame, JoinReport]:
    """The land register left-joined with every other source on ``credit_code``; a column
    ``missing_sources`` lists the sources without the firm."""
    land = frames[SourceKind.LAND]
    report = JoinReport(firms=land.height)
    joined = land.with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("missing_sources"))
    land_codes = land.select("credit_code")
    for kind, frame in frames.items():
        if kind == SourceKind.LAND:
            continue
        missing = land_codes.join(frame.select("credit_code"), on="credit_code", how="anti")
        report.missing_from[kind] = sorted(missing.get_column("credit_code").to_list())
        orphan = frame.select("credit_code").join(land_codes, on="credit_code", how="anti")
        report.no_land[kind] = sorted(orphan.get_column("credit_code").to_list())
        marked = frame.with_columns(pl.lit(True).alias("__in"))
        joined = (
            joined.join(marked, on="credit_code", how="left")
            .with_columns(
                pl.when(pl.col("__in").is_null())
                .then(pl.col("missing_sources").list.concat(pl.lit([kind], dtype=pl.List(pl.String))))
                .otherwise(pl.col("missing_sources"))
                .alias("missing_sources")
            )
            .drop("__in")
        )
    return joined, report


def apply_corrections(frame: pl.DataFrame, corrections: Mapping[str, Mapping[str, float]]) -> pl.DataFrame:
    """``frame`` with the corrected values of accepted appeals (credit code → column → value)."""
    if not corrections:
        return frame
    for code, values in corrections.items():
        for column, value in values.items():
            if column not in CORRECTABLE:
                continue
            if column not in frame.columns:
                frame = frame.with_columns(pl.lit(None, pl.Float64).alias(column))
            frame = frame.with_columns(
                pl.when(pl.col("credit_code") == code)
                .then(pl.lit(float(value)))
                .otherwise(pl.col(column))
                .alias(column)
            )
    return frame


def _needed(scheme: LandScheme) -> dict[str, set[str]]:
    """Per segment, the input columns of the indicators a firm must have (criteria whose missing
    value is an error); the denominators must also be more than 0."""
    out: dict[str, set[str]] = {}
    for segment, spec in scheme.segments.items():
        cols: set[str] = set()
        for c in spec.criteria:
            ind = scheme.indicators.get(c.column)
            if ind is not None and c.missing == "error":
                cols |= {ind.numerator, ind.denominator}
        out[segment] = cols
    return out


def _gradable(frame: pl.DataFrame, scheme: LandScheme) -> tuple[np.ndarray, list[list[str]]]:
    """Which firms the scheme can grade, and for the others the missing or zero inputs."""
    n = frame.height
    above = frame.get_column("above_scale").to_numpy() if "above_scale" in frame.columns else np.ones(n, bool)
    reasons: list[list[str]] = [[] for _ in range(n)]
    denominators = {i.denominator for i in scheme.indicators.values()}
    ok = np.ones(n, bool)
    for segment, cols in _needed(scheme).items():
        rows = above if segment == "above_scale" else ~above
        for col in sorted(cols):
            if col in frame.columns:
                values = frame.get_column(col).cast(pl.Float64).fill_null(np.nan).to_numpy()
            else:
                values = np.full(n, np.nan)
            bad = rows & (np.isnan(values) | ((values == 0) if col in denominators else False))
            for i in np.flatnonzero(bad):
                reasons[int(i)].append(col)
            ok &= ~bad
    in_scheme = np.zeros(n, bool)
    for segment in scheme.segments:
        in_scheme |= above if segment == "above_scale" else ~above
    for i in np.flatnonzero(~in_scheme):
        reasons[int(i)].append("segment")
    return ok & in_scheme, reasons


@dataclass
class RunResult:
    rows: list[dict[str, Any]]
    summary: dict[str, Any]


def _benchmarks(scheme: LandScheme) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for segment, spec in scheme.segments.items():
        for c in spec.criteria:
            ind = scheme.indicators.get(c.column)
            out.setdefault(segment, {})[c.name or c.column] = {
                "indicator": c.column,
                "label": c.label or (ind.label if ind else c.column),
                "unit": ind.unit if ind else "",
                "benchmark": c.benchmark if isinstance(c.benchmark, int | float) else None,
                "weight": c.weight,
            }
    return out


def evaluate_campaign(
    frames: Mapping[str, pl.DataFrame], scheme: LandScheme, corrections: Mapping[str, Mapping[str, float]]
) -> RunResult:
    """Join, correct, grade and flag: one row (a dict) per firm of the land register."""
    joined, report = join_sources(frames)
    joined = apply_corrections(joined, corrections)
    if "above_scale" not in joined.columns:
        joined = joined.with_columns(pl.lit(True).alias("above_scale"))
    # a source left out entirely (e.g. no emissions file) is empty data for the scheme's items
    used = {
        c
        for name in scheme.indicator_names()
        for c in (scheme.indicators[name].numerator, scheme.indicators[name].denominator)
    }
    absent = sorted(c for c in used if c not in joined.columns)
    if absent:
        joined = joined.with_columns(*[pl.lit(None, pl.Float64).alias(c) for c in absent])
    ok, reasons = _gradable(joined, scheme)
    graded = joined.filter(pl.Series(ok))
    inputs = [c for c in joined.columns if c in CORRECTABLE]
    out = joined.select("credit_code", *inputs)
    if graded.height:
        engine_in = graded.with_columns(
            pl.col("exempt").cast(pl.Int8)
            if "exempt" in graded.columns
            else pl.lit(0, pl.Int8).alias("exempt"),
            pl.col("above_scale").cast(pl.Int8),
        ).rename({"credit_code": "enterprise_id"})
        result = evaluate(engine_in.drop("missing_sources", "name", strict=False), scheme, explain=True)
        added = [c for c in result.columns if c not in engine_in.columns]
        out = out.join(
            result.select(pl.col("enterprise_id").alias("credit_code"), *added), on="credit_code", how="left"
        )
    rows = _rows(joined, out, ok, reasons, scheme)
    summary = _summary(rows, report)
    return RunResult(rows=rows, summary=summary)


def _flags(out: pl.DataFrame, ok: np.ndarray) -> list[list[str]]:
    """Outliers: a per-mu value above the 99.9th percentile of the graded firms."""
    flags: list[list[str]] = [[] for _ in range(out.height)]
    for name in PER_MU:
        if name not in out.columns:
            continue
        values = out.get_column(name).cast(pl.Float64).fill_null(np.nan).to_numpy()
        usable = values[ok & ~np.isnan(values)]
        if usable.size < 10:
            continue
        cut = float(np.quantile(usable, OUTLIER_QUANTILE))
        for i in np.flatnonzero(values > cut):
            flags[int(i)].append(f"outlier:{name}")
    return flags


def _dicts(frame: pl.DataFrame, columns: list[str], rename: int = 0) -> list[dict[str, Any]]:
    """Per row, the non-empty values of ``columns`` (rounded to 6 decimals; NaN and ±inf dropped)."""
    if not columns:
        return [{} for _ in range(frame.height)]
    part = frame.select(
        [pl.col(c).cast(pl.Float64).round(6).fill_nan(None).alias(c[rename:]) for c in columns]
    ).with_columns(pl.all().replace([float("inf"), float("-inf")], None))
    return [{k: v for k, v in d.items() if v is not None} for d in part.iter_rows(named=True)]


def _rows(
    joined: pl.DataFrame, out: pl.DataFrame, ok: np.ndarray, reasons: list[list[str]], scheme: LandScheme
) -> list[dict[str, Any]]:
    """One dict per firm (vectorised where it counts: 100,000 firms take a few seconds)."""
    marks = _benchmarks(scheme)
    flags = _flags(out, ok)
    names = (
        joined.get_column("name").fill_null("").to_list()
        if "name" in joined.columns
        else [""] * joined.height
    )
    above = joined.get_column("above_scale").to_list()
    missing = joined.get_column("missing_sources").to_list()
    inputs = _dicts(out, [c for c in out.columns if c in CORRECTABLE])
    indicators = _dicts(out, [c for c in out.columns if c in scheme.indicators])
    points = _dicts(out, [c for c in out.columns if c.startswith("item_")], rename=5)
    zero = pl.Series([None] * out.height, dtype=pl.Float64)
    scores = _dicts(
        out.with_columns(out.get_column("score") if "score" in out.columns else zero.alias("score")),
        ["score"],
    )
    codes = out.get_column("credit_code").to_list()
    classes = out.get_column("class").fill_null("").to_list() if "class" in out.columns else [""] * out.height
    ranks = out.get_column("rank").to_list() if "rank" in out.columns else [None] * out.height
    rows: list[dict[str, Any]] = []
    for i, credit_code in enumerate(codes):
        row_flags = flags[i] + [f"missing:{k}" for k in missing[i] or []]
        if not ok[i]:
            row_flags += [f"not_graded:{r}" for r in reasons[i]]
        rows.append(
            {
                "credit_code": credit_code,
                "name": names[i],
                "above_scale": bool(above[i]),
                "land_mu": inputs[i].get("land_mu"),
                "inputs": inputs[i],
                "indicators": indicators[i],
                "points": points[i],
                "benchmarks": marks.get("above_scale" if above[i] else "below_scale", {}),
                "score": scores[i].get("score"),
                "firm_class": str(classes[i]) if ok[i] else "",
                "rank": ranks[i],
                "flags": row_flags,
            }
        )
    return rows


def _summary(rows: list[dict[str, Any]], report: JoinReport) -> dict[str, Any]:
    classes: dict[str, int] = {}
    for r in rows:
        if r["firm_class"]:
            classes[r["firm_class"]] = classes.get(r["firm_class"], 0) + 1
    return {
        "firms": len(rows),
        "graded": sum(classes.values()),
        "not_graded": sum(1 for r in rows if any(f.startswith("not_graded") for f in r["flags"])),
        "outliers": sum(1 for r in rows if any(f.startswith("outlier") for f in r["flags"])),
        "classes": dict(sorted(classes.items())),
        "join": report.as_dict(),
    }
