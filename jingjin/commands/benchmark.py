"""``jingjin benchmark`` — compare a city with its peers, and the composite city index (对标).

Examples::

    jingjin benchmark compare builtin --focus 遂宁 --year 2023 --group chengdu_chongqing \\
        --target-year 2025 -o suining-2023.csv
    jingjin benchmark index builtin --year 2022 --indicators gdp,gdp_per_capita,pm25_annual_mean \\
        --group sichuan -o index-2022.xlsx

DATA is a long-format file ``city,year,indicator,value,unit[,source]`` (.csv, .parquet or
.xlsx) or the word ``builtin`` for the bundled Sichuan statistics. It is checked against the
indicator catalogue (``--catalogue``, default the bundled one) before anything is computed;
an error names the data row (1 = the first row under the header, spreadsheet row 2) and the
column, ends with exit status 2, and nothing is written. The definitions of every output
column are in docs/engines/benchmark.md.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from jingjin.commands._io import check_output, write_output

_SPLIT = re.compile(r"[,，、;；]")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="DATA", help="statistics (.csv, .parquet, .xlsx) or 'builtin'")
    parser.add_argument("-o", "--output", required=True, help="output table (.csv, .parquet or .xlsx)")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--peers", help="peer cities, comma-separated, as named in DATA (default: every city)")
    who.add_argument("--group", help="a named peer group: sichuan, chengdu_chongqing, chengdu_metro")
    parser.add_argument("--catalogue", help="indicator catalogue (.yaml; default: the bundled one)")
    parser.add_argument("--peer-groups", help="peer groups file (.yaml; default: the bundled one)")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "benchmark",
        help="benchmark a city against its peers (对标): ranks, gaps, catch-up growth, composite index",
        description="Benchmark a city against its peers (对标). Actions: compare, index.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    compare = actions.add_parser(
        "compare",
        help="rank, median, best, gaps and growth of the focus city, one row per indicator",
        description=(
            "One row per indicator the focus city has in YEAR: rank in the peer group (focus "
            "included), n, median, best city and value, gaps to the best and the median (in %), "
            "CAGR, the leader's CAGR and projected value, the yearly growth needed to catch it "
            "by --target-year, and flags."
        ),
    )
    _add_common(compare)
    compare.add_argument("--focus", required=True, help="the city benchmarked, as named in DATA")
    compare.add_argument("--year", required=True, type=int, help="the year compared")
    compare.add_argument("--target-year", type=int, help="year by which to catch the leader (e.g. 2025)")
    compare.add_argument("--base-year", type=int, help="start of the growth window (default: earliest)")
    compare.set_defaults(handler=run_compare)

    index = actions.add_parser(
        "index",
        help="composite city index: entropy-weighted TOPSIS over chosen indicators",
        description=(
            "Composite index of the peer group in YEAR over --indicators: entropy weights on "
            "min-max normalised values, TOPSIS score, rank and each indicator's contribution; "
            "cities lacking an indicator are listed with what they miss."
        ),
    )
    _add_common(index)
    index.add_argument("--year", required=True, type=int, help="the year of the index")
    index.add_argument("--indicators", required=True, help="indicator codes, comma-separated")
    index.set_defaults(handler=run_index)

    def no_action(args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(handler=no_action)


def _names(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in _SPLIT.split(text) if part.strip()))


def _load(args: argparse.Namespace) -> tuple[Any, Any, list[str] | None]:
    """Catalogue, checked data and peer list (None = every city), or UsageError."""
    from jingjin.benchmark import statistics as bd
    from jingjin.cli import UsageError
    from jingjin.engines.errors import require_rows

    check_output(args.output)
    try:
        catalogue = bd.load_catalogue(args.catalogue)
        data = bd.read_statistics(args.data, catalogue)
    except bd.DataError as exc:
        raise UsageError(str(exc)) from exc
    require_rows(data.height)
    cities = list(dict.fromkeys(data.get_column("city").to_list()))
    peers: list[str] | None = None
    if args.peers is not None:
        peers = _names(args.peers)
        if not peers:
            raise UsageError("--peers names no city")
        unknown = [p for p in peers if p not in cities]
        if unknown:
            raise UsageError(
                f"unknown cities in --peers: {', '.join(unknown)} (the data has: {', '.join(cities)})"
            )
    elif args.group is not None:
        try:
            groups = bd.load_peer_groups(args.peer_groups)
        except bd.DataError as exc:
            raise UsageError(str(exc)) from exc
        if args.group not in groups:
            raise UsageError(f"unknown peer group '{args.group}' (known: {', '.join(groups)})")
        group = groups[args.group]
        absent = [c for c in group.cities if c not in cities]
        if absent:
            print(
                f"jingjin benchmark: note: group {group.code} cities not in the data, left out: "
                f"{', '.join(absent)}",
                file=sys.stderr,
            )
        peers = [c for c in group.cities if c in cities]
    return catalogue, data, peers


def run_compare(args: argparse.Namespace) -> int:
    from jingjin.benchmark import statistics as bd
    from jingjin.cli import UsageError
    from jingjin.engines.benchmark import compare

    catalogue, data, peers = _load(args)
    cities = set(data.get_column("city").to_list())
    if args.focus not in cities:
        raise UsageError(f"unknown focus city '{args.focus}': not in the data")
    focus_years = sorted(set(data.filter(data.get_column("city") == args.focus).get_column("year").to_list()))
    if args.year not in focus_years:
        listed = ", ".join(map(str, focus_years))
        raise UsageError(f"{args.focus} has no value in {args.year} (years with values: {listed})")
    try:
        result = compare(
            data,
            focus=args.focus,
            year=args.year,
            peers=peers,
            directions=bd.directions(catalogue),
            target_year=args.target_year,
            base_year=args.base_year,
            growth=bd.growth_kinds(catalogue),
            comparable_from=bd.comparable_from(catalogue),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    write_output(result, args.output)
    summary = {
        "focus": args.focus,
        "year": args.year,
        "peers": len(peers) if peers is not None else len(cities),
        "indicators": result.height,
        "flagged": int((result.get_column("flags") != "").sum()),
        "output": args.output,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def run_index(args: argparse.Namespace) -> int:
    from jingjin.benchmark import statistics as bd
    from jingjin.cli import UsageError
    from jingjin.engines.benchmark import composite_index, composite_weights

    catalogue, data, peers = _load(args)
    indicators = _names(args.indicators)
    if not indicators:
        raise UsageError("--indicators names no indicator")
    unknown = [i for i in indicators if i not in catalogue]
    if unknown:
        raise UsageError(
            f"unknown indicators in --indicators: {', '.join(unknown)} "
            f"(the catalogue has: {', '.join(catalogue)})"
        )
    options: dict[str, Any] = {
        "year": args.year,
        "indicators": indicators,
        "peers": peers,
        "directions": bd.directions(catalogue),
    }
    try:
        result = composite_index(data, **options)
        weights = composite_weights(data, **options)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    write_output(result, args.output)
    summary = {
        "year": args.year,
        "ranked": int(result.get_column("rank").is_not_null().sum()),
        "excluded": result.filter(result.get_column("rank").is_null()).get_column("city").to_list(),
        "weights": dict(
            zip(
                weights.get_column("indicator").to_list(), weights.get_column("weight").to_list(), strict=True
            )
        ),
        "output": args.output,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 0
