"""Pages of the party organisations (党组织): the list with coverage, an organisation's page
(meetings, member changes, secretary), the warnings with their reasons and rectification, and the
configurable warning rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core import permissions as P
from jingjin.people import selectors, services, warning_services
from jingjin.people.choices import PartyWarningState, WarningMeasure
from jingjin.people.forms import (
    DoneForm,
    MeetingForm,
    MemberChangeForm,
    OrgForm,
    PlanForm,
    RuleForm,
    SecretaryForm,
    UnitMembersForm,
)
from jingjin.people.models import PartyOrg, PartyWarning, WarningRule
from jingjin.people.views import form_errors


@login_required
def org_list(request: HttpRequest) -> HttpResponse:
    """The organisations the user sees, with the coverage of every unit with party members."""
    if not P.has_role(request.user):
        raise PermissionDenied
    orgs = selectors.orgs_for(request.user)
    kind = request.GET.get("kind", "")
    if kind:
        orgs = orgs.filter(kind=kind)
    return render(
        request,
        "people/org_list.html",
        {
            "orgs": orgs[:500],
            "coverage": selectors.coverage(),
            "counts": selectors.org_counts(),
            "sees_orgs": P.manages_people(request.user) or P.acts_for_a_unit(request.user),
            "manages": P.may_manage_party_orgs(request.user),
        },
    )


def _org_step(request: HttpRequest, org: PartyOrg) -> Any:
    step = request.POST.get("step", "")
    form: Any
    run: Callable[[], Any]
    if step == "meeting":
        form = MeetingForm(request.POST)
        run = lambda: services.meeting_record(actor=request.user, org=org, **form.cleaned_data)  # noqa: E731
    elif step == "change":
        form = MemberChangeForm(request.POST)
        run = lambda: services.member_change_record(actor=request.user, org=org, **form.cleaned_data)  # noqa: E731
    else:
        form = SecretaryForm(request.POST)
        run = lambda: services.org_save(actor=request.user, org=org, data=dict(form.cleaned_data))  # noqa: E731
    if form.is_valid():
        try:
            run()
        except ValidationError as exc:
            form_errors(form, exc)
    return form


@login_required
@require_http_methods(["GET", "POST"])
def org_detail(request: HttpRequest, code: str) -> HttpResponse:
    org = get_object_or_404(PartyOrg.objects.select_related("unit"), code=code)
    if not P.may_see_party_org(request.user, org):
        raise Http404
    failed = None
    if request.method == "POST":
        form = _org_step(request, org)
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect("people:org", code=org.code)
        failed = form
    return render(
        request,
        "people/org_detail.html",
        {
            "org": org,
            "meetings": org.meetings.all()[:50],
            "changes": org.changes.all()[:50],
            "warnings": org.warnings.all(),
            "meeting_form": MeetingForm(),
            "change_form": MemberChangeForm(),
            "secretary_form": SecretaryForm(initial={"secretary": org.secretary}),
            "failed": failed,
            "edits": P.may_edit_party_org(request.user, org),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def warning_list(request: HttpRequest) -> HttpResponse:
    """The warnings the user sees (counts for every role); the managers run the evaluation."""
    if not P.has_role(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if not P.may_manage_party_orgs(request.user):
            raise PermissionDenied
        counts = warning_services.warnings_evaluate(actor=request.user)
        messages.success(
            request, _("%(raised)d warnings raised, %(updated)d changed, %(cleared)d cleared.") % counts
        )
        return redirect("people:warnings")
    state = request.GET.get("state", "open")
    warnings = selectors.warnings_for(request.user)
    if state == "open":
        warnings = warnings.filter(state__in=selectors.OPEN_STATES)
    return render(
        request,
        "people/warning_list.html",
        {
            "warnings": warnings[:500],
            "counts": selectors.warning_counts(request.user),
            "state": state,
            "manages": P.may_manage_party_orgs(request.user),
            "measures": dict(WarningMeasure.choices),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A warning with its reasons and its rectification (plan and deadline, then done)."""
    warning = get_object_or_404(PartyWarning.objects.select_related("org", "org__unit"), pk=pk)
    if not P.may_see_party_org(request.user, warning.org):
        raise Http404
    plan_form = PlanForm(instance=warning)
    done_form = DoneForm()
    if request.method == "POST":
        step = request.POST.get("step", "plan")
        form: Any = PlanForm(request.POST) if step == "plan" else DoneForm(request.POST)
        if form.is_valid():
            try:
                if step == "plan":
                    warning_services.rectification_plan(
                        actor=request.user,
                        warning=warning,
                        plan=form.cleaned_data["rectification_plan"],
                        deadline=form.cleaned_data["rectification_deadline"],
                    )
                else:
                    warning_services.rectification_done(
                        actor=request.user, warning=warning, note=form.cleaned_data["note"]
                    )
            except ValidationError as exc:
                form_errors(form, exc)
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect("people:warning", pk=warning.pk)
        plan_form, done_form = (form, done_form) if step == "plan" else (plan_form, form)
    return render(
        request,
        "people/warning_detail.html",
        {
            "warning": warning,
            "measures": dict(WarningMeasure.choices),
            "plan_form": plan_form,
            "done_form": done_form,
            "edits": P.may_edit_party_org(request.user, warning.org),
            "is_open": warning.state in selectors.OPEN_STATES,
            "rectifying": warning.state == PartyWarningState.RECTIFYING,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    """The warning rules (measure, threshold, level, active): change one, or add one."""
    if not P.may_manage_party_orgs(request.user):
        raise PermissionDenied
    rule = None
    if request.POST.get("rule"):
        rule = get_object_or_404(WarningRule, pk=request.POST.get("rule"))
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("measure", "threshold", "level", "active")}
        try:
            fresh = WarningRule.objects.filter(pk=rule.pk).first() if rule else None
            warning_services.rule_save(actor=request.user, data=data, rule=fresh)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("people:rules")
    rows = [(r, RuleForm(instance=r, auto_id=f"r{r.pk}_%s")) for r in WarningRule.objects.all()]
    return render(request, "people/rules.html", {"rows": rows, "form": form if rule is None else RuleForm()})


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request: HttpRequest) -> HttpResponse:
    """A new party organisation (the managers)."""
    if not P.may_manage_party_orgs(request.user):
        raise PermissionDenied
    form = OrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_save(actor=request.user, data=dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("people:org", code=org.code)
    return render(request, "people/form.html", {"form": form, "title": _("New party organisation")})


@login_required
@require_http_methods(["GET", "POST"])
def unit_members(request: HttpRequest) -> HttpResponse:
    """Register the party members of a unit (the base of the coverage check; the managers)."""
    if not P.may_manage_party_orgs(request.user):
        raise PermissionDenied
    form = UnitMembersForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.unit_members_set(
            actor=request.user, unit=form.cleaned_data["unit"], members=form.cleaned_data["members"]
        )
        messages.success(request, _("Saved."))
        return redirect("people:orgs")
    return render(request, "people/form.html", {"form": form, "title": _("Party members of a unit")})
