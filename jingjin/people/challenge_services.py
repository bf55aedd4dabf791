"""Writes of the 揭榜挂帅 challenge board: draft → published → (bids) → selected → passed / failed.

Every step checks :func:`jingjin.core.permissions.may_manage_challenges`, checks the state rule and
writes an audit row; a step out of turn raises :class:`~django.core.exceptions.ValidationError`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core import permissions as P
from jingjin.core.services import audit_change
from jingjin.people.choices import ChallengeState as S
from jingjin.people.models import Bid, Challenge, ChallengeMilestone, TalentTeam

TERMS = {"code", "title", "goal", "budget", "deadline", "evaluation", "unit", "is_synthetic"}


def _check(actor: Any) -> None:
    if actor is not None and not P.may_manage_challenges(actor):
        raise P.PermissionDenied("manage the challenge board")


def _state(challenge: Challenge, *allowed: str) -> None:
    if challenge.state not in allowed:
        raise ValidationError(
            _("Not possible while the challenge is %(state)s.") % {"state": challenge.get_state_display()}
        )


def _move(challenge: Challenge, *, actor: Any, source: str, **values: Any) -> Challenge:
    before = challenge.snapshot()
    for name, value in values.items():
        setattr(challenge, name, value)
    challenge.full_clean()
    challenge.save()
    audit_change(actor=actor, obj=challenge, before=before, source=source)
    return challenge


@transaction.atomic
def challenge_save(
    *, actor: Any, data: dict[str, Any], challenge: Challenge | None = None, source: str = "web"
) -> Challenge:
    """Create a challenge as a draft, or change the terms of a draft."""
    _check(actor)
    unknown = sorted(set(data) - TERMS)
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})
    if challenge is not None:
        _state(challenge, S.DRAFT)
        return _move(challenge, actor=actor, source=source, **data)
    challenge = Challenge(**data)
    challenge.full_clean()
    challenge.save()
    audit_change(actor=actor, obj=challenge, before=None, source=source)
    return challenge


@transaction.atomic
def challenge_publish(*, actor: Any, challenge: Challenge, source: str = "web") -> Challenge:
    """Publish a draft (its deadline must lie ahead): it shows on the public list."""
    _check(actor)
    _state(challenge, S.DRAFT)
    if challenge.deadline < clock.today():
        raise ValidationError({"deadline": _("The deadline for bids has passed.")})
    return _move(challenge, actor=actor, source=source, state=S.PUBLISHED, published_on=clock.today())


@transaction.atomic
def bid_record(
    *,
    actor: Any,
    challenge: Challenge,
    team: TalentTeam,
    plan: str,
    budget_asked: Decimal,
    submitted_on: date | None = None,
    source: str = "web",
) -> Bid:
    """Record a team's bid on a published challenge, by its deadline; one bid per team."""
    _check(actor)
    _state(challenge, S.PUBLISHED)
    day = submitted_on or clock.today()
    if day > challenge.deadline:
        raise ValidationError({"submitted_on": _("The deadline for bids has passed.")})
    if Bid.objects.filter(challenge=challenge, team=team).exists():
        raise ValidationError({"team": _("This team has bid already.")})
    bid = Bid(challenge=challenge, team=team, plan=plan, budget_asked=budget_asked, submitted_on=day)
    bid.full_clean()
    bid.save()
    audit_change(actor=actor, obj=bid, before=None, source=source)
    return bid


@transaction.atomic
def bid_select(*, actor: Any, bid: Bid, reason: str, source: str = "web") -> Challenge:
    """Select ``bid`` (挂帅) with the reasons; the challenge is then ``selected``."""
    _check(actor)
    challenge = bid.challenge
    _state(challenge, S.PUBLISHED)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons of the selection.")})
    before = bid.snapshot()
    bid.selected = True
    bid.save(update_fields=["selected"])
    audit_change(actor=actor, obj=bid, before=before, source=source)
    return _move(challenge, actor=actor, source=source, state=S.SELECTED, selection_reason=reason.strip())


@transaction.atomic
def milestone_add(
    *, actor: Any, challenge: Challenge, name: str, planned: date, source: str = "web"
) -> ChallengeMilestone:
    """Add a milestone of the selected team's work."""
    _check(actor)
    _state(challenge, S.SELECTED)
    milestone = ChallengeMilestone(challenge=challenge, name=name, planned=planned)
    milestone.full_clean()
    milestone.save()
    audit_change(actor=actor, obj=milestone, before=None, source=source)
    return milestone


@transaction.atomic
def milestone_reach(
    *, actor: Any, milestone: ChallengeMilestone, reached: date, note: str = "", source: str = "web"
) -> ChallengeMilestone:
    """Record the date a milestone was reached (not in the future)."""
    _check(actor)
    _state(milestone.challenge, S.SELECTED)
    if reached > clock.today():
        raise ValidationError({"reached": _("A milestone is recorded once it was reached.")})
    before = milestone.snapshot()
    milestone.reached, milestone.note = reached, note
    milestone.full_clean()
    milestone.save()
    audit_change(actor=actor, obj=milestone, before=before, source=source)
    return milestone


@transaction.atomic
def challenge_accept(
    *, actor: Any, challenge: Challenge, passed: bool, reason: str = "", source: str = "web"
) -> Challenge:
    """Accept the work (验收): passed, or failed with the reasons. Passing needs every milestone
    reached."""
    _check(actor)
    _state(challenge, S.SELECTED)
    if not passed and not reason.strip():
        raise ValidationError({"reason": _("Give the reasons why the work failed.")})
    if passed and challenge.milestones.filter(reached__isnull=True).exists():
        raise ValidationError(_("Every milestone must be reached before the work passes."))
    return _move(
        challenge,
        actor=actor,
        source=source,
        state=S.PASSED if passed else S.FAILED,
        acceptance_reason=reason.strip(),
        accepted_on=clock.today(),
    )
