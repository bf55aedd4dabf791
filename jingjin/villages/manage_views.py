"""The managers' forms (the plan office and the rural bureau): designate a demonstration village
with its team, set a year's toilet target, set a year's collective-economy thresholds, set a
year's settlement scorecard scheme with its items and points. Each posts
to a service and returns to the page it came from with a message."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core import clock
from jingjin.core.permissions import may_manage_villages
from jingjin.villages import economy_services, score_services, services
from jingjin.villages.forms import DesignateForm, SchemeForm, SchemeItemFormSet, TargetForm, ThresholdsForm
from jingjin.villages.models import ScoreScheme
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


def _scheme_initial(year: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    scheme = ScoreScheme.objects.filter(year=year).first()
    if scheme is None:
        return {"year": year}, []
    fields = {"year": year, "name": scheme.name, "pass_mark": scheme.pass_mark, "list_size": scheme.list_size}
    items = [
        {"code": i.code, "name_zh": i.name_zh, "name_en": i.name_en, "points": i.points}
        for i in scheme.items.order_by("code")
    ]
    return fields, items


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request: HttpRequest) -> HttpResponse:
    """Set a year's settlement scorecard scheme (``?year=``): name, pass mark, list size and the
    items with their points. A scheme villages were scored on keeps its items."""
    if not may_manage_villages(request.user):
        return _refused(request)
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else clock.today().year
    initial, items = _scheme_initial(year)
    if request.method == "POST":
        form, formset = SchemeForm(request.POST), SchemeItemFormSet(request.POST, prefix="items")
    else:
        form, formset = SchemeForm(initial=initial), SchemeItemFormSet(initial=items, prefix="items")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        rows = [
            (f["code"], f["name_zh"], f.get("name_en", ""), f["points"])
            for f in formset.cleaned_data
            if f and f.get("code")
        ]
        try:
            score_services.score_scheme_set(actor=request.user, items=rows, **form.cleaned_data)
        except ValidationError as exc:
            for field, texts in (
                exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            ).items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            messages.success(request, _("Saved."))
            return redirect(f"/villages/scores/?year={form.cleaned_data['year']}")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "formset": formset, "year": year}
    return render(request, "villages/scheme_form.html", context, status=status)
