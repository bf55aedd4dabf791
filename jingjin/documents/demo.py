"""Demo documents and the demo's public page: the plan's document settings (issuing office and
number prefixes made from the plan's city), three documents issued on the demo's day — a 督办函
from an open synthetic supervision item, the 通报 of the last month whose deadline has passed and
the 红黑榜通报 of the newest published list — and the plan opted in to the public page with a few
indicators that have approved values selected. Idempotent."""

from __future__ import annotations

from datetime import date

from jingjin.assessment.models import RankingList
from jingjin.documents import services
from jingjin.documents.choices import DocumentKind
from jingjin.documents.models import DocumentSettings, OfficialDocument
from jingjin.plans.models import Indicator, Plan
from jingjin.public.services import public_page_set
from jingjin.reporting.models import ReportIndicatorValue, ReportingPeriod
from jingjin.supervision.models import SupervisionItem

#: indicators shown on the demo's public page
PUBLIC_INDICATORS = 4


def _settings(plan: Plan) -> None:
    if DocumentSettings.objects.filter(plan=plan).exists():
        return
    office = f"{plan.city}督查考核办公室" if plan.city else "督查考核办公室"
    mark = plan.city[:1]  # 机关代字: the city's one-character abbreviation, as the demo's documents show
    services.document_settings_save(
        actor=None,
        plan=plan,
        values={
            "issuer": office,
            "signature": office,
            "prefix_notice": f"{mark}督",
            "prefix_bulletin": f"{mark}督通",
            "prefix_ranking": f"{mark}督榜",
            "copy_to": "市委办公室，市人大常委会办公室，市政府办公室，市政协办公室",
            "printer": office,
        },
        origin="demo",
    )


def _public(plan: Plan) -> None:
    with_values = (
        ReportIndicatorValue.objects.filter(
            indicator__task__measure__action__plan=plan, report__status="approved", value__isnull=False
        )
        .order_by("indicator__task__code", "indicator__code")
        .values_list("indicator_id", flat=True)
        .distinct()
    )
    chosen = list(dict.fromkeys(with_values))[:PUBLIC_INDICATORS]
    if not chosen:
        chosen = list(
            Indicator.objects.filter(task__measure__action__plan=plan, target_value__isnull=False)
            .order_by("task__code", "code")
            .values_list("pk", flat=True)[:PUBLIC_INDICATORS]
        )
    public_page_set(actor=None, plan=plan, public=True, indicator_ids=chosen, origin="demo")


def demo_documents(*, today: date) -> int:
    """Set up the first plan's documents and public page; returns how many documents were issued."""
    plan = Plan.objects.order_by("pk").first()
    if plan is None:
        return 0
    _settings(plan)
    _public(plan)
    if OfficialDocument.objects.filter(is_synthetic=True).exists():
        return 0
    sources: list[tuple[str, object]] = []
    item = (
        SupervisionItem.objects.filter(is_synthetic=True, issued_on__lte=today)
        .exclude(state="closed")
        .order_by("deadline", "code")
        .first()
    )
    if item is not None:
        sources.append((DocumentKind.NOTICE, item))
    period = ReportingPeriod.objects.filter(deadline__lt=today).order_by("-year", "-month").first()
    if period is not None:
        sources.append((DocumentKind.BULLETIN, period))
    ranking = (
        RankingList.objects.filter(status="published").order_by("-period__year", "-period__month").first()
    )
    if ranking is not None:
        sources.append((DocumentKind.RANKING, ranking))
    for kind, source in sources:
        services.document_issue(
            actor=None, kind=kind, plan=plan, source=source, day=today, origin="demo", is_synthetic=True
        )
    return len(sources)
