"""The engine runs shared by the command line and the web's evaluation jobs (评价任务).

``jingjin air aqi``, ``air daily``, ``air annual``, ``water classify``, ``score``, ``land
evaluate``, ``land admit`` and ``allocate`` and the job kinds of :mod:`jingjin.evaluations` call
the same functions here, so that a table evaluated in the browser or through the API is the table
the command line writes:

* ``<run>_check(...)`` validates the options that need no data (e.g. ``--standard auto`` needs
  ``--time-column``) and raises :class:`OptionError` naming the option. ``flag`` spells an option
  name the way its caller shows it: ``--time-column`` on the command line (:func:`cli_flag`),
  ``time_column`` in the API (:func:`api_flag`).
* ``<run>_run(frame, ...)`` calls the engine and gives a :class:`Run`: the result table, a JSON
  summary and the count of invalid cells marked missing (``invalid="skip"``). A frame without
  data rows is refused the same way by every run (:func:`jingjin.engines.errors.require_rows`).
  The engines' one error, :class:`jingjin.engines.errors.InputError`, goes through to the
  caller, which shows its message (rows and columns named); the command line exits with
  status 2.

Nothing here imports Django (the engine commands start fast and run without settings).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

import polars as pl

from jingjin.engines.errors import require_rows

if TYPE_CHECKING:
    from jingjin.engines.land import AdmissionRules, LandScheme
    from jingjin.engines.scoring import ScoreSpec

Flag = Callable[[str], str]
Invalid = Literal["raise", "skip"]
HourLabel = Literal["start", "end"]

AQI_STANDARDS = ("HJ633-2012", "HJ633-2026", "auto")
AQI_REPORTS = ("daily", "hourly", "realtime")
HOUR_LABELS = ("start", "end")
INVALID_CHOICES = ("raise", "skip")
WATERBODIES = ("river", "lake")
WATER_ITEMS = ("routine", "all")


def cli_flag(name: str) -> str:
    """``time_column`` → ``--time-column`` (the command line's spelling)."""
    return "--" + name.replace("_", "-")


def api_flag(name: str) -> str:
    """``time_column`` → ``time_column`` (the API's and the web form's spelling)."""
    return name


class OptionError(ValueError):
    """An option is not acceptable; ``option`` is its name (``time_column``), the message says why."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class Run:
    """What an engine run gives: the table the command writes, a JSON summary, and the invalid
    cells marked missing by column (``invalid="skip"``)."""

    table: pl.DataFrame
    summary: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# Air (HJ 633, HJ 663)


def aqi_check(*, standard: str, report: str, time_column: str | None, hour_label: str, flag: Flag) -> None:
    if standard == "auto" and not time_column:
        raise OptionError(
            "time_column",
            f"{flag('standard')} auto picks the standard by date and needs {flag('time_column')}",
        )
    if hour_label == "end" and report == "daily":
        raise OptionError(
            "hour_label",
            f"{flag('hour_label')} end applies to hourly and realtime reports; a daily report is dated "
            "by its day",
        )


def aqi_run(
    frame: pl.DataFrame,
    *,
    standard: str,
    report: str,
    time_column: str | None,
    hour_label: str,
    invalid: str,
    source: str,
    flag: Flag,
) -> Run:
    """IAQI, AQI, level, category and primary pollutants per row (``jingjin air aqi``)."""
    from jingjin.engines.air import aqi_with_counts

    require_rows(frame.height)
    if time_column and time_column not in frame.columns:
        raise OptionError("time_column", f"{flag('time_column')} {time_column!r} is not a column of {source}")
    result, counts = aqi_with_counts(
        frame,
        standard=standard,
        report=report,
        time_column=time_column if standard == "auto" else None,
        hour_label=cast(HourLabel, hour_label),
        invalid=cast(Invalid, invalid),
    )
    return Run(result, {"rows": frame.height, "skipped": dict(counts)}, dict(counts))


def daily_run(
    frame: pl.DataFrame,
    *,
    station_column: str,
    time_column: str,
    city_column: str | None,
    hour_label: str,
    invalid: str,
) -> Run:
    """Daily values per station (or city) from hourly values (``jingjin air daily``)."""
    from jingjin.engines.air import daily
    from jingjin.engines.air._input import invalid_counts
    from jingjin.engines.air.aggregate import HOURLY_COLUMNS

    require_rows(frame.height)
    result = daily(
        frame,
        station_column=station_column,
        time_column=time_column,
        city_column=city_column,
        hour_label=cast(HourLabel, hour_label),
        invalid=cast(Invalid, invalid),
    )
    counts = invalid_counts(frame, HOURLY_COLUMNS) if invalid == "skip" else {}
    return Run(result, {"hours": frame.height, "rows": result.height, "skipped": dict(counts)}, dict(counts))


def annual_run(frame: pl.DataFrame, *, date_column: str, group_column: str | None, invalid: str) -> Run:
    """Annual evaluation (HJ 663), good-day ratio and comprehensive index (``jingjin air annual``)."""
    from jingjin.engines.air import annual
    from jingjin.engines.air._input import invalid_counts
    from jingjin.engines.air.aggregate import DAILY_COLUMNS

    require_rows(frame.height)
    result = annual(frame, date_column=date_column, group_column=group_column, invalid=cast(Invalid, invalid))
    counts = invalid_counts(frame, DAILY_COLUMNS) if invalid == "skip" else {}
    return Run(result, {"days": frame.height, "rows": result.height, "skipped": dict(counts)}, dict(counts))


# --------------------------------------------------------------------------------------------
# Water (GB 3838-2002)


def water_check(
    *, waterbody: str | None, waterbody_column: str | None, missing_flag_suffix: str | None, flag: Flag
) -> None:
    if waterbody is None and waterbody_column is None:
        raise OptionError(
            "waterbody",
            f"give the water body type: {flag('waterbody')} river|lake, or {flag('waterbody_column')} COL",
        )
    if missing_flag_suffix is not None and not missing_flag_suffix.strip():
        raise OptionError("missing_flag_suffix", f"{flag('missing_flag_suffix')} must not be empty")


def water_run(
    frame: pl.DataFrame,
    *,
    waterbody: str | None,
    waterbody_column: str | None,
    items: str,
    invalid: str,
    missing_flag_suffix: str | None,
) -> Run:
    """Water class per sample, single-factor method (``jingjin water classify``)."""
    from jingjin.engines.water import classify_with_counts

    require_rows(frame.height)
    result, counts = classify_with_counts(
        frame,
        waterbody=waterbody,
        items=items,
        invalid=cast(Invalid, invalid),
        waterbody_column=waterbody_column,
        missing_flag_suffix=missing_flag_suffix,
    )
    summary: dict[str, Any] = {"rows": frame.height, "skipped": dict(counts)}
    if "class" in result.columns:
        values = result.get_column("class").drop_nulls().cast(pl.String).value_counts()
        summary["classes"] = dict(sorted((str(k), int(v)) for k, v in values.iter_rows()))
    return Run(result, summary, dict(counts))


# --------------------------------------------------------------------------------------------
# Scoring, per-mu evaluation, admission, allocation


def score_run(frame: pl.DataFrame, spec: ScoreSpec, *, explain: bool) -> Run:
    """Composite scores, ranks and classes under a spec (``jingjin score``)."""
    from jingjin.engines.scoring import score_details

    require_rows(frame.height)
    result, details = score_details(frame, spec, explain=explain)
    summary: dict[str, Any] = {
        "rows": frame.height,
        "method": spec.method,
        "weights": spec.weights,
        "weight_values": details.weights,
    }
    if spec.classes is not None:
        counts = result.get_column("class").drop_nulls().value_counts()
        summary["classes"] = dict(sorted((str(k), int(v)) for k, v in counts.iter_rows()))
    return Run(result, summary)


def land_run(frame: pl.DataFrame, scheme: LandScheme, *, items: bool) -> Run:
    """Per-mu evaluation of firms (``jingjin land evaluate``)."""
    from jingjin.engines.land import evaluate

    require_rows(frame.height)
    result = evaluate(frame, scheme, explain=items)
    summary: dict[str, Any] = {
        "scheme": scheme.name,
        "firms": frame.height,
        "evaluated": int(result.get_column("score").is_not_null().sum()),
    }
    if "class" in result.columns:
        counts = result.get_column("class").drop_nulls().value_counts(sort=True)
        summary["classes"] = dict(sorted((str(k), int(v)) for k, v in counts.iter_rows()))
    return Run(result, summary)


def admit_run(frame: pl.DataFrame, thresholds: pl.DataFrame, rules: AdmissionRules) -> Run:
    """Admission of new projects on standard land (``jingjin land admit``)."""
    from jingjin.engines.land import admit

    require_rows(frame.height)
    result = admit(frame, thresholds, rules)
    counts = result.get_column("admission").value_counts(sort=True)
    return Run(
        result, {"projects": frame.height, "admission": {str(k): int(v) for k, v in counts.iter_rows()}}
    )


def allocate_check(*, gap: float, time_limit: float | None, leading_bonus: float, flag: Flag) -> None:
    if not 0 < gap < 1:
        raise OptionError("gap", f"{flag('gap')} must be between 0 and 1, got {gap:g}")
    if time_limit is not None and time_limit <= 0:
        raise OptionError("time_limit", f"{flag('time_limit')} must be > 0 seconds, got {time_limit:g}")
    if leading_bonus < 0:
        raise OptionError("leading_bonus", f"{flag('leading_bonus')} must be ≥ 0, got {leading_bonus:g}")


def allocate_run(
    frame: pl.DataFrame,
    *,
    land: float,
    energy: float,
    env: float,
    leading_bonus: float,
    partial: bool,
    gap: float,
    time_limit: float | None,
) -> Run:
    """Projects chosen within the land, energy and environmental quotas (``jingjin allocate``)."""
    from jingjin.engines.allocation import allocate_table

    require_rows(frame.height)
    result, summary = allocate_table(
        frame,
        land=land,
        energy=energy,
        env=env,
        leading_bonus=leading_bonus,
        partial=partial,
        gap=gap,
        time_limit=time_limit,
    )
    return Run(result, dict(summary))
