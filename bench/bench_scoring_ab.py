"""``topsis`` as it is against ``topsis`` at a git revision, in one process (issue 19).

As ``bench_air_ab.py`` does for ``aqi()``: the package ``jingjin/engines/scoring`` is copied
twice into a temporary folder, as it is in the working tree and as it was at ``--against``,
each under a name of its own and compiled without numba's cache; on the matrix of
``bench_scoring.py`` (1,000,000 rows × 10 criteria, lognormal, fixed seed; row-major, the
compiled path) the two ``topsis`` are called once each and their scores checked equal, then
timed in ``--repeat`` rounds, the order of the two reversed every other round. The comparison
runs twice, in two processes, each side called first in one, and the mean of the two
differences is given (the side called first can be faster with the same code: see
``bench_air_ab.py``).

Run: ``.venv/bin/python bench/bench_scoring_ab.py`` (``--against REV``, default ``HEAD``;
``--repeat``, default 31).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
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

PACKAGE = "jingjin/engines/scoring"


def matrix() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``bench_scoring.py``'s matrix, weights and criteria kinds."""
    m, n = 1_000_000, 10
    rng = np.random.default_rng(20261127)
    X = rng.lognormal(mean=3.0, sigma=1.0, size=(m, n))
    weights = rng.dirichlet(np.ones(n))
    return X, weights, np.array([True, False] * (n // 2))


def measure(revision: str, first: str, repeats: int) -> dict[str, list[float]]:
    """Seconds of each side, ``first`` (``now`` or ``then``) called first."""
    X, weights, benefit = matrix()
    with tempfile.TemporaryDirectory() as folder:
        sides = {
            "now": copy_package(None, "scoring_ab_now", Path(folder), PACKAGE),
            "then": copy_package(revision, "scoring_ab_then", Path(folder), PACKAGE),
        }
        order = [first, "then" if first == "now" else "now"]

        def call(side: str) -> np.ndarray:
            return np.asarray(sides[side].topsis(X, weights, benefit))

        results = [call(side) for side in order]
        if not np.array_equal(results[0], results[1]):
            raise SystemExit("the two topsis disagree")
        return alternate(order, repeats, call)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--against", default="HEAD", help="git revision of the earlier topsis (default HEAD)")
    parser.add_argument("--repeat", type=int, default=31, help="timed rounds (after one call of each side)")
    parser.add_argument("--first", choices=["now", "then"], help=argparse.SUPPRESS)  # a child's run
    args = parser.parse_args()
    revision = git("rev-parse", args.against).strip()
    if args.first:
        print(json.dumps(measure(revision, args.first, args.repeat)))
        return
    print(f"# bench_scoring_ab — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(
        f"load average before the run: {os.getloadavg()[0]:.2f}; topsis now (working tree) against "
        f"{revision[:12]} ({git('log', '-1', '--format=%s', revision).strip()}); 1,000,000 × 10; "
        f"{args.repeat} rounds in each of two processes (each side called first in one), order "
        "reversed every other round; median ms; difference now − then"
    )
    cells, diffs = [], []
    for first in ("now", "then"):
        out = subprocess.run(
            [sys.executable, __file__, "--against", revision, "--repeat", str(args.repeat), "--first", first],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found = json.loads(out.strip().splitlines()[-1])
        now, then = (statistics.median(found[side]) * 1e3 for side in ("now", "then"))
        cells.append(f"{now:.2f} / {then:.2f}")
        diffs.append(now - then)
    print("\n| now first: now / then | then first: now / then | now − then | then first | mean |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {cells[0]} | {cells[1]} | {diffs[0]:+.2f} | {diffs[1]:+.2f} | {statistics.mean(diffs):+.2f} |")


if __name__ == "__main__":
    main()
