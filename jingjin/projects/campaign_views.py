"""Pages of project campaigns (攻坚大会战): the list and a campaign's page with its targets against
actual, its progress over the months (ECharts, data in a JSON script tag) and its rankings.

The views read the request, ask :mod:`jingjin.projects.campaign_selectors` and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.permissions import has_role
from jingjin.dashboard import periods
from jingjin.dashboard.services import period_resolve
from jingjin.projects import campaign_selectors as selectors
from jingjin.projects.campaign_selectors import CampaignFigures
from jingjin.reporting.models import ReportingPeriod


def _period(request: HttpRequest) -> ReportingPeriod:
    try:
        return period_resolve(code=request.GET.get("period", "").strip()[:7])
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc


def _chart(figures: CampaignFigures) -> dict[str, Any]:
    target = figures.campaign.target_investment
    return {
        "months": figures.months,
        "investment": figures.cumulative,
        "started": figures.started_by_month,
        "target_investment": float(target) if target is not None else None,
        "target_started": figures.campaign.target_started,
        "names": {
            "investment": _("Investment completed (10,000 yuan)"),
            "started": _("Projects started"),
            "target": _("Target"),
        },
        "units": {
            "names": [g.name for g in figures.units],
            "completion": [
                None if g.completion_pct is None else round(g.completion_pct, 1) for g in figures.units
            ],
            "axis": _("Completion of the year's plan (%)"),
        },
    }


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns, newest first."""
    if not has_role(request.user):
        raise PermissionDenied
    campaigns = list(selectors.campaigns_for(request.user))
    return render(request, "projects/campaign_list.html", {"campaigns": campaigns})


@login_required
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A campaign's page as of ``?period=YYYY-MM`` (default: the month being reported on)."""
    if not has_role(request.user):
        raise PermissionDenied
    campaign = get_object_or_404(selectors.campaigns_for(request.user), code=code)
    period = _period(request)
    figures = selectors.campaign_figures(campaign, year=period.year, month=period.month)
    return render(
        request,
        "projects/campaign_detail.html",
        {
            "campaign": campaign,
            "figures": figures,
            "period": period,
            "periods": periods.month_choices(clock.today()),
            "chart_data": _chart(figures),
        },
    )
