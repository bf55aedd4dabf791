"""The campaigns' monthly investment (大会战月度投资), kept at write time for the campaign page.

The campaign page sums ``investment_month`` of its projects' reported reports month by month over
the campaign's window: read from the reports that is a scan of every report of every project of
the campaign (600,000 rows for 10,000 projects × 60 months). It is kept here instead: one
:class:`~jingjin.projects.models.CampaignMonth` row per campaign and month with reports — the sum of
the month's ``investment_month`` over the reports whose status counts as reported (submitted,
resubmitted, approved: :data:`jingjin.reporting.choices.REPORTED_STATES`) and how many there are.
The page reads one row per month.

A row is a pure function of the reports and the campaign's projects, so keeping it is simple and
idempotent: :func:`summaries_refresh` recomputes the rows of the (campaign, month) pairs a write of
reports touches; :func:`campaigns_refresh` every row of the campaigns whose projects changed. They
are called in ONE place each: the report model and its query set (``save``/``delete``,
``bulk_create``, ``update``, ``delete``; a project's deletion deletes its reports one by one
through the collector, which calls the post-delete signal handled in :mod:`jingjin.projects.signals`)
and the ``m2m_changed`` signal of ``Campaign.projects`` (both directions), all inside the writer's
transaction — the approval of a report and its campaign months commit together.

A project's own monthly figure needs no summary: it is its report of that month (one per project
and month), read from the reports' covering index ``projectreport_month_cover``.

:func:`summaries_rebuild` recomputes every row (``jingjin summaries rebuild``); :func:`summaries_check`
compares the stored rows with a fresh computation (``jingjin summaries check``).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum

#: one fresh row: campaign id, month index → (investment, reports)
Rows = dict[tuple[int, int], tuple[Decimal, int]]


def compute(campaign_id: int, months: Iterable[int] | None = None) -> Rows:
    """The rows of a campaign (of ``months``, default all) computed from its projects' reports: one
    query read from the reports' covering index (the members as a subquery of the link table)."""
    from jingjin.projects.models import Campaign, ProjectReport
    from jingjin.reporting.choices import REPORTED_STATES

    members = Campaign.projects.through.objects.filter(campaign_id=campaign_id).values("keyproject_id")
    reports = ProjectReport.objects.filter(project__in=members)
    if months is not None:
        wanted = sorted(set(months))
        if not wanted:
            return {}
        reports = reports.filter(period_index__gte=wanted[0], period_index__lte=wanted[-1])
        if len(wanted) != wanted[-1] - wanted[0] + 1:
            reports = reports.filter(period_index__in=wanted)
    reported = Q(status__in=REPORTED_STATES)
    rows = (
        reports.order_by()
        .values_list("period_index")
        .annotate(total=Sum("investment_month", filter=reported), n=Count("pk", filter=reported))
        .values_list("period_index", "total", "n")
    )
    return {(campaign_id, index): (total or Decimal(0), n) for index, total, n in rows if n}


def _store(campaign_id: int, months: list[int] | None) -> None:
    """Replace the stored rows of a campaign (of ``months``, default all) by fresh ones."""
    from jingjin.projects.models import CampaignMonth

    fresh = compute(campaign_id, months)
    stale = CampaignMonth.objects.filter(campaign_id=campaign_id)
    if months is not None:
        stale = stale.filter(period_index__in=months)
    stale.delete()
    CampaignMonth.objects.bulk_create(
        CampaignMonth(campaign_id=cid, period_index=index, investment=total, reports=n)
        for (cid, index), (total, n) in sorted(fresh.items())
    )


def _lock(campaign_ids: Iterable[int]) -> list[int]:
    """The campaigns that exist, locked in order (serialises the refreshes of a campaign)."""
    from jingjin.projects.models import Campaign

    ids = sorted({int(i) for i in campaign_ids})
    if not ids:
        return []
    return list(
        Campaign.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def summaries_refresh(pairs: Iterable[tuple[int, int]]) -> int:
    """Recompute the campaign months that reports of these (project id, month index) pairs count
    in; returns how many campaigns. Idempotent."""
    from jingjin.projects.models import Campaign

    months_of: dict[int, set[int]] = {}
    for project_id, index in pairs:
        if project_id is not None:
            months_of.setdefault(int(project_id), set()).add(int(index))
    if not months_of:
        return 0
    links = Campaign.projects.through.objects.filter(keyproject_id__in=list(months_of)).values_list(
        "campaign_id", "keyproject_id"
    )
    wanted: dict[int, set[int]] = {}
    for campaign_id, project_id in links:
        wanted.setdefault(campaign_id, set()).update(months_of[project_id])
    with transaction.atomic():
        for campaign_id in _lock(wanted):
            _store(campaign_id, sorted(wanted[campaign_id]))
    return len(wanted)


def campaigns_refresh(campaign_ids: Iterable[int]) -> int:
    """Recompute every month of these campaigns (their projects changed); returns how many."""
    with transaction.atomic():
        ids = _lock(campaign_ids)
        for campaign_id in ids:
            _store(campaign_id, None)
    return len(ids)


def summaries_rebuild() -> int:
    """Recompute the months of every campaign (and remove stray rows); returns how many campaigns."""
    from jingjin.projects.models import Campaign, CampaignMonth

    with transaction.atomic():
        CampaignMonth.objects.all().delete()
        return campaigns_refresh(Campaign.objects.values_list("pk", flat=True))


def summaries_check() -> list[int]:
    """The campaigns whose stored months differ from a fresh computation (empty when all agree)."""
    from jingjin.projects.models import Campaign, CampaignMonth

    wrong = []
    for campaign_id in Campaign.objects.order_by("pk").values_list("pk", flat=True):
        stored = {
            (campaign_id, index): (total, n)
            for index, total, n in CampaignMonth.objects.filter(campaign_id=campaign_id).values_list(
                "period_index", "investment", "reports"
            )
        }
        if stored != compute(campaign_id):
            wrong.append(campaign_id)
    return wrong
