"""The scorecard of a unit (单位画像): what the cockpit knows about one department, county or park.

* its **tasks**: those it (or a unit below it) leads — shares of city tasks (任务分解) included,
  each with its city task — and the tasks that list it among their counties and parks, each
  with the cockpit's latest reported completion and status light at the period;
* its **reporting record** over the last :data:`MONTHS` months: for each month the reports due
  (:func:`jingjin.reporting.selectors.tasks_due`, the one rule of "due"), first submitted on
  time, late, and not submitted;
* its **red/black list history** (:func:`jingjin.assessment.selectors.unit_history`);
* its open **early warnings** and open **supervision items**.

Everything is read through ``restrict`` (and the apps' own visibility rules). A fixed number of
queries, whatever the number of tasks, reports, warnings and items.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from jingjin.alerts.models import EarlyWarning
from jingjin.alerts.selectors import warning_list
from jingjin.assessment.models import RankingEntry
from jingjin.assessment.selectors import unit_history
from jingjin.core.models import Unit
from jingjin.core.permissions import restrict
from jingjin.dashboard.figures import task_figures
from jingjin.dashboard.periods import months_between
from jingjin.dashboard.results import TaskRow
from jingjin.plans.models import Task
from jingjin.reporting.lists import report_rows
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.selectors import period_of, tasks_due
from jingjin.supervision.choices import ItemState
from jingjin.supervision.models import SupervisionItem
from jingjin.supervision.selectors import item_list

#: months of the reporting record
MONTHS = 12
#: red/black list entries, warnings and supervision items listed (the counts are exact)
LIMIT = 24


@dataclass
class ScorecardTask:
    """A task on a scorecard: the task (with its plan, lead unit and city task) and its figures."""

    task: Task
    figure: TaskRow | None

    @property
    def is_share(self) -> bool:
        return self.task.parent_id is not None


@dataclass
class MonthRecord:
    """The unit's reports of one month: due, first submitted by the deadline, after it, not yet."""

    period: ReportingPeriod
    due: int = 0
    on_time: int = 0
    late: int = 0
    not_submitted: int = 0
    overdue: bool = False  # the deadline has passed (what is not submitted is missing)

    @property
    def on_time_pct(self) -> float | None:
        return 100 * self.on_time / self.due if self.due else None


@dataclass
class UnitScorecard:
    unit: Unit
    period: ReportingPeriod
    led: list[ScorecardTask] = field(default_factory=list)
    listed: list[ScorecardTask] = field(default_factory=list)
    months: list[MonthRecord] = field(default_factory=list)
    history: list[RankingEntry] = field(default_factory=list)
    warnings: list[EarlyWarning] = field(default_factory=list)
    warning_count: int = 0
    items: list[SupervisionItem] = field(default_factory=list)
    item_count: int = 0

    @property
    def due(self) -> int:
        return sum(m.due for m in self.months)

    @property
    def on_time(self) -> int:
        return sum(m.on_time for m in self.months)

    @property
    def on_time_pct(self) -> float | None:
        return 100 * self.on_time / self.due if self.due else None


def _months(last: ReportingPeriod) -> list[ReportingPeriod]:
    """The :data:`MONTHS` reporting periods up to ``last``, oldest first (one query; a month
    without its period row gets an unsaved one, as the reporting pages do: a page stores nothing)."""
    index = last.index - (MONTHS - 1)
    wanted = months_between((index // 12, index % 12 + 1), (last.year, last.month))
    found = {
        (p.year, p.month): p
        for p in ReportingPeriod.objects.filter(
            Q(year__gt=wanted[0][0]) | Q(year=wanted[0][0], month__gte=wanted[0][1])
        ).filter(Q(year__lt=last.year) | Q(year=last.year, month__lte=last.month))
    }
    return [found.get(m) or period_of(year=m[0], month=m[1]) for m in wanted]


def _record(period: ReportingPeriod, tasks: Any, today: date) -> MonthRecord:
    record = MonthRecord(period=period, overdue=today > period.deadline)
    for row in report_rows(period=period, tasks=tasks, as_of=today):
        record.due += 1
        report = row.report
        if report is None or report.first_submitted_at is None:
            record.not_submitted += 1
        elif row.late:
            record.late += 1
        else:
            record.on_time += 1
    return record


def unit_scorecard(*, user: Any, unit: Unit, period: ReportingPeriod, today: date) -> UnitScorecard:
    """The scorecard of ``unit`` as ``user`` sees it: tasks and lights at ``period``, the reporting
    record of the :data:`MONTHS` months up to ``period`` as of ``today``, lists, warnings, items."""
    card = UnitScorecard(unit=unit, period=period)
    scope = unit.descendant_ids()
    # the tasks that name the unit, less those it holds a share of (listed as the share it leads)
    shared = Task.objects.filter(lead_unit_id__in=scope, parent__isnull=False).values("parent_id")
    listing = (
        Task.counties.through.objects.filter(unit_id=unit.pk).exclude(task_id__in=shared).values("task_id")
    )
    tasks = restrict(user, "view", Task.objects.filter(Q(lead_unit_id__in=scope) | Q(pk__in=listing)))
    figures = task_figures(user=user, tasks=tasks, period=period)
    for task in tasks.select_related("lead_unit", "measure__action__plan", "parent").order_by(
        "measure__action__plan__code", "measure__action__position", "measure__position", "position", "code"
    ):
        entry = ScorecardTask(task=task, figure=figures.get(task.pk))
        (card.led if task.lead_unit_id in scope else card.listed).append(entry)
    for month in _months(period):
        due = restrict(user, "view", tasks_due(period=month).filter(lead_unit_id__in=scope))
        card.months.append(_record(month, due, today))
    card.history = list(unit_history(user=user, unit=unit)[:LIMIT])
    warnings = warning_list(user=user).filter(unit_id__in=scope)
    card.warnings, card.warning_count = list(warnings[:LIMIT]), warnings.count()
    items = item_list(user=user, unit=unit, as_of=today).exclude(state=ItemState.CLOSED)
    card.items, card.item_count = list(items[:LIMIT]), items.count()
    return card
