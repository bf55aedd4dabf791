"""Fixtures of the red/black list tests: the built-in schemes, a hand-built period 2024-03 with
reports of known values (see ``test_criteria.py`` for the numbers worked by hand)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

#: a day after the deadline of 2024-03 (2024-04-05)
AFTER = date(2024, 4, 20)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read the English messages."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def schemes(loaded_plan: Any) -> dict[str, Any]:
    from jingjin.assessment.models import RankingScheme
    from jingjin.assessment.services import schemes_load_builtin

    schemes_load_builtin()
    # the hand-built periods give each unit one or two tasks: rank them all (the minimum of scored
    # items, 3 by default, is tested in test_edge_cases.py)
    RankingScheme.objects.update(min_items=1)
    return {s.code: s for s in RankingScheme.objects.all()}


def period_of(year: int, month: int) -> Any:
    from jingjin.reporting.services import period_get_or_create

    return period_get_or_create(year=year, month=month)


def report(
    task_code: str,
    period: Any,
    *,
    pct: int | None,
    submitted: date | None,
    values: dict[str, str] | None = None,
) -> Any:
    """A report made directly (the workflow is tested in tests/reporting): submitted on a day, or a draft."""
    from django.utils import timezone

    from jingjin.plans.models import Indicator, Task
    from jingjin.reporting.models import Report, ReportIndicatorValue

    at = (
        timezone.make_aware(datetime(submitted.year, submitted.month, submitted.day, 10))
        if submitted
        else None
    )
    made = Report.objects.create(
        task=Task.objects.get(code=task_code),
        period=period,
        completion_pct=pct,
        status="approved" if submitted else "draft",
        submitted_at=at,
        first_submitted_at=at,
    )
    for code, value in (values or {}).items():
        ReportIndicatorValue.objects.create(
            report=made, indicator=Indicator.objects.get(code=code), value=Decimal(value)
        )
    return made


@pytest.fixture
def march(loaded_plan: Any, schemes: Any) -> Any:
    """Period 2024-03 (deadline 2024-04-05) with a third task T3 of t.a (2024-01-01 → 2024-12-31) and:

    * T1 (t.a): 55 %, submitted 2024-04-03 (on time), I1 = 57996 (its target);
    * T3 (t.a): 20 %, submitted 2024-04-08 (late);
    * T2 (t.b): 30 %, submitted 2024-04-05 (the deadline day: on time).
    """
    from jingjin.plans.models import Measure, Task

    measure = Measure.objects.get(code="A1.M1")
    t1 = Task.objects.get(code="A1.M1.T1")
    Task.objects.create(
        measure=measure,
        code="A1.M1.T3",
        name_zh="甲局任务三",
        name_en="Third task of A",
        lead_unit=t1.lead_unit,
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
        position=3,
    )
    period = period_of(2024, 3)
    report("A1.M1.T1", period, pct=55, submitted=date(2024, 4, 3), values={"A1.M1.T1.I1": "57996"})
    report("A1.M1.T3", period, pct=20, submitted=date(2024, 4, 8))
    report("A1.M1.T2", period, pct=30, submitted=date(2024, 4, 5))
    return period
