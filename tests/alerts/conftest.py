"""Fixtures of the early-warning tests: the small plan, its users, periods, reports and items."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read the English messages; the Chinese ones are checked by the translation test."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _mail(settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def task_a(loaded_plan: Any) -> Any:
    from jingjin.plans.models import Task

    return Task.objects.get(code="A1.M1.T1")


@pytest.fixture
def task_b(loaded_plan: Any) -> Any:
    from jingjin.plans.models import Task

    return Task.objects.get(code="A1.M1.T2")


@pytest.fixture
def period(db: Any) -> Any:
    """2024-03, deadline 2024-04-05."""
    from jingjin.reporting.services import period_get_or_create

    return period_get_or_create(year=2024, month=3)


@pytest.fixture
def submit(users: dict[str, Any]) -> Any:
    """Submit a report of a task for a period, with a completion % and indicator values."""
    from jingjin.reporting.services import report_save_draft, report_submit

    def make(task: Any, period: Any, pct: int = 55, values: dict[str, str] | None = None) -> Any:
        actor = users["reporter_a"] if task.lead_unit.code == "t.a" else users["reporter_b"]
        report = report_save_draft(
            actor=actor,
            task=task,
            period=period,
            data={"progress": "进展", "completion_pct": pct},
            indicator_values=values or {},
        )
        return report_submit(actor=actor, report=report)

    return make


@pytest.fixture
def item(users: dict[str, Any]) -> Any:
    """An open supervision item of unit t.a due on 2024-04-10."""
    from jingjin.core.models import Unit
    from jingjin.supervision.models import SupervisionItem

    return SupervisionItem.objects.create(
        code="DB-2024-001",
        title="督办事项",
        assignee_unit=Unit.objects.get(code="t.a"),
        deadline=date(2024, 4, 10),
        issued_on=date(2024, 3, 1),
    )
