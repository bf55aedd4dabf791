"""The source files of a campaign (数据来源) read and checked whole: every problem with its row and
column, nothing kept unless the whole file is right.

Each source has a credit-code column (统一社会信用代码) and its own columns; a ``.csv`` is read by
polars, an ``.xlsx`` streamed row by row with python-calamine. The checks are vectorised (polars and
numpy), so a province's 100,000 firms take a second: a valid credit code (GB 32100-2015 check
character), no code twice, numbers finite and in range, names free of control characters. The
result is a polars frame keyed by ``credit_code`` with the engine's column names
(:data:`jingjin.engines.land.LAND_INPUT_COLUMNS`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jingjin.core.bounds import CONTROL_CHARACTERS
from jingjin.core.limits import CellProblem, LimitError, check_size, check_workbook, limit, truncated
from jingjin.land.choices import SourceKind
from jingjin.parks.creditcode import invalid_mask

#: a province's firms fit; a larger file is refused before it is checked
MAX_ROWS = 500_000
#: the largest value a money, land or energy cell may hold (万元, 亩, tce, t, persons)
MAX_VALUE = 1e9


@dataclass(frozen=True)
class Column:
    """A column of a source file: its key (the engine's name), the headers it is known by, whether
    the file must have it, and its kind (``code``, ``text``, ``number``, ``signed``, ``flag``)."""

    key: str
    headers: tuple[str, ...]
    required: bool = True
    kind: str = "number"

    def names(self) -> set[str]:
        return {self.key.lower(), *(h.lower() for h in self.headers)}


CODE = Column("credit_code", ("统一社会信用代码", "信用代码", "credit code"), kind="code")
COLUMNS: dict[str, tuple[Column, ...]] = {
    SourceKind.LAND: (
        CODE,
        Column("name", ("企业名称", "名称", "firm"), required=False, kind="text"),
        Column("land_mu", ("用地面积", "用地面积（亩）", "用地面积(亩)", "land")),
        Column("above_scale", ("规上", "是否规上", "规模"), required=False, kind="flag"),
        Column("exempt", ("不参评", "免评"), required=False, kind="flag"),
    ),
    SourceKind.TAX: (
        CODE,
        Column("tax_10k", ("税收", "实缴税金", "税收（万元）"), kind="signed"),
        Column("revenue_10k", ("营业收入", "营业收入（万元）")),
        Column("value_added_10k", ("增加值", "工业增加值", "增加值（万元）"), kind="signed"),
    ),
    SourceKind.ENERGY: (
        CODE,
        Column("energy_tce", ("综合能耗", "综合能耗（吨标煤）")),
        Column("electricity_10k_kwh", ("用电量", "用电量（万千瓦时）"), required=False),
    ),
    SourceKind.EMISSIONS: (CODE, Column("emissions_t", ("排放量", "主要污染物排放量", "排放量（吨）"))),
    SourceKind.STATISTICS: (
        CODE,
        Column("employees", ("从业人员", "年平均职工人数", "employees")),
        Column("rd_10k", ("研发经费", "R&D经费", "研发经费（万元）"), required=False),
    ),
}
#: the sources a run needs; the others are optional (the scheme decides what it scores)
REQUIRED_SOURCES = (SourceKind.LAND, SourceKind.TAX)
_YES = {"1", "true", "yes", "y", "规上", "是"}
_NO = {"0", "false", "no", "n", "规下", "否", ""}


class SourceFileError(Exception):
    """A source file with problems: ``errors`` lists :class:`CellProblem` (row, column, message)."""

    def __init__(self, errors: list[CellProblem], total: int | None = None) -> None:
        super().__init__("; ".join(str(e) for e in errors[:5]))
        self.errors = errors
        self.total = len(errors) if total is None else total


def letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = chr(65 + rest) + out
    return out


def _read_cells(raw: bytes, name: str) -> tuple[list[str], dict[int, list[object]]]:
    """The header and the columns (index → values) of the file's first sheet."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix == "csv":
        try:
            frame = pl.read_csv(io.BytesIO(raw), infer_schema=False, truncate_ragged_lines=True)
        except Exception as exc:  # polars raises several kinds on a broken file
            raise SourceFileError([CellProblem(0, "", "", _("The file cannot be read as CSV."))]) from exc
        if frame.height > MAX_ROWS:
            raise LimitError(_("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}"})
        header = [str(c) for c in frame.columns]
        return header, {i: frame.get_column(c).to_list() for i, c in enumerate(frame.columns)}
    if suffix != "xlsx":
        raise SourceFileError([CellProblem(0, "", "", _("Upload a .csv or .xlsx file."))])
    check_workbook(raw, max_unzipped=limit("JINGJIN_EVALUATION_MAX_UNZIPPED"))
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(raw)).get_sheet_by_index(0)
        rows = sheet.iter_rows()
        header = [str(c if c is not None else "").strip() for c in next(rows, [])]
        columns: dict[int, list[object]] = {i: [] for i in range(len(header))}
        for count, row in enumerate(rows, start=1):
            if count > MAX_ROWS:
                raise LimitError(_("The file has more than %(max)s rows.") % {"max": f"{MAX_ROWS:,}"})
            for i, values in columns.items():
                values.append(row[i] if i < len(row) else None)
    except (LimitError, SourceFileError):
        raise
    except Exception as exc:  # the reader raises many kinds for a file that is no workbook
        raise SourceFileError(
            [CellProblem(0, "", "", _("The file cannot be read as an Excel workbook."))]
        ) from exc
    return header, columns


def _header_map(header: list[str], columns: tuple[Column, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    errors: list[CellProblem] = []
    for index, cell in enumerate(header):
        text = " ".join(str(cell).split()).lower()
        for column in columns:
            if text and text in column.names():
                if column.key in found:
                    errors.append(CellProblem(1, letter(index), str(cell), _("the column appears twice")))
                found[column.key] = index
    for column in columns:
        if column.required and column.key not in found:
            errors.append(
                CellProblem(1, "", column.key, _("the column %(name)s is missing") % {"name": column.key})
            )
    if errors:
        raise SourceFileError(errors)
    return found


def _text(values: list[object]) -> pl.Series:
    def clean(v: object) -> str | None:
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        text = str(v).strip()
        return text or None

    return pl.Series([clean(v) for v in values], dtype=pl.String)


def _problems(mask: np.ndarray, col: str, header: str, message: str) -> list[CellProblem]:
    return [CellProblem(int(i) + 2, col, header, message) for i in np.flatnonzero(mask)]


def _check_column(
    column: Column, text: pl.Series, col: str, header: str
) -> tuple[pl.Series, list[CellProblem]]:
    """The column's typed values and its problems."""
    empty = text.is_null().to_numpy()
    errors: list[CellProblem] = []
    if column.kind == "code":
        codes = text.str.to_uppercase().fill_null("")
        errors += _problems(empty, col, header, _("the credit code is empty"))
        bad = invalid_mask(codes.to_list()) & ~empty
        errors += _problems(bad, col, header, _("not a valid unified social credit code"))
        dup = (codes.is_duplicated().to_numpy()) & ~empty
        if dup.any():
            first = codes.to_frame("c").with_row_index("r").group_by("c").agg(pl.col("r").min())
            firsts = dict(zip(first["c"].to_list(), first["r"].to_list(), strict=True))
            for i in np.flatnonzero(dup):
                j = firsts[codes[int(i)]]
                if j != i:
                    errors.append(
                        CellProblem(
                            int(i) + 2, col, header, _("the code is already in row %(row)d") % {"row": j + 2}
                        )
                    )
        return codes.alias(column.key), errors
    if column.kind == "text":
        ctrl = text.fill_null("").str.contains(CONTROL_CHARACTERS.pattern).to_numpy()
        errors += _problems(ctrl, col, header, _("control characters are not allowed"))
        long = (text.fill_null("").str.len_chars() > 200).to_numpy()
        errors += _problems(long, col, header, _("at most 200 characters"))
        return text.alias(column.key), errors
    if column.kind == "flag":
        lowered = text.fill_null("").str.to_lowercase()
        yes = lowered.is_in(list(_YES)).to_numpy()
        bad = ~(yes | lowered.is_in(list(_NO)).to_numpy())
        errors += _problems(bad, col, header, _("use 1 or 0 (是/否)"))
        return pl.Series(column.key, yes), errors
    numbers = text.str.replace_all(",", "").cast(pl.Float64, strict=False)
    values = numbers.fill_null(np.nan).to_numpy()
    unreadable = numbers.is_null().to_numpy() & ~empty
    errors += _problems(unreadable, col, header, _("not a number"))
    if column.required:
        errors += _problems(empty, col, header, _("the value is empty"))
    with np.errstate(invalid="ignore"):
        infinite = np.isinf(values)
        low = ~infinite & (values < (-MAX_VALUE if column.kind == "signed" else 0))
        high = ~infinite & (np.abs(values) > MAX_VALUE)
        zero_land = (values == 0) if column.key == "land_mu" else np.zeros(len(values), bool)
    errors += _problems(infinite, col, header, _("not a finite number"))
    errors += _problems(low, col, header, _("must not be negative"))
    errors += _problems(high, col, header, _("at most %(max)s") % {"max": f"{MAX_VALUE:,.0f}"})
    errors += _problems(zero_land, col, header, _("the land area must be more than 0"))
    return pl.Series(column.key, values, nan_to_null=True), errors


def read_source(kind: str, raw: bytes, name: str) -> pl.DataFrame:
    """The checked table of a source file: ``credit_code`` and the source's columns (:data:`COLUMNS`).

    Raises :class:`SourceFileError` listing every problem (row, column letter, header, message) —
    at most ``JINGJIN_IMPORT_MAX_ERRORS`` of them, then a count — or :class:`LimitError`.
    """
    if kind not in COLUMNS:
        raise SourceFileError([CellProblem(0, "", "", _("Unknown source."))])
    check_size(raw, max_bytes=limit("JINGJIN_EVALUATION_MAX_BYTES"))
    header, cells = _read_cells(raw, name)
    found = _header_map(header, COLUMNS[kind])
    series: list[pl.Series] = []
    errors: list[CellProblem] = []
    for column in COLUMNS[kind]:
        index = found.get(column.key)
        if index is None:
            continue
        typed, problems = _check_column(column, _text(cells[index]), letter(index), header[index])
        series.append(typed)
        errors += problems
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        total = len(errors)
        raise SourceFileError(truncated(errors, lambda text: CellProblem(0, "", "", text)), total=total)
    frame = pl.DataFrame(series)
    if frame.height == 0:
        raise SourceFileError([CellProblem(0, "", "", _("The file has no rows."))])
    return frame


SOURCE_HELP = {
    SourceKind.LAND: gettext_lazy(
        "credit_code, name, land_mu (mu); optional above_scale (1/0), exempt (1/0)"
    ),
    SourceKind.TAX: gettext_lazy("credit_code, tax_10k, revenue_10k, value_added_10k (10,000 yuan)"),
    SourceKind.ENERGY: gettext_lazy("credit_code, energy_tce (tce); optional electricity_10k_kwh"),
    SourceKind.EMISSIONS: gettext_lazy("credit_code, emissions_t (t)"),
    SourceKind.STATISTICS: gettext_lazy("credit_code, employees; optional rd_10k (10,000 yuan)"),
}
