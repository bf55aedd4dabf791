"""The plan office's data-entry pages of the schemes: recorded figures (记录的数值: a review score, a
count of events, per unit and month) and village-cadre pay schemes with their bands. The computed
pay table stays on :func:`scheme_views.pay_detail`."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.assessment import office_selectors as selectors
from jingjin.assessment import scheme_services as services
from jingjin.assessment.office_forms import BandFormSet, BaseBandFormSet, FigureForm, PayForm
from jingjin.assessment.scheme_models import CadrePayScheme
from jingjin.core.permissions import PermissionDenied, may_manage_assessment_schemes
from jingjin.reporting.services import period_get_or_create, period_parse


def _forbidden(request: HttpRequest) -> HttpResponse:
    reason = _("Only the plan office records figures and defines pay schemes.")
    return render(request, "403.html", {"reason": reason}, status=403)


def _period(code: str) -> Any:
    year, month = period_parse(code)
    return period_get_or_create(year=year, month=month)


def _put_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def figures(request: HttpRequest) -> HttpResponse:
    """Record a figure of a unit for a month (or correct it); the figures recorded, by month and key."""
    if not may_manage_assessment_schemes(request.user):
        return _forbidden(request)
    form = FigureForm(request.POST or None, count_keys=selectors.count_keys())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.figure_record(
                actor=request.user,
                key=data["key"],
                unit=data["unit"],
                period=_period(data["period"]),
                value=data["value"],
            )
        except PermissionDenied:
            return _forbidden(request)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("The figure is recorded."))
            return redirect(f"{request.path}?period={data['period']}&key={data['key']}")
    period_code = request.GET.get("period", "")[:7]
    key = request.GET.get("key", "")[:40]
    return render(
        request,
        "assessment/figures.html",
        {
            "form": form,
            "figures": selectors.recorded_figures(period_code=period_code, key=key),
            "keys": selectors.figure_keys(),
            "period": period_code,
            "key": key,
        },
    )


def _pay_form(request: HttpRequest, pay: CadrePayScheme | None) -> HttpResponse:
    if not may_manage_assessment_schemes(request.user):
        return _forbidden(request)
    initial: dict[str, Any] = {}
    bands_initial: list[dict[str, Any]] = []
    if pay is not None:
        initial = {k: getattr(pay, k) for k in ("code", "name_zh", "name_en", "scheme_code", "base_pay")}
        initial["period"] = pay.period.code
        bands_initial = [b.as_dict() for b in pay.bands.all()]
    form = PayForm(request.POST or None, initial=initial, editing=pay is not None)
    bands = cast(BaseBandFormSet, BandFormSet(request.POST or None, initial=bands_initial, prefix="b"))
    if request.method == "POST" and form.is_valid() and bands.is_valid():
        data = form.cleaned_data
        try:
            saved = services.pay_scheme_save(
                actor=request.user,
                code=pay.code if pay is not None else data["code"],
                name_zh=data["name_zh"],
                name_en=data["name_en"],
                scheme_code=data["scheme_code"],
                period=_period(data["period"]),
                base_pay=data["base_pay"],
                bands=[row for _n, row in bands.filled()],
            )
        except PermissionDenied:
            return _forbidden(request)
        except ValidationError as exc:
            _put_errors(form, exc)
        else:
            messages.success(request, _("The pay scheme is saved; compute its pay table."))
            return redirect("schemes:pay", pk=saved.pk)
    return render(request, "assessment/pay_edit.html", {"form": form, "bands": bands, "pay": pay})


@login_required
@require_http_methods(["GET", "POST"])
def pay_create(request: HttpRequest) -> HttpResponse:
    """A new village-cadre pay scheme: its terms and bands of scores → coefficients."""
    return _pay_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def pay_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a pay scheme's terms and bands (its pay table is computed again on its page)."""
    return _pay_form(request, get_object_or_404(CadrePayScheme.objects.select_related("period"), pk=pk))
