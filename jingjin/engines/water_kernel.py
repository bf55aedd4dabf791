"""The compiled water classification kernel: one fused pass per sample over every item (numba).

:func:`classify` gives the same result columns as the numpy reference path of
:func:`jingjin.engines.water.classify_with_counts` for every input: each item's class by GB 3838
Table 1 (``value ≤ limit``, DO ``≥``, pH 6–9; the lake column of TP on lake rows, TN on lake rows
only), the worst class of the deciding items, the number assessed, the limiting items, the
exceedance multiples over class III in hundredths rounded by GB/T 8170 on the decimals as
written, and ``class_tn``. ``tests/engines/air_water/test_water_kernel.py`` checks the two agree
on every limit and one step either side, for rivers, lakes and mixed inputs, routine and all
items, int, float and missing values.

Values with more than 6 decimals: the kernel marks the rows where such a value exceeds class
III, and their multiples are settled on the decimal text by the reference
(:func:`jingjin.engines.water.multiple_hundredths`), row by row, as the numpy path does.

The ``limiting`` and ``exceedances`` texts are written by the kernel too (lengths, then bytes,
into one Arrow string buffer): building them from Python strings took most of the numpy path's
time. numba is imported, and the kernel compiled or loaded from its cache
(``NUMBA_CACHE_DIR``, see :mod:`jingjin.numba_cache`), on first use.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import polars as pl

#: Comparison codes, as in ``_water_compiled``.
KINDS: Final = {"le": 0, "ge": 1, "range": 2}
#: At most this many items (bits of an int64 bit set).
MAX_ITEMS: Final = 62
#: The value columns reach the kernels as a tuple of one of these lengths, padded with an empty
#: array: numba compiles a kernel once per tuple length, so once for any number of items up to
#: GB 3838's 24 (the warm-up in ``jingjin.numba_cache`` compiles that one), not once per number.
PADDED: Final = (24, MAX_ITEMS)


@functools.cache
def _compiled() -> ModuleType:
    """The numba module (imported here, so that importing the engines stays cheap)."""
    from jingjin.engines import _water_compiled

    return _water_compiled


def available() -> bool:
    """Whether numba can be imported (else the numpy reference path is used)."""
    try:
        import numba  # noqa: F401
    except ImportError:  # pragma: no cover - numba is a dependency
        return False
    return True


@dataclass(frozen=True)
class Items:
    """What the kernel needs to know of the items, in the order of the value columns."""

    names: tuple[str, ...]
    kinds: npt.NDArray[np.int64]
    river_bounds: npt.NDArray[np.float64]  # [item, 5]
    lake_bounds: npt.NDArray[np.float64]  # [item, 5]
    lake_only: npt.NDArray[np.bool_]  # TN: assessed on lake rows only
    deciding: npt.NDArray[np.bool_]  # decides the class
    multiple: npt.NDArray[np.bool_]  # deciding and has an exceedance multiple (not pH, DO)
    limits3: npt.NDArray[np.int64]  # [river/lake, item]: class III limit in millionths
    tn: int  # the item of the ``class_tn`` column, or −1


@dataclass(frozen=True)
class Result:
    """The kernel's columns."""

    worst: npt.NDArray[np.int8]
    assessed: npt.NDArray[np.int8]
    limiting: pl.Series
    exceedances: pl.Series
    class_tn: npt.NDArray[np.int8] | None


def _bounds(limits: tuple[str, tuple[float, ...]]) -> tuple[int, list[float]]:
    kind, bounds = limits
    return KINDS[kind], [*bounds, *([np.nan] * (5 - len(bounds)))]


def items(
    names: Sequence[str],
    *,
    river: dict[str, tuple[str, tuple[float, ...]]],
    lake: dict[str, tuple[str, tuple[float, ...]]],
    deciding: Sequence[str],
    no_multiple: Sequence[str],
    lake_only: Sequence[str],
    class_tn: bool,
) -> Items:
    """The kernel's tables for the items ``names`` (limits by item, for rivers and for lakes)."""
    if len(names) > MAX_ITEMS:  # pragma: no cover - GB 3838 has 23
        raise ValueError(f"at most {MAX_ITEMS} items")
    kinds = np.array([_bounds(river[p])[0] for p in names], dtype=np.int64)
    river_bounds = np.array([_bounds(river[p])[1] for p in names], dtype=np.float64).reshape(-1, 5)
    lake_bounds = np.array([_bounds(lake[p])[1] for p in names], dtype=np.float64).reshape(-1, 5)
    limits3 = np.ones((2, len(names)), dtype=np.int64)
    for k, p in enumerate(names):
        for side, table in enumerate((river, lake)):
            kind, bounds = table[p]
            if kind == "le":
                limits3[side, k] = round(bounds[2] * 1_000_000)
    decides = np.array([p in deciding for p in names], dtype=np.bool_)
    return Items(
        names=tuple(names),
        kinds=kinds,
        river_bounds=river_bounds,
        lake_bounds=lake_bounds,
        lake_only=np.array([p in lake_only for p in names], dtype=np.bool_),
        deciding=decides,
        multiple=decides & np.array([p not in no_multiple for p in names], dtype=np.bool_),
        limits3=limits3,
        tn=names.index("tn") if class_tn and "tn" in names else -1,
    )


def _readonly(array: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    """A read-only C-contiguous float64 view: one array type for numba, whatever the source."""
    view = np.ascontiguousarray(array, dtype=np.float64).view()
    view.flags.writeable = False
    return view


def _text(
    bits: npt.NDArray[np.int64],
    table: Items,
    numbers: bool,
    columns: tuple[npt.NDArray[np.float64], ...],
    lake: npt.NDArray[np.bool_],
    fixed: npt.NDArray[np.int64],
    fixed_row: npt.NDArray[np.int64],
    name: str,
) -> pl.Series:
    """A ``;``-joined text column from per-row bit sets of items (see ``text_block``)."""
    import pyarrow as pa  # here: importing the engines stays cheap

    compiled = _compiled()
    encoded = [p.encode() for p in table.names]
    names = np.frombuffer(b"".join(encoded), dtype=np.uint8) if encoded else np.zeros(0, np.uint8)
    name_ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
    n = bits.size
    offsets = np.zeros(n + 1, dtype=np.int64)
    args = (bits, names, name_ends, numbers, columns, lake, table.limits3, fixed, fixed_row)
    compiled.run(compiled.text_kernel, *args, offsets, np.zeros(0, dtype=np.uint8))
    np.cumsum(offsets, out=offsets)
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    if out.size:
        compiled.run(compiled.text_kernel, *args, offsets, out)
    array = pa.LargeStringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(out))
    series = pl.from_arrow(array)
    assert isinstance(series, pl.Series)
    return series.alias(name)


def classify(
    values: Sequence[npt.NDArray[np.float64]],
    lake: npt.NDArray[np.bool_],
    table: Items,
    settle: Any,
) -> Result:
    """Classify ``n`` samples: ``values`` one float64 column per item of ``table`` (NaN =
    missing), ``lake`` the rows evaluated with the lake column. ``settle(k, rows)`` returns the
    multiples in hundredths of item ``k`` on ``rows`` by the reference (values with more than
    6 decimals)."""
    compiled = _compiled()
    n = lake.size
    columns = tuple(_readonly(v) for v in values)
    size = next(length for length in PADDED if length >= len(columns))
    columns += (_readonly(np.empty(0)),) * (size - len(columns))  # the kernels read len(kinds)
    lake = np.ascontiguousarray(lake, dtype=np.bool_)
    worst = np.empty(n, dtype=np.int8)
    assessed = np.empty(n, dtype=np.int8)
    limiting = np.empty(n, dtype=np.int64)
    exceeding = np.empty(n, dtype=np.int64)
    inexact = np.empty(n, dtype=np.bool_)
    tn = np.zeros(n if table.tn >= 0 else 0, dtype=np.int8)
    compiled.run(
        compiled.classify_kernel,
        columns,
        lake,
        table.kinds,
        table.river_bounds,
        table.lake_bounds,
        table.lake_only,
        table.deciding,
        table.multiple,
        table.tn,
        worst,
        assessed,
        limiting,
        exceeding,
        inexact,
        tn,
    )
    # Multiples of values with more than 6 decimals: settled on their decimal text.
    rows = np.flatnonzero(inexact)
    fixed = np.zeros((rows.size, max(len(table.names), 1)), dtype=np.int64)
    fixed_row = np.full(n, -1, dtype=np.int64)
    fixed_row[rows] = np.arange(rows.size)
    for k in range(len(table.names) if rows.size else 0):
        on = np.flatnonzero(exceeding[rows] >> k & 1)
        if on.size:
            fixed[on, k] = settle(k, rows[on])
    empty = np.zeros((0, 1), dtype=np.int64)
    return Result(
        worst=worst,
        assessed=assessed,
        limiting=_text(limiting, table, False, columns, lake, empty, fixed_row, "limiting"),
        exceedances=_text(exceeding, table, True, columns, lake, fixed, fixed_row, "exceedances"),
        class_tn=tn if table.tn >= 0 else None,
    )
