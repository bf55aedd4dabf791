"""Writes of the early warning of party organisations (防瘫防软预警): the rules (configurable), the
evaluation (the engine :mod:`jingjin.engines.party_warning` on the measures of
:func:`jingjin.people.selectors.org_measures`) and the rectification (整改), all audited."""

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
from jingjin.engines import party_warning as engine
from jingjin.people import selectors
from jingjin.people.choices import PartyWarningState as W
from jingjin.people.models import PartyOrg, PartyWarning, WarningRule


@transaction.atomic
def rules_default(*, actor: Any = None, source: str = "system") -> int:
    """Store the engine's starting table when no rule exists yet; returns the rules made."""
    if actor is not None and not P.may_manage_party_orgs(actor):
        raise P.PermissionDenied("set warning rules")
    if WarningRule.objects.exists():
        return 0
    for rule in engine.DEFAULT_RULES:
        row = WarningRule.objects.create(
            measure=rule.measure, threshold=Decimal(str(rule.threshold)), level=rule.level
        )
        audit_change(actor=actor, obj=row, before=None, source=source)
    return len(engine.DEFAULT_RULES)


@transaction.atomic
def rule_save(
    *, actor: Any, data: dict[str, Any], rule: WarningRule | None = None, source: str = "web"
) -> WarningRule:
    """Create or change a rule (measure, threshold, level, active)."""
    if actor is not None and not P.may_manage_party_orgs(actor):
        raise P.PermissionDenied("set warning rules")
    unknown = set(data) - {"measure", "threshold", "level", "active"}
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in sorted(unknown)})
    before = rule.snapshot() if rule is not None else None
    rule = rule or WarningRule()
    for name, value in data.items():
        setattr(rule, name, value)
    rule.full_clean()
    rule.save()
    audit_change(actor=actor, obj=rule, before=before, source=source)
    return rule


def _reasons(rules: list[WarningRule], hits: Any, values: dict[str, Any], i: int) -> list[dict[str, Any]]:
    out = []
    for j, rule in enumerate(rules):
        if hits[i, j]:
            value = float(values[rule.measure][i])
            out.append(
                {
                    "measure": rule.measure,
                    "value": round(value, 1),
                    "threshold": float(rule.threshold),
                    "level": rule.level,
                }
            )
    return out


@transaction.atomic
def warnings_evaluate(*, actor: Any, today: date | None = None, source: str = "web") -> dict[str, int]:
    """Evaluate every organisation with the active rules as of ``today``: raise a warning where a
    rule triggers (or update the open one's level and reasons); clear open warnings whose
    organisation triggers none any more. Returns counts of raised, updated and cleared warnings."""
    if actor is not None and not P.may_manage_party_orgs(actor):
        raise P.PermissionDenied("run the early warning")
    today = today or clock.today()
    rules = selectors.active_rules()
    orgs = list(PartyOrg.objects.all())
    values = selectors.org_measures(orgs, today)
    result = engine.evaluate(values, [engine.Rule(r.measure, float(r.threshold), r.level) for r in rules])
    open_by_org = {w.org_id: w for w in PartyWarning.objects.filter(state__in=selectors.OPEN_STATES)}
    counts = {"raised": 0, "updated": 0, "cleared": 0}
    for i, org in enumerate(orgs):
        level = int(result.level[i])
        current = open_by_org.get(org.pk)
        if level == 0:
            if current is not None:
                _change(current, actor=actor, source=source, state=W.CLEARED, evaluated_on=today)
                counts["cleared"] += 1
            continue
        reasons = _reasons(rules, result.triggered, values, i)
        name = engine.LEVEL_NAMES[level]
        if current is None:
            warning = PartyWarning(
                org=org,
                level=name,
                reasons=reasons,
                raised_on=today,
                evaluated_on=today,
                is_synthetic=org.is_synthetic,
            )
            warning.full_clean()
            warning.save()
            audit_change(actor=actor, obj=warning, before=None, source=source)
            counts["raised"] += 1
        elif current.level != name or current.reasons != reasons:
            _change(current, actor=actor, source=source, level=name, reasons=reasons, evaluated_on=today)
            counts["updated"] += 1
    return counts


def _change(warning: PartyWarning, *, actor: Any, source: str, **values: Any) -> PartyWarning:
    before = warning.snapshot()
    for name, value in values.items():
        setattr(warning, name, value)
    warning.full_clean()
    warning.save()
    audit_change(actor=actor, obj=warning, before=before, source=source)
    return warning


@transaction.atomic
def rectification_plan(
    *, actor: Any, warning: PartyWarning, plan: str, deadline: date, source: str = "web"
) -> PartyWarning:
    """Record the rectification plan and its deadline (open or being rectified → being rectified)."""
    if actor is not None and not P.may_edit_party_org(actor, warning.org):
        raise P.PermissionDenied("rectify this warning")
    if warning.state not in selectors.OPEN_STATES:
        raise ValidationError(_("This warning is closed."))
    if not plan.strip():
        raise ValidationError({"plan": _("Describe the rectification.")})
    if deadline < clock.today():
        raise ValidationError({"deadline": _("The deadline must not be in the past.")})
    return _change(
        warning,
        actor=actor,
        source=source,
        state=W.RECTIFYING,
        rectification_plan=plan.strip(),
        rectification_deadline=deadline,
    )


@transaction.atomic
def rectification_done(
    *, actor: Any, warning: PartyWarning, note: str, done_on: date | None = None, source: str = "web"
) -> PartyWarning:
    """Record the rectification done (being rectified → rectified) with what was done."""
    if actor is not None and not P.may_edit_party_org(actor, warning.org):
        raise P.PermissionDenied("rectify this warning")
    if warning.state != W.RECTIFYING:
        raise ValidationError(_("Record the rectification plan first."))
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    day = done_on or clock.today()
    if day > clock.today():
        raise ValidationError({"done_on": _("The date must not be in the future.")})
    return _change(
        warning,
        actor=actor,
        source=source,
        state=W.RECTIFIED,
        rectified_on=day,
        rectification_note=note.strip(),
    )
