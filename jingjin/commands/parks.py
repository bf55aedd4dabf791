"""``jingjin parks check`` — leading-industry caps, overlap of parks and chain gaps (issue 13).

Example::

    jingjin parks check parks.xlsx -o checks.xlsx [--threshold 0.5] \\
        [--cap-national 3] [--cap-provincial 2] [--cap-city 2] [--chains links.csv --firms firms.csv]

PARKS has one row per park × sub-industry: ``park level county industry leading`` (level:
national/provincial/city or 国家级/省级/市级; leading: 1/0, 是/否, yes/no, empty = no). The level
and county of a park are the same on all its rows; a park lists an industry once.

LINKS has one row per chain link: ``chain link position importance reference_output``
(position: up/mid/down, upstream/midstream/downstream or 上游/中游/下游; importance in [0, 1];
reference_output ≥ 0, empty when unknown). FIRMS has one row per firm × link: ``firm chain link
output`` (output ≥ 0, in the unit of reference_output, attributed to that link).

Output: an ``.xlsx`` OUTPUT gets one sheet per table — ``caps``, ``overlap``, ``shared`` and,
with ``--chains``, ``gaps``. A ``.csv`` or ``.parquet`` OUTPUT ``dir/name.csv`` becomes one file
per table beside it: ``dir/name_caps.csv``, ``dir/name_overlap.csv``, ``dir/name_shared.csv``
(and ``dir/name_gaps.csv``). A JSON summary (counts and the files written) goes to stdout.
The rules are in :mod:`jingjin.engines.parks` and docs/parks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

PARKS_COLUMNS = ("park", "level", "county", "industry", "leading")
LINKS_COLUMNS = ("chain", "link", "position", "importance", "reference_output")
FIRMS_COLUMNS = ("firm", "chain", "link", "output")
#: Chain positions and the spellings accepted for them.
POSITIONS = {
    "up": ("up", "upstream", "上游"),
    "mid": ("mid", "midstream", "中游"),
    "down": ("down", "downstream", "下游"),
}
#: The longest name (park, county, industry, chain, link, firm) accepted, in characters.
NAME_LENGTH = 200
TABLES = ("caps", "overlap", "shared", "gaps")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "parks",
        help="industrial parks: leading-industry caps, overlap (同质化) and chain gaps (补链)",
        description="Rules of industrial parks (issue 13); see docs/parks.md.",
    )
    sub = parser.add_subparsers(dest="parks_command", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check",
        help="check parks' leading industries against the caps, their overlap and the chains' gaps",
        description=(
            "PARKS columns: park level county industry leading (one row per park × sub-industry). "
            "LINKS columns: chain link position importance reference_output. FIRMS columns: firm chain "
            "link output. An .xlsx OUTPUT gets sheets caps, overlap, shared (and gaps); a .csv or "
            ".parquet OUTPUT name.csv gets files name_caps.csv, name_overlap.csv, name_shared.csv "
            "(and name_gaps.csv)."
        ),
    )
    check.add_argument("parks", metavar="PARKS", help="parks table (.csv, .parquet or .xlsx)")
    check.add_argument("-o", "--output", required=True, help="output (.xlsx sheets, or .csv/.parquet files)")
    check.add_argument(
        "--threshold", type=float, default=0.5, help="flag pairs of parks with Jaccard ≥ this (default 0.5)"
    )
    check.add_argument("--cap-national", type=int, default=3, help="leading industries of a national park")
    check.add_argument("--cap-provincial", type=int, default=2, help="… of a provincial park (default 2)")
    check.add_argument("--cap-city", type=int, default=2, help="… of a city park (default 2)")
    check.add_argument("--chains", metavar="LINKS", help="chain links table: computes the gap scores")
    check.add_argument("--firms", metavar="FIRMS", help="firms on the chain links (with --chains)")
    check.set_defaults(handler=run_check)


# ---------------------------------------------------------------------------------------------
# Reading the tables: every problem names the file, the column and the data rows


def _require(frame: pl.DataFrame, columns: tuple[str, ...], source: str) -> None:
    from jingjin.engines.errors import InputError

    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"{source}: missing column {', '.join(repr(c) for c in missing)} "
            f"(the input has: {', '.join(frame.columns)}; expected {', '.join(columns)})"
        )


def _names(frame: pl.DataFrame, column: str, source: str) -> pl.Series:
    """A column of names: trimmed texts (whole numbers without ``.0``), none empty, none with a
    control character, none longer than :data:`NAME_LENGTH`."""
    from jingjin.core.bounds import CONTROL_CHARACTERS
    from jingjin.engines.errors import InputError, rows_text

    series = frame.get_column(column)
    if series.dtype.is_float():
        values = series.to_numpy()
        whole = np.isfinite(values) & (values == np.round(values))
        if bool(whole[~np.isnan(values)].all()):
            series = series.cast(pl.Int64)
    text = series.cast(pl.String).str.strip_chars()
    empty = (text.is_null() | (text == "")).to_numpy()
    if empty.any():
        raise InputError(f"{source}: column '{column}': empty in {rows_text(empty)}")
    control = text.str.contains(CONTROL_CHARACTERS.pattern).to_numpy()
    if control.any():
        raise InputError(f"{source}: column '{column}': a control character in {rows_text(control)}")
    long = (text.str.len_chars() > NAME_LENGTH).to_numpy()
    if long.any():
        raise InputError(
            f"{source}: column '{column}': longer than {NAME_LENGTH} characters in {rows_text(long)}"
        )
    return text.alias(column)


def _codes(values: pl.Series) -> tuple[list[str], np.ndarray]:
    """The distinct values in order of first appearance, and each row's index into them."""
    labels = values.unique(maintain_order=True)
    codes = values.cast(pl.Enum(labels)).to_physical().cast(pl.Int64).to_numpy()
    return labels.to_list(), np.asarray(codes, dtype=np.int64)


def _repeated(keys: list[pl.Series | np.ndarray], what: str, source: str) -> None:
    from jingjin.engines.errors import InputError, rows_text

    frame = pl.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    repeated = frame.is_duplicated().to_numpy()
    if repeated.any():
        raise InputError(f"{source}: {what} is given twice in {rows_text(repeated)}; give it once")


def _level_codes(frame: pl.DataFrame, source: str) -> np.ndarray:
    from jingjin.engines.errors import InputError, rows_text
    from jingjin.engines.parks import LEVEL_NAMES_ZH, LEVELS, level_codes

    names = _names(frame, "level", source)
    labels, index = _codes(names)
    codes = np.full(len(labels), -1, dtype=np.int64)
    for k, label in enumerate(labels):
        with contextlib.suppress(InputError):
            codes[k] = level_codes([label])[0]
    bad = codes[index] < 0
    if bad.any():
        first = names[int(np.flatnonzero(bad)[0])]
        raise InputError(
            f"{source}: column 'level': unknown level {first!r} in {rows_text(bad)}; use "
            f"{', '.join(LEVELS)} ({', '.join(LEVEL_NAMES_ZH.values())})"
        )
    return np.asarray(codes[index], dtype=np.int64)


def _one_per_park(park: np.ndarray, values: np.ndarray, column: str, names: list[str], source: str) -> None:
    """Every row of a park gives the same ``column`` value."""
    from jingjin.engines.errors import InputError, rows_text

    frame = pl.DataFrame({"park": park, "value": values})
    counts = frame.select(pl.col("value").n_unique().over("park")).to_series().to_numpy()
    bad = counts > 1
    if bad.any():
        first = names[int(park[np.flatnonzero(bad)[0]])]
        raise InputError(
            f"{source}: column '{column}': park {first!r} has different values in {rows_text(bad)}; "
            f"a park has one {column}"
        )


@dataclass(frozen=True)
class ParkTable:
    """The PARKS table as the engine's arrays: parks in order of first appearance."""

    parks: list[str]
    industries: list[str]
    counties: list[str]
    park_of_row: np.ndarray  # int64 per row
    industry_of_row: np.ndarray  # int64 per row
    county_of_park: np.ndarray  # int64 per park
    level_of_park: np.ndarray  # int64 per park (code of LEVELS)
    leading: np.ndarray  # bool per row


def read_parks(frame: pl.DataFrame, source: str) -> ParkTable:
    """Check the PARKS table (every problem named by column and data row) and give its arrays."""
    from jingjin.engines.scoring import flag_column

    _require(frame, PARKS_COLUMNS, source)
    park_names = _names(frame, "park", source)
    parks, park_of_row = _codes(park_names)
    levels = _level_codes(frame, source)
    counties, county_of_row = _codes(_names(frame, "county", source))
    industries, industry_of_row = _codes(_names(frame, "industry", source))
    try:
        leading = flag_column(frame, "leading")
    except ValueError as exc:
        raise type(exc)(f"{source}: {exc}; use 1/0, 是/否 or yes/no") from None
    _one_per_park(park_of_row, levels, "level", parks, source)
    _one_per_park(park_of_row, county_of_row, "county", parks, source)
    _repeated([park_of_row, industry_of_row], "a park's industry", source)
    first_row = np.unique(park_of_row, return_index=True)[1]
    return ParkTable(
        parks=parks,
        industries=industries,
        counties=counties,
        park_of_row=park_of_row,
        industry_of_row=industry_of_row,
        county_of_park=county_of_row[first_row],
        level_of_park=levels[first_row],
        leading=leading,
    )


def _positions(frame: pl.DataFrame, source: str) -> list[str]:
    from jingjin.engines.errors import InputError, rows_text

    spelled = {alias: name for name, aliases in POSITIONS.items() for alias in aliases}
    texts = _names(frame, "position", source).str.to_lowercase().to_list()
    bad = np.asarray([t not in spelled for t in texts], dtype=bool)
    if bad.any():
        raise InputError(
            f"{source}: column 'position': unknown position in {rows_text(bad)}; use up/mid/down "
            "(upstream/midstream/downstream, 上游/中游/下游)"
        )
    return [spelled[t] for t in texts]


def _links_and_firms(links: pl.DataFrame, firms: pl.DataFrame, sources: tuple[str, str]) -> pl.DataFrame:
    """The gaps table: one row per link, the largest score first (ties in the order of LINKS)."""
    from jingjin.engines.errors import InputError, rows_text
    from jingjin.engines.parks import chain_gaps
    from jingjin.engines.scoring import numeric_column

    links_source, firms_source = sources
    _require(links, LINKS_COLUMNS, links_source)
    _require(firms, FIRMS_COLUMNS, firms_source)
    chain, link = _names(links, "chain", links_source), _names(links, "link", links_source)
    _repeated([chain, link], "a chain's link", links_source)
    position = _positions(links, links_source)
    try:
        importance = numeric_column(links, "importance", minimum=0)
        reference = numeric_column(links, "reference_output", allow_null=True, minimum=0)
    except InputError as exc:
        raise InputError(f"{links_source}: {exc}") from None
    try:
        output = numeric_column(firms, "output", minimum=0) if firms.height else np.zeros(0)
    except InputError as exc:
        raise InputError(f"{firms_source}: {exc}") from None
    above = importance > 1
    if above.any():
        raise InputError(f"{links_source}: column 'importance': above 1 in {rows_text(above)}; use 0 to 1")
    keys = pl.DataFrame({"chain": chain, "link": link}, schema={"chain": pl.String, "link": pl.String})
    keys = keys.with_row_index("index")
    if firms.height:
        f_chain, f_link = _names(firms, "chain", firms_source), _names(firms, "link", firms_source)
        _repeated([_names(firms, "firm", firms_source), f_chain, f_link], "a firm's link", firms_source)
    else:
        f_chain = f_link = pl.Series([], dtype=pl.String)
    wanted = pl.DataFrame({"chain": f_chain, "link": f_link})
    found = wanted.join(keys, on=["chain", "link"], how="left", maintain_order="left")["index"]
    unknown = found.is_null().to_numpy()
    if unknown.any():
        raise InputError(
            f"{firms_source}: columns 'chain' and 'link': a link not in {links_source} "
            f"in {rows_text(unknown)}"
        )
    gaps = chain_gaps(importance, reference, found.cast(pl.Int64).to_numpy(), output)
    table = pl.DataFrame(
        {
            "chain": chain,
            "link": link,
            "position": position,
            "importance": importance,
            "reference_output": reference,
            "firms": gaps.firms,
            "local_output": gaps.local_output,
            "coverage": gaps.coverage,
            "score": gaps.score,
        },
        schema_overrides={"chain": pl.String, "link": pl.String},
        nan_to_null=True,
    )
    return table.sort("score", descending=True, maintain_order=True)


# ---------------------------------------------------------------------------------------------
# The checks


def park_tables(table: ParkTable, *, caps: dict[str, int], threshold: float) -> dict[str, pl.DataFrame]:
    """The ``caps``, ``overlap`` and ``shared`` tables of the checked parks."""
    from jingjin.engines.parks import LEVELS, check_caps, overlap, shared_leading

    n = len(table.parks)
    leading_count = np.bincount(table.park_of_row[table.leading], minlength=n)
    checked = check_caps(table.level_of_park, leading_count, caps)
    names = np.asarray(table.parks, dtype=object)
    industries = np.asarray(table.industries, dtype=object)
    counties = np.asarray(table.counties, dtype=object)
    leading_rows = np.flatnonzero(table.leading)
    listed: list[list[str]] = [[] for _ in range(n)]
    for row in leading_rows:
        listed[int(table.park_of_row[row])].append(str(industries[table.industry_of_row[row]]))
    caps_table = pl.DataFrame(
        {
            "park": names,
            "level": [LEVELS[int(c)] for c in table.level_of_park],
            "county": counties[table.county_of_park],
            "leading_count": checked.leading_count,
            "cap": checked.cap,
            "over": checked.over,
            "missing": checked.missing,
            "leading_industries": ["、".join(items) for items in listed],
        },
        schema_overrides={"park": pl.String, "county": pl.String},
    )
    result = overlap(table.park_of_row, table.industry_of_row, n_parks=n, threshold=threshold)
    a, b = result.pairs[:, 0], result.pairs[:, 1]
    overlap_table = pl.DataFrame(
        {
            "park_a": names[a],
            "park_b": names[b],
            "jaccard": result.pair_index,
            "shared": result.shared,
            "union": result.sizes[a] + result.sizes[b] - result.shared,
        },
        schema={
            "park_a": pl.String,
            "park_b": pl.String,
            "jaccard": pl.Float64,
            "shared": pl.Int64,
            "union": pl.Int64,
        },
    )
    county_rows = table.county_of_park[table.park_of_row[leading_rows]]
    shared = shared_leading(county_rows, table.industry_of_row[leading_rows])
    parks_of: dict[tuple[int, int], list[str]] = {}
    for row in leading_rows:
        park = int(table.park_of_row[row])
        key = (int(table.industry_of_row[row]), int(table.county_of_park[park]))
        parks_of.setdefault(key, []).append(table.parks[park])
    shared_rows = []
    for k, industry in enumerate(shared.industry.tolist()):
        where = shared.counties(k).tolist()
        shared_rows.append(
            (
                table.industries[industry],
                len(where),
                "、".join(table.counties[c] for c in where),
                "、".join(p for c in where for p in parks_of[(industry, c)]),
            )
        )
    shared_table = pl.DataFrame(
        shared_rows,
        schema={"industry": pl.String, "counties": pl.Int64, "county_names": pl.String, "parks": pl.String},
        orient="row",
    )
    return {"caps": caps_table, "overlap": overlap_table, "shared": shared_table}


# ---------------------------------------------------------------------------------------------
# Output


def output_paths(output: str | Path, names: list[str]) -> dict[str, Path]:
    """Where each table goes: the sheets of one ``.xlsx`` file, or ``name_<table>.csv`` files."""
    path = Path(output)
    if path.suffix.lower() == ".xlsx":
        return dict.fromkeys(names, path)
    return {name: path.with_name(f"{path.stem}_{name}{path.suffix}") for name in names}


def write_sheets(tables: dict[str, pl.DataFrame], path: Path) -> None:
    """One workbook, a sheet per table (texts never formulas), written atomically."""
    from openpyxl import Workbook

    from jingjin.commands._io import TableError
    from jingjin.core.exports import append_row

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".partial.xlsx", dir=path.parent)
    except OSError as exc:
        raise TableError(f"{path}: cannot be written: {exc}") from exc
    os.close(handle)
    partial = Path(name)
    try:
        book = Workbook(write_only=True)
        for title, frame in tables.items():
            sheet = book.create_sheet(title)
            append_row(sheet, frame.columns)
            for row in frame.iter_rows():
                append_row(sheet, row)
        book.save(partial)
        os.replace(partial, path)
    except Exception as exc:  # the writer raises many kinds; nothing partial may stay behind
        partial.unlink(missing_ok=True)
        raise TableError(f"{path}: cannot be written: {exc}") from exc


def run_check(args: argparse.Namespace) -> int:
    from jingjin.cli import UsageError
    from jingjin.commands._io import check_output, read_input, read_table, write_table

    if (args.chains is None) != (args.firms is None):
        raise UsageError("--chains LINKS and --firms FIRMS go together: give both or neither")
    if not 0 < args.threshold <= 1:
        raise UsageError(f"--threshold must be in (0, 1], got {args.threshold:g}")
    caps = {"national": args.cap_national, "provincial": args.cap_provincial, "city": args.cap_city}
    for level, cap in caps.items():
        if cap < 0:
            raise UsageError(f"--cap-{level} must be ≥ 0, got {cap}")
    check_output(args.output)
    table = read_parks(read_input(args.parks), str(args.parks))
    tables = park_tables(table, caps=caps, threshold=args.threshold)
    if args.chains is not None:
        links = read_input(args.chains)
        tables["gaps"] = _links_and_firms(links, read_table(args.firms), (str(args.chains), str(args.firms)))
    paths = output_paths(args.output, list(tables))
    if Path(args.output).suffix.lower() == ".xlsx":
        write_sheets(tables, Path(args.output))
    else:
        for name, frame in tables.items():
            write_table(frame, paths[name])
    caps_table = tables["caps"]
    summary: dict[str, Any] = {
        "parks": caps_table.height,
        "rows": int(table.park_of_row.size),
        "over_cap": int(caps_table["over"].sum()),
        "without_leading": int(caps_table["missing"].sum()),
        "overlap_pairs": tables["overlap"].height,
        "threshold": args.threshold,
        "caps": caps,
        "shared_leading": tables["shared"].height,
        "files": sorted({str(p) for p in paths.values()}),
    }
    if "gaps" in tables:
        summary["links"] = tables["gaps"].height
        summary["links_without_firm"] = int((tables["gaps"]["firms"] == 0).sum())
    print(json.dumps(summary, ensure_ascii=False))
    return 0
