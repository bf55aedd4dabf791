"""The compiled water classification kernel agrees with the numpy reference path on every case.

Cases: every limit of GB 3838 Table 1 (river and lake columns) and one step either side (1,
0.1, 0.01, 10⁻⁶, 10⁻⁷ and the next float), zero, far above the limits, ties of the GB/T 8170
rounding of the multiples, values with more than 6 decimals (settled on the decimals), missing
values; rivers, lakes and mixed types from a type column (reservoirs, empty cells taking the
default), routine and all items, quality-control flags, float and integer columns, over several
blocks of rows (the kernel's threads).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from jingjin.engines import water, water_kernel
from jingjin.engines.tables import water_gb3838 as gb3838

pytestmark = pytest.mark.skipif(not water_kernel.available(), reason="numba is not installed")

#: More rows than a few kernel blocks (8,192 rows each), so that both threads work.
ROWS = 20_000


def _cases(parameter: str) -> list[float]:
    """Every limit of the parameter (river and lake columns), one step either side, odd values."""
    values: set[float] = {0.0, 1e-7, 0.123456789, 1e6, 1e9, 1e12}
    tables = [gb3838.LIMITS[parameter], gb3838.LAKE_LIMITS.get(parameter, gb3838.LIMITS[parameter])]
    for _, limits in tables:
        for limit in limits:
            for step in (1.0, 0.1, 0.01, 1e-6, 1e-7):
                values.update({limit - step, limit, limit + step})
            values.update({np.nextafter(limit, 0.0), np.nextafter(limit, np.inf)})
            # Ties of the multiple's rounding: (C − S)/S = k + 0.005 exactly on the decimals.
            values.update({limit * 1.025, limit * 1.125, limit * 2.005, limit + limit / 200})
    return sorted(v for v in values if v >= 0)


def _frame(rows: int, *, dtype: str, missing: float, seed: int, parameters: tuple[str, ...]) -> pl.DataFrame:
    """``rows`` rows; each column cycles through its cases in its own random order."""
    rng = np.random.default_rng(seed)
    data: dict[str, pl.Series] = {}
    for name in parameters:
        cases = np.array(_cases(name))
        if dtype != "float":
            cases = np.unique(np.round(cases[cases < 1e12]))
        picked = cases[rng.integers(0, cases.size, rows)]
        holes = rng.random(rows) < missing
        if dtype == "float":
            picked[holes] = np.nan
            data[name] = pl.Series(name, picked)
        else:
            series = pl.Series(name, picked.astype(np.int64)).cast(getattr(pl, dtype))
            data[name] = series.scatter(np.flatnonzero(holes), None) if holes.any() else series
    kinds = np.array(["river", "lake", "水库", "河流", ""], dtype=object)[rng.integers(0, 5, rows)]
    data["type"] = pl.Series("type", kinds.tolist(), dtype=pl.String)
    return pl.DataFrame(data)


def _both(frame: pl.DataFrame, **options: object) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The result of :func:`water.classify` by the kernel and by the numpy reference path."""
    previous = water.KERNEL
    try:
        water.KERNEL = "numba"
        compiled = water.classify(frame, **options)  # type: ignore[arg-type]
        water.KERNEL = "numpy"
        reference = water.classify(frame, **options)  # type: ignore[arg-type]
    finally:
        water.KERNEL = previous
    return compiled, reference


def _assert_same(compiled: pl.DataFrame, reference: pl.DataFrame) -> None:
    assert compiled.columns == reference.columns
    assert compiled.schema == reference.schema
    for name in compiled.columns:
        left, right = compiled[name], reference[name]
        differ = np.flatnonzero(~(left.eq_missing(right)).to_numpy())
        assert differ.size == 0, (name, differ[:5], left.gather(differ[:5]), right.gather(differ[:5]))


@pytest.mark.parametrize("dtype", ["float", "Int64", "Int32"])
@pytest.mark.parametrize("items", ["routine", "all"])
@pytest.mark.parametrize(
    "where",
    [{"waterbody": "river"}, {"waterbody": "lake"}, {"waterbody_column": "type", "waterbody": "lake"}],
    ids=["river", "lake", "mixed"],
)
def test_kernel_agrees_with_the_numpy_path(dtype: str, items: str, where: dict[str, str]) -> None:
    frame = _frame(ROWS, dtype=dtype, missing=0.05, seed=len(dtype) + len(items), parameters=water.PARAMETERS)
    compiled, reference = _both(frame, items=items, **where)
    _assert_same(compiled, reference)
    assert compiled["exceedances"].str.len_chars().max() > 0


@pytest.mark.parametrize("parameter", water.PARAMETERS)
def test_kernel_agrees_item_by_item(parameter: str) -> None:
    """One item alone: its class decides, so every limit and step either side is compared."""
    frame = _frame(2_000, dtype="float", missing=0.05, seed=13, parameters=(parameter,))
    for where in (
        {"waterbody": "river"},
        {"waterbody": "lake"},
        {"waterbody_column": "type", "waterbody": "river"},
    ):
        compiled, reference = _both(frame, items="all", **where)
        _assert_same(compiled, reference)
    classes = set(compiled["class"].drop_nulls().unique())
    assert classes == {"I", "劣V"} if parameter == "ph" else {"I", "劣V"} < classes


def test_kernel_agrees_with_some_columns_missing_and_without_any_value() -> None:
    frame = _frame(ROWS, dtype="float", missing=0.5, seed=7, parameters=("do", "ph", "tp", "hg", "tn"))
    _assert_same(*_both(frame, waterbody="lake"))
    _assert_same(*_both(frame, waterbody_column="type", waterbody="river", items="all"))
    only_ph = _frame(100, dtype="float", missing=0.3, seed=8, parameters=("ph",))
    _assert_same(*_both(only_ph, waterbody="river"))
    empty = _frame(0, dtype="float", missing=0.0, seed=9, parameters=("cod", "tp"))
    _assert_same(*_both(empty, waterbody="river"))


def test_kernel_agrees_with_quality_control_flags() -> None:
    frame = _frame(ROWS, dtype="float", missing=0.05, seed=11, parameters=water.PARAMETERS)
    rng = np.random.default_rng(12)
    flags = {f"{p}_flag": np.where(rng.random(ROWS) < 0.1, "x", "") for p in ("cod", "tp", "tn", "do")}
    frame = frame.with_columns(*(pl.Series(k, v) for k, v in flags.items()))
    compiled, reference = _both(frame, waterbody_column="type", waterbody="lake", missing_flag_suffix="_flag")
    _assert_same(compiled, reference)


def test_kernel_agrees_on_text_cells_and_skipped_invalid_values() -> None:
    frame = pl.DataFrame(
        {
            "COD": ["25", "abc", "-1", "", "15.0000001", None, "40.5", "nd"],
            "TP": [0.1, 0.3, -0.5, 0.25, np.nan, 0.05, 0.41, 0.2],
            "type": ["湖", "河", "库", "", "lake", "river", "湖库", "河流"],
        }
    )
    compiled, reference = _both(frame, waterbody_column="type", waterbody="river", invalid="skip")
    _assert_same(compiled, reference)
    assert compiled["exceedances"].to_list()[0] == "cod:0.25;tp:1.00"


def test_kernel_multiples_on_the_decimals_as_written() -> None:
    """GB/T 8170 on the decimal value: 20.5 over 20 is 0.025 → 0.02 (binary gives 0.03); a value
    with more than 6 decimals is settled on its decimal text."""
    frame = pl.DataFrame(
        {"cod": [20.5, 21.0, 15.0], "hg": [0.00012345678, 0.00005, 0.0001], "tp": [0.2, 0.5, 0.41]}
    )
    out = water.classify(frame, waterbody="river")
    assert out["exceedances"].to_list() == ["cod:0.02;hg:0.23", "cod:0.05;tp:1.50", "tp:1.05"]
    assert out["limiting"].to_list() == ["cod;hg", "tp", "tp"]
    assert out["class"].to_list() == ["IV", "劣V", "劣V"]
    _assert_same(*_both(frame, waterbody="river"))
    _assert_same(*_both(frame, waterbody="lake"))


def test_the_kernel_is_compiled_into_the_numba_cache() -> None:
    water.classify({"cod": [1.0, 25.0]}, waterbody="river")
    cache = Path(os.environ["NUMBA_CACHE_DIR"])
    assert any("_water_compiled" in path.name for path in cache.rglob("*.nbi"))
