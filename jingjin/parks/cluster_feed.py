"""Clusters feed the plan (action 3's indicators): a cluster is linked to one plan indicator
(:class:`~jingjin.parks.models.ClusterIndicator`, set by the plan office), and a year's actual
output (亿元) is applied to the plan as that indicator's actual value in a monthly report of the
indicator's task — through :func:`jingjin.reporting.services.report_save_draft`, so the
reporting rules hold (the reporter or county user of the task's unit, a draft or returned
report, the indicator's bounds) and the report's audit row records it. The link's own changes
leave audit rows too.

A small mechanism of this slice: a general "fed indicator" (an indicator whose actuals come from
a register) may replace it later.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.choices import AuditAction
from jingjin.core.permissions import PermissionDenied, may_manage_park_registers
from jingjin.core.services import audit_record
from jingjin.parks.models import Cluster, ClusterIndicator, ClusterYear
from jingjin.plans.models import Indicator
from jingjin.reporting.models import Report, ReportIndicatorValue, ReportingPeriod
from jingjin.reporting.services import report_save_draft

#: the indicator units a cluster's output (亿元) may be written into as it is
OUTPUT_UNITS = ("亿元", "100 million yuan")


@transaction.atomic
def cluster_indicator_set(
    *, actor: Any, cluster: Cluster, indicator: Indicator | None, source: str = "web"
) -> ClusterIndicator | None:
    """Link ``cluster`` to ``indicator`` (None: unlink); the plan office only. The indicator's
    unit must be 亿元 (or empty): the cluster's output is written as it is. ``actor=None`` is the
    system itself (the demo)."""
    if actor is not None and not may_manage_park_registers(actor):
        raise PermissionDenied(_("Only the plan office links a cluster to the plan."))
    link = ClusterIndicator.objects.filter(cluster=cluster).first()
    before = link.snapshot() if link else None
    if indicator is None:
        if link is not None:
            audit_record(
                actor=actor, action=AuditAction.DELETE, obj=link, before=before, after=None, source=source
            )
            link.delete()
        return None
    if indicator.unit.strip() and indicator.unit.strip() not in OUTPUT_UNITS:
        raise ValidationError(
            _("Indicator %(code)s is measured in %(unit)s; a cluster's output is in 100 million yuan (亿元).")
            % {"code": indicator.code, "unit": indicator.unit}
        )
    if link is None:
        link = ClusterIndicator(cluster=cluster)
    link.indicator = indicator
    link.full_clean()
    link.save()
    action = AuditAction.CREATE if before is None else AuditAction.UPDATE
    audit_record(actor=actor, action=action, obj=link, before=before, after=link.snapshot(), source=source)
    return link


def cluster_year_apply(
    *, actor: Any, cluster_year: ClusterYear, period: ReportingPeriod, source: str = "web"
) -> Report:
    """Write ``cluster_year``'s actual output as the linked indicator's actual value in the report
    of ``period`` (of the same year or the next one) of the indicator's task."""
    link = (
        ClusterIndicator.objects.select_related("indicator__task")
        .filter(cluster_id=cluster_year.cluster_id)
        .first()
    )
    if link is None:
        raise ValidationError(_("This cluster is not linked to a plan indicator."))
    if cluster_year.actual_output is None:
        raise ValidationError(_("The year %(year)d has no actual output.") % {"year": cluster_year.year})
    if period.year not in (cluster_year.year, cluster_year.year + 1):
        raise ValidationError(
            _("The output of %(year)d goes into a report of %(year)d or of the next year.")
            % {"year": cluster_year.year}
        )
    return report_save_draft(
        actor=actor,
        task=link.indicator.task,
        period=period,
        data={},
        indicator_values={link.indicator: cluster_year.actual_output},
        source=source,
    )


@dataclass
class PlanFeed:
    """What the cluster's plan page shows: the link, the indicator's target and its last actual."""

    link: ClusterIndicator | None
    last_actual: Decimal | None = None
    last_period: ReportingPeriod | None = None


def plan_feed(cluster: Cluster) -> PlanFeed:
    """The cluster's link to the plan with the indicator's last reported actual (two queries)."""
    link = ClusterIndicator.objects.select_related("indicator__task").filter(cluster=cluster).first()
    if link is None:
        return PlanFeed(link=None)
    last = (
        ReportIndicatorValue.objects.filter(indicator=link.indicator, value__isnull=False)
        .select_related("report__period")
        .order_by("-report__period__year", "-report__period__month")
        .first()
    )
    if last is None:
        return PlanFeed(link=link)
    return PlanFeed(link=link, last_actual=last.value, last_period=last.report.period)
