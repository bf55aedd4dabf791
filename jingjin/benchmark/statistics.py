"""Benchmark data (对标数据): the bundled statistics, the indicator catalogue, peer groups, user files.

No Django: used by ``jingjin benchmark`` and by the benchmark app's import. Everything the
comparison engine (:mod:`jingjin.engines.benchmark`) needs comes from here:

- :func:`load_catalogue` — the indicator catalogue (``data/benchmark/catalogue.yaml``) as
  :class:`Indicator` records; :func:`directions`, :func:`growth_kinds` and
  :func:`comparable_from` turn it into the engine's keyword arguments (all three at once:
  :func:`engine_options`).
- :func:`load_peer_groups` — the named peer groups (``data/benchmark/peer_groups.yaml``).
- :func:`read_statistics` — a user file (.csv, .parquet, .xlsx) or the word ``builtin``
  (the bundled ``data/benchmark/sichuan_cities.csv``), checked against the catalogue.
- :func:`statistics_errors` / :func:`validate_statistics` — the same checks on a DataFrame
  already read (every error, or the first ones in an exception).

Rows in messages are *data rows counted from 1 below the header*: data row 1 is the first row
under the column names, which a spreadsheet shows as row 2; messages say both.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from jingjin.commands._io import TableError, read_table
from jingjin.core import bounds
from jingjin.i18n import Msg, _

BENCHMARK_DIR = Path(__file__).resolve().parent.parent / "data" / "benchmark"
BUILTIN_DATA = BENCHMARK_DIR / "sichuan_cities.csv"
CATALOGUE_FILE = BENCHMARK_DIR / "catalogue.yaml"
PEER_GROUPS_FILE = BENCHMARK_DIR / "peer_groups.yaml"
BUILTIN = "builtin"

REQUIRED_COLUMNS = ("city", "year", "indicator", "value", "unit")
OPTIONAL_COLUMNS = ("source",)
MAX_LISTED_ERRORS = 10


class DataError(ValueError):
    """Bad benchmark data, catalogue or peer groups; the message names the file, row and column."""


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue (对标指标)."""

    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str  # "higher" | "lower": which way is better
    growth: str = "level"  # "level" (CAGR makes sense) | "rate" (growth rates, shares)
    comparable_from: int | None = None  # first year comparable with later years
    description_zh: str = ""
    description_en: str = ""


@dataclass(frozen=True)
class PeerGroup:
    """A named set of cities (对标城市组)."""

    code: str
    name_zh: str
    name_en: str
    cities: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class RowError:
    """One problem in a data file: ``row`` is the data row (1 = first row under the header)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return str(self.describe())

    def describe(self) -> Msg:
        """The error with its place, as a message a page can show in its language."""
        if not self.row and not self.column:
            return self.message if isinstance(self.message, Msg) else Msg(self.message)
        if not self.row:
            return _("column '%(column)s': %(message)s", column=self.column, message=self.message)
        return _(
            "data row %(row)s (spreadsheet row %(sheet_row)s), column '%(column)s': %(message)s",
            row=self.row,
            sheet_row=self.row + 1,
            column=self.column,
            message=self.message,
        )


# --------------------------------------------------------------------------- catalogue and groups


def _load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as exc:
        raise DataError(f"{path}: no such file") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: not valid YAML: {exc}") from exc


def load_catalogue(path: str | Path | None = None) -> dict[str, Indicator]:
    """The indicator catalogue, code → :class:`Indicator`, in the file's order.

    ``path`` defaults to the bundled ``data/benchmark/catalogue.yaml``.
    """
    path = Path(path) if path is not None else CATALOGUE_FILE
    document = _load_yaml(path)
    entries = document.get("indicators") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DataError(f"{path}: expected a mapping with a non-empty list 'indicators'")
    catalogue: dict[str, Indicator] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: indicator {number}"
        if not isinstance(entry, dict):
            raise DataError(f"{where}: expected a mapping")
        for key in ("code", "name_zh", "name_en", "unit", "direction"):
            if not str(entry.get(key) or "").strip():
                raise DataError(f"{where}: missing '{key}'")
        code = str(entry["code"]).strip()
        if code in catalogue:
            raise DataError(f"{where}: code '{code}' appears twice")
        direction = str(entry["direction"]).strip()
        if direction not in ("higher", "lower"):
            raise DataError(f"{where} ({code}): direction must be 'higher' or 'lower', not '{direction}'")
        growth = str(entry.get("growth") or "level").strip()
        if growth not in ("level", "rate"):
            raise DataError(f"{where} ({code}): growth must be 'level' or 'rate', not '{growth}'")
        start = entry.get("comparable_from")
        if start is not None and (not isinstance(start, int) or isinstance(start, bool)):
            raise DataError(f"{where} ({code}): comparable_from must be a year")
        catalogue[code] = Indicator(
            code=code,
            name_zh=str(entry["name_zh"]).strip(),
            name_en=str(entry["name_en"]).strip(),
            unit=str(entry["unit"]).strip(),
            direction=direction,
            growth=growth,
            comparable_from=start,
            description_zh=str(entry.get("description_zh") or "").strip(),
            description_en=str(entry.get("description_en") or "").strip(),
        )
    return catalogue


def directions(catalogue: dict[str, Indicator]) -> dict[str, str]:
    """indicator → "higher" | "lower", in catalogue order (the engine's ``directions``)."""
    return {code: ind.direction for code, ind in catalogue.items()}


def growth_kinds(catalogue: dict[str, Indicator]) -> dict[str, str]:
    """indicator → "level" | "rate" (the engine's ``growth``)."""
    return {code: ind.growth for code, ind in catalogue.items()}


def comparable_from(catalogue: dict[str, Indicator]) -> dict[str, int]:
    """indicator → first comparable year, for the indicators that have one."""
    return {code: ind.comparable_from for code, ind in catalogue.items() if ind.comparable_from is not None}


def engine_options(catalogue: dict[str, Indicator]) -> dict[str, Any]:
    """The catalogue keywords of :func:`jingjin.engines.benchmark.compare` in one mapping.

    ``compare(data, focus=…, year=…, peers=…, **engine_options(catalogue))`` passes
    ``directions``, ``growth`` and ``comparable_from``.
    """
    return {
        "directions": directions(catalogue),
        "growth": growth_kinds(catalogue),
        "comparable_from": comparable_from(catalogue),
    }


def load_peer_groups(path: str | Path | None = None) -> dict[str, PeerGroup]:
    """The named peer groups, code → :class:`PeerGroup`, in the file's order.

    ``path`` defaults to the bundled ``data/benchmark/peer_groups.yaml``.
    """
    path = Path(path) if path is not None else PEER_GROUPS_FILE
    document = _load_yaml(path)
    entries = document.get("groups") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise DataError(f"{path}: expected a mapping with a non-empty list 'groups'")
    groups: dict[str, PeerGroup] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: group {number}"
        if not isinstance(entry, dict):
            raise DataError(f"{where}: expected a mapping")
        code = str(entry.get("code") or "").strip()
        cities = entry.get("cities")
        if not code or not isinstance(cities, list) or not cities:
            raise DataError(f"{where}: needs a 'code' and a non-empty list 'cities'")
        if code in groups:
            raise DataError(f"{where}: code '{code}' appears twice")
        groups[code] = PeerGroup(
            code=code,
            name_zh=str(entry.get("name_zh") or code).strip(),
            name_en=str(entry.get("name_en") or code).strip(),
            cities=tuple(dict.fromkeys(str(c).strip() for c in cities)),
            note=" ".join(str(entry.get("note") or "").split()),
        )
    return groups


# --------------------------------------------------------------------------- statistics


def unit_key(unit: str) -> str:
    """A unit as compared with the catalogue: NFKC-normalised, without spaces, case-folded.

    So ``µg/m³`` (micro sign, superscript three) equals ``μg/m3`` and ``ug/m3`` does not.
    """
    return "".join(unicodedata.normalize("NFKC", unit).split()).casefold()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


#: the longest city, unit and source a statistics row may have (the database's fields)
TEXT_MAX = {"city": 60, "indicator": 64, "unit": 40, "source": 2000}


def _year(value: object) -> int | None:
    """A whole number from a cell (an int, a whole float or a text of one), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = _text(value)
    try:
        number = float(text) if len(text) <= 40 else math.nan
    except ValueError:
        return None
    if not math.isfinite(number) or not number.is_integer():
        return None
    return int(number)


def _number(value: object) -> float | None:
    """A float from a cell (a number or a numeric text), or None; bounds are checked by the caller."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an int beyond the float range
            return math.inf
    try:
        return float(_text(value))
    except ValueError:
        return None


def statistics_errors(
    frame: pl.DataFrame, catalogue: dict[str, Indicator]
) -> tuple[pl.DataFrame, list[RowError]]:
    """Check long-format statistics against the catalogue; return the clean rows and every error.

    Checks, row by row (rows are data rows, 1 = the first row under the header): the columns
    city, year, indicator, value and unit exist (source is optional); city and indicator are
    not empty; the year is an integer; the indicator is in the catalogue; the value is a
    finite number (an empty value is an error: a missing value is an absent row); the unit
    agrees with the catalogue after :func:`unit_key` (an empty unit takes the catalogue's);
    a city-year-indicator repeated with a different value is an error, repeated with the same
    value it is kept once.

    Returns
    -------
    (polars.DataFrame, list of RowError)
        The clean rows — city (str), year (i64), indicator (str), value (f64), unit (str, the
        catalogue's spelling), source (str or null), row (i64, the data row) — and the errors
        in row order. When the list is not empty the frame holds only the rows without error.
    """
    names = {str(c).strip().lower(): c for c in frame.columns}
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        listed = ", ".join(str(c) for c in frame.columns)
        return _empty_statistics(), [
            RowError(0, c, _("missing column (the file has: %(columns)s)", columns=listed)) for c in missing
        ]
    columns = {c: frame.get_column(names[c]).to_list() for c in REQUIRED_COLUMNS}
    sources = frame.get_column(names["source"]).to_list() if "source" in names else [None] * frame.height
    errors: list[RowError] = []
    seen: dict[tuple[str, int, str], tuple[int, float]] = {}
    clean: list[tuple[str, int, str, float, str, str | None, int]] = []
    known = ", ".join(catalogue)
    for index in range(frame.height):
        row = index + 1
        row_errors: list[RowError] = []
        city = _text(columns["city"][index])
        if not city:
            row_errors.append(RowError(row, "city", _("empty city")))
        year, found = _check_year(row, columns["year"][index])
        row_errors += found
        code = _text(columns["indicator"][index])
        indicator, found = _check_indicator(row, code, catalogue, known)
        row_errors += found
        value, found = _check_value(row, columns["value"][index])
        row_errors += found
        unit = _text(columns["unit"][index])
        row_errors += _check_unit(row, unit, indicator, code)
        source = _text(sources[index])
        for column, text in (("city", city), ("unit", unit), ("source", source)):
            problem = bounds.text_problem(text, max_length=TEXT_MAX[column])
            if problem is not None:
                row_errors.append(RowError(row, column, problem))
        if row_errors:
            errors.extend(row_errors)
            continue
        assert year is not None and value is not None and indicator is not None
        key = (city, year, code)
        if key in seen:
            first_row, first_value = seen[key]
            if first_value != value:
                errors.append(
                    RowError(
                        row,
                        "value",
                        _(
                            "%(city)s %(year)s %(code)s is also in data row %(first)s with a different "
                            "value (%(there)s there, %(here)s here)",
                            city=city,
                            year=year,
                            code=code,
                            first=first_row,
                            there=f"{first_value:g}",
                            here=f"{value:g}",
                        ),
                    )
                )
            continue
        seen[key] = (row, value)
        clean.append((city, year, code, value, indicator.unit, source or None, row))
    result = pl.DataFrame(clean, schema=_STATISTICS_SCHEMA, orient="row") if clean else _empty_statistics()
    return result, errors


_STATISTICS_SCHEMA = {
    "city": pl.String,
    "year": pl.Int64,
    "indicator": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "source": pl.String,
    "row": pl.Int64,
}


def _empty_statistics() -> pl.DataFrame:
    return pl.DataFrame(schema=_STATISTICS_SCHEMA)


def errors_messages(errors: list[RowError]) -> list[Msg]:
    """The first :data:`MAX_LISTED_ERRORS` errors, and a count of the rest, as messages a page
    shows in its language (:func:`jingjin.i18n.translated`)."""
    lines = [error.describe() for error in errors[:MAX_LISTED_ERRORS]]
    if len(errors) > MAX_LISTED_ERRORS:
        lines.append(_("… and %(count)s more error(s)", count=len(errors) - MAX_LISTED_ERRORS))
    return lines


def errors_text(errors: list[RowError], *, name: str = "") -> str:
    """The first :data:`MAX_LISTED_ERRORS` errors, one per line, with a count of the rest."""
    prefix = f"{name}: " if name else ""
    lines: list[str] = []
    for error in errors[:MAX_LISTED_ERRORS]:
        text = str(error)
        lines.append(prefix + text)
    if len(errors) > MAX_LISTED_ERRORS:
        lines.append(f"… and {len(errors) - MAX_LISTED_ERRORS} more error(s)")
    return "\n".join(lines)


def validate_statistics(
    frame: pl.DataFrame, catalogue: dict[str, Indicator], *, name: str = ""
) -> pl.DataFrame:
    """:func:`statistics_errors`, raising :class:`DataError` (first errors listed) if any."""
    clean, errors = statistics_errors(frame, catalogue)
    if errors:
        raise DataError(errors_text(errors, name=name))
    return clean


def read_statistics(path: str | Path, catalogue: dict[str, Indicator] | None = None) -> pl.DataFrame:
    """Read and check a statistics file; ``"builtin"`` reads the bundled Sichuan file.

    The file is long format ``city,year,indicator,value,unit[,source]`` (.csv in UTF-8,
    .parquet or the first sheet of .xlsx). Returns the frame of :func:`statistics_errors`;
    raises :class:`DataError` naming the data rows and columns on any error.
    """
    catalogue = catalogue if catalogue is not None else load_catalogue()
    target = BUILTIN_DATA if str(path) == BUILTIN else Path(path)
    try:
        frame = read_table(target)
    except TableError as exc:
        raise DataError(str(exc)) from exc
    return validate_statistics(frame, catalogue, name=str(target))


def load_builtin(catalogue: dict[str, Indicator] | None = None) -> pl.DataFrame:
    """The bundled statistics (513 rows, 2019–2023, sources kept), checked."""
    return read_statistics(BUILTIN, catalogue)


def _check_year(row: int, raw: Any) -> tuple[int | None, list[RowError]]:
    """The year of a data row (None with the error when it is not a whole year in range)."""
    year = _year(raw)
    if year is None:
        return None, [RowError(row, "year", _("not a whole year: '%(value)s'", value=_text(raw)[:60]))]
    problem = bounds.year_problem(year)
    if problem is not None:
        return None, [RowError(row, "year", problem)]
    return year, []


def _check_indicator(
    row: int, code: str, catalogue: dict[str, Indicator], known: str
) -> tuple[Indicator | None, list[RowError]]:
    """The catalogue's indicator of ``code`` (None with the error when empty or unknown)."""
    indicator = catalogue.get(code)
    if not code:
        return None, [RowError(row, "indicator", _("empty indicator"))]
    if indicator is None:
        message = _(
            "unknown indicator '%(code)s' (the catalogue has: %(known)s)", code=code[:64], known=known
        )
        return None, [RowError(row, "indicator", message)]
    return indicator, []


def _check_value(row: int, raw: Any) -> tuple[float | None, list[RowError]]:
    """The value of a data row: a finite number in range (None with the error otherwise)."""
    value = _number(raw)
    shown = _text(raw)[:60]
    if not _text(raw):
        return value, [RowError(row, "value", _("empty value (a missing value is an absent row)"))]
    if value is None:
        return None, [RowError(row, "value", _("not a number: '%(value)s'", value=shown))]
    if not math.isfinite(value):
        return value, [RowError(row, "value", _("not a finite number: '%(value)s'", value=shown))]
    problem = bounds.STATISTIC_VALUE.problem(value)
    if problem is not None:
        return None, [RowError(row, "value", problem)]
    return value, []


def _check_unit(row: int, unit: str, indicator: Indicator | None, code: str) -> list[RowError]:
    """An error when ``unit`` contradicts the catalogue's unit of the indicator (after :func:`unit_key`)."""
    if indicator is None or not unit or unit_key(unit) == unit_key(indicator.unit):
        return []
    message = _(
        "unit '%(unit)s' contradicts the catalogue, which gives '%(expected)s' for %(code)s",
        unit=unit[:40],
        expected=indicator.unit,
        code=code,
    )
    return [RowError(row, "unit", message)]
