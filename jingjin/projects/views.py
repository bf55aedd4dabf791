"""Pages of the project library (重点项目库): the list with its progress, a project, its edit form,
the import and the exports. The as-of month is ``?month=YYYY-MM``, by default the month being
reported on (as the cockpit)."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core import clock
from jingjin.core.bounds import bound_texts
from jingjin.core.limits import in_background
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    editable_fields,
    may_add_projects,
    may_change_project,
    restrict,
)
from jingjin.core.selectors import audit_for_object
from jingjin.jobs.services import job_submit
from jingjin.projects import exports, imports, selectors, services
from jingjin.projects.choices import MilestoneKind, ProjectCategory, ProjectLevel, ProjectState
from jingjin.projects.forms import ExtrasForm, ImportForm, project_create_form_class, project_form_class
from jingjin.projects.job_kinds import KIND as PROJECT_IMPORT
from jingjin.projects.models import KeyProject, ProjectReport
from jingjin.projects.progress import progress_table

PAGE_SIZE = 50


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _month(request: HttpRequest) -> tuple[int, int]:
    try:
        return selectors.as_of_month(request.GET.get("month", ""))
    except selectors.FilterError as exc:
        raise Http404(_("Choose a month YYYY-MM.")) from exc


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    filters = {name: request.GET.get(name, "").strip() for name in selectors.FILTERS}
    try:
        return selectors.project_list(user=request.user, filters=filters), filters
    except selectors.FilterError:
        return KeyProject.objects.none(), filters


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, min(int(request.GET.get("page", "1")), 10**6))
    except ValueError:
        return 1


def _choices() -> dict[str, Any]:
    units = Unit.objects.order_by("position", "code")
    return {
        "levels": ProjectLevel.choices,
        "categories": ProjectCategory.choices,
        "states": ProjectState.choices,
        "counties": units.filter(kind="county"),
        "parks": units.filter(kind="park"),
        "sorts": [
            ("code", _("Code")),
            ("completion", _("Completion, lowest first")),
            ("-completion", _("Completion, highest first")),
            ("gap", _("Gap, largest lag first")),
            ("-delay", _("Milestone delay, longest first")),
        ],
    }


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    """The projects with their investment progress of the as-of month, filtered, sorted and paged;
    a fixed number of queries however many projects there are."""
    year, month = _month(request)
    projects, filters = _filtered(request)
    sort = request.GET.get("sort", "code")
    sort = sort if sort in selectors.SORTS else "code"
    number = _page_number(request)
    page = selectors.progress_page(
        projects, year=year, month=month, sort=sort, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
    )
    pages = max(1, -(-page.count // PAGE_SIZE))
    labels = exports.lag_labels()
    for project in page.projects:
        project.lag_label = labels.get(project.figures.get("lag") or "", "")  # type: ignore[attr-defined]
    lag_totals = [(name, f"{labels[name]} {n}") for name, n in page.totals.get("lags", {}).items() if n]
    kept = {k: v for k, v in {**filters, "sort": sort, "month": request.GET.get("month", "")}.items() if v}
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "filters": filters,
            "sort": sort,
            "month_code": f"{year:04d}-{month:02d}",
            "filter_query": urlencode(kept),
            "number": number,
            "pages": pages,
            "previous": number - 1 if number > 1 else None,
            "next": number + 1 if number < pages else None,
            "may_import": may_add_projects(request.user),
            "lag_totals": lag_totals,
            **_choices(),
        },
    )


@login_required
def project_export(request: HttpRequest) -> HttpResponse:
    """The (filtered) list as an Excel workbook with the progress of the as-of month."""
    year, month = _month(request)
    projects, _filters = _filtered(request)
    response = HttpResponse(exports.export_xlsx(projects, year=year, month=month), content_type=exports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="key-projects-{year:04d}-{month:02d}.xlsx"'
    return response


def _project(request: HttpRequest, code: str) -> KeyProject:
    try:
        return selectors.project_detail(user=request.user, code=code)
    except KeyProject.DoesNotExist as exc:
        raise Http404(code) from exc


def _report_link(report: ProjectReport) -> str | None:
    """The page of a project report, when the project reports' pages exist."""
    try:
        return reverse("projects:report_detail", kwargs={"pk": report.pk})
    except NoReverseMatch:
        return None


@login_required
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A project: the five ones, yearly plans, milestones planned against actual, its progress of
    the as-of month, its tasks and its monthly reports."""
    project = _project(request, code)
    year, month = _month(request)
    figures = progress_table(KeyProject.objects.filter(pk=project.pk), year, month).row(project.pk)
    as_of = min(clock.today(), date(year, month, calendar.monthrange(year, month)[1]))
    labels = dict(MilestoneKind.choices)
    milestones = []
    for m in sorted(project.milestones.all(), key=lambda m: list(labels).index(m.kind)):
        # a milestone not reached by the as-of day is late by the days since it was planned
        end = m.actual or (as_of if m.planned and m.planned < as_of else None)
        delay = (end - m.planned).days if m.planned and end else None
        milestones.append({"label": labels[m.kind], "planned": m.planned, "actual": m.actual, "delay": delay})
    five_labels = {
        "leader": _("Responsible leader"),
        "team": _("Working team"),
        "plan_document": _("Plan document"),
        "timeline": _("Timeline"),
        "support_measures": _("Support measures"),
    }
    five = [(five_labels[k], v) for k, v in project.five_ones.items()]
    reports = restrict(request.user, "view", ProjectReport.objects.filter(project=project)).select_related(
        "period"
    )[:24]
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "five": five,
            "five_complete": all(v.strip() for _label, v in five),
            "figures": figures,
            "month_code": f"{year:04d}-{month:02d}",
            "milestones": milestones,
            "reports": [(r, _report_link(r)) for r in reports],
            "tasks": project.tasks.all(),
            "can_edit": may_change_project(request.user, project),
            "lag_label": exports.lag_labels().get(figures.get("lag") or "", ""),
            "audit": audit_for_object(user=request.user, obj=project)[:20],
        },
    )


def _years(project: KeyProject) -> list[int]:
    this = clock.today().year
    return sorted({p.year for p in project.year_plans.all()} | {this, this + 1})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change a project: the fields the user may change, its state, yearly plans and milestones."""
    project = _project(request, code)
    if not editable_fields(request.user, project):
        return _forbidden(request, _("You may not change this project."))
    form_class = project_form_class(request.user, project)
    data = request.POST if request.method == "POST" else None
    form = bound_texts(form_class(data, instance=KeyProject.objects.get(pk=project.pk)))
    extras = ExtrasForm(data, user=request.user, project=project, years=_years(project))
    if request.method == "POST" and form.is_valid() and extras.is_valid():
        try:
            _save(request, project, form, extras)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("projects:detail", code=project.code)
    return render(
        request,
        "projects/edit.html",
        {"project": project, "form": form, "extras": extras, "may_delete": may_add_projects(request.user)},
    )


def form_errors(form: Any, exc: ValidationError) -> None:
    """Put the service's ``exc`` on the form: a field's error under the field, others on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    """A new project (the plan office): its fields, state, yearly plans and planned milestones."""
    if not may_add_projects(request.user):
        return _forbidden(request, _("Only the plan office may create key projects."))
    data = request.POST if request.method == "POST" else None
    form = bound_texts(project_create_form_class()(data))
    this = clock.today().year
    blank = KeyProject(state=ProjectState.RESERVE)
    extras = ExtrasForm(data, user=request.user, project=blank, years=[this, this + 1])
    if request.method == "POST" and form.is_valid() and extras.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields}
        try:
            project = services.project_create(
                actor=request.user,
                data={**fields, "state": extras.cleaned_data["state"]},
                year_plans={y: v for y, v in extras.plans().items() if v is not None},
                milestones={k: d for k, d in extras.milestones().items() if d is not None},
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The project %(code)s is created.") % {"code": project.code})
            return redirect("projects:detail", code=project.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "projects/create.html", {"form": form, "extras": extras}, status=status)


@transaction.atomic
def _save(request: HttpRequest, project: KeyProject, form: Any, extras: ExtrasForm) -> None:
    data = {name: form.cleaned_data[name] for name in form.fields}
    changed = {k: v for k, v in data.items() if getattr(project, k) != v}
    if changed:
        project = services.project_update(actor=request.user, project=project, data=changed)
    if extras.years:
        services.project_set_year_plans(actor=request.user, project=project, plans=extras.plans())
    if extras.kinds:
        services.project_set_milestones(actor=request.user, project=project, planned=extras.milestones())
    services.project_move_state(actor=request.user, project=project, state=extras.cleaned_data["state"])


@login_required
@require_http_methods(["POST"])
def project_delete(request: HttpRequest, code: str) -> HttpResponse:
    """Delete a project without reports (the plan office)."""
    project = _project(request, code)
    try:
        services.project_delete(actor=request.user, project=project)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("projects:edit", code=project.code)
    messages.success(request, _("The project %(code)s is deleted.") % {"code": code})
    return redirect("projects:list")


@login_required
@require_http_methods(["GET", "POST"])
def project_import(request: HttpRequest) -> HttpResponse:
    """Import the commission's workbook (the plan office): all or nothing."""
    if not may_add_projects(request.user):
        return _forbidden(request, _("Only the plan office may import key projects."))
    errors: list[Any] = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if in_background(upload.size):
            try:
                job = job_submit(
                    actor=request.user,
                    kind=PROJECT_IMPORT,
                    params={"source": "web"},
                    input_file=upload,
                    source="web",
                )
            except ValidationError as exc:
                errors = [imports.ImportProblem(0, "", "", m) for m in exc.messages]
            else:
                messages.info(request, _("The file is large: it is imported in the background."))
                return redirect("jobs:detail", pk=job.pk)
        else:
            try:
                result = imports.project_import(actor=request.user, raw=upload.read(), source="web")
            except imports.ImportFileError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("Imported: %(c)d projects created, %(u)d updated.")
                    % {"c": result.created, "u": result.updated},
                )
                return redirect("projects:list")
    return render(
        request, "projects/import.html", {"form": form, "errors": errors}, status=400 if errors else 200
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """The empty workbook to fill in for an import."""
    response = HttpResponse(exports.template_xlsx(), content_type=exports.XLSX)
    response["Content-Disposition"] = 'attachment; filename="key-projects-template.xlsx"'
    return response


@login_required
def project_docx(request: HttpRequest, code: str) -> HttpResponse:
    """One project as a Word document, with its progress of the as-of month."""
    project = _project(request, code)
    year, month = _month(request)
    figures = progress_table(KeyProject.objects.filter(pk=project.pk), year, month).row(project.pk)
    body = exports.project_docx(project, figures=figures, year=year, month=month)
    response = HttpResponse(body, content_type=exports.DOCX)
    response["Content-Disposition"] = f'attachment; filename="key-project-{project.pk}.docx"'
    return response
