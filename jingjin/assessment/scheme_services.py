"""Writes of the configurable schemes, races and village-cadre pay: plan office only, atomic, audited.

* :func:`peer_set_save` — a named set of competing units;
* :func:`scheme_create`, :func:`scheme_update` (a draft: settings, criterion and adjustment rows),
  :func:`scheme_revise` (a published version → the next draft version);
* :func:`scheme_preview` and :func:`scheme_publish` (the published run must equal the preview);
* :func:`race_create` and :func:`race_run` (the rounds whose deadline has passed);
* :func:`pay_scheme_save` (bands) and :func:`pay_table_compute`;
* :func:`figure_record` — a recorded figure of a unit and period; :func:`figures_record_many` —
  many at once (the Excel import).
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.assessment.scheme_compute import scheme_rows
from jingjin.assessment.scheme_models import (
    AssessmentScheme,
    Cadence,
    CadrePayScheme,
    CadrePayTable,
    Direction,
    Normalisation,
    PayBand,
    PeerSet,
    Race,
    RaceRound,
    RecordedFigure,
    RunKind,
    SchemeAdjustment,
    SchemeCriterion,
    SchemeRun,
    SchemeStatus,
)
from jingjin.assessment.sources import CRITERION_SOURCES, EVENT_SOURCES
from jingjin.core import clock
from jingjin.core.bounds import text_problem
from jingjin.core.choices import AuditAction
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_manage_assessment_schemes
from jingjin.core.services import audit_change, audit_entry, audit_record, audit_record_many
from jingjin.engines.assessment_schemes import PayBand as BandRule
from jingjin.engines.assessment_schemes import band_index, check_bands
from jingjin.reporting.models import ReportingPeriod
from jingjin.reporting.services import period_get_or_create


def _require_office(actor: Any) -> None:
    if actor is not None and not may_manage_assessment_schemes(actor):
        raise PermissionDenied(_("Only the plan office defines and publishes assessment schemes."))


def _require_draft(scheme: AssessmentScheme) -> None:
    if scheme.status != SchemeStatus.DRAFT:
        raise ValidationError(_("A published version cannot be changed: make a new version."))


def _finite(
    value: Any, name: str, *, low: float = 0, high: float = 1e9, optional: bool = False
) -> float | None:
    if value in (None, "") and optional:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError({name: [_("Enter a number.")]}) from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError(
            {name: [_("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}]}
        )
    return number


@transaction.atomic
def peer_set_save(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    name_en: str,
    units: list[Unit],
    is_synthetic: bool = False,
    source: str = "web",
) -> PeerSet:
    """Create or change a peer set (赛马分组) of the office's choosing."""
    _require_office(actor)
    if not units:
        raise ValidationError({"units": [_("Pick at least one unit.")]})
    peer_set = PeerSet.objects.filter(code=code).first()
    before = peer_set.snapshot() if peer_set else None
    peer_set = peer_set or PeerSet(code=code, is_synthetic=is_synthetic)
    peer_set.name_zh, peer_set.name_en = name_zh, name_en
    peer_set.full_clean()
    peer_set.save()
    peer_set.units.set(units)
    audit_change(actor=actor, obj=peer_set, before=before, source=source)
    return peer_set


def _text(value: Any, where: str) -> str:
    text = str(value or "").strip()
    problem = text_problem(text, max_length=200)
    if problem is not None:
        raise ValidationError({where: [str(problem)]})
    return text


def _criterion(row: dict[str, Any], i: int) -> SchemeCriterion:
    where = f"criteria[{i + 1}]"
    source = str(row.get("source", ""))
    if source not in CRITERION_SOURCES:
        raise ValidationError({where: [_("Pick a figure of the list.")]})
    key = str(row.get("source_key") or "").strip()
    if CRITERION_SOURCES[source].needs_key and not key:
        raise ValidationError({where: [_("A recorded figure needs its key.")]})
    normalisation = str(row.get("normalisation") or Normalisation.NONE)
    target = _finite(row.get("target"), where, high=1e9, optional=True)
    if normalisation == Normalisation.TARGET and not target:
        raise ValidationError({where: [_("The ratio to the target needs a target above 0.")]})
    criterion = SchemeCriterion(
        position=i,
        source=source,
        source_key=key if CRITERION_SOURCES[source].needs_key else "",
        weight=_finite(row.get("weight"), where, high=100) or 0.0,
        direction=str(row.get("direction") or Direction.BENEFIT),
        normalisation=normalisation,
        target=target,
        minimum=_finite(row.get("minimum"), where, low=-1e9, optional=True),
    )
    criterion.full_clean(exclude=["scheme"])
    return criterion


def _adjustment(row: dict[str, Any], i: int) -> SchemeAdjustment:
    where = f"adjustments[{i + 1}]"
    source = str(row.get("source", ""))
    if source not in EVENT_SOURCES:
        raise ValidationError({where: [_("Pick an event of the list.")]})
    key = str(row.get("source_key") or "").strip()
    if EVENT_SOURCES[source].needs_key and not key:
        raise ValidationError({where: [_("A recorded count needs its key.")]})
    adjustment = SchemeAdjustment(
        position=i,
        kind=str(row.get("kind", "")),
        source=source,
        source_key=key if EVENT_SOURCES[source].needs_key else "",
        label=_text(row.get("label"), where),
        points=_finite(row.get("points"), where, high=100) or 0.0,
        cap=_finite(row.get("cap"), where, high=1000, optional=True),
    )
    adjustment.full_clean(exclude=["scheme"])
    return adjustment


def _set_rows(
    scheme: AssessmentScheme, criteria: list[dict[str, Any]] | None, adjustments: list[dict[str, Any]] | None
) -> None:
    if criteria is not None:
        rows = [_criterion(row, i) for i, row in enumerate(criteria)]
        if not rows or sum(c.weight for c in rows) <= 0:
            raise ValidationError({"criteria": [_("Give at least one criterion with a weight above 0.")]})
        scheme.criteria.all().delete()
        for row in rows:
            row.scheme = scheme
        SchemeCriterion.objects.bulk_create(rows)
    if adjustments is not None:
        extra = [_adjustment(row, i) for i, row in enumerate(adjustments)]
        scheme.adjustments.all().delete()
        for extra_row in extra:
            extra_row.scheme = scheme
        SchemeAdjustment.objects.bulk_create(extra)


@transaction.atomic
def scheme_create(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    name_en: str,
    peer_set: PeerSet,
    criteria: list[dict[str, Any]],
    adjustments: list[dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
    is_synthetic: bool = False,
    source: str = "web",
) -> AssessmentScheme:
    """A new scheme, version 1, as a draft."""
    _require_office(actor)
    if AssessmentScheme.objects.filter(code=code).exists():
        raise ValidationError({"code": [_("A scheme with this code exists already.")]})
    scheme = AssessmentScheme(
        code=code, name_zh=name_zh, name_en=name_en, peer_set=peer_set, is_synthetic=is_synthetic
    )
    for name, value in (settings or {}).items():
        if name not in AssessmentScheme.office_editable_fields:
            raise ValidationError({name: [_("This field cannot be changed.")]})
        setattr(scheme, name, value)
    scheme.full_clean()
    scheme.save()
    _set_rows(scheme, criteria, adjustments or [])
    audit_change(actor=actor, obj=scheme, before=None, source=source)
    return scheme


@transaction.atomic
def scheme_update(
    *,
    actor: Any,
    scheme: AssessmentScheme,
    changes: dict[str, Any] | None = None,
    criteria: list[dict[str, Any]] | None = None,
    adjustments: list[dict[str, Any]] | None = None,
    source: str = "web",
) -> AssessmentScheme:
    """Change a draft version: settings and, when given, all its criterion or adjustment rows.
    Its previews are dropped (they no longer show this version)."""
    _require_office(actor)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    _require_draft(scheme)
    before = scheme.snapshot()
    for name, value in (changes or {}).items():
        if name not in AssessmentScheme.office_editable_fields:
            raise ValidationError({name: [_("This field cannot be changed.")]})
        setattr(scheme, name, value)
    scheme.full_clean()
    scheme.save()
    _set_rows(scheme, criteria, adjustments)
    after = scheme.snapshot()
    if after != before:
        scheme.runs.filter(kind=RunKind.PREVIEW).delete()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=scheme, before=before, after=after, source=source
    )
    return scheme


@transaction.atomic
def scheme_revise(*, actor: Any, scheme: AssessmentScheme, source: str = "web") -> AssessmentScheme:
    """Editing a published version: the next version as a draft with the same rows (the draft
    already open for the code, if any)."""
    _require_office(actor)
    existing = AssessmentScheme.objects.filter(code=scheme.code, status=SchemeStatus.DRAFT).first()
    if existing is not None:
        return existing
    latest = AssessmentScheme.objects.filter(code=scheme.code).order_by("-version").first()
    assert latest is not None
    draft = AssessmentScheme.objects.get(pk=scheme.pk)
    criteria = [c.as_dict() for c in draft.criteria.all()]
    adjustments = [a.as_dict() for a in draft.adjustments.all()]
    draft.pk = None
    draft.version = latest.version + 1
    draft.status = SchemeStatus.DRAFT
    draft.published_at = None
    draft.published_by = None
    draft.save()
    _set_rows(draft, criteria, adjustments)
    audit_change(actor=actor, obj=draft, before=None, source=source)
    return draft


def _run_store(
    scheme: AssessmentScheme, period: ReportingPeriod, kind: str, rows: list[dict[str, Any]], today: date
) -> SchemeRun:
    run, _created = SchemeRun.objects.update_or_create(
        scheme=scheme,
        period=period,
        kind=kind,
        defaults={"rows": rows, "as_of": today, "computed_at": clock.now()},
    )
    return run


@transaction.atomic
def scheme_preview(
    *, actor: Any, scheme: AssessmentScheme, period: ReportingPeriod, today: date | None = None
) -> SchemeRun:
    """Compute a draft on the period's real data and keep it as the preview (not audited: it
    changes nothing anyone else sees)."""
    _require_office(actor)
    _require_draft(scheme)
    today = today or clock.today()
    return _run_store(
        scheme, period, RunKind.PREVIEW, scheme_rows(scheme=scheme, period=period, as_of=today), today
    )


@transaction.atomic
def scheme_publish(
    *,
    actor: Any,
    scheme: AssessmentScheme,
    period: ReportingPeriod,
    today: date | None = None,
    source: str = "web",
) -> SchemeRun:
    """Publish a previewed draft: computed again, it must equal the preview of ``period`` (else
    the data changed: preview again); the version published before is superseded."""
    _require_office(actor)
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    _require_draft(scheme)
    preview = scheme.runs.filter(kind=RunKind.PREVIEW, period=period).first()
    if preview is None:
        raise ValidationError(_("Preview the scheme on this month before publishing it."))
    today = today or clock.today()
    rows = scheme_rows(scheme=scheme, period=period, as_of=preview.as_of)
    if rows != preview.rows:
        raise ValidationError(_("The data changed since the preview: preview the scheme again."))
    before = scheme.snapshot()
    for old in AssessmentScheme.objects.filter(code=scheme.code, status=SchemeStatus.PUBLISHED):
        old_before = old.snapshot()
        old.status = SchemeStatus.SUPERSEDED
        old.save(update_fields=["status"])
        audit_change(actor=actor, obj=old, before=old_before, source=source)
    scheme.status = SchemeStatus.PUBLISHED
    scheme.published_at = clock.now()
    scheme.published_by = actor if getattr(actor, "is_authenticated", False) else None
    scheme.save()
    audit_change(actor=actor, obj=scheme, before=before, source=source)
    return _run_store(scheme, period, RunKind.PUBLISHED, rows, preview.as_of)


@transaction.atomic
def figure_record(
    *,
    actor: Any,
    key: str,
    unit: Unit,
    period: ReportingPeriod,
    value: float,
    is_synthetic: bool = False,
    source: str = "web",
) -> RecordedFigure:
    """Record (or correct) a figure of a unit for a period."""
    _require_office(actor)
    number = _finite(value, "value", low=-1e9)
    figure = RecordedFigure.objects.filter(key=key, unit=unit, period=period).first()
    before = figure.snapshot() if figure else None
    figure = figure or RecordedFigure(key=key, unit=unit, period=period, is_synthetic=is_synthetic)
    figure.value = float(number or 0.0)
    figure.full_clean()
    figure.save()
    audit_change(actor=actor, obj=figure, before=before, source=source)
    return figure


@transaction.atomic
def figures_record_many(
    *,
    actor: Any,
    figures: list[tuple[str, Unit, ReportingPeriod, float]],
    source: str = "import",
) -> dict[str, int]:
    """Record (or correct) many figures ``(key, unit, period, value)`` at once, each value checked
    as by :func:`figure_record`: the new figures in one statement, the changed ones in another,
    their audit rows in a third; a figure whose value is the same is left alone (no audit row).
    The caller gives each (key, unit, period) once. Returns the counts created, changed and
    unchanged."""
    _require_office(actor)
    wanted = [
        (key, unit, period, float(_finite(value, "value", low=-1e9) or 0.0))
        for key, unit, period, value in figures
    ]
    existing = {
        (f.key, f.unit_id, f.period_id): f
        for f in RecordedFigure.objects.select_for_update().filter(
            key__in={w[0] for w in wanted},
            unit__in={w[1].pk for w in wanted},
            period__in={w[2].pk for w in wanted},
        )
    }
    new: list[RecordedFigure] = []
    changed: list[tuple[RecordedFigure, dict[str, Any]]] = []
    for key, unit, period, value in wanted:
        figure = existing.get((key, unit.pk, period.pk))
        if figure is None:
            new.append(RecordedFigure(key=key, unit=unit, period=period, value=value))
        elif figure.value != value:
            figure.unit, figure.period = unit, period  # the snapshot names them without a query
            before = figure.snapshot()
            figure.value = value
            changed.append((figure, before))
    RecordedFigure.objects.bulk_create(new, batch_size=500)
    RecordedFigure.objects.bulk_update([f for f, _b in changed], ["value"], batch_size=500)
    entries = [
        audit_entry(
            actor=actor, action=AuditAction.CREATE, obj=f, before=None, after=f.snapshot(), source=source
        )
        for f in new
    ]
    entries += [
        audit_entry(
            actor=actor, action=AuditAction.UPDATE, obj=f, before=b, after=f.snapshot(), source=source
        )
        for f, b in changed
    ]
    audit_record_many(entries)
    return {"created": len(new), "changed": len(changed), "unchanged": len(wanted) - len(new) - len(changed)}


def race_periods(race: Race) -> list[tuple[int, int]]:
    """The (year, month) of each round: every month from the first to the last, or the months
    that close a quarter (3, 6, 9, 12)."""
    out = []
    year, month = race.start.year, race.start.month
    while (year, month) <= (race.end.year, race.end.month):
        if race.cadence == Cadence.MONTHLY or month % 3 == 0:
            out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


@transaction.atomic
def race_create(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    name_en: str,
    scheme: AssessmentScheme,
    cadence: str,
    start: ReportingPeriod,
    end: ReportingPeriod,
    is_synthetic: bool = False,
    source: str = "web",
) -> Race:
    """A race (赛马) on a published scheme version from ``start`` to ``end``."""
    _require_office(actor)
    scheme = AssessmentScheme.objects.get(pk=scheme.pk)
    if scheme.status != SchemeStatus.PUBLISHED:
        raise ValidationError({"scheme": [_("A race runs a published scheme.")]})
    if (start.year, start.month) > (end.year, end.month):
        raise ValidationError({"end": [_("The last month comes before the first.")]})
    race = Race(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        scheme=scheme,
        cadence=cadence,
        start=start,
        end=end,
        is_synthetic=is_synthetic,
    )
    race.full_clean()
    race.save()
    audit_change(actor=actor, obj=race, before=None, source=source)
    return race


@transaction.atomic
def race_run(*, actor: Any, race: Race, today: date | None = None, source: str = "web") -> int:
    """Compute the rounds whose month's reporting deadline has passed (a round already computed is
    kept: a leaderboard once shown does not move). Returns how many rounds were added."""
    _require_office(actor)
    today = today or clock.today()
    done = set(race.rounds.values_list("number", flat=True))
    added = 0
    for number, (year, month) in enumerate(race_periods(race), start=1):
        if number in done:
            continue
        period = period_get_or_create(year=year, month=month)
        if today <= period.deadline:
            break
        rows = scheme_rows(scheme=race.scheme, period=period, as_of=today)
        RaceRound.objects.create(race=race, number=number, period=period, rows=rows, computed_at=clock.now())
        added += 1
    if added:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=race,
            before={"rounds": sorted(done)},
            after={"rounds": sorted(race.rounds.values_list("number", flat=True))},
            source=source,
        )
    return added


def _bands(rows: list[dict[str, Any]]) -> list[PayBand]:
    bands = []
    for i, row in enumerate(rows):
        where = f"bands[{i + 1}]"
        band = PayBand(
            lower=_finite(row.get("lower"), where, low=-1000, high=1000, optional=True),
            upper=_finite(row.get("upper"), where, low=-1000, high=1000, optional=True),
            lower_inclusive=bool(row.get("lower_inclusive", True)),
            upper_inclusive=bool(row.get("upper_inclusive", False)),
            coefficient=Decimal(str(_finite(row.get("coefficient"), where, high=10))),
        )
        bands.append(band)
    problems = check_bands([_band_rule(b) for b in bands])
    if not bands or problems:
        raise ValidationError({"bands": problems or [_("Give at least one band.")]})
    return bands


def _band_rule(band: PayBand) -> BandRule:
    return BandRule(
        band.lower, band.upper, float(band.coefficient), band.lower_inclusive, band.upper_inclusive
    )


@transaction.atomic
def pay_scheme_save(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    name_en: str,
    scheme_code: str,
    period: ReportingPeriod,
    base_pay: Decimal,
    bands: list[dict[str, Any]],
    is_synthetic: bool = False,
    source: str = "web",
) -> CadrePayScheme:
    """Create or change a village-cadre pay scheme and its bands (no two bands share a score)."""
    _require_office(actor)
    rows = _bands(bands)
    pay = CadrePayScheme.objects.filter(code=code).first()
    before = pay.snapshot() if pay else None
    pay = pay or CadrePayScheme(code=code, is_synthetic=is_synthetic)
    pay.name_zh, pay.name_en, pay.scheme_code, pay.period, pay.base_pay = (
        name_zh,
        name_en,
        scheme_code,
        period,
        base_pay,
    )
    pay.full_clean()
    pay.save()
    pay.bands.all().delete()
    for band in rows:
        band.pay_scheme = pay
    PayBand.objects.bulk_create(rows)
    audit_change(actor=actor, obj=pay, before=before, source=source)
    return pay


def pay_rows(pay: CadrePayScheme) -> list[dict[str, Any]]:
    """The pay table: each village of the published run of the annual month, its score, band,
    coefficient, pay and reasons (a village without a score or band: no coefficient, no pay)."""
    run = (
        SchemeRun.objects.filter(scheme__code=pay.scheme_code, period=pay.period, kind=RunKind.PUBLISHED)
        .order_by("-scheme__version")
        .first()
    )
    if run is None:
        raise ValidationError(_("The scheme has no published result for the annual month."))
    bands = list(pay.bands.all())
    scored = [r for r in run.rows if r["rank"] is not None]
    index = band_index([r["total"] for r in scored], [_band_rule(b) for b in bands])
    out = []
    for row, i in zip(scored, index, strict=True):
        band = bands[i] if i >= 0 else None
        coefficient = band.coefficient if band else None
        pay_value = (
            (pay.base_pay * coefficient).quantize(Decimal("0.01")) if coefficient is not None else None
        )
        reasons = [_("score %(score).2f, rank %(rank)d") % {"score": row["total"], "rank": row["rank"]}]
        reasons.append(_band_text(band) if band else _("no band holds this score"))
        reasons += row["reasons"]
        out.append(
            {
                "unit": row["unit"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "score": row["total"],
                "rank": row["rank"],
                "coefficient": str(coefficient) if coefficient is not None else None,
                "pay": str(pay_value) if pay_value is not None else None,
                "reasons": reasons,
            }
        )
    return out


def _band_text(band: PayBand) -> str:
    low = "−∞" if band.lower is None else f"{band.lower:g}"
    high = "+∞" if band.upper is None else f"{band.upper:g}"
    left = "[" if band.lower_inclusive and band.lower is not None else "("
    right = "]" if band.upper_inclusive and band.upper is not None else ")"
    return _("band %(band)s, coefficient %(coefficient)s") % {
        "band": f"{left}{low}, {high}{right}",
        "coefficient": band.coefficient,
    }


@transaction.atomic
def pay_table_compute(*, actor: Any, pay: CadrePayScheme, source: str = "web") -> CadrePayTable:
    """Compute (or recompute) the pay table from the scheme's published annual result."""
    _require_office(actor)
    rows = pay_rows(pay)
    table = CadrePayTable.objects.filter(pay_scheme=pay).first()
    before = {"rows": table.rows} if table else None
    table, _created = CadrePayTable.objects.update_or_create(
        pay_scheme=pay, defaults={"rows": rows, "computed_at": clock.now()}
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=pay,
        before=before,
        after={"rows": rows},
        source=source,
    )
    return table
