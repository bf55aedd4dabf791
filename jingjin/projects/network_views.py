"""Pages of the transport networks (7向19线 rail, 1环9射2纵 expressways …): the list with a
progress table per network, and a network's page with its lines and their projects (segments).

The views read the request, ask :mod:`jingjin.projects.network_selectors` and render.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jingjin.core import clock
from jingjin.core.permissions import has_role
from jingjin.dashboard import periods
from jingjin.dashboard.services import period_resolve
from jingjin.projects import network_selectors as selectors
from jingjin.reporting.models import ReportingPeriod


def _period(request: HttpRequest) -> ReportingPeriod:
    try:
        return period_resolve(code=request.GET.get("period", "").strip()[:7])
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc


@login_required
def network_list(request: HttpRequest) -> HttpResponse:
    """Every network with its lines planned, started and completed and its investment."""
    if not has_role(request.user):
        raise PermissionDenied
    period = _period(request)
    tables = selectors.network_tables(
        list(selectors.networks_for(request.user)), year=period.year, month=period.month
    )
    return render(
        request,
        "projects/network_list.html",
        {"tables": tables, "period": period, "periods": periods.month_choices(clock.today())},
    )


@login_required
def network_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A network's lines, each with its projects (segments) and their state."""
    if not has_role(request.user):
        raise PermissionDenied
    network = get_object_or_404(selectors.networks_for(request.user), code=code)
    period = _period(request)
    (table,) = selectors.network_tables([network], year=period.year, month=period.month)
    return render(
        request,
        "projects/network_detail.html",
        {"table": table, "period": period, "periods": periods.month_choices(clock.today())},
    )
