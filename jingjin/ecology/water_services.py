"""Writes of the water data: importing monthly section samples (all or nothing, audited, revisions
kept) and computing the sections' classes by month and year with the water engine
(:func:`jingjin.engines.water.classify`), then the fed plan indicators (:mod:`jingjin.ecology.feeds`).

The yearly class of a section is the class of its yearly means (each parameter averaged over the
months sampled, 环办〔2011〕22号 annual evaluation), not the worst month.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core import clock
from jingjin.core import permissions as P
from jingjin.core.choices import AuditAction
from jingjin.core.limits import CellProblem, file_problem, truncated
from jingjin.core.services import audit_entry, audit_record, audit_record_many
from jingjin.ecology.choices import WaterbodyType
from jingjin.ecology.models import Section, SectionTarget
from jingjin.ecology.water_models import (
    SAMPLE_PARAMETERS,
    SectionClass,
    SectionSample,
    SectionSampleRevision,
    WaterImportBatch,
)
from jingjin.ecology.water_read import Reading, read, table_rows
from jingjin.engines import water

MAX_GAPS_SHOWN = 200


class ImportRefused(Exception):
    """The upload has problems; nothing was stored. ``problems`` name the row and column (at most
    ``JINGJIN_IMPORT_MAX_ERRORS``, then a line counting the rest)."""

    def __init__(self, problems: list[CellProblem]):
        self.problems = truncated(problems, file_problem)
        super().__init__("; ".join(str(p) for p in self.problems[:5]))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]


def _sections_by_key() -> dict[str, Section]:
    """Sections by code and by Chinese and English name (the platform gives names)."""
    found: dict[str, Section] = {}
    for section in Section.objects.select_related("county"):
        for key in (section.name_en, section.name_zh, section.code):
            if key:
                found[key] = section
    return found


def _resolve(reading: Reading, actor: Any) -> dict[tuple[str, int, int], Section]:
    """The section of each sample, adding a problem for unknown sections and sections the actor
    may not change (a unit user imports only their county's sections; ``None`` is the system)."""
    sections = _sections_by_key()
    allowed = Section.objects.all() if actor is None else P.restrict(actor, "change", Section.objects.all())
    changeable = set(allowed.values_list("pk", flat=True))
    resolved = {}
    for key, row in reading.first_row.items():
        section = sections.get(key[0])
        if section is None:
            reading.section_problem(row, _("unknown section %s") % key[0])
        elif section.pk not in changeable:
            reading.section_problem(row, _("you may not import data of section %s") % section.code)
        else:
            resolved[key] = section
    return resolved


def gaps(samples: Iterable[tuple[int, int, int]]) -> list[tuple[str, int, int]]:
    """(section code, year, month) of the active sections without a sample in a month the import
    covers (the months of the file)."""
    seen = set(samples)
    months = sorted({(y, m) for _, y, m in seen})
    if not months:
        return []
    years = {y for y, _ in months}
    stored = set(
        SectionSample.objects.filter(year__in=years).values_list("section_id", "year", "month").order_by()
    )
    missing = []
    for pk, code in Section.objects.filter(active=True).values_list("pk", "code").order_by("code"):
        for year, month in months:
            if (pk, year, month) not in seen and (pk, year, month) not in stored:
                missing.append((code, year, month))
    return missing


def samples_import(
    *, actor: Any, raw: bytes, name: str, source: str = "web", synthetic: bool = False, warn: bool = True
) -> WaterImportBatch:
    """Import an upload of monthly samples: everything or, on any problem, nothing
    (:class:`ImportRefused`). A sample already stored is revised (the old values kept in a
    revision) when its values differ; the classes of the years touched are computed again, then
    the fed indicators (and, with ``warn``, the warnings). ``actor`` None is the system (the demo);
    ``synthetic`` marks the samples and the batch as demo data."""
    if actor is not None and not P.may_import_water_samples(actor):
        raise P.PermissionDenied("import of water samples")
    reading = read(table_rows(raw, name))
    resolved = _resolve(reading, actor) if not reading.problems else {}
    if reading.problems:
        raise ImportRefused(sorted(reading.problems, key=lambda p: p.row))
    with transaction.atomic():
        batch = _store(
            actor=actor, reading=reading, resolved=resolved, name=name, source=source, synthetic=synthetic
        )
        touched = {(s.pk, y) for (_, y, _m), s in resolved.items()}
        classes_compute(pairs=touched)
    from jingjin.ecology.feeds import feeds_refresh

    feeds_refresh(years={y for _, y in touched}, source=source, warn=warn)
    return batch


def _store(
    *,
    actor: Any,
    reading: Reading,
    resolved: dict[tuple[str, int, int], Section],
    name: str,
    source: str,
    synthetic: bool,
) -> WaterImportBatch:
    now = clock.now()
    profile = getattr(actor, "profile", None)
    batch = WaterImportBatch.objects.create(
        file_name=name[:255],
        layout=reading.layout,
        unit=getattr(profile, "unit", None),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        created_at=now,
        rows=reading.rows,
        is_synthetic=synthetic,
    )
    keys = [(s.pk, y, m) for (_, y, m), s in resolved.items()]
    existing = {
        (s.section_id, s.year, s.month): s
        for s in SectionSample.objects.filter(
            section_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
        )
    }
    new, entries, added, changed, unchanged = [], [], 0, 0, 0
    for key, section in resolved.items():
        values = reading.means(key)
        old = existing.get((section.pk, key[1], key[2]))
        if old is None:
            new.append(
                SectionSample(
                    section=section, year=key[1], month=key[2], batch=batch, is_synthetic=synthetic, **values
                )
            )
            added += 1
            continue
        entry = _revise(old, values, batch=batch, now=now, actor=actor, source=source)
        if entry is None:
            unchanged += 1
        else:
            entries.append(entry)
            changed += 1
    for sample in SectionSample.objects.bulk_create(new, batch_size=500):
        entries.append(
            audit_entry(
                actor=actor,
                action=AuditAction.CREATE,
                obj=sample,
                before=None,
                after=sample.snapshot(),
                source=source,
            )
        )
    audit_record_many(entries)
    missing = gaps(keys)
    batch.added, batch.changed, batch.unchanged = added, changed, unchanged
    batch.report = {
        "duplicates": [{"row": r, "first_row": f, "same": s} for r, f, s in reading.duplicates],
        "gaps": [{"section": c, "year": y, "month": m} for c, y, m in missing[:MAX_GAPS_SHOWN]],
        "gap_count": len(missing),
    }
    batch.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=batch, before=None, after=batch.snapshot(), source=source
    )
    return batch


def _revise(
    old: SectionSample,
    values: dict[str, Decimal | None],
    *,
    batch: WaterImportBatch,
    now: Any,
    actor: Any,
    source: str,
) -> Any:
    """Change a stored sample to ``values``, keeping a revision; the audit row to store, or None
    when nothing changed."""
    before = {p: _text(getattr(old, p)) for p in SAMPLE_PARAMETERS}
    after = {p: _text(values[p]) for p in SAMPLE_PARAMETERS}
    if before == after:
        return None
    snapshot = old.snapshot()
    for p in SAMPLE_PARAMETERS:
        setattr(old, p, values[p])
    old.batch = batch
    old.save()
    SectionSampleRevision.objects.create(sample=old, batch=batch, changed_at=now, before=before, after=after)
    return audit_entry(
        actor=actor, action=AuditAction.UPDATE, obj=old, before=snapshot, after=old.snapshot(), source=source
    )


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


# --------------------------------------------------------------------------------------------
# Classes


def _frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    data: dict[str, list[Any]] = {"type": [r["type"] for r in rows]}
    for p in SAMPLE_PARAMETERS:
        data[p] = [None if r[p] is None else float(r[p]) for r in rows]
    schema = {"type": pl.String, **dict.fromkeys(SAMPLE_PARAMETERS, pl.Float64)}
    return pl.DataFrame(data, schema=schema)


def _classify(rows: list[dict[str, Any]]) -> list[tuple[int | None, str, str]]:
    """(class 1–6 or None, limiting, exceedances) of each row, by the engine's routine items."""
    if not rows:
        return []
    result = water.classify(_frame(rows), waterbody_column="type", items="routine")
    return [
        (None if c is None else int(c), lim or "", exc or "")
        for c, lim, exc in result.select("class_num", "limiting", "exceedances").iter_rows()
    ]


def _yearly_means(samples: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per section and year: each parameter's mean over the months that have it."""
    groups: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for s in samples:
        groups.setdefault((s["section_id"], s["year"]), []).append(s)
    rows = []
    for (section_id, year), months in groups.items():
        row: dict[str, Any] = {
            "section_id": section_id,
            "year": year,
            "month": None,
            "type": months[0]["type"],
        }
        for p in SAMPLE_PARAMETERS:
            values = [m[p] for m in months if m[p] is not None]
            row[p] = sum(values, Decimal(0)) / len(values) if values else None
        row["months"] = len(months)
        rows.append(row)
    return rows


def classes_compute(*, pairs: Iterable[tuple[int, int]]) -> int:
    """Compute again the month and year classes of these (section id, year) pairs; returns the
    number of classes stored. Derived data: not audited (the samples they come from are)."""
    pairs = set(pairs)
    if not pairs:
        return 0
    sections = {p[0] for p in pairs}
    years = {p[1] for p in pairs}
    samples = [
        s
        for s in SectionSample.objects.filter(section_id__in=sections, year__in=years)
        .order_by("section_id", "year", "month")
        .values("section_id", "year", "month", "section__waterbody_type", *SAMPLE_PARAMETERS)
        if (s["section_id"], s["year"]) in pairs
    ]
    for s in samples:
        s["type"] = WaterbodyType(s["section__waterbody_type"]).value
        s["months"] = 1
    rows = samples + _yearly_means(samples)
    targets = {
        (t.section_id, t.year): t.target_class
        for t in SectionTarget.objects.filter(section_id__in=sections, year__in=years)
    }
    now = clock.now()
    stored = []
    for row, (water_class, limiting, exceedances) in zip(rows, _classify(rows), strict=True):
        if water_class is None:
            continue
        target = targets.get((row["section_id"], row["year"]))
        stored.append(
            SectionClass(
                section_id=row["section_id"],
                year=row["year"],
                month=row["month"],
                water_class=water_class,
                limiting=limiting[:200],
                exceedances=exceedances[:400],
                target_class=target,
                target_met=None if target is None else water_class <= target,
                months=row["months"],
                computed_at=now,
            )
        )
    with transaction.atomic():
        for section_id, year in pairs:
            SectionClass.objects.filter(section_id=section_id, year=year).delete()
        SectionClass.objects.bulk_create(stored, batch_size=500)
    return len(stored)
