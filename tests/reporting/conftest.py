"""Fixtures of the reporting tests: an approver of unit t.a, tasks, a period, evidence storage in tmp."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english(settings: Any) -> Any:
    """These tests read the English messages; the Chinese ones are checked by the translation test."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def approver_a(users: dict[str, Any], make_user: Any) -> Any:
    return make_user("approver_a", "approver", "t.a")


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
    from jingjin.reporting.services import period_get_or_create

    return period_get_or_create(year=2024, month=3)


@pytest.fixture
def draft(users: dict[str, Any], task_a: Any, period: Any) -> Any:
    """A filled-in draft of A1.M1.T1 for 2024-03 by reporter_a."""
    from jingjin.reporting.services import report_save_draft

    return report_save_draft(
        actor=users["reporter_a"],
        task=task_a,
        period=period,
        data={"progress": "完成户厕改造1200户", "completion_pct": 55, "next_plan": "1. 验收\n2. 培训"},
        indicator_values={"A1.M1.T1.I1": "1200"},
    )
