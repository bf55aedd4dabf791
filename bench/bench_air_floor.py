"""The least time any ``aqi()`` with the same result could take on this machine, against the
two AQI targets of issue 19 (≥ 50 % of one memory pass, ≥ 500× aqi-hub's rows/s).

For each case of ``bench_air.py`` (both standards, daily and hourly, float and int; 2,000,000
rows), sides taken in turn with the same warm-up and repeats:

- **one memory pass**: ``numpy.sum`` of each input column's bytes as int64 (``bench_air.memory_pass``:
  the float sum is bound by its additions on some machines);
- **read and write, nothing computed**: a compiled loop on numba's threads, in the kernel's
  blocks, handed out as the kernel's are, that reads every input column once and writes,
  into new arrays as ``aqi()`` does, the arrays of its result: one Int16 sub-index per
  column, the Int16 AQI, the UInt8 level, category and colour codes, the UInt16 primary and
  beyond-the-scale pollutants, under HJ 633-2012 the UInt16 exceeding pollutants, and the
  Boolean completeness. Each output is the input converted or the row's maximum: no table,
  no rounding rule, no polars column;
- **read, one look-up per value, write**: the same, with each sub-index looked up in a table
  as the kernel looks it up (an index from the value, then the table), but no rule to choose
  the index, no special value, no level: what a kernel of table look-ups cannot go below;
- **Enum columns checked by polars**: category, colour, primary (and, under HJ 633-2012,
  exceeding) pollutants built from codes by polars' cheapest public call measured in
  ``bench_air_parts.py`` (``lit(kinds).gather(codes)`` in one parallel ``select``), which
  ``aqi()`` no longer pays (it writes the codes into the columns' buffers): for the record;
- **aqi()** itself;
- **aqi-hub** ``cal_aqi_cn`` on the first 20,000 rows, one call per row.

The budgets each target leaves are printed beside them: 2× the memory pass, and the time of
2,000,000 rows at 500× aqi-hub's rows/s.

Run: ``.venv/bin/python bench/bench_air_floor.py`` (``--repeat`` timed rounds, default 9).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numba
import numpy as np
import polars as pl
from numba import njit, prange

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_air import CASES, PEER_ARGS, frame_of, indicators, machine, memory_pass, peer_call, timed_together

from jingjin.engines.air import aqi
from jingjin.engines.air import index as air_index
from jingjin.engines.air._compiled import BLOCK  # the kernel's blocks

ROWS = 2_000_000
SAMPLE = 20_000


@njit(parallel=True, cache=True)
def read_write(
    columns: Any,
    subs: Any,
    best: Any,
    level: Any,
    category: Any,
    colour: Any,
    primary: Any,
    beyond: Any,
    exceeding: Any,
    complete: Any,
    lut: Any,
    whole: bool,
) -> None:  # pragma: no cover - compiled
    """Every input column read once; each output written once from it. With a ``lut`` (not
    empty), each value's sub-index is looked up in it as the kernel does: for floats an index
    per value in one loop (vectorised), the look-up in a second; for integers (``whole``) both
    in one loop. Every array is indexed through a view of
    the block from 0, as in the kernel: an index ``lo + r`` keeps the compiler from
    vectorising the loop (numba's negative-index check), which made this floor read 1.5–1.9×
    too high before 2026-12-07."""
    n = best.size
    for b in prange((n + BLOCK - 1) // BLOCK):
        lo, hi = b * BLOCK, min(b * BLOCK + BLOCK, n)
        m = hi - lo
        top = best[lo:hi]
        top[:] = 0
        for s in range(len(columns)):
            source, target = columns[s][lo:hi], subs[s][lo:hi]
            if lut.size and whole:  # integers: the index and the look-up in one loop, as the kernel
                for r in range(m):
                    target[r] = lut[np.uint16(min(np.uint64(source[r]) * np.uint64(10), np.uint64(65535)))]
            elif lut.size:
                index = target.view(np.uint16)
                for r in range(m):
                    index[r] = np.uint16(min(max(source[r] * 10.0, 0.0), 65535.0))
                for r in range(m):
                    target[r] = lut[index[r]]
            else:
                for r in range(m):
                    target[r] = np.int16(source[r])
            for r in range(m):
                top[r] = max(top[r], target[r])
        levels, categories, colours = level[lo:hi], category[lo:hi], colour[lo:hi]
        primaries, beyonds, completes = primary[lo:hi], beyond[lo:hi], complete[lo:hi]
        for r in range(m):
            c = top[r]
            levels[r] = np.uint8(c)
            categories[r] = np.uint8(c)
            colours[r] = np.uint8(c)
            primaries[r] = np.uint16(c)
            beyonds[r] = np.uint16(c)
            completes[r] = c >= 0
        if exceeding.size:
            exceedings = exceeding[lo:hi]
            for r in range(m):
                exceedings[r] = np.uint16(top[r])


#: A table of 65,536 IAQI (one per index a uint16 can hold: no bounds to check), for the floor
#: with look-ups; the indices of the benchmark's values stay in its first few thousand entries.
LUT = (np.arange(65536) % 501).astype(np.int16)
NO_LUT = np.empty(0, dtype=np.int16)


def floor_call(columns: tuple[Any, ...], exceeding: bool, look_up: bool = False) -> Any:
    def run() -> tuple[Any, ...]:
        n = columns[0].size
        subs = np.empty((len(columns), n), dtype=np.int16)
        out = (
            np.empty(n, dtype=np.int16),
            np.empty(n, dtype=np.uint8),
            np.empty(n, dtype=np.uint8),
            np.empty(n, dtype=np.uint8),
            np.empty(n, dtype=np.uint16),
            np.empty(n, dtype=np.uint16),
            np.empty(n if exceeding else 0, dtype=np.uint16),
            np.empty(n, dtype=np.bool_),
        )
        previous = numba.set_parallel_chunksize(1)
        try:
            read_write(columns, subs, *out, LUT if look_up else NO_LUT, columns[0].dtype != np.float64)
        finally:
            numba.set_parallel_chunksize(previous)
        return (subs, *out)

    return run


def enum_call(codes: list[tuple[str, pl.Series, Any]]) -> Any:
    def run() -> pl.DataFrame:
        return pl.DataFrame([pl.Series(name, c) for name, _, c in codes]).select(
            pl.lit(kinds).gather(pl.col(name)).alias(name) for name, kinds, _ in codes
        )

    return run


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9, help="timed rounds (after one warm-up of each side)")
    args = parser.parse_args()
    print(f"# bench_air_floor — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(
        f"load average before the run: {os.getloadavg()[0]:.2f}; {args.repeat} rounds, sides in turn; "
        f"{numba.get_num_threads()} numba threads; {ROWS:,} rows, aqi-hub on the first {SAMPLE:,}"
    )
    print("\nmedian / best ms; budgets from the same run's medians / bests\n")
    print(
        "| standard | report | input | one memory pass | read and write, nothing computed | "
        "read, one look-up per value, write | "
        "aqi() | budget 2× pass (≥ 50 %) | budget 500× aqi-hub | aqi-hub rows/s | "
        "Enum columns checked by polars |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for standard, report, dtype in CASES:
        names = indicators(standard, report)
        frame = frame_of(names, ROWS, dtype)
        columns = tuple(frame[name].to_numpy() for name in names)
        peer_columns = [c for c in PEER_ARGS[report] if c not in names]
        peer_frame = frame.head(SAMPLE).hstack(frame_of(peer_columns, SAMPLE, "float").get_columns())
        exceeding = standard == "HJ633-2012"
        outputs = floor_call(columns, exceeding)()
        level, primary, exc = outputs[2], outputs[5], outputs[7]
        codes = [
            ("category", air_index._level_kinds(2), (level % 7).astype(np.uint8)),
            ("colour", air_index._level_kinds(3), (level % 7).astype(np.uint8)),
            ("primary_pollutants", air_index._combinations(), primary % 64),
        ]
        if exceeding:
            codes.append(("exceeding_pollutants", air_index._combinations(), exc % 64))
        found = timed_together(
            args.repeat,
            {
                "memory": memory_pass(list(columns)),
                "floor": floor_call(columns, exceeding),
                "look-up": floor_call(columns, exceeding, look_up=True),
                "enums": enum_call(codes),
                "aqi": lambda: aqi(frame, standard=standard, report=report),  # noqa: B023
                "peer": peer_call(peer_frame, report, SAMPLE),
            },
        )
        memory, floor, look_up, enums, ours, peer = (
            found[k] for k in ("memory", "floor", "look-up", "enums", "aqi", "peer")
        )
        rates = [SAMPLE / p for p in peer]
        cells = [
            f"{ms(memory[0])} / {ms(memory[1])}",
            f"{ms(floor[0])} / {ms(floor[1])}",
            f"{ms(look_up[0])} / {ms(look_up[1])}",
            f"{ms(ours[0])} / {ms(ours[1])}",
            f"{ms(2 * memory[0])} / {ms(2 * memory[1])}",
            f"{ms(ROWS / (500 * rates[0]))} / {ms(ROWS / (500 * rates[1]))}",
            f"{rates[0]:,.0f} / {rates[1]:,.0f}",
            f"{ms(enums[0])} / {ms(enums[1])}",
        ]
        print(f"| {standard} | {report} | {dtype} ({len(names)} columns) | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
