"""Pages of monthly reporting: my reports, the report form, the review queue and the period overview."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core.choices import Role
from jingjin.core.permissions import PermissionDenied, restrict, role_of
from jingjin.core.selectors import audit_for_object
from jingjin.plans.choices import Direction
from jingjin.plans.models import Task
from jingjin.reporting import selectors, services
from jingjin.reporting.forms import ReportForm
from jingjin.reporting.models import ContinuityItem, Evidence, Report, ReportingPeriod
from jingjin.reporting.services import WorkflowError


def _period(code: str | None) -> ReportingPeriod:
    if not code:
        today = timezone.localdate()
        return services.period_get_or_create(year=today.year, month=today.month)
    try:
        year, month = services.period_parse(code)
    except ValidationError as exc:
        raise Http404(code) from exc
    return services.period_get_or_create(year=year, month=month)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _period_context(request: HttpRequest, period: ReportingPeriod) -> dict[str, Any]:
    return {
        "period": period,
        "periods": selectors.period_choices(today=timezone.localdate()),
        "role": role_of(request.user),
        "review_count": selectors.review_queue(user=request.user).count(),
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My reports (我的月报): the due tasks of the user's unit for one period."""
    period = _period(request.GET.get("period"))
    rows = selectors.my_rows(user=request.user, period=period)
    return render(
        request,
        "reporting/home.html",
        {**_period_context(request, period), "rows": rows, "counts": selectors.overview_counts(rows)},
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """All due tasks × report state for one period, missing and late flagged (plan office, leaders)."""
    if role_of(request.user) not in (Role.PLAN_OFFICE, Role.LEADER):
        return _forbidden(request, _("Only the plan office and leaders see the period overview."))
    period = _period(request.GET.get("period"))
    rows = selectors.overview_rows(user=request.user, period=period)
    show = request.GET.get("show", "")
    if show == "missing":
        rows = [r for r in rows if r.missing]
    elif show == "late":
        rows = [r for r in rows if r.late]
    all_rows = selectors.overview_rows(user=request.user, period=period) if show else rows
    return render(
        request,
        "reporting/overview.html",
        {
            **_period_context(request, period),
            "rows": rows,
            "show": show,
            "counts": selectors.overview_counts(all_rows),
        },
    )


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Submitted reports waiting for the user's approval (approvers, plan office)."""
    if role_of(request.user) not in services.REVIEWING_ROLES:
        return _forbidden(request, _("Only approvers and the plan office review reports."))
    reports = list(selectors.review_queue(user=request.user)[:500])
    return render(request, "reporting/review.html", {"reports": reports, "role": role_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def report_page(request: HttpRequest, period: str, task_id: int) -> HttpResponse:
    """The report of one task for one month: the form for its unit, the review buttons for reviewers."""
    the_period = _period(period)
    task = get_object_or_404(
        restrict(request.user, "view", Task.objects.select_related("lead_unit", "measure__action__plan")),
        pk=task_id,
    )
    report = (
        Report.objects.filter(task=task, period=the_period)
        .select_related("submitted_by", "reviewed_by", "period")
        .first()
    )
    can_edit = services.may_edit(request.user, report if report is not None else task)
    can_review = report is not None and services.may_review(request.user, report)
    indicators = list(task.indicators.filter(direction__in=services.NUMERIC_DIRECTIONS))
    if report is not None:
        items = list(report.continuity_items.all())
    else:
        lines = services.previous_plan_items(task=task, period=the_period)
        items = [ContinuityItem(position=i, text=text) for i, text in enumerate(lines)]
    form = ReportForm(initial=ReportForm.initial_of(report), indicators=indicators, items=items)
    review_error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        here = redirect("reporting:report", period=the_period.code, task_id=task.pk)
        try:
            if action in ("save", "submit"):
                if not can_edit:
                    if services.may_edit(request.user, task) and report is not None:
                        raise WorkflowError(_("This report can no longer be changed."))
                    return _forbidden(request, _("You may not fill in this report."))
                form = ReportForm(request.POST, request.FILES, indicators=indicators, items=items)
                if form.is_valid():
                    stored: list[Evidence] = []  # files to remove from the disk if the save rolls back
                    try:
                        with transaction.atomic():
                            saved = services.report_save_draft(
                                actor=request.user,
                                task=task,
                                period=the_period,
                                data=form.report_data(),
                                indicator_values=form.indicator_values(),
                                continuity=form.ticks(),
                            )
                            upload = form.cleaned_data.get("evidence")
                            if upload is not None:
                                stored.append(
                                    services.evidence_add(
                                        actor=request.user,
                                        report=saved,
                                        content=upload,
                                        name=upload.name or "",
                                        size=upload.size,
                                    )
                                )
                            if action == "submit":
                                services.report_submit(actor=request.user, report=saved)
                    except ValidationError as exc:
                        for evidence in stored:
                            evidence.file.storage.delete(evidence.file.name)
                        _add_errors(form, exc)
                    else:
                        messages.success(
                            request, _("Report submitted.") if action == "submit" else _("Draft saved.")
                        )
                        return here
            elif action in ("approve", "return"):
                if report is None:
                    raise Http404("no report")
                comment = request.POST.get("comment", "")
                try:
                    if action == "approve":
                        services.report_approve(actor=request.user, report=report, comment=comment)
                        messages.success(request, _("Report approved."))
                    else:
                        services.report_return(actor=request.user, report=report, comment=comment)
                        messages.success(request, _("Report returned to the unit."))
                except ValidationError as exc:
                    review_error = " ".join(exc.messages)
                else:
                    return here
            elif action == "delete_evidence":
                evidence = get_object_or_404(Evidence, pk=request.POST.get("evidence", "0"), report=report)
                services.evidence_delete(actor=request.user, evidence=evidence)
                messages.success(request, _("File removed."))
                return here
            else:
                raise Http404(action)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except WorkflowError as exc:
            messages.error(request, str(exc))
            return here
    previous = (
        selectors.previous_report(report=report)
        if report is not None
        else Report.objects.filter(task=task, period_index__lt=the_period.index)
        .order_by("-period_index")
        .first()
    )
    rows = selectors.report_rows(period=the_period, tasks=Task.objects.filter(pk=task.pk))
    return render(
        request,
        "reporting/report.html",
        {
            "period": the_period,
            "task": task,
            "report": report,
            "form": form,
            "can_edit": can_edit,
            "can_review": can_review,
            "review_error": review_error,
            "previous": previous,
            "row": rows[0] if rows else None,
            "milestones": task.indicators.filter(direction=Direction.MILESTONE).prefetch_related(
                "milestones"
            ),
            "unaddressed": [i for i in items if not i.outcome] if report is not None else [],
            "evidence": list(report.evidence.all()) if report is not None else [],
            "audit": audit_for_object(user=request.user, obj=report)[:50] if report is not None else [],
        },
        status=400 if request.method == "POST" else 200,
    )


def _add_errors(form: ReportForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = {"indicator_values": None, "continuity": None, "file": "evidence"}.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, under its original name, for anyone who may see the report."""
    evidence = get_object_or_404(Evidence.objects.select_related("report"), pk=pk)
    if not restrict(request.user, "view", Report.objects.filter(pk=evidence.report_id)).exists():
        raise Http404("evidence")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("evidence file") from exc
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name)
