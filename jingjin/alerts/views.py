"""Pages of early warnings (预警): the list with filters and acknowledgement, and the user's
notifications."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingjin.alerts import selectors, services
from jingjin.alerts.choices import WarningLevel, WarningRule
from jingjin.alerts.models import EarlyWarning
from jingjin.core import clock
from jingjin.core.permissions import PermissionDenied, may_give_instructions
from jingjin.supervision.instructions import instructions_of_warnings


def object_link(warning: EarlyWarning) -> str:
    """The page of the object a warning is about ("" when there is none)."""
    try:
        if warning.supervision_item_id is not None and warning.supervision_item is not None:
            return reverse("supervision:detail", args=[warning.supervision_item.code])
        if warning.rule == WarningRule.REPORT_MISSING and warning.period is not None:
            return reverse("reporting:report", args=[warning.period.code, warning.task_id])
        if warning.ranking_entry_id is not None:
            return reverse("assessment:lists")
        if warning.task is not None:
            task = warning.task
            return reverse("plans:task", args=[task.measure.action.plan.code, task.code])
    except NoReverseMatch:
        return ""
    return ""


def object_label(warning: EarlyWarning) -> str:
    if warning.supervision_item is not None:
        return warning.supervision_item.code
    if warning.indicator is not None:
        return warning.indicator.code
    if warning.task is not None:
        return warning.task.code
    return str(warning.params.get("unit", ""))


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    level = request.GET.get("level", "")
    level = level if level in WarningLevel.values else ""
    rule = request.GET.get("rule", "")
    rule = rule if rule in WarningRule.values else ""
    ack = request.GET.get("acknowledged", "")
    acknowledged = {"yes": True, "no": False}.get(ack)
    on = clock.past_day(request.GET.get("on", ""))  # as they stood on a past day (a past cockpit)
    warnings = selectors.warning_list(
        user=request.user, level=level, rule=rule, acknowledged=acknowledged, open_on=on
    )
    warnings = warnings.select_related("task__measure__action__plan", "ranking_entry")
    page = Paginator(warnings, 50).get_page(request.GET.get("page"))
    instructed = instructions_of_warnings([w.pk for w in page.object_list])
    rows = [
        {
            "warning": w,
            "link": object_link(w),
            "label": object_label(w),
            "can_acknowledge": services.may_acknowledge(request.user, w),
            "instructions": instructed.get(w.pk, []),
        }
        for w in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "alerts/list.html",
        {
            "page": page,
            "rows": rows,
            "level": level,
            "rule": rule,
            "acknowledged": ack if acknowledged is not None else "",
            "levels": WarningLevel.choices,
            "rules": WarningRule.choices,
            "query": query.urlencode(),
            "counts": selectors.open_warning_counts(user=request.user, day=on),
            "on": on,
            "notifications": selectors.notifications_of(user=request.user),
            "unread": selectors.unread_count(user=request.user),
            "can_instruct": may_give_instructions(request.user),
        },
    )


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    warning = selectors.warnings_visible(user=request.user).filter(pk=pk).first()
    if warning is None:
        raise Http404(str(pk))
    try:
        services.warning_acknowledge(
            actor=request.user, warning=warning, note=request.POST.get("note", ""), source="web"
        )
    except PermissionDenied as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except ValidationError as exc:  # the note: too long, or a control character; nothing written
        for problem in exc.messages:
            messages.error(request, problem)
        return redirect(_back(request))
    messages.success(request, _("Warning acknowledged."))
    return redirect(_back(request))


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(user=request.user)
    return redirect(_back(request))


def _back(request: HttpRequest) -> Any:
    target = reverse("alerts:list")
    query = request.POST.get("query", "")
    return f"{target}?{query}" if query else target
