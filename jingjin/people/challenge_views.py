"""Pages of the 揭榜挂帅 challenge board: the list, a new challenge, a challenge's page with its
steps (publish, bids, selection, milestones, acceptance) and the public list of open challenges
(no sign-in; terms only, no personal data)."""

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
from jingjin.people import challenge_services as services
from jingjin.people import selectors
from jingjin.people.forms import BidForm, ChallengeForm, MilestoneForm, ReachForm, ReasonForm
from jingjin.people.models import Bid, Challenge, ChallengeMilestone
from jingjin.people.views import form_errors


@login_required
def challenge_list(request: HttpRequest) -> HttpResponse:
    if not P.has_role(request.user):
        raise PermissionDenied
    return render(
        request,
        "people/challenge_list.html",
        {
            "challenges": selectors.challenges_for(request.user),
            "manages": P.may_manage_challenges(request.user),
        },
    )


def open_challenges(request: HttpRequest) -> HttpResponse:
    """The public list: published challenges still open for bids (anyone, signed in or not)."""
    return render(request, "people/open_challenges.html", {"challenges": selectors.open_challenges()})


@login_required
@require_http_methods(["GET", "POST"])
def challenge_create(request: HttpRequest) -> HttpResponse:
    if not P.may_manage_challenges(request.user):
        raise PermissionDenied
    form = ChallengeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_save(actor=request.user, data=dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            return redirect("people:challenge", code=challenge.code)
    return render(request, "people/challenge_edit.html", {"form": form})


def _step(request: HttpRequest, challenge: Challenge) -> tuple[str, Any]:
    """Run the step named by the POST's ``step``; returns (step, the form with its errors)."""
    step = request.POST.get("step", "")
    steps: dict[str, tuple[type[Any], Callable[[Any], Any]]] = {
        "publish": (
            ReasonForm,
            lambda f: services.challenge_publish(actor=request.user, challenge=challenge),
        ),
        "bid": (
            BidForm,
            lambda f: services.bid_record(actor=request.user, challenge=challenge, **f.cleaned_data),
        ),
        "select": (
            ReasonForm,
            lambda f: services.bid_select(
                actor=request.user,
                bid=get_object_or_404(Bid, pk=request.POST.get("bid") or 0, challenge=challenge),
                reason=f.cleaned_data["reason"],
            ),
        ),
        "milestone": (
            MilestoneForm,
            lambda f: services.milestone_add(actor=request.user, challenge=challenge, **f.cleaned_data),
        ),
        "reach": (
            ReachForm,
            lambda f: services.milestone_reach(
                actor=request.user,
                milestone=get_object_or_404(
                    ChallengeMilestone, pk=request.POST.get("milestone") or 0, challenge=challenge
                ),
                **f.cleaned_data,
            ),
        ),
        "pass": (
            ReasonForm,
            lambda f: services.challenge_accept(
                actor=request.user, challenge=challenge, passed=True, reason=f.cleaned_data["reason"]
            ),
        ),
        "fail": (
            ReasonForm,
            lambda f: services.challenge_accept(
                actor=request.user, challenge=challenge, passed=False, reason=f.cleaned_data["reason"]
            ),
        ),
    }
    if step not in steps:
        form = ReasonForm({})
        form.is_valid()
        form.add_error(None, _("Unknown step."))
        return step, form
    form_class, run = steps[step]
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(form)
        except ValidationError as exc:
            form_errors(form, exc)
    return step, form


@login_required
@require_http_methods(["GET", "POST"])
def challenge_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A challenge with its terms, bids, selection, milestones and acceptance."""
    if not P.has_role(request.user):
        raise PermissionDenied
    challenge = get_object_or_404(Challenge.objects.select_related("unit"), code=code)
    step, failed = "", None
    if request.method == "POST":
        if not P.may_manage_challenges(request.user):
            raise PermissionDenied
        step, form = _step(request, challenge)
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect("people:challenge", code=challenge.code)
        failed = form
    if not challenge.code:
        raise Http404
    return render(
        request,
        "people/challenge_detail.html",
        {
            "challenge": challenge,
            "bids": challenge.bids.select_related("team", "team__unit"),
            "milestones": challenge.milestones.all(),
            "manages": P.may_manage_challenges(request.user),
            "bid_form": failed if step == "bid" else BidForm(),
            "milestone_form": failed if step == "milestone" else MilestoneForm(),
            "failed": failed,
        },
    )
