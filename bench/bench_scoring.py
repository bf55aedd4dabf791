"""Benchmark of the composite-scoring engine against the peer library pymcdm, in the same run.

1. ``jingjin.engines.scoring.topsis`` on 1,000,000 rows × 10 criteria (5 benefit, 5 cost)
   vs pymcdm 1.4 ``TOPSIS(vector_normalization)``, called as users call it (input validation
   on, the default) and with ``validation=False``. Target (issue 5): ≥ 50× pymcdm's rows/s,
   aim 200×.
2. ``entropy_weights`` on the same matrix vs ``pymcdm.weights.entropy_weights``. Same target.
3. Agreement: the largest absolute difference of the scores and weights.

Data are synthetic (fixed seed), generated in memory. Run: ``.venv/bin/python bench/bench_scoring.py``
(``--quick`` for 100,000 rows).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import platform
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
from pymcdm import normalizations
from pymcdm.methods import TOPSIS
from pymcdm.weights import entropy_weights as pymcdm_entropy

from jingjin.engines.scoring import entropy_weights, topsis


def machine() -> str:
    model = "unknown"
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}"


def best_of(repeat: int, function: Callable[[], object]) -> tuple[float, object]:
    best = float("inf")
    result: object = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 1,000,000")
    args = parser.parse_args()
    m, n = (100_000 if args.quick else 1_000_000), 10
    rng = np.random.default_rng(20261127)
    X = rng.lognormal(mean=3.0, sigma=1.0, size=(m, n))
    weights = rng.dirichlet(np.ones(n))
    types = np.array([1, -1] * (n // 2))
    pymcdm_version = importlib.metadata.version("pymcdm")
    print(f"# bench_scoring — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}, pymcdm {pymcdm_version}")
    print(f"matrix: {m:,} rows × {n} criteria (lognormal, 5 benefit + 5 cost), fixed seed")

    ours_t, ours = best_of(5, lambda: topsis(X, weights, types > 0))
    peer = TOPSIS(normalizations.vector_normalization)
    peer_fast_t, peer_fast = best_of(2, lambda: peer(X, weights, types, validation=False))
    peer_t, peer_scores = best_of(1, lambda: peer(X, weights, types))
    diff = float(np.max(np.abs(np.asarray(ours) - np.asarray(peer_scores))))
    print("\n## TOPSIS (vector normalisation)")
    print(f"jingjin topsis                      {ours_t:8.3f} s  {m / ours_t:14,.0f} rows/s")
    print(
        f"pymcdm TOPSIS (default, validation) {peer_t:8.3f} s  {m / peer_t:14,.0f} rows/s  "
        f"ratio {peer_t / ours_t:6.1f}×"
    )
    print(
        f"pymcdm TOPSIS (validation=False)    {peer_fast_t:8.3f} s  {m / peer_fast_t:14,.0f} rows/s  "
        f"ratio {peer_fast_t / ours_t:6.1f}×"
    )
    print(f"max |jingjin − pymcdm| = {diff:.2e}")
    assert diff < 1e-9 and np.allclose(peer_fast, peer_scores)

    ours_e_t, ours_w = best_of(5, lambda: entropy_weights(X))
    peer_e_t, peer_w = best_of(3, lambda: pymcdm_entropy(X))
    log_t, _ = best_of(3, lambda: np.log(X))
    print("\n## entropy weights")
    print(f"jingjin entropy_weights             {ours_e_t:8.3f} s  {m / ours_e_t:14,.0f} rows/s")
    print(
        f"pymcdm entropy_weights              {peer_e_t:8.3f} s  {m / peer_e_t:14,.0f} rows/s  "
        f"ratio {peer_e_t / ours_e_t:6.1f}×"
    )
    print(f"(floor: numpy.log of the matrix alone takes {log_t:.3f} s = pymcdm / {peer_e_t / log_t:.1f})")
    w_diff = float(np.max(np.abs(np.asarray(ours_w) - np.asarray(peer_w))))
    print(f"max |w_jingjin − w_pymcdm| = {w_diff:.2e}")
    assert w_diff < 1e-10

    print("\n## targets (issue 5: ≥ 50× pymcdm's rows/s, aim 200×)")
    for name, ratio in (
        ("topsis vs pymcdm default call", peer_t / ours_t),
        ("topsis vs pymcdm validation=False", peer_fast_t / ours_t),
        ("entropy_weights vs pymcdm", peer_e_t / ours_e_t),
    ):
        verdict = "MET" if ratio >= 50 else "MISSED"
        print(f"{name:36s} {ratio:7.1f}×  {verdict}{' (aim 200× met)' if ratio >= 200 else ''}")


if __name__ == "__main__":
    main()
