"""Reads of monthly reporting: due tasks, my reports, the review queue and the period overview.

Status lights come from the status engine (:mod:`jingjin.engines.status`): the expected
progress at the end of the period, linear over the task window, against the completion %
reported for that period.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import polars as pl
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.models import Unit, bilingual, english_active
from jingjin.core.permissions import (
    can_review_reports,
    may_see_report_overview,
    restrict,
    reviews_every_unit,
)
from jingjin.engines.status import Status, rollup_matrix, task_status
from jingjin.plans.models import Task
from jingjin.reporting.choices import REPORTED_STATES, REVIEW_STATES, ReportStatus
from jingjin.reporting.models import Report, ReportingPeriod, ReviewComment, StrikeOff

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
        report = _from_db(Report, self.db, _REPORT_FIELDS, values)
        report.period = self.period
        report.task = task
        return report


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


def tasks_due(*, period: ReportingPeriod) -> QuerySet[Task]:
    """Tasks that owe a report for ``period`` — the one rule of "due" (应报), used by the reporting
    lists, the cockpit and the bulletin, the red/black lists, the warnings and the API:

    * a lead unit;
    * a window that overlaps the month — or a window that ended before it while no earlier report
      said 100 % (an overdue task keeps reporting until it is done); tasks without dates are due
      every month;
    * not struck off (销号) in that month (:func:`struck_off_in`): a task whose 100 % report was
      approved owes nothing from the next month until the plan office reopens it;
    * not a city task split into shares (任务分解): such a task is reported through its shares.

    Each condition is an index seek per task."""
    starts = Q(start__isnull=True) | Q(start__lte=period.last_day)
    runs = Q(end__isnull=True) | Q(end__gte=period.first_day) | ~reported_done_before(period)
    return (
        Task.objects.filter(lead_unit__isnull=False)
        .filter(starts & runs)
        .exclude(struck_off_in(period))
        .exclude(has_shares())
    )


def struck_off_in(period: ReportingPeriod | int) -> Exists:
    """For filtering tasks: the task is struck off (销号) in ``period`` (a period or a
    :func:`~jingjin.reporting.models.month_index`) — a strike-off from that month or earlier, not
    reopened by then. An index seek on (task, from_index) per task."""
    index = period if isinstance(period, int) else period.index
    return Exists(
        StrikeOff.objects.filter(task=OuterRef("pk"), from_index__lte=index).filter(
            Q(reopened_from_index__isnull=True) | Q(reopened_from_index__gt=index)
        )
    )


def has_shares() -> Exists:
    """For filtering tasks: the task is split into shares (任务分解) for counties and parks."""
    return Exists(Task.objects.filter(parent=OuterRef("pk")))


def struck_off_tasks(*, period: ReportingPeriod) -> QuerySet[Task]:
    """The tasks struck off in ``period``, each annotated with ``struck_off_from`` (the month index
    of its strike-off; :func:`month_code` gives ``YYYY-MM``) and ``struck_off_report`` (the id of the
    approved report that struck it off, or None), in plan order."""
    covering = StrikeOff.objects.filter(task=OuterRef("pk"), from_index__lte=period.index).filter(
        Q(reopened_from_index__isnull=True) | Q(reopened_from_index__gt=period.index)
    )
    newest = covering.order_by("-from_index")
    return (
        Task.objects.filter(struck_off_in(period))
        .annotate(
            struck_off_from=Subquery(newest.values("from_index")[:1]),
            struck_off_report=Subquery(newest.values("report_id")[:1]),
        )
        .select_related("lead_unit")
        .order_by(
            "measure__action__plan__code",
            "measure__action__position",
            "measure__position",
            "position",
            "code",
        )
    )


def strike_off_of(task: Task, *, index: int) -> StrikeOff | None:
    """The strike-off of ``task`` in effect in the month ``index`` (None: the task is not struck off)."""
    return (
        StrikeOff.objects.filter(task=task, from_index__lte=index)
        .filter(Q(reopened_from_index__isnull=True) | Q(reopened_from_index__gt=index))
        .select_related("report__period")
        .order_by("-from_index")
        .first()
    )


def current_strike_off(task: Task) -> StrikeOff | None:
    """The task's strike-off that is not reopened (the newest), with its report and period; None
    when the task is not struck off. It may start next month (a 100 % approved this month)."""
    return (
        StrikeOff.objects.filter(task=task, reopened_from_index__isnull=True)
        .select_related("report__period")
        .order_by("-from_index")
        .first()
    )


def month_code(index: int) -> str:
    """``YYYY-MM`` of a :func:`~jingjin.reporting.models.month_index`."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def latest_approved(task: Task, *, before: int) -> Report | None:
    """The task's latest approved report with a completion % of a month before ``before`` (a month
    index): the completion a later report may not silently fall below."""
    return (
        Report.objects.filter(
            task=task,
            period_index__lt=before,
            status=ReportStatus.APPROVED,
            completion_pct__isnull=False,
        )
        .select_related("period")
        .order_by("-period_index")
        .first()
    )


def reported_done_before(period: ReportingPeriod) -> Exists:
    """For filtering tasks: a submitted, resubmitted or approved report of a month before ``period``
    said 100 %. An index seek on (task, period_index) per task."""
    return Exists(
        Report.objects.filter(
            task=OuterRef("pk"),
            period_index__lt=period.index,
            status__in=REPORTED_STATES,
            completion_pct__gte=100,
        )
    )


def latest_reported_of_task(field: str, *, up_to: ReportingPeriod | None = None) -> Subquery:
    """For annotating tasks: ``field`` of the task's latest *reported* report (submitted,
    resubmitted or approved, with a completion %) up to and including ``up_to`` (default: any);
    NULL without one. An index seek on (task, period_index) per task."""
    latest = Report.objects.filter(
        task=OuterRef("pk"), status__in=REPORTED_STATES, completion_pct__isnull=False
    )
    if up_to is not None:
        latest = latest.filter(period_index__lte=up_to.index)
    return Subquery(latest.order_by("-period_index").values(field)[:1])


def latest_reported(
    task_ids: Iterable[int], *, up_to: ReportingPeriod | None = None
) -> dict[int, tuple[int | float, str]]:
    """Task id → (completion %, period code) of each task's latest reported report up to and
    including ``up_to`` (see :func:`latest_reported_of_task`). Tasks without one are left out.

    A city task split into county and park shares (``Task.shares``) is reported through them: its
    completion is the weighted roll-up (the status engine's :func:`rollup_matrix`, weights
    renormalised over the shares that reported) of its shares' latest reported completion,
    rounded to 0.1, and its month the newest of theirs; left out while no share has reported.
    One query, shares included."""
    ids = list(task_ids)
    if not ids:
        return {}
    wanted = set(ids)
    rows = list(
        Task.objects.filter(Q(pk__in=ids) | Q(parent_id__in=ids))
        .annotate(
            latest_pct=latest_reported_of_task("completion_pct", up_to=up_to),
            latest_index=latest_reported_of_task("period_index", up_to=up_to),
        )
        .values_list("pk", "parent_id", "weight", "latest_pct", "latest_index")
    )
    out: dict[int, tuple[int | float, str]] = {}
    shares: dict[int, list[tuple[float, int | None, int | None]]] = {}
    for pk, parent_id, weight, pct, index in rows:
        if parent_id in wanted:
            shares.setdefault(parent_id, []).append((float(weight), pct, index))
        if pk in wanted and pct is not None:
            out[pk] = (pct, _month_code(index))
    for parent_id, parts in shares.items():
        out.pop(parent_id, None)
        rolled = shares_rollup(parts)
        if rolled is not None:
            out[parent_id] = rolled
    return out


def _month_code(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def shares_rollup(parts: list[tuple[float, int | None, int | None]]) -> tuple[float, str] | None:
    """(completion %, month) of a city task from its shares' (weight, latest %, latest month index):
    the status engine's weighted roll-up over the shares that reported, rounded to 0.1, and the
    newest of their months; None when none has reported."""
    reported = [(w, pct, index) for w, pct, index in parts if pct is not None and index is not None]
    if not reported:
        return None
    parent = np.array([-1] + [0] * len(parts), dtype=np.int64)
    weight = np.array([1.0] + [w for w, _pct, _index in parts])
    values = np.array([np.nan] + [np.nan if pct is None else float(pct) for _w, pct, _index in parts])
    result, _coverage = rollup_matrix(parent, weight, values)
    return round(float(result[0, 0]), 1), _month_code(max(index for _w, _pct, index in reported))


@dataclass(frozen=True)
class NodeProgress:
    """The progress of a plan node from its tasks' latest reported completion (see
    :func:`node_progress`)."""

    pct: float | None  # weighted roll-up, None when no task under the node has reported one
    coverage: float  # share of the weight behind ``pct`` (0–1)
    month: str | None  # the newest month among the reports used, ``YYYY-MM``

    @property
    def coverage_pct(self) -> int:
        return round(self.coverage * 100)


def node_progress(*, user: Any, node: Any) -> NodeProgress:
    """Weighted roll-up (the status engine's, as on the cockpit) of the latest reported completion
    of the tasks under ``node`` — an action, a measure or a task (its own latest report, or the
    roll-up of its county and park shares) — that ``user`` may see. Shares count inside their city
    task, never as tasks of the measure. Three queries at most, whatever the number of tasks."""
    from jingjin.plans.models import Action, Measure

    if isinstance(node, Task):
        found = latest_reported([node.pk]).get(node.pk)
        if found is None:
            return NodeProgress(None, 0.0, None)
        return NodeProgress(float(found[0]), 1.0, found[1])
    # the city tasks (a task split into shares gets the roll-up of its shares from latest_reported)
    task_rows = restrict(user, "view", Task.objects.filter(parent__isnull=True))
    measures: list[tuple[int, float]] = []
    if isinstance(node, Measure):
        task_rows = task_rows.filter(measure=node)
    elif isinstance(node, Action):
        task_rows = task_rows.filter(measure__action=node)
        measures = [
            (pk, float(weight))
            for pk, weight in restrict(user, "view", Measure.objects.filter(action=node)).values_list(
                "pk", "weight"
            )
        ]
    else:
        raise TypeError(f"not a plan node: {node!r}")
    tasks = [
        (pk, measure if measures else None, float(weight))
        for pk, measure, weight in task_rows.values_list("pk", "measure_id", "weight")
    ]
    latest = latest_reported(pk for pk, _measure, _weight in tasks)
    row = {pk: 1 + i for i, (pk, _weight) in enumerate(measures)}  # node 0 is ``node`` itself
    kept = [(pk, measure, weight) for pk, measure, weight in tasks if measure is None or measure in row]
    parent = np.array(
        [-1] + [0] * len(measures) + [0 if measure is None else row[measure] for _pk, measure, _w in kept],
        dtype=np.int64,
    )
    weight = np.array([1.0] + [w for _pk, w in measures] + [w for _pk, _m, w in kept])
    values = np.full(len(parent), np.nan)
    for i, (pk, _measure, _weight) in enumerate(kept):
        if pk in latest:
            values[1 + len(measures) + i] = latest[pk][0]
    result, coverage = rollup_matrix(parent, weight, values)
    pct = float(result[0, 0])
    months = [latest[pk][1] for pk, _m, _w in kept if pk in latest]
    return NodeProgress(None if np.isnan(pct) else pct, float(coverage[0, 0]), max(months, default=None))


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
    late_from = _late_from(period)
    overdue = as_of > period.deadline
    source = _RowSource(tasks.db, period)
    rows = []
    for values in task_values:
        report = reports.get(values[_T_ID])
        expected, light = lights.get(values[_T_ID], (None, Status.UNKNOWN))
        submitted = report[_R_FIRST_SUBMITTED] if report is not None else None
        rows.append(
            ReportRow(
                task=values,
                report=report,
                state=report[_R_STATUS] if report is not None else MISSING,
                late=submitted >= late_from if submitted is not None else overdue,
                expected_pct=expected,
                light=light,
                source=source,
            )
        )
    return rows


def period_of(*, year: int, month: int) -> ReportingPeriod:
    """The reporting period of a month for reading: the stored one, else an unsaved one with the
    default deadline (``pk`` None; no report belongs to it). A page view creates no row: the first
    write of the month stores it (:func:`jingjin.reporting.services.period_get_or_create`)."""
    from jingjin.reporting.services import default_deadline

    stored = ReportingPeriod.objects.filter(year=year, month=month).first()
    if stored is not None:
        return stored
    return ReportingPeriod(year=year, month=month, deadline=default_deadline(year, month))


def stored_period(period: ReportingPeriod) -> ReportingPeriod:
    """``period`` as a stored row (a write is about to refer to it): itself, or created now."""
    if period.pk is not None:
        return period
    from jingjin.reporting.services import period_get_or_create

    return period_get_or_create(year=period.year, month=period.month)


def _period_reports(period: ReportingPeriod, task_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Task id → the :data:`_REPORT_FIELDS` of its report for ``period`` (tasks of ``task_ids``).

    A long list of tasks reads all the period's reports (one index range, no list of thousands of
    parameters) and keeps the wanted ones."""
    if not task_ids or period.pk is None:  # a month not stored yet has no reports
        return {}
    reports = Report.objects.filter(period=period).order_by()
    if len(task_ids) <= 500:
        reports = reports.filter(task_id__in=task_ids)
    wanted = set(task_ids)
    return {r[_R_TASK]: r for r in reports.values_list(*_REPORT_FIELDS) if r[_R_TASK] in wanted}


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


def with_approved_before(reports: QuerySet[Report]) -> QuerySet[Report]:
    """``reports`` annotated with ``approved_pct`` and ``approved_index``: the completion % and
    month index of each task's latest approved report of an earlier month (None without one) —
    a report whose completion is lower shows the drop (see :attr:`Report.regression_reason`)."""
    earlier = Report.objects.filter(
        task=OuterRef("task_id"),
        period_index__lt=OuterRef("period_index"),
        status=ReportStatus.APPROVED,
        completion_pct__isnull=False,
    ).order_by("-period_index")
    return reports.annotate(
        approved_pct=Subquery(earlier.values("completion_pct")[:1]),
        approved_index=Subquery(earlier.values("period_index")[:1]),
    )


@dataclass(frozen=True)
class Drop:
    """A report's completion below the task's latest approved one (``pct`` in ``month``)."""

    pct: int
    month: str
    reason: str


def drop_of(report: Report | None, approved: Report | None = None) -> Drop | None:
    """The drop of ``report`` below the latest approved completion — from ``approved`` or from
    the annotations of :func:`with_approved_before` — or None."""
    if report is None or report.completion_pct is None:
        return None
    pct: int | None
    index: int | None
    if approved is not None:
        pct, index = approved.completion_pct, approved.period_index
    else:
        pct, index = getattr(report, "approved_pct", None), getattr(report, "approved_index", None)
    if pct is None or index is None or report.completion_pct >= pct:
        return None
    return Drop(pct=pct, month=month_code(index), reason=report.regression_reason)


def review_queue(*, user: Any) -> QuerySet[Report]:
    """Submitted reports the user may approve or return, oldest submission first; each annotated
    as :func:`with_approved_before` (its ``drop`` shows a lower completion)."""
    reports = Report.objects.filter(status__in=REVIEW_STATES)
    if not can_review_reports(user):
        return Report.objects.none()
    if not reviews_every_unit(user):
        reports = restrict(user, "change", reports)
    return (
        with_approved_before(reports)
        .select_related("task__lead_unit", "period", "submitted_by")
        .order_by("submitted_at", "pk")
    )


def report_list(
    *, user: Any, period: ReportingPeriod | None = None, unit: str = "", status: str = ""
) -> QuerySet[Report]:
    """Reports the user may see (every signed-in user with a role), filtered."""
    reports = restrict(user, "view", Report.objects.all())
    if period is not None:
        reports = reports.filter(period=period)
    if unit:
        reports = reports.filter(task__lead_unit__code=unit)
    if status:
        reports = reports.filter(status=status)
    return reports.select_related(
        "task__lead_unit", "period", "submitted_by", "reviewed_by"
    ).prefetch_related(
        "indicator_values__indicator", "evidence", "continuity_items", "review_comments__author"
    )


def previous_report(*, report: Report) -> Report | None:
    """The same task's report of the month before."""
    period = report.period
    year, month = (period.year - 1, 12) if period.month == 1 else (period.year, period.month - 1)
    return Report.objects.filter(task_id=report.task_id, period__year=year, period__month=month).first()


def reported_month(today: date) -> tuple[int, int]:
    """The month being reported on ``today``: the month before (its deadline is this month)."""
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def first_month(*, with_plan_start: bool = False) -> tuple[int, int] | None:
    """(year, month) of the first reporting month: the earliest period that exists, else January
    of the earliest plan's start year; None without either. With ``with_plan_start`` the earlier
    of the two (the months a user may choose: a plan's first months can be opened before anyone
    reported on them). Two queries at most."""
    from jingjin.plans.models import Plan

    period = ReportingPeriod.objects.order_by("year", "month").values_list("year", "month").first()
    if period is not None and not with_plan_start:
        return period
    start = Plan.objects.order_by("start_year").values_list("start_year", flat=True).first()
    months = [m for m in (period, (start, 1) if start is not None else None) if m is not None]
    return min(months) if months else None


def period_choices(*, today: date, first: tuple[int, int] | None = None) -> list[str]:
    """Month codes from ``today``'s month back to the first reporting month (``first``, default
    :func:`first_month`; without one, the last twelve months), newest first."""
    if first is None:
        first = first_month(with_plan_start=True) or _months_before(today, 11)
    year, month = today.year, today.month
    out: list[str] = []
    while (year, month) >= first and len(out) < 600:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def _months_before(day: date, n: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 - n
    return index // 12, index % 12 + 1


def review_history(*, report: Report | None) -> list[ReviewComment]:
    """Every verdict on the report (returned, approved) with its comment and reviewer, oldest first."""
    if report is None:
        return []
    return list(report.review_comments.select_related("author").order_by("created_at", "pk"))
