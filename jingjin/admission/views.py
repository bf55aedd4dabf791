"""Pages of admission (准入): the applications with the chart of their results, an application
with every register's reasons and its steps, the registers with their imports, the allocation
runs with the quotas' use, shadow prices, the greedy comparison and the export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.admission import allocation, exports, imports, selectors, services
from jingjin.admission.choices import AdmissionOutcome, ApplicationState, CandidateSource
from jingjin.admission.forms import (
    ApplicationForm,
    CatalogueEntryForm,
    DecideForm,
    LandThresholdForm,
    RecheckForm,
    RunForm,
    UploadForm,
    ZoningUnitForm,
)
from jingjin.core.limits import LimitError, check_size
from jingjin.core.permissions import (
    PermissionDenied,
    may_check_admission_application,
    may_decide_admission_application,
    may_file_admission_application,
    may_manage_admission_registers,
    may_run_quota_allocation,
)
from jingjin.core.selectors import audit_for_object

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REGISTER_TITLES = {
    "catalogue": gettext_lazy("Industry catalogue"),
    "zoning": gettext_lazy("Zoning units (三线一单)"),
    "thresholds": gettext_lazy("Standard-land thresholds"),
    "actuals": gettext_lazy("Actual figures (re-check)"),
}


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "") if request.GET.get("state", "") in ApplicationState.values else ""
    outcome = (
        request.GET.get("outcome", "") if request.GET.get("outcome", "") in AdmissionOutcome.values else ""
    )
    rows = selectors.applications(request.user, state=state, outcome=outcome)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counts = selectors.outcome_counts(request.user)
    chart = {
        "labels": [str(label) for _v, label in AdmissionOutcome.choices],
        "values": [counts.get(value, 0) for value in AdmissionOutcome.values],
    }
    context = {
        "page": page,
        "state": state,
        "outcome": outcome,
        "states": ApplicationState.choices,
        "outcomes": AdmissionOutcome.choices,
        "chart": chart,
        "may_file": may_file_admission_application(request.user),
        "may_manage": may_manage_admission_registers(request.user),
    }
    return render(request, "admission/application_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    if not may_file_admission_application(request.user):
        return _forbidden(request, _("You may not file admission applications."))
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_submit(actor=request.user, data=dict(form.cleaned_data))
        except PermissionDenied:
            return _forbidden(request, _("You may not file an application for this park."))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Application %(code)s submitted.") % {"code": app.code})
            return redirect("admission:application", pk=app.pk)
    return render(request, "admission/application_form.html", {"form": form})


@login_required
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = selectors.application_detail(request.user, pk)
    if app is None:
        raise Http404(pk)
    may_check = may_check_admission_application(request.user, app)
    context = {
        "app": app,
        "reasons": app.reasons,
        "rechecks": list(app.rechecks.all()),
        "may_check": may_check and app.state in (ApplicationState.SUBMITTED, ApplicationState.CHECKED),
        "may_decide": may_decide_admission_application(request.user)
        and app.state == ApplicationState.CHECKED,
        "may_recheck": may_check
        and app.admitted
        and app.state in (ApplicationState.DECIDED, ApplicationState.COMPLETED),
        "decide_form": DecideForm(initial={"decision": app.outcome}),
        "recheck_form": RecheckForm(
            initial={"stage": "completion" if app.state == ApplicationState.DECIDED else "full_production"}
        ),
        "history": audit_for_object(user=request.user, obj=app)[:20],
    }
    return render(request, "admission/application_detail.html", context)


@login_required
@require_POST
def application_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    app = selectors.application_detail(request.user, pk)
    if app is None:
        raise Http404(pk)
    try:
        if step == "check":
            services.application_check(actor=request.user, application=app)
        elif step == "decide":
            form = DecideForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose a decision."))
            services.application_decide(
                actor=request.user,
                application=app,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        elif step == "recheck":
            recheck = RecheckForm(request.POST)
            if not recheck.is_valid():
                raise ValidationError([str(e) for errors in recheck.errors.values() for e in errors])
            data = dict(recheck.cleaned_data)
            stage = data.pop("stage")
            services.application_recheck(actor=request.user, application=app, stage=stage, actual=data)
        else:
            raise Http404(step)
    except PermissionDenied:
        return _forbidden(request, _("You may not take this step."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("admission:application", pk=pk)


def _register_rows(kind: str, user: Any) -> Any:
    if kind == "catalogue":
        return selectors.catalogue(user)
    if kind == "zoning":
        return selectors.zoning_units(user)
    if kind == "thresholds":
        return selectors.thresholds(user)
    raise Http404(kind)


@login_required
@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, kind: str) -> HttpResponse:
    """A register's list and its import (all or nothing, errors with rows and columns)."""
    if kind not in REGISTER_TITLES:
        raise Http404(kind)
    may_import = may_manage_admission_registers(request.user) or (
        kind == "actuals" and may_file_admission_application(request.user)
    )
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    total = 0
    if request.method == "POST":
        if not may_import:
            return _forbidden(request, _("You may not import this register."))
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size)
                count = imports.register_import(
                    actor=request.user, kind=kind, raw=upload.read(), filename=upload.name
                )
            except LimitError as exc:
                errors, total = [str(exc)], 1
            except imports.ImportFileError as exc:
                errors, total = [str(e) for e in exc.errors], exc.total
            except PermissionDenied:
                return _forbidden(request, _("You may not import this register."))
            else:
                messages.success(request, _("Imported %(n)d rows.") % {"n": count})
                return redirect("admission:register", kind=kind)
    rows = (
        None
        if kind == "actuals"
        else Paginator(_register_rows(kind, request.user), 50).get_page(request.GET.get("page"))
    )
    context = {
        "kind": kind,
        "title": REGISTER_TITLES[kind],
        "page": rows,
        "form": form,
        "errors": errors,
        "total": total,
        "may_import": may_import,
        "may_edit": kind in REGISTER_FORMS and may_manage_admission_registers(request.user),
        "columns": [c.zh for c in imports.COLUMNS[kind]],
    }
    return render(request, "admission/register.html", context)


#: the registers kept by a form: their form (the model is the form's)
REGISTER_FORMS: dict[str, Any] = {
    "catalogue": CatalogueEntryForm,
    "zoning": ZoningUnitForm,
    "thresholds": LandThresholdForm,
}


@login_required
@require_http_methods(["GET", "POST"])
def register_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Add (``pk`` None) or change a record of a register through its form (the plan office, as
    the import); the service validates the record again and audits it."""
    form_class = REGISTER_FORMS.get(kind)
    if form_class is None:
        raise Http404(kind)
    if not may_manage_admission_registers(request.user):
        return _forbidden(request, _("You may not change this register."))
    model = form_class._meta.model
    record = None
    if pk is not None:
        record = _register_rows(kind, request.user).filter(pk=pk).first()
        if record is None:
            raise Http404(pk)
    # the form changes its instance while it validates: the service gets a copy of its own,
    # whose snapshot is the record before the change
    form = form_class(request.POST or None, instance=model.objects.get(pk=pk) if pk is not None else None)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form._meta.fields}
        try:
            saved = services.register_save(actor=request.user, model=model, data=data, obj=record)
        except PermissionDenied:
            return _forbidden(request, _("You may not change this register."))
        except ValidationError as exc:
            fields = hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields)
            form.add_error(None, exc if fields else ValidationError(exc.messages))
        else:
            messages.success(request, _("Saved: %(record)s.") % {"record": saved})
            return redirect("admission:register", kind=kind)
    context = {"kind": kind, "title": REGISTER_TITLES[kind], "form": form, "record": record}
    return render(request, "admission/register_form.html", context, status=400 if form.errors else 200)


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.runs(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "admission/run_list.html",
        {"page": page, "may_run": may_run_quota_allocation(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_new(request: HttpRequest) -> HttpResponse:
    if not may_run_quota_allocation(request.user):
        return _forbidden(request, _("Only the plan office runs quota allocations."))
    admitted = allocation.admitted_applications()
    choices = [(a.code, f"{a.code} {a.project_name}") for a in admitted]
    form = RunForm(request.POST or None, candidates=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["source"] == CandidateSource.KEY_PROJECTS:
                rows = data["key_projects"]
                flagged = {name: {r["code"] for r in rows if r.get(name)} for name in ("must", "exclude")}
                candidates = allocation.key_project_candidates(rows, **flagged)
            else:
                candidates = allocation.application_candidates(
                    admitted, must=set(data["must"]), exclude=set(data["exclude"])
                )
            run = allocation.run_create(
                actor=request.user, code=data["code"], name=data["name"], pool=data["pool"],
                source=data["source"], leading_bonus=data["leading_bonus"], candidates=candidates,
            )  # fmt: skip
        except ValidationError as exc:
            fields = hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields)
            form.add_error(None, exc if fields else ValidationError(exc.messages))
        else:
            messages.success(request, _("Run %(code)s queued.") % {"code": run.code})
            return redirect("admission:run", pk=run.pk)
    context = {"form": form, "count": len(admitted), "missing": allocation.KEY_PROJECT_MISSING}
    return render(request, "admission/run_form.html", context, status=400 if form.errors else 200)


def _run(request: HttpRequest, pk: int) -> Any:
    run = selectors.runs(request.user).filter(pk=pk).first()
    if run is None:
        raise Http404(pk)
    return run


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    candidates = list(run.candidates.select_related("application").order_by("id"))
    summary = run.summary or {}
    quotas = summary.get("quotas") or {}
    chart = {
        "quotas": [str(name) for name in quotas],
        "used": [use["used"] for use in quotas.values()],
        "limit": [use["limit"] for use in quotas.values()],
        "optimum": summary.get("objective"),
        "greedy": (summary.get("greedy") or {}).get("objective"),
    }
    context = {"run": run, "candidates": candidates, "summary": summary, "quotas": quotas, "chart": chart}
    return render(request, "admission/run_detail.html", context)


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    response = HttpResponse(exports.run_workbook(run), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="allocation-{run.pk}.xlsx"'
    return response
