"""The checks of a plan file (``docs/plan-format.md``): every error with its place, nothing else.

:func:`validate` walks the nested dict of a plan file — units, mechanisms, the plan, its actions,
measures, tasks, indicators, targets and milestones — and returns every problem as a
:class:`~jingjin.plans.planfile.PlanError` whose place is a JSON path (``$.actions[0].weight``);
the import turns it into the sheet, row and column of a workbook. Numbers, years, dates and texts
are checked against the bounds of :mod:`jingjin.core.bounds`. Pure Python, no database; callers use
:func:`jingjin.plans.planfile.validate`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from jingjin.core import bounds
from jingjin.i18n import _
from jingjin.plans.planfile import (
    ACTION_CODE,
    ACTION_KEYS,
    DIRECTIONS,
    FORMAT,
    INDICATOR_KEYS,
    MEASURE_KEYS,
    MECHANISM_CODE,
    MECHANISM_KEYS,
    MILESTONE_KEYS,
    PLAN_CODE,
    PLAN_KEYS,
    REQUIRED,
    TARGET_KEYS,
    TASK_KEYS,
    UNIT_CODE,
    UNIT_KEYS,
    UNIT_KINDS,
    PlanError,
)

#: the longest text of each key (the database's field lengths); other texts: bounds.LONG_TEXT_MAX
TEXT_MAX = {
    "code": 80,
    "name_zh": 300,
    "name_en": 300,
    "city": 100,
    "unit": 40,
    "data_source": 300,
    "kind": 16,
    "direction": 16,
}


def _is_number(value: Any) -> bool:
    """A number within the database's bounds (finite, not too large: :data:`bounds.PLAN_NUMBER`)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and bounds.PLAN_NUMBER.problem(value) is None
    )


def _is_year(value: Any) -> bool:
    return bounds.year_problem(value) is None


def _parse_date(value: Any) -> date | None:
    try:
        return bounds.parse_date(value)
    except bounds.BoundError:
        return None


class _Validator:
    def __init__(self, known_units: set[str]):
        self.errors: list[PlanError] = []
        self.known_units = set(known_units)
        self.unit_kinds: dict[str, str] = {}
        self.mechanisms: set[str] = set()
        self.codes: set[str] = set()

    def error(self, place: str, message: str) -> None:
        self.errors.append(PlanError(place, message))

    def keys(self, obj: Any, place: str, allowed: tuple[str, ...]) -> bool:
        if not isinstance(obj, dict):
            self.error(place, _("must be an object, not %(type)s", type=type(obj).__name__))
            return False
        for key in obj:
            if key not in allowed:
                self.error(
                    f"{place}.{key}", _("unknown field (allowed: %(allowed)s)", allowed=", ".join(allowed))
                )
        for key in allowed:
            if key in REQUIRED and key not in obj:
                self.error(f"{place}.{key}", _("is required"))
        return True

    def text(
        self,
        obj: dict[str, Any],
        place: str,
        key: str,
        *,
        required: bool = False,
        pattern: re.Pattern[str] | None = None,
    ) -> None:
        if key not in obj:
            return
        value = obj[key]
        if not isinstance(value, str):
            self.error(f"{place}.{key}", _("must be text, not %(value)s", value=_show(value)))
            return
        problem = bounds.text_problem(value, max_length=TEXT_MAX.get(key, bounds.LONG_TEXT_MAX))
        if problem is not None:
            self.error(f"{place}.{key}", problem)
        elif required and not value.strip():
            self.error(f"{place}.{key}", _("must not be empty"))
        elif pattern is not None and not pattern.match(value):
            self.error(
                f"{place}.{key}",
                _(
                    "%(value)s is not a valid code (pattern %(pattern)s)",
                    value=repr(value),
                    pattern=pattern.pattern,
                ),
            )

    def number(self, obj: dict[str, Any], place: str, key: str, *, positive: bool = False) -> None:
        value = obj.get(key)
        if value is None:
            return
        if not isinstance(value, int | float) or isinstance(value, bool):
            self.error(f"{place}.{key}", _("must be a number, not %(value)s", value=_show(value)))
            return
        problem = (bounds.WEIGHT if positive else bounds.PLAN_NUMBER).problem(value)
        if problem is not None:
            self.error(f"{place}.{key}", problem)

    def year(self, obj: dict[str, Any], place: str, key: str) -> None:
        value = obj.get(key)
        if value is not None:
            problem = bounds.year_problem(value)
            if problem is not None:
                self.error(f"{place}.{key}", problem)

    def dates(self, obj: dict[str, Any], place: str) -> None:
        parsed: dict[str, date | None] = {}
        for key in ("start", "end"):
            value = obj.get(key)
            if value is None:
                continue
            try:
                parsed[key] = bounds.parse_date(value)
            except bounds.BoundError as exc:
                parsed[key] = None
                self.error(f"{place}.{key}", exc.message)
        start, end = parsed.get("start"), parsed.get("end")
        if start is not None and end is not None and start > end:
            self.error(
                f"{place}.end", _("%(end)s is before the start %(start)s", end=obj["end"], start=obj["start"])
            )

    def unit_ref(self, obj: dict[str, Any], place: str, key: str, *, kinds: tuple[str, ...] = ()) -> None:
        values = obj.get(key)
        many = key in {"co_units", "counties"}
        if values is None:
            return
        if many and not isinstance(values, list):
            self.error(f"{place}.{key}", _("must be a list of unit codes"))
            return
        for index, code in enumerate(values if many else [values]):
            where = f"{place}.{key}[{index}]" if many else f"{place}.{key}"
            if not isinstance(code, str):
                self.error(where, _("must be a unit code, not %(value)s", value=_show(code)))
            elif code not in self.known_units:
                self.error(where, _("unknown unit %(code)s", code=repr(code)))
            elif kinds and code in self.unit_kinds and self.unit_kinds[code] not in kinds:
                self.error(
                    where,
                    _(
                        "unit %(code)s is a %(kind)s, expected %(kinds)s",
                        code=repr(code),
                        kind=self.unit_kinds[code],
                        kinds=" or ".join(kinds),
                    ),
                )

    def code(self, obj: dict[str, Any], place: str, pattern: re.Pattern[str]) -> str | None:
        self.text(obj, place, "code", required=True, pattern=pattern)
        value = obj.get("code")
        if not isinstance(value, str) or not pattern.match(value):
            return None
        if value in self.codes:
            self.error(f"{place}.code", _("duplicate code %(code)s", code=repr(value)))
        self.codes.add(value)
        return value

    def names(self, obj: dict[str, Any], place: str) -> None:
        self.text(obj, place, "name_zh", required=True)
        self.text(obj, place, "name_en", required=True)
        for key in (
            "description_zh",
            "description_en",
            "note_zh",
            "note_en",
            "source",
            "data_source",
            "unit",
        ):
            self.text(obj, place, key)

    def node(self, obj: dict[str, Any], place: str) -> None:
        self.names(obj, place)
        self.unit_ref(obj, place, "lead_unit")
        self.unit_ref(obj, place, "co_units")
        self.number(obj, place, "weight", positive=True)
        self.dates(obj, place)

    def children(self, obj: dict[str, Any], place: str, key: str) -> list[Any]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.error(f"{place}.{key}", _("must be a list"))
            return []
        return value

    # -- the levels ---------------------------------------------------------------------------

    def run(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.error("$", _("the file must hold an object with 'plan' and 'actions'"))
            return
        self.keys(data, "$", ("format", "plan", "units", "mechanisms", "actions"))
        if "format" in data and data["format"] != FORMAT:
            self.error(
                "$.format",
                _(
                    "unsupported format %(format)s; expected %(expected)s",
                    format=repr(data["format"]),
                    expected=repr(FORMAT),
                ),
            )
        if "plan" not in data:
            self.error("$.plan", _("is required"))
        if "actions" not in data:
            self.error("$.actions", _("is required"))
        self.units(self.children(data, "$", "units"))
        for index, mechanism in enumerate(self.children(data, "$", "mechanisms")):
            place = f"$.mechanisms[{index}]"
            if self.keys(mechanism, place, MECHANISM_KEYS):
                code = self.code(mechanism, place, MECHANISM_CODE)
                self.names(mechanism, place)
                if code:
                    self.mechanisms.add(code)
        plan = data.get("plan")
        if plan is not None and self.keys(plan, "$.plan", PLAN_KEYS):
            self.text(plan, "$.plan", "code", required=True, pattern=PLAN_CODE)
            self.names(plan, "$.plan")
            self.text(plan, "$.plan", "city", required=True)
            self.year(plan, "$.plan", "start_year")
            self.year(plan, "$.plan", "end_year")
            if (
                _is_year(plan.get("start_year"))
                and _is_year(plan.get("end_year"))
                and plan["start_year"] > plan["end_year"]
            ):
                self.error("$.plan.end_year", _("is before the start year"))
        for a_index, action in enumerate(self.children(data, "$", "actions")):
            self.action(action, f"$.actions[{a_index}]")

    def units(self, units: list[Any]) -> None:
        parents: dict[str, tuple[str, Any]] = {}
        for index, unit in enumerate(units):
            place = f"$.units[{index}]"
            if not self.keys(unit, place, UNIT_KEYS):
                continue
            code = self.code(unit, place, UNIT_CODE)
            self.names(unit, place)
            if unit.get("kind") not in UNIT_KINDS:
                self.error(
                    f"{place}.kind", f"must be one of {', '.join(UNIT_KINDS)}, not {_show(unit.get('kind'))}"
                )
            if code:
                self.known_units.add(code)
                self.unit_kinds[code] = unit.get("kind", "")
                parents[code] = (place, unit.get("parent"))
        for code, (place, parent) in parents.items():
            if parent is None:
                continue
            if not isinstance(parent, str) or parent not in self.known_units:
                self.error(f"{place}.parent", _("unknown unit %(code)s", code=repr(parent)))
                continue
            seen, current = {code}, parent
            while isinstance(current, str) and current in parents and parents[current][1] is not None:
                if current in seen:
                    self.error(f"{place}.parent", _("unit %(code)s is its own ancestor", code=repr(code)))
                    break
                seen.add(current)
                current = parents[current][1]

    def action(self, action: Any, place: str) -> None:
        if not self.keys(action, place, ACTION_KEYS):
            return
        code = self.code(action, place, ACTION_CODE)
        self.node(action, place)
        for index, measure in enumerate(self.children(action, place, "measures")):
            self.measure(measure, f"{place}.measures[{index}]", code)

    def measure(self, measure: Any, place: str, parent: str | None) -> None:
        if not self.keys(measure, place, MEASURE_KEYS):
            return
        code = self.code(measure, place, re.compile(rf"^{re.escape(parent or 'A?')}\.M\d+$"))
        self.node(measure, place)
        for index, task in enumerate(self.children(measure, place, "tasks")):
            self.task(task, f"{place}.tasks[{index}]", code)

    def task(self, task: Any, place: str, parent: str | None) -> None:
        if not self.keys(task, place, TASK_KEYS):
            return
        code = self.code(task, place, re.compile(rf"^{re.escape(parent or 'A?.M?')}\.T\d+$"))
        self.node(task, place)
        self.unit_ref(task, place, "counties", kinds=("county", "park"))
        mechanisms = self.children(task, place, "mechanisms")
        for index, mechanism in enumerate(mechanisms):
            if not isinstance(mechanism, str) or mechanism not in self.mechanisms:
                self.error(
                    f"{place}.mechanisms[{index}]", _("unknown mechanism %(value)s", value=_show(mechanism))
                )
        for index, indicator in enumerate(self.children(task, place, "indicators")):
            self.indicator(indicator, f"{place}.indicators[{index}]", code)

    def indicator(self, ind: Any, place: str, parent: str | None) -> None:
        if not self.keys(ind, place, INDICATOR_KEYS):
            return
        self.code(ind, place, re.compile(rf"^{re.escape(parent or 'A?.M?.T?')}\.I\d+$"))
        self.names(ind, place)
        direction = ind.get("direction")
        if direction not in DIRECTIONS:
            self.error(
                f"{place}.direction", f"must be one of {', '.join(DIRECTIONS)}, not {_show(direction)}"
            )
        for key in ("baseline_value", "target_value", "target_min", "target_max"):
            self.number(ind, place, key)
        for key in ("baseline_year", "target_year"):
            self.year(ind, place, key)
        self.unit_ref(ind, place, "responsible_unit")
        numbers = [ind.get(k) for k in ("baseline_value", "target_value", "target_min", "target_max")]
        if direction == "milestone" and (any(v is not None for v in numbers) or ind.get("targets")):
            self.error(place, _("a milestone indicator has no numbers (baseline, targets)"))
        if direction == "range" and (ind.get("target_min") is None or ind.get("target_max") is None):
            self.error(place, _("a range indicator needs target_min and target_max"))
        if (
            _is_number(ind.get("target_min"))
            and _is_number(ind.get("target_max"))
            and ind["target_min"] > ind["target_max"]
        ):
            self.error(f"{place}.target_max", _("is below target_min"))
        last_year = None
        for index, target in enumerate(self.children(ind, place, "targets")):
            where = f"{place}.targets[{index}]"
            if not self.keys(target, where, TARGET_KEYS):
                continue
            self.year(target, where, "year")
            self.number(target, where, "value")
            year = target.get("year")
            if _is_year(year):
                if last_year is not None and year <= last_year:
                    self.error(
                        f"{where}.year",
                        _(
                            "%(year)s does not follow %(last)s: years must increase",
                            year=year,
                            last=last_year,
                        ),
                    )
                last_year = year
        for index, milestone in enumerate(self.children(ind, place, "milestones")):
            where = f"{place}.milestones[{index}]"
            if not self.keys(milestone, where, MILESTONE_KEYS):
                continue
            self.names(milestone, where)
            if milestone.get("date") is not None:
                try:
                    bounds.parse_date(milestone["date"])
                except bounds.BoundError as exc:
                    self.error(f"{where}.date", exc.message)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return bounds.show(value)
    if value is None:
        return "null"
    return f"{bounds.show(value)} ({type(value).__name__})"


def validate(data: Any, *, known_units: set[str] | frozenset[str] = frozenset()) -> list[PlanError]:
    """Every error of a plan file; ``known_units`` are unit codes that exist outside the file."""
    deep = bounds.nesting_problem(data)
    if deep is not None:
        return [PlanError("$", deep)]
    validator = _Validator(set(known_units))
    validator.run(data)
    return validator.errors
