"""``jingjin allocate`` — choose projects within land, energy and environmental quotas (HiGHS).

Example::

    jingjin allocate projects.csv -o chosen.csv --land 1200 --energy 50000 --env 300 \\
        --leading-bonus 0.2 [--partial] [--gap 1e-4] [--time-limit 60]

Columns: ``project_id benefit land_mu energy_tce env_units`` and optional ``leading must
exclude`` (1/0). The output keeps the input and adds ``selected`` (0/1, or the fraction with
``--partial``); a JSON summary (objective, proven gap, quota use and binding quotas, the
greedy ratio rule's objective) goes to stdout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "allocate",
        help="allocate land, energy and environmental quotas to projects (MILP, HiGHS)",
        description=(
            "Maximise Σ benefit × (1 + B × leading) × selected within the land, energy and "
            "environmental quotas, with must-fund and excluded projects."
        ),
    )
    parser.add_argument("input", help="projects table (.csv, .parquet or .xlsx)")
    parser.add_argument("-o", "--output", required=True, help="output table (.csv, .parquet or .xlsx)")
    parser.add_argument("--land", type=float, required=True, help="land quota, 亩 (same unit as land_mu)")
    parser.add_argument("--energy", type=float, required=True, help="energy quota, tce (as energy_tce)")
    parser.add_argument("--env", type=float, required=True, help="environmental quota (as env_units)")
    parser.add_argument("--leading-bonus", type=float, default=0.0, help="B: leading projects weigh 1 + B")
    parser.add_argument("--partial", action="store_true", help="allow funding a fraction of a project")
    parser.add_argument("--gap", type=float, default=1e-4, help="relative MIP gap to prove (default 1e-4)")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds for the solver")
    parser.set_defaults(handler=run)


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence what the solver library prints on file descriptor 1 (its banner): stdout is JSON."""
    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no real stdout (embedded use): nothing to protect
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def run(args: argparse.Namespace) -> int:
    from jingjin.commands._io import check_output, read_input, write_output
    from jingjin.engine_runs import allocate_check, allocate_run, cli_flag

    allocate_check(gap=args.gap, time_limit=args.time_limit, leading_bonus=args.leading_bonus, flag=cli_flag)
    check_output(args.output)
    frame = read_input(args.input)
    with _quiet_stdout():
        run_ = allocate_run(
            frame,
            land=args.land,
            energy=args.energy,
            env=args.env,
            leading_bonus=args.leading_bonus,
            partial=args.partial,
            gap=args.gap,
            time_limit=args.time_limit,
        )
    write_output(run_.table, args.output)
    summary = run_.summary
    if not summary["proven"]:
        print(
            f"jingjin allocate: warning: gap {summary['gap']:.3g} not proven within {args.gap:g} "
            f"({summary['status']}); the best allocation found is written",
            file=sys.stderr,
        )
    print(json.dumps(summary, ensure_ascii=False))
    return 0
