"""Files for the engine commands and the web's evaluation jobs: tables, specs, schemes, thresholds.

One place reads and writes what the engines take and give, so that ``jingjin air``, ``water``,
``score``, ``land``, ``allocate``, ``benchmark`` and the evaluation uploads (评价任务) agree:

* Tables are ``.csv``, ``.parquet`` or ``.xlsx``, chosen by the file's extension. Every column
  is kept, in its order. CSV text is UTF-8 (with or without a byte-order mark) or, when the
  file is not valid UTF-8, GB18030 — the superset of GBK that Chinese office software writes
  when it saves "CSV (逗号分隔)". Excel files are read with python-calamine (fast, no formula
  evaluation) and written with openpyxl.
* The header rule is the same in every format: a column name is not empty and appears once.
* Writes are atomic: the table goes to a temporary file beside the target, which then replaces
  it (``os.replace``); a failed write leaves the old file, or none, and no partial file.
* Specs (YAML/JSON), the built-in per-mu schemes and the admission thresholds are read here
  too and turned into the structures the engines accept.

Errors are :class:`TableError` (a file cannot be read or written) and :class:`SchemeError` (a
spec, scheme or threshold file cannot be used, a kind of :class:`TableError`); their message
names the file and the key, column or row. The command line (:func:`jingjin.cli.main`) prints
them, the engines' :class:`~jingjin.engines.errors.InputError` and the option errors of
:mod:`jingjin.engine_runs`, and exits with status 2.

Nothing here imports Django (the engine commands start fast and run without settings).
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from jingjin.engines.land import AdmissionRules, LandScheme
    from jingjin.engines.scoring import ScoreSpec

SUPPORTED = (".csv", ".parquet", ".xlsx")
#: The encodings a CSV file is read in, in the order they are tried.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")

LAND_SCHEMES = {"huangyan-2022", "huangyan-2021", "sichuan-2020"}
DEFAULT_THRESHOLDS = "longchang-2022"


class TableError(ValueError):
    """The file cannot be read or written as a table; the message says why."""


class SchemeError(TableError):
    """A spec, scheme or threshold file cannot be used; the message says which and why."""


def tables_dir() -> Path:
    """The built-in schemes and threshold tables (``jingjin/engines/tables``)."""
    import jingjin.engines

    return Path(jingjin.engines.__file__).parent / "tables"


# ---------------------------------------------------------------------------------------------
# Tables


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise TableError(
            f"{path}: unsupported file type {suffix or '(none)'}; use one of {', '.join(SUPPORTED)}"
        )
    return suffix


def check_header(names: list[str], path: str | Path) -> None:
    """The header rule of every format: no empty column name, no name twice (names trimmed).

    A repeated name gives the message the air and water engines give for two columns of one
    pollutant (``a column is given twice: x is given by columns 1, 3 of the header``).
    """
    positions: dict[str, list[int]] = {}
    for col, raw in enumerate(names, start=1):
        name = str(raw).strip()
        if not name:
            raise TableError(f"{path}: column {col} of the header row is empty; give every column a name")
        positions.setdefault(name, []).append(col)
    twice = {name: cols for name, cols in positions.items() if len(cols) > 1}
    if twice:
        listed = "; ".join(
            f"{name} is given by columns {', '.join(map(str, cols))} of the header"
            for name, cols in twice.items()
        )
        raise TableError(f"{path}: a column is given twice: {listed}; rename or remove the repeated columns")


def _excel_frame(rows: list[list[Any]], path: str | Path) -> pl.DataFrame:
    """A frame from the cells of a sheet (first row the header); empty cells are null."""
    if not rows:
        raise TableError(f"{path}: the first sheet is empty")
    header = [str(h).strip() for h in rows[0]]
    check_header(header, path)
    columns: dict[str, list[object]] = {name: [] for name in header}
    for row in rows[1:]:
        for index, name in enumerate(header):
            value = row[index] if index < len(row) else None
            columns[name].append(None if value == "" else value)
    series = []
    for name, values in columns.items():
        try:
            series.append(pl.Series(name, values, strict=False))
        except (TypeError, pl.exceptions.PolarsError):
            series.append(pl.Series(name, [None if v is None else str(v) for v in values], dtype=pl.String))
    return pl.DataFrame(series)


def _csv_header(path: Path, encoding: str) -> list[str]:
    with path.open(encoding=encoding, newline="") as handle:
        return next(csv.reader(handle), [])


def _read_csv(path: Path, n_rows: int | None) -> pl.DataFrame:
    """UTF-8 (read in place) or, when the file is not valid UTF-8, GB18030 (decoded, then read)."""
    options: dict[str, Any] = {"infer_schema_length": None, "try_parse_dates": False, "n_rows": n_rows}
    try:
        check_header(_csv_header(path, CSV_ENCODINGS[0]), path)
        return pl.read_csv(path, **options)
    except (UnicodeDecodeError, pl.exceptions.ComputeError) as exc:
        if isinstance(exc, pl.exceptions.ComputeError) and "utf-8" not in str(exc).lower():
            raise
    try:
        text = path.read_bytes().decode(CSV_ENCODINGS[1])
    except UnicodeDecodeError:
        raise TableError(
            f"{path}: the text is neither UTF-8 nor GB18030/GBK; save the file as CSV in UTF-8 "
            "or as an Excel workbook (.xlsx)"
        ) from None
    check_header(next(csv.reader(io.StringIO(text, newline="")), []), path)
    return pl.read_csv(io.BytesIO(text.encode("utf-8")), **options)


def read_table(path: str | Path, *, n_rows: int | None = None) -> pl.DataFrame:
    """Read a table (the first ``n_rows`` data rows if given); raise :class:`TableError` on failure."""
    path = Path(path)
    suffix = _suffix(path)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    try:
        if suffix == ".csv":
            return _read_csv(path, n_rows)
        if suffix == ".parquet":
            frame = pl.scan_parquet(path).head(n_rows).collect() if n_rows else pl.read_parquet(path)
            check_header(frame.columns, path)
            return frame
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        cells = sheet.to_python(skip_empty_area=False, **({} if n_rows is None else {"nrows": n_rows + 1}))
        return _excel_frame(cells, path)
    except TableError:
        raise
    except Exception as exc:  # the readers raise many kinds; the user needs the message
        raise TableError(f"{path}: cannot be read as {suffix[1:]}: {exc}") from exc


def _write_xlsx(frame: pl.DataFrame, path: Path) -> None:
    from jingjin.core.exports import frame_to_xlsx

    frame_to_xlsx(frame, path)  # texts never become formulas


def write_table(frame: pl.DataFrame, path: str | Path) -> None:
    """Write ``frame`` to ``path`` in the format its extension names, atomically.

    The table is written to a temporary file in the target's directory, which then replaces the
    target; on any failure the temporary file is removed and :class:`TableError` raised.
    """
    path = Path(path)
    suffix = _suffix(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".partial{suffix}", dir=path.parent)
    except OSError as exc:
        raise TableError(f"{path}: cannot be written: {exc}") from exc
    os.close(handle)
    partial = Path(name)
    try:
        if suffix == ".csv":
            frame.write_csv(partial)
        elif suffix == ".parquet":
            frame.write_parquet(partial)
        else:
            _write_xlsx(frame, partial)
        os.replace(partial, path)
    except Exception as exc:  # the writers raise many kinds; nothing partial may stay behind
        partial.unlink(missing_ok=True)
        raise TableError(f"{path}: cannot be written: {exc}") from exc


# ---------------------------------------------------------------------------------------------
# The engine commands' input and output


def read_input(path: str | Path) -> pl.DataFrame:
    """The INPUT table of an engine command: readable, and with at least one data row."""
    from jingjin.engines.errors import require_rows

    frame = read_table(path)
    require_rows(frame.height)
    return frame


def check_output(path: str | Path) -> Path:
    """Refuse an output path of an unsupported type before any work is done."""
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED:
        raise TableError(
            f"{path}: unsupported output type {path.suffix or '(none)'}; use one of {', '.join(SUPPORTED)}"
        )
    return path


def write_output(frame: pl.DataFrame, path: str | Path) -> None:
    """Write the result of an engine command (atomically, see :func:`write_table`)."""
    write_table(frame, check_output(path))


def user_message(exc: Exception) -> str:
    """The message of an input error, with the row convention spelled out once when rows are named."""
    from jingjin.engines.errors import ROWS_NOTE

    text = str(exc)
    if "data row" in text and "counted from 1" not in text:
        return f"{text} ({ROWS_NOTE})"
    return text


# ---------------------------------------------------------------------------------------------
# Specs, schemes and thresholds


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON file whose top level is a mapping."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise SchemeError(f"{path}: no such file")
    is_json = path.suffix.lower() == ".json"
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if is_json else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise SchemeError(f"{path}: cannot be read as {'JSON' if is_json else 'YAML'}: {exc}") from exc
    if not isinstance(data, dict):
        raise SchemeError(f"{path}: expected a mapping (key: value) at the top level")
    return data


def score_spec(path: str | Path, *, normalize_weights: bool = False) -> ScoreSpec:
    """A :class:`~jingjin.engines.scoring.ScoreSpec` from a YAML/JSON file."""
    from jingjin.engines.errors import InputError
    from jingjin.engines.scoring import ScoreSpec

    data = load_mapping(path)
    try:
        return ScoreSpec.from_dict(data, normalize_weights=True if normalize_weights else None)
    except InputError as exc:
        raise SchemeError(f"{path}: {exc}") from exc


def land_scheme(name_or_path: str, *, normalize_weights: bool = False) -> LandScheme:
    """A built-in scheme by name (``huangyan-2022``, ``huangyan-2021``, ``sichuan-2020``) or a YAML file."""
    from jingjin.engines.errors import InputError
    from jingjin.engines.land import LandScheme

    if name_or_path in LAND_SCHEMES:
        path = tables_dir() / f"land_{name_or_path}.yaml"
    else:
        path = Path(name_or_path)
        if not path.is_file():
            raise SchemeError(
                f"{name_or_path}: neither a built-in scheme ({', '.join(sorted(LAND_SCHEMES))}) nor a file"
            )
    data = load_mapping(path)
    try:
        return LandScheme.from_dict(data, normalize_weights=True if normalize_weights else None)
    except InputError as exc:
        raise SchemeError(f"{path}: {exc}") from exc


def admission_thresholds(path: str | Path | None = None) -> tuple[pl.DataFrame, AdmissionRules]:
    """Standard-land thresholds and decision rules.

    ``None`` gives the built-in 隆昌市内荣工业园 table. A ``.yaml``/``.json`` file has
    ``thresholds`` (a list of rows) and optional ``rules``; a ``.csv``/``.parquet``/``.xlsx``
    file is the table itself and uses the default rules.
    """
    from jingjin.engines.errors import InputError
    from jingjin.engines.land import AdmissionRules

    path = tables_dir() / f"admission_{DEFAULT_THRESHOLDS}.yaml" if path is None else Path(path)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        data = load_mapping(path)
        rows = data.get("thresholds")
        if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
            raise SchemeError(f"{path}: 'thresholds' must be a non-empty list of rows")
        try:
            table = pl.DataFrame(rows, infer_schema_length=None)
            rules = AdmissionRules.from_dict(data.get("rules"))
        except InputError as exc:
            raise SchemeError(f"{path}: {exc}") from exc
        except (TypeError, ValueError, pl.exceptions.PolarsError) as exc:
            raise SchemeError(f"{path}: the thresholds cannot form a table: {exc}") from exc
        return table, rules
    try:
        return read_table(path), AdmissionRules()
    except SchemeError:
        raise
    except TableError as exc:
        raise SchemeError(str(exc)) from exc
