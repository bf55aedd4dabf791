"""Demo water data: synthetic monthly samples of the demo sections up to the month before the demo's
as-of month (this year and the last), imported through the same service as an upload (classes
computed), and action 5's water indicator linked to ``water_good_share``.

Everything is marked synthetic. The sections are the register's demo sections when it has some
(``is_synthetic``); otherwise eight ``DEMO-W01…`` sections (示例断面) are created in the plan's
counties. Values are drawn from a fixed seed, so the demo is the same every time.
"""

from __future__ import annotations

import random
from typing import Any

from jingjin.core import clock
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.ecology.choices import MonitoringLevel, WaterbodyType
from jingjin.ecology.feeds import feed_link
from jingjin.ecology.models import Section, SectionTarget
from jingjin.ecology.water_services import samples_import
from jingjin.plans.models import Indicator

DEMO_SECTIONS = 8
SEED = 16
COLUMNS = ("ph", "do", "codmn", "nh3_n", "tp")


def demo_sections() -> list[Section]:
    """The synthetic sections (created when there are none), each with target class III for the
    years of the demo."""
    sections = list(Section.objects.filter(is_synthetic=True, active=True).order_by("code"))
    if not sections:
        counties = list(Unit.objects.filter(kind=UnitKind.COUNTY).order_by("code")) or [None]
        for n in range(1, DEMO_SECTIONS + 1):
            section, _ = Section.objects.get_or_create(
                code=f"DEMO-W{n:02d}",
                defaults={
                    "name_zh": f"示例断面{n:02d}",
                    "name_en": f"Demo section {n:02d}",
                    "waterbody": "示例河" if n % 4 else "示例水库",
                    "waterbody_type": WaterbodyType.RIVER if n % 4 else WaterbodyType.RESERVOIR,
                    "level": MonitoringLevel.NATIONAL if n <= 4 else MonitoringLevel.PROVINCIAL,
                    "county": counties[(n - 1) % len(counties)],
                    "is_synthetic": True,
                },
            )
            sections.append(section)
    return sections


def _rows(sections: list[Section], months: list[tuple[int, int]]) -> list[str]:
    """CSV lines of synthetic samples: most sections class II–III; the last one is near the TP
    limit of III and worse in summer (low flow), so its year is IV and the share of good sections
    stays below the 100 % target."""
    draw = random.Random(SEED)
    lines = ["section,year,month," + ",".join(COLUMNS)]
    for index, section in enumerate(sections):
        poor = index == len(sections) - 1
        for year, month in months:
            summer = month in (6, 7, 8)
            tp = draw.uniform(0.15, 0.22) + (0.15 if summer else 0) if poor else draw.uniform(0.05, 0.15)
            values = (
                draw.uniform(7.0, 8.2),
                draw.uniform(5.5, 8.5),
                draw.uniform(2.5, 5.5),
                draw.uniform(0.1, 0.8),
                tp if section.waterbody_type == WaterbodyType.RIVER else tp / 4,
            )
            numbers = ",".join(f"{v:.3f}" for v in values)
            lines.append(f"{section.code},{year},{month},{numbers}")
    return lines


def demo_water(*, today: Any = None) -> dict[str, int]:
    """Load the demo's samples and link the water indicator (idempotent: a second run changes
    nothing)."""
    today = today or clock.today()
    sections = demo_sections()
    years = (today.year - 1, today.year)
    for section in sections:
        for year in years:
            SectionTarget.objects.get_or_create(section=section, year=year, defaults={"target_class": 3})
    months = [(y, m) for y in years for m in range(1, 13) if (y, m) < (today.year, today.month)]
    raw = "\n".join(_rows(sections, months)).encode()
    batch = samples_import(
        actor=None, raw=raw, name="demo-water.csv", source="demo", synthetic=True, warn=False
    )
    indicator = (
        Indicator.objects.filter(name_zh__contains="断面水质优良比例", unit="%").order_by("code").first()
    )
    if indicator is not None:
        feed_link(actor=None, indicator=indicator, figure="water_good_share", source="demo", warn=False)
    return {"sections": len(sections), "samples": batch.added + batch.changed + batch.unchanged}
