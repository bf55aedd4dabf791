"""``aqi()`` as it is against ``aqi()`` at a git revision, in one process (issue 19).

``bench_air_kernel_ab.py`` compares the kernel alone, on the same arguments; it cannot compare
two versions whose kernels take other arguments or return other counts, and it leaves out the
Python around the kernel (the result columns). This script compares the whole ``aqi()``: the
package ``jingjin/engines/air`` is copied twice into a temporary folder, as it is in the working
tree and as it was at ``--against``, each under a name of its own and compiled without numba's
cache, and for each case of ``bench_air.py`` (both standards, daily and hourly, float and int;
2,000,000 rows) the two ``aqi()`` are

- called once each and their frames checked equal;
- timed in ``--repeat`` rounds, the order of the two reversed every other round.

In one process, the side called first on a case was 0.4–0.6 ms faster by median than the other
in most cases, with the same code on both sides (this script against ``HEAD`` with a clean
working tree, `AMD EPYC`, 2026-12-07 07:30 UTC). So the comparison runs twice, in two
processes, each side first once, and the table gives both differences and their mean, which
cancels that bias.

Run: ``.venv/bin/python bench/bench_air_ab.py`` (``--against REV``, default ``HEAD``; ``--repeat``;
``--missing F``: that fraction of each column's values made null, at random rows with a fixed
seed, as in station data with gaps; default 0).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402
from bench_air import CASES, frame_of, indicators, machine  # noqa: E402

from jingjin import numba_cache  # noqa: E402

PACKAGE = "jingjin/engines/air"
ROWS = 2_000_000


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def copy_package(revision: str | None, name: str, folder: Path, package: str = PACKAGE) -> ModuleType:
    """The ``package`` (a folder of this repository, the air package by default) at ``revision``
    (None: the working tree) as the package ``name``, compiled without numba's cache."""
    target = folder / name
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if revision:
        listed = git("ls-tree", "--name-only", revision, f"{package}/").split()
        paths = [path for path in listed if path.endswith(".py")]
    else:
        paths = [str(path.relative_to(ROOT)) for path in sorted((ROOT / package).glob("*.py"))]
    for path in paths:
        text = git("show", f"{revision}:{path}") if revision else (ROOT / path).read_text(encoding="utf-8")
        text = text.replace(package.replace("/", "."), name).replace("cache=True", "cache=False")
        (target / Path(path).name).write_text(text, encoding="utf-8")
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return importlib.import_module(name)


def with_gaps(frame: pl.DataFrame, fraction: float) -> pl.DataFrame:
    """``frame`` with ``fraction`` of each column's values null (fixed seed)."""
    if not fraction:
        return frame
    rng = np.random.default_rng(20261207)
    return frame.with_columns(
        pl.when(pl.Series(rng.random(frame.height) < fraction)).then(None).otherwise(pl.col(name)).alias(name)
        for name in frame.columns
    )


def alternate(order: list[str], repeats: int, call: Callable[[str], Any]) -> dict[str, list[float]]:
    """Seconds of ``call(side)`` for each side of ``order``, in ``repeats`` rounds of one call of
    each, the order reversed every other round."""
    times: dict[str, list[float]] = {side: [] for side in order}
    for k in range(repeats):
        for side in order if k % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            call(side)
            times[side].append(time.perf_counter() - start)
    return times


def measure(
    revision: str, first: str, repeats: int, missing: float = 0.0
) -> dict[str, dict[str, list[float]]]:
    """Seconds of each side per case, ``first`` (``now`` or ``then``) called first on each case."""
    numba_cache.configure()
    with tempfile.TemporaryDirectory() as folder:
        sides = {
            "now": copy_package(None, "air_ab_now", Path(folder)),
            "then": copy_package(revision, "air_ab_then", Path(folder)),
        }
        order = [first, "then" if first == "now" else "now"]
        found: dict[str, dict[str, list[float]]] = {}
        for standard, report, dtype in CASES:
            frame = with_gaps(frame_of(indicators(standard, report), ROWS, dtype), missing)

            def call(side: str, frame: Any = frame, standard: str = standard, report: str = report) -> Any:
                return sides[side].aqi(frame, standard=standard, report=report)

            results = [call(side) for side in order]
            if not results[0].equals(results[1]):
                raise SystemExit(f"the two aqi() disagree on {standard} {report} {dtype}")
            del results
            found[f"{standard} {report} {dtype}"] = alternate(order, repeats, call)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", default="HEAD", help="git revision of the earlier aqi() (default HEAD)")
    parser.add_argument("--repeat", type=int, default=21, help="timed rounds (after one call of each side)")
    parser.add_argument("--missing", type=float, default=0.0, help="fraction of values made null (default 0)")
    parser.add_argument("--first", choices=["now", "then"], help=argparse.SUPPRESS)  # a child's run
    args = parser.parse_args()
    revision = git("rev-parse", args.against).strip()
    if args.first:
        print(json.dumps(measure(revision, args.first, args.repeat, args.missing)))
        return
    print(f"# bench_air_ab — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(
        f"load average before the run: {os.getloadavg()[0]:.2f}; aqi() now (working tree) against "
        f"{revision[:12]} ({git('log', '-1', '--format=%s', revision).strip()}); {args.missing:.1%} of the "
        f"values null; {args.repeat} rounds "
        "in each of two processes (each side called first in one), order reversed every other round; "
        "median ms; difference now − then"
    )
    runs = {}
    gaps = ["--missing", str(args.missing)]
    for first in ("now", "then"):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--against",
                revision,
                "--repeat",
                str(args.repeat),
                "--first",
                first,
                *gaps,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        runs[first] = json.loads(out.strip().splitlines()[-1])
    print("\n| case | now first: now / then | then first: now / then | now − then | then first | mean |")
    print("|---|---:|---:|---:|---:|---:|")
    for case in runs["now"]:
        cells, diffs = [], []
        for first in ("now", "then"):
            now, then = (statistics.median(runs[first][case][side]) * 1e3 for side in ("now", "then"))
            cells.append(f"{now:.2f} / {then:.2f}")
            diffs.append(now - then)
        mean = statistics.mean(diffs)
        print(f"| {case} | {cells[0]} | {cells[1]} | {diffs[0]:+.2f} | {diffs[1]:+.2f} | {mean:+.2f} |")


if __name__ == "__main__":
    main()
