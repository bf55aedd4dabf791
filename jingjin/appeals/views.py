"""Pages of appeals (异议): the unit files one on its entry of a published red/black list; the plan
office's queue; an appeal's detail with the decision (accept with the correction, or reject) —
thin views over the selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_POST

from jingjin.appeals import selectors, services
from jingjin.appeals.choices import AppealState
from jingjin.appeals.forms import AppealDecideForm, AppealFileForm
from jingjin.appeals.models import Appeal, AppealEvidence
from jingjin.assessment.corrections import correctable_criteria, value_bounds
from jingjin.assessment.models import RankingEntry
from jingjin.assessment.selectors import visible_lists
from jingjin.assessment.sources import CRITERION_SOURCES
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_decide_appeals,
    may_file_appeal,
    may_see_appeal,
)


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _messages(exc: ValidationError) -> list[str]:
    return list(exc.messages)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """The appeals the user sees (the plan office: every unit's), waiting ones first."""
    if not has_role(request.user):
        return _forbidden(request, _("Sign in with a role to see appeals."))
    state = request.GET.get("state", "")
    appeals = selectors.visible_appeals(user=request.user)
    if state in AppealState.values:
        appeals = appeals.filter(state=state)
    rows = sorted(appeals[:300], key=lambda a: (a.state != AppealState.FILED, -a.filed_at.timestamp()))
    return render(
        request,
        "appeals/queue.html",
        {
            "appeals": rows,
            "state": state,
            "states": AppealState.choices,
            "window_days": services.window_days(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def file(request: HttpRequest, entry: int) -> HttpResponse:
    """The unit's "file an appeal" form on its entry of a published list (within the window)."""
    found = get_object_or_404(
        RankingEntry.objects.select_related(
            "ranking_list__scheme", "ranking_list__period", "unit", "project"
        ),
        pk=entry,
        ranking_list__in=visible_lists(user=request.user),
    )
    if not may_file_appeal(request.user, found.unit_id):
        return _forbidden(request, _("Only the users of the unit, or the plan office, appeal its entry."))
    context = {
        "entry": found,
        "list": found.ranking_list,
        "window_end": services.window_end(found.ranking_list),
        "window_open": services.window_open(found.ranking_list),
    }
    return _file_page(request, context, lambda **given: services.appeal_file(entry=found, **given))


def _file_page(request: HttpRequest, context: dict[str, Any], file: Callable[..., Appeal]) -> HttpResponse:
    """The "file an appeal" form of an entry or a run's unit: ``file(actor=, reason=, files=)``
    files it; its refusals are shown on the form."""
    form = AppealFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = file(
                actor=request.user, reason=form.cleaned_data["reason"], files=form.cleaned_data["evidence"]
            )
        except PermissionDenied as exc:
            return _forbidden(request, str(exc))
        except ValidationError as exc:
            for message in _messages(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("The appeal is filed; the plan office will decide it."))
            return redirect("appeals:detail", pk=appeal.pk)
    context = {**context, "form": form, "window_days": services.window_days()}
    return render(request, "appeals/file.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def file_run(request: HttpRequest, run: int, unit: str) -> HttpResponse:
    """The unit's "file an appeal" form on its score in a scheme's published run (within the window)."""
    found = selectors.published_run(user=request.user, pk=run)
    if found is None:
        raise Http404("run")
    subject = get_object_or_404(Unit, code=unit)
    row = services.run_row(found, subject.code)
    if row is None:
        raise Http404("unit")
    if not may_file_appeal(request.user, subject.pk):
        return _forbidden(request, _("Only the users of the unit, or the plan office, appeal its entry."))
    context = {
        "run": found,
        "row": row,
        "window_end": services.run_window_end(found),
        "window_open": services.run_window_open(found),
    }
    return _file_page(
        request, context, lambda **given: services.appeal_file_run(scheme_run=found, unit=subject, **given)
    )


def _visible(request: HttpRequest, pk: int) -> Appeal:
    appeal: Appeal = get_object_or_404(
        Appeal.objects.select_related(
            "ranking_list__scheme",
            "ranking_list__period",
            "scheme_run__scheme",
            "scheme_run__period",
            "unit",
            "project",
        ),
        pk=pk,
    )
    if not may_see_appeal(request.user, appeal):
        raise Http404("appeal")
    return appeal


def _criteria(appeal: Appeal) -> tuple[tuple[str, ...], tuple[float, float]]:
    """The criteria a correction may set and the range of a corrected value."""
    if appeal.scheme_run is not None:
        return services.run_criteria(appeal.scheme_run), services.run_bounds()
    assert appeal.ranking_list is not None
    return correctable_criteria(appeal.ranking_list), value_bounds(appeal.ranking_list)


def _run_label(key: str) -> str:
    source, _sep, source_key = key.partition(":")
    found = CRITERION_SOURCES.get(source)
    label = str(found.label) if found is not None else source
    return f"{label} ({source_key})" if source_key else label


def _detail_context(
    request: HttpRequest, appeal: Appeal, form: AppealDecideForm | None = None
) -> dict[str, Any]:
    criteria, bounds = _criteria(appeal)
    may_decide = may_decide_appeals(request.user) and appeal.state == AppealState.FILED
    form = form or AppealDecideForm(criteria=criteria, bounds=bounds)
    context: dict[str, Any] = {
        "a": appeal,
        "evidence": list(appeal.evidence.all()),
        "may_decide": may_decide,
        "form": form,
    }
    if appeal.scheme_run is not None:
        row = appeal.run_row() or {}
        figures = row.get("figures") or {}
        context.update(
            run=appeal.scheme_run,
            row=row,
            window_end=services.run_window_end(appeal.scheme_run),
            criteria_fields=[
                {
                    "criterion": c,
                    "label": _run_label(c),
                    "field": form[f"value_{c}"],
                    "current": figures.get(c),
                }
                for c in criteria
            ],
        )
        return context
    assert appeal.ranking_list is not None
    entry = appeal.entry()
    context.update(
        entry=entry,
        list=appeal.ranking_list,
        window_end=services.window_end(appeal.ranking_list),
        criteria_fields=[
            {"criterion": c, "field": form[f"value_{c}"], "current": _current(entry, c)} for c in criteria
        ],
    )
    return context


def _current(entry: RankingEntry | None, criterion: str) -> Any:
    for item in (entry.items if entry is not None else None) or []:
        if item.get("criterion") == criterion:
            return item.get("value")
    return None


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An appeal: its entry, grounds, evidence, and the decision (the plan office decides here)."""
    appeal = _visible(request, pk)
    return render(request, "appeals/detail.html", _detail_context(request, appeal))


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan office accepts (with the correction; the list is ranked again) or rejects."""
    appeal = _visible(request, pk)
    if not may_decide_appeals(request.user):
        return _forbidden(request, pgettext("appeal", "Only the plan office decides appeals."))
    criteria, bounds = _criteria(appeal)
    form = AppealDecideForm(request.POST, criteria=criteria, bounds=bounds)
    if form.is_valid():
        try:
            if request.POST.get("outcome") == "accept":
                services.appeal_accept(
                    actor=request.user,
                    appeal=appeal,
                    decision=form.cleaned_data["decision"],
                    corrections=form.corrections(),
                    exempt=form.cleaned_data["exempt"],
                )
                messages.success(
                    request,
                    _("The appeal is accepted and the result computed again.")
                    if appeal.on_run
                    else _("The appeal is accepted and the list ranked again."),
                )
            else:
                services.appeal_reject(
                    actor=request.user, appeal=appeal, decision=form.cleaned_data["decision"]
                )
                messages.success(request, _("The appeal is rejected."))
        except ValidationError as exc:
            for message in _messages(exc):
                form.add_error(None, message)
        else:
            return redirect("appeals:detail", pk=appeal.pk)
    appeal.refresh_from_db()
    return render(request, "appeals/detail.html", _detail_context(request, appeal, form), status=400)


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file of an appeal, under its original name, to those who see the appeal."""
    item = get_object_or_404(AppealEvidence.objects.select_related("appeal"), pk=pk)
    if not may_see_appeal(request.user, item.appeal):
        raise Http404("evidence")
    try:
        handle = item.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("evidence file") from exc
    return FileResponse(handle, as_attachment=True, filename=item.original_name)
