"""Pages of the red/black lists (红黑榜): latest lists, one list, a unit's history, and the plan
office's actions (compute, exempt, publish) — thin views over the selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jingjin.assessment import selectors, services
from jingjin.assessment.choices import Subject, Verdict
from jingjin.assessment.forms import SCHEME_FIELDS, SchemeForm, SchemeLinkForm
from jingjin.assessment.models import RankingList, RankingScheme
from jingjin.assessment.scheme_lists import linked_scheme
from jingjin.core import clock
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_manage_ranking_lists
from jingjin.projects.models import KeyProject
from jingjin.reporting.selectors import period_choices
from jingjin.reporting.services import period_get_or_create, period_parse


def _forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "403.html", {"reason": reason}, status=403)


def _is_office(request: HttpRequest) -> bool:
    return may_manage_ranking_lists(request.user)


@login_required
def lists(request: HttpRequest) -> HttpResponse:
    """The latest published list of each scheme with its red and black entries; all lists below."""
    latest = []
    for ranking_list in selectors.latest_published(user=request.user):
        entries = selectors.list_entries(ranking_list=ranking_list)
        latest.append(
            {
                "list": ranking_list,
                "red": [e for e in entries if e.verdict == Verdict.RED],
                "black": [e for e in entries if e.verdict == Verdict.BLACK],
            }
        )
    today = clock.today()
    return render(
        request,
        "assessment/lists.html",
        {
            "latest": latest,
            "all_lists": selectors.visible_lists(user=request.user)[:60],
            "is_office": _is_office(request),
            "schemes": RankingScheme.objects.filter(is_active=True),
            "all_schemes": RankingScheme.objects.all() if _is_office(request) else [],
            "periods": period_choices(today=today)[1:],
        },
    )


@login_required
def list_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One list: every entry with its criteria, the score item by item, exemptions; office actions."""
    ranking_list = get_object_or_404(selectors.visible_lists(user=request.user), pk=pk)
    try:
        number = max(1, min(int(request.GET.get("page", "1")), 10**6))
    except ValueError:
        number = 1
    page = selectors.list_entries_page(ranking_list=ranking_list, number=number)
    return render(
        request,
        "assessment/list.html",
        {
            "list": ranking_list,
            "entries": page.entries,
            "page": page,
            "exemptions": ranking_list.exemptions.select_related("unit", "project"),
            "rule": ranking_list.rule,
            "is_office": _is_office(request),
            "is_projects": ranking_list.scheme.subject == Subject.PROJECTS,
            "criteria": selectors.rule_criteria(ranking_list.rule),
            "weights": [
                {"criterion": c, "weight": w} for c, w in ranking_list.rule.get("weights", {}).items()
            ],
            "is_project_list": ranking_list.scheme.is_project_scheme,
            "group_units": _exemptible_units(ranking_list),
        },
    )


def _exemptible_units(ranking_list: RankingList) -> Any:
    """The units the exempt form offers (none on a project list: its project is typed by code, a
    list may hold 10,000 projects)."""
    if ranking_list.scheme.subject == Subject.PROJECTS:
        return []
    if ranking_list.assessment_scheme is not None:  # computed by a configurable scheme: its peer set
        return ranking_list.assessment_scheme.peer_set.units.order_by("position", "code")
    return selectors.group_units(scheme=ranking_list.scheme).order_by("position", "code")


@login_required
def unit_history(request: HttpRequest, code: str) -> HttpResponse:
    """A unit's entries over the periods (its red, black and other placings)."""
    unit = get_object_or_404(Unit, code=code)
    entries = list(selectors.unit_history(user=request.user, unit=unit)[:120])
    return render(request, "assessment/history.html", {"unit": unit, "entries": entries})


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    """The plan office computes (or recomputes) the draft list of a scheme for a period."""
    if not _is_office(request):
        return _forbidden(request, _("Only the plan office computes, exempts and publishes red/black lists."))
    scheme = get_object_or_404(RankingScheme, code=request.POST.get("scheme", ""))
    try:
        year, month = period_parse(request.POST.get("period", ""))
        period = period_get_or_create(year=year, month=month)
        ranking_list = services.ranking_list_compute(actor=request.user, scheme=scheme, period=period)
    except (ValidationError, services.ListFrozen) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("assessment:lists")
    messages.success(request, _("The draft list was computed."))
    return redirect("assessment:list", pk=ranking_list.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    ranking_list = get_object_or_404(RankingList, pk=pk)
    try:
        services.ranking_list_publish(actor=request.user, ranking_list=ranking_list)
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except services.ListFrozen as exc:
        messages.error(request, str(exc))
        return redirect("assessment:list", pk=pk)
    messages.success(request, _("The list is published."))
    return redirect("assessment:list", pk=pk)


@login_required
@require_POST
def exempt(request: HttpRequest, pk: int) -> HttpResponse:
    ranking_list = get_object_or_404(RankingList, pk=pk)
    unit = project = None
    if ranking_list.scheme.subject == Subject.PROJECTS:
        project = KeyProject.objects.filter(code=request.POST.get("project", "")).first()
        if project is None:
            raise Http404("project")
    else:
        unit = Unit.objects.filter(code=request.POST.get("unit", "")).first()
        if unit is None:
            raise Http404("unit")
    try:
        services.ranking_exempt(
            actor=request.user,
            ranking_list=ranking_list,
            unit=unit,
            project=project,
            reason=request.POST.get("reason", ""),
        )
    except PermissionDenied as exc:
        return _forbidden(request, str(exc))
    except (ValidationError, services.ListFrozen) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("assessment:list", pk=pk)
    messages.success(request, _("The exemption is recorded."))
    return redirect("assessment:list", pk=pk)


def _scheme_page(
    request: HttpRequest, scheme: RankingScheme, *, form: SchemeForm, link_form: SchemeLinkForm | None = None
) -> HttpResponse:
    context = {
        "scheme": scheme,
        "form": form,
        "link_form": link_form or SchemeLinkForm(current=scheme.assessment_code),
        "linked": linked_scheme(scheme),
    }
    return render(request, "assessment/scheme_edit.html", context)


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan office changes a scheme: subject, peer group, project filters, weights, N and M,
    the target rule (the lists already computed keep the rule they were computed with)."""
    if not _is_office(request):
        return _forbidden(request, _("Only the plan office computes, exempts and publishes red/black lists."))
    scheme = get_object_or_404(RankingScheme, pk=pk)
    form = SchemeForm(request.POST or None, instance=RankingScheme.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_change(
                actor=request.user,
                scheme=scheme,
                changes={name: form.cleaned_data[name] for name in SCHEME_FIELDS},
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The scheme is saved."))
            return redirect("assessment:lists")
    return _scheme_page(request, scheme, form=form)


@login_required
@require_POST
def scheme_link(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan office links the scheme to a published configurable scheme, whose published version
    computes its next lists, or unlinks it (the fixed weights again)."""
    if not _is_office(request):
        return _forbidden(request, _("Only the plan office computes, exempts and publishes red/black lists."))
    scheme = get_object_or_404(RankingScheme, pk=pk)
    link_form = SchemeLinkForm(request.POST, current=scheme.assessment_code)
    if link_form.is_valid():
        code = link_form.cleaned_data["assessment_code"]
        try:
            services.ranking_scheme_link(actor=request.user, scheme=scheme, assessment_code=code)
        except PermissionDenied:
            return _forbidden(
                request, _("Only the plan office computes, exempts and publishes red/black lists.")
            )
        except ValidationError as exc:
            for message in exc.messages:
                link_form.add_error("assessment_code", message)
        else:
            done = _("The next lists are computed by the configurable scheme %(code)s.") % {"code": code}
            again = _("The next lists are computed by the fixed weights again.")
            messages.success(request, done if code else again)
            return redirect(reverse("assessment:scheme_edit", args=[scheme.pk]))
    return _scheme_page(request, scheme, form=SchemeForm(instance=scheme), link_form=link_form)
