"""The result types of the cockpit (领导驾驶舱): a task's row, status counts, an action's and a
county's rows, a month of the trends and :class:`Cockpit`, with the status keys, labels and
colours they show.
"""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

import numpy as np
from django.utils.functional import Promise

from jingjin.engines.status import Status
from jingjin.plans.models import Plan
from jingjin.reporting.lists import LIGHTS, ReportRow
from jingjin.reporting.models import ReportingPeriod
from jingjin.supervision.models import SupervisionItem

#: status code → key used in the JSON and the templates, in the order of the charts
STATUS_KEYS: dict[int, str] = {
    Status.ON_TRACK: "on_track",
    Status.BEHIND: "behind",
    Status.FAR_BEHIND: "far_behind",
    Status.DONE: "done",
    Status.OVERDUE: "overdue",
    Status.UNKNOWN: "unknown",
}
#: status code → chart colour (the Bootstrap colours of the status lights)
STATUS_HEX: dict[int, str] = {
    Status.ON_TRACK: "#198754",
    Status.BEHIND: "#ffc107",
    Status.FAR_BEHIND: "#dc3545",
    Status.DONE: "#0d6efd",
    Status.OVERDUE: "#842029",
    Status.UNKNOWN: "#adb5bd",
}


def status_label(code: int) -> Promise:
    return LIGHTS[code][0]


def status_colour(code: int) -> str:
    """Bootstrap colour name of a status light."""
    return LIGHTS[code][1]


# --------------------------------------------------------------------------------------------
# Result types


class StatusShown:
    """The key, label and colour of a result's status light (``self.status``, a status code)."""

    status: int

    @property
    def status_key(self) -> str:
        return STATUS_KEYS[self.status]

    @property
    def status_label(self) -> Promise:
        return status_label(self.status)

    @property
    def status_colour(self) -> str:
        return status_colour(self.status)


@dataclass
class TaskRow(StatusShown):
    """One task with its latest reported completion, expected progress and status at the period."""

    pk: int
    code: str
    name: str
    lead_unit: str
    action_id: int
    measure_id: int
    weight: float
    start: date | None
    end: date | None
    reported_pct: float | None
    expected_pct: float | None = None
    status: int = Status.UNKNOWN
    #: the city task of a county's or park's share (任务分解); None for a city task
    parent_id: int | None = None
    lead_unit_id: int | None = None

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled as the constructor's arguments, not as a dict of attribute names per row (a row
        pickled on its own: the cockpit's cached figures pack theirs in columns,
        :func:`pack_task_rows`)."""
        return (TaskRow, _task_row_values(self))


#: a task row's field values in the constructor's order (for pickling)
_task_row_values = operator.attrgetter(*(f.name for f in fields(TaskRow)))
#: the positions of a task row's days among them
_DAY_FIELDS = tuple(i for i, f in enumerate(fields(TaskRow)) if f.name in ("start", "end"))
#: numpy's day 0 (1970-01-01) as a day number of :meth:`date.toordinal`
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def pack_task_rows(rows: list[TaskRow]) -> list[list[Any]]:
    """The field values of ``rows`` column by column, the days as :meth:`date.toordinal` (0 for
    none): what the cockpit's cached figures pickle instead of an object, a tuple and two dates
    per row (:mod:`jingjin.dashboard.figure_cache`; :func:`unpack_task_rows` makes them again)."""
    columns = [list(column) for column in zip(*map(_task_row_values, rows), strict=True)]
    if not columns:
        return []
    for i in _DAY_FIELDS:
        columns[i] = [0 if day is None else day.toordinal() for day in columns[i]]
    return columns


def unpack_task_rows(columns: list[list[Any]]) -> list[TaskRow]:
    """The task rows :func:`pack_task_rows` packed, equal to them (the days made back by numpy,
    a few at a time, instead of by pickle one by one)."""
    if not columns:
        return []
    columns = list(columns)
    for i in _DAY_FIELDS:
        ordinals = np.asarray(columns[i], dtype=np.int64)
        days = (ordinals - _EPOCH_ORDINAL).astype("datetime64[D]")
        days[ordinals == 0] = np.datetime64("NaT")
        columns[i] = days.tolist()  # datetime.date, None for NaT
    return [TaskRow(*values) for values in zip(*columns, strict=True)]


@dataclass
class StatusCount:
    code: int
    count: int

    @property
    def key(self) -> str:
        return STATUS_KEYS[self.code]

    @property
    def label(self) -> Promise:
        return status_label(self.code)

    @property
    def colour(self) -> str:
        return status_colour(self.code)

    @property
    def hex(self) -> str:
        return STATUS_HEX[self.code]


def status_counts(tasks: list[TaskRow]) -> list[StatusCount]:
    """How many tasks are in each status, every status listed (in chart order)."""
    counter = Counter(t.status for t in tasks)
    return [StatusCount(code, counter.get(code, 0)) for code in STATUS_KEYS]


@dataclass
class ActionRow:
    """An action (对标竞进行动) with its weighted progress, coverage and tasks."""

    pk: int
    code: str
    name: str
    weight: float
    progress: float | None
    coverage: float
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def counts(self) -> list[StatusCount]:
        return status_counts(self.tasks)

    @property
    def worst_status(self) -> int:
        known = [t.status for t in self.tasks if t.status != Status.UNKNOWN]
        return max(known) if known else Status.UNKNOWN


@dataclass
class CountyRow:
    """A county or park (县（市、区）/ 园区) and its tasks: its shares of city tasks and the tasks it
    leads, and the city tasks that name it and are not split into shares."""

    code: str
    name: str
    tasks: list[TaskRow]

    @property
    def counts(self) -> list[StatusCount]:
        return status_counts(self.tasks)


@dataclass
class TrendPoint:
    """One month of the trends: plan progress (%) and on-time rate (0–1)."""

    month: str
    progress: float | None
    on_time_rate: float | None
    reports: int
    on_time: int
    due: int


@dataclass
class Cockpit:
    """Every figure of the cockpit for one plan and one period."""

    plan: Plan | None
    plans: list[Plan]
    period: ReportingPeriod
    as_of: date
    progress: float | None = None
    coverage: float = 0.0
    actions: list[ActionRow] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    report_rows: list[ReportRow] = field(default_factory=list)
    overdue_items: list[SupervisionItem] = field(default_factory=list)
    due_soon_items: list[SupervisionItem] = field(default_factory=list)
    overdue_count: int = 0
    due_soon_count: int = 0
    trends: list[TrendPoint] = field(default_factory=list)
    counties: list[CountyRow] = field(default_factory=list)
    ranking_lists: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool = False
    #: the day the supervision items and warnings are shown as they stood: the period's last day,
    #: or today while the period runs
    items_day: date | None = None
    #: warnings open at the end of ``items_day``, by level: {"red": n, "yellow": m}
    open_warnings: dict[str, int] = field(default_factory=lambda: {"red": 0, "yellow": 0})

    @property
    def counts(self) -> list[StatusCount]:
        return status_counts(self.tasks)

    @property
    def late_rows(self) -> list[ReportRow]:
        return [r for r in self.report_rows if r.late]

    @property
    def missing_rows(self) -> list[ReportRow]:
        return [r for r in self.report_rows if r.missing]

    @property
    def attention_rows(self) -> list[ReportRow]:
        """Due tasks whose report is late or missing, in plan order."""
        return [r for r in self.report_rows if r.late or r.missing]

    @property
    def on_time_rate(self) -> float | None:
        return self.trends[-1].on_time_rate if self.trends else None

    @property
    def reports_due(self) -> bool:
        """Whether any report is due in the period (no report is due after the plan's end, or in a
        month whose tasks are all struck off or outside their windows)."""
        return bool(self.report_rows)

    def county(self, code: str) -> CountyRow | None:
        return next((c for c in self.counties if c.code == code), None)
