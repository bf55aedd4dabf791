"""``jingjin water``: surface water class (GB 3838-2002) and black-odorous water bodies.

* ``jingjin water classify INPUT -o OUTPUT --waterbody river|lake [--items routine|all]
  [--waterbody-column TYPE] [--missing-flag-suffix SUFFIX]``
* ``jingjin water river INPUT -o OUTPUT --group-column RIVER [--waterbody river|lake]``
* ``jingjin water blackodor INPUT -o OUTPUT [--point-column point] [--waterbody-column C]``

Files are ``.csv``, ``.parquet`` or ``.xlsx`` by extension (see :mod:`jingjin.commands._io`);
bad input ends with exit status 2 and a message naming the columns and data rows (row 1 =
first row under the header).
"""

from __future__ import annotations

import argparse
from typing import Any

from jingjin.commands._io import check_output, read_input, write_output
from jingjin.commands.air import add_invalid_option, report_skipped
from jingjin.engine_runs import WATER_ITEMS, WATERBODIES


def register(subparsers: Any) -> None:
    water = subparsers.add_parser("water", help="surface water class (GB 3838) and black-odorous water")
    commands = water.add_subparsers(dest="water_command", metavar="{classify,river,blackodor}")
    water.set_defaults(handler=lambda args: _help(water))

    classify = commands.add_parser("classify", help="water class per sample, single-factor method")
    classify.add_argument("input")
    classify.add_argument("-o", "--output", required=True)
    classify.add_argument(
        "--waterbody",
        choices=WATERBODIES,
        help="the type of every row (lakes and reservoirs: lake); with --waterbody-column, "
        "the type of rows whose type cell is empty",
    )
    classify.add_argument(
        "--waterbody-column",
        metavar="COL",
        help="column with each row's type: river, lake, reservoir (河流, 湖泊, 水库); reservoirs are "
        "evaluated as lakes; the type used is written to waterbody_used",
    )
    classify.add_argument("--items", choices=WATER_ITEMS, default="routine")
    classify.add_argument(
        "--missing-flag-suffix",
        metavar="SUFFIX",
        help="e.g. _flag: a value whose column <item>SUFFIX is not empty (failed quality control) "
        "is left out and listed in the excluded column",
    )
    add_invalid_option(classify)
    classify.set_defaults(handler=classify_command)

    river = commands.add_parser("river", help="river or basin evaluation from its sections (class shares)")
    river.add_argument("input", help="one row per section with the parameter columns")
    river.add_argument("-o", "--output", required=True)
    river.add_argument("--group-column", required=True, help="the river or basin column")
    river.add_argument("--waterbody", choices=("river", "lake"), default="river")
    river.add_argument("--items", choices=("routine", "all"), default="routine")
    add_invalid_option(river)
    river.set_defaults(handler=river_command)

    blackodor = commands.add_parser(
        "blackodor", help="light / severe black-odorous water per point and water body"
    )
    blackodor.add_argument(
        "input", help="transparency (cm), do (mg/L), orp (mV), nh3_n (mg/L) per point and date"
    )
    blackodor.add_argument("-o", "--output", required=True)
    blackodor.add_argument("--point-column", default="point")
    blackodor.add_argument(
        "--waterbody-column", help="water body column (default: all rows are one water body)"
    )
    add_invalid_option(blackodor)
    blackodor.set_defaults(handler=blackodor_command)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def classify_command(args: argparse.Namespace) -> int:
    from jingjin.engine_runs import cli_flag, water_check, water_run

    water_check(
        waterbody=args.waterbody,
        waterbody_column=args.waterbody_column,
        missing_flag_suffix=args.missing_flag_suffix,
        flag=cli_flag,
    )
    check_output(args.output)
    frame = read_input(args.input)
    run = water_run(
        frame,
        waterbody=args.waterbody,
        waterbody_column=args.waterbody_column,
        items=args.items,
        invalid=args.invalid,
        missing_flag_suffix=args.missing_flag_suffix,
    )
    report_skipped(run.skipped)
    write_output(run.table, args.output)
    return 0


def river_command(args: argparse.Namespace) -> int:
    from jingjin.engines.air._input import invalid_counts
    from jingjin.engines.water import PARAMETERS, river

    check_output(args.output)
    frame = read_input(args.input)
    result = river(
        frame,
        group_column=args.group_column,
        waterbody=args.waterbody,
        items=args.items,
        invalid=args.invalid,
    )
    if args.invalid == "skip":
        report_skipped(invalid_counts(frame, PARAMETERS))
    write_output(result, args.output)
    return 0


def blackodor_command(args: argparse.Namespace) -> int:
    from jingjin.engines.air._input import invalid_counts
    from jingjin.engines.water import BLACKODOR_COLUMNS, blackodor

    check_output(args.output)
    frame = read_input(args.input)
    result = blackodor(
        frame, point_column=args.point_column, waterbody_column=args.waterbody_column, invalid=args.invalid
    )
    if args.invalid == "skip":
        report_skipped(invalid_counts(frame, (*BLACKODOR_COLUMNS, "depth"), allow_negative=("orp",)))
    write_output(result, args.output)
    return 0
