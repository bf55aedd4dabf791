"""The one error every engine raises for bad input, and the one way to name the rows at fault.

Rows are *data rows counted from 1 below the header*: data row 1 is the first row under the
column names (spreadsheet row 2). Every engine (air, water, scoring, land, allocation,
benchmark) raises :class:`InputError` with a message naming the column and the rows, built
with :func:`describe_rows` or :func:`rows_text`; the command line turns it into exit status
2 with that message, the web's evaluation jobs show it to the user.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

#: How rows are counted in every message (the command line adds it once to a message naming rows).
ROWS_NOTE = "rows are data rows counted from 1 below the header, i.e. spreadsheet row = data row + 1"

#: Cell texts read as a missing value by every engine (compared trimmed and lower-cased):
#: an empty cell, NaN, and what tables print for "no value" (HJ 633 prints NA).
MISSING_TEXTS = ("", "na", "n/a", "nan", "null", "none", "-", "—")


class InputError(ValueError):
    """Input an engine refuses: the message names the columns and the 1-based data rows."""


def describe_rows(rows: npt.NDArray[np.integer] | Sequence[int], limit: int = 10) -> str:
    """``data row 3`` / ``data rows 3, 8 and 12 more`` from 0-based row positions."""
    shown = [str(int(r) + 1) for r in list(rows[:limit])]
    more = len(rows) - len(shown)
    word = "data row" if len(rows) == 1 else "data rows"
    text = f"{word} {', '.join(shown)}"
    if more > 0:
        text += f" and {more} more"
    return text


def rows_text(mask: npt.ArrayLike, limit: int = 10) -> str:
    """Name the rows where ``mask`` is true: ``"data rows 2, 5 and 7"`` (1-based data rows)."""
    return describe_rows(np.flatnonzero(np.asarray(mask)), limit)


def require_rows(height: int) -> None:
    """Refuse an input without data rows: every engine command ends so with exit status 2."""
    if height == 0:
        raise InputError(
            "the input has no rows under the header (an empty table or sheet); nothing to evaluate"
        )
