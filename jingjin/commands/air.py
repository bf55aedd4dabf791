"""``jingjin air``: air quality index and evaluation (HJ 633-2012 / HJ 633-2026, HJ 663, GB 3095).

* ``jingjin air aqi INPUT -o OUTPUT --standard HJ633-2012|HJ633-2026|auto
  --report daily|hourly|realtime [--time-column COL] [--hour-label start|end] [--invalid raise|skip]``
* ``jingjin air daily HOURLY -o DAILY --station-column S --time-column T [--city-column C]``
* ``jingjin air annual DAILY -o REPORT [--date-column date] [--group-column G]``

Files are ``.csv``, ``.parquet`` or ``.xlsx`` by extension (see :mod:`jingjin.commands._io`).
Bad input ends with exit status 2 and a message naming the columns and data rows (row 1 =
first row under the header); nothing is written then.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from jingjin.commands._io import check_output, read_input, write_output
from jingjin.engine_runs import AQI_REPORTS, AQI_STANDARDS, HOUR_LABELS, INVALID_CHOICES


def report_skipped(counts: dict[str, int]) -> None:
    """Tell the user how many invalid cells ``--invalid skip`` marked missing."""
    if counts:
        total = sum(counts.values())
        detail = ", ".join(f"{column}: {n}" for column, n in counts.items())
        print(f"marked {total} invalid cell(s) missing ({detail})", file=sys.stderr)


def add_invalid_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--invalid",
        choices=INVALID_CHOICES,
        default="raise",
        help="negative or non-numeric values: stop with an error (default), or mark them missing "
        "and count them",
    )


def register(subparsers: Any) -> None:
    air = subparsers.add_parser("air", help="air quality index (HJ 633) and evaluation (HJ 663)")
    commands = air.add_subparsers(dest="air_command", metavar="{aqi,daily,annual}")
    air.set_defaults(handler=lambda args: _help(air))

    aqi = commands.add_parser("aqi", help="IAQI, AQI, level, category and pollutants per row")
    aqi.add_argument("input", help="table of concentrations (.csv, .parquet, .xlsx)")
    aqi.add_argument(
        "-o", "--output", required=True, help="output table; keeps every input column and the row order"
    )
    aqi.add_argument("--standard", required=True, choices=AQI_STANDARDS)
    aqi.add_argument(
        "--report",
        required=True,
        choices=AQI_REPORTS,
        help="daily (日报); hourly: the real-time report as HJ 633-2012's text has it (PM from the "
        "24-h moving means, O3 8-h counts); realtime: as the national platform publishes it "
        "(the six 1-h values)",
    )
    aqi.add_argument("--time-column", help="date or time column; needed with --standard auto")
    aqi.add_argument(
        "--hour-label",
        choices=HOUR_LABELS,
        default="start",
        help="hourly and realtime reports: whether a time names the start (default) or the end of its "
        "hour (the national platform: end); --standard auto decides by the hour's start",
    )
    add_invalid_option(aqi)
    aqi.set_defaults(handler=aqi_command)

    daily = commands.add_parser("daily", help="daily values per station (or city) from hourly values")
    daily.add_argument("input", help="hourly table with so2_1h no2_1h pm10_1h pm25_1h co_1h o3_1h")
    daily.add_argument("-o", "--output", required=True)
    daily.add_argument("--station-column", required=True)
    daily.add_argument("--time-column", required=True)
    daily.add_argument("--city-column", help="give city values: the mean over the city's stations")
    daily.add_argument(
        "--hour-label",
        choices=HOUR_LABELS,
        default="start",
        help="whether a time names the start (default) or the end of its hour",
    )
    add_invalid_option(daily)
    daily.set_defaults(handler=daily_command)

    annual = commands.add_parser(
        "annual", help="annual evaluation (HJ 663), good-day ratio, comprehensive index"
    )
    annual.add_argument("input", help="daily table (as made by `jingjin air daily`)")
    annual.add_argument("-o", "--output", required=True)
    annual.add_argument("--date-column", default="date")
    annual.add_argument("--group-column", help="station or city column (default: the whole file is one area)")
    add_invalid_option(annual)
    annual.set_defaults(handler=annual_command)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def aqi_command(args: argparse.Namespace) -> int:
    from jingjin.engine_runs import aqi_check, aqi_run, cli_flag

    check_output(args.output)
    aqi_check(
        standard=args.standard,
        report=args.report,
        time_column=args.time_column,
        hour_label=args.hour_label,
        flag=cli_flag,
    )
    frame = read_input(args.input)
    run = aqi_run(
        frame,
        standard=args.standard,
        report=args.report,
        time_column=args.time_column,
        hour_label=args.hour_label,
        invalid=args.invalid,
        source=args.input,
        flag=cli_flag,
    )
    report_skipped(run.skipped)
    write_output(run.table, args.output)
    return 0


def daily_command(args: argparse.Namespace) -> int:
    from jingjin.engine_runs import daily_run

    check_output(args.output)
    frame = read_input(args.input)
    run = daily_run(
        frame,
        station_column=args.station_column,
        time_column=args.time_column,
        city_column=args.city_column,
        hour_label=args.hour_label,
        invalid=args.invalid,
    )
    if args.invalid == "skip":
        report_skipped(run.skipped)
    write_output(run.table, args.output)
    return 0


def annual_command(args: argparse.Namespace) -> int:
    from jingjin.engine_runs import annual_run

    check_output(args.output)
    frame = read_input(args.input)
    run = annual_run(
        frame, date_column=args.date_column, group_column=args.group_column, invalid=args.invalid
    )
    if args.invalid == "skip":
        report_skipped(run.skipped)
    write_output(run.table, args.output)
    return 0
