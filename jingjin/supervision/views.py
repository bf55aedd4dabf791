"""Pages of supervision items (督办件): the list, the item with its history and next steps, and issuing."""

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

from jingjin.core import clock
from jingjin.core.clock import past_day
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, acts_for_a_unit, may_request_extension
from jingjin.core.selectors import audit_for_object
from jingjin.supervision import selectors, services
from jingjin.supervision.choices import ItemState, ItemStep, Signal
from jingjin.supervision.forms import IssueForm, StepForm
from jingjin.supervision.models import SupervisionItem

#: the label of the text box of each step, and whether it must be filled in
STEP_TEXT: dict[str, tuple[Any, bool]] = {
    ItemStep.ACKNOWLEDGE: (gettext_lazy("Comment (optional)"), False),
    ItemStep.START: (gettext_lazy("Comment (optional)"), False),
    ItemStep.ANSWER: (gettext_lazy("Answer: what has been done"), True),
    ItemStep.CLOSE: (gettext_lazy("Comment (optional)"), False),
    ItemStep.REOPEN: (gettext_lazy("Why the answer is sent back"), True),
}
STEP_BUTTON: dict[str, str] = {
    ItemStep.ACKNOWLEDGE: "btn-primary",
    ItemStep.START: "btn-primary",
    ItemStep.ANSWER: "btn-success",
    ItemStep.CLOSE: "btn-success",
    ItemStep.REOPEN: "btn-outline-danger",
}


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _item(request: HttpRequest, code: str) -> SupervisionItem:
    try:
        return selectors.item_detail(user=request.user, code=code)
    except SupervisionItem.DoesNotExist as exc:
        raise Http404(code) from exc


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in ItemState.values else ""
    signal = request.GET.get("signal", "")
    signal = signal if signal in Signal.values else ""
    unit_code = request.GET.get("unit", "").strip()
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    today = clock.today()
    on = past_day(request.GET.get("on", ""), before=today)
    if on is None:
        items = selectors.item_list(user=request.user, state=state, unit=unit, signal=signal, as_of=today)
    else:  # as the items stood at the end of a past day (a past month's cockpit links here)
        items = selectors.item_list_as_they_stood(
            user=request.user, day=on, state=state, unit=unit, signal=signal
        )
    page = Paginator(items, 50).get_page(request.GET.get("page"))
    if on is not None:
        page.object_list = selectors.as_they_stood(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    sees_all = not acts_for_a_unit(request.user)
    return render(
        request,
        "supervision/list.html",
        {
            "page": page,
            "state": state,
            "signal": signal,
            "unit": unit,
            "states": ItemState.choices,
            "signals": Signal.choices,
            "today": today,
            "on": on,
            "query": query.urlencode(),
            "can_issue": selectors.can_issue(user=request.user),
            "summary": selectors.item_summary_by_unit(user=request.user, as_of=today) if sees_all else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_issue(request: HttpRequest) -> HttpResponse:
    if not selectors.can_issue(user=request.user):
        return _forbidden(request, _("Only the plan office may issue a supervision item."))
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.item_issue(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                assignee_unit=data["assignee_unit"],
                task=data["task"],
                deadline=data["deadline"],
                source="web",
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "deadline" in exc.error_dict:
                form.add_error("deadline", _("The deadline may not be before today."))
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Issued %(code)s.") % {"code": item.code})
            return redirect("supervision:detail", code=item.code)
    return render(request, "supervision/issue.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def item_detail(request: HttpRequest, code: str) -> HttpResponse:
    item = _item(request, code)
    today = clock.today()
    labels = dict(ItemStep.choices)
    next_steps = [
        {
            "step": step,
            "label": labels[step],
            "text_label": STEP_TEXT[step][0],
            "text_required": STEP_TEXT[step][1],
            "button": STEP_BUTTON[step],
        }
        for step in selectors.item_next_steps(user=request.user, item=item)
    ]
    return render(
        request,
        "supervision/detail.html",
        {
            "item": item,
            "signal": selectors.deadline_signal(deadline=item.deadline, state=item.state, as_of=today),
            "steps": selectors.item_steps(item=item),
            "next_steps": next_steps,
            "states": ItemState.choices,
            "audit": audit_for_object(user=request.user, obj=item)[:50],
            "extension_requests": item.extension_requests.all(),
            "may_ask_extension": may_request_extension(request.user, item)
            and item.state not in (ItemState.ANSWERED, ItemState.CLOSED),
            "urgings": item.urgings.order_by("date", "id"),
        },
    )


@login_required
@require_POST
def item_step(request: HttpRequest, code: str, step: str) -> HttpResponse:
    if step not in services.TRANSITIONS:
        raise Http404(step)
    item = _item(request, code)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The text is too long."))
        return redirect("supervision:detail", code=item.code)
    labels = dict(ItemStep.choices)
    try:
        services.item_step(
            actor=request.user, item=item, step=step, text=form.cleaned_data["text"], source="web"
        )
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except services.IllegalTransition as exc:
        messages.error(request, _illegal_message(exc))
    except services.TextRequired as exc:
        messages.error(request, _text_required_message(exc))
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": labels[step]})
    return redirect("supervision:detail", code=item.code)


def _illegal_message(exc: services.IllegalTransition) -> str:
    return _("%(code)s is now “%(state)s”: “%(step)s” is not possible.") % {
        "code": exc.item.code,
        "state": ItemState(exc.state).label,
        "step": ItemStep(exc.step).label,
    }


def _text_required_message(exc: services.TextRequired) -> Any:
    if exc.step == ItemStep.ANSWER:
        return _("Write the answer: what has been done.")
    return _("Write why the answer is sent back.")
