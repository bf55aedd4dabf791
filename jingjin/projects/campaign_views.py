"""Pages of project campaigns (攻坚大会战): the list and a campaign's page with its targets against
actual, its progress over the months (ECharts, data in a JSON script tag) and its rankings.

The views read the request, ask :mod:`jingjin.projects.campaign_selectors` and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core import clock
from jingjin.core.permissions import PermissionDenied as RefusedWrite
from jingjin.core.permissions import has_role, may_manage_campaigns
from jingjin.dashboard import periods
from jingjin.dashboard.services import period_resolve
from jingjin.projects import campaign_selectors as selectors
from jingjin.projects import campaign_services
from jingjin.projects.campaign_forms import CampaignForm
from jingjin.projects.campaign_selectors import CampaignFigures
from jingjin.projects.models import Campaign
from jingjin.projects.views import form_errors
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
    return render(
        request,
        "projects/campaign_list.html",
        {"campaigns": campaigns, "may_manage": may_manage_campaigns(request.user)},
    )


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
            "may_manage": may_manage_campaigns(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    """A new campaign (the plan office)."""
    return _campaign_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a campaign: its fields, targets and projects (the plan office)."""
    if not may_manage_campaigns(request.user):
        return _forbidden(request)
    return _campaign_form(request, get_object_or_404(Campaign, code=code))


def _forbidden(request: HttpRequest) -> HttpResponse:
    reason = _("Only the plan office may create or change campaigns.")
    return render(request, "403.html", {"reason": reason}, status=403)


def _campaign_form(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    if not may_manage_campaigns(request.user):
        return _forbidden(request)
    data = request.POST if request.method == "POST" else None
    form = CampaignForm(data, instance=Campaign.objects.get(pk=campaign.pk) if campaign else None)
    if request.method == "POST" and form.is_valid():
        try:
            if campaign is None:
                saved = campaign_services.campaign_create(actor=request.user, data=form.data_for_service())
            else:
                values = form.data_for_service()
                saved = campaign_services.campaign_update(campaign=campaign, actor=request.user, data=values)
        except RefusedWrite:
            return _forbidden(request)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:campaign", code=saved.code)
    return render(
        request,
        "projects/campaign_edit.html",
        {"form": form, "campaign": campaign},
        status=400 if request.method == "POST" else 200,
    )
