"""What reading a GB18030/GBK CSV costs against the same table in UTF-8 (``read_table``).

A UTF-8 file is read in place by polars; a file that is not valid UTF-8 is decoded as GB18030
in Python and re-encoded before polars reads it (docs/engines/files.md). Table: 1,000,000 rows
of a station name in Chinese and two concentrations (fixed seed), written under /tmp. Each
encoding runs in its own process (peak RSS is per process); 1 warm-up, 5 timed reads, median
and best reported. Run: ``.venv/bin/python bench/bench_csv_encoding.py`` (``--rows N``).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl


def child(encoding: str, rows: int) -> None:
    from jingjin.commands._io import read_table

    rng = np.random.default_rng(0)
    frame = pl.DataFrame(
        {
            "站点": rng.choice(["遂宁监测站", "射洪站", "蓬溪站"], rows),
            "pm25_24h": rng.uniform(0, 300, rows).round(1),
            "co_24h": rng.uniform(0, 5, rows).round(2),
        }
    )
    path = Path(f"/tmp/bench-csv-{encoding}-{os.getpid()}.csv")
    path.write_bytes(frame.write_csv().encode(encoding))
    size = path.stat().st_size
    del frame
    try:
        read_table(path)  # warm-up
        times = []
        for _ in range(5):
            start = time.perf_counter()
            out = read_table(path)
            times.append(time.perf_counter() - start)
        assert out.height == rows and out.columns[0] == "站点"
    finally:
        path.unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{encoding:8} {size / 1e6:6.1f} MB  median {statistics.median(times):.3f} s  "
        f"best {min(times):.3f} s  peak RSS {peak:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows)
        return
    print(f"{args.rows:,} rows; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for encoding in ("utf-8", "gb18030"):
        subprocess.run([sys.executable, __file__, "--child", encoding, "--rows", str(args.rows)], check=True)


if __name__ == "__main__":
    main()
