"""The managers' forms (the plan office and the rural bureau): designate a demonstration village
with its team, set a year's toilet target, set a year's collective-economy thresholds. Each posts
to a service and returns to the page it came from with a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingjin.core.permissions import may_manage_villages
from jingjin.villages import economy_services, services
from jingjin.villages.forms import DesignateForm, TargetForm, ThresholdsForm
from jingjin.villages.views import _village


def _refused(request: HttpRequest) -> HttpResponse:
    reason = _("Only the plan office and the rural bureau manage the villages.")
    return render(request, "403.html", {"reason": reason}, status=403)


def _report(request: HttpRequest, form: Any, exc: ValidationError | None) -> None:
    if form.is_valid() and exc is None:
        messages.success(request, _("Saved."))
        return
    errors = dict(form.errors)
    if exc is not None:
        errors.update(exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages})
    for field, texts in errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(texts)}" if label else " ".join(texts))


@login_required
@require_POST
def designate(request: HttpRequest, code: str) -> HttpResponse:
    """Designate the village a demonstration village (or change its designation and team)."""
    if not may_manage_villages(request.user):
        return _refused(request)
    village = _village(code)
    form = DesignateForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.demo_village_designate(
                actor=request.user,
                village=village,
                year=form.cleaned_data["year"],
                level=form.cleaned_data["level"],
                theme=form.cleaned_data["theme"],
                members=form.members(),
            )
        except ValidationError as exc:
            error = exc
    _report(request, form, error)
    return redirect("villages:village", code=village.code)


@login_required
@require_POST
def toilet_target(request: HttpRequest) -> HttpResponse:
    """Set the city's toilet target of a year."""
    if not may_manage_villages(request.user):
        return _refused(request)
    form = TargetForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.toilet_target_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = exc
    _report(request, form, error)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return redirect(f"/villages/toilets/?year={year}" if year else "/villages/toilets/")


@login_required
@require_POST
def thresholds(request: HttpRequest) -> HttpResponse:
    """Set a year's tier thresholds and the 消薄倍增 target."""
    if not may_manage_villages(request.user):
        return _refused(request)
    form = ThresholdsForm(request.POST)
    error = None
    if form.is_valid():
        try:
            economy_services.thresholds_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            error = exc
    _report(request, form, error)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return redirect(f"/villages/economy/?year={year}" if year else "/villages/economy/")
