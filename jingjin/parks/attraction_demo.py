"""Demo data of the attraction pipeline for ``jingjin demo`` (after the park registers): the
chain links' reference outputs where none is set (so the chains show gaps), synthetic candidate
firms (示例靶向企业…) on the biggest gaps, and 40 synthetic leads (示例招商线索…) across the stages
with dates before the demo's as-of day (the clock), a few stale, two signed (each with its key
project). Everything goes through the audited services; loading again changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from jingjin.core import clock
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.parks import attraction_services, gaps, services
from jingjin.parks.attraction_imports import CANDIDATE_COLUMNS
from jingjin.parks.demo import CHAINS, _csv
from jingjin.parks.models import AttractionLead, CandidateFirm, ChainLink, Park

#: the final stage of the demo's leads and how many end there (40 in all; two signed)
FINAL_STAGES = (("lead", 12), ("contact", 10), ("visit", 9), ("signed", 2), ("dropped", 7))
#: how many of the leads still at 线索 wait so long that they are stale
STALE = 4
CANDIDATES = 12
FLAGS = ("世界500强", "中国500强", "民营500强", "")


def _references(rng: random.Random) -> None:
    """A reference output for each demo link without one: its local output × 0.9–3 (a link
    without firms gets 20,000 万元), so the links have gaps of different sizes."""
    links = list(ChainLink.objects.filter(chain__code__in=[c[0] for c in CHAINS], reference_output=None))
    found = gaps.link_gaps(links)
    for link in links:
        local = found[link.pk].local_output
        reference = round(local * rng.uniform(0.9, 3.0), 2) if local > 0 else 20000.0
        services.entry_change(
            obj=link, actor=None, data={"reference_output": Decimal(str(reference))}, source="demo"
        )


def _candidates(rng: random.Random, top: list[ChainLink]) -> None:
    rows: list[list[Any]] = [[c.zh for c in CANDIDATE_COLUMNS]]
    for number in range(1, CANDIDATES + 1):
        links = rng.sample(top, k=min(len(top), rng.choice((1, 1, 2))))
        flags = ["是" if rng.random() < 0.3 else "否" for _ in range(6)]
        rows.append(
            [
                f"示例靶向企业{number:02d}",
                "",
                "",
                "、".join(link.code for link in links),
                rng.choice(FLAGS),
                *flags,
                "示例名单（合成）",
            ]
        )
    attraction_services.candidates_import(
        raw=_csv(rows), filename="candidates.csv", actor=None, source="demo", synthetic=True
    )


def _lead(rng: random.Random, number: int, final: str, today: date, context: dict[str, Any]) -> None:
    path = ["contact", "visit", "signed"]
    moves = (
        [] if final == "lead" else path[: path.index(final) + 1] if final in path else ["contact", "dropped"]
    )
    stale = final == "lead" and number <= STALE
    start = today - timedelta(days=rng.randint(90, 150) if stale else rng.randint(10, 50) + 25 * len(moves))
    candidate = rng.choice(context["candidates"]) if context["candidates"] and rng.random() < 0.5 else None
    links = list(candidate.chain_links.all()) if candidate else [rng.choice(context["links"])]
    park = rng.choice(context["parks"]) if context["parks"] else None
    owner = park.unit if park is not None else context["owner"]
    lead = attraction_services.lead_create(
        actor=None,
        data={
            "candidate": candidate,
            "firm_name": candidate.name if candidate else f"示例招商线索{number:02d}",
            "chain_links": links,
            "park": park,
            "owner_unit": owner,
            "owner_person": f"示例责任人{number % 7 + 1}",
            "planned_investment": Decimal(rng.randrange(5000, 300000, 500)),
            "is_synthetic": True,
        },
        stage_date=start,
        source="demo",
    )
    on = start
    for stage in moves:
        on = min(today, on + timedelta(days=rng.randint(7, 25)))
        reason = "示例：企业投资计划调整" if stage == "dropped" else ""
        lead = attraction_services.lead_move(
            actor=None, lead=lead, stage=stage, on=on, reason=reason, source="demo"
        )


def demo_attraction() -> dict[str, int]:
    """Load the attraction demo (idempotent); the number of candidates and leads afterwards."""
    if not AttractionLead.objects.filter(is_synthetic=True).exists():
        rng = random.Random(1313)
        _references(rng)
        links = list(ChainLink.objects.filter(chain__code__in=[c[0] for c in CHAINS]).select_related("chain"))
        scores = gaps.link_gaps(links)
        top = sorted(links, key=lambda link: -scores[link.pk].score)[:8]
        if top:
            _candidates(rng, top)
            owner = Unit.objects.filter(kind=UnitKind.CITY).order_by("pk").first()
            context = {
                "candidates": list(
                    CandidateFirm.objects.filter(is_synthetic=True).prefetch_related("chain_links")
                ),
                "links": top,
                "parks": list(Park.objects.filter(is_synthetic=True).select_related("unit")),
                "owner": owner,
            }
            today = clock.today()
            number = 0
            for final, count in FINAL_STAGES:
                for _ in range(count):
                    number += 1
                    _lead(rng, number, final, today, context)
    return {"candidates": CandidateFirm.objects.count(), "leads": AttractionLead.objects.count()}
