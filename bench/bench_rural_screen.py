"""Benchmark of ``jingjin rural screen`` (issue 15) on 10,000,000 households from Parquet.

Target (issue 15, Performance): end to end (read Parquet, validate, screen, write Parquet) under
10 s on this machine, peak memory under 6 GB. Peer, in the same run: the same rules written as
DuckDB SQL (``COPY (SELECT …) TO … (FORMAT parquet)``), validation included as one aggregate
query the way ours checks, in a fresh process each run like ours. Each side gets one warm-up run
(file cache) and the same repeats; median and best wall time and the peak resident memory of the
child process (``wait4`` rusage) are printed. The two outputs are checked equal on the
classification and elimination columns. Data are synthetic (fixed seed), written under /tmp.

Run: ``PYTHONPATH=. .venv/bin/python bench/bench_rural_screen.py [--rows 10000000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl

AS_OF = "2021-12-31"
LINE = 6000

DUCKDB_SQL = """
import duckdb, sys
src, dst, line, as_of = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
con = duckdb.connect()
bad = con.execute(f'''SELECT
  count(*) FILTER (WHERE members < 1 OR members <> floor(members)),
  count(*) FILTER (WHERE net_income < 0 OR rigid_expenditure < 0),
  count(*) FILTER (WHERE former_poor NOT IN (0,1) OR food_clothing_secure NOT IN (0,1)
    OR education_secure NOT IN (0,1) OR medical_secure NOT IN (0,1) OR housing_secure NOT IN (0,1)
    OR water_secure NOT IN (0,1) OR labour_capacity NOT IN (0,1)),
  count(*) FILTER (WHERE assistance_count < 0 OR months_above_line < 0)
  FROM read_parquet('{src}')''').fetchone()
assert sum(bad) == 0, bad
con.execute(f'''COPY (
  WITH a AS (SELECT *, net_income / members AS per_capita_income,
      (net_income - rigid_expenditure) / members AS adjusted_per_capita,
      (food_clothing_secure = 0 OR education_secure = 0 OR medical_secure = 0
       OR housing_secure = 0 OR water_secure = 0) AS basic_needs_risk
    FROM read_parquet('{src}')),
  b AS (SELECT *, per_capita_income <= {line} AS in_range FROM a),
  c AS (SELECT *, CASE WHEN in_range AND former_poor = 1 THEN 'unstable'
      WHEN in_range THEN 'marginal'
      WHEN adjusted_per_capita <= {line} OR basic_needs_risk THEN 'sudden' ELSE 'none' END
      AS monitoring_type FROM b)
  SELECT *, coalesce(monitored_since + INTERVAL 6 MONTH <= DATE '{as_of}', false)
      AND assistance_count >= 1 AND months_above_line >= 6 AND NOT basic_needs_risk
      AND labour_capacity = 1 AND monitoring_type = 'none' AS eligible_for_elimination FROM c
) TO '{dst}' (FORMAT parquet)''')
"""


def make_input(path: Path, rows: int) -> None:
    rng = np.random.default_rng(15)
    members = rng.integers(1, 7, rows)
    secure = {
        name: (rng.random(rows) > 0.02).astype(np.int8)
        for name in (
            "food_clothing_secure",
            "education_secure",
            "medical_secure",
            "housing_secure",
            "water_secure",
        )
    }
    monitored = rng.random(rows) < 0.1
    days = rng.integers(0, 1100, rows)
    since = pl.Series("monitored_since", (np.datetime64("2019-01-01") + days).astype("datetime64[D]"))
    frame = pl.DataFrame(
        {
            "household_id": pl.int_range(0, rows, eager=True).cast(pl.String).str.zfill(9),
            "members": members,
            "former_poor": (rng.random(rows) < 0.15).astype(np.int8),
            "net_income": np.round(rng.gamma(2.0, 12000.0, rows) * members / 3, 2),
            "rigid_expenditure": np.round(rng.exponential(3000.0, rows), 2),
            **secure,
            "labour_capacity": (rng.random(rows) > 0.05).astype(np.int8),
            "monitored_since": since,
            "assistance_count": rng.integers(0, 4, rows),
            "months_above_line": rng.integers(0, 13, rows),
        }
    ).with_columns(
        pl.when(pl.Series(monitored)).then(pl.col("monitored_since")).otherwise(None).alias("monitored_since")
    )
    frame.write_parquet(path)


def run(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (GiB) of a child process."""
    start = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed with {child.returncode}")
    return wall, usage.ru_maxrss / 1024 / 1024


def series(name: str, cmd: list[str], repeat: int) -> None:
    run(cmd)  # warm-up
    times, peaks = zip(*(run(cmd) for _ in range(repeat)), strict=True)
    print(
        f"{name:<28} median {statistics.median(times):6.2f} s  best {min(times):6.2f} s  "
        f"peak RSS {max(peaks):5.2f} GiB  ({repeat} runs)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path("/tmp/bench_rural")
    work.mkdir(exist_ok=True)
    source = work / f"households_{args.rows}.parquet"
    if not source.exists():
        make_input(source, args.rows)
    ours, peer = work / "ours.parquet", work / "duckdb.parquet"
    print(
        f"{date.today()} {platform.node()} {platform.processor() or platform.machine()} "
        f"cpus={os.cpu_count()} load={os.getloadavg()} rows={args.rows:,} python {sys.version.split()[0]}"
    )
    series(
        "jingjin rural screen",
        [
            sys.executable,
            "-m",
            "jingjin.cli",
            "rural",
            "screen",
            str(source),
            "-o",
            str(ours),
            "--year",
            "2021",
            "--as-of",
            AS_OF,
        ],
        args.repeat,
    )
    series(
        "duckdb SQL",
        [sys.executable, "-c", DUCKDB_SQL, str(source), str(peer), str(LINE), AS_OF],
        args.repeat,
    )
    keys = ["household_id", "monitoring_type", "eligible_for_elimination"]
    a = pl.read_parquet(ours, columns=keys).sort("household_id")
    b = pl.read_parquet(peer, columns=keys).sort("household_id")
    print(
        "outputs equal:",
        a.equals(b),
        "| types:",
        dict(a["monitoring_type"].value_counts().iter_rows()),
        "| eligible:",
        int(a["eligible_for_elimination"].sum()),
    )


if __name__ == "__main__":
    main()
