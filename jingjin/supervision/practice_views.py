"""Pages of leaders' instructions (领导批示), extension requests (延期申请) and urgings (督办单)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.alerts.models import EarlyWarning
from jingjin.assessment.models import RankingList
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_decide_extensions,
    may_give_instructions,
    may_request_extension,
)
from jingjin.plans.models import Task
from jingjin.reporting.models import Report
from jingjin.supervision import extensions, instructions, urging
from jingjin.supervision.choices import ExtensionState, UrgingColour
from jingjin.supervision.forms import DecisionForm, ExtensionForm, InstructionForm
from jingjin.supervision.models import ExtensionRequest, Instruction
from jingjin.supervision.views import _item

#: the targets of an instruction as given in the address (?task=…), with their model
TARGET_MODELS: dict[str, Any] = {
    "report": Report,
    "warning": EarlyWarning,
    "ranking_list": RankingList,
    "task": Task,
}


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _errors_to_form(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _target(request: HttpRequest) -> dict[str, Any]:
    for name, model in TARGET_MODELS.items():
        value = request.GET.get(name) or request.POST.get(name)
        if value:
            obj = model.objects.filter(pk=value).first() if str(value).isdigit() else None
            if obj is None:
                raise Http404(name)
            return {name: obj}
    raise Http404("target")


@login_required
def instruction_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in {"open", "closed"} else ""
    page = Paginator(instructions.instruction_list(state=state), 50).get_page(request.GET.get("page"))
    rows = instructions.instruction_rows(Instruction.objects.filter(pk__in=[i.pk for i in page.object_list]))
    return render(
        request,
        "supervision/instructions.html",
        {"page": page, "rows": rows, "state": state, "can_give": may_give_instructions(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def instruction_give(request: HttpRequest) -> HttpResponse:
    if not may_give_instructions(request.user):
        return _forbidden(request, _("Only a leader or the plan office may record a leader's instruction."))
    target = _target(request)
    ((name, obj),) = target.items()
    form = InstructionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            instruction = instructions.instruction_give(
                actor=request.user,
                text=data["text"],
                units=list(data["units"]),
                deadline=data["deadline"],
                leader_name=data["leader_name"],
                source="web",
                **target,
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Recorded %(code)s.") % {"code": instruction.code})
            return redirect("supervision:instruction", code=instruction.code)
    context = {"form": form, "target_name": name, "target": obj}
    return render(request, "supervision/instruction_form.html", context, status=400 if form.errors else 200)


@login_required
def instruction_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    rows = instructions.instruction_rows(Instruction.objects.filter(code=code))
    if not rows:
        raise Http404(code)
    return render(request, "supervision/instruction_detail.html", {"row": rows[0]})


# --------------------------------------------------------------------------------------------
# Extension requests


@login_required
@require_POST
def extension_request(request: HttpRequest, code: str) -> HttpResponse:
    item = _item(request, code)
    if not may_request_extension(request.user, item):
        return _forbidden(request, _("Only the handling unit may ask for an extension."))
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new deadline and the reason."))
        return redirect("supervision:detail", code=item.code)
    try:
        extensions.extension_request(
            actor=request.user,
            item=item,
            new_deadline=form.cleaned_data["new_deadline"],
            reason=form.cleaned_data["reason"],
        )
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except extensions.ExtensionError:
        messages.error(request, _("An extension is pending already, or the item is answered."))
    except ValidationError:
        messages.error(request, _("The new deadline must be after the current deadline."))
    else:
        messages.success(request, _("Extension requested."))
    return redirect("supervision:detail", code=item.code)


@login_required
def extension_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    queryset = extensions.extension_list(user=request.user, state=state)
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/extensions.html",
        {
            "page": page,
            "state": state,
            "states": ExtensionState.choices,
            "can_decide": may_decide_extensions(request.user),
        },
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not may_decide_extensions(request.user):
        return _forbidden(request, _("Only the plan office may grant or refuse an extension."))
    obj = ExtensionRequest.objects.filter(pk=pk).first()
    if obj is None:
        raise Http404(pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason of the decision."))
        return redirect("supervision:extensions")
    try:
        extensions.extension_decide(
            actor=request.user,
            request=obj,
            grant=form.cleaned_data["grant"] == "grant",
            reason=form.cleaned_data["reason"],
        )
    except extensions.ExtensionError:
        messages.error(request, _("The request was decided already."))
    except ValidationError:
        messages.error(request, _("Write the reason of the decision."))
    else:
        messages.success(request, _("Decided."))
    return redirect("supervision:extensions")


# --------------------------------------------------------------------------------------------
# Urgings


@login_required
def urging_list(request: HttpRequest) -> HttpResponse:
    colour = request.GET.get("colour", "")
    colour = colour if colour in UrgingColour.values else ""
    page = Paginator(urging.urging_list(user=request.user, colour=colour), 50).get_page(
        request.GET.get("page")
    )
    rule = urging.rule()
    return render(
        request,
        "supervision/urgings.html",
        {"page": page, "colour": colour, "colours": UrgingColour.choices, "rule": rule},
    )
