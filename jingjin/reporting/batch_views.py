"""Pages of batch reporting (批量报送) and "copy last month" (复制上月).

``/reports/batch/?period=YYYY-MM``: download the unit's template of a period, upload it back,
see every error with its sheet, row and column, or what was saved. ``POST
/reports/<period>/tasks/<id>/copy/`` makes this month's draft from the task's last report.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core import clock
from jingjin.core.limits import in_background
from jingjin.core.permissions import PermissionDenied, can_fill_reports, restrict
from jingjin.jobs.services import job_submit
from jingjin.plans.models import Task
from jingjin.reporting import batch, selectors, services
from jingjin.reporting import batch_template as template_file
from jingjin.reporting.job_kinds import KIND as REPORT_BATCH
from jingjin.reporting.models import ReportingPeriod

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period(code: str | None) -> ReportingPeriod:
    """The period ``code`` (default this month), not stored by reading it (a write stores it)."""
    if not code:
        today = clock.today()
        return selectors.period_of(year=today.year, month=today.month)
    try:
        year, month = services.period_parse(code)
    except ValidationError as exc:
        raise Http404(code) from exc
    return selectors.period_of(year=year, month=month)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


@login_required
@require_http_methods(["GET", "POST"])
def batch_page(request: HttpRequest) -> HttpResponse:
    """Batch reporting of one period: the template, the upload, the errors or the summary."""
    if not can_fill_reports(request.user):
        return _forbidden(request, _("Only reporters and county users fill in reports."))
    period = _period(request.POST.get("period") or request.GET.get("period"))
    errors: list[batch.BatchError] = []
    summary: batch.BatchSummary | None = None
    submit = request.POST.get("submit") == "on"
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [batch.BatchError("", 0, "", "", _("Choose the filled-in template to upload."))]
        elif (upload.size or 0) > batch.MAX_FILE_SIZE:
            message = _("The file is larger than %(mb)d MB.") % {"mb": batch.MAX_FILE_SIZE // 2**20}
            errors = [batch.BatchError("", 0, "", "", message)]
        elif in_background(upload.size):  # a large file: imported by a job, not while the request waits
            period = selectors.stored_period(period)
            try:
                job = job_submit(
                    actor=request.user,
                    kind=REPORT_BATCH,
                    params={"period_id": period.pk, "period": period.code, "submit": submit, "source": "web"},
                    input_file=upload,
                    source="web",
                )
            except ValidationError as exc:  # e.g. a file name with control characters
                errors = [batch.BatchError("", 0, "", "", message) for message in exc.messages]
            else:
                messages.info(request, _("The file is large: it is imported in the background."))
                return redirect("jobs:detail", pk=job.pk)
        else:
            try:
                period = selectors.stored_period(period)
                summary = batch.batch_import(
                    actor=request.user, period=period, raw=upload.read(), submit=submit, source="web"
                )
            except batch.BatchFileError as exc:
                errors = exc.errors
            except PermissionDenied as exc:
                return _forbidden(request, str(exc))
    tasks = batch.due_tasks(user=request.user, period=period)
    return render(
        request,
        "reporting/batch.html",
        {
            "period": period,
            "periods": selectors.period_choices(today=clock.today()),
            "task_count": len(tasks),
            "errors": errors,
            "summary": summary,
            "submit": submit,
        },
        status=400 if errors else 200,
    )


@login_required
def batch_template(request: HttpRequest) -> HttpResponse:
    """The Excel template of a period for the user's unit."""
    if not can_fill_reports(request.user):
        return _forbidden(request, _("Only reporters and county users fill in reports."))
    period = _period(request.GET.get("period"))
    response = HttpResponse(template_file.template(user=request.user, period=period), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="reports-{period.code}.xlsx"'
    return response


@login_required
@require_POST
def copy_previous(request: HttpRequest, period: str, task_id: int) -> HttpResponse:
    """Make this month's draft from the task's last report, then show the form to edit it."""
    the_period = _period(period)
    task = get_object_or_404(restrict(request.user, "view", Task.objects.all()), pk=task_id)
    here = redirect("reporting:report", period=the_period.code, task_id=task.pk)
    try:
        the_period = selectors.stored_period(the_period)
        services.report_copy_previous(actor=request.user, task=task, period=the_period)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except (services.WorkflowError, ValidationError) as exc:
        text: Any = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
        return here
    messages.success(request, _("Last report copied: check every field and edit what changed."))
    return here
