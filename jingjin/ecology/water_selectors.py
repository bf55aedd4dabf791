"""Reads of the water data: the section × month class matrix of a year, and the samples list."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from jingjin.ecology.choices import WaterClass
from jingjin.ecology.models import Section, SectionTarget
from jingjin.ecology.water_models import SectionClass, SectionSample, WaterImportBatch

#: the target of the plan: every assessed section at class I–III
GOOD_TARGET_PCT = Decimal(100)


@dataclass
class MatrixRow:
    code: str
    name: str
    county: str
    level: str
    target: int | None
    months: list[int | None]
    year_class: int | None
    met: bool | None


@dataclass
class Matrix:
    year: int
    rows: list[MatrixRow] = field(default_factory=list)
    assessed: int = 0
    good: int = 0
    met: int = 0
    with_target: int = 0

    @property
    def good_pct(self) -> Decimal | None:
        if not self.assessed:
            return None
        return (Decimal(self.good) * 100 / Decimal(self.assessed)).quantize(Decimal("0.1"))

    @property
    def target_pct(self) -> Decimal:
        return GOOD_TARGET_PCT

    @property
    def target_reached(self) -> bool:
        return self.good_pct is not None and self.good_pct >= GOOD_TARGET_PCT


def sections_of(*, county: str = "", level: str = "") -> QuerySet[Section]:
    sections = Section.objects.filter(active=True).select_related("county").order_by("code")
    if county:
        sections = sections.filter(county__code=county)
    if level:
        sections = sections.filter(level=level)
    return sections


def matrix(*, year: int, county: str = "", level: str = "") -> Matrix:
    """The classes of the active sections (filtered by county code and level) in each month of
    ``year`` and in the year, with each section's target and whether the year's class meets it."""
    sections = list(sections_of(county=county, level=level))
    result = Matrix(year=year)
    classes = SectionClass.objects.filter(section__in=[s.pk for s in sections], year=year).values_list(
        "section_id", "month", "water_class", "target_class", "target_met"
    )
    by_section: dict[int, dict[int | None, tuple[int, int | None, bool | None]]] = {}
    for section_id, month, water_class, target, met in classes:
        by_section.setdefault(section_id, {})[month] = (water_class, target, met)
    targets = dict(
        SectionTarget.objects.filter(section__in=[s.pk for s in sections], year=year).values_list(
            "section_id", "target_class"
        )
    )
    level_names = dict(Section._meta.get_field("level").choices or [])
    for section in sections:
        found = by_section.get(section.pk, {})
        year_class = found.get(None)
        target = targets.get(section.pk)
        met = None if year_class is None or target is None else year_class[0] <= target
        result.rows.append(
            MatrixRow(
                code=section.code,
                name=section.name,
                county=section.county.name if section.county else "",
                level=str(level_names.get(section.level, section.level)),
                target=target,
                months=[found[m][0] if m in found else None for m in range(1, 13)],
                year_class=year_class[0] if year_class else None,
                met=met,
            )
        )
        if year_class is not None:
            result.assessed += 1
            result.good += year_class[0] <= WaterClass.III
            if target is not None:
                result.with_target += 1
                result.met += bool(met)
    return result


def years_with_data() -> list[int]:
    return sorted(set(SectionSample.objects.values_list("year", flat=True).distinct()), reverse=True)


def samples(
    *, section: str = "", year: int | None = None, month: int | None = None
) -> QuerySet[SectionSample]:
    rows = SectionSample.objects.select_related("section").order_by("section__code", "year", "month")
    if section:
        rows = rows.filter(section__code=section)
    if year is not None:
        rows = rows.filter(year=year)
    if month is not None:
        rows = rows.filter(month=month)
    return rows


def recent_batches(*, user: Any, limit: int = 10) -> list[WaterImportBatch]:
    from jingjin.core.permissions import restrict

    return list(restrict(user, "view", WaterImportBatch.objects.all())[:limit])
