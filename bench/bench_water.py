"""Benchmark of the water engines: GB 3838 classification and black-odorous water grading.

No peer library was named for GB 3838 and we know of no maintained Python one (aqi-hub covers
air only), so this script prints our own figures: ``classify()`` by the compiled kernel (the
default) and by the numpy reference path (``water.KERNEL = "numpy"``), and one memory pass over
the same columns, each with one warm-up and the same repeats (median and best).
Data are synthetic (fixed seed), made in memory; a CLI run writes under /tmp.
Run: ``.venv/bin/python bench/bench_water.py`` (``--quick`` for a smaller run,
``--no-cli`` to skip the command-line run).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from jingjin.engines import water
from jingjin.engines.water import blackodor, classify

WORK = Path("/tmp/jingjin-bench-water")

#: Median and spread (lognormal sigma) per parameter, roughly class II–IV water.
PARAMETERS = {
    "ph": (7.5, 0.05),
    "do": (6.5, 0.3),
    "codmn": (4.0, 0.5),
    "cod": (16.0, 0.4),
    "bod5": (3.0, 0.5),
    "nh3_n": (0.5, 0.8),
    "tp": (0.1, 0.6),
    "cu": (0.005, 1.0),
    "zn": (0.03, 1.0),
    "f": (0.5, 0.4),
    "se": (0.002, 0.8),
    "as": (0.005, 0.8),
    "hg": (0.00003, 0.8),
    "cd": (0.001, 0.8),
    "cr6": (0.01, 0.6),
    "pb": (0.005, 0.8),
    "cn": (0.004, 0.8),
    "phenol": (0.001, 0.8),
    "petroleum": (0.02, 0.8),
    "las": (0.05, 0.8),
    "sulfide": (0.02, 0.8),
}


def samples(n: int, seed: int = 3838) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    data = {name: np.round(rng.lognormal(np.log(m), s, n), 5) for name, (m, s) in PARAMETERS.items()}
    return pl.DataFrame({"section": np.arange(n), **data})


def timed(repeats: int, call) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """One warm-up call, then ``repeats`` timed calls: (median, best) in seconds."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def ms(pair: tuple[float, float]) -> str:
    return f"{pair[0] * 1000:.1f} / {pair[1] * 1000:.1f} ms"


def compare_classify(frame: pl.DataFrame, repeats: int) -> None:
    """``classify()`` by the compiled kernel and by the numpy reference path, and one memory pass
    over the same columns, each with one warm-up and the same repeats (median / best)."""
    arrays = [frame[c].to_numpy() for c in PARAMETERS]
    n = frame.height
    print(f"\n## classify(): {n:,} samples x 21 routine items, median / best of {repeats} (load {load()})")
    print("| waterbody | kernel | numpy reference path | one memory pass | kernel ÷ pass | numpy ÷ kernel |")
    print("|---|---:|---:|---:|---:|---:|")
    for body in ("river", "lake"):
        water.KERNEL = "numba"
        start = time.perf_counter()
        compiled = classify(frame, waterbody=body)
        first = time.perf_counter() - start
        kernel = timed(repeats, lambda body=body: classify(frame, waterbody=body))
        water.KERNEL = "numpy"
        reference = timed(repeats, lambda body=body: classify(frame, waterbody=body))
        same = classify(frame, waterbody=body).equals(compiled)
        water.KERNEL = "numba"
        memory = timed(repeats, lambda: [float(a.sum()) for a in arrays])
        print(
            f"| {body} | {ms(kernel)} = {n / kernel[0] / 1e6:.1f} M samples/s "
            f"| {ms(reference)} | {ms(memory)} "
            f"| {kernel[0] / memory[0]:.1f}× / {kernel[1] / memory[1]:.1f}× "
            f"| {reference[0] / kernel[0]:.1f}× / {reference[1] / kernel[1]:.1f}× |"
        )
        print(f"  (first call {first:.2f} s; results identical to the numpy path: {same})")
    out = classify(frame, waterbody="river")
    shares = out["class"].value_counts().sort("class")
    print("classes:", ", ".join(f"{c}: {k:,}" for c, k in shares.iter_rows()))


def load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-cli", action="store_true", help="skip the command-line run")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    print(f"# bench_water — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    frame = samples(n)
    compare_classify(frame, args.repeat)

    rng = np.random.default_rng(2015)
    m = n // 10
    bo = pl.DataFrame(
        {
            "body": rng.integers(0, m // 30, m).astype(str),
            "point": rng.integers(0, 10, m).astype(str),
            "transparency": np.round(rng.uniform(2, 60, m), 1),
            "do": np.round(rng.uniform(0, 6, m), 2),
            "orp": np.round(rng.uniform(-350, 200, m), 0),
            "nh3_n": np.round(rng.uniform(0, 25, m), 2),
        }
    )
    graded = timed(args.repeat, lambda: blackodor(bo, point_column="point", waterbody_column="body"))
    print(f"\n## blackodor(): {m:,} results: {ms(graded)} = {m / graded[0]:,.0f} results/s")
    if args.no_cli:
        return

    WORK.mkdir(parents=True, exist_ok=True)
    source = WORK / "samples.parquet"
    frame.write_parquet(source)
    exe = Path(sys.executable).with_name("jingjin")
    command = [
        "/usr/bin/time",
        "-v",
        str(exe),
        "water",
        "classify",
        str(source),
        "-o",
        str(WORK / "out.parquet"),
    ]
    start = time.perf_counter()
    result = subprocess.run([*command, "--waterbody", "river"], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    peak = next(
        (
            int(line.split(":")[1])
            for line in result.stderr.splitlines()
            if "Maximum resident set size" in line
        ),
        0,
    )
    print(
        f"\n## jingjin water classify on {n:,} samples (Parquet): {wall:.1f} s, "
        f"peak RSS {peak / 1024**2:.2f} GB"
    )


if __name__ == "__main__":
    main()
