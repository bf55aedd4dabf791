"""Writes of the admission registers and applications, each with its audit row.

Registers (the plan office): :func:`register_save` creates or changes a catalogue entry, zoning
unit, standard-land threshold or quota pool. Applications: :func:`application_submit` (the plan
office, or a unit user for a park of its county) → :func:`application_check` (the engine against
the three registers) → :func:`application_decide` (the plan office) → :func:`application_recheck`
at completion and at full production, with the shortfalls against the commitment.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from jingjin.admission import checks
from jingjin.admission.choices import AdmissionOutcome, ApplicationState, RecheckStage
from jingjin.admission.models import (
    FIGURE,
    Application,
    CatalogueEntry,
    CommitmentCheck,
    LandThreshold,
    QuotaPool,
    ZoningUnit,
)
from jingjin.core import clock
from jingjin.core.permissions import (
    PermissionDenied,
    may_check_admission_application,
    may_decide_admission_application,
    may_file_admission_application,
    may_manage_admission_registers,
)
from jingjin.core.services import audit_change

REGISTER_MODELS: tuple[type[models.Model], ...] = (CatalogueEntry, ZoningUnit, LandThreshold, QuotaPool)
#: the states an application may be re-checked in, and the stage each re-check moves it to
RECHECK_FROM = {
    RecheckStage.COMPLETION: (ApplicationState.DECIDED, ApplicationState.COMPLETED),
    RecheckStage.FULL_PRODUCTION: (ApplicationState.COMPLETED, ApplicationState.PRODUCING),
}


@transaction.atomic
def register_save(
    *, actor: Any, model: type[Any], data: dict[str, Any], obj: Any = None, source: str = "web"
) -> Any:
    """Create (``obj`` None) or change a register record after its model's validation."""
    if model not in REGISTER_MODELS:
        raise ValueError(f"not an admission register: {model.__name__}")
    if actor is not None and not may_manage_admission_registers(actor):
        raise PermissionDenied("only the plan office keeps the admission registers")
    before = None if obj is None else obj.snapshot()
    record = obj if obj is not None else model()
    for name, value in data.items():
        setattr(record, name, value)
    if model is LandThreshold:
        _check_threshold_key(record)
    if model is ZoningUnit:
        both = set(record.prohibited or []) & set(record.restricted or [])
        if both:
            raise ValidationError(
                {
                    "restricted": _("Both prohibited and restricted: %(codes)s.")
                    % {"codes": ", ".join(sorted(both))}
                }
            )
    record.full_clean()
    record.save()
    audit_change(actor=actor, obj=record, before=before, source=source)
    return record


def _check_threshold_key(record: LandThreshold) -> None:
    """One row per (park, industry), an empty one matching any (the unique constraint does not
    see two empty keys as equal); a minimum plot ratio not above the maximum."""
    clash = LandThreshold.objects.filter(park=record.park, industry=record.industry).exclude(pk=record.pk)
    if clash.exists():
        raise ValidationError({"industry": _("There are thresholds for this park and industry already.")})
    low, high = record.plot_ratio_min, record.plot_ratio_max
    if low is not None and high is not None and low > high:
        raise ValidationError({"plot_ratio_max": _("The maximum plot ratio is below the minimum.")})


@transaction.atomic
def application_submit(*, actor: Any, data: dict[str, Any], source: str = "web") -> Application:
    """File an application (state submitted), the plan office or a unit user for a park of its
    county; the catalogue entry must be of the industry's catalogue when it names an industry."""
    if actor is not None and not may_file_admission_application(actor, data.get("park")):
        raise PermissionDenied("may not file an admission application for this park")
    application = Application(**data)
    application.state = ApplicationState.SUBMITTED
    application.outcome = application.decision = ""
    application.reasons = []
    if not application.submitted_on:
        application.submitted_on = clock.today()
    entry = application.catalogue_entry
    if entry is not None and entry.industry_id is not None and entry.industry_id != application.industry_id:
        raise ValidationError(
            {
                "catalogue_entry": _("The catalogue entry %(code)s belongs to another industry.")
                % {"code": entry.code}
            }
        )
    application.full_clean()
    application.save()
    audit_change(actor=actor, obj=application, before=None, source=source)
    return application


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def application_check(*, actor: Any, application: Application, source: str = "web") -> Application:
    """Check a submitted (or already checked) application against the three registers with the
    admission engine; the result and every register's reasons are stored (state checked)."""
    application = _locked(application)
    if actor is not None and not may_check_admission_application(actor, application):
        raise PermissionDenied("may not check this application")
    if application.state not in (ApplicationState.SUBMITTED, ApplicationState.CHECKED):
        raise ValidationError(_("Only a submitted or checked application can be checked."))
    before = application.snapshot()
    thresholds = list(LandThreshold.objects.select_related("park__unit", "industry"))
    application = Application.objects.select_related(
        "park__unit", "industry__parent", "catalogue_entry", "zoning_unit"
    ).get(pk=application.pk)
    result = checks.check_application(application, thresholds)
    application.outcome = result.outcome
    application.reasons = result.reasons
    application.state = ApplicationState.CHECKED
    application.save(update_fields=["outcome", "reasons", "state"])
    audit_change(actor=actor, obj=application, before=before, source=source)
    return application


@transaction.atomic
def application_decide(
    *, actor: Any, application: Application, decision: str = "", note: str = "", source: str = "web"
) -> Application:
    """Decide a checked application (the plan office): the check's result unless ``decision``
    says otherwise — a decision milder than the check's result needs a note saying why."""
    application = _locked(application)
    if actor is not None and not may_decide_admission_application(actor):
        raise PermissionDenied("only the plan office decides admission applications")
    if application.state != ApplicationState.CHECKED:
        raise ValidationError(_("Only a checked application can be decided."))
    decision = decision or application.outcome
    if decision not in AdmissionOutcome.values:
        raise ValidationError({"decision": _("Unknown decision: %(value)s.") % {"value": decision}})
    milder = checks.SEVERITY[decision] < checks.SEVERITY[application.outcome]
    if milder and not note.strip():
        raise ValidationError({"decision_note": _("Say why the decision is milder than the check's result.")})
    before = application.snapshot()
    application.decision = decision
    application.decision_note = note.strip()
    application.state = ApplicationState.DECIDED
    application.full_clean()
    application.save(update_fields=["decision", "decision_note", "state"])
    audit_change(actor=actor, obj=application, before=before, source=source)
    return application


@transaction.atomic
def application_recheck(
    *,
    actor: Any,
    application: Application,
    stage: str,
    actual: dict[str, Decimal | None],
    checked_on: Any = None,
    source: str = "web",
) -> CommitmentCheck:
    """Enter the actual figures at completion (after the decision) or at full production (after
    completion) of an admitted project; the shortfalls against its commitment are flagged."""
    application = _locked(application)
    if actor is not None and not may_check_admission_application(actor, application):
        raise PermissionDenied("may not re-check this application")
    if stage not in RECHECK_FROM:
        raise ValidationError({"stage": _("Unknown stage: %(value)s.") % {"value": stage}})
    required, target = RECHECK_FROM[RecheckStage(stage)]
    if application.state != required or not application.admitted:
        raise ValidationError(_("This application cannot be re-checked at this stage now."))
    step = Decimal(1).scaleb(-FIGURE.decimal_places)
    values = {name: actual.get(name) for name, _better in checks.COMMITMENT}
    values = {k: None if v is None else Decimal(v).quantize(step) for k, v in values.items()}
    if all(v is None for v in values.values()):
        raise ValidationError(_("Enter at least one actual figure."))
    record = CommitmentCheck(
        application=application,
        stage=stage,
        checked_on=checked_on or clock.today(),
        shortfalls=checks.shortfalls(application, values),
        **values,
    )
    record.full_clean()
    record.save()
    audit_change(actor=actor, obj=record, before=None, source=source)
    before = application.snapshot()
    application.state = target
    application.save(update_fields=["state"])
    audit_change(actor=actor, obj=application, before=before, source=source)
    return record
