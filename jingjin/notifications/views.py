"""Pages of the notifications app: 消息设置 / Notification settings, the reminder history (催报记录)
and the 一键催报 button of the reporting overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_see_reminders,
    may_set_unit_webhook,
    may_urge_reports,
)
from jingjin.core.views import forbidden
from jingjin.notifications import selectors, services
from jingjin.notifications.choices import ReminderKind
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.services import period_parse


def _own_unit(request: HttpRequest):  # type: ignore[no-untyped-def]
    profile = getattr(request.user, "profile", None)
    return profile.unit if profile is not None else None


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """The user's channels for each kind of notification, their webhook address and — for the
    plan office and a unit's approver — the webhook of their unit's group robot."""
    if not has_role(request.user):
        return forbidden(request)
    unit = _own_unit(request)
    may_unit = unit is not None and may_set_unit_webhook(request.user, unit)
    errors: dict[str, list[str]] = {}
    webhook_url = selectors.webhook_of(user=request.user)
    unit_url = selectors.unit_webhook_of(unit=unit) if may_unit else ""
    if request.method == "POST":
        choices = {
            kind: {channel: request.POST.get(f"{kind}:{channel}") == "on" for channel in selectors.CHANNELS}
            for kind in selectors.PREFERENCE_KINDS
        }
        webhook_url = request.POST.get("webhook_url", "")
        unit_url = request.POST.get("unit_webhook_url", "")
        try:
            with transaction.atomic():  # the user's settings and the unit's webhook, both or neither
                services.preferences_save(actor=request.user, choices=choices, webhook_url=webhook_url)
                if may_unit and unit is not None:
                    services.unit_webhook_set(actor=request.user, unit=unit, url=unit_url)
        except ValidationError as exc:
            errors = exc.message_dict
        except PermissionDenied:
            return forbidden(request)
        else:
            messages.success(request, _("Notification settings saved."))
            return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {
            "rows": selectors.preferences_of(user=request.user),
            "channels": selectors.CHANNELS,
            "webhook_url": webhook_url,
            "unit": unit if may_unit else None,
            "unit_webhook_url": unit_url,
            "errors": errors,
            "email": getattr(request.user, "email", ""),
        },
        status=400 if errors else 200,
    )


@login_required
def reminder_list(request: HttpRequest) -> HttpResponse:
    """The reminders sent (催报记录), newest first, 50 a page; filter by period, kind and unit."""
    if not may_see_reminders(request.user):
        return forbidden(request, _("Only the plan office and leaders see the reminders."))
    code = request.GET.get("period", "").strip()[:7]
    kind = request.GET.get("kind", "").strip()
    period = None
    if code:
        try:
            year, month = period_parse(code)
        except ValidationError:
            code = ""
        else:
            period = ReportingPeriod.objects.filter(year=year, month=month).first()
    if kind not in ReminderKind.values:
        kind = ""
    reminders = selectors.reminder_history(period=period, kind=kind)
    if code and period is None:
        reminders = reminders.none()
    page = Paginator(reminders, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/reminders.html",
        {
            "page": page,
            "reminders": page.object_list,
            "period_code": code,
            "kind": kind,
            "kinds": ReminderKind.choices,
        },
    )


@login_required
@require_POST
def urge(request: HttpRequest) -> HttpResponse:
    """一键催报 from the reporting overview: remind every unit with missing reports of the period."""
    if not may_urge_reports(request.user):
        return forbidden(request, _("Only the plan office may urge the units."))
    code = request.POST.get("period", "")
    try:
        year, month = period_parse(code)
        period = ReportingPeriod.objects.get(year=year, month=month)
    except (ValidationError, ReportingPeriod.DoesNotExist):
        messages.error(request, _("period: there is no reporting period %(code)s.") % {"code": code[:20]})
        return redirect("reporting:overview")
    result = services.reports_urge(actor=request.user, period=period)
    if result.urged:
        messages.success(
            request,
            ngettext(
                "%(count)s unit with missing reports of %(period)s was urged.",
                "%(count)s units with missing reports of %(period)s were urged.",
                len(result.urged),
            )
            % {"count": len(result.urged), "period": period.code},
        )
    if result.already:
        messages.info(
            request,
            ngettext(
                "%(count)s unit was already urged today.",
                "%(count)s units were already urged today.",
                len(result.already),
            )
            % {"count": len(result.already)},
        )
    if not result.urged and not result.already:
        messages.info(
            request, _("Every unit has submitted its reports of %(period)s.") % {"period": period.code}
        )
    return redirect(f"{reverse('reporting:overview')}?period={period.code}")
