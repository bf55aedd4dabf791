"""Benchmark of the water engines: GB 3838 classification and black-odorous water grading.

No peer library was named for GB 3838 and we know of no maintained Python one (aqi-hub covers
air only), so this script prints our own figures and one memory pass over the same columns.
Data are synthetic (fixed seed), made in memory; a CLI run writes under /tmp.
Run: ``.venv/bin/python bench/bench_water.py`` (``--quick`` for a smaller run).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

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


def best_of(repeats: int, call) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    print(f"# bench_water — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    frame = samples(n)
    seconds = best_of(3, lambda: classify(frame, waterbody="river"))
    arrays = [frame[c].to_numpy() for c in PARAMETERS]
    memory_pass = best_of(5, lambda: [float(a.sum()) for a in arrays])
    print(f"\n## classify(): {n:,} samples x 21 routine items (river)")
    print(f"{seconds:.3f} s = {n / seconds:,.0f} samples/s; one memory pass {memory_pass * 1000:.1f} ms")
    out = classify(frame, waterbody="river")
    shares = out["class"].value_counts().sort("class")
    print("classes:", ", ".join(f"{c}: {k:,}" for c, k in shares.iter_rows()))

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
    seconds = best_of(3, lambda: blackodor(bo, point_column="point", waterbody_column="body"))
    print(f"\n## blackodor(): {m:,} results: {seconds:.3f} s = {m / seconds:,.0f} results/s")

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
