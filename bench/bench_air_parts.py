"""Where the time of ``aqi()`` goes, and the floors beside it (issue 19): the figures behind the
"why the targets are out of reach" part of docs/benchmarks.md.

1. For each case of ``bench_air.py`` (both standards, daily and hourly, float and int; 2,000,000
   rows): ``aqi()`` alone, the computation (``index._compute``: the compiled kernel with its
   arrays), the result columns (``index._result_columns``: the polars Series and Enum columns)
   and one memory pass over the input columns, taken in turn, median and best.
2. Building one Enum column of 2,000,000 rows from uint8 codes, every way polars offers:
   ``lit(kinds).gather(codes)`` (what ``aqi()`` did before it wrote the codes in place), a cast
   from UInt8, ``Series.gather`` and an Arrow dictionary array; beside them, the column
   ``aqi()`` writes its codes into (``index.enum_buffer``), with the codes copied in.
3. The write floor: six Int64 columns copied into six Int16 columns by a compiled loop (no
   look-up at all) on the same threads as the kernel, against one memory pass over them.
4. ``numpy.flatnonzero`` of a uint16 array that is almost all 0, directly and via ``!= 0``.
5. How many of the kernel's blocks can take its short route on each case's frame: those with
   no indicator missing, without IAQI or above its table (no timing).
6. ``aqi()`` with the category and colour codes written by the kernel (as it is) against
   ``aqi()`` with them made from the levels by numpy after the kernel (as before
   ``1daea9a``: the kernel given no arrays for them), in the same process, sides in turn; the
   two results are checked equal first.
7. ``aqi()`` with the kernel's blocks of ``_compiled.BLOCK`` rows (as it is) against blocks of
   4,096 rows (as before), in the same process, sides in turn, results checked equal first.

Run: ``.venv/bin/python bench/bench_air_parts.py`` (``--repeat`` timed rounds, default 9).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_air import CASES, frame_of, indicators, machine, memory_pass, timed_together

from jingjin.engines.air import aqi
from jingjin.engines.air import index as air_index

ROWS = 2_000_000


def fmt(pair: tuple[float, float]) -> str:
    return f"{pair[0] * 1e3:.1f} / {pair[1] * 1e3:.1f} ms"


def split(repeats: int) -> None:
    print("\n## aqi() and its parts, sides in turn (median / best)\n")
    print("| standard | report | input | aqi() | computation | result columns | one memory pass |")
    print("|---|---|---|---:|---:|---:|---:|")
    for standard, report, dtype in CASES:
        names = indicators(standard, report)
        frame = frame_of(names, ROWS, dtype)
        values = {name: frame[name].to_numpy() for name in names}
        arrays = list(values.values())
        result = air_index._compute(values, standard, report, ROWS, set(names))
        code = air_index.STANDARDS.index(standard)
        found = timed_together(
            repeats,
            {
                "aqi": lambda: aqi(frame, standard=standard, report=report),  # noqa: B023
                "compute": lambda: air_index._compute(values, standard, report, ROWS, set(names)),  # noqa: B023
                "columns": lambda: air_index._result_columns(result, names, code, ROWS),  # noqa: B023
                "memory": memory_pass(arrays),
            },
        )
        print(
            f"| {standard} | {report} | {dtype} ({len(names)} columns) | {fmt(found['aqi'])} "
            f"| {fmt(found['compute'])} | {fmt(found['columns'])} | {fmt(found['memory'])} |"
        )


def enum_ways(repeats: int) -> None:
    import pyarrow as pa

    kinds = air_index._level_kinds(2)
    enum = kinds.dtype
    texts = list(enum.categories)  # type: ignore[attr-defined]
    codes = np.random.default_rng(1).integers(0, len(texts), ROWS).astype(np.uint8)
    dictionary = pa.array(texts, type=pa.large_string())

    def arrow() -> Any:
        return pl.from_arrow(pa.DictionaryArray.from_arrays(pa.array(codes), dictionary)).cast(enum)

    def cast() -> pl.Series:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # polars deprecates the cast from integers
            return pl.Series(codes).cast(enum)

    def in_place() -> pl.Series:
        made = air_index.enum_buffer(kinds, ROWS)
        assert made is not None
        made[1][:] = codes
        return made[0]

    ways: dict[str, Callable[[], Any]] = {
        "written in place (aqi(); here the codes copied in)": in_place,
        "lit(kinds).gather(codes) (aqi() before)": lambda: pl.select(
            pl.lit(kinds).gather(pl.lit(pl.Series(codes)))
        ),
        "cast from UInt8": cast,
        "Series.gather": lambda: kinds.gather(codes),
        "Arrow dictionary": arrow,
    }
    print(f"\n## One Enum column of {ROWS:,} rows from uint8 codes (median / best)\n")
    for name, pair in timed_together(repeats, ways).items():
        print(f"- {name}: {fmt(pair)}")


def write_floor(repeats: int) -> None:
    import numba
    from numba import njit, prange

    @njit(parallel=True)
    def copy(columns: Any, out: Any) -> None:  # pragma: no cover - compiled
        n = out.shape[1]
        for b in prange((n + 4095) // 4096):
            lo, hi = b * 4096, min(b * 4096 + 4096, n)
            for s in range(len(columns)):
                source, target = columns[s][lo:hi], out[s][lo:hi]
                for r in range(hi - lo):
                    target[r] = np.int16(source[r])

    columns = tuple(np.random.default_rng(s).integers(0, 300, ROWS).astype(np.int64) for s in range(6))
    out = np.empty((6, ROWS), dtype=np.int16)
    found = timed_together(
        repeats,
        {"copy": lambda: copy(columns, out), "memory": memory_pass(list(columns))},
    )
    print(
        f"\n## Six Int64 columns of {ROWS:,} rows into Int16 (no look-up), "
        f"{numba.get_num_threads()} threads\n"
    )
    print(f"- compiled copy: {fmt(found['copy'])}; one memory pass over the six: {fmt(found['memory'])}")


def nonzero(repeats: int) -> None:
    codes = np.zeros(ROWS, dtype=np.uint16)
    codes[np.random.default_rng(2).integers(0, ROWS, 650)] = 4
    found = timed_together(
        repeats,
        {"direct": lambda: np.flatnonzero(codes), "via != 0": lambda: np.flatnonzero(codes != 0)},
    )
    print(f"\n## numpy.flatnonzero of a uint16 array, {ROWS:,} rows, 650 not 0\n")
    for name, pair in found.items():
        print(f"- {name}: {fmt(pair)}")


def short_route_blocks() -> None:
    from jingjin.engines.air._compiled import BLOCK

    print(f"\n## Blocks of {BLOCK:,} rows with no special value (the kernel's short route)\n")
    for standard in ("HJ633-2012", "HJ633-2026"):
        for report in ("daily", "hourly"):
            names = indicators(standard, report)
            frame = frame_of(names, ROWS, "int")
            values = {name: frame[name].to_numpy() for name in names}
            result = air_index._compute(values, standard, report, ROWS, set(names))
            indicators_read = air_index._slots(names, standard, report)[0]
            if air_index._slots(names, standard, report)[1]:
                indicators_read = indicators_read[:-1]  # the SO2 24-h stand-in is not an indicator
            special = result.beyond != 0
            for name in indicators_read:
                special |= result.iaqi[name] < 0
            blocks = (ROWS + BLOCK - 1) // BLOCK
            plain = sum(not special[b * BLOCK : (b + 1) * BLOCK].any() for b in range(blocks))
            print(f"- {standard} {report}: {plain} of {blocks} blocks")


def now_and_before(repeats: int, title: str, labels: tuple[str, str], switch: Callable[[bool], None]) -> None:
    """``aqi()`` on every case with ``switch(False)`` (now) and ``switch(True)`` (before) taken in
    turn, the two results checked equal first; a table of their times."""

    def side(before: bool, frame: pl.DataFrame, standard: str, report: str) -> Callable[[], pl.DataFrame]:
        def run() -> pl.DataFrame:
            switch(before)
            return aqi(frame, standard=standard, report=report)

        return run

    print(f"\n## {title} (median / best)\n")
    print(f"| standard | report | input | {labels[0]} (now) | {labels[1]} (before) |")
    print("|---|---|---|---:|---:|")
    for standard, report, dtype in CASES:
        frame = frame_of(indicators(standard, report), ROWS, dtype)
        now, before = side(False, frame, standard, report), side(True, frame, standard, report)
        assert now().equals(before())
        found = timed_together(repeats, {"now": now, "before": before})
        print(f"| {standard} | {report} | {dtype} | {fmt(found['now'])} | {fmt(found['before'])} |")


def level_codes(repeats: int) -> None:
    made_by_kernel = air_index.enum_buffer
    compute = air_index._compute_kernel
    levels = {id(air_index._level_kinds(2)), id(air_index._level_kinds(3))}
    state = {"before": False, "computing": False}

    def enum_buffer(kinds: pl.Series, n: int) -> Any:
        # As before: the kernel gets no category and colour arrays; the levels give them after.
        if state["before"] and state["computing"] and id(kinds) in levels:
            return None
        return made_by_kernel(kinds, n)

    def compute_kernel(*args: Any, **kwargs: Any) -> Any:
        state["computing"] = True
        try:
            return compute(*args, **kwargs)
        finally:
            state["computing"] = False

    air_index.enum_buffer, air_index._compute_kernel = enum_buffer, compute_kernel
    try:
        now_and_before(
            repeats,
            "Category and colour codes by the kernel, or from the levels after it",
            ("by the kernel", "from the levels"),
            lambda before: state.__setitem__("before", before),
        )
    finally:
        air_index.enum_buffer, air_index._compute_kernel = made_by_kernel, compute


def block_rows(repeats: int) -> None:
    from jingjin.engines.air import _compiled

    now = _compiled.BLOCK

    def switch(before: bool) -> None:
        _compiled.BLOCK = 4096 if before else now

    try:
        now_and_before(
            repeats,
            f"The kernel's blocks: {now:,} rows, or 4,096",
            (f"{now:,} rows", "4,096 rows"),
            switch,
        )
    finally:
        _compiled.BLOCK = now


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9, help="timed rounds (after one warm-up of each side)")
    args = parser.parse_args()
    print(f"# bench_air_parts — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(f"load average before the run: {os.getloadavg()[0]:.2f}; {args.repeat} rounds, sides in turn")
    split(args.repeat)
    enum_ways(args.repeat)
    write_floor(args.repeat)
    nonzero(args.repeat)
    short_route_blocks()
    level_codes(args.repeat)
    block_rows(args.repeat)


if __name__ == "__main__":
    main()
