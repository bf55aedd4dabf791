"""Writes of the per-mu evaluation (亩均评价), each audited: schemes, campaigns and their states,
source imports, the run, appeals, policies and rectifications.

The state of a campaign: draft → imported (the land register and the tax source are in) →
evaluated (a run stored its results) → under review (appeals may be filed) → published (the grades
are final; D-class firms get a rectification). An accepted appeal's corrected data is applied by
the next run (:func:`campaign_evaluate`), which records each appeal's class after it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import polars as pl
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core.bounds import text_problem
from jingjin.core.choices import AuditAction
from jingjin.core.permissions import (
    PermissionDenied,
    may_file_land_appeal,
    may_manage_land_campaigns,
    may_update_land_rectification,
)
from jingjin.core.services import audit_change, audit_entry, audit_record, audit_record_many
from jingjin.engines.errors import InputError
from jingjin.engines.land import LandScheme
from jingjin.land import sources
from jingjin.land.choices import AppealState, CampaignState, RectificationState, SourceKind
from jingjin.land.explain import Explainer
from jingjin.land.models import (
    Appeal,
    EvaluationCampaign,
    EvaluationScheme,
    FirmResult,
    Policy,
    Rectification,
    SourceBatch,
)
from jingjin.land.run import CORRECTABLE, evaluate_campaign

BUILTIN_SCHEMES = ("huangyan-2022", "huangyan-2021", "sichuan-2020")
EDITABLE_STATES = (CampaignState.DRAFT, CampaignState.IMPORTED, CampaignState.EVALUATED)


def _office(actor: Any, what: str) -> None:
    if actor is not None and not may_manage_land_campaigns(actor):
        raise PermissionDenied(f"only the plan office may {what}")


def builtin_scheme_body(code: str) -> dict[str, Any]:
    """The YAML form of a built-in scheme (``jingjin/engines/tables/land_<code>.yaml``)."""
    from jingjin.commands._io import load_mapping, tables_dir

    if code not in BUILTIN_SCHEMES:
        raise ValidationError({"based_on": _("Unknown built-in scheme.")})
    return dict(load_mapping(tables_dir() / f"land_{code}.yaml"))


def scheme_check(body: Any) -> LandScheme:
    """The engine's scheme of ``body``; ``ValidationError`` naming what is wrong."""
    try:
        return LandScheme.from_dict(body)
    except InputError as exc:
        raise ValidationError({"body": str(exc)}) from exc


@transaction.atomic
def scheme_create(
    *,
    actor: Any,
    code: str,
    title: str,
    based_on: str,
    body: dict[str, Any] | None = None,
    is_synthetic: bool = False,
    source: str = "web",
) -> EvaluationScheme:
    """The city's own scheme: a copy of a built-in one (``based_on``), or ``body`` as given."""
    _office(actor, "create schemes")
    data = body if body is not None else builtin_scheme_body(based_on)
    scheme_check(data)
    scheme = EvaluationScheme(code=code, title=title, based_on=based_on, body=data, is_synthetic=is_synthetic)
    scheme.full_clean()
    scheme.save()
    audit_change(actor=actor, obj=scheme, before=None, source=source)
    return scheme


@transaction.atomic
def scheme_update(
    *,
    actor: Any,
    scheme: EvaluationScheme,
    body: dict[str, Any],
    title: str | None = None,
    source: str = "web",
) -> EvaluationScheme:
    """Change the scheme's weights, benchmarks, classes or exemptions (checked by the engine); the
    campaigns already run keep the body they used."""
    _office(actor, "change schemes")
    scheme_check(body)
    before = scheme.snapshot()
    scheme.body = body
    if title is not None:
        scheme.title = title
    scheme.full_clean()
    scheme.save()
    audit_change(actor=actor, obj=scheme, before=before, source=source)
    return scheme


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    year: int,
    title: str,
    scheme: EvaluationScheme,
    is_synthetic: bool = False,
    source: str = "web",
) -> EvaluationCampaign:
    """Open the campaign of a data year (one per year), in draft."""
    _office(actor, "create campaigns")
    campaign = EvaluationCampaign(year=year, title=title, scheme=scheme, is_synthetic=is_synthetic)
    campaign.full_clean()
    campaign.save()
    audit_change(actor=actor, obj=campaign, before=None, source=source)
    return campaign


def touch(campaign: EvaluationCampaign) -> None:
    """Move the campaign's revision (the key of its page's cache, :func:`selectors.page_figures`):
    every write to the campaign, its sources, results or appeals calls it."""
    EvaluationCampaign.objects.filter(pk=campaign.pk).update(revision=F("revision") + 1)


def _move(campaign: EvaluationCampaign, state: str, actor: Any, source: str, **fields: Any) -> None:
    before = campaign.snapshot()
    campaign.state = state
    for name, value in fields.items():
        setattr(campaign, name, value)
    # never the revision: the copy in memory may be older than the row's
    campaign.save(update_fields=["state", *fields])
    touch(campaign)
    audit_change(actor=actor, obj=campaign, before=before, source=source)


@transaction.atomic
def source_import(
    *, actor: Any, campaign: EvaluationCampaign, kind: str, raw: bytes, name: str, source: str = "web"
) -> SourceBatch:
    """Check a source file whole (:func:`jingjin.land.sources.read_source`) and keep it, replacing
    an earlier file of the same source; raises ``SourceFileError`` with every row's problem."""
    _office(actor, "import campaign data")
    if campaign.state not in EDITABLE_STATES:
        raise ValidationError(_("The data of a campaign under review or published cannot be replaced."))
    if kind not in SourceKind.values:
        raise ValidationError({"kind": _("Unknown source.")})
    frame = sources.read_source(kind, raw, name)
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    batch = SourceBatch.objects.filter(campaign=campaign, kind=kind).first()
    before = batch.snapshot() if batch else None
    if batch is None:
        batch = SourceBatch(campaign=campaign, kind=kind)
    elif batch.data:
        batch.data.delete(save=False)
    batch.file_name = name[:255]
    batch.rows = frame.height
    batch.data.save(f"{kind}.parquet", ContentFile(buffer.getvalue()), save=False)
    batch.save()
    audit_change(actor=actor, obj=batch, before=before, source=source)
    touch(campaign)
    kinds = set(campaign.sources.values_list("kind", flat=True))
    ready = all(k in kinds for k in sources.REQUIRED_SOURCES)
    state = CampaignState.IMPORTED if ready else CampaignState.DRAFT
    if campaign.state != state:
        _move(campaign, state, actor, source)
    return batch


def load_frames(campaign: EvaluationCampaign) -> dict[str, pl.DataFrame]:
    """The campaign's source tables by kind."""
    frames: dict[str, pl.DataFrame] = {}
    for batch in campaign.sources.all():
        with batch.data.open("rb") as handle:
            frames[batch.kind] = pl.read_parquet(handle)
    return frames


def _firm_links() -> dict[str, tuple[int, int | None, str, str, str]]:
    """Credit code → (firm id, county id, park, industry, name) of the park register."""
    from jingjin.parks.models import Firm

    rows = Firm.objects.values_list(
        "credit_code",
        "pk",
        "county_id",
        "park__county_id",
        "park__unit__name_zh",
        "industry__name_zh",
        "name",
    )
    return {
        code: (pk, county or park_county, park or "", industry or "", name)
        for code, pk, county, park_county, park, industry, name in rows
    }


@transaction.atomic
def campaign_evaluate(*, actor: Any, campaign: EvaluationCampaign, source: str = "web") -> dict[str, Any]:
    """Run the campaign: join the sources, apply the accepted appeals' corrections, grade every
    firm with the scheme, store the results (replacing the last run's) and record each accepted
    appeal's class after. A campaign under review stays under review; otherwise it is evaluated."""
    _office(actor, "run campaigns")
    campaign = EvaluationCampaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.state in (CampaignState.DRAFT, CampaignState.PUBLISHED):
        raise ValidationError(_("Only a campaign with its data imported and not yet published can be run."))
    body = (
        campaign.scheme.body
        if campaign.state != CampaignState.UNDER_REVIEW
        else (campaign.scheme_body or campaign.scheme.body)
    )
    scheme = scheme_check(body)
    appeals = list(campaign.appeals.filter(state=AppealState.ACCEPTED).order_by("decided_at", "pk"))
    corrections = {a.credit_code: a.corrections for a in appeals}
    result = evaluate_campaign(load_frames(campaign), scheme, corrections)
    links = _firm_links()
    FirmResult.objects.filter(campaign=campaign).delete()
    objs = []
    explain = Explainer()
    row: dict[str, Any]
    for row in result.rows:
        firm_id, county_id, park, industry, firm_name = links.get(
            row["credit_code"], (None, None, "", "", "")
        )
        objs.append(
            FirmResult(
                campaign=campaign,
                credit_code=row["credit_code"],
                name=(row["name"] or firm_name)[:200],
                firm_id=firm_id,
                county_id=county_id,
                park_name=park[:200],
                industry_name=industry[:200],
                above_scale=row["above_scale"],
                land_mu=row["land_mu"],
                inputs=row["inputs"],
                tax_10k=row["inputs"].get("tax_10k"),
                value_added_10k=row["inputs"].get("value_added_10k"),
                indicators=row["indicators"],
                points=row["points"],
                score=row["score"],
                firm_class=row["firm_class"],
                rank=row["rank"],
                flags=row["flags"],
                explanation=explain(row),
            )
        )
    FirmResult.objects.bulk_create(objs, batch_size=2000)
    summary = dict(result.summary)
    summary["benchmarks"] = result.rows[0]["benchmarks"] if result.rows else {}
    state = campaign.state if campaign.state == CampaignState.UNDER_REVIEW else CampaignState.EVALUATED
    _move(
        campaign,
        state,
        actor,
        source,
        evaluated_at=clock.now(),
        runs=campaign.runs + 1,
        summary=summary,
        scheme_body=body,
    )
    by_code = {r["credit_code"]: r for r in result.rows}
    for appeal in appeals:
        found = by_code.get(appeal.credit_code)
        before_appeal = appeal.snapshot()
        appeal.class_after = found["firm_class"] if found else ""
        appeal.score_after = found["score"] if found else None
        appeal.save(update_fields=["class_after", "score_after"])
        audit_change(actor=actor, obj=appeal, before=before_appeal, source=source)
    return summary


def campaign_queue_run(*, actor: Any, campaign: EvaluationCampaign, source: str = "web") -> Any:
    """Queue the campaign's run (:func:`campaign_evaluate`) as a background job: the plan office,
    a campaign with its data imported and not yet published. Returns the job."""
    from jingjin.jobs.services import job_submit
    from jingjin.land.job_kinds import KIND

    _office(actor, "run campaigns")
    if campaign.state in (CampaignState.DRAFT, CampaignState.PUBLISHED):
        raise ValidationError(
            {"state": _("Only a campaign with its data imported and not yet published can be run.")}
        )
    return job_submit(actor=actor, kind=KIND, params={"campaign": campaign.pk}, source=source)


@transaction.atomic
def campaign_start_review(*, actor: Any, campaign: EvaluationCampaign, source: str = "web") -> None:
    """Evaluated → under review (复核): the results are shown to the firms, who may appeal."""
    _office(actor, "review campaigns")
    if campaign.state != CampaignState.EVALUATED:
        raise ValidationError(_("Only an evaluated campaign can go to review."))
    _move(campaign, CampaignState.UNDER_REVIEW, actor, source)


@transaction.atomic
def campaign_publish(
    *, actor: Any, campaign: EvaluationCampaign, deadline: Any = None, source: str = "web"
) -> int:
    """Under review → published: the grades are final; every D-class firm gets a rectification
    (整改) due by ``deadline``. Refused while an appeal is pending. Returns the rectifications made."""
    _office(actor, "publish campaigns")
    if campaign.state != CampaignState.UNDER_REVIEW:
        raise ValidationError(_("Only a campaign under review can be published."))
    if campaign.appeals.filter(state=AppealState.PENDING).exists():
        raise ValidationError(_("Decide every pending appeal before publishing."))
    _move(campaign, CampaignState.PUBLISHED, actor, source, published_at=clock.now())
    from jingjin.core.models import Unit

    have = set(campaign.rectifications.values_list("credit_code", flat=True))
    d_firms = campaign.results.filter(firm_class="D").exclude(credit_code__in=have)
    rows = list(d_firms.values_list("credit_code", "name", "county_id"))
    units = Unit.objects.in_bulk({county for _c, _n, county in rows if county is not None})
    new = [
        Rectification(
            campaign=campaign,
            credit_code=code,
            firm_name=name,
            county=units.get(county) if county else None,
            deadline=deadline,
            is_synthetic=campaign.is_synthetic,
        )
        for code, name, county in rows
    ]
    Rectification.objects.bulk_create(new, batch_size=1000)
    if new and new[0].pk is None:  # a backend that does not return the ids: read them back
        ids = dict(campaign.rectifications.values_list("credit_code", "pk"))
        for rect in new:
            rect.pk = ids[rect.credit_code]
    audit_record_many(
        audit_entry(
            actor=actor, action=AuditAction.CREATE, obj=r, before=None, after=r.snapshot(), source=source
        )
        for r in new
    )
    made = len(new)
    return made


def _clean_text(value: str, label: str, max_length: int) -> str:
    problem = text_problem(value, max_length=max_length)
    if problem:
        raise ValidationError({label: problem})
    return value.strip()


@transaction.atomic
def appeal_file(
    *,
    actor: Any,
    campaign: EvaluationCampaign,
    credit_code: str,
    reason: str,
    evidence: File | None = None,
    is_synthetic: bool = False,
    source: str = "web",
) -> Appeal:
    """A firm's appeal (申诉) against its result, with its evidence, while the campaign is under review."""
    result = campaign.results.filter(credit_code=credit_code.strip().upper()).first()
    if result is None:
        raise ValidationError({"credit_code": _("The firm is not in this campaign.")})
    if actor is not None and not may_file_land_appeal(actor, result.county_id):
        raise PermissionDenied("may not appeal for this firm")
    if campaign.state != CampaignState.UNDER_REVIEW:
        raise ValidationError(_("Appeals are filed while the campaign is under review."))
    if campaign.appeals.filter(credit_code=result.credit_code, state=AppealState.PENDING).exists():
        raise ValidationError(_("The firm already has a pending appeal."))
    reason = _clean_text(reason, "reason", 2000)
    if not reason:
        raise ValidationError({"reason": _("Give the grounds of the appeal.")})
    appeal = Appeal(
        campaign=campaign,
        credit_code=result.credit_code,
        firm_name=result.name,
        reason=reason,
        class_before=result.firm_class,
        score_before=result.score,
        is_synthetic=is_synthetic,
    )
    appeal.save()
    if evidence is not None:
        appeal.evidence.save(evidence.name or "evidence", evidence, save=True)
    audit_change(actor=actor, obj=appeal, before=None, source=source)
    touch(campaign)
    return appeal


def clean_corrections(data: Mapping[str, Any]) -> dict[str, float]:
    """Corrected input values of an appeal: known columns, finite numbers in range."""
    out: dict[str, float] = {}
    errors: dict[str, str] = {}
    for column, value in data.items():
        if value is None or value == "":
            continue
        if column not in CORRECTABLE:
            errors[column] = _("This column cannot be corrected.")
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors[column] = _("Enter a number.")
            continue
        signed = column in ("tax_10k", "value_added_10k")
        if not math.isfinite(number) or abs(number) > sources.MAX_VALUE or (number < 0 and not signed):
            errors[column] = _("Enter a finite number in range.")
        elif column == "land_mu" and number == 0:
            errors[column] = _("The land area must be more than 0.")
        else:
            out[column] = number
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def appeal_decide(
    *,
    actor: Any,
    appeal: Appeal,
    accept: bool,
    decision: str,
    corrections: Mapping[str, Any] | None = None,
    source: str = "web",
) -> Appeal:
    """Accept an appeal with corrected data (applied by the next run of the campaign, which the
    caller queues) or reject it with a reason. The plan office only."""
    _office(actor, "decide appeals")
    if appeal.state != AppealState.PENDING:
        raise ValidationError(_("The appeal is already decided."))
    decision = _clean_text(decision, "decision", 2000)
    if not decision:
        raise ValidationError({"decision": _("Give the reason of the decision.")})
    before = appeal.snapshot()
    if accept:
        fixed = clean_corrections(corrections or {})
        if not fixed:
            raise ValidationError(
                {"corrections": _("An accepted appeal needs at least one corrected value.")}
            )
        appeal.corrections = fixed
        appeal.state = AppealState.ACCEPTED
    else:
        appeal.state = AppealState.REJECTED
        appeal.class_after = appeal.class_before
        appeal.score_after = appeal.score_before
    appeal.decision = decision
    appeal.decided_at = clock.now()
    appeal.save()
    audit_change(actor=actor, obj=appeal, before=before, source=source)
    touch(appeal.campaign)
    return appeal


POLICY_FIELDS = {"firm_class", "kind", "measure", "rate", "active", "is_synthetic"}


@transaction.atomic
def policy_save(
    *, actor: Any, data: dict[str, Any], policy: Policy | None = None, source: str = "web"
) -> Policy:
    """Create or change a differentiated policy of a class (the plan office)."""
    _office(actor, "set policies")
    unknown = sorted(set(data) - POLICY_FIELDS)
    if unknown:
        raise ValidationError({n: _("This field cannot be set.") for n in unknown})
    before = policy.snapshot() if policy is not None else None
    policy = policy or Policy()
    for name, value in data.items():
        setattr(policy, name, value)
    policy.full_clean()
    policy.save()
    audit_change(actor=actor, obj=policy, before=before, source=source)
    return policy


@transaction.atomic
def policy_delete(*, actor: Any, policy: Policy, source: str = "web") -> None:
    _office(actor, "delete policies")
    before = policy.snapshot()
    audit_record(actor=actor, action=AuditAction.DELETE, obj=policy, before=before, after=None, source=source)
    policy.delete()


@transaction.atomic
def rectification_update(
    *, actor: Any, rectification: Rectification, plan: str, deadline: Any, progress: int, source: str = "web"
) -> Rectification:
    """Record a D-class firm's plan, deadline and progress (0–100 %); 100 % is done."""
    if actor is not None and not may_update_land_rectification(actor, rectification.county_id):
        raise PermissionDenied("may not update this rectification")
    if not 0 <= int(progress) <= 100:
        raise ValidationError({"progress": _("The progress is between 0 and 100 %.")})
    before = rectification.snapshot()
    rectification.plan = _clean_text(plan, "plan", 4000)
    rectification.deadline = deadline
    rectification.progress = int(progress)
    if rectification.progress >= 100:
        rectification.state = RectificationState.DONE
    elif rectification.progress > 0 or rectification.plan:
        rectification.state = RectificationState.IN_PROGRESS
    else:
        rectification.state = RectificationState.OPEN
    rectification.full_clean()
    rectification.save()
    audit_change(actor=actor, obj=rectification, before=before, source=source)
    return rectification


#: what a local indicator (地方特色指标) of a scheme holds: the indicator (a ratio of two input
#: columns) and its criterion in a segment
LOCAL_INDICATOR_FIELDS = (
    "label",
    "unit",
    "numerator",
    "denominator",
    "segment",
    "benchmark",
    "weight",
    "cap",
)


def local_indicators(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A scheme's local indicators with their criterion (segment, benchmark, weight, cap)."""
    out = []
    for name, spec in (body.get("indicators") or {}).items():
        row = {"name": name, **{k: spec.get(k, "") for k in ("label", "unit", "numerator", "denominator")}}
        row.update(segment="", benchmark=None, weight=None, cap=None)
        for segment, seg in (body.get("segments") or {}).items():
            for criterion in seg.get("criteria") or []:
                if criterion.get("column") == name:
                    row.update(
                        segment=segment,
                        benchmark=criterion.get("benchmark"),
                        weight=criterion.get("weight"),
                        cap=criterion.get("cap"),
                    )
        out.append(row)
    return out


def _without_local(body: dict[str, Any], name: str) -> dict[str, Any]:
    import copy

    body = copy.deepcopy(body)
    (body.get("indicators") or {}).pop(name, None)
    for seg in (body.get("segments") or {}).values():
        seg["criteria"] = [c for c in seg.get("criteria") or [] if c.get("column") != name]
    return body


def _fixed_totals(body: dict[str, Any]) -> dict[str, Any]:
    """A segment with fixed weights totals the sum of its weights (the province's 70 points plus
    the local indicators' 30 make 100, REFERENCE §4.1)."""
    for seg in (body.get("segments") or {}).values():
        if seg.get("weights") == "fixed" and seg.get("criteria"):
            total = sum(float(c.get("weight", 0)) for c in seg["criteria"])
            seg["total"] = int(total) if total == int(total) else total
    return body


@transaction.atomic
def scheme_indicator_save(
    *, actor: Any, scheme: EvaluationScheme, name: str, data: Mapping[str, Any], source: str = "web"
) -> EvaluationScheme:
    """Add or change a local indicator of a scheme: ``name`` = ``numerator`` ÷ ``denominator``
    (input columns), scored in ``segment`` against ``benchmark`` with ``weight`` points, capped at
    ``cap`` times the benchmark; the engine checks the whole scheme (e.g. the weights' total)."""
    from jingjin.engines.land import INDICATORS

    _office(actor, "change schemes")
    errors: dict[str, str] = {}
    if name in INDICATORS:
        errors["name"] = _("This is a built-in indicator; choose another name.")
    if data["numerator"] not in CORRECTABLE:
        errors["numerator"] = _("Unknown input column.")
    if data["denominator"] not in CORRECTABLE:
        errors["denominator"] = _("Unknown input column.")
    if data["numerator"] == data["denominator"]:
        errors["denominator"] = _("The denominator must differ from the numerator.")
    if data["segment"] not in (scheme.body.get("segments") or {}):
        errors["segment"] = _("The scheme has no such segment.")
    if errors:
        raise ValidationError(errors)
    body = _without_local(scheme.body, name)
    body.setdefault("indicators", {})[name] = {
        "numerator": data["numerator"],
        "denominator": data["denominator"],
        "label": data["label"],
        "unit": data.get("unit", ""),
    }
    criterion: dict[str, Any] = {
        "column": name,
        "label": data["label"],
        "normalize": "ratio",
        "benchmark": float(data["benchmark"]),
        "weight": float(data["weight"]),
    }
    if data.get("cap") is not None:
        criterion["cap"] = float(data["cap"])
    body["segments"][data["segment"]].setdefault("criteria", []).append(criterion)
    return scheme_update(actor=actor, scheme=scheme, body=_fixed_totals(body), source=source)


@transaction.atomic
def scheme_indicator_delete(
    *, actor: Any, scheme: EvaluationScheme, name: str, source: str = "web"
) -> EvaluationScheme:
    """Remove a local indicator and its criterion from a scheme (the engine checks the rest)."""
    _office(actor, "change schemes")
    if name not in (scheme.body.get("indicators") or {}):
        raise ValidationError({"name": _("The scheme has no such local indicator.")})
    body = _fixed_totals(_without_local(scheme.body, name))
    return scheme_update(actor=actor, scheme=scheme, body=body, source=source)
