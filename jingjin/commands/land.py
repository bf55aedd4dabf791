"""``jingjin land`` — per-mu evaluation of firms (亩均效益评价) and admission of projects (标准地准入).

Examples::

    jingjin land evaluate firms.parquet -o graded.parquet --scheme huangyan-2022
    jingjin land admit projects.xlsx -o decisions.xlsx [--thresholds parks.yaml]

``evaluate`` adds each indicator, each item's points, ``score``, ``rank`` and ``class``;
``admit`` adds the indicators, ``admission`` (encouraged/restricted/prohibited),
``admission_zh`` (鼓励支持/限制/禁入) and ``reasons``. A JSON summary goes to stdout.
"""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "land",
        help="per-mu evaluation of firms (亩均) and admission of projects on standard land (标准地)",
        description="Per-mu evaluation of firms and admission of new projects by standard-land thresholds.",
    )
    sub = parser.add_subparsers(dest="land_command", metavar="ACTION", required=True)

    evaluate = sub.add_parser(
        "evaluate",
        help="score and grade firms under a per-mu scheme",
        description=(
            "Columns: enterprise_id land_mu tax_10k revenue_10k value_added_10k energy_tce emissions_t "
            "employees rd_10k (+ electricity_10k_kwh, above_scale, exempt where the scheme needs them). "
            "Money in 万元, land in 亩, energy in tce, emissions in t, electricity in 万kWh."
        ),
    )
    evaluate.add_argument("input", help="firms table (.csv, .parquet or .xlsx)")
    evaluate.add_argument("-o", "--output", required=True, help="output table (.csv, .parquet or .xlsx)")
    evaluate.add_argument(
        "--scheme",
        required=True,
        help="huangyan-2022, huangyan-2021, sichuan-2020 or a scheme file (.yaml)",
    )
    evaluate.add_argument("--no-items", action="store_true", help="leave out the item_* point columns")
    evaluate.add_argument(
        "--normalize-weights", action="store_true", help="rescale fixed weights that do not sum to the total"
    )
    evaluate.set_defaults(handler=run_evaluate)

    admit = sub.add_parser(
        "admit",
        help="admission of new projects: 鼓励支持 / 限制 / 禁入 with reasons",
        description=(
            "Columns: project_id park industry land_mu investment_10k tax_10k output_10k, optionally "
            "plot_ratio energy_tce rd_10k catalogue (鼓励/允许/限制/淘汰) zoning (通过/有条件/不通过). "
            "Thresholds default to the built-in 隆昌市内荣工业园 table (2022)."
        ),
    )
    admit.add_argument("input", help="projects table (.csv, .parquet or .xlsx)")
    admit.add_argument("-o", "--output", required=True, help="output table (.csv, .parquet or .xlsx)")
    admit.add_argument("--thresholds", help="thresholds (.yaml with rules, or a .csv/.parquet/.xlsx table)")
    admit.set_defaults(handler=run_admit)


def run_evaluate(args: argparse.Namespace) -> int:
    from jingjin.commands._io import check_output, land_scheme, read_input, write_output
    from jingjin.engine_runs import land_run

    check_output(args.output)
    scheme = land_scheme(args.scheme, normalize_weights=args.normalize_weights)
    frame = read_input(args.input)
    run = land_run(frame, scheme, items=not args.no_items)
    write_output(run.table, args.output)
    print(json.dumps(run.summary, ensure_ascii=False))
    return 0


def run_admit(args: argparse.Namespace) -> int:
    from jingjin.commands._io import admission_thresholds, check_output, read_input, write_output
    from jingjin.engine_runs import admit_run

    check_output(args.output)
    thresholds, rules = admission_thresholds(args.thresholds)
    frame = read_input(args.input)
    run = admit_run(frame, thresholds, rules)
    write_output(run.table, args.output)
    print(json.dumps(run.summary, ensure_ascii=False))
    return 0
