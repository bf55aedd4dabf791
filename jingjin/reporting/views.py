"""Pages of monthly reporting: my reports, the report form, the review queue and the period overview."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core import clock
from jingjin.core.exports import append_row
from jingjin.core.permissions import PermissionDenied, can_review_reports, may_see_report_overview, restrict
from jingjin.core.selectors import audit_for_object
from jingjin.plans.choices import Direction
from jingjin.plans.models import Task
from jingjin.reporting import lists, selectors, services
from jingjin.reporting.choices import ReportStatus
from jingjin.reporting.evidence import evidence_delete
from jingjin.reporting.forms import ReportForm
from jingjin.reporting.models import ContinuityItem, Evidence, Report, ReportingPeriod
from jingjin.reporting.prefill import Known, known_values
from jingjin.reporting.services import WorkflowError


def _period(code: str | None) -> ReportingPeriod:
    """The period ``code`` (``YYYY-MM``); without one, the month being reported on now — last
    month, whose deadline falls in this month (as on the cockpit). Not stored by reading it
    (:func:`selectors.period_of`): a write stores it (:func:`selectors.stored_period`)."""
    if not code:
        year, month = selectors.reported_month(clock.today())
        return selectors.period_of(year=year, month=month)
    try:
        year, month = services.period_parse(code)
    except ValidationError as exc:
        raise Http404(code) from exc
    return selectors.period_of(year=year, month=month)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _period_context(request: HttpRequest, period: ReportingPeriod) -> dict[str, Any]:
    return {
        "period": period,
        "periods": selectors.period_choices(today=clock.today()),
        "review_count": selectors.review_queue(user=request.user).count(),
    }


#: rows per page of the reporting lists (the first is not the default: see PAGE_SIZE)
PAGE_SIZES = (50, 100, 200)
PAGE_SIZE = 100
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ListFilters:
    """The filters of a reporting list, read from the query string (unknown values are ignored).

    ``state`` is a :data:`lists.STATE_FILTERS` value; the older ``show=missing|late`` is read as
    ``state`` when ``state`` is not given."""

    state: str = ""
    light: int | None = None
    unit: str = ""
    q: str = ""
    per_page: int = PAGE_SIZE

    @classmethod
    def of(cls, request: HttpRequest) -> ListFilters:
        get = request.GET
        state = get.get("state") or get.get("show") or ""
        light = get.get("light", "")
        per_page = get.get("per_page", "")
        return cls(
            state=state if state in lists.STATE_FILTERS else "",
            light=int(light) if light.lstrip("-").isdigit() and int(light) in lists.LIGHTS else None,
            unit=get.get("unit", "").strip()[:64],
            q=get.get("q", "").strip()[:100],
            per_page=int(per_page) if per_page.isdigit() and int(per_page) in PAGE_SIZES else PAGE_SIZE,
        )

    @property
    def active(self) -> bool:
        """Does any filter narrow the list?"""
        return bool(self.state or self.light is not None or self.unit or self.q)

    def apply(self, rows: list[lists.ReportRow]) -> list[lists.ReportRow]:
        return lists.filter_rows(rows, state=self.state, light=self.light, unit=self.unit, query=self.q)

    def params(self) -> list[tuple[str, str]]:
        """The filters as query parameters (the period picker carries them over as hidden fields)."""
        out = [("state", self.state), ("light", "" if self.light is None else str(self.light))]
        out += [("unit", self.unit), ("q", self.q)]
        out += [("per_page", str(self.per_page) if self.per_page != PAGE_SIZE else "")]
        return [(name, value) for name, value in out if value]


def _list_context(request: HttpRequest, rows: list[lists.ReportRow]) -> dict[str, Any]:
    """Counts over all ``rows``, the filters, and the requested page of the filtered rows."""
    filters = ListFilters.of(request)
    counts = lists.overview_counts(rows)
    page = Paginator(filters.apply(rows), filters.per_page).get_page(request.GET.get("page"))
    state_labels: dict[str, Any] = {
        lists.MISSING: _("Missing"),
        "late": _("Late"),
        ReportStatus.DRAFT: ReportStatus.DRAFT.label,
        ReportStatus.SUBMITTED: _("Submitted or resubmitted"),
        ReportStatus.RETURNED: ReportStatus.RETURNED.label,
        ReportStatus.APPROVED: ReportStatus.APPROVED.label,
    }
    count_keys: dict[str, str] = {ReportStatus.SUBMITTED.value: "review"}
    return {
        "rows": page.object_list,
        "page_obj": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
        "counts": counts,
        "filters": filters,
        "filter_params": filters.params(),
        "show": filters.state,  # the older name of the state filter
        "states": [
            (
                value,
                state_labels[value],
                lists.STATE_COLOURS.get(value, "danger"),
                counts.get(count_keys.get(value, value), 0),
            )
            for value in lists.STATE_FILTERS
        ],
        "lights": [
            (code, label, colour, counts.get(f"light_{code}", 0))
            for code, (label, colour) in lists.LIGHTS.items()
        ],
        "units": lists.row_lead_units(rows),
        "page_sizes": PAGE_SIZES,
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """My reports (我的月报): the due tasks of the user's unit for one period, filtered, a page at a time."""
    period = _period(request.GET.get("period"))
    rows = lists.my_rows(user=request.user, period=period)
    return render(
        request,
        "reporting/home.html",
        {**_period_context(request, period), **_list_context(request, rows)},
    )


def _may_see_overview(request: HttpRequest) -> bool:
    return may_see_report_overview(request.user)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """All due tasks × report state for one period, missing and late flagged (plan office, leaders);
    filtered, a page at a time, the counts over all due tasks."""
    if not _may_see_overview(request):
        return _forbidden(request, _("Only the plan office and leaders see the period overview."))
    period = _period(request.GET.get("period"))
    rows = lists.overview_rows(user=request.user, period=period)
    return render(
        request,
        "reporting/overview.html",
        {**_period_context(request, period), **_list_context(request, rows)},
    )


@login_required
def overview_export(request: HttpRequest) -> HttpResponse:
    """The period overview as Excel: every row of the filtered list (not only one page), the
    columns of the page — code, task, lead unit, expected %, reported %, light, state, late."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    if not _may_see_overview(request):
        return _forbidden(request, _("Only the plan office and leaders see the period overview."))
    period = _period(request.GET.get("period"))
    rows = ListFilters.of(request).apply(lists.overview_rows(user=request.user, period=period))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = period.code
    sheet.append(
        [
            _("Code"),
            _("Task"),
            _("Lead unit"),
            _("Expected") + " %",
            _("Reported") + " %",
            _("Status light"),
            _("State"),
            _("Late"),
        ]
    )
    yes, no = _("Yes"), _("No")
    for row in rows:
        append_row(  # a text that looks like a formula stays text
            sheet,
            [
                row.code,
                row.name,
                row.lead_unit_name,
                round(row.expected_pct) if row.expected_pct is not None else None,
                row.completion_pct,
                str(row.light_label),
                str(row.state_label),
                yes if row.late else no,
            ],
        )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for letter, width in zip("ABCDEFGH", (14, 48, 20, 10, 10, 12, 12, 8), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="reporting-overview-{period.code}.xlsx"'
    return response


@login_required
def review(request: HttpRequest) -> HttpResponse:
    """Submitted reports waiting for the user's approval (approvers, plan office)."""
    if not can_review_reports(request.user):
        return _forbidden(request, _("Only approvers and the plan office review reports."))
    reports = list(selectors.review_queue(user=request.user)[:500])
    for report in reports:
        report.drop = selectors.drop_of(report)  # type: ignore[attr-defined]
    return render(request, "reporting/review.html", {"reports": reports})


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
        if the_period.pk is not None
        else None
    )
    can_edit = services.may_edit(request.user, report if report is not None else task)
    can_review = report is not None and services.may_review(request.user, report)
    indicators = list(task.indicators.filter(direction__in=services.NUMERIC_DIRECTIONS))
    if report is not None:
        items = list(report.continuity_items.all())
    else:
        lines = services.previous_plan_items(task=task, period=the_period)
        items = [ContinuityItem(position=i, text=text) for i, text in enumerate(lines)]
    known = known_values(task=task, period=the_period) if can_edit else {}
    form = ReportForm(initial=ReportForm.initial_of(report), indicators=indicators, items=items, known=known)
    review_error = ""
    if request.method == "POST":
        done = _report_action(request, the_period, task, report, can_edit, indicators, items, known)
        if isinstance(done, HttpResponse):
            return done
        posted, review_error = done
        form = posted if posted is not None else form
    return render(
        request,
        "reporting/report.html",
        {
            **_report_context(request, the_period, task, report, items),
            "form": form,
            "can_edit": can_edit,
            "can_review": can_review,
            "review_error": review_error,
        },
        status=400 if request.method == "POST" else 200,
    )


def _report_action(
    request: HttpRequest,
    the_period: ReportingPeriod,
    task: Task,
    report: Report | None,
    can_edit: bool,
    indicators: list[Any],
    items: list[ContinuityItem],
    known: dict[int, Known],
) -> HttpResponse | tuple[ReportForm | None, str]:
    """A POST of the report page: save or submit the form, approve or return the report, or
    remove an evidence file. The response (a redirect back on success), or the form with its
    errors (None: the form as shown) and the review's error to show again."""
    action = request.POST.get("action", "")
    here = redirect("reporting:report", period=the_period.code, task_id=task.pk)
    form: ReportForm | None = None
    review_error = ""
    try:
        if action in ("save", "submit"):
            if not can_edit:
                if services.may_edit(request.user, task) and report is not None:
                    raise WorkflowError(_("This report can no longer be changed."))
                return _forbidden(request, _("You may not fill in this report."))
            form = ReportForm(request.POST, request.FILES, indicators=indicators, items=items, known=known)
            if form.is_valid():
                try:
                    services.report_fill(
                        actor=request.user,
                        task=task,
                        period=the_period,
                        data=form.report_data(),
                        indicator_values=form.indicator_values(),
                        continuity=form.ticks(),
                        upload=form.cleaned_data.get("evidence"),
                        submit=action == "submit",
                    )
                except ValidationError as exc:
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
            evidence_delete(actor=request.user, evidence=evidence)
            messages.success(request, _("File removed."))
            return here
        else:
            raise Http404(action)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except WorkflowError as exc:
        messages.error(request, str(exc))
        return here
    return form, review_error


def _report_context(
    request: HttpRequest,
    the_period: ReportingPeriod,
    task: Task,
    report: Report | None,
    items: list[ContinuityItem],
) -> dict[str, Any]:
    """What the report page shows besides the form: the previous report, the row with its status
    light, the latest approved completion and any drop below it, the strike-off, milestones,
    unaddressed plan items, evidence, the review history and the audit trail."""
    previous = (
        selectors.previous_report(report=report)
        if report is not None
        else Report.objects.filter(task=task, period_index__lt=the_period.index)
        .order_by("-period_index")
        .first()
    )
    rows = lists.report_rows(period=the_period, tasks=Task.objects.filter(pk=task.pk))
    approved = selectors.latest_approved(task, before=the_period.index)
    return {
        "period": the_period,
        "task": task,
        "report": report,
        "previous": previous,
        "row": rows[0] if rows else None,
        "approved": approved,
        "drop": selectors.drop_of(report, approved),
        "strike_off": selectors.strike_off_of(task, index=the_period.index),
        "milestones": task.indicators.filter(direction=Direction.MILESTONE).prefetch_related("milestones"),
        "unaddressed": [i for i in items if not i.outcome] if report is not None else [],
        "evidence": list(report.evidence.all()) if report is not None else [],
        "review_comments": selectors.review_history(report=report),
        "audit": audit_for_object(user=request.user, obj=report)[:50] if report is not None else [],
    }


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
