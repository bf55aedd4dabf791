"""Pages of talent and party building: the overview (counts and charts every role reads), the
talent pool (scoped and masked per role, each opened record logged) and its access log, import
and export. The challenge board's pages are in :mod:`challenge_views`, the party organisations'
in :mod:`party_views`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core import permissions as P
from jingjin.people import imports, selectors, services
from jingjin.people.choices import PartyWarningLevel, TalentCategory, TargetKey
from jingjin.people.forms import GrowthForm, UploadForm
from jingjin.people.models import Talent


def form_errors(form: Any, exc: ValidationError) -> None:
    """Put the service's ``exc`` on the form: a field's error under the field, others on top."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


def _signed_in(request: HttpRequest) -> None:
    if not P.has_role(request.user):
        raise PermissionDenied


def _chart(
    progress: list[selectors.TargetProgress], cover: selectors.Coverage, warnings: dict[str, int]
) -> dict[str, Any]:
    counts = selectors.talent_counts()
    targets = {p.key: p.target for p in progress}
    keys = [k.value for k in TargetKey]
    return {
        "categories": [str(TargetKey(k).label) for k in keys],
        "actual": [counts.get(k, 0) for k in keys],
        "target": [targets.get(k) for k in keys],
        "counties": [c["name"] for c in cover.by_county],
        "coverage": [c["pct"] for c in cover.by_county],
        "levels": [str(label) for _value, label in PartyWarningLevel.choices],
        "warnings": [warnings[value] for value, _label in PartyWarningLevel.choices],
        "names": {"actual": _("Now"), "target": _("Five-year target"), "coverage": _("Coverage (%)")},
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The overview: talents by category against the five-year targets, coverage of the units with
    party members by county, open warnings by level (counts only: every role reads them)."""
    _signed_in(request)
    progress = selectors.target_progress()
    cover = selectors.coverage()
    warnings = selectors.warning_counts(request.user)
    return render(
        request,
        "people/home.html",
        {
            "progress": progress,
            "coverage": cover,
            "warning_counts": warnings,
            "org_counts": selectors.org_counts(),
            "chart": _chart(progress, cover, warnings),
            "manages": P.manages_people(request.user),
        },
    )


@login_required
def talent_list(request: HttpRequest) -> HttpResponse:
    """The talents the user sees (their unit's for unit users; none for leaders, who read counts)."""
    _signed_in(request)
    category = request.GET.get("category", "")
    talents = selectors.talents_for(request.user)
    if category in TalentCategory.values:
        talents = talents.filter(category=category)
    rows = [(t, selectors.personal_fields(request.user, t)) for t in talents[:500]]
    return render(
        request,
        "people/talent_list.html",
        {
            "rows": rows,
            "counts": selectors.talent_counts(),
            "categories": TalentCategory.choices,
            "category": category,
            "teams": selectors.teams_for(request.user),
            "sees_people": P.manages_people(request.user) or P.acts_for_a_unit(request.user),
            "adds": P.may_add_talents(request.user),
            "manages": P.manages_people(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def talent_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A talent's full record and growth file; every opening is written to the access log."""
    talent = get_object_or_404(Talent.objects.select_related("unit", "team"), code=code)
    if not P.may_see_talent(request.user, talent):
        raise Http404
    form = GrowthForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.growth_add(
                    actor=request.user,
                    talent=talent,
                    kind=form.cleaned_data["kind"],
                    day=form.cleaned_data["day"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The entry was added."))
                return redirect("people:talent", code=talent.code)
    else:
        services.talent_viewed(actor=request.user, talent=talent)
    return render(
        request,
        "people/talent_detail.html",
        {
            "talent": talent,
            "personal": selectors.personal_fields(request.user, talent),
            "growth": talent.growth.all(),
            "form": form,
        },
    )


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    """Who opened which talent record, and whether the personal fields were shown."""
    if not P.may_see_talent_access_log(request.user):
        raise PermissionDenied
    return render(request, "people/access_log.html", {"rows": selectors.access_log()})


@login_required
def talent_export(request: HttpRequest) -> HttpResponse:
    """The talents the user sees as a workbook, personal fields masked as on the pages."""
    _signed_in(request)
    response = HttpResponse(
        imports.talents_xlsx(request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="talents.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def talent_import(request: HttpRequest) -> HttpResponse:
    """Upload the talent workbook (managers): all rows or none, every problem listed."""
    if not P.manages_people(request.user):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    problems: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = imports.talent_import(
                actor=request.user, raw=form.cleaned_data["file"].read(), source="web"
            )
        except imports.ImportFileError as exc:
            problems = exc.problems
        else:
            messages.success(request, _("%(created)d talents added, %(updated)d updated.") % counts)
            return redirect("people:talents")
    return render(
        request, "people/import.html", {"form": form, "problems": problems, "columns": imports.COLUMNS}
    )
