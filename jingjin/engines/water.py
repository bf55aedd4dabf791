"""Surface water quality class (GB 3838-2002) and black-odorous water bodies.

* :func:`parameter_class` — class 1–6 (I … 劣V) of one parameter (单因子评价);
* :func:`classify` — class of each sample: the worst class of its assessed parameters, with
  the limiting parameters, grade (水质状况), good (I–III) and exceedance multiples over
  class III (超标倍数 = (C − S_III) / S_III); rivers, lakes and reservoirs may be mixed in one
  input by a type column (:func:`waterbody_types`), and cells flagged by quality control left out;
* :func:`river` — evaluation of a river or basin from its sections (断面): single-factor on
  the parameter means with fewer than 5 sections, otherwise the class-share method;
* :func:`blackodor` — light / severe black-odorous water (城市黑臭水体整治工作指南 2015) per
  sample, sampling point and water body.

Standards: GB 3838-2002 Table 1; 地表水环境质量评价办法（试行）环办〔2011〕22号 (routine 21
items, grades, class-share method); 城市黑臭水体整治工作指南 (住房城乡建设部, 环境保护部,
2015). Tables in :mod:`jingjin.engines.tables.water_gb3838`.

Comparisons are on the values as written: a float read from a decimal text compares with a
limit exactly as the decimals do (``0.15 ≤ 0.15``), so a value at a limit meets that class.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt
import polars as pl

from jingjin.engines import water_kernel
from jingjin.engines.air._input import (
    FloatArray,
    InvalidInputError,
    InvalidPolicy,
    Problems,
    as_frame,
    describe_rows,
    finish,
    match_columns,
    numeric,
)
from jingjin.engines.air.standards import scale
from jingjin.engines.tables import water_gb3838 as gb3838

Waterbody = Literal["river", "lake"]
Items = Literal["routine", "all"]
ClassArray = npt.NDArray[np.int8]

PARAMETERS: Final = gb3838.PARAMETERS
BLACKODOR_COLUMNS: Final = tuple(gb3838.BLACKODOR)
BLACKODOR_LEVELS: Final = ("非黑臭", "轻度黑臭", "重度黑臭")

#: Water body type names accepted in a type column (lower-cased) → the type used.
#: Reservoirs are evaluated as lakes (GB 3838-2002 Table 1: one column for 湖、库).
WATERBODY_NAMES: Final[dict[str, str]] = {
    "river": "river",
    "河流": "river",
    "河": "river",
    "lake": "lake",
    "湖泊": "lake",
    "湖": "lake",
    "湖库": "lake",
    "reservoir": "reservoir",
    "水库": "reservoir",
    "库": "reservoir",
}
#: Result column with the type each row was evaluated as (with ``waterbody_column``).
WATERBODY_USED: Final = "waterbody_used"
#: Result column listing the items left out by a quality-control flag (with ``missing_flag_suffix``).
EXCLUDED: Final = "excluded"

__all__ = [
    "BLACKODOR_COLUMNS",
    "PARAMETERS",
    "InvalidInputError",
    "assessed_items",
    "blackodor",
    "classify",
    "classify_with_counts",
    "parameter_class",
    "river",
    "waterbody_types",
]


def _check(waterbody: str, items: str) -> tuple[Waterbody, Items]:
    if waterbody not in ("river", "lake"):
        raise ValueError(f"waterbody must be 'river' or 'lake', not {waterbody!r}")
    if items not in ("routine", "all"):
        raise ValueError(f"items must be 'routine' or 'all', not {items!r}")
    return waterbody, items  # type: ignore[return-value]


def waterbody_types(
    data: pl.DataFrame | Mapping[str, Any], column: str, *, default: str | None = None
) -> pl.Series:
    """Each row's water body type (水体类型) from a type column: ``river``, ``lake`` or ``reservoir``.

    Accepted (trimmed, any case): ``river`` / 河流 / 河; ``lake`` / 湖泊 / 湖 / 湖库;
    ``reservoir`` / 水库 / 库. An empty or missing cell takes ``default`` (``"river"`` or
    ``"lake"``); without a default it is an error naming the row. A value that is none of
    these is always an error naming the row and column: a misspelt type must not silently
    become a river. Reservoirs are evaluated as lakes (GB 3838-2002 Table 1 gives one
    湖、库 column), but keep their own name in the result.
    """
    frame = as_frame(data)
    if column not in frame.columns:
        raise InvalidInputError(
            f"water body type column {column!r} is not in the input (columns: {', '.join(frame.columns)})"
        )
    if default is not None:
        _check(default, "routine")
    text = frame[column].cast(pl.String).str.strip_chars()
    empty = (text.is_null() | (text == "")).to_numpy()
    kinds = text.str.to_lowercase().replace_strict(WATERBODY_NAMES, default=None, return_dtype=pl.String)
    unknown = np.flatnonzero(kinds.is_null().to_numpy() & ~empty)
    if unknown.size:
        shown = ", ".join(repr(v) for v in text.gather(unknown[:5]).unique(maintain_order=True).to_list())
        raise InvalidInputError(
            f"column {column}: unknown water body type ({shown}) in {describe_rows(unknown)}; "
            f"use river, lake or reservoir (河流, 湖泊, 水库) (rows counted from 1 = the first data row "
            f"under the header)"
        )
    if empty.any():
        if default is None:
            raise InvalidInputError(
                f"column {column}: empty water body type in {describe_rows(np.flatnonzero(empty))}; "
                f"fill it in or give a default type (--waterbody) (rows counted from 1 = the first "
                f"data row under the header)"
            )
        kinds = kinds.fill_null(default)
    return kinds.alias(WATERBODY_USED)


def _limits(parameter: str, waterbody: Waterbody) -> tuple[str, tuple[float, ...]]:
    if waterbody == "lake" and parameter in gb3838.LAKE_LIMITS:
        return gb3838.LAKE_LIMITS[parameter]
    return gb3838.LIMITS[parameter]


def assessed_items(waterbody: str, items: str = "routine") -> tuple[str, ...]:
    """Parameters that decide the class.

    ``routine``: the 21 items of 环办〔2011〕22号 (lakes assess TN separately: it gets a
    ``class_tn`` column but does not decide the class). ``all``: every Table 1 item given —
    TN counts for lakes and reservoirs only (GB 3838 gives TN limits for 湖、库).
    """
    body, which = _check(waterbody, items)
    if which == "routine":
        return gb3838.ROUTINE
    return tuple(p for p in PARAMETERS if not (p == "tn" and body == "river"))


def parameter_class(values: npt.ArrayLike, *, parameter: str, waterbody: str = "river") -> ClassArray:
    """Class 1–6 (I, II, III, IV, V, 劣V) of one parameter by GB 3838-2002 Table 1; 0 where missing.

    The best class whose limit the value meets: ``value ≤ limit`` (mg/L; faecal coliform
    个/L), DO ``value ≥ limit``, pH 6–9 inclusive (class I, else 劣V). Total phosphorus uses
    the lake/reservoir column for ``waterbody="lake"``.
    """
    body, _ = _check(waterbody, "routine")
    if parameter not in gb3838.LIMITS:
        raise ValueError(f"unknown parameter {parameter!r}; known: {' '.join(PARAMETERS)}")
    c = np.atleast_1d(np.asarray(values, dtype=np.float64))
    kind, bounds = _limits(parameter, body)
    missing = np.isnan(c)
    if kind == "range":
        result = np.where((c >= bounds[0]) & (c <= bounds[1]), 1, 6)
    elif kind == "ge":
        result = np.searchsorted(-np.asarray(bounds), -c, side="left") + 1
    else:
        result = np.searchsorted(np.asarray(bounds), c, side="left") + 1
    return np.where(missing, 0, result).astype(np.int8)


def multiple_hundredths(values: FloatArray, limit: float) -> npt.NDArray[np.int64]:
    """Exceedance multiple (C − S)/S in hundredths, rounded by GB/T 8170 (ties to even), exactly.

    Works on the decimals as written (values held as integers of millionths, see
    :func:`jingjin.engines.air.scale`): 20.5 over 20 is 0.025 → 0.02, although the binary
    quotient 0.025000000000000001 would round to 0.03.
    """
    held = scale(values)
    s = round(limit * 1_000_000)
    numerator = 100 * (held.units - s)
    quotient, remainder = np.divmod(numerator, s)
    twice = 2 * remainder
    result = quotient + ((twice > s) | ((twice == s) & (quotient % 2 == 1)))
    # Values with more than 6 decimals: settle them one by one on their decimal text.
    for row in np.flatnonzero(~held.exact).tolist():
        c = Decimal(repr(float(values[row])))
        limit_text = Decimal(repr(limit))
        hundredths = ((c - limit_text) / limit_text * 100).quantize(Decimal(1), rounding=ROUND_HALF_EVEN)
        result[row] = int(hundredths)
    return result


def _class_strings(classes: ClassArray) -> pl.Series:
    return pl.Series([None, *gb3838.CLASS_NAMES], dtype=pl.String).gather(
        pl.Series(classes.astype(np.uint32))
    )


def classify(
    data: pl.DataFrame | Mapping[str, Any],
    *,
    waterbody: str | None = None,
    items: str = "routine",
    invalid: InvalidPolicy = "raise",
    waterbody_column: str | None = None,
    missing_flag_suffix: str | None = None,
) -> pl.DataFrame:
    """Water quality class of each sample (水质类别) by GB 3838-2002, single-factor method.

    Parameters
    ----------
    data : DataFrame or mapping with any of ``ph do codmn cod bod5 nh3_n tp tn cu zn f se
        as hg cd cr6 pb cn phenol petroleum las sulfide fecal_coliform`` (mg/L, pH
        dimensionless, faecal coliform 个/L); other columns are carried through.
    waterbody : ``"river"`` or ``"lake"`` (lakes and reservoirs: TP lake column, TN) for
        every row; with ``waterbody_column``, the type of rows whose type cell is empty.
    items : ``"routine"`` (21 items) or ``"all"`` (see :func:`assessed_items`).
    invalid : ``"raise"`` or ``"skip"`` as in :func:`jingjin.engines.air.aqi`.
    waterbody_column : a column giving each row's type (see :func:`waterbody_types`):
        each row is evaluated exactly as a ``waterbody="river"`` or ``"lake"`` run would
        evaluate it (reservoirs as lakes).
    missing_flag_suffix : e.g. ``"_flag"``: a cell of item column ``C`` whose column
        ``C<suffix>`` is non-empty (any text, any number, ``True``) is treated as missing
        whatever it holds — a value that failed the day's quality control (当天质控不合格)
        is left out of the class, as the national platform does.

    Returns
    -------
    The input columns, then ``class`` (I … 劣V; null when no parameter is given),
    ``class_num`` (1–6), ``grade`` (I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染),
    ``good`` (class I–III), ``limiting`` (parameters at the sample's class, ``;``-joined,
    empty for class I), ``exceedances`` (``name:multiple`` over class III for parameters
    worse than III, not for pH and DO), ``assessed`` (number of parameters assessed),
    for lakes with routine items and TN given ``class_tn`` (null on river rows), with
    ``waterbody_column`` ``waterbody_used`` (river / lake / reservoir), and with
    ``missing_flag_suffix`` ``excluded`` (the flagged items left out, ``;``-joined).
    """
    return classify_with_counts(
        data,
        waterbody=waterbody,
        items=items,
        invalid=invalid,
        waterbody_column=waterbody_column,
        missing_flag_suffix=missing_flag_suffix,
    )[0]


def _flagged(frame: pl.DataFrame, column: str, suffix: str) -> npt.NDArray[np.bool_] | None:
    """Rows whose flag column ``<column><suffix>`` is non-empty; None when there is no such column."""
    wanted = f"{column}{suffix}".strip().lower()
    names = [c for c in frame.columns if c.strip().lower() == wanted]
    if not names:
        return None
    if len(names) > 1:
        raise InvalidInputError(f"the flag column {wanted} is given twice: {', '.join(names)}")
    flag = frame[names[0]]
    if flag.dtype == pl.Boolean:
        marked = flag.fill_null(False)
    elif flag.dtype == pl.String or flag.dtype == pl.Categorical:
        text = flag.cast(pl.String).str.strip_chars()
        marked = text.is_not_null() & (text != "")
    else:
        marked = flag.is_not_null()
    return np.asarray(marked.to_numpy(), dtype=np.bool_)


def _joined_names(masks: list[tuple[str, npt.NDArray[np.bool_]]], n: int) -> pl.Series:
    """Per row, the names whose mask is set, ``;``-joined in the order given (empty for none)."""
    codes = np.zeros(n, dtype=np.int64)
    for k, (_, mask) in enumerate(masks):
        codes |= np.where(mask, 1 << k, 0)
    unique, inverse = np.unique(codes, return_inverse=True)
    texts = [";".join(name for k, (name, _) in enumerate(masks) if int(code) >> k & 1) for code in unique]
    return pl.Series(texts, dtype=pl.String).gather(pl.Series(inverse.ravel().astype(np.uint32)))


def classify_with_counts(
    data: pl.DataFrame | Mapping[str, Any],
    *,
    waterbody: str | None = None,
    items: str = "routine",
    invalid: InvalidPolicy = "raise",
    waterbody_column: str | None = None,
    missing_flag_suffix: str | None = None,
) -> tuple[pl.DataFrame, dict[str, int]]:
    """:func:`classify`, also returning the number of invalid cells marked missing per column."""
    if waterbody is None and waterbody_column is None:
        raise ValueError("give waterbody ('river' or 'lake') or waterbody_column")
    body, which = _check(waterbody or "river", items)
    if missing_flag_suffix is not None and not missing_flag_suffix.strip():
        raise ValueError("missing_flag_suffix must not be empty")
    frame = as_frame(data)
    n = frame.height
    mapping = match_columns(frame.columns, PARAMETERS)
    if not mapping:
        raise InvalidInputError(
            f"none of the known water quality columns is in the input (known: {' '.join(PARAMETERS)}; "
            f"found: {', '.join(frame.columns) or 'no columns'})"
        )
    kinds: pl.Series | None = None
    if waterbody_column is not None:
        kinds = waterbody_types(frame, waterbody_column, default=waterbody)
        lake = (kinds != "river").to_numpy()
    else:
        lake = np.full(n, body == "lake")
    # Items assessed on river rows and on lake rows; TN is read only where a lake run reads it.
    river_items = assessed_items("river", which)
    lake_items = assessed_items("lake", which)
    reads_tn = "tn" in mapping and (kinds is not None or body == "lake")
    separate_tn = reads_tn and which == "routine"
    used = [p for p in PARAMETERS if p in mapping and (p in lake_items or p in river_items or p == "tn")]
    used = [p for p in used if p != "tn" or reads_tn]
    # Rows where an item counts: everywhere, except TN (lake rows only).
    applies = {p: lake if p == "tn" else np.ones(n, dtype=np.bool_) for p in used}

    columns, excluded = _flag_excluded(frame, mapping, used, applies, missing_flag_suffix)
    values, counts = _item_values(columns, mapping, used, lake, invalid)

    deciding = [p for p in used if p in lake_items or p in river_items]
    if which == "routine":
        deciding = [p for p in deciding if p != "tn"]
    if KERNEL == "numba" and water_kernel.available():
        worst, n_assessed, limiting, exceedances_series, class_tn = _classes_kernel(
            used, deciding, values, lake, separate_tn
        )
    else:
        worst, n_assessed, limiting, exceedances_series, class_tn = _classes_numpy(
            used, deciding, values, lake, separate_tn
        )
    grade_index = pl.Series(worst.astype(np.uint32))
    added = [
        _class_strings(worst).alias("class"),
        pl.Series("class_num", worst.astype(np.float64)).replace(0.0, None).cast(pl.Int64),
        pl.Series([None, *gb3838.GRADES], dtype=pl.String).gather(grade_index).alias("grade"),
        pl.Series("good", np.where(worst == 0, np.nan, worst <= 3)).fill_nan(None).cast(pl.Boolean),
        limiting.alias("limiting"),
        exceedances_series,
        pl.Series("assessed", n_assessed.astype(np.int64)),
    ]
    if class_tn is not None:
        added.append(_class_strings(class_tn).alias("class_tn"))
    if kinds is not None:
        added.append(kinds)
    if missing_flag_suffix is not None:
        added.append(_joined_names(excluded, n).alias(EXCLUDED))
    clash = [s.name for s in added if s.name in frame.columns]
    if clash:
        raise InvalidInputError(
            f"the input already has result column(s) {', '.join(clash)}; rename or drop them"
        )
    return frame.hstack(added), counts


#: Which path classifies: ``"numba"`` (the compiled kernel of :mod:`jingjin.engines.water_kernel`,
#: default) or ``"numpy"`` (the reference path, kept to check the kernel against); the
#: environment variable ``JINGJIN_WATER_KERNEL`` sets it at start-up.
KERNEL: str = os.environ.get("JINGJIN_WATER_KERNEL", "numba")

_Classes = tuple[ClassArray, npt.NDArray[np.integer[Any]], pl.Series, pl.Series, ClassArray | None]


def _classes_numpy(
    used: list[str],
    deciding: list[str],
    values: dict[str, FloatArray],
    lake: npt.NDArray[np.bool_],
    separate_tn: bool,
) -> _Classes:
    """The reference path: the worst class, the number assessed, ``limiting``, ``exceedances``
    and the class of TN (``class_tn``, when it is assessed separately)."""
    n = lake.size
    per_parameter = {p: _mixed_class(values[p], p, lake) for p in used}
    if deciding:
        stacked = np.stack([per_parameter[p] for p in deciding])
        worst = stacked.max(axis=0).astype(np.int8)
        n_assessed = (stacked > 0).sum(axis=0)
    else:
        stacked = np.zeros((0, n), dtype=np.int8)
        worst = np.zeros(n, dtype=np.int8)
        n_assessed = np.zeros(n, dtype=np.int64)
    limiting = _joined_names([(p, (stacked[k] == worst) & (worst > 1)) for k, p in enumerate(deciding)], n)
    exceedances = _exceedances(deciding, stacked, values, lake)
    return (
        worst,
        n_assessed,
        limiting.alias("limiting"),
        exceedances,
        per_parameter["tn"] if separate_tn else None,
    )


def _classes_kernel(
    used: list[str],
    deciding: list[str],
    values: dict[str, FloatArray],
    lake: npt.NDArray[np.bool_],
    separate_tn: bool,
) -> _Classes:
    """:func:`_classes_numpy` by the compiled kernel (one pass over the samples)."""
    table = water_kernel.items(
        used,
        river=gb3838.LIMITS,
        lake={**gb3838.LIMITS, **gb3838.LAKE_LIMITS},
        deciding=deciding,
        no_multiple=gb3838.NO_MULTIPLE,
        lake_only=("tn",),
        class_tn=separate_tn,
    )

    def settle(k: int, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
        p = used[k]
        result = np.empty(rows.size, dtype=np.int64)
        for kind, on in (("river", ~lake[rows]), ("lake", lake[rows])):
            if on.any():
                result[on] = multiple_hundredths(values[p][rows[on]], _limits(p, kind)[1][2])  # type: ignore[arg-type]
        return result

    out = water_kernel.classify([values[p] for p in used], lake, table, settle)
    return out.worst, out.assessed, out.limiting, out.exceedances, out.class_tn


def _flag_excluded(
    frame: pl.DataFrame,
    mapping: dict[str, str],
    used: list[str],
    applies: dict[str, npt.NDArray[np.bool_]],
    missing_flag_suffix: str | None,
) -> tuple[dict[str, pl.Series], list[tuple[str, npt.NDArray[np.bool_]]]]:
    """The item columns, with the values whose flag column is not empty (failed quality
    control) left out; and, per item, the rows left out where the item counts."""
    n = frame.height
    excluded: list[tuple[str, npt.NDArray[np.bool_]]] = []
    columns: dict[str, pl.Series] = {}
    for p in used:
        series = frame[mapping[p]]
        if missing_flag_suffix is not None:
            flagged = _flagged(frame, mapping[p], missing_flag_suffix)
            if flagged is not None:
                excluded.append((p, flagged & applies[p]))
                if flagged.any():
                    series = series.zip_with(pl.Series(~flagged), pl.Series([None] * n, dtype=series.dtype))
        columns[p] = series
    if missing_flag_suffix is not None and not excluded:
        raise InvalidInputError(
            f"no flag column ending in {missing_flag_suffix!r} for the item columns "
            f"({', '.join(mapping[p] for p in used)}); expected e.g. {mapping[used[0]]}{missing_flag_suffix}"
        )
    return columns, excluded


def _item_values(
    columns: dict[str, pl.Series],
    mapping: dict[str, str],
    used: list[str],
    lake: npt.NDArray[np.bool_],
    invalid: InvalidPolicy,
) -> tuple[dict[str, FloatArray], dict[str, int]]:
    """Each item's values (NaN = missing) and the invalid cells per column (raised, or with
    ``invalid="skip"`` marked missing)."""
    problems = Problems()
    values: dict[str, FloatArray] = {}
    for p in used:
        if p == "tn":
            # A river row's TN is not read by a river run: its problems and its value are ignored.
            found = Problems()
            values[p] = numeric(columns[p], mapping[p], found)
            for (name, reason), rows in found.found.items():
                problems.add(name, reason, rows[lake[rows]])
            values[p] = np.where(lake, values[p], np.nan)
        else:
            values[p] = numeric(columns[p], mapping[p], problems)
    counts = problems.counts()
    finish(problems, invalid, values)
    return values, counts


def _exceedances(
    deciding: list[str],
    stacked: npt.NDArray[np.int8],
    values: dict[str, FloatArray],
    lake: npt.NDArray[np.bool_],
) -> pl.Series:
    """The ``exceedances`` column: ``item:multiple`` of the class III limit for each item worse
    than class III, joined by ``;`` ("" when none)."""
    n = lake.size
    parts: list[pl.Series] = []
    for k, p in enumerate(deciding):
        if p in gb3838.NO_MULTIPLE:
            continue
        rows = np.flatnonzero(stacked[k] > 3)
        if rows.size:
            hundredths = np.empty(rows.size, dtype=np.int64)
            sides: tuple[tuple[Waterbody, npt.NDArray[np.bool_]], ...] = (
                ("river", ~lake[rows]),
                ("lake", lake[rows]),
            )
            for kind, on in sides:
                if on.any():
                    limit = _limits(p, kind)[1][2]
                    hundredths[on] = multiple_hundredths(values[p][rows[on]], limit)
            unique, inverse = np.unique(hundredths, return_inverse=True)
            labels = pl.Series([f"{p}:{u // 100}.{u % 100:02d}" for u in unique.tolist()], dtype=pl.String)
            blank = pl.Series([None] * n, dtype=pl.String)
            parts.append(blank.scatter(rows, labels.gather(pl.Series(inverse.ravel().astype(np.uint32)))))
    if parts:
        exceedances = pl.select(
            pl.concat_str([pl.lit(part) for part in parts], separator=";", ignore_nulls=True)
        )
        return exceedances.to_series().fill_null("").alias("exceedances")
    return pl.Series("exceedances", [""] * n, dtype=pl.String)


def _mixed_class(values: FloatArray, parameter: str, lake: npt.NDArray[np.bool_]) -> ClassArray:
    """:func:`parameter_class` with the lake column on ``lake`` rows and the river column elsewhere.

    TN has no river limit: 0 (not assessed) on river rows.
    """
    if parameter == "tn":
        return np.where(lake, parameter_class(values, parameter="tn", waterbody="lake"), 0).astype(np.int8)
    if parameter not in gb3838.LAKE_LIMITS or lake.all() or not lake.any():
        return parameter_class(values, parameter=parameter, waterbody="lake" if lake.all() else "river")
    on_lake = parameter_class(values, parameter=parameter, waterbody="lake")
    on_river = parameter_class(values, parameter=parameter, waterbody="river")
    return np.where(lake, on_lake, on_river).astype(np.int8)


def share_grade(share_good: float, share_worst: float) -> str:
    """Grade of a river or basin by the class-share method (环办〔2011〕22号).

    ``share_good``: % of sections in class I–III; ``share_worst``: % in 劣V. I–III ≥ 90 %
    优; 75–90 % 良好; below 75 % with 劣V < 20 % 轻度污染, 20–40 % 中度污染, ≥ 40 % 重度污染.
    """
    for bound, grade in gb3838.SHARE_GOOD:
        if share_good >= bound:
            return grade
    for bound, grade in gb3838.SHARE_WORST:
        if share_worst < bound:
            return grade
    return gb3838.SHARE_WORST_ELSE


def river(
    data: pl.DataFrame | Mapping[str, Any],
    *,
    group_column: str,
    waterbody: str = "river",
    items: str = "routine",
    invalid: InvalidPolicy = "raise",
) -> pl.DataFrame:
    """Evaluate rivers (or basins) from their sections: one row per section, grouped by ``group_column``.

    Fewer than 5 sections: the mean of each parameter over the sections is classified by the
    single-factor method and graded by its class. Five or more: the class-share method
    (:func:`share_grade`) on the sections' classes.

    Returns one row per group: ``sections``, ``method`` (``mean`` / ``shares``),
    ``share_good`` (% I–III), ``share_worst`` (% 劣V), ``class`` (mean method only), ``grade``.
    """
    frame = as_frame(data)
    if group_column not in frame.columns:
        raise InvalidInputError(f"group column {group_column!r} is not in the input")
    sections = classify(frame, waterbody=waterbody, items=items, invalid=invalid)
    mapping = match_columns(frame.columns, PARAMETERS)
    rows: list[dict[str, Any]] = []
    groups = sections.with_row_index("__row").group_by(group_column, maintain_order=True).agg(pl.col("__row"))
    for key, index in zip(groups[group_column].to_list(), groups["__row"].to_list(), strict=True):
        part = sections[index]
        classes = part["class_num"].drop_nulls().to_numpy()
        count = int(classes.size)
        good = float(100.0 * np.count_nonzero(classes <= 3) / count) if count else float("nan")
        worst = float(100.0 * np.count_nonzero(classes == 6) / count) if count else float("nan")
        if count == 0:
            rows.append(
                {group_column: key, "sections": len(index), "method": None, "class": None, "grade": None}
            )
        elif count < gb3838.MIN_SECTIONS_FOR_SHARES:
            means: dict[str, list[float]] = {}
            for p, column in mapping.items():
                found = numeric(frame[column][index], column, Problems())
                found = found[~np.isnan(found)]
                means[p] = [float(found.mean()) if found.size else float("nan")]
            averaged = classify(means, waterbody=waterbody, items=items, invalid="skip")
            rows.append(
                {
                    group_column: key,
                    "sections": len(index),
                    "method": "mean",
                    "share_good": good,
                    "share_worst": worst,
                    "class": averaged["class"][0],
                    "grade": averaged["grade"][0],
                }
            )
        else:
            rows.append(
                {
                    group_column: key,
                    "sections": len(index),
                    "method": "shares",
                    "share_good": good,
                    "share_worst": worst,
                    "class": None,
                    "grade": share_grade(good, worst),
                }
            )
    schema: dict[str, Any] = {
        group_column: frame[group_column].dtype,
        "sections": pl.Int64,
        "method": pl.String,
        "share_good": pl.Float64,
        "share_worst": pl.Float64,
        "class": pl.String,
        "grade": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def _indicator_level(values: FloatArray, name: str, depth: FloatArray | None) -> npt.NDArray[np.int8]:
    """0 not black-odorous, 1 light, 2 severe for one indicator; −1 where missing."""
    kind, light, severe = gb3838.BLACKODOR[name]
    if kind == "lt":
        level = np.where(values < severe, 2, np.where(values < light, 1, 0))
        if name == "transparency" and depth is not None:
            shallow = ~np.isnan(depth) & (depth < gb3838.SHALLOW_DEPTH)
            shallow_level = np.where(values < gb3838.SHALLOW_SHARE * depth, 2, np.where(values < depth, 1, 0))
            level = np.where(shallow, shallow_level, level)
    else:
        level = np.where(values > severe, 2, np.where(values > light, 1, 0))
    return np.where(np.isnan(values), -1, level).astype(np.int8)


def blackodor(
    data: pl.DataFrame | Mapping[str, Any],
    *,
    point_column: str = "point",
    waterbody_column: str | None = None,
    invalid: InvalidPolicy = "raise",
) -> pl.DataFrame:
    """Black-odorous water (城市黑臭水体) grading per sample, sampling point and water body.

    Parameters
    ----------
    data : one row per sampling point and date with ``transparency`` (cm), ``do`` (mg/L),
        ``orp`` (mV, may be negative), ``nh3_n`` (mg/L) and optionally ``depth`` (cm).
    point_column : the sampling point; points are ordered along the water body in the order
        they first appear. waterbody_column : the water body (None: all rows are one body).

    Rules (城市黑臭水体整治工作指南 2015, 污染程度分级 and 判定):

    * per result: transparency < 10 severe, 10–25 light (depth < 25 cm: < 40 % of depth
      severe, below the depth light, clear to the bottom not); DO < 0.2 severe, 0.2–2.0
      light; ORP < −200 severe, −200–50 light; NH3-N > 15 severe, 8.0–15 light;
    * per point: severe when one indicator has ≥ 60 % of its results severe or two have
      ≥ 30 %; light when the same rule holds for light-or-severe results (an
      interpretation: the guide says "otherwise light"); else not black-odorous;
    * per water body: severe when ≥ 60 % of its points are severe; ``severe_stretch`` marks
      points in a run of ≥ 3 consecutive severe points; light when any point is.

    Returns the input columns, then ``level_<indicator>`` per sample, ``sample_level``,
    ``point_level``, ``waterbody_level`` (非黑臭 / 轻度黑臭 / 重度黑臭) and ``severe_stretch``.
    """
    frame = as_frame(data)
    n = frame.height
    for column in (point_column, *([waterbody_column] if waterbody_column else [])):
        if column not in frame.columns:
            raise InvalidInputError(
                f"column {column!r} is not in the input (columns: {', '.join(frame.columns)})"
            )
    mapping = match_columns(frame.columns, (*BLACKODOR_COLUMNS, "depth"))
    indicators = [c for c in BLACKODOR_COLUMNS if c in mapping]
    if not indicators:
        raise InvalidInputError(f"none of the columns {' '.join(BLACKODOR_COLUMNS)} is in the input")
    problems = Problems()
    values = {
        c: numeric(frame[mapping[c]], mapping[c], problems, allow_negative=(c == "orp")) for c in indicators
    }
    if "depth" in mapping:
        values["depth"] = numeric(frame[mapping["depth"]], mapping["depth"], problems)
    finish(problems, invalid, values)
    depth = values.get("depth")
    levels = {c: _indicator_level(values[c], c, depth) for c in indicators}
    stacked = np.stack([levels[c] for c in indicators])
    sample = stacked.max(axis=0)

    body = frame[waterbody_column] if waterbody_column else pl.Series([""] * n, dtype=pl.String)
    work = pl.DataFrame({"__body": body, "__point": frame[point_column]}).with_row_index("__row")
    work = work.with_columns(
        *(pl.Series(f"__sev_{c}", levels[c] == 2) for c in indicators),
        *(pl.Series(f"__any_{c}", levels[c] >= 1) for c in indicators),
        *(pl.Series(f"__has_{c}", levels[c] >= 0) for c in indicators),
    )
    points = _point_and_body_levels(work, indicators)
    joined = (
        work.select("__row", "__body", "__point")
        .join(
            points.select("__body", "__point", "__point_level", "__body_level", "__stretch"),
            on=["__body", "__point"],
            how="left",
            nulls_equal=True,
        )
        .sort("__row")
    )
    added = _blackodor_columns(indicators, levels, sample, joined)
    clash = [s.name for s in added if s.name in frame.columns]
    if clash:
        raise InvalidInputError(
            f"the input already has result column(s) {', '.join(clash)}; rename or drop them"
        )
    return frame.hstack(added)


def _blackodor_columns(
    indicators: list[str],
    levels: dict[str, npt.NDArray[np.int8]],
    sample: npt.NDArray[np.int8],
    joined: pl.DataFrame,
) -> list[pl.Series]:
    """The result columns of :func:`blackodor`: the levels named (empty where missing) and
    ``severe_stretch``."""
    names = pl.Series(["", *BLACKODOR_LEVELS], dtype=pl.String)

    def named(codes: npt.NDArray[np.int64] | npt.NDArray[np.int8], name: str) -> pl.Series:
        series = names.gather(pl.Series((np.asarray(codes).astype(np.int64) + 1).astype(np.uint32)))
        return series.replace("", None).alias(name)

    added = [named(levels[c], f"level_{c}") for c in indicators]
    added += [
        named(sample, "sample_level"),
        named(joined["__point_level"].to_numpy(), "point_level"),
        named(joined["__body_level"].to_numpy(), "waterbody_level"),
        joined["__stretch"].alias("severe_stretch"),
    ]
    return added


def _point_and_body_levels(work: pl.DataFrame, indicators: list[str]) -> pl.DataFrame:
    """Per sampling point: its level (by the shares of severe / light results per indicator),
    its water body's level and whether it lies in a severe stretch (see :func:`blackodor`)."""

    def rule(prefix: str) -> pl.Expr:
        shares = [pl.col(f"__{prefix}_{c}").sum() / pl.col(f"__has_{c}").sum() for c in indicators]
        one = pl.any_horizontal([s >= gb3838.POINT_ONE for s in shares])
        two = pl.sum_horizontal([(s >= gb3838.POINT_TWO).cast(pl.Int32) for s in shares]) >= 2
        return (one | two).fill_null(False)

    points = (
        work.group_by("__body", "__point", maintain_order=True)
        .agg(
            rule("sev").alias("__severe"),
            rule("any").alias("__light"),
            pl.col("__row").min().alias("__first"),
        )
        .sort("__first")
        .with_columns(
            pl.when(pl.col("__severe"))
            .then(2)
            .when(pl.col("__light"))
            .then(1)
            .otherwise(0)
            .alias("__point_level")
        )
    )
    # Runs of consecutive severe points per water body.
    points = points.with_columns(
        (pl.col("__point_level") != pl.col("__point_level").shift(1).over("__body"))
        .fill_null(True)
        .cum_sum()
        .over("__body")
        .alias("__run")
    )
    points = points.with_columns(pl.len().over("__body", "__run").alias("__run_length"))
    points = points.with_columns(
        ((pl.col("__point_level") == 2) & (pl.col("__run_length") >= gb3838.BODY_RUN)).alias("__stretch"),
        (pl.col("__severe").mean().over("__body") >= gb3838.BODY_SHARE).alias("__body_severe"),
        pl.col("__point_level").max().over("__body").alias("__body_max"),
    )
    points = points.with_columns(
        pl.when(pl.col("__body_severe"))
        .then(2)
        .when(pl.col("__body_max") >= 1)
        .then(1)
        .otherwise(0)
        .alias("__body_level"),
        (pl.col("__stretch") | pl.col("__body_severe")).alias("__stretch"),
    )
    return points
