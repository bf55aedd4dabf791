"""Pages of the core app: sign-in, units and the audit trail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from jingjin.core import clock, selectors
from jingjin.core.audit_display import model_label
from jingjin.core.models import AuditEntry, Unit


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
    """A unit's page and scorecard (单位画像): its tasks with their lights, its reporting record,
    its red/black list history, its open warnings and supervision items (``?period=YYYY-MM``:
    the month whose figures are shown, by default the month being reported on)."""
    from jingjin.dashboard.scorecard import unit_scorecard
    from jingjin.dashboard.services import period_resolve

    unit = get_object_or_404(Unit.objects.restrict(request.user, "view").select_related("parent"), code=code)
    today = clock.today()
    try:
        period = period_resolve(code=request.GET.get("period", "").strip(), today=today)
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc
    return render(
        request,
        "core/unit.html",
        {
            "unit": unit,
            "children": unit.children.all(),
            "card": unit_scorecard(user=request.user, unit=unit, period=period, today=today),
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


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """The 400 page: a request Django refused before any view saw it (most often a form whose
    texts are far larger than any field allows, see ``DATA_UPLOAD_MAX_MEMORY_SIZE``). The API gets
    JSON; a page gets a message in the UI's language and a way back (the browser usually keeps the
    text typed in the form)."""
    from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
    from django.http import JsonResponse
    from django.utils.http import url_has_allowed_host_and_scheme
    from django.utils.translation import gettext as _

    too_big = isinstance(exception, RequestDataTooBig)
    message = (
        _("The form is too large to be read (more than %(mb)d MB). Shorten the texts and send it again.")
        % {"mb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)}
        if too_big
        else _("The request could not be read.")
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    back = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except SuspiciousOperation:  # a bad Host header is one of the requests that end here
        host = ""
    if not host or not url_has_allowed_host_and_scheme(back, allowed_hosts={host}):
        back = ""
    return render(request, "400.html", {"message": message, "back": back}, status=400)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    """The 404 answer: JSON under ``/api/`` (an address no API route matches, as the document says),
    the 404 page elsewhere."""
    from django.http import JsonResponse
    from django.utils.translation import gettext as _
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return page_not_found(request, exception)
