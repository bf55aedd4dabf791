"""``jingjin score`` — composite scores, ranks and classes of a table under a spec (综合评价).

Example::

    jingjin score counties.xlsx -o ranked.xlsx --spec spec.yaml --explain

The spec (YAML or JSON) is described in :class:`jingjin.engines.scoring.ScoreSpec` and
docs/engines/scoring.md. The output keeps every input column in order and adds ``score``,
``rank`` (and ``class``, ``gate_pass``; with ``--explain`` each criterion's contribution);
a JSON summary (rows, weights used, class counts) goes to stdout.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="composite scores, ranks and classes under a spec (weighted sum or TOPSIS)",
        description=(
            "Score every row of INPUT (.csv, .parquet or .xlsx) under SPEC (YAML/JSON: criteria, "
            "directions, normalisations, fixed or entropy weights, weighted_sum or topsis, bonus, "
            "deduct, gates, group_by, classes, exempt) and write OUTPUT with score, rank and class added."
        ),
    )
    parser.add_argument("input", help="input table (.csv, .parquet or .xlsx)")
    parser.add_argument("-o", "--output", required=True, help="output table (.csv, .parquet or .xlsx)")
    parser.add_argument("--spec", required=True, help="scoring spec (.yaml or .json)")
    parser.add_argument("--explain", action="store_true", help="add each criterion's contribution")
    parser.add_argument(
        "--normalize-weights",
        action="store_true",
        help="rescale fixed weights that do not sum to the spec's total instead of refusing them",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from jingjin.commands._io import check_output, read_input, score_spec, write_output
    from jingjin.engine_runs import score_run

    check_output(args.output)
    spec = score_spec(args.spec, normalize_weights=args.normalize_weights)
    frame = read_input(args.input)
    run = score_run(frame, spec, explain=args.explain)
    write_output(run.table, args.output)
    summary: dict[str, Any] = run.summary
    print(json.dumps(summary, ensure_ascii=False))
    return 0
