"""Department screening (部门筛查预警): the screening engine over an uploaded table, as a job,
and a candidate turned into a household under identification with one click.

The table has the engine's columns (:data:`jingjin.engines.rural.INPUT_COLUMNS`) plus
``village`` (the code or Chinese name of a village of the case worker's county) and, optionally,
``head_name``. Rows the engine classes ``unstable``, ``marginal`` or ``sudden`` become candidates.
"""

from __future__ import annotations

import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import polars as pl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jingjin.commands._io import SUPPORTED, TableError, read_input
from jingjin.core import clock
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_screen_households, may_work_on_household
from jingjin.core.services import audit_change
from jingjin.engines.errors import InputError, rows_text
from jingjin.engines.rural import screen
from jingjin.rural import rules, services
from jingjin.rural.choices import Channel
from jingjin.rural.models import Candidate, Household, ScreeningRun

JOB_KIND = "rural-screening"


def _county(actor: Any) -> Unit:
    profile = getattr(actor, "profile", None)
    unit = profile.unit if profile is not None else None
    if not may_screen_households(actor) or unit is None or unit.kind != UnitKind.COUNTY:
        raise PermissionDenied(f"{actor} may not screen households")
    county: Unit = unit
    return county


def screening_submit(
    *,
    actor: Any,
    year: int,
    line: float | None,
    as_of: date,
    upload: IO[bytes],
    name: str,
    source: str = "web",
) -> ScreeningRun:
    """Check the options, store the run and queue the job that screens the file."""
    from jingjin.jobs.services import job_submit

    county = _county(actor)
    if Path(name).suffix.lower() not in SUPPORTED:
        raise ValidationError({"file": _("Upload a .csv, .xlsx or .parquet file.")})
    if line is None:
        try:
            line = rules.line_of_year(year)
        except InputError:
            raise ValidationError(
                {"line": _("No line is configured for %(year)s: give one.") % {"year": year}}
            ) from None
    if not 0 < line < 1e7:
        raise ValidationError({"line": _("Give a positive line in yuan.")})
    with transaction.atomic():
        run = ScreeningRun.objects.create(county=county, year=year, line=Decimal(str(line)), as_of=as_of)
        audit_change(actor=actor, obj=run, before=None, source=source)
        job = job_submit(
            actor=actor,
            kind=JOB_KIND,
            params={"run": run.pk},
            input_file=upload,
            input_name=name,
            source=source,
        )
        run.job = job
        run.save(update_fields=["job"])
    return run


def _villages(frame: pl.DataFrame, county: Unit) -> list[Unit]:
    if "village" not in frame.columns:
        raise InputError("missing column 'village' (the code or name of a village of the county)")
    scope = county.descendant_ids()
    known = Unit.objects.filter(kind=UnitKind.VILLAGE, pk__in=scope)
    by_key = {u.code: u for u in known} | {u.name_zh: u for u in known}
    texts = frame.get_column("village").cast(pl.String).str.strip_chars().fill_null("").to_list()
    missing = [t not in by_key for t in texts]
    if any(missing):
        raise InputError(f"column 'village': not a village of {county.name_zh} in {rows_text(missing)}")
    return [by_key[t] for t in texts]


def screening_run(run: ScreeningRun, path: Path) -> dict[str, Any]:
    """Screen the file and store its candidates (all or nothing); the job's summary."""
    frame = read_input(path)
    villages = _villages(frame, run.county)
    result = screen(frame, line=float(run.line), as_of=run.as_of)
    names = (
        result.get_column("head_name").cast(pl.String).fill_null("").to_list()
        if "head_name" in result.columns
        else [""] * result.height
    )
    rows = result.select(
        "household_id", "members", "former_poor", "net_income", "rigid_expenditure",
        "per_capita_income", "monitoring_type", "basic_needs_risk",
    ).iter_rows()  # fmt: skip
    candidates = []
    for index, row in enumerate(rows):
        ref, members, former, net, rigid, per_capita, kind, risk = row
        if kind == "none":
            continue
        candidates.append(
            Candidate(
                run=run,
                reference=str(ref)[:64],
                head_name=names[index][:64],
                village=villages[index],
                size=int(members),
                former_poor=bool(int(former)),
                net_income=Decimal(str(round(float(net), 2))),
                rigid_expenditure=Decimal(str(round(float(rigid), 2))),
                per_capita_income=Decimal(str(round(float(per_capita), 2))),
                monitoring_type=kind,
                basic_needs_risk=bool(risk),
            )
        )
    with transaction.atomic():
        Candidate.objects.bulk_create(candidates, batch_size=500)
        run.rows = result.height
        run.save(update_fields=["rows"])
    return {"rows": result.height, "candidates": len(candidates)}


def screening_run_bytes(run: ScreeningRun, raw: bytes, name: str) -> dict[str, Any]:
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(raw)
        try:
            return screening_run(run, path)
        except TableError as exc:
            raise InputError(str(exc).replace(str(path), name)) from None


@transaction.atomic
def candidate_convert(*, actor: Any, candidate: Candidate, source: str = "web") -> Household:
    """Turn a screening candidate into a household under identification (lead: today)."""
    candidate = Candidate.objects.select_for_update().select_related("run", "village").get(pk=candidate.pk)
    probe = Household(county=candidate.run.county, village=candidate.village)
    if not may_work_on_household(actor, probe):
        raise PermissionDenied(f"{actor} may not take up candidates of {candidate.run.county}")
    if candidate.household_id is not None:
        raise ValidationError({"candidate": _("The candidate is already a household.")})
    household = services.household_create(
        actor=actor,
        village=candidate.village,
        head_name=candidate.head_name or candidate.reference,
        channel=Channel.DEPARTMENT_SCREENING,
        monitoring_type=candidate.monitoring_type,
        lead_date=clock.today(),
        former_poor=candidate.former_poor,
        size=candidate.size,
        net_income=candidate.net_income,
        rigid_expenditure=candidate.rigid_expenditure,
        note=_("Screening %(ref)s") % {"ref": candidate.reference},
        source=source,
    )
    before = candidate.snapshot()
    candidate.household = household
    candidate.save(update_fields=["household"])
    audit_change(actor=actor, obj=candidate, before=before, source=source)
    return household


def open_candidates(county_ids: set[int]) -> Q:
    return Q(run__county_id__in=county_ids, household__isnull=True)
