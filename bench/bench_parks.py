"""Benchmark of the parks rules engine (issue 13) on a province-size catalogue.

Target (issue 13, Performance): 100 parks, 5,000 sub-industries, 200,000 firms — the overlap
matrix and the gap scores under 1 s. Each park holds about 200 random sub-industries (150–250);
the chains have 600 links (30 chains × 20); every firm is on one link, a fifth of them on a
second one (240,000 firm × link rows).

Peers, in the same run, like for like (same input arrays, one warm-up call each, the same
repeats, median and best printed):

* overlap — ``scipy.spatial.distance.pdist(dense, "jaccard")`` with ``squareform`` on the dense
  park × sub-industry boolean matrix; timed with the dense matrix built from the same (park,
  sub-industry) arrays our function takes, and without that step (pdist alone). Ours also
  finds and orders the flagged pairs; pdist does not.
* gaps — a polars group-by of the firm rows by link (sum of output, count), joined to the
  links, coverage and score as expressions, from the same numpy arrays.

Both results are checked equal to ours. Then, unless ``--no-cli``, ``jingjin parks check`` end
to end from CSV files (new process each run). Data are synthetic (fixed seed), written under
/tmp. Run: ``.venv/bin/python bench/bench_parks.py [--repeat 7] [--no-cli]``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import scipy
from scipy.spatial.distance import pdist, squareform

from jingjin.engines.parks import chain_gaps, overlap

WORK = Path("/tmp/jingjin-bench-parks")
N_PARKS, N_INDUSTRIES, N_FIRMS, N_CHAINS, LINKS_PER_CHAIN = 100, 5_000, 200_000, 30, 20


def machine() -> str:
    model = "unknown"
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, polars {pl.__version__}"
    )


def catalogue(seed: int = 20261206) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(150, 251, N_PARKS)
    sets = [rng.choice(N_INDUSTRIES, size, replace=False) for size in sizes]
    for copy in range(N_PARKS - 10, N_PARKS):  # the last 10 parks repeat 80 % of another's (同质化)
        source = sets[copy - (N_PARKS - 10)]
        kept = rng.choice(source, int(0.8 * source.size), replace=False)
        sets[copy] = np.unique(np.concatenate([kept, rng.choice(N_INDUSTRIES, source.size // 5)]))
    park_ids = np.repeat(np.arange(N_PARKS), [s.size for s in sets])
    industry_ids = np.concatenate(sets)
    n_links = N_CHAINS * LINKS_PER_CHAIN
    second = np.flatnonzero(rng.random(N_FIRMS) < 0.2)
    first_link = rng.integers(0, n_links, N_FIRMS)
    firm_of_row = np.concatenate([np.arange(N_FIRMS), second])
    link_ids = np.concatenate(
        [first_link, (first_link[second] + rng.integers(1, n_links, second.size)) % n_links]
    )
    return {
        "park_ids": park_ids,
        "industry_ids": industry_ids,
        "importance": np.round(rng.uniform(0.1, 1.0, n_links), 2),
        "reference": np.round(rng.lognormal(np.log(200_000), 0.8, n_links), 1),
        "firm_of_row": firm_of_row,
        "link_ids": link_ids,
        "output": np.round(rng.lognormal(np.log(500), 1.2, firm_of_row.size), 1),
    }


def timed(call: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """One warm-up call, then ``repeat`` timed calls: (median, best) seconds and the last result."""
    result = call()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times), result


def dense_matrix(park_ids: np.ndarray, industry_ids: np.ndarray) -> np.ndarray:
    matrix = np.zeros((N_PARKS, N_INDUSTRIES), dtype=bool)
    matrix[park_ids, industry_ids] = True
    return matrix


def polars_gaps(data: dict[str, np.ndarray]) -> pl.DataFrame:
    links = pl.DataFrame(
        {
            "link": np.arange(data["importance"].size),
            "importance": data["importance"],
            "reference": data["reference"],
        }
    )
    firms = pl.DataFrame({"link": data["link_ids"], "output": data["output"]})
    local = firms.group_by("link").agg(pl.col("output").sum().alias("local"), pl.len().alias("firms"))
    joined = links.join(local, on="link", how="left", maintain_order="left").with_columns(
        pl.col("local").fill_null(0.0), pl.col("firms").fill_null(0)
    )
    coverage = (
        pl.when(pl.col("reference") > 0)
        .then(pl.min_horizontal(pl.lit(1.0), pl.col("local") / pl.col("reference")))
        .otherwise((pl.col("firms") > 0).cast(pl.Float64))
    )
    return joined.with_columns(coverage.alias("coverage")).with_columns(
        (pl.col("importance") * (1.0 - pl.col("coverage"))).alias("score")
    )


def line(name: str, median: float, best: float) -> str:
    return f"{name:58s} median {median * 1e3:8.2f} ms, best {best * 1e3:8.2f} ms"


def engines(data: dict[str, np.ndarray], repeat: int) -> dict[str, float]:
    parks, industries = data["park_ids"], data["industry_ids"]
    medians: dict[str, float] = {}
    print(f"\n## overlap: {N_PARKS} parks × {N_INDUSTRIES:,} sub-industries, {parks.size:,} memberships")
    ours_m, ours_b, ours = timed(lambda: overlap(parks, industries, n_parks=N_PARKS, threshold=0.5), repeat)
    full_m, full_b, _ = timed(
        lambda: 1.0 - squareform(pdist(dense_matrix(parks, industries), "jaccard")), repeat
    )
    dense = dense_matrix(parks, industries)
    pd_m, pd_b, peer = timed(lambda: 1.0 - squareform(pdist(dense, "jaccard")), repeat)
    print(line("ours: overlap() (matrix + flagged pairs)", ours_m, ours_b))
    print(line("scipy: dense matrix from the arrays + pdist + squareform", full_m, full_b))
    print(line("scipy: pdist + squareform alone (matrix prebuilt)", pd_m, pd_b))
    print(f"max |ours − scipy| = {np.abs(ours.matrix - peer).max():.2e}; pairs ≥ 0.5: {len(ours.pairs)}")
    print(f"ratio ours / scipy (with the matrix build): {ours_m / full_m:.2f} (median)")
    medians["overlap"] = ours_m

    print(f"\n## gaps: {data['importance'].size} links, {data['link_ids'].size:,} firm × link rows")
    args = (data["importance"], data["reference"], data["link_ids"], data["output"])
    g_m, g_b, gaps = timed(lambda: chain_gaps(*args), repeat)
    p_m, p_b, peer_gaps = timed(lambda: polars_gaps(data), repeat)
    print(line("ours: chain_gaps() (validation + bincount)", g_m, g_b))
    print(line("polars: group-by + join + expressions", p_m, p_b))
    print(f"max |ours − polars| score = {np.abs(gaps.score - peer_gaps['score'].to_numpy()).max():.2e}")
    print(f"ratio ours / polars: {g_m / p_m:.2f} (median)")
    medians["gaps"] = g_m
    return medians


def cli(data: dict[str, np.ndarray], repeat: int) -> float:
    WORK.mkdir(parents=True, exist_ok=True)
    parks = pl.DataFrame(
        {
            "park": [f"示例园区{p:03d}" for p in data["park_ids"]],
            "level": np.where(data["park_ids"] % 10 == 0, "national", "provincial"),
            "county": [f"示例县{p % 12:02d}" for p in data["park_ids"]],
            "industry": [f"C{i:04d}" for i in data["industry_ids"]],
            "leading": (np.arange(data["park_ids"].size) % 70 == 0).astype(np.int8),
        }
    )
    n_links = data["importance"].size
    links = pl.DataFrame(
        {
            "chain": [f"示例链{k // LINKS_PER_CHAIN:02d}" for k in range(n_links)],
            "link": [f"环节{k % LINKS_PER_CHAIN:02d}" for k in range(n_links)],
            "position": np.array(["up", "mid", "down"])[np.arange(n_links) % 3],
            "importance": data["importance"],
            "reference_output": data["reference"],
        }
    )
    firms = pl.DataFrame(
        {
            "firm": [f"示例企业{f:06d}" for f in data["firm_of_row"]],
            "chain": [f"示例链{k // LINKS_PER_CHAIN:02d}" for k in data["link_ids"]],
            "link": [f"环节{k % LINKS_PER_CHAIN:02d}" for k in data["link_ids"]],
            "output": data["output"],
        }
    )
    for name, frame in (("parks", parks), ("links", links), ("firms", firms)):
        frame.write_csv(WORK / f"{name}.csv")
    exe = Path(sys.executable).with_name("jingjin")
    command = [str(exe), "parks", "check", str(WORK / "parks.csv"), "-o", str(WORK / "out.csv")]
    command += ["--chains", str(WORK / "links.csv"), "--firms", str(WORK / "firms.csv")]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            raise SystemExit(f"jingjin parks check failed: {done.stderr}")
        times.append(time.perf_counter() - start)
    print(f"\n## end to end: jingjin parks check from CSV ({firms.height:,} firm rows), new process each run")
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"median {statistics.median(times):.2f} s, best {min(times):.2f} s ({runs})")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=7, help="timed calls after one warm-up (default 7)")
    parser.add_argument("--no-cli", action="store_true", help="leave out the end-to-end command runs")
    args = parser.parse_args()
    print(f"# bench_parks — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(f"(load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    data = catalogue()
    medians = engines(data, args.repeat)
    if not args.no_cli:
        cli(data, 3)
    print(f"\n(load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    total = medians["overlap"] + medians["gaps"]
    print(f"\n## target (issue 13: overlap matrix and gap scores < 1 s): {total * 1e3:.1f} ms (medians)")
    print("MET" if total < 1 else "MISSED")


if __name__ == "__main__":
    main()
