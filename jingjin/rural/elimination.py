"""The risk elimination procedure (风险消除程序) of a monitored household, audited step by step.

It mirrors identification (REFERENCE.md §6): home verification → village appraisal and public
notice (≥ :data:`~jingjin.rural.services.NOTICE_DAYS` days) → township review (after the notice
has ended) → county approval, in this order, each on a day not before the one before (the first not
before the household became monitored) and not after today. The county approval marks the risk
eliminated (:func:`household_eliminate`) when the elimination rule (the screening engine's,
:func:`jingjin.rural.rules.elimination_failures`) holds on the household's data that day; each
failing condition is named. A procedure under way can be stopped with a reason (an objection
in the notice, an income that fell): the steps stay in the file, and the next verification starts
it again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.services import audit_change
from jingjin.engines.errors import InputError
from jingjin.rural import rules
from jingjin.rural.choices import ELIMINATION_ORDER, HouseholdState, Step
from jingjin.rural.models import Household, IdentificationStep
from jingjin.rural.services import (
    NOTICE_DAYS,
    _not_future,
    _refresh_feeds,
    _require,
    check_notice,
    household_change,
)
from jingjin.rural.validation import check_text


def steps_under_way(
    household: Household, steps: Iterable[IdentificationStep] | None = None
) -> list[IdentificationStep]:
    """The elimination steps recorded since the household's last elimination procedure was
    stopped, in order; ``steps``: the household's steps when the caller has read them."""
    kinds = {*ELIMINATION_ORDER, Step.ELIMINATION_STOPPED}
    steps = [s for s in (household.steps.all() if steps is None else steps) if s.step in kinds]
    steps.sort(key=lambda s: (s.done_on, s.pk))
    stops = [i for i, s in enumerate(steps) if s.step == Step.ELIMINATION_STOPPED]
    return steps[stops[-1] + 1 :] if stops else steps


def next_step(household: Household, steps: Iterable[IdentificationStep] | None = None) -> str | None:
    """The next step of the household's elimination procedure (None unless it is monitored)."""
    if household.state != HouseholdState.MONITORED:
        return None
    return _next_of(steps_under_way(household, steps))


def _next_of(done: list[IdentificationStep]) -> str | None:
    return ELIMINATION_ORDER[len(done)] if len(done) < len(ELIMINATION_ORDER) else None


def _rule_holds(household: Household, day: date, field: str) -> None:
    try:
        failing = rules.elimination_failures(household, as_of=day)
    except InputError as exc:  # no line configured for the year: say so, do not guess one
        raise ValidationError({field: str(exc).replace("; give --line", "")}) from None
    if failing:
        raise ValidationError({"state": [str(reason) for reason in failing]})


def _check_order(household: Household, step: str, done_on: date, field: str) -> IdentificationStep | None:
    """Check that ``step`` on ``done_on`` is the procedure's next; the step before it, if any."""
    if household.state != HouseholdState.MONITORED:
        raise ValidationError({"step": _("Only a monitored household's risk can be eliminated.")})
    done = steps_under_way(household)
    expected = _next_of(done) or Step.ELIMINATION_APPROVAL
    if step != expected:
        raise ValidationError({"step": _("The next step is %(step)s.") % {"step": Step(expected).label}})
    _not_future(done_on, field)
    previous = done[-1] if done else None
    floor = previous.done_on if previous else household.monitored_since
    if floor is not None and done_on < floor:
        raise ValidationError({field: _("The day is before the previous step's.")})
    return previous


def _record(
    actor: Any, household: Household, step: str, done_on: date, note: str, source: str, **extra: Any
) -> IdentificationStep:
    check_text(note, "note", max_length=500)
    record = IdentificationStep.objects.create(
        household=household, step=step, done_on=done_on, note=note.strip(), actor=actor, **extra
    )
    audit_change(actor=actor, obj=record, before=None, source=source)
    return record


@transaction.atomic
def elimination_step_record(
    *,
    actor: Any,
    household: Household,
    step: str,
    done_on: date,
    notice_end: date | None = None,
    note: str = "",
    source: str = "web",
) -> IdentificationStep:
    """Record the home verification, the village notice or the township review of the
    household's elimination (in order; the county approval is :func:`household_eliminate`)."""
    _require(actor, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if step == Step.ELIMINATION_APPROVAL:
        raise ValidationError({"step": _("The county approval eliminates the risk: use that form.")})
    previous = _check_order(household, step, done_on, "done_on")
    check_notice(
        step == Step.ELIMINATION_NOTICE, step == Step.ELIMINATION_REVIEW, done_on, notice_end, previous
    )
    end = notice_end if step == Step.ELIMINATION_NOTICE else None
    return _record(actor, household, step, done_on, note, source, notice_end=end)


@transaction.atomic
def household_eliminate(
    *, actor: Any, household: Household, on: date, note: str = "", source: str = "web"
) -> Household:
    """The county approval (县级审定) that ends the elimination procedure: the risk is eliminated
    (风险消除) on ``on`` when the rule still holds on the household's data that day."""
    _require(actor, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.state != HouseholdState.MONITORED:
        raise ValidationError({"state": _("Only a monitored household's risk can be eliminated.")})
    upcoming = next_step(household)
    if upcoming != Step.ELIMINATION_APPROVAL:
        expected = Step(upcoming or Step.ELIMINATION_VERIFICATION).label
        raise ValidationError(
            {"state": _("Record the elimination procedure first: %(step)s.") % {"step": expected}}
        )
    _check_order(household, Step.ELIMINATION_APPROVAL, on, "on")
    _rule_holds(household, on, "on")
    _record(actor, household, Step.ELIMINATION_APPROVAL, on, note, source)
    household_change(actor, household, source, state=HouseholdState.ELIMINATED, eliminated_on=on)
    _refresh_feeds(on.year)
    return household


@transaction.atomic
def elimination_stop(
    *, actor: Any, household: Household, on: date, note: str, source: str = "web"
) -> IdentificationStep:
    """Stop the household's elimination procedure under way, with the reason; it stays monitored."""
    _require(actor, household)
    household = Household.objects.select_for_update().get(pk=household.pk)
    done = steps_under_way(household)
    if household.state != HouseholdState.MONITORED or not done:
        raise ValidationError({"state": _("No elimination procedure is under way.")})
    if not note.strip():
        raise ValidationError({"note": _("Give the reason.")})
    _not_future(on, "on")
    if on < done[-1].done_on:
        raise ValidationError({"on": _("The day is before the previous step's.")})
    return _record(actor, household, Step.ELIMINATION_STOPPED, on, note, source)


def eliminate_after_procedure(*, actor: Any, household: Household, on: date, source: str) -> Household:
    """The whole procedure ending with the approval on ``on``: the home verification and a notice
    of :data:`NOTICE_DAYS` days before it, the township review the day before (the demo's
    eliminated households)."""
    review = on - timedelta(days=1)
    start = review - timedelta(days=NOTICE_DAYS)
    for step, day in (
        (Step.ELIMINATION_VERIFICATION, start),
        (Step.ELIMINATION_NOTICE, start),
        (Step.ELIMINATION_REVIEW, review),
    ):
        end = review - timedelta(days=1) if step == Step.ELIMINATION_NOTICE else None
        elimination_step_record(
            actor=actor, household=household, step=step, done_on=day, notice_end=end, source=source
        )
    return household_eliminate(actor=actor, household=household, on=on, source=source)
