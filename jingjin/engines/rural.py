"""Return-to-poverty screening (防止返贫动态监测): the monitoring type and the risk-elimination test.

Rules of the national guideline 《关于完善防止返贫动态监测和帮扶机制的指导意见》 (2021) as the county
pages implementing it state them (REFERENCE.md §6); the household is the unit.

Input, one row per household (incomes in yuan over the last 12 months, flags 0/1):

``household_id, members, former_poor, net_income, rigid_expenditure, food_clothing_secure,
education_secure, medical_secure, housing_secure, water_secure, labour_capacity, monitored_since,
assistance_count, months_above_line``

Output adds, with ``line`` the monitoring line (yuan per capita per year; 2021: 6,000):

* ``per_capita_income`` = net_income / members (yuan per person);
* ``adjusted_per_capita`` = (net_income − rigid_expenditure) / members (yuan per person);
* ``in_range`` = per_capita_income ≤ line (inclusive: a household exactly at the line is in range);
* ``basic_needs_risk`` = any of the five ``*_secure`` flags is 0 (两不愁三保障 and drinking water);
* ``monitoring_type`` — ``unstable`` (脱贫不稳定户) if in_range and former_poor; ``marginal``
  (边缘易致贫户) if in_range and not former_poor; otherwise ``sudden`` (突发严重困难户) if
  adjusted_per_capita ≤ line or basic_needs_risk; otherwise ``none``;
* ``eligible_for_elimination`` (风险消除) — false for a household without ``monitored_since``;
  else true when all of: monitored_since + 6 calendar months ≤ as_of (the day clamped to the end
  of the month: 2021-08-31 + 6 months = 2022-02-28), assistance_count ≥ 1, months_above_line ≥ 6,
  not basic_needs_risk, labour_capacity = 1 (a household without labour capacity stays
  monitored) and monitoring_type = ``none``.

Bad input raises :class:`~jingjin.engines.errors.InputError` naming columns and data rows:
members not a whole number ≥ 1, a negative or non-finite income or expenditure, a flag other than
0/1, a count not a whole number ≥ 0, an unparseable ``monitored_since`` (YYYY-MM-DD; empty means
not monitored). Everything is vectorised polars expressions; no Django, no files.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Final

import numpy as np
import polars as pl

from jingjin.engines.errors import InputError, require_rows, rows_text

FLAG_COLUMNS: Final = (
    "former_poor",
    "food_clothing_secure",
    "education_secure",
    "medical_secure",
    "housing_secure",
    "water_secure",
    "labour_capacity",
)
SECURE_COLUMNS: Final = FLAG_COLUMNS[1:6]
MONEY_COLUMNS: Final = ("net_income", "rigid_expenditure")
COUNT_COLUMNS: Final = ("members", "assistance_count", "months_above_line")
INPUT_COLUMNS: Final = (
    "household_id",
    "members",
    "former_poor",
    "net_income",
    "rigid_expenditure",
    "food_clothing_secure",
    "education_secure",
    "medical_secure",
    "housing_secure",
    "water_secure",
    "labour_capacity",
    "monitored_since",
    "assistance_count",
    "months_above_line",
)
OUTPUT_COLUMNS: Final = (
    "per_capita_income",
    "adjusted_per_capita",
    "in_range",
    "basic_needs_risk",
    "monitoring_type",
    "eligible_for_elimination",
)
MONITORING_TYPES: Final = ("unstable", "marginal", "sudden", "none")
#: Months a household is monitored, and months its income stays above the line, before its risk
#: may be eliminated (“至少半年”).
ELIMINATION_MONTHS: Final = 6
#: The most money accepted in one cell (yuan): far above any household income, below float trouble.
MONEY_LIMIT: Final = 1e12
DATE_FORMAT: Final = "%Y-%m-%d"


def line_for(lines: Mapping[int, float], year: int) -> float:
    """The monitoring line of ``year`` from a ``{year: yuan}`` table; a year without one is an error."""
    if year not in lines:
        known = ", ".join(str(y) for y in sorted(lines)) or "none"
        raise InputError(
            f"no monitoring line is configured for {year} (configured years: {known}); give --line"
        )
    value = float(lines[year])
    if not np.isfinite(value) or value <= 0:
        raise InputError(f"the monitoring line of {year} must be a positive number of yuan, got {value!r}")
    return value


def _missing_columns(columns: list[str]) -> None:
    missing = [c for c in INPUT_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            f"missing column {', '.join(repr(c) for c in missing)} "
            f"(the input has: {', '.join(columns)}; expected {', '.join(INPUT_COLUMNS)})"
        )


def _as_float(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Float64, strict=False)


def _number(name: str, schema: pl.Schema | None) -> pl.Expr:
    """The column as a number: as it is when already numeric (no cast of ten million values),
    else cast to Float64 (texts that are no number become null)."""
    dtype = schema.get(name, pl.String) if schema is not None else pl.String
    if dtype.is_integer() or dtype.is_float():
        return pl.col(name)
    return _as_float(name)


def _is_integer(name: str, schema: pl.Schema | None) -> bool:
    return schema is not None and schema.get(name, pl.String).is_integer()


def _since_expr(dtype: pl.DataType) -> pl.Expr:
    """``monitored_since`` as a date (null when empty); unparseable texts become null too."""
    column = pl.col("monitored_since")
    if dtype == pl.Date:
        return column
    if dtype == pl.Datetime:
        return column.dt.date()
    if dtype == pl.Null:
        return column.cast(pl.Date)
    text = column.cast(pl.String).str.strip_chars()
    text = pl.when(text == "").then(None).otherwise(text)
    return text.str.slice(0, 10).str.to_date(DATE_FORMAT, strict=False)


def _since_given(dtype: pl.DataType) -> pl.Expr:
    if dtype in (pl.Date, pl.Datetime, pl.Null):
        return pl.col("monitored_since").is_not_null()
    text = pl.col("monitored_since").cast(pl.String).str.strip_chars()
    return text.is_not_null() & (text != "")


def _problems(schema: pl.Schema) -> dict[str, pl.Expr]:
    """One boolean expression per check: true on the rows at fault."""
    checks: dict[str, pl.Expr] = {}
    for name in COUNT_COLUMNS:
        value = _number(name, schema)
        low = 1 if name == "members" else 0
        check = value.is_null() | (value < low)
        if not _is_integer(name, schema):  # integers are whole and finite already
            check = check | ~value.is_finite() | (value != value.floor())
        checks[f"{name}|a whole number ≥ {low}"] = check
    for name in MONEY_COLUMNS:
        value = _number(name, schema)
        check = value.is_null() | (value < 0) | (value > MONEY_LIMIT)
        if not _is_integer(name, schema):
            check = check | ~value.is_finite()
        checks[f"{name}|a number of yuan ≥ 0"] = check
    for name in FLAG_COLUMNS:
        value = _number(name, schema)
        checks[f"{name}|0 or 1"] = value.is_null() | ((value != 0) & (value != 1))
    dtype = schema["monitored_since"]
    checks["monitored_since|a date YYYY-MM-DD or empty"] = _since_given(dtype) & _since_expr(dtype).is_null()
    return checks


def validate(frame: pl.DataFrame | pl.LazyFrame) -> None:
    """Raise :class:`InputError` naming every bad column and its data rows; return when clean.

    One aggregated pass tells whether anything is wrong; the rows are located only then.
    """
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    _missing_columns(list(schema.names()))
    checks = _problems(schema)
    counts = lazy.select([e.sum().alias(k) for k, e in checks.items()] + [pl.len().alias("__rows")]).collect()
    require_rows(int(counts["__rows"][0]))
    failing = [k for k in checks if int(counts[k][0] or 0) > 0]
    if not failing:
        return
    masks = lazy.select([checks[k].alias(k) for k in failing]).collect()
    parts = []
    for key in failing:
        column, rule = key.split("|", 1)
        parts.append(f"column '{column}': not {rule} in {rows_text(masks[key].to_numpy())}")
    raise InputError("; ".join(parts))


#: The conditions of risk elimination, in the order the docs list them (names of the explain columns).
CONDITIONS: Final = (
    "monitored_six_months",
    "assisted",
    "income_stable",
    "basic_needs_secure",
    "labour_capacity",
    "out_of_range",
)


def screen_lazy(
    frame: pl.DataFrame | pl.LazyFrame, *, line: float, as_of: date, explain: bool = False
) -> pl.LazyFrame:
    """The screening as a lazy query over validated input (see the module docstring for the rules).

    With ``explain``, one boolean column ``condition_<name>`` per entry of :data:`CONDITIONS`
    tells which elimination conditions hold.
    """
    if not np.isfinite(line) or line <= 0:
        raise InputError(f"the monitoring line must be a positive number of yuan, got {line!r}")
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    dtype = schema["monitored_since"]
    members = _as_float("members")  # true division in Float64 whatever the input's types
    net = _as_float("net_income")
    per_capita = net / members
    adjusted = (net - _as_float("rigid_expenditure")) / members
    risk = pl.any_horizontal([_number(c, schema) == 0 for c in SECURE_COLUMNS])
    in_range = pl.col("per_capita_income") <= line
    former = _number("former_poor", schema) == 1
    kind = (
        pl.when(pl.col("in_range") & former)
        .then(pl.lit("unstable"))
        .when(pl.col("in_range"))
        .then(pl.lit("marginal"))
        .when((pl.col("adjusted_per_capita") <= line) | pl.col("basic_needs_risk"))
        .then(pl.lit("sudden"))
        .otherwise(pl.lit("none"))
    )
    since = _since_expr(dtype)
    conditions = {
        "monitored_six_months": (since.dt.offset_by(f"{ELIMINATION_MONTHS}mo") <= pl.lit(as_of)).fill_null(
            False
        ),
        "assisted": _number("assistance_count", schema) >= 1,
        "income_stable": _number("months_above_line", schema) >= ELIMINATION_MONTHS,
        "basic_needs_secure": ~pl.col("basic_needs_risk"),
        "labour_capacity": _number("labour_capacity", schema) == 1,
        "out_of_range": pl.col("monitoring_type") == "none",
    }
    eligible = pl.all_horizontal(list(conditions.values()))
    result = (
        lazy.with_columns(per_capita.alias("per_capita_income"), adjusted.alias("adjusted_per_capita"))
        .with_columns(in_range.alias("in_range"), risk.alias("basic_needs_risk"))
        .with_columns(kind.alias("monitoring_type"))
    )
    if explain:
        result = result.with_columns(expr.alias(f"condition_{name}") for name, expr in conditions.items())
    return result.with_columns(eligible.alias("eligible_for_elimination"))


def screen(
    frame: pl.DataFrame | pl.LazyFrame, *, line: float, as_of: date, explain: bool = False
) -> pl.DataFrame:
    """Validate ``frame`` and return it with the screening columns added (rules in the module doc).

    One pass: the checks of :func:`validate` ride along as one flag column of the screening query;
    only when a row is flagged is the input checked again to name the rows and columns at fault.
    """
    lazy = frame.lazy()
    schema = lazy.collect_schema()
    _missing_columns(list(schema.names()))
    bad = pl.any_horizontal(list(_problems(schema).values())).alias("__bad")
    result = screen_lazy(lazy, line=line, as_of=as_of, explain=explain).with_columns(bad).collect()
    require_rows(result.height)
    if result.get_column("__bad").any():
        validate(frame)
    return result.drop("__bad")
