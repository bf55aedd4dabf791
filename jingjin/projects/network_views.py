"""Pages of the transport networks (7向19线 rail, 1环9射2纵 expressways …): the list with a
progress table per network, and a network's page with its lines and their projects (segments);
the plan office's forms to add and change networks and lines (with their projects).

The views read the request, ask :mod:`jingjin.projects.network_selectors` and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core import clock
from jingjin.core.permissions import PermissionDenied as RefusedWrite
from jingjin.core.permissions import has_role, may_manage_networks
from jingjin.dashboard import periods
from jingjin.dashboard.services import period_resolve
from jingjin.projects import network_selectors as selectors
from jingjin.projects import network_services as services
from jingjin.projects.models import NetworkLine, NetworkPlan
from jingjin.projects.network_forms import NetworkForm, NetworkLineForm
from jingjin.projects.views import form_errors
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
        {
            "tables": tables,
            "period": period,
            "periods": periods.month_choices(clock.today()),
            "may_manage": may_manage_networks(request.user),
        },
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
        {
            "table": table,
            "period": period,
            "periods": periods.month_choices(clock.today()),
            "may_manage": may_manage_networks(request.user),
        },
    )


def _forbidden(request: HttpRequest) -> HttpResponse:
    reason = _("Only the plan office may create or change networks.")
    return render(request, "403.html", {"reason": reason}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def network_create(request: HttpRequest) -> HttpResponse:
    """A new network (the plan office)."""
    return _network_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def network_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a network's fields (the plan office)."""
    if not may_manage_networks(request.user):
        return _forbidden(request)
    return _network_form(request, get_object_or_404(NetworkPlan, code=code))


def _network_form(request: HttpRequest, network: NetworkPlan | None) -> HttpResponse:
    if not may_manage_networks(request.user):
        return _forbidden(request)
    data = request.POST if request.method == "POST" else None
    form = NetworkForm(data, instance=NetworkPlan.objects.get(pk=network.pk) if network else None)
    if request.method == "POST" and form.is_valid():
        try:
            if network is None:
                saved = services.network_create(actor=request.user, data=form.data_for_service())
            else:
                values = form.data_for_service()
                saved = services.network_update(network=network, actor=request.user, data=values)
        except RefusedWrite:
            return _forbidden(request)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:network", code=saved.code)
    return render(
        request,
        "projects/network_edit.html",
        {"form": form, "network": network, "line": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, code: str) -> HttpResponse:
    """A new line of a network, with its projects (the plan office)."""
    if not may_manage_networks(request.user):
        return _forbidden(request)
    return _line_form(request, get_object_or_404(NetworkPlan, code=code), None)


@login_required
@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, code: str, line: str) -> HttpResponse:
    """Change a line of a network and its projects (the plan office)."""
    if not may_manage_networks(request.user):
        return _forbidden(request)
    network = get_object_or_404(NetworkPlan, code=code)
    return _line_form(request, network, get_object_or_404(NetworkLine, network=network, code=line))


def _line_form(request: HttpRequest, network: NetworkPlan, line: NetworkLine | None) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = NetworkLineForm(data, instance=NetworkLine.objects.get(pk=line.pk) if line else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.line_save(
                line=line,
                actor=request.user,
                data={**form.data_for_service(), "network": network},
                projects=form.cleaned_data["project_codes"],
            )
        except RefusedWrite:
            return _forbidden(request)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:network", code=network.code)
    return render(
        request,
        "projects/network_edit.html",
        {"form": form, "network": network, "line": line, "is_line": True},
        status=400 if request.method == "POST" else 200,
    )
