"""The plan office's data-entry pages of the schemes: recorded figures (记录的数值: a review score, a
count of events, per unit and month) one by one or from Excel (a template per key and month, an
import of all rows or none: :mod:`figure_imports`), and village-cadre pay schemes with their bands.
The computed pay table stays on :func:`scheme_views.pay_detail`."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jingjin.assessment import figure_imports
from jingjin.assessment import office_selectors as selectors
from jingjin.assessment import scheme_services as services
from jingjin.assessment.job_kinds import KIND as FIGURES_IMPORT
from jingjin.assessment.office_forms import (
    BandFormSet,
    BaseBandFormSet,
    FigureForm,
    FigureTemplateForm,
    FigureUploadForm,
    PayForm,
)
from jingjin.assessment.scheme_models import CadrePayScheme
from jingjin.core.limits import CellProblem, ImportFileError, in_background
from jingjin.core.permissions import PermissionDenied, may_manage_assessment_schemes
from jingjin.jobs.services import job_submit
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
    return _figures_page(request, form=form)


def _figures_page(
    request: HttpRequest,
    *,
    form: FigureForm | None = None,
    template_form: FigureTemplateForm | None = None,
    upload: FigureUploadForm | None = None,
    problems: list[CellProblem] | None = None,
    status: int = 200,
) -> HttpResponse:
    period_code = request.GET.get("period", "")[:7]
    key = request.GET.get("key", "")[:40]
    return render(
        request,
        "assessment/figures.html",
        {
            "form": FigureForm(count_keys=selectors.count_keys()) if form is None else form,
            "template_form": (
                FigureTemplateForm(initial={"key": key, "period": period_code})
                if template_form is None
                else template_form
            ),
            "upload": FigureUploadForm() if upload is None else upload,
            "problems": problems or [],
            "columns": figure_imports.COLUMNS,
            "figures": selectors.recorded_figures(period_code=period_code, key=key),
            "keys": selectors.figure_keys(),
            "period": period_code,
            "key": key,
        },
        status=status,
    )


@login_required
@require_GET
def figures_template(request: HttpRequest) -> HttpResponse:
    """The import workbook of a key for a month: one row per unit the key applies to, the values
    recorded so far filled in."""
    if not may_manage_assessment_schemes(request.user):
        return _forbidden(request)
    keys = {key for key, _used in selectors.figure_keys()}
    form = FigureTemplateForm(request.GET, keys=keys)
    if not form.is_valid():
        return _figures_page(request, template_form=form, status=400)
    key, period = form.cleaned_data["key"], form.cleaned_data["period"]
    response = HttpResponse(
        figure_imports.template_xlsx(key=key, period=period), content_type=figure_imports.XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="figures-{key}-{period}.xlsx"'
    return response


@login_required
@require_POST
def figures_import(request: HttpRequest) -> HttpResponse:
    """Upload a workbook of recorded figures: every row recorded, or none and every problem listed
    with its row and column."""
    if not may_manage_assessment_schemes(request.user):
        return _forbidden(request)
    upload = FigureUploadForm(request.POST, request.FILES)
    if not upload.is_valid():
        return _figures_page(request, upload=upload)
    file = upload.cleaned_data["file"]
    if in_background(file.size):  # a large file: a job, not while the request waits
        try:
            job = job_submit(
                actor=request.user,
                kind=FIGURES_IMPORT,
                params={"source": "web"},
                input_file=file,
                source="web",
            )
        except ValidationError as exc:  # e.g. a file name with control characters
            problems = [CellProblem(0, "", "", message) for message in exc.messages]
            return _figures_page(request, upload=upload, problems=problems)
        messages.info(request, _("The file is large: it is imported in the background."))
        return redirect("jobs:detail", pk=job.pk)
    try:
        counts = figure_imports.figures_import(actor=request.user, raw=file.read(), source="web")
    except PermissionDenied:
        return _forbidden(request)
    except ImportFileError as exc:
        return _figures_page(request, upload=upload, problems=exc.problems)
    messages.success(
        request,
        _("Figures imported: %(created)d new, %(changed)d changed, %(unchanged)d unchanged.") % counts,
    )
    return redirect("schemes:figures")


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
