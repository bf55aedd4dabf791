"""Pages that add and change a single talent or team (the workbook import does many at once). A
unit user keeps them in its unit and below; the personal fields are on the form only for the roles
that see them unmasked, and opening a talent's form is written to the access log like its record."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jingjin.core import permissions as P
from jingjin.people import services
from jingjin.people.forms import TalentForm, TeamForm
from jingjin.people.models import Talent, TalentTeam
from jingjin.people.views import form_errors


def _data(form: Any) -> dict[str, Any]:
    """The form's values the service may set (a disabled code is not changed)."""
    return {k: v for k, v in form.cleaned_data.items() if not form.fields[k].disabled}


def _talent_form(request: HttpRequest, talent: Talent | None) -> HttpResponse:
    form = TalentForm(request.POST or None, instance=talent, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.talent_save(actor=request.user, data=_data(form), talent=talent)
        except P.PermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The talent is saved."))
            return redirect("people:talent", code=saved.code)
    elif talent is not None and request.method == "GET":
        services.talent_viewed(actor=request.user, talent=talent)
    title = _("Change the talent %(name)s") % {"name": talent.name} if talent else _("New talent")
    cancel = reverse("people:talent", args=[talent.code]) if talent else reverse("people:talents")
    return render(
        request,
        "people/form.html",
        {
            "form": form,
            "title": title,
            "cancel": cancel,
            "masked_note": not P.sees_personal_data(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def talent_create(request: HttpRequest) -> HttpResponse:
    """Add one talent (managers into any unit; unit users into their unit and below)."""
    if not P.may_add_talents(request.user):
        raise PermissionDenied
    return _talent_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def talent_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change one talent the user may see (its growth file is added to on its record's page)."""
    talent = get_object_or_404(Talent.objects.select_related("unit", "team"), code=code)
    if not P.may_see_talent(request.user, talent):
        raise Http404
    return _talent_form(request, talent)


def _team_form(request: HttpRequest, team: TalentTeam | None) -> HttpResponse:
    form = TeamForm(request.POST or None, instance=team, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.team_save(actor=request.user, data=_data(form), team=team)
        except P.PermissionDenied as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The team is saved."))
            return redirect("people:talents")
    title = _("Change the team %(name)s") % {"name": team.name} if team else _("New team")
    return render(
        request, "people/form.html", {"form": form, "title": title, "cancel": reverse("people:talents")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request: HttpRequest) -> HttpResponse:
    """Add one team (managers into any unit; unit users into their unit and below)."""
    if not P.may_add_talents(request.user):
        raise PermissionDenied
    return _team_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Change one team of a unit the user may keep teams in."""
    team = get_object_or_404(TalentTeam.objects.select_related("unit"), code=code)
    if not P.may_edit_talent_team(request.user, team):
        raise Http404
    return _team_form(request, team)
