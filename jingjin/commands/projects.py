"""``jingjin projects progress`` — investment progress of key projects from a file (重点项目投资进度).

Example::

    jingjin projects progress reports.xlsx -o progress.xlsx --as-of 2024-06 \\
        --group-by county --rollup-output by-county.csv

INPUT (.csv, .parquet or .xlsx) has one row per project, or one row per project and month with a
``month`` column (``YYYY-MM``; ``--as-of`` selects that month's rows). Columns: ``project`` (code
or name, once per month), ``planned`` (the year's planned investment, 万元; empty = no plan for
the year, not judged), ``ytd`` (invested this year to date, 万元; 0 when nothing), optional
``start`` and ``end`` (``YYYY-MM-DD`` or ``YYYY-MM``), optional ``<kind>_planned`` and
``<kind>_actual`` dates (``YYYY-MM-DD``) for the milestones in :data:`MILESTONE_KINDS`. Other
columns are ignored unless named by ``--group-by``.

OUTPUT has :data:`OUTPUT_COLUMNS` (percentages and the gap rounded to 0.01; ``lag`` one of
ahead, on_track, behind, far_behind, empty when not judged). With ``--group-by COLUMN``
(repeatable) the roll-up by those columns goes to ``--rollup-output``. The rules are those of
:mod:`jingjin.engines.projects` (docs/projects.md, "Investment progress").

Every bad cell is reported with its data row (1 = the first row under the header, spreadsheet
row 2) and column; the command then exits with status 2 and writes nothing. The messages are
:class:`jingjin.i18n.Msg` (English here; a page shows them in its language).
Nothing here imports Django.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from jingjin.core.bounds import CONTROL_CHARACTERS, YEAR_MAX, YEAR_MIN, Number, text_problem
from jingjin.engines.errors import MISSING_TEXTS, InputError
from jingjin.engines.projects import LAG_CLASSES, UNKNOWN, Thresholds, progress, rollup
from jingjin.i18n import Msg, _

MILESTONE_KINDS = (
    "signed",
    "land_supplied",
    "permits",
    "started",
    "topped_out",
    "completed",
    "in_production",
)
OUTPUT_COLUMNS = (
    "project",
    "planned",
    "ytd",
    "completion_pct",
    "elapsed_pct",
    "gap",
    "projected_pct",
    "delay_days",
    "lag",
)
ROLLUP_COLUMNS = ("projects", "planned", "ytd", "completion_pct", *LAG_CLASSES, "not_judged")
#: the amounts' precision, as the project models store them (万元, 14 digits, 2 decimals, ≥ 0)
INVESTMENT = Number(14, 2, minimum=0)
PROJECT_MAX = 200
MAX_LISTED = 10
_DATE = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")
_AS_OF = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


class ProgressFileError(InputError):
    """Bad cells of the input: ``messages`` lists the first ones (row and column), a page shows
    them in its language; ``str()`` is the English text the command line prints."""

    def __init__(self, messages: list[Msg]) -> None:
        super().__init__("\n".join(str(m) for m in messages))
        self.messages = messages


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "projects",
        help="key projects (重点项目): investment progress against the year's plan",
        description="Key projects (重点项目). Actions: progress.",
    )
    actions = parser.add_subparsers(dest="projects_command", metavar="ACTION", required=True)
    run = actions.add_parser(
        "progress",
        help="completion, elapsed share, gap, projection, milestone delays and lag class of each project",
        description=(
            "Columns: project planned ytd [start end] [<kind>_planned <kind>_actual for kinds "
            f"{', '.join(MILESTONE_KINDS)}] [month]. Amounts in 万元; dates YYYY-MM-DD (start and end "
            "also YYYY-MM); month YYYY-MM (then --as-of selects the rows of that month). "
            f"Output columns: {' '.join(OUTPUT_COLUMNS)}."
        ),
    )
    run.add_argument("input", help="projects table (.csv, .parquet or .xlsx)")
    run.add_argument("-o", "--output", required=True, help="output table (.csv, .parquet or .xlsx)")
    run.add_argument("--as-of", required=True, metavar="YYYY-MM", help="the month the progress is judged in")
    run.add_argument(
        "--group-by",
        action="append",
        default=[],
        metavar="COLUMN",
        help="roll up by this input column (repeatable, e.g. county and level); needs --rollup-output",
    )
    run.add_argument(
        "--rollup-output",
        metavar="PATH",
        help=f"roll-up table (.csv, .parquet or .xlsx): the group columns, {' '.join(ROLLUP_COLUMNS)}",
    )
    defaults = Thresholds()
    run.add_argument("--ahead", type=float, default=defaults.ahead, help="ahead from +N points of gap (5)")
    run.add_argument("--behind", type=float, default=defaults.behind, help="behind below −N points (10)")
    run.add_argument(
        "--far-behind", type=float, default=defaults.far_behind, help="far behind below −N points (25)"
    )
    run.set_defaults(handler=run_progress)


def as_of_month(text: str) -> int:
    """``YYYY-MM`` as a month index (year × 12 + month − 1), or :class:`jingjin.cli.UsageError`."""
    from jingjin.cli import UsageError

    found = _AS_OF.match(text)
    if found is None or not 1 <= int(found.group(2)) <= 12:
        raise UsageError(f"--as-of: expected a month YYYY-MM, not '{text}'")
    year = int(found.group(1))
    if not YEAR_MIN <= year < YEAR_MAX:
        raise UsageError(f"--as-of: the year must be from {YEAR_MIN} to {YEAR_MAX - 1}, not {year}")
    return year * 12 + int(found.group(2)) - 1


def run_progress(args: argparse.Namespace) -> int:
    from jingjin.cli import UsageError
    from jingjin.commands._io import check_output, read_input, write_output

    check_output(args.output)
    if args.group_by and not args.rollup_output:
        raise UsageError("--group-by needs --rollup-output PATH (where the roll-up is written)")
    if args.rollup_output and not args.group_by:
        raise UsageError("--rollup-output needs at least one --group-by COLUMN")
    if args.rollup_output:
        check_output(args.rollup_output)
    month = as_of_month(args.as_of)
    try:
        thresholds = Thresholds(ahead=args.ahead, behind=args.behind, far_behind=args.far_behind)
    except InputError as exc:
        raise UsageError(f"--ahead/--behind/--far-behind: {exc}") from exc
    frame = read_input(args.input)
    result = progress_file(frame, month, thresholds=thresholds, group_by=args.group_by)
    write_output(result.table, args.output)
    if result.rollup is not None:
        write_output(result.rollup, args.rollup_output)
    print(json.dumps(result.summary, ensure_ascii=False))
    return 0


# ---------------------------------------------------------------------------------------------
# Reading and checking the table


@dataclass
class _Problems:
    """Bad cells found column by column (vectorised): each check adds its rows and a message maker."""

    found: list[tuple[np.ndarray, str, Callable[[int], Msg]]] = field(default_factory=list)

    def add(self, rows: np.ndarray, column: str, message: Callable[[int], Msg]) -> None:
        """``rows`` are data rows (1-based); ``message(row)`` says what is wrong in that row."""
        if rows.size:
            self.found.append((rows, column, message))

    def raise_if_any(self) -> None:
        if not self.found:
            return
        rows = np.concatenate([r for r, _c, _m in self.found])
        which = np.concatenate([np.full(r.size, k) for k, (r, _c, _m) in enumerate(self.found)])
        order = np.lexsort((which, rows))[:MAX_LISTED]
        messages = [_place(int(rows[i]), *self.found[which[i]][1:]) for i in order]
        if rows.size > MAX_LISTED:
            messages.append(_("… and %(count)s more error(s)", count=rows.size - MAX_LISTED))
        raise ProgressFileError(messages)


def _place(row: int, column: str, message: Callable[[int], Msg]) -> Msg:
    if row == 0:
        return _("column '%(column)s': %(message)s", column=column, message=message(row))
    return _(
        "data row %(row)s (spreadsheet row %(sheet_row)s), column '%(column)s': %(message)s",
        row=row,
        sheet_row=row + 1,
        column=column,
        message=message(row),
    )


def _text(series: pl.Series) -> pl.Series:
    """The cells as trimmed texts; empty and the texts every engine reads as missing
    (:data:`~jingjin.engines.errors.MISSING_TEXTS`: NaN, NA, -, …) → null."""
    text = series.cast(pl.String).str.strip_chars()
    missing = text.str.to_lowercase().is_in(list(MISSING_TEXTS)).fill_null(False)
    return text.to_frame().select(pl.when(missing).then(None).otherwise(pl.first())).to_series()


def _shown(series: pl.Series) -> Callable[[int], str]:
    """The cell of a data row as a message quotes it (short)."""
    return lambda row: str(series[row - 1])[:60]


def _amounts(series: pl.Series, rows: np.ndarray, problems: _Problems, *, required: bool) -> np.ndarray:
    """Amounts in 万元: nan where empty; not a number, not finite, negative or too large are errors."""
    name = series.name
    if series.dtype.is_numeric() or series.dtype == pl.Null:
        converted = series.cast(pl.Float64)
        bad_text = np.zeros(series.len(), dtype=bool)
    else:
        text = _text(series).str.replace_all(",", "")
        converted = text.cast(pl.Float64, strict=False)
        bad_text = (converted.is_null() & text.is_not_null()).to_numpy()
    values = converted.fill_null(np.nan).to_numpy().astype(np.float64)
    shown = _shown(series)
    problems.add(rows[bad_text], name, lambda r: _("must be a number, not %(value)s", value=repr(shown(r))))
    problems.add(
        rows[np.isinf(values)], name, lambda r: _("must be a finite number, not %(value)s", value=shown(r))
    )
    problems.add(
        rows[values < 0],
        name,
        lambda r: _("must be at least %(minimum)s, not %(value)s", minimum=0, value=shown(r)),
    )
    limit = float(INVESTMENT.limit)
    problems.add(
        rows[np.isfinite(values) & (values >= limit)],
        name,
        lambda r: _(
            "%(value)s is too large: the size must stay below %(limit)s",
            value=shown(r),
            limit=f"{limit:,.0f}",
        ),
    )
    if required:
        problems.add(
            rows[np.isnan(values) & ~bad_text],
            name,
            lambda r: _("empty: write 0 when nothing was invested this year"),
        )
    return values


def _dates(series: pl.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(month index, day of month or 0 when only a month was given, known, unreadable) per cell."""
    n = series.len()
    if series.dtype == pl.Date or series.dtype == pl.Datetime:
        dates = series.cast(pl.Date)
        known = dates.is_not_null().to_numpy()
        year = dates.dt.year().fill_null(1970).to_numpy().astype(np.int64)
        month = dates.dt.month().fill_null(1).to_numpy().astype(np.int64)
        day = dates.dt.day().fill_null(1).to_numpy().astype(np.int64)
        return year * 12 + month - 1, day, known, np.zeros(n, dtype=bool)
    text = _text(series).str.replace_all(r"[/.]", "-")
    parts = text.str.extract_groups(_DATE.pattern).struct.unnest()
    known = text.is_not_null().to_numpy()
    year = parts["1"].cast(pl.Int64).fill_null(0).to_numpy()
    month = parts["2"].cast(pl.Int64).fill_null(0).to_numpy()
    day = parts["3"].cast(pl.Int64).fill_null(0).to_numpy()
    matched = parts["1"].is_not_null().to_numpy()
    valid = matched & (year >= YEAR_MIN) & (year < YEAR_MAX) & (month >= 1) & (month <= 12)
    index = np.where(valid, year * 12 + month - 1, 0)
    following = (index - 1970 * 12 + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    month_days = following - (index - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]").astype(
        np.int64
    )
    valid &= (day == 0) | ((day >= 1) & (day <= month_days))
    return index, day, known & valid, known & ~valid


def _month_column(series: pl.Series, rows: np.ndarray, problems: _Problems, *, is_month: bool) -> np.ndarray:
    """Month indices (UNKNOWN where empty) of the month column or of a start or end column."""
    index, _day, known, bad = _dates(series)
    shown = _shown(series)
    if is_month:
        problems.add(rows[bad], series.name, lambda r: _("not a month YYYY-MM: '%(value)s'", value=shown(r)))
    else:
        problems.add(
            rows[bad],
            series.name,
            lambda r: _("not a date YYYY-MM-DD or month YYYY-MM: '%(value)s'", value=shown(r)),
        )
    return np.where(known, index, UNKNOWN)


def _day_column(series: pl.Series, rows: np.ndarray, problems: _Problems) -> np.ndarray:
    """Days since 1970-01-01 (UNKNOWN where empty) of a milestone's date column."""
    index, day, known, bad = _dates(series)
    bad = bad | (known & (day == 0))
    shown = _shown(series)
    problems.add(rows[bad], series.name, lambda r: _("not a date YYYY-MM-DD: '%(value)s'", value=shown(r)))
    first = (index - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return np.where(known & ~bad, first + day - 1, UNKNOWN)


def _projects(series: pl.Series, rows: np.ndarray, problems: _Problems) -> pl.Series:
    """The project column: filled, a text without control characters, once per month."""
    text = _text(series)
    name = series.name
    empty = text.is_null().to_numpy()
    problems.add(rows[empty], name, lambda r: _("empty: give the project's code or name"))
    odd = ((text.str.len_chars() > PROJECT_MAX) | text.str.contains(CONTROL_CHARACTERS.pattern)).fill_null(
        False
    )

    def odd_message(row: int) -> Msg:
        return text_problem(str(text[row - 1]), max_length=PROJECT_MAX) or _("not a valid text")

    problems.add(rows[odd.to_numpy()], name, odd_message)
    repeated = (text.is_duplicated() & text.is_not_null()).to_numpy()
    problems.add(
        rows[repeated],
        name,
        lambda r: _("project %(project)s is given in more than one row", project=str(text[r - 1])[:60]),
    )
    return text


def _find_columns(frame: pl.DataFrame, group_by: list[str], problems: _Problems) -> dict[str, str]:
    """The input's column for each name used (matched trimmed and case-blind); missing ones reported."""
    columns = {str(c).strip().lower(): c for c in frame.columns}
    listed = ", ".join(frame.columns)
    for required in ("project", "planned", "ytd", *group_by):
        if required.strip().lower() not in columns:
            problems.add(
                np.array([0]),
                required,
                lambda _r: _("missing column (the file has: %(columns)s)", columns=listed),
            )
    problems.raise_if_any()
    return columns


def _select_month(
    frame: pl.DataFrame, month: int, columns: dict[str, str], problems: _Problems
) -> tuple[pl.DataFrame, np.ndarray]:
    """The rows of the as-of month when the input has a ``month`` column, and their data rows."""
    rows = np.arange(1, frame.height + 1)
    if "month" not in columns:
        return frame, rows
    series = frame.get_column(columns["month"])
    months = _month_column(series, rows, problems, is_month=True)
    empty = _text(series.cast(pl.String)).is_null().to_numpy()
    problems.add(rows[empty], series.name, lambda _r: _("empty: give the month YYYY-MM"))
    problems.raise_if_any()
    keep = months == month
    if not keep.any():
        shown = f"{month // 12:04d}-{month % 12 + 1:02d}"
        problems.add(np.array([0]), series.name, lambda _r: _("no row of month %(month)s", month=shown))
        problems.raise_if_any()
    return frame.filter(pl.Series(keep)), rows[keep]


def _milestones(
    frame: pl.DataFrame, columns: dict[str, str], rows: np.ndarray, problems: _Problems
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """(planned days, actual days), shape (projects, kinds given), or (None, None) without any."""
    given = [k for k in MILESTONE_KINDS if f"{k}_planned" in columns or f"{k}_actual" in columns]
    if not given:
        return None, None
    planned = np.full((frame.height, len(given)), UNKNOWN, dtype=np.int64)
    actual = np.full((frame.height, len(given)), UNKNOWN, dtype=np.int64)
    for j, kind in enumerate(given):
        for suffix, target in (("planned", planned), ("actual", actual)):
            name = columns.get(f"{kind}_{suffix}")
            if name is not None:
                target[:, j] = _day_column(frame.get_column(name), rows, problems)
    return planned, actual


@dataclass(frozen=True)
class ProgressFile:
    """What ``jingjin projects progress`` writes: the table, the roll-up (or None), a JSON summary."""

    table: pl.DataFrame
    rollup: pl.DataFrame | None
    summary: dict[str, Any]


def progress_file(
    frame: pl.DataFrame,
    month: int,
    *,
    thresholds: Thresholds | None = None,
    group_by: list[str] | None = None,
) -> ProgressFile:
    """Check ``frame`` (every bad cell: :class:`ProgressFileError`) and compute each project's
    progress as of the month index ``month`` and, with ``group_by``, the roll-up."""
    group_by = list(group_by or [])
    problems = _Problems()
    columns = _find_columns(frame, group_by, problems)
    frame, rows = _select_month(frame, month, columns, problems)
    project = _projects(frame.get_column(columns["project"]), rows, problems)
    planned = _amounts(frame.get_column(columns["planned"]), rows, problems, required=False)
    ytd = _amounts(frame.get_column(columns["ytd"]), rows, problems, required=True)
    ends: dict[str, np.ndarray] = {}
    for which in ("start", "end"):
        if which in columns:
            ends[which] = _month_column(frame.get_column(columns[which]), rows, problems, is_month=False)
    if len(ends) == 2:
        start, end = ends["start"], ends["end"]
        reversed_dates = (start != UNKNOWN) & (end != UNKNOWN) & (end < start)
        problems.add(rows[reversed_dates], columns["end"], lambda _r: _("the end is before the start"))
    milestone_planned, milestone_actual = _milestones(frame, columns, rows, problems)
    problems.raise_if_any()
    result = progress(
        planned=planned,
        ytd=ytd,
        as_of_month=month,
        start_month=ends.get("start"),
        end_month=ends.get("end"),
        milestone_planned=milestone_planned,
        milestone_actual=milestone_actual,
        thresholds=thresholds or Thresholds(),
    )
    names = np.array([*LAG_CLASSES, None], dtype=object)[result.lag]  # NOT_JUDGED (−1) → None
    table = pl.DataFrame(
        {
            "project": project,
            "planned": planned,
            "ytd": ytd,
            "completion_pct": np.round(result.completion_pct, 2),
            "elapsed_pct": np.round(result.elapsed_pct, 2),
            "gap": np.round(result.gap, 2),
            "projected_pct": np.round(result.projected_pct, 2),
            "delay_days": result.delay_days,
            "lag": pl.Series("lag", names.tolist(), dtype=pl.String),
        },
        nan_to_null=True,
    )
    counts = {name: int((result.lag == k).sum()) for k, name in enumerate(LAG_CLASSES)}
    counts["not_judged"] = int((result.lag < 0).sum())
    summary: dict[str, Any] = {"as_of": f"{month // 12:04d}-{month % 12 + 1:02d}", "projects": frame.height}
    summary["lag"] = counts
    rolled = None
    if group_by:
        rolled = _rollup_table(
            frame, [columns[g.strip().lower()] for g in group_by], planned, ytd, result.lag
        )
        summary["groups"] = rolled.height
    return ProgressFile(table, rolled, summary)


def _rollup_table(
    frame: pl.DataFrame, by: list[str], planned: np.ndarray, ytd: np.ndarray, lag: np.ndarray
) -> pl.DataFrame:
    """The roll-up by the columns ``by`` (their texts; an empty cell is a group of its own)."""
    keys = [_text(frame.get_column(c)).fill_null("") for c in by]
    codes = []
    uniques = []
    for key in keys:
        unique, code = np.unique(key.to_numpy().astype(str), return_inverse=True)
        uniques.append(unique)
        codes.append(code.reshape(-1))
    combined, group = np.unique(np.stack(codes, axis=1), axis=0, return_inverse=True)
    r = rollup(groups=group.reshape(-1), planned=planned, ytd=ytd, lag=lag)
    data: dict[str, Any] = {c: uniques[i][combined[:, i]].tolist() for i, c in enumerate(by)}
    data.update(
        projects=r.projects,
        planned=np.round(r.planned, 2),
        ytd=np.round(r.ytd, 2),
        completion_pct=np.round(r.completion_pct, 2),
    )
    for k, name in enumerate(LAG_CLASSES):
        data[name] = r.lag_counts[:, k]
    data["not_judged"] = r.projects - r.lag_counts.sum(axis=1)
    return pl.DataFrame(data, nan_to_null=True)
