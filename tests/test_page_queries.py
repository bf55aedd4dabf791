"""The number of SQL queries of each main page does not grow with the plan (issue 3, Performance).

One plan, its pages counted as the plan office; then 40 more tasks, each with two months of
reports, an indicator, a supervision item and the warnings they raise; the pages counted again.
Every page must make the same number of queries. (The cockpit, the plan tree and the reporting
lists have their own, more detailed tests in their apps.)
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

PERIOD = "2024-03"
AS_OF = date(2024, 4, 20)  # past the deadline of 2024-03: reports missing, items overdue

PAGES = [
    "/",
    f"/cockpit/?period={PERIOD}",
    f"/reports/?period={PERIOD}",
    f"/reports/overview/?period={PERIOD}",
    "/reports/review/",
    "/warnings/",
    "/supervision/",
    "/lists/",
    "/audit/",
    "/units/",
    f"/units/t.a/?period={PERIOD}",  # the scorecard of the unit that leads the added tasks
    f"/units/t.c/?period={PERIOD}",  # … and of the county they list
    f"/cockpit/tasks/?period={PERIOD}",
    f"/cockpit/tasks/?period={PERIOD}&county=t.c&status=on_track",
    "/plan/test-plan/tasks/A1.M1.T1/",
    "/plan/test-plan/measures/A1.M1/",
    "/plan/test-plan/actions/A1/",
]


def _grow(loaded_plan: Any, users: dict[str, Any], n: int) -> None:
    """``n`` tasks under A1.M1 led by Bureau A (listing County C), each with an indicator, a
    submitted report for 2024-02 and 2024-03 (through the workflow services), and a supervision
    item for Bureau A; then the warnings."""
    from jingjin.alerts.services import warnings_refresh
    from jingjin.core.models import Unit
    from jingjin.plans.models import Indicator, Measure, Task
    from jingjin.reporting.services import period_get_or_create, report_save_draft, report_submit
    from jingjin.supervision.models import SupervisionItem

    measure = Measure.objects.get(code="A1.M1")
    bureau_a, county_c = Unit.objects.get(code="t.a"), Unit.objects.get(code="t.c")
    months = [period_get_or_create(year=2024, month=m) for m in (2, 3)]
    start = Task.objects.count()
    for i in range(start, start + n):
        task = Task.objects.create(
            measure=measure,
            code=f"A1.M1.X{i}",
            name_zh=f"新增任务{i}",
            name_en=f"Added task {i}",
            lead_unit=bureau_a,
            start=date(2023, 1, 1),
            end=date(2024, 12, 31),
            position=100 + i,
        )
        task.counties.add(county_c)
        Indicator.objects.create(
            task=task, code=f"A1.M1.X{i}.I1", name_zh=f"指标{i}", name_en=f"Indicator {i}", direction="higher"
        )
        for k, month in enumerate(months):
            if k == 1 and i % 2:
                continue  # every other task misses 2024-03: a missing-report warning
            report = report_save_draft(
                actor=users["reporter_a"],
                task=task,
                period=month,
                data={"progress": "进展", "completion_pct": 10 + 5 * k + i % 7},
            )
            report_submit(actor=users["reporter_a"], report=report)
        SupervisionItem.objects.create(
            code=f"DB-X-{i:03d}",
            title=f"督办事项{i}",
            assignee_unit=bureau_a,
            deadline=AS_OF - timedelta(days=i % 5),
            issued_on=AS_OF - timedelta(days=30),
        )
    warnings_refresh(as_of=AS_OF, notify=False)


def _count(client: Any, url: str) -> int:
    cache.clear()
    client.get(url)  # warm-up: per-process caches (translations, content types, …)
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries)


def test_the_queries_of_each_page_do_not_grow_with_the_plan(client, users, loaded_plan):
    client.force_login(users["office"])
    _grow(loaded_plan, users, 2)
    small = {url: _count(client, url) for url in PAGES}
    _grow(loaded_plan, users, 40)
    big = {url: _count(client, url) for url in PAGES}
    grew = {url: (small[url], big[url]) for url in PAGES if big[url] != small[url]}
    assert not grew, f"queries grew with the plan (before, after): {grew}"
