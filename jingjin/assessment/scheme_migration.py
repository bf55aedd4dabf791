"""Carry the fixed-weight red/black schemes over into criteria rows (data migration 0006).

Each unit scheme (subject ``units``) gets an :class:`~jingjin.assessment.scheme_models.AssessmentScheme`
of the code ``rb-<code>``, version 1, published, with a peer set of its group's units and one
criterion row per weighted criterion (normalisation ``none``: the percentages as they are, so the
scores equal the red/black list's, tested in ``tests/assessment/test_scheme_migration.py``). The
target rule becomes the target score (rule ``score``) or the minimums as gates (rule ``minimums``,
target score 0). The key-project schemes rank projects, not units: they stay as they are. Works
with the migration's historical models and with the real ones.
"""

from __future__ import annotations

from typing import Any

CRITERIA = ("on_time", "progress", "attainment", "investment")
GROUP_KINDS = {"departments": ["department"], "counties_parks": ["county", "park"]}
#: the criteria of a key-project owners' scheme and the figures that score them alike
OWNER_CRITERIA = {
    "on_time": "project_on_time",
    "investment": "project_investment",
    "gap": "project_gap",
    "milestones": "milestones",
}


def convert_ranking_schemes(
    *, ranking_scheme: Any, peer_set: Any, assessment_scheme: Any, criterion: Any, unit: Any
) -> int:
    """Create the missing converted schemes; returns how many were created."""
    created = 0
    for old in ranking_scheme.objects.filter(subject="units").order_by("position", "code"):
        code = f"rb-{old.code}"
        if assessment_scheme.objects.filter(code=code).exists():
            continue
        kinds = GROUP_KINDS.get(old.peer_group)
        units = unit.objects.filter(kind__in=kinds) if kinds else unit.objects.all()
        group, _created = peer_set.objects.get_or_create(
            code=code, defaults={"name_zh": old.name_zh, "name_en": old.name_en}
        )
        group.units.set(list(units))
        minimums = old.target_rule == "minimums"
        scheme = assessment_scheme.objects.create(
            code=code,
            version=1,
            status="published",
            name_zh=old.name_zh,
            name_en=old.name_en,
            peer_set=group,
            red_top_n=old.red_top_n,
            black_bottom_m=old.black_bottom_m,
            target_score=0.0 if minimums else float(old.target_score),
            ranking_scheme=old,
        )
        for position, name in enumerate(CRITERIA):
            weight = float(getattr(old, f"weight_{name}") or 0)
            if not weight:
                continue
            criterion.objects.create(
                scheme=scheme,
                position=position,
                source=name,
                weight=weight,
                direction="benefit",
                normalisation="none",
                minimum=float(getattr(old, f"min_{name}")) if minimums else None,
            )
        created += 1
    return created


def link_converted(*, ranking_scheme: Any, assessment_scheme: Any) -> int:
    """Let the converted schemes compute the red/black lists (data migration 0007): each unit (or
    key-project owners') scheme with an ``rb-<code>`` conversion gets it as its
    ``assessment_code``, and a unit scheme's conversion gets the old minimum of scored tasks as
    its gate ``min_tasks`` (the conversion of 0006 dropped it). Leaves a scheme linked already
    as it is; returns how many were linked."""
    linked = 0
    for old in ranking_scheme.objects.filter(subject__in=["units", "project_owners"], assessment_code=""):
        code = f"rb-{old.code}"
        versions = assessment_scheme.objects.filter(code=code)
        if not versions.filter(status="published").exists():
            continue
        if old.subject == "units":
            versions.filter(ranking_scheme=old, min_tasks=0).update(min_tasks=old.min_items)
        old.assessment_code = code
        old.save(update_fields=["assessment_code"])
        linked += 1
    return linked


def gate_owner_schemes(*, ranking_scheme: Any, assessment_scheme: Any) -> int:
    """Give the key-project owners' schemes carried over (``rb-<code>``, linked) the old scheme's
    minimum of ranked projects as their gate: ``min_tasks`` counting key projects with a plan
    (migration 0008; ``ranking_schemes_convert`` for schemes linked later). A version whose gate
    is set already is left as it is; returns how many versions were changed."""
    changed = 0
    for old in ranking_scheme.objects.filter(subject="project_owners").exclude(assessment_code=""):
        versions = assessment_scheme.objects.filter(code=old.assessment_code, ranking_scheme=old, min_tasks=0)
        changed += versions.update(min_tasks=old.min_items, gate_counts="projects")
    return changed


def convert_owner_schemes(
    *, ranking_scheme: Any, peer_set: Any, assessment_scheme: Any, criterion: Any, unit: Any
) -> int:
    """Carry the key-project owners' schemes (units ranked by their key projects) over as
    ``rb-<code>``: one row per weighted criterion from the owners' figures of the registry and the
    target rule "investment on schedule" as the gate ``project_on_schedule`` ≥ 100 (weight 0). Only
    a scheme without project filters (levels, categories, campaign, county): the figures read every
    project of a unit. The key-project schemes themselves rank projects, not units: they stay."""
    created = 0
    for old in ranking_scheme.objects.filter(subject="project_owners").order_by("position", "code"):
        code = f"rb-{old.code}"
        filtered = (
            old.project_levels or old.project_categories or old.project_campaign_id or old.project_county_id
        )
        if filtered or assessment_scheme.objects.filter(code=code).exists():
            continue
        kinds = GROUP_KINDS.get(old.peer_group)
        units = unit.objects.filter(kind__in=kinds) if kinds else unit.objects.all()
        group, _created = peer_set.objects.get_or_create(
            code=code, defaults={"name_zh": old.name_zh, "name_en": old.name_en}
        )
        group.units.set(list(units))
        schedule = old.target_rule == "schedule"
        scheme = assessment_scheme.objects.create(
            code=code,
            version=1,
            status="published",
            name_zh=old.name_zh,
            name_en=old.name_en,
            peer_set=group,
            red_top_n=old.red_top_n,
            black_bottom_m=old.black_bottom_m,
            target_score=0.0 if schedule else float(old.target_score),
            ranking_scheme=old,
        )
        position = 0
        for name, source in OWNER_CRITERIA.items():
            weight = float(getattr(old, f"weight_{name}") or 0)
            if weight:
                criterion.objects.create(
                    scheme=scheme, position=position, source=source, weight=weight, normalisation="none"
                )
                position += 1
        if schedule:
            criterion.objects.create(
                scheme=scheme, position=position, source="project_on_schedule", weight=0.0, minimum=100.0
            )
        created += 1
    return created
