"""The public page (公开页面) of a plan: read-only, without sign-in, only for plans that opted in;
and the plan office's page choosing what it shows."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core.permissions import may_set_public_page
from jingjin.plans.models import Indicator, Plan
from jingjin.public import selectors, services


def public_index(request: HttpRequest) -> HttpResponse:
    """The plans with a public page."""
    return render(request, "public/index.html", {"plans": list(selectors.public_plans())})


def public_plan(request: HttpRequest, code: str) -> HttpResponse:
    """The public page of one plan (404 unless the plan opted in)."""
    try:
        plan = selectors.public_plan(code)
    except Plan.DoesNotExist as exc:
        raise Http404(code) from exc

    def body(data: dict[str, Any]) -> str:
        return str(render_to_string("public/plan_body.html", {"data": data, "chart": data["chart"]}))

    data, html = selectors.public_page(plan, render=body)
    # the body is this template's own autoescaped output, cached as text
    response = render(request, "public/plan.html", {"data": data, "body": mark_safe(html)})  # noqa: S308
    response["Cache-Control"] = "public, max-age=60"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def public_settings(request: HttpRequest, code: str) -> HttpResponse:
    """The plan office opts a plan in or out and selects the indicators shown."""
    if not may_set_public_page(request.user):
        return render(
            request, "403.html", {"reason": _("Only the plan office sets the public page.")}, status=403
        )
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise Http404(code)
    indicators = list(
        Indicator.objects.filter(task__measure__action__plan=plan)
        .select_related("task")
        .order_by("task__code", "position", "code")
    )
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getlist("indicator") if v.isdigit()}
        services.public_page_set(
            actor=request.user,
            plan=plan,
            public=request.POST.get("public") == "on",
            indicator_ids=chosen,
        )
        messages.success(request, _("The public page's settings are saved."))
        return redirect("public:settings", code=plan.code)
    return render(request, "public/settings.html", {"plan": plan, "indicators": indicators})
