"""Fixtures of the cockpit tests: a second action, two months of reports, supervision items.

The plan (see ``tests/conftest.py``, extended here):

    A1 (weight 1)  M1  T1 (weight 1,   2021-09-10 → 2025-12-31, county t.c)
                       T2 (weight 2.5, no window)
    A2 (weight 3)  M1  T1 (weight 1,   2022-01-01 → 2023-12-31, county t.c)

Reports (completion %, first submitted; the deadline is the 5th of the next month):

    2024-02  A1.M1.T1 approved 50 on 03-04 · A1.M1.T2 submitted 20 on 03-10 (late) ·
             A2.M1.T1 approved 40 on 03-01
    2024-03  A1.M1.T1 approved 55 on 04-03 · A1.M1.T2 none (missing) · A2.M1.T1 draft 90 (not counted)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read the English messages; the Chinese ones come from .zh/dashboard.json."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI)


def add_action_two(plan: Any) -> Any:
    """Action A2 (weight 3) with one measure and one task of Bureau B listing County C."""
    from jingjin.core.models import Unit
    from jingjin.plans.models import Action, Measure, Task

    bureau_b, county_c = Unit.objects.get(code="t.b"), Unit.objects.get(code="t.c")
    action = Action.objects.create(
        plan=plan, code="A2", name_zh="行动二", name_en="Action two", lead_unit=bureau_b, weight=3, position=2
    )
    measure = Measure.objects.create(
        action=action, code="A2.M1", name_zh="措施二", name_en="Measure two", lead_unit=bureau_b
    )
    task = Task.objects.create(
        measure=measure,
        code="A2.M1.T1",
        name_zh="乙局逾期任务",
        name_en="Overdue task of B",
        lead_unit=bureau_b,
        start=date(2022, 1, 1),
        end=date(2023, 12, 31),
    )
    task.counties.add(county_c)
    return task


def add_report(task_code: str, period: Any, pct: int, status: str, submitted: date | None) -> Any:
    from jingjin.plans.models import Task
    from jingjin.reporting.models import Report

    return Report.objects.create(
        task=Task.objects.get(code=task_code),
        period=period,
        completion_pct=pct,
        progress="本月进展",
        status=status,
        first_submitted_at=_at(submitted) if submitted else None,
        submitted_at=_at(submitted) if submitted else None,
    )


def add_item(code: str, deadline: date, state: str = "assigned") -> Any:
    from jingjin.core.models import Unit
    from jingjin.supervision.models import SupervisionItem

    return SupervisionItem.objects.create(
        code=code,
        title=f"督办事项 {code}",
        assignee_unit=Unit.objects.get(code="t.c"),
        deadline=deadline,
        state=state,
        issued_on=deadline - timedelta(days=30),
    )


def build_scenario(plan: Any) -> dict[str, Any]:
    from jingjin.reporting.services import period_get_or_create

    add_action_two(plan)
    february = period_get_or_create(year=2024, month=2)
    march = period_get_or_create(year=2024, month=3)
    add_report("A1.M1.T1", february, 50, "approved", date(2024, 3, 4))
    add_report("A1.M1.T2", february, 20, "submitted", date(2024, 3, 10))
    add_report("A2.M1.T1", february, 40, "approved", date(2024, 3, 1))
    add_report("A1.M1.T1", march, 55, "approved", date(2024, 4, 3))
    add_report("A2.M1.T1", march, 90, "draft", None)
    # items as they stood at the end of March 2024, the month the tests look at
    today = date(2024, 3, 31)
    add_item("DB-2024-001", today - timedelta(days=2))
    add_item("DB-2024-002", today + timedelta(days=2))
    add_item("DB-2024-003", today - timedelta(days=5), state="closed")
    add_item("DB-2024-004", today + timedelta(days=30))
    return {"february": february, "march": march}


@pytest.fixture
def scenario(users: dict[str, Any], loaded_plan: Any) -> dict[str, Any]:
    return build_scenario(loaded_plan)
