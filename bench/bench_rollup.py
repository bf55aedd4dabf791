"""The status engine's roll-up over months (``rollup_matrix``) on a plan of the cockpit's size, as
it is against the code at a git revision, in one process (issue 19).

The tree of ``bench_cockpit.py``'s plan: 1 plan, 20 actions, 500 measures, 5,000 tasks (5,521
nodes), 60 months; 10 % of the weights and 20 % of the values missing (fixed seed). The package
``jingjin/engines/status`` is copied as it is in the working tree and as it was at ``--against``
(``bench_air_ab.copy_package``); the two ``rollup_matrix`` are called once each and their results
checked equal to the last bit, then timed in ``--repeat`` rounds of one call of each, the order
reversed every other round, beside one memory pass over the matrix (numpy's int64 sum of its
bytes). Both ``missing`` rules are timed. The cockpit runs this roll-up on every request after a
write, for its trends (``jingjin.dashboard.trends``).

Run: ``.venv/bin/python bench/bench_rollup.py`` (``--against REV``, default ``HEAD``;
``--repeat``, default 41; ``--malloc``: glibc's allocator set to keep freed memory, as
``jingjin/wsgi.py`` sets it in the web server, where the cockpit runs the roll-up — without it
each call's result arrays of 2.6 MB come as fresh pages from the system, in both sides).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from bench_air_ab import alternate, copy_package, git  # noqa: E402
from bench_scoring import machine  # noqa: E402

PACKAGE = "jingjin/engines/status"
MONTHS = 60


def plan_tree(seed: int = 20261207) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parents (−1 for the plan), weights and month values of the benchmark plan's nodes: the plan,
    then 20 actions, 500 measures (25 an action) and 5,000 tasks (10 a measure)."""
    rng = np.random.default_rng(seed)
    actions, measures, tasks = 20, 500, 5000
    parent = np.concatenate(
        [
            [-1],
            np.zeros(actions, dtype=np.int64),
            1 + np.repeat(np.arange(actions), measures // actions),
            1 + actions + np.repeat(np.arange(measures), tasks // measures),
        ]
    ).astype(np.int64)
    n = len(parent)
    weight = rng.uniform(0.5, 3.0, n).round(1)
    weight[rng.random(n) < 0.1] = np.nan
    values = rng.uniform(0, 100, (n, MONTHS)).round(0)
    values[rng.random((n, MONTHS)) < 0.2] = np.nan
    return parent, weight, values


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", default="HEAD", help="git revision of the earlier code (default HEAD)")
    parser.add_argument("--repeat", type=int, default=41, help="timed rounds (after one call of each side)")
    parser.add_argument(
        "--malloc",
        action="store_true",
        help="keep freed memory for the next call, as jingjin/wsgi.py sets the allocator in the web server",
    )
    args = parser.parse_args()
    if args.malloc:
        from jingjin.core.allocator import keep_freed_memory

        print(f"allocator set to keep freed memory: {keep_freed_memory()}")
    revision = git("rev-parse", args.against).strip()
    parent, weight, values = plan_tree()
    words = np.ascontiguousarray(values).view(np.int64)
    print(f"# bench_rollup — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(
        f"load average before the run: {os.getloadavg()[0]:.2f}; rollup_matrix now (working tree) against "
        f"{revision[:12]} ({git('log', '-1', '--format=%s', revision).strip()}); {len(parent):,} nodes × "
        f"{MONTHS} months; {args.repeat} rounds, one call of each side a round, order reversed every "
        "other round; median / best ms"
    )
    print("\n| missing | now | then | now − then (median) | one memory pass |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        sides = {
            "now": copy_package(None, "rollup_ab_now", Path(folder), PACKAGE),
            "then": copy_package(revision, "rollup_ab_then", Path(folder), PACKAGE),
        }
        for missing in ("exclude", "zero"):

            def call(side: str, missing: str = missing) -> object:
                if side == "memory":
                    return words.sum()
                return sides[side].rollup_matrix(parent, weight, values, missing=missing)

            now, then = call("now"), call("then")
            for a, b in zip(now, then, strict=True):  # type: ignore[call-overload]
                if not np.array_equal(a, b, equal_nan=True):
                    raise SystemExit(f"the two rollup_matrix disagree (missing={missing})")
            call("memory")
            times = alternate(["now", "then", "memory"], args.repeat, call)
            med = {side: statistics.median(t) * 1e3 for side, t in times.items()}
            best = {side: min(t) * 1e3 for side, t in times.items()}
            cells = [f"{med[side]:.2f} / {best[side]:.2f}" for side in ("now", "then")]
            print(
                f"| {missing} | {cells[0]} | {cells[1]} | {med['now'] - med['then']:+.2f} "
                f"| {med['memory']:.3f} / {best['memory']:.3f} |"
            )


if __name__ == "__main__":
    main()
