"""The compiled AQI kernel: one fused pass per row over every pollutant (numba).

:func:`compute` gives the same arrays as the numpy reference (``reference._compute_numpy``) for
every standard, report and input: the sub-index of each indicator by the breakpoint tables
with the exact ceiling rule, the special rules of both standards (HJ 633-2012 notes 2 and 3:
SO2 1-h / O3 8-h above 800 have no IAQI, SO2 24-h stands in for SO2 1-h in the real-time
reports; HJ 633-2026 notes b and c: 200 and 300), values above a table's top counted 500 and
flagged, the AQI, the level, and the primary, exceeding and beyond-the-scale pollutants as
bit sets (turned into names once, by the caller). ``tests/engines/air_water/test_air_kernel.py``
checks the two agree on every breakpoint and one step either side, for both standards, every
report and int, float and missing inputs.

Exactness is that of the reference: a value with at most 2 decimals (as written) is looked up
in the reference's tables of exact IAQI per 10⁻ᵈ step; other values are held as integers of
millionths and the ceiling is taken on a ratio of integers (``standards.scale`` and
``standards._ceil_iaqi`` row by row). Under HJ 633-2026 values are first rounded by GB/T 8170
exactly as ``reference._indices_2026`` does.

numba compiles the kernel on the first call and keeps it in its cache directory
(``NUMBA_CACHE_DIR``, set to ``$JINGJIN_DATA_DIR/numba-cache`` by :mod:`jingjin.numba_cache`
before numba is imported), so only the first call after an install is slow. numba is imported
when the kernel is first used: importing the engines stays cheap.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

#: Slots of the kernel: at most seven indicators and the SO2 24-h stand-in.
SLOTS: Final = 8
#: Codes, as in ``index``: no value, no IAQI (HJ 633-2012 notes 2 and 3), above the table.
MISSING: Final = -1
NO_IAQI: Final = -2
BEYOND: Final = 501
#: Level tops the kernel compares an AQI with (HJ 633 has five: 50, 100, 150, 200, 300).
LEVEL_TOPS: Final = 5


class Tables(NamedTuple):
    """What the kernel needs of the breakpoint tables for one standard and report's slots."""

    lut: npt.NDArray[np.int16]  # the exact IAQI of every 10⁻ᵈ step, all slots and d concatenated
    offsets: npt.NDArray[np.int64]  # [slot, d]: start of the slot's table for d decimals
    tops: npt.NDArray[np.int64]  # [slot, d]: the table's top in 10⁻ᵈ steps
    breakpoints: npt.NDArray[np.int64]  # [slot, 8]: breakpoints in millionths (exact route)
    counts: npt.NDArray[np.int64]  # [slot]: number of breakpoints
    above: npt.NDArray[np.int64]  # [slot]: the code above the top (501, 200, 300 or −2)
    decimals: npt.NDArray[np.int64]  # [slot]: GB/T 8170 decimals (HJ 633-2026)
    bits: npt.NDArray[np.int64]  # [slot]: the column's bit in the pollutant bit sets
    steps: npt.NDArray[np.int64]  # IAQI at the breakpoints
    # [LEVEL_TOPS]: the AQI at the top of each level but the last (50, 100 …), then 32,767
    level_tops: npt.NDArray[np.int16]


@functools.cache
def _kernel() -> Callable[..., Any]:
    """The compiled kernel (numba is imported, and the kernel compiled or loaded from the cache, here)."""
    from jingjin.engines.air import _compiled

    return _compiled.run


def available() -> bool:
    """Whether numba can be imported (else the numpy reference path is used)."""
    try:
        import numba  # noqa: F401
    except ImportError:  # pragma: no cover - numba is a dependency
        return False
    return True


@dataclass(frozen=True)
class Output:
    """The kernel's arrays and what it found."""

    subs: npt.NDArray[np.int16]  # [slot, row]
    best: npt.NDArray[np.int16]
    level: npt.NDArray[np.int8]
    primary: npt.NDArray[np.uint16]
    exceeding: npt.NDArray[np.uint16]
    beyond: npt.NDArray[np.uint16]
    complete: npt.NDArray[np.bool_]
    invalid: int
    beyond_rows: int
    exceeding_rows: int
    no_aqi: int  # rows without an AQI
    incomplete: int  # rows where an indicator of the report has no sub-index
    missing: npt.NDArray[np.int64]  # [slot]: missing sub-indices


_EMPTY_FLOAT: Final = np.empty(0, dtype=np.float64)
_EMPTY_INT: Final = np.empty(0, dtype=np.int64)
_EMPTY_CODES: Final = np.empty(0, dtype=np.uint8)  # no category or colour codes wanted
_NO_MASK: Final = np.empty(0, dtype=np.uint8)  # a column without nulls


def _readonly(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """A read-only C-contiguous view: one array type for numba, whatever the source."""
    view = np.ascontiguousarray(array).view()
    view.flags.writeable = False
    return view


for _array in (_EMPTY_FLOAT, _EMPTY_INT, _NO_MASK):
    _array.flags.writeable = False


def run(
    columns: Sequence[npt.NDArray[Any]],
    tables: Tables,
    *,
    n: int,
    count: int,
    standin: int,
    so2_1h: int,
    o3_8h: int,
    o3_1h: int,
    std2026: bool,
    all_present: bool,
    out: Mapping[str, npt.NDArray[Any]],
    masks: Sequence[tuple[npt.NDArray[np.uint8], int] | None] = (),
) -> Output:
    """Run the kernel over ``n`` rows of ``columns`` (float64 or int64 arrays, one per slot).

    ``count`` slots are indicators; ``standin`` (or −1) is the slot of SO2 24-h standing in for
    SO2 1-h; ``so2_1h``, ``o3_8h`` and ``o3_1h`` are the slots of those indicators (or −1).
    The result arrays are written into ``out`` (``subs``, ``best``, ``level``, ``primary``,
    ``exceeding``, ``beyond``, ``complete`` and, where given, the category and colour codes
    ``category`` and ``colour``: the level less one, a missing AQI's 0). ``primary``,
    ``exceeding`` and ``beyond`` must be zeros (new Enum columns' codes are): the kernel sets
    bits only, ``beyond`` only in the rare rows beyond the scale; ``exceeding`` is neither
    read nor written under HJ 633-2026, which names no exceeding pollutants (it may be empty).

    ``masks`` (one per slot, or fewer) gives a column with nulls as polars holds it: its
    column is the values buffer, whatever stands in a null's place, and its mask the validity
    bits (a uint8 array over the bitmap and the bit of row 0); a row without a value is missing,
    as a NaN is. None: no nulls.
    """
    floats = [_EMPTY_FLOAT] * SLOTS
    ints = [_EMPTY_INT] * SLOTS
    is_int = np.zeros(SLOTS, dtype=np.bool_)
    bitmaps = [_NO_MASK] * SLOTS
    mask_at = np.full(SLOTS, -1, dtype=np.int64)
    for s, mask in enumerate(masks):
        if mask is not None:
            bitmaps[s], mask_at[s] = _readonly(mask[0]), mask[1]
    for s, column in enumerate(columns):
        if column.dtype == np.float64:
            floats[s] = _readonly(column)
        else:
            ints[s] = _readonly(column.astype(np.int64, copy=False))
            is_int[s] = True
    counts = _kernel()(
        tuple(floats),
        tuple(ints),
        is_int,
        tuple(bitmaps),
        mask_at,
        count,
        standin,
        so2_1h,
        o3_8h,
        o3_1h,
        std2026,
        all_present,
        tables,
        out["subs"],
        out["best"],
        out["level"],
        out["primary"],
        out["exceeding"],
        out["beyond"],
        out["complete"],
        out.get("category", _EMPTY_CODES),
        out.get("colour", _EMPTY_CODES),
    )
    return Output(
        out["subs"],
        out["best"],
        out["level"],
        out["primary"],
        out["exceeding"],
        out["beyond"],
        out["complete"],
        int(counts[0]),
        int(counts[1]),
        int(counts[2]),
        int(counts[3]),
        int(counts[4]),
        counts[5:],
    )
