"""The one writer of the files the system hands out: Excel (.xlsx), CSV and Word (.docx).

Every export goes through here — the bulletin, the plan export, the benchmark export, the report
overview and batch workbooks, the evaluations' downloads and the command line's ``.xlsx`` output —
so that two rules hold everywhere:

- **No formula from data.** A text that starts like a formula (``=``, ``+``, ``-``, ``@``, or a
  tab or carriage return in front of one) is written as text: in a workbook the cell is typed as a
  string and gets Excel's quote prefix (the text itself is unchanged, so a plan exported and
  imported again keeps ``=A1`` as ``=A1``); in a CSV the cell gets a leading apostrophe, the
  convention spreadsheets show as text.
- **No control character.** Characters a workbook or a Word document cannot hold (NUL, ``\\v``,
  the other C0 and C1 controls; older data may have them) are left out; line breaks and tabs stay.

Numbers, dates and empty cells go in as they are.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

#: C0 control characters except tab, line feed and carriage return, DEL, and the C1 controls: the
#: one definition is in core/bounds.py, which the checks at every entrance use too
from jingjin.core.bounds import CONTROL_CHARACTERS as CONTROL_CHARACTERS

#: what makes a spreadsheet read a cell as a formula (tab and carriage return: OWASP's list, as
#: some spreadsheets drop them in front of a formula)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """``value`` without the control characters a workbook or a Word document cannot hold."""
    return CONTROL_CHARACTERS.sub("", value)


def looks_like_formula(value: Any) -> bool:
    """Whether a spreadsheet could take ``value`` for a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def cell_value(value: Any) -> Any:
    """The value to store in a cell: texts without control characters, everything else as is."""
    return clean_text(value) if isinstance(value, str) else value


# --------------------------------------------------------------------------------------------
# Excel (openpyxl)


def write_cell(cell: Any, value: Any) -> Any:
    """Put ``value`` into an openpyxl cell (a normal or a write-only one) and return the cell; a
    text that starts like a formula is stored as text with the quote prefix."""
    value = cell_value(value)
    cell.value = value
    if looks_like_formula(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet: Any, values: Iterable[Any]) -> int:
    """Append a row of values to an openpyxl sheet (texts cleaned and never formulas); returns the
    row's number (0 on a write-only sheet, which does not count its rows)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

    values = [cell_value(v) for v in values]
    if isinstance(sheet, WriteOnlyWorksheet):
        sheet.append([write_cell(WriteOnlyCell(sheet), v) if looks_like_formula(v) else v for v in values])
        return 0
    sheet.append(values)
    row = int(sheet.max_row)
    for column, value in enumerate(values, start=1):
        if looks_like_formula(value):
            write_cell(sheet.cell(row=row, column=column), value)
    return row


def xlsx_bytes(workbook: Any) -> bytes:
    """A workbook saved into bytes."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def frame_to_xlsx(frame: Any, target: str | Path | IO[bytes], *, sheet: str = "data") -> None:
    """Write a polars DataFrame as a one-sheet workbook (header row, then the rows) to a path or a
    binary file, streaming (openpyxl's write-only mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    out = workbook.create_sheet(sheet)
    append_row(out, [str(name) for name in frame.columns])
    for row in frame.iter_rows():
        append_row(out, row)
    workbook.save(target)


# --------------------------------------------------------------------------------------------
# CSV (polars)


def csv_safe_frame(frame: Any) -> Any:
    """A polars DataFrame whose text columns are cleaned and whose texts that start like a formula
    get a leading apostrophe, so that a spreadsheet opening the CSV shows them as text."""
    import polars as pl

    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not texts:
        return frame
    control = CONTROL_CHARACTERS.pattern
    formula = "^[" + re.escape("".join(FORMULA_PREFIXES)) + "]"
    columns = []
    for name in texts:
        cleaned = pl.col(name).str.replace_all(control, "")
        columns.append(
            pl.when(cleaned.str.contains(formula)).then(pl.lit("'") + cleaned).otherwise(cleaned).alias(name)
        )
    return frame.with_columns(columns)


def frame_to_csv(frame: Any, target: str | Path | IO[bytes]) -> None:
    """Write a polars DataFrame as UTF-8 CSV with formula prefixes neutralised."""
    csv_safe_frame(frame).write_csv(target)


def csv_text(value: Any) -> Any:
    """One CSV cell (for the ``csv`` module): a text cleaned, with an apostrophe in front when it
    starts like a formula; other values as they are."""
    if not isinstance(value, str):
        return value
    value = clean_text(value)
    return "'" + value if looks_like_formula(value) else value


# --------------------------------------------------------------------------------------------
# Word (python-docx)


def docx_text(value: Any) -> str:
    """A text for python-docx (a run, a paragraph, a table cell): empty for None, without the
    control characters XML cannot hold. Word does not evaluate formulas, so prefixes stay."""
    return "" if value is None else clean_text(str(value))
