"""The AQI kernel as it is against an earlier version of it, in one process (issue 19).

On a shared machine the speed of separate runs moves by a third or more from one minute to the
next, which hides a change of a few percent in the kernel. This script loads the kernel's code
(``jingjin/engines/air/_compiled.py``) as it is and as it was at a git revision, side by side
in one process, and for each case of ``bench_air.py`` (both standards, daily and hourly, float
and int; 2,000,000 rows):

- captures the arguments ``aqi()`` gives the kernel (the same input columns, tables and result
  arrays for both sides);
- checks that the two versions write the same arrays and return the same counts;
- times the two calls, after one warm-up each, in ``--repeat`` rounds, the order of the two
  reversed every other round (the side that runs first after the other is not always the same).

Only the kernel call is timed: the Python around it (``aqi()``'s columns) is the same code for
both sides. An earlier version whose arguments differ from today's cannot be compared this way:
the script says so and stops.

Run: ``.venv/bin/python bench/bench_air_kernel_ab.py`` (``--against REV``: the revision to compare
with, by default the last commit before ``HEAD`` that changed the kernel's code; ``--repeat``).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
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

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_air import CASES, frame_of, indicators, machine

from jingjin import numba_cache

numba_cache.configure()

import numpy as np  # noqa: E402

from jingjin.engines.air import _compiled, aqi, kernel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "jingjin/engines/air/_compiled.py"
ROWS = 2_000_000


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def previous_revision() -> str:
    """The last commit before HEAD that changed the kernel's code."""
    found = git("log", "-n", "1", "--format=%H", "HEAD~1", "--", SOURCE).strip()
    if not found:
        raise SystemExit(f"no earlier commit changed {SOURCE}")
    return found


def load(revision: str, folder: Path) -> ModuleType:
    """The kernel's code at ``revision`` as a module of its own (compiled without numba's cache,
    so that neither version's cache entries are touched)."""
    text = git("show", f"{revision}:{SOURCE}").replace("cache=True", "cache=False")
    path = folder / f"aqi_kernel_{revision[:12]}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def kernel_arguments(standard: str, report: str, dtype: str) -> tuple[Any, ...]:
    """What ``aqi()`` passes the kernel for the case's frame (captured on one call)."""
    frame = frame_of(indicators(standard, report), ROWS, dtype)
    captured: list[tuple[Any, ...]] = []

    def capture(*args: Any) -> Any:
        captured.append(args)
        return _compiled.run(*args)

    compiled = kernel._kernel
    kernel._kernel = lambda: capture  # type: ignore[assignment]
    try:
        aqi(frame, standard=standard, report=report)
    finally:
        kernel._kernel = compiled
    return captured[0]


def same_results(args: tuple[Any, ...], before: ModuleType) -> bool:
    """Whether both versions return the same counts and write the same arrays."""
    arrays = [a for a in args if isinstance(a, np.ndarray) and a.flags.writeable]
    counts = _compiled.run(*args)
    written = [a.copy() for a in arrays]
    if not np.array_equal(before.run(*args), counts):
        return False
    return all(np.array_equal(a, b) for a, b in zip(arrays, written, strict=True))


def alternating(repeats: int, now: Callable[[], Any], before: Callable[[], Any]) -> dict[str, list[float]]:
    now()
    before()
    times: dict[str, list[float]] = {"now": [], "before": []}
    for k in range(repeats):
        order = [("now", now), ("before", before)]
        for name, call in order if k % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", help="git revision of the earlier kernel (default: its previous change)")
    parser.add_argument(
        "--repeat", type=int, default=21, help="timed rounds (after one warm-up of each side)"
    )
    args = parser.parse_args()
    revision = git("rev-parse", args.against or previous_revision()).strip()
    print(f"# bench_air_kernel_ab — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(
        f"load average before the run: {os.getloadavg()[0]:.2f}; the kernel now (working tree) against "
        f"{revision[:12]} ({git('log', '-1', '--format=%s', revision).strip()}); {args.repeat} rounds, "
        "one warm-up each, order reversed every other round; median / best ms of the kernel call"
    )
    print("\n| standard | report | input | now | before | now − before, median |")
    print("|---|---|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        before = load(revision, Path(folder))
        for standard, report, dtype in CASES:
            call = kernel_arguments(standard, report, dtype)
            try:
                same = same_results(call, before)
            except Exception as error:  # an earlier kernel with other arguments
                print(f"\nthe kernel at {revision[:12]} cannot be called as today's: {type(error).__name__}")
                return
            if not same:
                raise SystemExit(f"the two kernels disagree on {standard} {report} {dtype}")
            times = alternating(args.repeat, lambda c=call: _compiled.run(*c), lambda c=call: before.run(*c))
            now, then = (statistics.median(times[k]) * 1e3 for k in ("now", "before"))
            cells = [
                f"{statistics.median(times[k]) * 1e3:.2f} / {min(times[k]) * 1e3:.2f}"
                for k in ("now", "before")
            ]
            print(f"| {standard} | {report} | {dtype} | {cells[0]} | {cells[1]} | {now - then:+.2f} |")


if __name__ == "__main__":
    main()
