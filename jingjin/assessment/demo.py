"""Demo red/black lists (示例红黑榜): the built-in schemes, and lists computed and published for
the last months that have synthetic reports. Idempotent: a published list is left alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from jingjin.assessment import selectors
from jingjin.assessment.choices import ListStatus
from jingjin.assessment.models import RankingList, RankingScheme
from jingjin.assessment.services import ranking_list_compute, ranking_list_publish, schemes_load_builtin
from jingjin.core import clock
from jingjin.reporting.models import Report, ReportingPeriod

#: how many of the latest months with reports get lists
MONTHS = 6
#: a list is published this long after its period's deadline
PUBLISH_AFTER = timedelta(days=3)
#: a month qualifies when it has at least this share of the busiest month's demo reports
MIN_SHARE = 0.25


@transaction.atomic
def demo_lists(*, today: date, months: int = MONTHS) -> int:
    """Load the built-in schemes, then compute and publish each active scheme's list for the last
    ``months`` periods whose deadline has passed and that have at least ``MIN_SHARE`` of the busiest
    month's synthetic reports, oldest first (so that escalations after two black listings show).
    Returns how many lists were published."""
    schemes_load_builtin(source="demo")
    counts = dict(
        Report.objects.filter(is_synthetic=True, period__deadline__lt=today)
        .order_by()
        .values("period_id")
        .annotate(n=Count("id"))
        .values_list("period_id", "n")
    )
    # months with a fair share of the plan's reports (after the plan's end only a few overdue
    # tasks still report, which makes thin lists)
    busy = [pk for pk, n in counts.items() if n >= MIN_SHARE * max(counts.values())] if counts else []
    periods = list(ReportingPeriod.objects.filter(pk__in=busy).order_by("-year", "-month")[:months])
    published = 0
    for period in reversed(periods):
        for scheme in RankingScheme.objects.filter(is_active=True):
            existing = RankingList.objects.filter(scheme=scheme, period=period).first()
            if existing is not None and existing.status == ListStatus.PUBLISHED:
                continue
            if not selectors.subject_criteria(scheme=scheme, period=period, as_of=today):
                continue  # no unit of the group owes a report (no project has a plan): no list
            ranking_list = ranking_list_compute(
                actor=None, scheme=scheme, period=period, today=today, source="demo", is_synthetic=True
            )
            if not ranking_list.entries.exists():
                continue
            ranking_list_publish(actor=None, ranking_list=ranking_list, source="demo")
            # dated as a plan office would publish it: a few days after the period's deadline
            at = min(
                clock.now(), timezone.make_aware(datetime.combine(period.deadline + PUBLISH_AFTER, time(10)))
            )
            RankingList.objects.filter(pk=ranking_list.pk).update(computed_at=at, published_at=at)
            published += 1
    return published
