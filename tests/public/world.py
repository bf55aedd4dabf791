"""The public page's world: the small plan opted in with one indicator selected, and beside it one
object of every kind that must never be shown (see test_nothing_unpublished.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone


def _report(
    task: Any, period: Any, *, pct: int, status: str, value: str | None = None, text: str = ""
) -> Any:
    from jingjin.plans.models import Indicator
    from jingjin.reporting.models import Report, ReportIndicatorValue

    report = Report.objects.create(
        task=task,
        period=period,
        completion_pct=pct,
        status=status,
        progress=text,
        problems=text,
        submitted_at=None if status == "draft" else timezone.make_aware(datetime(2024, 4, 3, 10)),
    )
    if value is not None:
        indicator = Indicator.objects.get(code="A1.M1.T1.I1")
        ReportIndicatorValue.objects.create(report=report, indicator=indicator, value=value)
    return report


def make_world(users: dict[str, Any], loaded_plan: Any) -> dict[str, Any]:
    """The world of the public page's tests (also the browser test's)."""
    from jingjin.assessment.models import RankingScheme
    from jingjin.assessment.services import ranking_list_compute, ranking_list_publish, schemes_load_builtin
    from jingjin.core.models import Unit
    from jingjin.plans.models import Action, Indicator, Measure, Plan, Task
    from jingjin.public.services import public_page_set
    from jingjin.reporting.services import period_get_or_create
    from jingjin.supervision.services import item_issue

    february, march = period_get_or_create(year=2024, month=2), period_get_or_create(year=2024, month=3)
    t1, t2 = Task.objects.get(code="A1.M1.T1"), Task.objects.get(code="A1.M1.T2")
    _report(t1, february, pct=30, status="approved", value="777", text="二月进展说明")
    _report(t1, march, pct=80, status="draft", value="12345", text="草稿里的问题")  # a draft: never shown
    _report(t2, march, pct=55, status="submitted", text="待审核的进展")  # under review: never shown
    public_page_set(
        actor=users["office"],
        plan=loaded_plan,
        public=True,
        indicator_ids=[Indicator.objects.get(code="A1.M1.T1.I1").pk],
    )
    hidden = Plan.objects.create(
        code="hidden-plan", name_zh="未公开规划", city="测试市", start_year=2021, end_year=2025
    )
    action = Action.objects.create(plan=hidden, code="H1", name_zh="未公开行动")
    measure = Measure.objects.create(action=action, code="H1.M1", name_zh="未公开措施")
    hidden_task = Task.objects.create(measure=measure, code="H1.M1.T1", name_zh="未公开任务")
    Indicator.objects.create(
        task=hidden_task, code="H1.M1.T1.I1", name_zh="未公开规划的指标", direction="higher", public=True
    )
    schemes_load_builtin()
    RankingScheme.objects.update(min_items=1)
    scheme = RankingScheme.objects.order_by("pk").first()
    draft = ranking_list_compute(actor=None, scheme=scheme, period=march)
    published = ranking_list_publish(
        actor=None, ranking_list=ranking_list_compute(actor=None, scheme=scheme, period=february)
    )
    item = item_issue(
        actor=users["office"],
        title="督办事项不公开",
        assignee_unit=Unit.objects.get(code="t.a"),
        deadline=date(2030, 1, 1),
    )
    return {"plan": loaded_plan, "hidden": hidden, "draft": draft, "published": published, "item": item}
