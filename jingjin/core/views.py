"""Pages of the core app: sign-in, units and the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jingjin.core import selectors
from jingjin.core.audit_display import model_label
from jingjin.core.models import AuditEntry, Unit
from jingjin.plans.selectors import unit_tasks


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def forbidden(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(request, "core/units.html", {"units": selectors.unit_tree(user=request.user)})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.restrict(request.user, "view").select_related("parent"), code=code)
    return render(
        request,
        "core/unit.html",
        {
            "unit": unit,
            "children": unit.children.all(),
            "tasks": unit_tasks(user=request.user, unit=unit),
            "audit": selectors.audit_for_object(user=request.user, obj=unit)[:50],
        },
    )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    filters = {
        k: request.GET.get(k, "").strip() for k in ("user", "unit", "model", "date_from", "date_to", "q")
    }
    entries = selectors.audit_list(
        user=request.user,
        username=filters["user"],
        unit=filters["unit"],
        model=filters["model"],
        date_from=_date(filters["date_from"]),
        date_to=_date(filters["date_to"]),
        query=filters["q"],
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    users = AuditEntry.objects.order_by("user_name").values_list("user_name", flat=True).distinct()
    types = AuditEntry.objects.order_by().values_list("content_type_id", flat=True).distinct()
    models = sorted(
        (
            (kind.model, model_label(kind.model_class(), kind.model))
            for kind in (ContentType.objects.get_for_id(pk) for pk in types)
        ),
        key=lambda pair: pair[1],
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit.html",
        {
            "page": page,
            "filters": filters,
            "users": users,
            "models": models,
            "units": Unit.objects.exclude(kind__in=["village", "township"]),
            "query": query.urlencode(),
        },
    )
