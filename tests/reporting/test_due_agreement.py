"""One rule of "due" (应报), everywhere: on the demo data of the built-in plan, with strike-offs
(销号), reopenings (恢复) and a task split into shares, the reporting lists, the cockpit (its
due, missing and late reports, and the on-time denominators of its trend), the red/black lists'
scored tasks, the warnings' due tasks and the API agree, period by period, on the set of tasks due.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from jingjin.alerts.selectors import due_tasks_of
from jingjin.assessment.selectors import scored_tasks
from jingjin.dashboard.periods import months_between
from jingjin.dashboard.selectors import cockpit
from jingjin.reporting import lists, selectors, services
from jingjin.reporting.models import Report, ReportingPeriod, StrikeOff

pytestmark = pytest.mark.django_db

TODAY = date(2025, 3, 20)
PLAN = "suining-2021"


@pytest.fixture
def demo(make_user: Any) -> dict[str, Any]:
    """The built-in plan with the demo's reports up to 2025-03, the tasks approved at 100 % struck
    off, two of them reopened later, and one task split into two county shares."""
    from jingjin.core.models import Unit
    from jingjin.plans.models import Task
    from jingjin.plans.services import builtin_plan_load
    from jingjin.reporting.demo import demo_reports

    builtin_plan_load()
    users = {
        "office": make_user("office", "plan_office", "sn"),
        "leader": make_user("leader", "leader", "sn"),
    }
    demo_reports(today=TODAY)
    assert StrikeOff.objects.count() >= 1  # the demo strikes off its tasks approved at 100 %
    assert services.strike_offs_backfill() == 0  # ... exactly as the backfill would
    # three more tasks struck off from 2023-06 while their (bulk-made) reports go on: those
    # reports must count nowhere; one of them reopened from 2024-01
    from jingjin.reporting.models import month_index

    busy = Task.objects.filter(lead_unit__isnull=False, strike_offs__isnull=True).order_by("code")[:3]
    for task in busy:
        StrikeOff.objects.create(task=task, from_index=month_index(2023, 6), struck_off_at=timezone.now())
    for strike_off in StrikeOff.objects.order_by("from_index", "task__code")[:2]:
        # reopened seven months after its strike-off (the as-of date then)
        month = strike_off.from_index + 7
        with override_settings(JINGJIN_AS_OF=f"{month // 12:04d}-{month % 12 + 1:02d}"):
            services.task_reopen(actor=users["office"], task=strike_off.task, reason="复核：需继续推进")
    city_task = Task.objects.filter(
        lead_unit__isnull=False, parent__isnull=True, strike_offs__isnull=True
    ).order_by("code")[0]
    for i, unit in enumerate(Unit.objects.filter(kind="county").order_by("code")[:2]):
        Task.objects.create(
            measure=city_task.measure,
            parent=city_task,
            code=f"{city_task.code}.S{i + 1}",
            name_zh=f"{unit.name_zh}分解",
            name_en=f"Share of {unit.name_en}",
            lead_unit=unit,
            start=city_task.start,
            end=city_task.end,
            position=900 + i,
        )
    return {"users": users, "city_task": city_task}


def _on_time(period: ReportingPeriod, task_ids: set[int]) -> int:
    deadline_end = timezone.make_aware(datetime.combine(period.deadline + timedelta(days=1), time.min))
    return Report.objects.filter(
        period=period, task_id__in=task_ids, first_submitted_at__lt=deadline_end
    ).count()


@override_settings(JINGJIN_AS_OF=TODAY.isoformat())
def test_every_module_agrees_on_the_due_tasks_period_by_period(demo):
    users = demo["users"]
    periods = [
        services.period_get_or_create(year=y, month=m)
        for y, m in months_between((2021, 9), (TODAY.year, TODAY.month))
    ]
    warnings_due = due_tasks_of(periods=periods)
    last = cockpit(user=users["leader"], period=periods[-1], plan_code=PLAN)
    trend = {p.month: p for p in last.trends}
    api = APIClient()
    api.force_authenticate(users["leader"])
    struck_somewhere = False
    for n, period in enumerate(periods):
        due = set(selectors.tasks_due(period=period).values_list("pk", flat=True))
        codes = set(selectors.tasks_due(period=period).values_list("code", flat=True))
        struck = set(selectors.struck_off_tasks(period=period).values_list("pk", flat=True))
        struck_somewhere |= bool(struck)
        assert not due & struck, period.code
        assert demo["city_task"].pk not in due  # reported through its shares
        # reporting lists
        assert {r.task_id for r in lists.overview_rows(user=users["office"], period=period)} == due
        # red/black lists and warnings
        assert set(scored_tasks(period=period).values_list("pk", flat=True)) == due, period.code
        assert {t[0] for t in warnings_due[period.pk]} == due, period.code
        # the cockpit's trend: due tasks and on-time reports of each month
        point = trend[period.code]
        assert point.due == len(due), period.code
        assert point.on_time == _on_time(period, due), period.code
        assert point.on_time_rate == (point.on_time / len(due) if due else None)
        if n % 6 == 0 or n == len(periods) - 1:  # the whole cockpit and the API for some months
            data = cockpit(user=users["leader"], period=period, plan_code=PLAN)
            assert {r.task_id for r in data.report_rows} == due, period.code
            reported = set(Report.objects.filter(period=period).values_list("task_id", flat=True))
            assert {r.task_id for r in data.missing_rows} == due - reported, period.code
            assert data.on_time_rate == point.on_time_rate
            body = api.get("/api/cockpit", {"period": period.code, "plan": PLAN}).json()
            assert body["reports"]["due"] == len(due)
            assert {a["task"] for a in body["reports"]["attention"]} <= codes
            assert body["trends"][-1]["due"] == len(due)
    assert struck_somewhere  # the data does exercise strike-offs
    assert StrikeOff.objects.filter(reopened_from_index__isnull=False).count() == 2
