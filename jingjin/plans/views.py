"""Pages of the plan registry: the plan tree, task pages, edits, search, import and export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import DateField, Model
from django.forms import DateInput, modelform_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from jingjin.core import clock
from jingjin.core.limits import in_background
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    can,
    can_add,
    can_manage_shares,
    editable_fields,
    may_reopen_task,
    restrict,
)
from jingjin.core.selectors import audit_for_object
from jingjin.core.services import object_update
from jingjin.dashboard.figures import plan_figures, task_figures
from jingjin.dashboard.services import period_resolve
from jingjin.jobs.kinds import file_type
from jingjin.jobs.services import job_submit
from jingjin.plans import planfile, selectors, services, shares
from jingjin.plans.job_kinds import KIND as PLAN_IMPORT
from jingjin.plans.models import Action, Indicator, Measure, Plan, Task
from jingjin.projects.selectors import task_projects
from jingjin.reporting import share_progress
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.reporting.selectors import current_strike_off, latest_reported, node_progress

#: monthly reports listed on a task's page, newest first
RECENT_REPORTS = 12

EXPORT_TYPES = {
    "json": "application/json; charset=utf-8",
    "yaml": "application/yaml; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _plan(request: HttpRequest, code: str | None = None) -> Plan:
    plans = selectors.plan_list(user=request.user)
    plan = plans.filter(code=code).first() if code else plans.first()
    if plan is None:
        raise Http404(_("No plan has been loaded."))
    return plan


@login_required
def plan_tree(request: HttpRequest, plan_code: str | None = None) -> HttpResponse:
    """The actions and measures of a plan; a measure's tasks load when it is opened (:func:`measure_tasks`).

    A fixed number of queries, however many measures and tasks the plan has."""
    plan = _plan(request, plan_code)
    period = _tree_period(request)
    actions = selectors.plan_outline(user=request.user, plan=plan)
    measures = [m for a in actions for m in a.measures.all()]
    figures = plan_figures(user=request.user, plan=plan, period=period, outline=actions)
    for node in [*actions, *measures]:
        node.figure = figures.of(node)
    counts = {
        "actions": len(actions),
        "measures": len(measures),
        "tasks": sum(m.task_count for m in measures),
        "indicators": selectors.indicator_count(user=request.user, plan=plan) if measures else 0,
    }
    return render(
        request,
        "plans/tree.html",
        {
            "plan": plan,
            "actions": actions,
            "counts": counts,
            "period": period,
            "plan_figure": figures.of(plan),
            "plans": selectors.plan_list(user=request.user),
            "can_import": can_add(request.user),
        },
    )


@login_required
def measure_tasks(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    """The task rows of one measure of the plan tree (an htmx fragment), with each task's progress.

    A fixed number of queries, however many tasks the measure has."""
    plan = _plan(request, plan_code)
    try:
        measure = selectors.measure_of_plan(user=request.user, plan=plan, code=code)
    except Measure.DoesNotExist as exc:
        raise Http404(code) from exc
    if request.headers.get("HX-Request") != "true":  # opened directly: the measure's own page
        return redirect("plans:measure", plan.code, measure.code)
    period = _tree_period(request)
    tasks = selectors.measure_tasks(user=request.user, measure=measure)  # city tasks, with share_count
    progress = latest_reported((t.pk for t in tasks), up_to=period)
    lights = task_figures(user=request.user, tasks=Task.objects.filter(measure=measure), period=period)
    return render(
        request,
        "plans/measure_tasks.html",
        {
            "plan": plan,
            "measure": measure,
            "period": period,
            "rows": [(t, progress.get(t.pk), lights.get(t.pk)) for t in tasks],
        },
    )


def _tree_period(request: HttpRequest) -> ReportingPeriod:
    """The month whose progress and lights the plan tree shows: ``?period=YYYY-MM``, by default
    the month being reported on (the cockpit's default)."""
    try:
        return period_resolve(code=request.GET.get("period", "").strip(), today=clock.today())
    except ValidationError as exc:
        raise Http404(" ".join(exc.messages)) from exc


def _node_page(request: HttpRequest, node: Model, kind: str, plan: Plan, **extra: Any) -> HttpResponse:
    return render(
        request,
        "plans/node.html",
        {
            "plan": plan,
            "node": node,
            "kind": kind,
            "can_edit": bool(editable_fields(request.user, node)),
            "audit": audit_for_object(user=request.user, obj=node)[:50],
            "progress": node_progress(user=request.user, node=node),
            **extra,
        },
    )


@login_required
def action_detail(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    plan = _plan(request, plan_code)
    action = get_object_or_404(
        Action.objects.restrict(request.user, "view").select_related("lead_unit"), plan=plan, code=code
    )
    return _node_page(request, action, "action", plan, children=action.measures.select_related("lead_unit"))


@login_required
def measure_detail(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    plan = _plan(request, plan_code)
    measure = get_object_or_404(
        Measure.objects.restrict(request.user, "view").select_related("lead_unit", "action"),
        action__plan=plan,
        code=code,
    )
    return _node_page(
        request,
        measure,
        "measure",
        plan,
        children=measure.tasks.filter(parent__isnull=True).select_related("lead_unit"),
    )


@login_required
def task_detail(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    plan = _plan(request, plan_code)
    try:
        task = selectors.task_detail(user=request.user, plan=plan, code=code)
    except Task.DoesNotExist as exc:
        raise Http404(code) from exc
    from jingjin.benchmark.selectors import peer_rank

    indicators = [
        (
            ind,
            can(request.user, "change", ind),
            peer_rank(user=request.user, plan_city=plan.city, indicator=ind.benchmark_indicator)
            if ind.benchmark_indicator_id
            else None,
        )
        for ind in task.indicators.all()
    ]
    reports = (
        restrict(request.user, "view", Report.objects.filter(task=task))
        .select_related("period")
        .order_by("-period_index")[:RECENT_REPORTS]
    )
    return _node_page(
        request,
        task,
        "task",
        plan,
        indicators=indicators,
        reports=reports,
        strike_off=current_strike_off(task),
        may_reopen=may_reopen_task(request.user),
        shares=share_progress.task_share_rows(task=task),
        share_units=selectors.share_unit_choices(task=task) if can_manage_shares(request.user) else [],
        can_manage_shares=can_manage_shares(request.user) and task.parent_id is None,
        key_projects=task_projects(user=request.user, task=task),
    )


def _error_text(exc: ValidationError, labels: dict[str, str]) -> str:
    """A refusal of a share service as one line naming the field(s)."""
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{labels.get(name, name)}: {' '.join(messages_)}" for name, messages_ in exc.message_dict.items()
        )
    return " ".join(exc.messages)


def _share_labels() -> dict[str, str]:
    return {
        "unit": _("County or park"),
        "units": _("Counties and parks"),
        "weight": _("Weight"),
        "target": _("Target"),
        "target_unit": _("Unit of the target"),
        "start": _("Start"),
        "end": _("End"),
        "share": _("Share"),
        "task": _("Task"),
    }


@login_required
@require_http_methods(["POST"])
def task_shares_add(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    """Split the task into shares for the chosen counties and parks (plan office)."""
    plan = _plan(request, plan_code)
    task = get_object_or_404(
        Task.objects.restrict(request.user, "view"), measure__action__plan=plan, code=code
    )
    back = f"/plan/{plan.code}/tasks/{task.code}/"
    codes = [c for c in request.POST.getlist("units") if c]
    units = list(Unit.objects.filter(code__in=codes).order_by("position", "code"))
    try:
        created = shares.task_split(
            actor=request.user,
            task=task,
            units=units,
            weight=request.POST.get("weight", "").strip() or 1,
            target=request.POST.get("target", "").strip() or None,
            target_unit=request.POST.get("target_unit", ""),
        )
    except PermissionDenied as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except ValidationError as exc:
        messages.error(request, _error_text(exc, _share_labels()))
        return redirect(back)
    messages.success(
        request,
        ngettext("%(n)d share added.", "%(n)d shares added.", len(created)) % {"n": len(created)},
    )
    return redirect(back)


@login_required
@require_http_methods(["POST"])
def task_share_edit(request: HttpRequest, plan_code: str, code: str, share_id: int) -> HttpResponse:
    """Change or delete one share of the task (plan office)."""
    plan = _plan(request, plan_code)
    task = get_object_or_404(
        Task.objects.restrict(request.user, "view"), measure__action__plan=plan, code=code
    )
    share = get_object_or_404(Task, parent=task, pk=share_id)
    back = f"/plan/{plan.code}/tasks/{task.code}/"
    try:
        if request.POST.get("delete"):
            shares.task_share_delete(actor=request.user, share=share)
            messages.success(request, _("Share deleted."))
        else:
            shares.task_share_update(
                actor=request.user,
                share=share,
                weight=request.POST.get("weight", "").strip(),
                target=request.POST.get("target", "").strip() or None,
                target_unit=request.POST.get("target_unit", ""),
                start=request.POST.get("start", "").strip() or None,
                end=request.POST.get("end", "").strip() or None,
            )
            messages.success(request, _("Saved."))
    except PermissionDenied as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except ValidationError as exc:
        messages.error(request, _error_text(exc, _share_labels()))
    return redirect(back)


@login_required
@require_http_methods(["POST"])
def task_reopen(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    """Reopen (恢复) a struck-off task with a reason (the plan office)."""
    from jingjin.reporting.services import task_reopen as reopen

    plan = _plan(request, plan_code)
    try:
        task = selectors.task_detail(user=request.user, plan=plan, code=code)
    except Task.DoesNotExist as exc:
        raise Http404(code) from exc
    try:
        reopen(actor=request.user, task=task, reason=request.POST.get("reason", ""))
    except PermissionDenied as exc:
        return render(request, "403.html", {"reason": str(exc)}, status=403)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The task is reopened: it is due again from this month."))
    return redirect("plans:task", plan_code=plan.code, code=task.code)


def _edit(request: HttpRequest, obj: Any, plan: Plan, back: str) -> HttpResponse:
    fields = editable_fields(request.user, obj)
    if not fields:
        return render(request, "403.html", {"reason": _("You may not change this object.")}, status=403)
    date_fields = [f for f in fields if isinstance(obj._meta.get_field(f), DateField)]
    form_class = modelform_factory(
        type(obj),
        fields=fields,
        widgets={f: DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for f in date_fields},
    )
    if request.method == "POST":
        form = form_class(request.POST, instance=type(obj).objects.get(pk=obj.pk))
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in fields}
            try:
                object_update(obj=obj, actor=request.user, data=data, source="web")
            except PermissionDenied as exc:
                return render(request, "403.html", {"reason": str(exc)}, status=403)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(back)
    else:
        form = form_class(instance=obj)
    return render(request, "plans/edit.html", {"plan": plan, "obj": obj, "form": form, "back": back})


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    plan = _plan(request, plan_code)
    task = get_object_or_404(
        Task.objects.restrict(request.user, "view"), measure__action__plan=plan, code=code
    )
    return _edit(request, task, plan, back=f"/plan/{plan.code}/tasks/{task.code}/")


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, plan_code: str, code: str) -> HttpResponse:
    plan = _plan(request, plan_code)
    ind = get_object_or_404(
        Indicator.objects.restrict(request.user, "view").select_related("task"),
        task__measure__action__plan=plan,
        code=code,
    )
    return _edit(request, ind, plan, back=f"/plan/{plan.code}/tasks/{ind.task.code}/")


@login_required
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    tasks = selectors.task_search(user=request.user, query=query)[:200] if query else []
    return render(request, "plans/search.html", {"query": query, "task_search": query, "tasks": tasks})


@login_required
def plan_export(request: HttpRequest, plan_code: str, fmt: str) -> HttpResponse:
    plan = _plan(request, plan_code)
    if fmt not in EXPORT_TYPES:
        raise Http404(fmt)
    body = planfile.dumps(services.plan_export(code=plan.code), fmt)
    response = HttpResponse(body, content_type=EXPORT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{plan.code}.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    if not can_add(request.user):
        return render(
            request, "403.html", {"reason": _("Only the plan office may import a plan.")}, status=403
        )
    errors: list[planfile.PlanError] = []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors = [planfile.PlanError(_("file"), _("Choose a file to import."))]
        elif in_background(upload.size):  # a large file: imported by a job, not while the request waits
            try:
                job = job_submit(
                    actor=request.user,
                    kind=PLAN_IMPORT,
                    params={"source": "web"},
                    input_file=upload,
                    source="web",
                )
            except ValidationError as exc:  # e.g. a file name with control characters
                errors = [planfile.PlanError(_("file"), message) for message in exc.messages]
            else:
                messages.info(request, _("The file is large: it is imported in the background."))
                return redirect("jobs:detail", pk=job.pk)
        else:
            name = upload.name or ""
            try:
                data = planfile.loads(upload.read(), file_type(name), name=name)
                result = services.plan_import(data=data, actor=request.user, source="web")
            except planfile.PlanFileError as exc:
                errors = exc.errors
            else:
                messages.success(
                    request,
                    _("Imported %(plan)s: %(c)d created, %(u)d updated, %(d)d deleted.")
                    % {
                        "plan": result.plan.code,
                        "c": result.created,
                        "u": result.updated,
                        "d": result.deleted,
                    },
                )
                return redirect("plans:tree_of", plan_code=result.plan.code)
    return render(
        request,
        "plans/import.html",
        {"errors": errors},
        status=400 if errors else 200,
    )
