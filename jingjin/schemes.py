"""Loading scoring specs, per-mu schemes and admission thresholds from files.

The engines (:mod:`jingjin.engines.scoring`, :mod:`jingjin.engines.land`) take plain
dicts and DataFrames and never touch files; this module reads YAML/JSON spec files, the
built-in schemes in ``jingjin/engines/tables`` and threshold tables (.yaml, .csv, .parquet,
.xlsx), and turns them into the structures the engines accept. Errors are
:class:`SchemeError` with a message naming the file and the key or row.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import yaml

import jingjin.engines
from jingjin.engines.land import AdmissionRules, LandScheme
from jingjin.engines.scoring import InputError, ScoreSpec
from jingjin.tabular import TableError, read_table

TABLES = Path(jingjin.engines.__file__).parent / "tables"
LAND_SCHEMES = {"huangyan-2022", "huangyan-2021", "sichuan-2020"}
DEFAULT_THRESHOLDS = "longchang-2022"


class SchemeError(ValueError):
    """A spec, scheme or threshold file cannot be used; the message says which and why."""


def load_mapping(path: str | Path) -> dict[str, Any]:
    """Read a YAML or JSON file whose top level is a mapping."""
    path = Path(path)
    if not path.is_file():
        raise SchemeError(f"{path}: no such file")
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise SchemeError(
            f"{path}: cannot be read as {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}"
        ) from exc
    if not isinstance(data, dict):
        raise SchemeError(f"{path}: expected a mapping (key: value) at the top level")
    return data


def score_spec(path: str | Path, *, normalize_weights: bool = False) -> ScoreSpec:
    """A :class:`~jingjin.engines.scoring.ScoreSpec` from a YAML/JSON file."""
    data = load_mapping(path)
    try:
        return ScoreSpec.from_dict(data, normalize_weights=True if normalize_weights else None)
    except InputError as exc:
        raise SchemeError(f"{path}: {exc}") from exc


def land_scheme(name_or_path: str, *, normalize_weights: bool = False) -> LandScheme:
    """A built-in scheme by name (``huangyan-2022``, ``huangyan-2021``, ``sichuan-2020``) or a YAML file."""
    if name_or_path in LAND_SCHEMES:
        path = TABLES / f"land_{name_or_path}.yaml"
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
    path = TABLES / f"admission_{DEFAULT_THRESHOLDS}.yaml" if path is None else Path(path)
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
    except TableError as exc:
        raise SchemeError(str(exc)) from exc


# ---------------------------------------------------------------------------------------
# helpers for the engine commands (jingjin score / land / allocate)
# ---------------------------------------------------------------------------------------

ROWS_NOTE = "rows are data rows counted from 1 below the header, i.e. spreadsheet row = data row + 1"


def user_message(exc: Exception) -> str:
    """The message of an input error, with the row convention spelled out when rows are named."""
    text = str(exc)
    return f"{text} ({ROWS_NOTE})" if "data row" in text else text


def read_input(path: str | Path) -> pl.DataFrame:
    """Read the input table; raise :class:`SchemeError` with a readable message."""
    try:
        return read_table(path)
    except TableError as exc:
        raise SchemeError(str(exc)) from exc


def check_output(path: str | Path) -> Path:
    """Refuse an output path of an unsupported type before any work is done."""
    path = Path(path)
    if path.suffix.lower() not in (".csv", ".parquet", ".xlsx"):
        raise SchemeError(
            f"{path}: unsupported output type {path.suffix or '(none)'}; use .csv, .parquet or .xlsx"
        )
    return path


def write_output(frame: pl.DataFrame, path: str | Path) -> None:
    """Write ``frame`` to ``path`` through a temporary file, so a failed write leaves nothing behind."""
    from jingjin.tabular import write_table

    path = check_output(path)
    partial = path.with_name(f".{path.stem}.partial{path.suffix}")
    try:
        write_table(frame, partial)
        partial.replace(path)
    except (TableError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise SchemeError(f"{path}: cannot be written: {exc}") from exc
