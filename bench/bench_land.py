"""Benchmark of ``jingjin land evaluate`` on 1,000,000 firms, end to end from Parquet.

Target (issue 5): under 2 s for the whole command — process start, reading the Parquet file,
computing the indicators, scoring under ``huangyan-2022`` (both segments, the missing-emission
rule), ranking, grading and writing the Parquet output. Also reported: the same scheme in
process (read / evaluate / write split), and ``sichuan-2020``. There is no peer library for
per-mu evaluation; the yardstick is the target.

Data are synthetic (fixed seed): 70 % above-scale firms, 5 % without emission data, lognormal
figures. Written under /tmp. Run: ``.venv/bin/python bench/bench_land.py`` (``--quick``: 100,000 firms).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

from jingjin.commands._io import land_scheme
from jingjin.engines.land import evaluate

WORK = Path("/tmp/jingjin-bench-land")


def machine() -> str:
    model = "unknown"
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, polars {pl.__version__}"


def firms(n: int, seed: int = 20261127) -> pl.DataFrame:
    rng = np.random.default_rng(seed)

    def logn(median: float, sigma: float) -> np.ndarray:
        return np.round(rng.lognormal(np.log(median), sigma, n), 2)

    land = logn(40, 0.9)
    revenue = np.round(land * rng.lognormal(np.log(400), 0.8, n), 2)
    value_added = np.round(revenue * rng.uniform(0.15, 0.35, n), 2)
    emissions = logn(2, 1.2)
    emissions[rng.random(n) < 0.05] = np.nan
    return pl.DataFrame(
        {
            "enterprise_id": [f"E{i:07d}" for i in range(n)],
            "land_mu": land,
            "tax_10k": np.round(revenue * rng.uniform(0.01, 0.06, n), 2),
            "revenue_10k": revenue,
            "value_added_10k": value_added,
            "energy_tce": np.round(value_added / rng.lognormal(np.log(2.5), 0.6, n), 2) + 0.01,
            "emissions_t": emissions,
            "employees": np.maximum(1, np.round(value_added / rng.lognormal(np.log(18), 0.5, n))),
            "rd_10k": np.round(revenue * rng.uniform(0.0, 0.05, n), 2),
            "electricity_10k_kwh": logn(300, 1.0),
            "above_scale": (rng.random(n) < 0.7).astype(np.int8),
        },
        nan_to_null=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 firms instead of 1,000,000")
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    WORK.mkdir(parents=True, exist_ok=True)
    source = WORK / f"firms_{n}.parquet"
    if not source.exists():
        firms(n).write_parquet(source)
    print(f"# bench_land — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(f"input: {n:,} firms, {source.stat().st_size / 1e6:.1f} MB Parquet ({source})")

    exe = Path(sys.executable).with_name("jingjin")
    print("\n## end to end: jingjin land evaluate (new process each run)")
    results = {}
    for scheme in ("huangyan-2022", "sichuan-2020"):
        target = WORK / f"graded_{scheme}.parquet"
        times = []
        cpu = []
        for _ in range(5):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                [str(exe), "land", "evaluate", str(source), "-o", str(target), "--scheme", scheme],
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        results[scheme] = min(times)
        out = pl.read_parquet(target)
        counts = dict(sorted(out["class"].drop_nulls().value_counts().iter_rows()))
        print(
            f"{scheme:14s} best {min(times):5.2f} s, median {sorted(times)[2]:5.2f} s "
            f"(runs: {', '.join(f'{t:.2f}' for t in times)}); "
            f"{out.width} columns; classes {counts}"
        )
        print(f"{'':14s} CPU time (user + system) per run: {', '.join(f'{c:.2f}' for c in cpu)} s")
    start = time.perf_counter()
    subprocess.run([str(exe), "--version"], check=True, capture_output=True)
    print(f"(process start and `jingjin --version` alone: {time.perf_counter() - start:.2f} s)")

    print(f"(load average while running: {', '.join(f'{x:.2f}' for x in os.getloadavg())})")

    print("\n## in process: huangyan-2022")
    scheme = land_scheme("huangyan-2022")
    t0 = time.perf_counter()
    frame = pl.read_parquet(source)
    t1 = time.perf_counter()
    graded = evaluate(frame, scheme)
    t2 = time.perf_counter()
    graded.write_parquet(WORK / "graded_inprocess.parquet")
    t3 = time.perf_counter()
    print(f"read {t1 - t0:.3f} s, evaluate {t2 - t1:.3f} s, write {t3 - t2:.3f} s")

    print("\n## target (issue 5: < 2 s end to end on 1,000,000 firms; best of 5 runs)")
    for name, seconds in results.items():
        print(f"{name:14s} {seconds:6.2f} s  {'MET' if seconds < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
