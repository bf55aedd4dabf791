"""Pages of the monthly project reports (项目月报): my project reports of a month, the report form,
the report with its review and the support request → supervision item button, the review queue.

Thin: reads through :mod:`jingjin.projects.report_selectors`, writes through
:mod:`jingjin.projects.report_services`, who may do what from :mod:`jingjin.core.permissions`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core import clock
from jingjin.core.permissions import (
    PermissionDenied,
    can_review_reports,
    may_fill_project_report,
    may_review_project_report,
    may_supervise_project_report,
    restrict,
)
from jingjin.core.selectors import audit_for_object
from jingjin.projects import report_selectors as selectors
from jingjin.projects import report_services as services
from jingjin.projects.models import KeyProject, ProjectReport
from jingjin.projects.report_forms import CommentForm, ProjectReportForm, SuperviseForm
from jingjin.reporting.choices import REVIEW_STATES, ReportStatus
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.selectors import period_choices, period_of, reported_month
from jingjin.reporting.services import period_parse

PAGE_SIZE = 100


def _period(code: str | None) -> ReportingPeriod:
    """The month ``code`` (YYYY-MM); without one the month being reported on now (last month). A
    page view stores no period."""
    if not code:
        year, month = reported_month(clock.today())
    else:
        try:
            year, month = period_parse(code)
        except ValidationError as exc:
            raise Http404(code) from exc
    return period_of(year=year, month=month)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My project reports (我的项目月报): the due projects of the user's units for one month, with
    the state of their report, a page at a time."""
    period = _period(request.GET.get("period"))
    projects = selectors.my_projects(user=request.user, period=period)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/report_home.html",
        {
            "period": period,
            "periods": period_choices(today=clock.today()),
            "filter_params": [],
            "rows": selectors.rows_of(list(page.object_list), period=period),
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "review_count": selectors.review_queue(user=request.user).count(),
        },
    )


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Submitted project reports waiting for the user's approval (approvers, the plan office)."""
    if not can_review_reports(request.user):
        return _forbidden(request, _("Only approvers and the plan office review reports."))
    reports = list(selectors.review_queue(user=request.user)[:500])
    return render(request, "projects/report_review.html", {"reports": reports})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, period: str, code: str) -> HttpResponse:
    """The report form of one project for one month, for the reporters of its units; anyone else
    (and a report no longer editable) is sent to the report's page or told there is none yet."""
    the_period = _period(period)
    project = get_object_or_404(
        restrict(request.user, "view", KeyProject.objects.select_related("owner_unit")), code=code
    )
    report = (
        ProjectReport.objects.filter(project=project, period=the_period).first()
        if the_period.pk is not None
        else None
    )
    may_fill = may_fill_project_report(request.user, project)
    if request.method == "POST" and not may_fill:
        return _forbidden(request, _("You may not fill in this report."))
    if report is not None and (not may_fill or not report.is_editable):
        return redirect("projects:report_detail", pk=report.pk)
    form = ProjectReportForm(initial=ProjectReportForm.initial_of(report))
    status = 200
    if request.method == "POST":
        form = ProjectReportForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                saved = services.project_report_fill(
                    actor=request.user,
                    project=project,
                    period=the_period,
                    data=form.report_data(),
                    milestones=form.milestones(),
                    submit=request.POST.get("action") == "submit",
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except PermissionDenied as exc:
                return _forbidden(request, str(exc))
            else:
                submitted = saved.status in REVIEW_STATES
                messages.success(request, _("Report submitted.") if submitted else _("Draft saved."))
                if submitted:
                    return redirect("projects:report_detail", pk=saved.pk)
                return redirect("projects:report_edit", period=saved.period.code, code=project.code)
    context = {"period": the_period, "project": project, "report": report, "form": form, "may_fill": may_fill}
    return render(request, "projects/report_edit.html", context, status=status)


def _add_errors(form: ProjectReportForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _report(request: HttpRequest, pk: int) -> ProjectReport:
    report = selectors.report_of(user=request.user, pk=pk)
    if report is None:
        raise Http404("project report")
    return report


@login_required
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: its figures, milestones and requests, the review (approve / return) for its
    reviewers, and the support request → supervision item form for the plan office."""
    report = _report(request, pk)
    may_review = report.status in REVIEW_STATES and may_review_project_report(request.user, report)
    comment_form = CommentForm()
    review_error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ("approve", "return"):
            raise Http404(action)
        if not may_review_project_report(request.user, report):
            return _forbidden(
                request, _("Only approvers of the project's units and the plan office review its reports.")
            )
        comment_form = CommentForm(request.POST)
        if comment_form.is_valid():
            comment = comment_form.cleaned_data["comment"]
            try:
                if action == "approve":
                    services.project_report_approve(actor=request.user, report=report, comment=comment)
                    messages.success(request, _("Report approved."))
                else:
                    services.project_report_return(actor=request.user, report=report, comment=comment)
                    messages.success(request, _("Report returned to the unit."))
            except ValidationError as exc:
                review_error = " ".join(exc.messages)
            except services.WorkflowError as exc:
                messages.error(request, str(exc))
                return redirect("projects:report_detail", pk=report.pk)
            else:
                return redirect("projects:report_detail", pk=report.pk)
    return render(
        request,
        "projects/report_detail.html",
        {
            "report": report,
            "project": report.project,
            "period": report.period,
            "milestones": report.milestones_reached.all(),
            "review_comments": selectors.review_history(report=report),
            "may_fill": report.is_editable and may_fill_project_report(request.user, report.project),
            "may_review": may_review,
            "comment_form": comment_form,
            "review_error": review_error,
            "supervise_form": _supervise_form(request, report),
            "audit": audit_for_object(user=request.user, obj=report)[:50],
        },
        status=400 if request.method == "POST" else 200,
    )


def _supervise_form(request: HttpRequest, report: ProjectReport, data: Any = None) -> SuperviseForm | None:
    """The form of the support request → supervision item step, when the user may take it now."""
    if not may_supervise_project_report(request.user, report) or report.supervision_item_id is not None:
        return None
    if not report.support_needed.strip() or report.status == ReportStatus.DRAFT:
        return None
    default = date.fromordinal(clock.today().toordinal() + services.SUPERVISION_DAYS)
    return SuperviseForm(data, initial={"assignee_unit": report.project.owner_unit.code, "deadline": default})


@login_required
@require_POST
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    """Make the report's support request a supervision item (the plan office), then show the item."""
    report = _report(request, pk)
    if not may_supervise_project_report(request.user, report):
        return _forbidden(request, _("Only the plan office turns a support request into a supervision item."))
    form = _supervise_form(request, report, request.POST)
    if form is None:
        messages.error(request, _("This report has no support request to turn into a supervision item."))
        return redirect("projects:report_detail", pk=report.pk)
    if form.is_valid():
        try:
            item = services.project_report_supervise(
                actor=request.user,
                report=report,
                deadline=form.cleaned_data["deadline"],
                assignee_unit=form.cleaned_data["assignee_unit"],
            )
        except ValidationError as exc:
            form.add_error("deadline" if "deadline" in getattr(exc, "error_dict", {}) else None, exc.messages)
        except services.WorkflowError as exc:
            messages.error(request, str(exc))
            return redirect("projects:report_detail", pk=report.pk)
        else:
            messages.success(request, _("Supervision item %(code)s issued.") % {"code": item.code})
            return redirect("supervision:detail", code=item.code)
    for error in [*form.non_field_errors(), *(e for f in form for e in f.errors)]:
        messages.error(request, error)
    return redirect("projects:report_detail", pk=report.pk)
