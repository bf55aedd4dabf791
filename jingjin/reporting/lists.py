"""The reporting lists: one row per due task of a month with its report, lateness and status light.

:func:`report_rows` makes the rows (two queries whatever the number of tasks); :func:`my_rows`
and :func:`overview_rows` are the lists of a reporting unit and of the plan office;
:func:`overview_counts`, :func:`filter_rows` and :func:`row_lead_units` count, filter and offer
the filters' choices. Which tasks are due is :func:`jingjin.reporting.selectors.tasks_due`.

Status lights come from the status engine (:mod:`jingjin.engines.status`): the expected
progress at the end of the period, linear over the task window, against the completion %
reported for that period.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import polars as pl
from django.db import connections
from django.db.models import Case, IntegerField, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.models import Unit, bilingual, english_active
from jingjin.core.permissions import may_see_report_overview, restrict
from jingjin.engines.status import Status, task_status
from jingjin.plans.models import Task
from jingjin.reporting.choices import REVIEW_STATES, ReportStatus
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.reporting.selectors import tasks_due

#: the state of a due task without any report
MISSING = "missing"


#: status light → (label, Bootstrap colour)
LIGHTS: dict[int, tuple[Promise, str]] = {
    Status.UNKNOWN: (_("unknown"), "secondary"),
    Status.DONE: (_("done"), "primary"),
    Status.ON_TRACK: (_("on track"), "success"),
    Status.BEHIND: (_("behind"), "warning"),
    Status.FAR_BEHIND: (_("far behind"), "danger"),
    Status.OVERDUE: (_("overdue"), "danger"),
}


#: report state → Bootstrap colour
STATE_COLOURS = {
    MISSING: "dark",
    ReportStatus.DRAFT: "secondary",
    ReportStatus.SUBMITTED: "info",
    ReportStatus.RESUBMITTED: "info",
    ReportStatus.RETURNED: "warning",
    ReportStatus.APPROVED: "success",
}


#: the task columns a row reads (plain values; the Task instance is made from them on first use)
_TASK_FIELDS = (
    "id",
    "code",
    "name_zh",
    "name_en",
    "start",
    "end",
    "lead_unit_id",
    "measure_id",
    "weight",
    "position",
)


#: the lead unit columns read with the task (joined)
_UNIT_FIELDS = ("lead_unit__code", "lead_unit__name_zh", "lead_unit__name_en", "lead_unit__position")


#: the report columns a row reads; the long texts (progress, plans, problems…) load on first use
_REPORT_FIELDS = (
    "id",
    "task_id",
    "period_id",
    "period_index",
    "status",
    "completion_pct",
    "milestone_reached",
    "submitted_at",
    "first_submitted_at",
    "submitted_by_id",
    "reviewed_at",
    "reviewed_by_id",
    "is_synthetic",
)


(
    _T_ID,
    _T_CODE,
    _T_NAME_ZH,
    _T_NAME_EN,
    _T_START,
    _T_END,
    _T_LEAD,
    _T_MEASURE,
    _T_WEIGHT,
    _T_POSITION,
    _U_CODE,
    _U_NAME_ZH,
    _U_NAME_EN,
    _U_POSITION,
) = range(len(_TASK_FIELDS) + len(_UNIT_FIELDS))


_R_TASK, _R_STATUS, _R_PCT, _R_FIRST_SUBMITTED, _R_SYNTHETIC = (
    _REPORT_FIELDS.index(f)
    for f in ("task_id", "status", "completion_pct", "first_submitted_at", "is_synthetic")
)

#: the report's moments: on SQLite read as the text it stores and made datetimes only when a
#: row's report model is made (:meth:`_RowSource.report`). Made on reading, they took half the
#: time of reading a month's 5,000 reports (``_period_reports``: 46–49 ms, 22–23 ms without;
#: ``bench/bench_cockpit_parts.py``).
_MOMENTS = frozenset(("submitted_at", "first_submitted_at", "reviewed_at"))

#: after the :data:`_REPORT_FIELDS`, a report's values end with 1 where it was first submitted
#: late (on or after :func:`_late_from`), else 0 (compared by the database)
_R_LATE = len(_REPORT_FIELDS)


#: report state → label (as ``Report.get_status_display``)
_STATE_LABELS: dict[str, Any] = dict(ReportStatus.choices)


class _RowSource:
    """What the rows of one :func:`report_rows` call share: the database, the period and the lead
    units made so far (one instance per unit)."""

    def __init__(self, db: str, period: ReportingPeriod) -> None:
        self.db = db
        self.period = period
        self.units: dict[int, Unit] = {}
        self.english = english_active()  # asked once: it costs microseconds a call

    def task(self, values: tuple[Any, ...]) -> Task:
        task = _from_db(Task, self.db, _TASK_FIELDS, values[: len(_TASK_FIELDS)])
        unit_id = values[_T_LEAD]
        if unit_id is not None:
            unit = self.units.get(unit_id)
            if unit is None:
                unit = _from_db(
                    Unit,
                    self.db,
                    ("id", "code", "name_zh", "name_en", "position"),
                    (unit_id, values[_U_CODE], values[_U_NAME_ZH], values[_U_NAME_EN], values[_U_POSITION]),
                )
                self.units[unit_id] = unit
            task.lead_unit = unit
        return task

    def report(self, values: tuple[Any, ...], task: Task) -> Report:
        report = _from_db(Report, self.db, _REPORT_FIELDS, _moments_made(self.db, values))
        report.period = self.period
        report.task = task
        return report


def _moments_made(db: str, values: tuple[Any, ...]) -> tuple[Any, ...]:
    """The :data:`_REPORT_FIELDS` of ``values`` with the moments as the database backend's
    converters make them (as a query of the model would; none where the driver gives datetimes)."""
    connection = connections[db]
    made = list(values[: len(_REPORT_FIELDS)])
    for i, name in enumerate(_REPORT_FIELDS):
        if name in _MOMENTS and isinstance(made[i], str):
            field: Any = Report._meta.get_field(name)
            column = field.get_col(Report._meta.db_table)
            for convert in [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]:
                made[i] = convert(made[i], column, connection)
    return tuple(made)


def _from_db(model: Any, db: str, names: tuple[str, ...], values: tuple[Any, ...]) -> Any:
    """A model instance of the given field values, the other fields deferred (as ``.only()``)."""
    given = dict(zip(names, values, strict=True))
    ordered = [f.attname for f in model._meta.concrete_fields if f.attname in given]
    return model.from_db(db, ordered, [given[name] for name in ordered])


class ReportRow:
    """One due task of a period with its report (or none), lateness and status light.

    ``task`` (with ``task.lead_unit``) and ``report`` are model instances, made on first use from
    the values the list read — counting, filtering and exporting 5,000 rows makes no model, a page
    of 100 rows makes 100. The plain attributes (``task_id``, ``code``, ``name``,
    ``lead_unit_code``, ``lead_unit_name``, ``completion_pct``, ``is_synthetic``) need none.
    Fields left out of the list query (a task's description, a report's texts) load on access.
    """

    __slots__ = (
        "_report",
        "_report_values",
        "_source",
        "_task",
        "_task_values",
        "expected_pct",
        "late",
        "light",
        "state",
    )

    def __init__(
        self,
        *,
        task: Task | tuple[Any, ...],
        report: Report | tuple[Any, ...] | None,
        state: str,
        late: bool,
        expected_pct: float | None,
        light: int,
        source: _RowSource | None = None,
    ) -> None:
        self._task: Task | None = task if isinstance(task, Task) else None
        self._task_values: tuple[Any, ...] | None = None if isinstance(task, Task) else task
        self._report: Report | None = report if isinstance(report, Report) else None
        self._report_values: tuple[Any, ...] | None = None if isinstance(report, Report) else report
        self._source = source
        self.state = state
        self.late = late
        self.expected_pct = expected_pct
        self.light = light

    def __repr__(self) -> str:
        return f"<ReportRow {self.code} {self.state}{' late' if self.late else ''} light={self.light}>"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as the constructor's arguments, the values where the row has them, instead of
        the dictionary of slots that pickle makes and sets again one by one (the cockpit caches
        thousands of rows: ``jingjin.dashboard.figure_cache``). A model made on first use is
        made again from the values, on first use after loading."""
        task = self._task_values if self._task_values is not None else self._task
        report = self._report_values if self._report_values is not None else self._report
        return (
            _report_row,
            (task, report, self.state, self.late, self.expected_pct, self.light, self._source),
        )

    @property
    def task(self) -> Task:
        if self._task is None:
            assert self._source is not None and self._task_values is not None
            self._task = self._source.task(self._task_values)
        return self._task

    @property
    def report(self) -> Report | None:
        if self._report is None and self._report_values is not None:
            assert self._source is not None
            self._report = self._source.report(self._report_values, self.task)
        return self._report

    @property
    def task_id(self) -> int:
        return self._task.pk if self._task is not None else self._task_values[_T_ID]  # type: ignore[index]

    @property
    def code(self) -> str:
        return self._task.code if self._task is not None else self._task_values[_T_CODE]  # type: ignore[index]

    @property
    def name(self) -> str:
        if self._task_values is not None:
            english = self._source.english if self._source is not None else None
            return bilingual(self._task_values[_T_NAME_ZH], self._task_values[_T_NAME_EN], english=english)
        return self.task.name

    @property
    def names(self) -> tuple[str, str]:
        """The Chinese and the English name (a search looks at both)."""
        if self._task_values is not None:
            return self._task_values[_T_NAME_ZH], self._task_values[_T_NAME_EN]
        return self.task.name_zh, self.task.name_en

    @property
    def lead_unit_code(self) -> str:
        if self._task_values is not None:
            return self._task_values[_U_CODE] or ""
        unit = self.task.lead_unit
        return unit.code if unit is not None else ""

    @property
    def lead_unit_name(self) -> str:
        if self._task_values is not None:
            values = self._task_values
            english = self._source.english if self._source is not None else None
            return bilingual(values[_U_NAME_ZH] or "", values[_U_NAME_EN] or "", english=english)
        unit = self.task.lead_unit
        return unit.name if unit is not None else ""

    @property
    def lead_unit_position(self) -> int:
        if self._task_values is not None:
            return self._task_values[_U_POSITION] or 0
        unit = self.task.lead_unit
        return unit.position if unit is not None else 0

    @property
    def completion_pct(self) -> int | None:
        if self._report_values is not None:
            return self._report_values[_R_PCT]
        return self._report.completion_pct if self._report is not None else None

    @property
    def is_synthetic(self) -> bool:
        if self._report_values is not None:
            return bool(self._report_values[_R_SYNTHETIC])
        return self._report is not None and self._report.is_synthetic

    @property
    def missing(self) -> bool:
        return self._report is None and self._report_values is None

    @property
    def state_label(self) -> Any:
        if self.missing:
            return _("missing")
        return _STATE_LABELS.get(self.state, self.state)

    @property
    def state_colour(self) -> str:
        return STATE_COLOURS.get(self.state, "secondary")

    @property
    def light_label(self) -> Any:
        return LIGHTS[self.light][0]

    @property
    def light_colour(self) -> str:
        return LIGHTS[self.light][1]


def _report_row(*arguments: Any) -> ReportRow:
    """A :class:`ReportRow` from what :meth:`ReportRow.__reduce__` pickled: the task, the report,
    the state, lateness, expected % and light, and the rows' shared source."""
    task, report, state, late, expected_pct, light, source = arguments
    return ReportRow(
        task=task,
        report=report,
        state=state,
        late=late,
        expected_pct=expected_pct,
        light=light,
        source=source,
    )


def is_late(report: Report | None, period: ReportingPeriod, as_of: date) -> bool:
    """Late: first submitted after the deadline, or not submitted and the deadline has passed."""
    submitted = report.first_submitted_at if report is not None else None
    if submitted is not None:
        return timezone.localdate(submitted) > period.deadline
    return as_of > period.deadline


def report_rows(
    *, period: ReportingPeriod, tasks: QuerySet[Task], as_of: date | None = None
) -> list[ReportRow]:
    """A :class:`ReportRow` for each task of ``tasks`` (already limited to due tasks), in plan order.

    Two queries whatever the number of tasks (the tasks with their lead units, the period's
    reports), read as plain values; models are made only for the rows whose ``task`` or
    ``report`` is used."""
    as_of = as_of or clock.today()
    task_values = list(
        tasks.order_by(
            "measure__action__plan__code",
            "measure__action__position",
            "measure__position",
            "position",
            "code",
        ).values_list(*_TASK_FIELDS, *_UNIT_FIELDS)
    )
    ids = [values[_T_ID] for values in task_values]
    reports = _period_reports(period, ids)
    lights = _lights(
        ids,
        [values[_T_START] for values in task_values],
        [values[_T_END] for values in task_values],
        [reports[i][_R_PCT] if i in reports else None for i in ids],
        period,
    )
    overdue = as_of > period.deadline
    source = _RowSource(tasks.db, period)
    rows = []
    for values in task_values:
        report = reports.get(values[_T_ID])
        expected, light = lights.get(values[_T_ID], (None, Status.UNKNOWN))
        submitted = report is not None and report[_R_FIRST_SUBMITTED] is not None
        rows.append(
            ReportRow(
                task=values,
                report=report,
                state=report[_R_STATUS] if report is not None else MISSING,
                late=report[_R_LATE] == 1 if report is not None and submitted else overdue,
                expected_pct=expected,
                light=light,
                source=source,
            )
        )
    return rows


def _period_reports(period: ReportingPeriod, task_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Task id → the :data:`_REPORT_FIELDS` of its report for ``period`` (tasks of ``task_ids``),
    the moments as the database stores them on SQLite (:data:`_MOMENTS`), then the late flag
    (:data:`_R_LATE`).

    A long list of tasks reads all the period's reports (one index range, no list of thousands of
    parameters) and keeps the wanted ones."""
    if not task_ids or period.pk is None:  # a month not stored yet has no reports
        return {}
    reports = Report.objects.filter(period=period).order_by()
    if len(task_ids) <= 500:
        reports = reports.filter(task_id__in=task_ids)
    as_text = connections[reports.db].vendor == "sqlite"  # other drivers make datetimes in C
    columns = [Cast(name, TextField()) if as_text and name in _MOMENTS else name for name in _REPORT_FIELDS]
    late = Case(
        When(first_submitted_at__gte=_late_from(period), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    wanted = set(task_ids)
    return {r[_R_TASK]: r for r in reports.values_list(*columns, late) if r[_R_TASK] in wanted}


def _late_from(period: ReportingPeriod) -> datetime:
    """The first moment that counts as late: midnight after the deadline, local time — a first
    submission at or after it is late (as :func:`is_late`, without a time-zone conversion per row)."""
    return timezone.make_aware(datetime.combine(period.deadline + timedelta(days=1), time.min))


def _lights(
    task_ids: list[int],
    starts: list[date | None],
    ends: list[date | None],
    reported: list[int | float | None],
    period: ReportingPeriod,
) -> dict[int, tuple[float | None, int]]:
    """Expected % at the end of the period and the status code of every task (one engine call);
    the lists are parallel: task id, window start and end, completion % reported for the period."""
    if not task_ids:
        return {}
    frame = pl.DataFrame(
        {
            "task_id": task_ids,
            "start": starts,
            "end": ends,
            "reported_pct": [float(p) if p is not None else None for p in reported],
        },
        schema={"task_id": pl.Int64, "start": pl.Date, "end": pl.Date, "reported_pct": pl.Float64},
    )
    result = task_status(frame, as_of=period.last_day)
    return {
        int(task_id): (expected, int(code))
        for task_id, expected, code in result.select("task_id", "expected_pct", "status").iter_rows()
    }


def my_rows(*, user: Any, period: ReportingPeriod, as_of: date | None = None) -> list[ReportRow]:
    """The due tasks the user's unit reports on (its own and its sub-units')."""
    tasks = restrict(user, "change", tasks_due(period=period))
    return report_rows(period=period, tasks=tasks, as_of=as_of)


def overview_rows(*, user: Any, period: ReportingPeriod, as_of: date | None = None) -> list[ReportRow]:
    """Every due task of the period (for the plan office and leaders; empty for anyone else)."""
    if not may_see_report_overview(user):
        return []
    return report_rows(period=period, tasks=tasks_due(period=period), as_of=as_of)


def overview_counts(rows: list[ReportRow]) -> dict[str, int]:
    """How many rows are in each state, late, and how many in each light.

    Keys: ``total``, ``late``, each state (``missing``, ``draft``, ``submitted``…), ``review``
    (submitted or resubmitted: the :data:`STATE_FILTERS` value ``submitted``) and ``light_<code>``."""
    counts: dict[str, int] = {"total": len(rows), "late": 0, "review": 0}
    for row in rows:
        counts[row.state] = counts.get(row.state, 0) + 1
        key = f"light_{row.light}"
        counts[key] = counts.get(key, 0) + 1
        if row.late:
            counts["late"] += 1
        if row.state in REVIEW_STATES:
            counts["review"] += 1
    return counts


#: the state filter of the reporting lists: the states, ``late``, and ``submitted`` for a report
#: waiting for review (submitted or resubmitted)
STATE_FILTERS = (
    MISSING,
    "late",
    ReportStatus.DRAFT.value,
    ReportStatus.SUBMITTED.value,
    ReportStatus.RETURNED.value,
    ReportStatus.APPROVED.value,
)


def filter_rows(
    rows: list[ReportRow], *, state: str = "", light: int | None = None, unit: str = "", query: str = ""
) -> list[ReportRow]:
    """The rows in ``state`` (a :data:`STATE_FILTERS` value), with status ``light``, led by the
    unit of code ``unit`` and whose task code or name (Chinese or English) contains ``query``
    (any case); an empty criterion does not filter. The order is kept."""
    out = rows
    if state == "late":
        out = [r for r in out if r.late]
    elif state == ReportStatus.SUBMITTED:
        out = [r for r in out if r.state in REVIEW_STATES]
    elif state:
        out = [r for r in out if r.state == state]
    if light is not None:
        out = [r for r in out if r.light == light]
    if unit:
        out = [r for r in out if r.lead_unit_code == unit]
    needle = query.strip().casefold()
    if needle:
        out = [r for r in out if needle in r.code.casefold() or any(needle in n.casefold() for n in r.names)]
    return out


def row_lead_units(rows: list[ReportRow]) -> list[tuple[str, str]]:
    """(code, name) of the lead units of the rows, in the unit tree's order (a filter's choices)."""
    units: dict[str, tuple[int, str]] = {}
    for row in rows:
        code = row.lead_unit_code
        if code and code not in units:  # each unit's name once
            units[code] = (row.lead_unit_position, row.lead_unit_name)
    return [(code, name) for code, (_position, name) in sorted(units.items(), key=lambda u: (u[1][0], u[0]))]
