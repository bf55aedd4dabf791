"""Benchmark of the investment progress engine of key projects, with a peer in the same run.

``jingjin.engines.projects.progress`` on 1,000,000 project-months (each row its own as-of month,
start, end and 7 milestones with planned and actual days) against:

* a peer written the straightforward way in polars expressions — the same rules (active months,
  elapsed share, completion, gap, projection, milestone delays with the as-of day at the month's
  end, lag classes) as one lazy query over a DataFrame holding the same columns, collected afresh
  each call (polars caches nothing between calls; it runs on every core, numpy on one);
* one memory pass: summing every input array once (``a.sum()`` for each), the floor of any
  implementation that reads its input.

Target (issue 12): under 1 s for 1,000,000 project-months. Every side gets the same warm-up (one
call) and the same timed repeats (``--repeat``, default 7); median and best are printed, and the
results of the two implementations are compared. Also timed: ``progress`` without milestones,
and :func:`rollup` by 3,000 groups. Data are synthetic (fixed seed), made in memory. Run:
``.venv/bin/python bench/bench_projects.py`` (``--quick``: 100,000 rows). The load average is
printed: on a shared machine the figures move with it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import polars as pl

from jingjin.engines.projects import LAST_MONTH, UNKNOWN, Thresholds, progress, rollup

KINDS = 7
EPOCH_MONTH = 1970 * 12


def machine() -> str:
    model = "unknown"
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        if line.startswith("Model name:"):
            model = line.split(":", 1)[1].strip()
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {np.__version__}, polars {pl.__version__}"
    )


def timed(repeats: int, function: Callable[[], object]) -> tuple[float, float, float, Any]:
    """Median and best wall time of ``repeats`` timed calls after one warm-up call (every side
    alike), the median CPU time of the process (all its threads) per call, and the result."""
    result = function()
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = function()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), min(times), statistics.median(cpu), result


def data(n: int, seed: int = 20240601) -> dict[str, np.ndarray]:
    """``n`` synthetic project-months of 2021-09 to 2026-08."""
    rng = np.random.default_rng(seed)
    as_of = rng.integers(2021 * 12 + 8, 2026 * 12 + 8, n)
    start = as_of - rng.integers(-6, 40, n)
    start[rng.random(n) < 0.2] = UNKNOWN
    end = np.where(start == UNKNOWN, as_of, start) + rng.integers(6, 48, n)
    end[rng.random(n) < 0.3] = UNKNOWN
    planned = np.round(rng.lognormal(np.log(3000), 1.0, n), 2)
    planned[rng.random(n) < 0.1] = np.nan
    ytd = np.round(np.nan_to_num(planned) * ((as_of % 12) + 1) / 12 * rng.uniform(0.3, 1.4, n), 2)
    first_day = (date(2020, 1, 1) - date(1970, 1, 1)).days
    m_planned = first_day + rng.integers(0, 8 * 365, (n, KINDS))
    m_planned[rng.random((n, KINDS)) < 0.2] = UNKNOWN
    m_actual = m_planned + rng.integers(-30, 90, (n, KINDS))
    m_actual[(rng.random((n, KINDS)) < 0.5) | (m_planned == UNKNOWN)] = UNKNOWN
    return {
        "planned": planned,
        "ytd": ytd,
        "as_of": as_of.astype(np.int64),
        "start": start.astype(np.int64),
        "end": end.astype(np.int64),
        "milestone_planned": m_planned.astype(np.int64),
        "milestone_actual": m_actual.astype(np.int64),
    }


def frame_of(arrays: dict[str, np.ndarray]) -> pl.DataFrame:
    columns: dict[str, Any] = {k: arrays[k] for k in ("planned", "ytd", "as_of", "start", "end")}
    for k in range(KINDS):
        columns[f"p{k}"] = arrays["milestone_planned"][:, k]
        columns[f"a{k}"] = arrays["milestone_actual"][:, k]
    return pl.DataFrame(columns)


def polars_progress(frame: pl.DataFrame, t: Thresholds) -> pl.DataFrame:
    """The engine's rules written plainly as polars expressions (the peer)."""
    c = pl.col
    year_first = (c("as_of") // 12) * 12
    steps = frame.lazy().with_columns(
        first=pl.max_horizontal(c("start"), year_first),
        last=pl.min_horizontal(
            pl.when(c("end") == UNKNOWN).then(LAST_MONTH + 1).otherwise(c("end")), year_first + 11
        ),
        ended_before=(c("end") != UNKNOWN) & (c("end") < year_first),
        judged=c("planned").fill_nan(None).fill_null(0) > 0,
        day=pl.date(c("as_of") // 12, c("as_of") % 12 + 1, 1).dt.month_end().cast(pl.Int64),
    )
    steps = steps.with_columns(active=pl.max_horizontal(c("last") - c("first") + 1, 0))
    steps = steps.with_columns(
        elapsed=pl.min_horizontal(
            pl.max_horizontal(pl.min_horizontal(c("as_of"), c("last")) - c("first") + 1, 0), c("active")
        )
    )
    completion = pl.when(c("judged")).then(c("ytd") * 100.0 / c("planned")).otherwise(float("nan"))
    elapsed_pct = (
        pl.when(c("active") > 0)
        .then(c("elapsed") * 100.0 / c("active"))
        .when(c("ended_before"))
        .then(100.0)
        .otherwise(0.0)
    )
    steps = steps.with_columns(completion_pct=completion, elapsed_pct=elapsed_pct)
    steps = steps.with_columns(gap=c("completion_pct") - c("elapsed_pct"))
    run_rate = c("ytd") / pl.max_horizontal(c("elapsed"), 1)
    projected = (
        pl.when(c("judged") & (c("elapsed") > 0))
        .then((c("ytd") + run_rate * (c("active") - c("elapsed"))) * 100.0 / c("planned"))
        .when(c("ended_before"))
        .then(c("completion_pct"))
        .otherwise(float("nan"))
    )
    late = [
        pl.when(c(f"p{k}") == UNKNOWN)
        .then(0)
        .when(c(f"a{k}") != UNKNOWN)
        .then(c(f"a{k}") - c(f"p{k}"))
        .when(c("day") > c(f"p{k}"))
        .then(c("day") - c(f"p{k}"))
        .otherwise(0)
        for k in range(KINDS)
    ]
    lag = (
        pl.when(~c("judged"))
        .then(-1)
        .when(c("gap") >= t.ahead)
        .then(0)
        .when(c("gap") >= -t.behind)
        .then(1)
        .when(c("gap") >= -t.far_behind)
        .then(2)
        .otherwise(3)
    )
    return steps.select(
        "completion_pct",
        "elapsed_pct",
        "gap",
        projected_pct=projected,
        delay_days=pl.max_horizontal(*late, pl.lit(0)),
        lag=lag.cast(pl.Int8),
    ).collect()


def engine(arrays: dict[str, np.ndarray], *, milestones: bool = True) -> Any:
    return progress(
        planned=arrays["planned"],
        ytd=arrays["ytd"],
        as_of_month=arrays["as_of"],
        start_month=arrays["start"],
        end_month=arrays["end"],
        milestone_planned=arrays["milestone_planned"] if milestones else None,
        milestone_actual=arrays["milestone_actual"] if milestones else None,
    )


def agreement(ours: Any, theirs: pl.DataFrame) -> str:
    parts = []
    for name in ("completion_pct", "elapsed_pct", "gap", "projected_pct"):
        a, b = getattr(ours, name), theirs[name].to_numpy()
        same_nan = bool((np.isnan(a) == np.isnan(b)).all())
        diff = float(np.nanmax(np.abs(a - b))) if same_nan else float("inf")
        parts.append(f"{name} max |Δ| {diff:.1e}")
    parts.append(f"delay_days equal: {bool((ours.delay_days == theirs['delay_days'].to_numpy()).all())}")
    parts.append(f"lag equal: {bool((ours.lag == theirs['lag'].to_numpy()).all())}")
    return "; ".join(parts)


def ms(median: float, best: float) -> str:
    return f"{median * 1e3:.1f} / {best * 1e3:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 project-months")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    n = 100_000 if args.quick else 1_000_000
    r = args.repeat
    arrays = data(n)
    frame = frame_of(arrays)
    print(f"# bench_projects — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(f"{n:,} project-months, {KINDS} milestones each; every side: 1 warm-up, {r} repeats; median / best")
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    ours = timed(r, lambda: engine(arrays))
    bare = timed(r, lambda: engine(arrays, milestones=False))
    peer = timed(r, lambda: polars_progress(frame, Thresholds()))
    memory = timed(r, lambda: [a.sum() for a in arrays.values()])
    groups = np.random.default_rng(7).integers(0, 3000, n)
    rolled = timed(r, lambda: rollup(groups, arrays["planned"], arrays["ytd"], ours[3].lag))
    print("| what | wall median / best | CPU median | rows/s (best) |")
    print("|---|---:|---:|---:|")
    for name, (median, best, cpu, _result) in (
        ("`progress` (numpy, 1 thread)", ours),
        ("`progress` without milestones", bare),
        ("polars expressions, same rules (all cores)", peer),
        ("one memory pass over the inputs", memory),
        ("`rollup` by 3,000 groups", rolled),
    ):
        print(f"| {name} | {ms(median, best)} | {cpu * 1e3:.1f} ms | {n / best:,.0f} |")
    print(f"\nagreement with the polars peer: {agreement(ours[3], peer[3])}")
    print(f"polars ÷ progress: {peer[0] / ours[0]:.2f}× / {peer[1] / ours[1]:.2f}× (median / best wall)")
    print(
        f"one memory pass ÷ progress: {memory[0] / ours[0]:.1%} / {memory[1] / ours[1]:.1%} (median / best)"
    )
    verdict = "MET" if ours[0] < 1.0 else "MISSED"
    print(f"target (issue 12: < 1 s on 1,000,000 project-months): median {ours[0]:.3f} s — {verdict}")
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
