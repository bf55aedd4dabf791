"""A cluster's plan page: the cluster's output by year next to the linked plan indicator's target
and last actual, the plan office's form linking the cluster to an indicator, and the reporter's
"apply to the plan" of a year's actual output (:mod:`jingjin.parks.cluster_feed`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingjin.core import clock
from jingjin.core.permissions import PermissionDenied, can_fill_reports, may_manage_park_registers
from jingjin.parks import cluster_feed
from jingjin.parks.models import Cluster, ClusterYear
from jingjin.plans.models import Indicator
from jingjin.reporting.selectors import reported_month
from jingjin.reporting.services import WorkflowError, may_edit, period_get_or_create, period_parse


def _cluster(user: Any, code: str) -> Cluster:
    if "\x00" in code:
        raise Http404(code)
    try:
        cluster: Cluster = Cluster.objects.restrict(user, "view").prefetch_related("years").get(code=code)
    except Cluster.DoesNotExist as exc:
        raise Http404(code) from exc
    return cluster


def _page(request: HttpRequest, cluster: Cluster, error: str = "", status: int = 200) -> HttpResponse:
    feed = cluster_feed.plan_feed(cluster)
    year, month = reported_month(clock.today())
    context = {
        "cluster": cluster,
        "feed": feed,
        "error": error,
        "manages": may_manage_park_registers(request.user),
        "applies": feed.link is not None and may_edit(request.user, feed.link.indicator.task),
        "period": f"{year:04d}-{month:02d}",
    }
    return render(request, "parks/cluster_plan.html", context, status=status)


@login_required
def cluster_plan(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, _cluster(request.user, code))


@login_required
@require_POST
def cluster_link(request: HttpRequest, code: str) -> HttpResponse:
    if not may_manage_park_registers(request.user):
        return render(
            request,
            "403.html",
            {"reason": _("Only the plan office links a cluster to the plan.")},
            status=403,
        )
    cluster = _cluster(request.user, code)
    text = request.POST.get("indicator", "").replace("\x00", "").strip()[:80]
    indicator = None
    if text:
        indicator = Indicator.objects.filter(code=text).first()
        if indicator is None:
            return _page(request, cluster, _("There is no indicator %(code)s.") % {"code": text}, 400)
    try:
        cluster_feed.cluster_indicator_set(actor=request.user, cluster=cluster, indicator=indicator)
    except ValidationError as exc:
        return _page(request, cluster, " ".join(exc.messages), 400)
    messages.success(request, _("The cluster's plan indicator is saved."))
    return redirect("parks:cluster_plan", code=cluster.code)


@login_required
@require_POST
def cluster_apply(request: HttpRequest, code: str) -> HttpResponse:
    if not can_fill_reports(request.user):
        return render(
            request, "403.html", {"reason": _("Only reporters and county users fill in reports.")}, status=403
        )
    cluster = _cluster(request.user, code)
    try:
        year = int(request.POST.get("year", ""))
        row = ClusterYear.objects.get(cluster=cluster, year=year)
    except (ValueError, ClusterYear.DoesNotExist):
        return _page(request, cluster, _("Choose a year of the cluster."), 400)
    try:
        period_year, period_month = period_parse(request.POST.get("period", "").strip()[:7])
        report = cluster_feed.cluster_year_apply(
            actor=request.user,
            cluster_year=row,
            period=period_get_or_create(year=period_year, month=period_month),
        )
    except ValidationError as exc:
        return _page(request, cluster, " ".join(exc.messages), 400)
    except WorkflowError as exc:
        return _page(request, cluster, str(exc), 400)
    except PermissionDenied as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    messages.success(
        request,
        _("The output of %(year)d is in the report of %(task)s for %(period)s (a draft until submitted).")
        % {"year": year, "task": report.task.code, "period": report.period.code},
    )
    return redirect("parks:cluster_plan", code=cluster.code)
