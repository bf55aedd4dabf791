"""The evaluation kinds (评价类型) and their options: the command line's options, checked before a
job is queued.

Each kind (``air-aqi``, ``air-daily``, ``air-annual``, ``water``, ``score``, ``land``, ``admit``,
``allocate``) lists its options with the command line's names (``--time-column`` → ``time_column``),
types, choices and defaults. :func:`clean_options` checks a JSON object of options against them —
unknown names, wrong types, choices, required options, and the command line's own checks
(:mod:`jingjin.engine_runs`) — and gives the complete options with the defaults filled in, or raises
:class:`OptionsError` naming the option. A spec, scheme or thresholds given as a JSON object is
checked here too (the engine's message), so that a bad one is refused before anything is queued.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from jingjin import engine_runs as runs
from jingjin.commands._io import LAND_SCHEMES
from jingjin.core.texts import text_problem

#: the types of options: one of ``choices``; a text (a column name); a finite number; a yes/no flag;
#: a JSON object (a scoring spec, admission thresholds); a built-in land scheme's name or a JSON object
CHOICE, TEXT, NUMBER, FLAG, MAPPING, SCHEME = "choice", "text", "number", "flag", "mapping", "scheme"
TEXT_MAX = 200


class OptionsError(ValueError):
    """An option is not acceptable: ``option`` is its name (or "" for the object), the message says why."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"{option}: {message}" if option else message)
        self.option = option
        self.detail = message


@dataclass(frozen=True)
class Option:
    """One option of an evaluation: its name as the API and ``params["options"]`` spell it, its type,
    whether it is required, its default, its choices and a label and help for the form."""

    name: str
    type: str
    label: Any
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    help: Any = ""


@dataclass(frozen=True)
class Evaluation:
    """An evaluation kind: code, label, description, the command line it equals, the input's
    columns, its options and the checks of the options that need no data."""

    code: str
    label: Any
    description: Any
    command: str
    columns: Any
    options: tuple[Option, ...]
    check: Callable[[dict[str, Any]], None] = lambda options: None

    def option(self, name: str) -> Option | None:
        return next((o for o in self.options if o.name == name), None)


def _invalid_option() -> Option:
    return Option(
        "invalid",
        CHOICE,
        _("Invalid values"),
        default="raise",
        choices=runs.INVALID_CHOICES,
        help=_("raise: stop with an error; skip: mark negative or non-numeric values missing and count them"),
    )


def _hour_label() -> Option:
    return Option(
        "hour_label",
        CHOICE,
        _("Hour label"),
        default="start",
        choices=runs.HOUR_LABELS,
        help=_("whether a time names the start or the end of its hour (the national platform: end)"),
    )


def _check_aqi(o: dict[str, Any]) -> None:
    runs.aqi_check(
        standard=o["standard"],
        report=o["report"],
        time_column=o["time_column"],
        hour_label=o["hour_label"],
        flag=runs.api_flag,
    )


def _check_water(o: dict[str, Any]) -> None:
    runs.water_check(
        waterbody=o["waterbody"],
        waterbody_column=o["waterbody_column"],
        missing_flag_suffix=o["missing_flag_suffix"],
        flag=runs.api_flag,
    )


def _check_allocate(o: dict[str, Any]) -> None:
    runs.allocate_check(
        gap=o["gap"], time_limit=o["time_limit"], leading_bonus=o["leading_bonus"], flag=runs.api_flag
    )


def _check_score(o: dict[str, Any]) -> None:
    score_spec(o)


def _check_land(o: dict[str, Any]) -> None:
    land_scheme(o)


def _check_admit(o: dict[str, Any]) -> None:
    admission(o)


def score_spec(options: Mapping[str, Any]) -> Any:
    """The :class:`~jingjin.engines.scoring.ScoreSpec` of the options (``spec``, ``normalize_weights``)."""
    from jingjin.engines.scoring import InputError, ScoreSpec

    try:
        return ScoreSpec.from_dict(
            options["spec"], normalize_weights=True if options.get("normalize_weights") else None
        )
    except InputError as exc:
        raise OptionsError("spec", str(exc)) from exc


def land_scheme(options: Mapping[str, Any]) -> Any:
    """The :class:`~jingjin.engines.land.LandScheme`: a built-in scheme by name, or a JSON object in
    the YAML form of ``jingjin/engines/tables/land_*.yaml`` (never a file of the server)."""
    from jingjin.commands._io import SchemeError
    from jingjin.commands._io import land_scheme as builtin
    from jingjin.engines.land import LandScheme
    from jingjin.engines.scoring import InputError

    value = options["scheme"]
    normalize = bool(options.get("normalize_weights"))
    try:
        if isinstance(value, str):
            return builtin(value, normalize_weights=normalize)
        return LandScheme.from_dict(value, normalize_weights=True if normalize else None)
    except (InputError, SchemeError) as exc:
        raise OptionsError("scheme", str(exc)) from exc


def admission(options: Mapping[str, Any]) -> tuple[Any, Any]:
    """Thresholds and rules of admission: the built-in 隆昌市内荣工业园 table, or a JSON object
    ``{"thresholds": [rows], "rules": {...}}`` as the command line's YAML file."""
    import polars as pl

    from jingjin.commands._io import admission_thresholds
    from jingjin.engines.land import AdmissionRules
    from jingjin.engines.scoring import InputError

    value = options.get("thresholds")
    if value is None:
        return admission_thresholds(None)
    rows = value.get("thresholds")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise OptionsError("thresholds", "'thresholds' must be a non-empty list of rows")
    unknown = sorted(set(value) - {"thresholds", "rules"})
    if unknown:
        raise OptionsError("thresholds", f"unknown key(s): {', '.join(map(str, unknown))}")
    try:
        return pl.DataFrame(rows, infer_schema_length=None), AdmissionRules.from_dict(value.get("rules"))
    except InputError as exc:
        raise OptionsError("thresholds", str(exc)) from exc
    except (TypeError, ValueError, pl.exceptions.PolarsError) as exc:
        raise OptionsError("thresholds", f"the thresholds cannot form a table: {exc}") from exc


EVALUATIONS: dict[str, Evaluation] = {
    e.code: e
    for e in (
        Evaluation(
            "air-aqi",
            _("Air quality index"),
            _("IAQI, AQI, level, category and primary pollutants of every row (HJ 633-2012 / HJ 633-2026)."),
            "jingjin air aqi",
            "so2 no2 pm10 pm25 co o3 (daily: so2_24h … o3_8h; hourly: so2_1h … o3_1h)",
            (
                Option("standard", CHOICE, _("Standard"), required=True, choices=runs.AQI_STANDARDS),
                Option(
                    "report",
                    CHOICE,
                    _("Report"),
                    required=True,
                    choices=runs.AQI_REPORTS,
                    help=_(
                        "daily; hourly: as HJ 633-2012's text; realtime: as the national platform publishes"
                    ),
                ),
                Option(
                    "time_column",
                    TEXT,
                    _("Time column"),
                    help=_("date or time column; needed with the standard auto"),
                ),
                _hour_label(),
                _invalid_option(),
            ),
            _check_aqi,
        ),
        Evaluation(
            "air-daily",
            _("Daily air values"),
            _("Daily values per station (or city) from hourly values (HJ 663)."),
            "jingjin air daily",
            "station, time, so2_1h no2_1h pm10_1h pm25_1h co_1h o3_1h",
            (
                Option("station_column", TEXT, _("Station column"), required=True),
                Option("time_column", TEXT, _("Time column"), required=True),
                Option(
                    "city_column",
                    TEXT,
                    _("City column"),
                    help=_("give city values: the mean over the city's stations"),
                ),
                _hour_label(),
                _invalid_option(),
            ),
        ),
        Evaluation(
            "air-annual",
            _("Annual air evaluation"),
            _("Annual evaluation, good-day ratio and comprehensive index from daily values (HJ 663)."),
            "jingjin air annual",
            "date, so2_24h no2_24h pm10_24h pm25_24h co_24h o3_8h",
            (
                Option("date_column", TEXT, _("Date column"), default="date"),
                Option(
                    "group_column",
                    TEXT,
                    _("Group column"),
                    help=_("station or city column (empty: the whole file is one area)"),
                ),
                _invalid_option(),
            ),
        ),
        Evaluation(
            "water",
            _("Surface water class"),
            _("Water class of every sample by the single-factor method (GB 3838-2002)."),
            "jingjin water classify",
            "ph do codmn cod bod5 nh3_n tp tn …",
            (
                Option(
                    "waterbody",
                    CHOICE,
                    _("Water body type"),
                    choices=runs.WATERBODIES,
                    help=_("the type of every row (lakes and reservoirs: lake)"),
                ),
                Option(
                    "waterbody_column",
                    TEXT,
                    _("Water body type column"),
                    help=_("column with each row's type: river, lake, reservoir (河流, 湖泊, 水库)"),
                ),
                Option("items", CHOICE, _("Items"), default="routine", choices=runs.WATER_ITEMS),
                Option(
                    "missing_flag_suffix",
                    TEXT,
                    _("Quality-control flag suffix"),
                    help=_("e.g. _flag: a value whose flag column is not empty is left out"),
                ),
                _invalid_option(),
            ),
            _check_water,
        ),
        Evaluation(
            "score",
            _("Composite score"),
            _("Composite scores, ranks and classes of every row under a spec (weighted sum or TOPSIS)."),
            "jingjin score",
            _("the columns the spec names"),
            (
                Option(
                    "spec",
                    MAPPING,
                    _("Scoring spec"),
                    required=True,
                    help=_("YAML or JSON: criteria, weights, method, classes … (docs/engines/scoring.md)"),
                ),
                Option("explain", FLAG, _("Add each criterion's contribution"), default=False),
                Option(
                    "normalize_weights",
                    FLAG,
                    _("Rescale weights that do not sum to the total"),
                    default=False,
                ),
            ),
            _check_score,
        ),
        Evaluation(
            "land",
            _("Per-mu evaluation of firms"),
            _("Per-mu benefit evaluation of firms: indicators, points, score, rank and class (亩均效益)."),
            "jingjin land evaluate",
            "enterprise_id land_mu tax_10k revenue_10k value_added_10k energy_tce emissions_t employees "
            "rd_10k",
            (
                Option(
                    "scheme",
                    SCHEME,
                    _("Scheme"),
                    required=True,
                    choices=tuple(sorted(LAND_SCHEMES)),
                    help=_("a built-in scheme, or (API) a scheme as a JSON object"),
                ),
                Option("no_items", FLAG, _("Leave out the item point columns"), default=False),
                Option(
                    "normalize_weights",
                    FLAG,
                    _("Rescale weights that do not sum to the total"),
                    default=False,
                ),
            ),
            _check_land,
        ),
        Evaluation(
            "admit",
            _("Admission of projects"),
            _(
                "Admission of new projects on standard land: encouraged, restricted or prohibited, "
                "with reasons."
            ),
            "jingjin land admit",
            "project_id park industry land_mu investment_10k tax_10k output_10k",
            (
                Option(
                    "thresholds",
                    MAPPING,
                    _("Thresholds"),
                    help=_("empty: the built-in table; or YAML/JSON with thresholds (rows) and rules"),
                ),
            ),
            _check_admit,
        ),
        Evaluation(
            "allocate",
            _("Quota allocation"),
            _("Projects chosen within the land, energy and environmental quotas (MILP, HiGHS)."),
            "jingjin allocate",
            "project_id benefit land_mu energy_tce env_units (leading must exclude)",
            (
                Option("land", NUMBER, _("Land quota (mu)"), required=True),
                Option("energy", NUMBER, _("Energy quota (tce)"), required=True),
                Option("env", NUMBER, _("Environmental quota"), required=True),
                Option("leading_bonus", NUMBER, _("Leading bonus"), default=0.0),
                Option("partial", FLAG, _("Allow funding a fraction of a project"), default=False),
                Option("gap", NUMBER, _("Relative MIP gap"), default=1e-4),
                Option("time_limit", NUMBER, _("Time limit (s)")),
            ),
            _check_allocate,
        ),
    )
}


def find(kind: str) -> Evaluation | None:
    return EVALUATIONS.get(kind)


def _clean_value(option: Option, value: Any) -> Any:
    name = option.name
    if option.type == CHOICE:
        if value not in option.choices:
            raise OptionsError(name, f"must be one of {', '.join(option.choices)}, got {value!r}")
        return value
    if option.type == TEXT:
        if not isinstance(value, str):
            raise OptionsError(name, "must be a text (a column name)")
        value = value.strip()
        problem = text_problem(value, label=name, max_length=TEXT_MAX)
        if problem:
            raise OptionsError(name, problem)
        return value or None
    if option.type == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise OptionsError(name, f"must be a number, got {value!r}")
        if not math.isfinite(value):
            raise OptionsError(name, f"must be a finite number, got {value!r}")
        return float(value)
    if option.type == FLAG:
        if not isinstance(value, bool):
            raise OptionsError(name, f"must be true or false, got {value!r}")
        return value
    if option.type == MAPPING:
        if not isinstance(value, dict):
            raise OptionsError(name, "must be a JSON object")
        return value
    # SCHEME
    if isinstance(value, str):
        if value not in option.choices:
            raise OptionsError(
                name, f"must be one of {', '.join(option.choices)} or a JSON object, got {value!r}"
            )
        return value
    if not isinstance(value, dict):
        raise OptionsError(name, f"must be one of {', '.join(option.choices)} or a JSON object")
    return value


def clean_options(kind: str, raw: Any) -> dict[str, Any]:
    """The options of an evaluation of ``kind``, checked, with every option present (defaults
    filled in; None for an optional option left out). Raises :class:`OptionsError`."""
    evaluation = EVALUATIONS.get(kind)
    if evaluation is None:
        raise OptionsError("", f"unknown evaluation kind {kind!r}")
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise OptionsError("", "must be a JSON object")
    allowed = {o.name for o in evaluation.options}
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise OptionsError(
            unknown[0], f"unknown option for {kind}; the options are {', '.join(sorted(allowed)) or '(none)'}"
        )
    cleaned: dict[str, Any] = {}
    for option in evaluation.options:
        value = raw.get(option.name)
        if value is None or (option.type in (TEXT, CHOICE) and value == ""):
            if option.required:
                raise OptionsError(option.name, "is required")
            cleaned[option.name] = option.default
            continue
        cleaned[option.name] = _clean_value(option, value)
        if option.required and cleaned[option.name] is None:
            raise OptionsError(option.name, "is required")
    try:
        evaluation.check(cleaned)
    except runs.OptionError as exc:
        raise OptionsError(exc.option, str(exc)) from exc
    return cleaned
