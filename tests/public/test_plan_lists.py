"""The red/black lists of a public page are those of its plan: two public plans, one published list
with units of both, and a list of the second plan's units only — each page shows its own."""

from __future__ import annotations

from typing import Any

import pytest

from jingjin.assessment.models import RankingEntry
from jingjin.core.models import Unit
from jingjin.plans.models import Action, Measure, Plan, Task
from jingjin.public.services import public_page_set

pytestmark = pytest.mark.django_db


def _lists_section(page: str) -> str:
    return page[page.index('id="lists-title"') : page.index('id="indicators-title"')]


def _entry(ranking_list: Any, unit: str, verdict: str, rank: int) -> RankingEntry:
    return RankingEntry.objects.create(
        ranking_list=ranking_list,
        unit=Unit.objects.get(code=unit),
        on_time_pct=100,
        score=90 - rank,
        rank=rank,
        target_met=verdict == "red",
        verdict=verdict,
    )


def test_each_plans_page_shows_its_own_units_on_its_lists(
    client: Any, world: dict[str, Any], users: dict[str, Any]
) -> None:
    other = Plan.objects.create(
        code="other-plan", name_zh="第二规划", city="测试市", start_year=2021, end_year=2025
    )
    action = Action.objects.create(plan=other, code="B1", name_zh="第二行动")
    measure = Measure.objects.create(action=action, code="B1.M1", name_zh="第二措施")
    county = Unit.objects.create(
        code="t.d", name_zh="丁县", name_en="County D", kind="county", parent=Unit.objects.get(code="t")
    )
    Task.objects.create(measure=measure, code="B1.M1.T1", name_zh="丁县任务", lead_unit=county)
    public_page_set(actor=users["office"], plan=other, public=True, indicator_ids=[])
    published = world["published"]
    published.entries.all().delete()
    _entry(published, "t.a", "red", 1)  # a unit of the test plan
    _entry(published, "t.d", "black", 3)  # the county leads only the other plan's task
    first = _lists_section(client.get("/public/test-plan/").content.decode())
    second = _lists_section(client.get("/public/other-plan/").content.decode())
    assert "甲局" in first and "丁县" not in first
    assert "丁县" in second and "甲局" not in second
    # a list of the test plan's units only is not on the other plan's page
    published.entries.filter(unit__code="t.d").delete()
    from django.core.cache import cache

    cache.clear()
    assert published.period.code in _lists_section(client.get("/public/test-plan/").content.decode())
    assert published.period.code not in _lists_section(client.get("/public/other-plan/").content.decode())
