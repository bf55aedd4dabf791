"""``jingjin worker``: run the job queue's consumer (Huey) until stopped.

With ``REDIS_URL`` set, run as many as needed on as many machines; without it, the queue is the
SQLite file ``$JINGJIN_DATA_DIR/jobs.sqlite3`` of this machine (``jingjin demo`` and ``jingjin
serve`` then run a consumer of their own). Jobs a dead worker left running are marked failed at
start, so that they can be retried.

Before anything is loaded, the C allocator is told to keep freed memory
(:func:`jingjin.core.allocator.keep_freed_memory`), as the web server does: the arrays a job makes
with numpy (glibc's allocator; polars has its own) then reuse the memory the job before it freed
instead of new pages, which the system zeroes first. On the land evaluation of 1,000,000 firms
the worker's process took 12–18 % fewer new pages in its first two jobs and as many after, in the
same time within the machine's variation (``bench/bench_evaluations.py --worker [--malloc]``,
docs/benchmarks.md): polars' columns are most of that job's memory.
"""

from __future__ import annotations

import argparse
from typing import Any

from jingjin.cli import UsageError
from jingjin.core.allocator import keep_freed_memory


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "worker", help="run the job queue's worker (background jobs, evaluations, the schedule)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker threads (default: JINGJIN_JOB_WORKERS, 2)",
    )
    parser.set_defaults(handler=worker)


def worker(args: argparse.Namespace) -> int:
    if args.workers is not None and not 1 <= args.workers <= 64:
        raise UsageError("--workers: give a number from 1 to 64")
    keep_freed_memory()  # before Django and the jobs' modules allocate anything
    from jingjin.commands._django import setup

    setup()
    from django.conf import settings

    from jingjin.jobs.consumer import run_consumer

    if settings.JINGJIN_JOBS_IMMEDIATE:
        raise UsageError("JINGJIN_JOBS_IMMEDIATE is set: jobs run where they are submitted, not in a worker")
    where = "Redis" if settings.REDIS_URL else f"SQLite {settings.DATA_DIR / 'jobs.sqlite3'}"
    print(f"Job worker on {where}  (Ctrl+C stops)", flush=True)
    run_consumer(args.workers)
    return 0
