"""Pages of the ecology registers (生态环境台账): the ecology home with its counts, and for each
register its list, a record with its history, the forms to add, change, move and delete a record,
the import with its template, and the export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import ProtectedError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.core.limits import LimitError, check_size
from jingjin.core.permissions import (
    PermissionDenied,
    may_import_ecology_registers,
    may_manage_ecology_registers,
)
from jingjin.core.selectors import audit_for_object
from jingjin.ecology import imports, selectors, services
from jingjin.ecology.forms import MoveForm, UploadForm, parse_targets, record_form
from jingjin.ecology.registers import REGISTERS, Register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _register(slug: str) -> Register:
    register = REGISTERS.get(slug)
    if register is None:
        raise Http404(slug)
    return register


def _record(request: HttpRequest, register: Register, code: str) -> Any:
    try:
        return selectors.record_detail(register=register, user=request.user, code=code)
    except register.model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise Http404(code) from exc


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _form_fields(register: Register, user: Any, *, new: bool) -> tuple[str, ...]:
    names = [name for name in register.fields if name != "is_synthetic"]
    if not new and register.moves:
        names.remove("state")
    if not new and not may_manage_ecology_registers(user):
        names = [name for name in names if name not in register.locked]
    return tuple(names)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ecology/register_home.html",
        {"counts": selectors.home_counts(user=request.user), "registers": REGISTERS.values()},
    )


@login_required
def record_list(request: HttpRequest, register: str) -> HttpResponse:
    spec = _register(register)
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    county = request.GET.get("county", "").replace("\x00", "").strip()[:50]
    state = request.GET.get("state", "").replace("\x00", "")[:30]
    records = selectors.record_list(register=spec, user=request.user, query=query, county=county, state=state)
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    meta: Any = spec.model._meta
    states = meta.get_field("state").choices if "state" in spec.fields else []
    rows = [(record, [_shown(record, name) for name in spec.listed]) for record in page.object_list]
    return render(
        request,
        "ecology/register_list.html",
        {
            "register": spec,
            "page": page,
            "rows": rows,
            "headers": [meta.get_field(name).verbose_name for name in spec.listed],
            "query": query,
            "state": state,
            "county": county,
            "states": states,
            "params": params.urlencode(),
            "may_add": may_manage_ecology_registers(request.user),
            "may_import": may_import_ecology_registers(request.user),
        },
    )


def _shown(record: Any, name: str) -> Any:
    display = getattr(record, f"get_{name}_display", None)
    if display is not None:
        return display()
    value = getattr(record, name)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if hasattr(value, "name"):
        return value.name
    return "—" if value is None or value == "" else value


@login_required
def record_detail(request: HttpRequest, register: str, code: str) -> HttpResponse:
    spec = _register(register)
    record = _record(request, spec, code)
    may_change = selectors.may_change(user=request.user, record=record)
    moves = services.moves_of(record) if spec.moves else []
    return render(
        request,
        "ecology/register_detail.html",
        {
            "register": spec,
            "record": record,
            "fields": [
                (record._meta.get_field(name).verbose_name, _shown(record, name)) for name in spec.fields
            ],
            "targets": record.targets.order_by("year") if spec.has_targets else [],
            "projects": record.projects.order_by("code") if hasattr(record, "projects") else [],
            "may_change": may_change,
            "may_delete": may_manage_ecology_registers(request.user),
            "move_form": MoveForm(moves=moves) if may_change and moves else None,
            "audit": audit_for_object(user=request.user, obj=record)[:50],
        },
    )


def _save(request: HttpRequest, spec: Register, form: Any, record: Any) -> Any:
    data = {name: value for name, value in form.cleaned_data.items() if name != "targets"}
    targets = parse_targets(form.cleaned_data.get("targets") or "") if spec.has_targets else None
    if record is None:
        return services.record_create(model=spec.model, actor=request.user, data=data, targets=targets)
    return services.record_update(
        record=record, actor=request.user, data=data, targets=targets, replace_targets=True
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, register: str, code: str = "") -> HttpResponse:
    """The form of a new record (``code`` empty; the plan office) or of a record to change."""
    spec = _register(register)
    record = _record(request, spec, code) if code else None
    if record is None and not may_manage_ecology_registers(request.user):
        return _forbidden(request, _("Only the plan office may add records to the ecology registers."))
    if record is not None and not selectors.may_change(user=request.user, record=record):
        return _forbidden(request, _("You may not change %(record)s.") % {"record": record})
    fields = _form_fields(spec, request.user, new=record is None)
    form = record_form(spec, fields=fields, data=request.POST or None, instance=record)
    if request.method == "POST" and form.is_valid():
        try:
            saved = _save(request, spec, form, record)
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            form.add_error(
                "targets" if "targets" in form.fields and not hasattr(exc, "error_dict") else None, exc
            )
        else:
            messages.success(request, _("Saved %(code)s.") % {"code": saved.code})
            return redirect("ecology:register_detail", register=spec.slug, code=saved.code)
    return render(
        request,
        "ecology/register_form.html",
        {"register": spec, "record": record, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def record_move(request: HttpRequest, register: str, code: str) -> HttpResponse:
    spec = _register(register)
    record = _record(request, spec, code)
    if not selectors.may_change(user=request.user, record=record):
        return _forbidden(request, _("You may not change %(record)s.") % {"record": record})
    form = MoveForm(request.POST, moves=services.moves_of(record))
    if not form.is_valid():
        messages.error(request, _("Choose a state and a day."))
    else:
        try:
            services.record_move(
                record=record,
                actor=request.user,
                state=form.cleaned_data["state"],
                on=form.cleaned_data["on"],
            )
        except (services.RegisterError, ValidationError) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(
                request,
                _("%(code)s is now: %(state)s.") % {"code": code, "state": record.get_state_display()},
            )
    return redirect("ecology:register_detail", register=spec.slug, code=code)


@login_required
@require_POST
def record_delete(request: HttpRequest, register: str, code: str) -> HttpResponse:
    spec = _register(register)
    record = _record(request, spec, code)
    if not may_manage_ecology_registers(request.user):
        return _forbidden(request, _("Only the plan office may delete records of the ecology registers."))
    try:
        services.record_delete(record=record, actor=request.user)
    except ProtectedError:
        messages.error(
            request, _("%(code)s is still used (its data): it cannot be deleted.") % {"code": code}
        )
        return redirect("ecology:register_detail", register=spec.slug, code=code)
    messages.success(request, _("Deleted %(code)s.") % {"code": code})
    return redirect("ecology:register_list", register=spec.slug)


@login_required
@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest, register: str) -> HttpResponse:
    spec = _register(register)
    if not may_import_ecology_registers(request.user):
        return _forbidden(request, _("You may not import into the ecology registers."))
    form = UploadForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    total = 0
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)
            counts = imports.register_import(
                register=spec, user=request.user, raw=upload.read(), filename=upload.name
            )
        except LimitError as exc:
            errors, total = [str(exc)], 1
        except imports.RegisterFileError as exc:
            errors, total = [str(e) for e in exc.errors], exc.total
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        else:
            messages.success(request, _("Imported: %(created)d added, %(updated)d changed.") % counts)
            return redirect("ecology:register_list", register=spec.slug)
    return render(
        request,
        "ecology/register_import.html",
        {"register": spec, "form": form, "errors": errors, "total": total},
        status=400 if errors or form.errors else 200,
    )


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def register_template(request: HttpRequest, register: str) -> HttpResponse:
    spec = _register(register)
    return _xlsx(imports.register_workbook(register=spec), f"{spec.slug}-template")


@login_required
def register_export(request: HttpRequest, register: str) -> HttpResponse:
    spec = _register(register)
    records = selectors.record_list(register=spec, user=request.user)
    return _xlsx(imports.register_workbook(register=spec, records=records), spec.slug)
