"""Benchmark of a 1,000,000-firm ``land`` evaluation through the API, end to end (issue 11).

Target (issue 11, Performance): ``POST /api/evaluations`` with a Parquet file of 1,000,000 firms
(``kind=land``, ``{"scheme": "huangyan-2022"}``), the job, and ``GET /api/evaluations/{id}/result``
finish in under 10 s end to end, and the job's progress is updated at least every 2 s.

1. A fresh data directory (temp dir, a file SQLite database), ``migrate``, a plan-office user.
2. The firms of ``bench/bench_land.py`` (same generator and seed), written as Parquet.
3. Through Django's test ``Client`` (the whole request/response stack, no network), signed in:
   upload → 202; the job runs in Huey's immediate mode when the upload commits (``--worker``: in
   a real consumer thread on the SQLite queue, polled through ``GET /api/evaluations/{id}``);
   ``GET /api/evaluations/{id}``; the result downloaded as Parquet (and, timed apart, as CSV).
4. Every progress write of the job is timed: the intervals between them are printed, with the
   longest (the target: ≤ 2 s).

``--malloc`` sets the C allocator to keep freed memory before anything is loaded, as ``jingjin
worker`` and the web server do (:mod:`jingjin.core.allocator`); each run prints the pages the
process took afresh from the system (minor page faults) beside its time.

Run: ``.venv/bin/python bench/bench_evaluations.py`` (``--firms N`` for fewer firms, ``--runs``,
``--worker``, ``--malloc``).
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import resource
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help="run the job in a real consumer thread")
    parser.add_argument(
        "--malloc",
        action="store_true",
        help="keep freed memory for the next job, as jingjin worker sets the allocator at start-up",
    )
    args = parser.parse_args()
    if args.malloc:
        from jingjin.core.allocator import keep_freed_memory

        print(f"allocator set to keep freed memory: {keep_freed_memory()}")

    data_dir = tempfile.mkdtemp(prefix="jingjin-bench-eval-")
    os.environ["JINGJIN_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "jingjin.settings"
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["JINGJIN_JOBS_IMMEDIATE"] = "0" if args.worker else "1"
    import django

    django.setup()
    import polars as pl
    from bench_land import firms, machine
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import setup_test_environment

    from jingjin.core.choices import Role
    from jingjin.core.services import user_ensure
    from jingjin.jobs import services

    setup_test_environment()
    call_command("migrate", verbosity=0)
    user, _ = user_ensure(
        username="bench", password=secrets.token_urlsafe(16), role=Role.PLAN_OFFICE, unit=None, source="bench"
    )
    source = Path(data_dir) / "firms.parquet"
    firms(args.firms).write_parquet(source)
    print(f"# bench_evaluations — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC — {machine()}")
    print(
        f"input: {args.firms:,} firms, {source.stat().st_size / 1e6:.1f} MB Parquet; "
        f"mode: {'real consumer (SQLite queue)' if args.worker else 'immediate'}"
    )

    writes: list[tuple[float, int, str]] = []
    original = services.job_progress

    def timed_progress(job_id: int, pct: float, message: str = "") -> bool:
        wrote = original(job_id, pct, message)
        if wrote:
            writes.append((time.perf_counter(), int(pct), message))
        return wrote

    services.job_progress = timed_progress  # type: ignore[assignment]
    consumer = None
    if args.worker:
        from huey.contrib.djhuey import HUEY

        consumer = HUEY.create_consumer(
            workers=1, worker_type="thread", periodic=False, check_worker_health=False
        )
        consumer.start()

    client = Client()
    client.force_login(user)
    totals = []
    for run in range(1, args.runs + 1):
        writes.clear()
        pages = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        start = time.perf_counter()
        with source.open("rb") as handle:
            response = client.post(
                "/api/evaluations",
                {"kind": "land", "file": handle, "options": json.dumps({"scheme": "huangyan-2022"})},
            )
        posted = time.perf_counter()
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
        while True:
            data = client.get(f"/api/evaluations/{job_id}").json()
            if data["state"] in ("done", "failed"):
                break
            time.sleep(0.05)
        assert data["state"] == "done", data["error"]
        finished = time.perf_counter()
        result = client.get(f"/api/evaluations/{job_id}/result?format=parquet")
        table = pl.read_parquet(io.BytesIO(b"".join(result.streaming_content)))
        end = time.perf_counter()
        totals.append(end - start)
        pages = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - pages
        marks = [start, *(t for t, _, _ in writes), finished]
        gaps = [b - a for a, b in itertools.pairwise(marks)]
        print(
            f"\nrun {run}: end to end {end - start:.2f} s — upload and 202 {posted - start:.2f} s, "
            f"until done {finished - start:.2f} s, result download and read {end - finished:.2f} s; "
            f"{table.height:,} rows × {table.width} columns; summary {data['summary']}; "
            f"pages taken afresh (minor page faults) {pages:,}"
        )
        for moment, pct, message in writes:
            print(f"  +{moment - start:5.2f} s  {pct:3d} %  {message}")
        print(
            f"  progress intervals (from the upload to done): {', '.join(f'{g:.2f}' for g in gaps)} s; "
            f"longest {max(gaps):.2f} s"
        )
    start = time.perf_counter()
    csv = client.get(f"/api/evaluations/{job_id}/result?format=csv")
    print(
        f"\nthe same result as CSV (converted on download, formulas neutralised): "
        f"{len(csv.content) / 1e6:.1f} MB in {time.perf_counter() - start:.2f} s"
    )
    print(
        f"\nend to end: best {min(totals):.2f} s, median {sorted(totals)[len(totals) // 2]:.2f} s "
        f"(target < 10 s: {'met' if max(totals) < 10 else 'NOT met'})"
    )
    print(f"(load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    if consumer is not None:
        consumer.stop(graceful=True)


if __name__ == "__main__":
    main()
