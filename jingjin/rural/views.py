"""Pages of return-to-poverty monitoring: the household list (overdue identifications flagged),
a household's file (members masked unless the viewer is a case worker of its county — then the
view is logged), its actions, the village public notice, the export, the screening with its
candidates and the access log for the plan office."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jingjin.core import clock
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_read_access_log,
    may_screen_households,
    may_work_on_household,
)
from jingjin.engines.rural import SECURE_COLUMNS
from jingjin.rural import elimination, selectors, services
from jingjin.rural import forms as rural_forms
from jingjin.rural.choices import STEP_ORDER, HouseholdState, MonitoringType, Step
from jingjin.rural.models import Candidate, Household
from jingjin.rural.screening import candidate_convert, screening_submit


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _param(request: HttpRequest, name: str, limit: int = 64) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    state, kind = _param(request, "state"), _param(request, "type")
    filters = selectors.HouseholdFilters(
        state=state if state in HouseholdState.values else "",
        monitoring_type=kind if kind in MonitoringType.values else "",
        county=_param(request, "county"),
        overdue=request.GET.get("overdue") == "1",
        without_measure=request.GET.get("without_measure") == "1",
    )
    page = Paginator(selectors.household_list(user=request.user, filters=filters), 50).get_page(
        request.GET.get("page")
    )
    today = clock.today()
    for household in page:
        household.deadline = selectors.decision_deadline(household)  # type: ignore[attr-defined]
        household.overdue = selectors.is_overdue(household, today)  # type: ignore[attr-defined]
        household.lacks_measure = selectors.lacks_measure(household, household.has_measure, today)  # type: ignore[attr-defined]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "rural/household_list.html",
        {
            "page": page,
            "households": list(page),
            "filters": filters,
            "states": HouseholdState.choices,
            "types": MonitoringType.choices,
            "counts": selectors.state_counts(user=request.user),
            "query": query.urlencode(),
            "may_screen": may_screen_households(request.user),
            "may_read_log": may_read_access_log(request.user),
        },
    )


def _household(request: HttpRequest, code: str) -> Household:
    household = selectors.household_get(user=request.user, code=code)
    if household is None:
        raise Http404
    return household


@login_required
def household_detail(request: HttpRequest, code: str) -> HttpResponse:
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    household = _household(request, code)
    return render(request, "rural/household_detail.html", _detail_context(request, household, {}))


def _detail_context(
    request: HttpRequest, household: Household, bound: dict[str, forms.Form]
) -> dict[str, Any]:
    full = selectors.shows_full(request.user, household)
    members = list(household.members.all())
    if full and members:
        services.access_record(user=request.user, household=household, via="page")
    steps = list(household.steps.order_by("done_on", "id"))
    may_work = may_work_on_household(request.user, household)
    identification = [s for s in steps if s.step in STEP_ORDER]
    next_step = STEP_ORDER[len(identification)] if len(identification) < len(STEP_ORDER) else None
    today = clock.today().isoformat()
    initial_step = {"step": next_step, "done_on": today}
    context: dict[str, Any] = {
        "household": household,
        "members": [
            {**row, "pk": member.pk}
            for row, member in zip(selectors.member_rows(members, full=full), members, strict=True)
        ],
        "full": full,
        "steps": steps,
        "risks": household.risks.all(),
        "measures": household.measures.select_related("pool"),
        "incomes": household.incomes.order_by("-month")[:24],
        "deadline": selectors.decision_deadline(household),
        "overdue": selectors.is_overdue(household),
        "lacks_measure": selectors.lacks_measure(household, household.measures.exists()),
        "may_work": may_work,
        "identifying": household.state == HouseholdState.IDENTIFYING,
        "monitored": household.state == HouseholdState.MONITORED,
        **_elimination_context(household, steps),
        "closed": household.state in (HouseholdState.ELIMINATED, HouseholdState.REJECTED),
        "later": household.later.first(),
        "secure": [
            (rural_forms.SituationForm.base_fields[name].label, getattr(household, name))
            for name in SECURE_COLUMNS
        ],
        "next_step": Step(next_step).label if next_step else "",
    }
    if may_work:
        initial: dict[str, dict[str, Any]] = {
            "step": initial_step,
            "reject": {"on": today},
            "measure": {"started_on": today},
            "income": {"month": today},
            "eliminate": {"on": today},
            "elimination": {"step": context["elimination_step"], "done_on": today},
            "stop": {"on": today},
            "situation": {name: getattr(household, name) for name in services.SITUATION_FIELDS},
            "again": {"lead_date": today, "monitoring_type": household.monitoring_type},
        }
        context["forms"] = {
            name: bound.get(name) or _form(name, household, None, initial.get(name)) for name in ACTIONS
        }
    return context


def _elimination_context(household: Household, steps: list[Any]) -> dict[str, Any]:
    """Where the household's elimination procedure stands, for the page."""
    upcoming = elimination.next_step(household, steps)
    return {
        "elimination_step": upcoming,
        "elimination_next": Step(upcoming).label if upcoming else "",
        "elimination_approval": upcoming == Step.ELIMINATION_APPROVAL,
        "elimination_under_way": upcoming not in (None, Step.ELIMINATION_VERIFICATION),
        "elimination_notice": any(s.step == Step.ELIMINATION_NOTICE for s in steps),
    }


def _do_step(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return services.step_record(actor=user, household=household, **data)


def _do_reject(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return services.household_reject(actor=user, household=household, **data)


def _do_member(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return services.member_add(actor=user, household=household, **data)


def _do_risk(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return services.risk_add(actor=user, household=household, **data)


def _do_measure(user: Any, household: Household, data: dict[str, Any]) -> Any:
    data["paid"] = data.get("paid") or 0
    return services.measure_add(actor=user, household=household, **data)


def _do_income(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return services.income_record(actor=user, household=household, **data)


def _do_situation(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return services.household_situation_update(actor=user, household=household, **data)


def _do_again(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return services.household_monitor_again(actor=user, household=household, **data)


def _do_elimination_step(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return elimination.elimination_step_record(actor=user, household=household, **data)


def _do_eliminate(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return elimination.household_eliminate(actor=user, household=household, **data)


def _do_stop(user: Any, household: Household, data: dict[str, Any]) -> Any:
    return elimination.elimination_stop(actor=user, household=household, **data)


ACTIONS: dict[str, tuple[type[forms.Form], Callable[[Any, Household, dict[str, Any]], Any], Any]] = {
    "step": (rural_forms.StepForm, _do_step, gettext_lazy("Step recorded.")),
    "reject": (rural_forms.RejectForm, _do_reject, gettext_lazy("Identification closed.")),
    "member": (rural_forms.MemberForm, _do_member, gettext_lazy("Member added.")),
    "risk": (rural_forms.RiskForm, _do_risk, gettext_lazy("Risk added.")),
    "measure": (rural_forms.MeasureForm, _do_measure, gettext_lazy("Measure added.")),
    "income": (rural_forms.IncomeForm, _do_income, gettext_lazy("Income recorded.")),
    "situation": (rural_forms.SituationForm, _do_situation, gettext_lazy("Situation updated.")),
    "again": (rural_forms.MonitorAgainForm, _do_again, gettext_lazy("A new file is open for the family.")),
    "elimination": (rural_forms.EliminationStepForm, _do_elimination_step, gettext_lazy("Step recorded.")),
    "eliminate": (rural_forms.EliminateForm, _do_eliminate, gettext_lazy("Risk eliminated.")),
    "stop": (rural_forms.StopEliminationForm, _do_stop, gettext_lazy("Elimination procedure stopped.")),
}


@login_required
@require_POST
def household_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    household = _household(request, code)
    if action not in ACTIONS:
        raise Http404
    if not may_work_on_household(request.user, household):
        return _forbidden(request, _("Only the case workers of the household's county work on it."))
    do, done = ACTIONS[action][1:]
    form = _form(action, household, request.POST)
    if form.is_valid():
        try:
            result = do(request.user, household, dict(form.cleaned_data))
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionDenied:
            return _forbidden(request, _("Only the case workers of the household's county work on it."))
        else:
            messages.success(request, str(done))
            target = result if isinstance(result, Household) else household  # a new file: go to it
            return redirect("rural:household", code=target.code)
    household.refresh_from_db()
    context = _detail_context(request, household, {action: form})
    return render(request, "rural/household_detail.html", context, status=400)


def _form(name: str, household: Household, data: Any, initial: dict[str, Any] | None = None) -> forms.Form:
    """The form of an action, prefixed with its name (one page holds them all: ids stay unique)."""
    form_class = ACTIONS[name][0]
    kwargs: dict[str, Any] = {"county_id": household.county_id} if name == "measure" else {}
    return form_class(data, prefix=name, initial=initial, **kwargs)


def _attach(form: forms.Form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def household_notice(request: HttpRequest, code: str) -> HttpResponse:
    """The village public notice (村级公示): names, village, type and reasons — no ID numbers,
    phones, bank accounts or health conditions."""
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    household = _household(request, code)
    eliminating = request.GET.get("procedure") == "elimination"
    step = Step.ELIMINATION_NOTICE if eliminating else Step.VILLAGE_NOTICE
    notice = household.steps.filter(step=step).order_by("-done_on", "-id").first()
    context = {
        "household": household,
        "notice": notice,
        "eliminating": eliminating,
        "risks": household.risks.all(),
        "measures": household.measures.all() if eliminating else [],
        "today": clock.today(),
    }
    return render(request, "rural/notice.html", context)


def _announcement_form(request: HttpRequest) -> rural_forms.AnnouncementForm:
    """The announcement's form bound to the query, the current month to today (and the user's
    own county, else the first) where the query is silent."""
    counties = selectors.announcement_counties(user=request.user)
    today = clock.today()
    unit_id = getattr(getattr(request.user, "profile", None), "unit_id", None)
    first = (counties.filter(pk=unit_id).first() if unit_id else None) or counties.first()
    data = {
        "county": first.code if first else "",
        "procedure": "identification",
        "start": today.replace(day=1).isoformat(),
        "end": today.isoformat(),
    }
    data.update({key: _param(request, key) for key in data if _param(request, key)})
    return rural_forms.AnnouncementForm(data, counties=counties)


def _announced(request: HttpRequest, form: rural_forms.AnnouncementForm) -> list[Household]:
    data = form.cleaned_data
    return selectors.announcement(
        user=request.user,
        county=data["county"],
        procedure=data["procedure"],
        start=data["start"],
        end=data["end"],
    )


@login_required
def announcement(request: HttpRequest) -> HttpResponse:
    """The county announcement (县级公告) of the households the county approved in a period:
    entered into monitoring, or their risk eliminated — no personal data."""
    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    form = _announcement_form(request)
    rows = _announced(request, form) if form.is_valid() else []
    title = lead = ""
    if form.is_valid():
        from jingjin.rural.exports import announcement_texts

        title, lead = announcement_texts(form.cleaned_data, len(rows))
    context = {
        "form": form,
        "rows": rows,
        "title": title,
        "lead": lead,
        "day_field": selectors.ANNOUNCED.get(form.cleaned_data.get("procedure", ""), ""),
        "no_county": not form.fields["county"].queryset.exists(),  # type: ignore[attr-defined]
        "query": request.GET.urlencode(),
        "may_screen": may_screen_households(request.user),
        "may_read_log": may_read_access_log(request.user),
    }
    # a query the form refuses is a bad request; a user who sees no county gets the empty page
    status = 400 if form.errors and request.GET else 200
    return render(request, "rural/announcement.html", context, status=status)


@login_required
def announcement_export(request: HttpRequest) -> HttpResponse:
    """The county announcement as .xlsx (the same rows as the page)."""
    from jingjin.rural.exports import announcement_xlsx

    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    form = _announcement_form(request)
    if not form.is_valid():
        return announcement(request)
    data = form.cleaned_data
    response = HttpResponse(
        announcement_xlsx(data, _announced(request, form)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    county = re.sub(r"[^A-Za-z0-9_.-]", "_", data["county"].code)
    name = f"announcement-{county}-{data['procedure']}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}"
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    if not may_screen_households(request.user):
        return _forbidden(request, _("Only rural case workers screen households."))
    form = rural_forms.ScreeningForm(
        request.POST or None,
        request.FILES or None,
        initial={"year": clock.today().year, "as_of": clock.today()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["file"]
        try:
            run = screening_submit(
                actor=request.user,
                year=data["year"],
                line=data["line"],
                as_of=data["as_of"],
                upload=upload,
                name=upload.name,
            )
        except ValidationError as exc:
            _attach(form, exc)
        except PermissionDenied:
            return _forbidden(request, _("Only rural case workers of a county screen households."))
        else:
            return redirect("rural:run", pk=run.pk)
    runs = selectors.screening_runs(user=request.user)[:20]
    status = 400 if request.method == "POST" else 200
    return render(request, "rural/screening.html", {"form": form, "runs": runs}, status=status)


@login_required
def screening_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = get_object_or_404(selectors.screening_runs(user=request.user), pk=pk)
    candidates = list(selectors.run_candidates(run))
    return render(request, "rural/run.html", {"run": run, "candidates": candidates})


@login_required
@require_POST
def candidate_take(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(Candidate, pk=pk)
    try:
        household = candidate_convert(actor=request.user, candidate=candidate)
    except PermissionDenied:
        return _forbidden(request, _("Only the case workers of the county take up its candidates."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("rural:run", pk=candidate.run_id)
    messages.success(request, _("The household is under identification."))
    return redirect("rural:household", code=household.code)


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not may_read_access_log(request.user):
        return _forbidden(request, _("The plan office reads the access log."))
    page = Paginator(selectors.access_log(), 100).get_page(request.GET.get("page"))
    return render(request, "rural/access_log.html", {"page": page, "entries": list(page)})


@login_required
def members_export(request: HttpRequest) -> HttpResponse:
    """The members of the listed households as .xlsx (masked unless the viewer may see them)."""
    from jingjin.rural.exports import members_xlsx

    if not has_role(request.user):
        return _forbidden(request, _("You have no role."))
    households = list(selectors.household_list(user=request.user))
    response = HttpResponse(
        members_xlsx(user=request.user, households=households),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="rural-members.xlsx"'
    return response
