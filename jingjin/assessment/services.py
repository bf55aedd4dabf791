"""Writes of the red/black lists, each checked (plan office only), atomic and audited.

* :func:`schemes_load_builtin` — the two built-in schemes (idempotent loader);
* :func:`ranking_list_compute` — compute or recompute the draft list of a scheme and period;
* :func:`ranking_exempt` / :func:`ranking_exempt_remove` — force-majeure exemptions (不可抗力);
* :func:`ranking_list_publish` — publish and freeze a list.

A published list is never recomputed: its entries keep the scores, items and reasons of the
moment it was published. Bad input raises ``ValidationError``, a wrong role
:class:`~jingjin.core.permissions.PermissionDenied`, a step the list's state does not allow
:class:`ListFrozen`.
"""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.utils.translation import gettext as _

from jingjin.assessment import project_lists, scheme_lists, selectors
from jingjin.assessment.choices import ListStatus, PeerGroup, Subject, TargetRule, Verdict
from jingjin.assessment.models import RankingEntry, RankingExemption, RankingList, RankingScheme
from jingjin.assessment.scheme_lists import LINKABLE
from jingjin.assessment.scheme_migration import convert_owner_schemes, convert_ranking_schemes
from jingjin.assessment.scheme_models import (
    AssessmentScheme,
    GateCount,
    PeerSet,
    SchemeCriterion,
    SchemeStatus,
)
from jingjin.core import clock
from jingjin.core.choices import AuditAction
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, may_manage_ranking_lists
from jingjin.core.services import audit_change, audit_record
from jingjin.projects.models import KeyProject
from jingjin.projects.ranking import filtered_projects, project_columns
from jingjin.reporting.models import ReportingPeriod

#: what the plan office may still change on a scheme computed by a configurable scheme
LINKED_EDITABLE = frozenset({"name_zh", "name_en", "is_active"})


class ListFrozen(Exception):
    """The list is published: it cannot be recomputed, exempted or published again."""


#: the weights and gate of the built-in key-project schemes (docs/assessment.md "Key projects")
PROJECT_WEIGHTS: dict[str, Any] = {
    "weight_on_time": Decimal("0.1"),
    "weight_progress": Decimal("0"),
    "weight_attainment": Decimal("0"),
    "weight_investment": Decimal("0.5"),
    "weight_gap": Decimal("0.2"),
    "weight_milestones": Decimal("0.2"),
    "target_rule": TargetRule.SCHEDULE,
}
#: the weights and gate of the built-in unit schemes
UNIT_WEIGHTS: dict[str, Any] = {
    "weight_on_time": Decimal("0.3"),
    "weight_progress": Decimal("0.4"),
    "weight_attainment": Decimal("0.3"),
    "target_rule": TargetRule.SCORE,
    "target_score": Decimal("80"),
}

#: the built-in schemes: 绵阳's two sequences (REFERENCE §9): departments top 4 / bottom 3,
#: counties and parks top 5 / bottom 4
BUILTIN_SCHEMES: tuple[dict[str, Any], ...] = (
    {
        "code": "departments",
        "name_zh": "市级部门红黑榜",
        "name_en": "Red/black list of city departments",
        "peer_group": PeerGroup.DEPARTMENTS,
        "red_top_n": 4,
        "black_bottom_m": 3,
        "position": 1,
    },
    {
        "code": "counties-parks",
        "name_zh": "县（区）和园区红黑榜",
        "name_en": "Red/black list of counties and parks",
        "peer_group": PeerGroup.COUNTIES_PARKS,
        "red_top_n": 5,
        "black_bottom_m": 4,
        "position": 2,
    },
    # the key-project lists (绵阳's investment red/black lists on the same logic): the projects,
    # and their owning units by their projects; gate: investment on schedule
    {
        "code": "key-projects",
        "name_zh": "重点项目红黑榜",
        "name_en": "Red/black list of key projects",
        "subject": Subject.PROJECTS,
        "peer_group": PeerGroup.ALL,
        "red_top_n": 5,
        "black_bottom_m": 4,
        "position": 3,
        **PROJECT_WEIGHTS,
    },
    {
        "code": "project-owners",
        "name_zh": "重点项目业主单位红黑榜",
        "name_en": "Red/black list of key projects' owning units",
        "subject": Subject.PROJECT_OWNERS,
        "peer_group": PeerGroup.ALL,
        "red_top_n": 4,
        "black_bottom_m": 3,
        "min_items": 1,
        "position": 4,
        **PROJECT_WEIGHTS,
    },
)


def today_local() -> date:
    """Today in the project's time zone (one place, so tests can set the day)."""
    return clock.today()


def _require_office(actor: Any) -> None:
    if actor is not None and not may_manage_ranking_lists(actor):
        raise PermissionDenied(_("Only the plan office computes, exempts and publishes red/black lists."))


def _require_draft(ranking_list: RankingList) -> None:
    if ranking_list.status == ListStatus.PUBLISHED:
        raise ListFrozen(_("This list is published and frozen."))


@transaction.atomic
def schemes_load_builtin(*, source: str = "loader") -> int:
    """Create the built-in schemes that are missing (units: weights 0.3 / 0.4 / 0.3, target score
    80; key projects: :data:`PROJECT_WEIGHTS`); leave existing ones as the plan office set them.
    Returns how many were created."""
    created = 0
    for data in BUILTIN_SCHEMES:
        if RankingScheme.objects.filter(code=data["code"]).exists():
            continue
        scheme = RankingScheme(**{**UNIT_WEIGHTS, **data})
        scheme.full_clean()
        scheme.save()
        audit_change(actor=None, obj=scheme, before=None, source=source)
        created += 1
    return created


def _number(value: float) -> float | None:
    return None if math.isnan(value) else value


def _store(ranking_list: RankingList, results: list[selectors.EntryResult]) -> None:
    previous = selectors.previous_published(ranking_list=ranking_list)
    black_before: set[tuple[int, int | None]] = set()
    if previous is not None:
        black_before = set(
            previous.entries.filter(verdict=Verdict.BLACK).values_list("unit_id", "project_id")
        )
    _entries_replace(
        ranking_list,
        [
            RankingEntry(
                ranking_list=ranking_list,
                unit=r.criteria.unit,
                project=r.criteria.project,
                on_time_pct=r.criteria.on_time_pct,
                progress_pct=getattr(r.criteria, "progress_pct", None),
                attainment_pct=getattr(r.criteria, "attainment_pct", None),
                investment_pct=_number(r.criteria.investment_pct),
                gap_pct=getattr(r.criteria, "gap_pct", None),
                milestones_pct=getattr(r.criteria, "milestones_pct", None),
                score=r.score,
                rank=r.rank,
                bottom_rank=r.bottom_rank,
                target_met=r.target_met,
                verdict=r.verdict,
                reason=r.reason,
                items=r.items,
                tasks_due=r.criteria.tasks_due,
                escalated=r.verdict == Verdict.BLACK
                and (r.criteria.unit.pk, r.criteria.project.pk if r.criteria.project else None)
                in black_before,
            )
            for r in results
        ],
    )


def _store_columns(ranking_list: RankingList, made: project_lists.ListColumns) -> None:
    """:func:`_store` of a project list computed as columns: the rows straight from the columns."""
    previous = selectors.previous_published(ranking_list=ranking_list)
    black_before: set[tuple[int, int | None]] = set()
    if previous is not None:
        black_before = set(
            previous.entries.filter(verdict=Verdict.BLACK).values_list("unit_id", "project_id")
        )
    p = made.projects
    n = len(p)
    black = str(Verdict.BLACK.value)
    ids = p.ids.tolist()
    nothing = [None] * n
    columns = {
        "ranking_list_id": [ranking_list.pk] * n,
        "unit_id": p.unit_ids.tolist(),
        "project_id": ids,
        "on_time_pct": p.on_time_pct.tolist(),
        "progress_pct": nothing,
        "attainment_pct": nothing,
        "investment_pct": [_number(x) for x in p.investment_pct.tolist()],
        "gap_pct": p.gap_pct.tolist(),
        "milestones_pct": p.milestones_pct.tolist(),
        "score": made.score,
        "rank": made.rank,
        "bottom_rank": made.bottom_rank,
        "target_met": made.target_met,
        "verdict": made.verdict,
        "reason": made.reason,
        "items": made.items,
        "tasks_due": [1] * n,
        "escalated": [
            v == black and (unit, pid) in black_before
            for v, unit, pid in zip(made.verdict, p.unit_ids.tolist(), ids, strict=True)
        ],
    }
    _entries_rewrite(ranking_list, columns)


def _entries_rewrite(ranking_list: RankingList, columns: dict[str, list[Any]]) -> None:
    """Replace a project list's entries by ``columns`` — the result of :func:`_entries_replace` —
    rewriting in place the row of a project the list already holds (same owner): an ``UPDATE`` of
    the computed columns leaves the indexes and keys alone (about a third of a ``DELETE`` and an
    ``INSERT`` of 10,000 rows on SQLite). The rows that cascade from an entry (its alerts) are
    deleted by list as there; rows of projects no longer on the list are deleted, new ones added."""
    _entries_delete(ranking_list, entries=False)
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    table = quote(RankingEntry._meta.db_table)
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT id, unit_id, project_id FROM {table} WHERE ranking_list_id = %s",  # noqa: S608
            [ranking_list.pk],
        )
        held = {(unit, project): pk for pk, unit, project in cursor.fetchall()}
    keys = list(zip(columns["unit_id"], columns["project_id"], strict=True))
    ids = [held.pop(key, None) for key in keys]
    if held:
        stale = list(held.values())
        with db.cursor() as cursor:
            for start in range(0, len(stale), 500):
                chunk = stale[start : start + 500]
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)  # noqa: S608
    kept = [i for i, pk in enumerate(ids) if pk is not None]
    computed = [c for c in columns if c not in ("ranking_list_id", "unit_id", "project_id")]
    if kept:
        cast = db.vendor == "postgresql"
        sets = ", ".join(f"{quote(c)} = %s{'::jsonb' if cast and c == 'items' else ''}" for c in computed)
        values = [columns[c] for c in computed]
        if len(kept) < len(ids):
            values = [[v[i] for i in kept] for v in values]
        rows = list(zip(*values, [ids[i] for i in kept], strict=True))
        with db.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", rows)  # noqa: S608
    if len(kept) < len(ids):
        new = [i for i, pk in enumerate(ids) if pk is None]
        _entries_insert({c: [v[i] for i in new] for c, v in columns.items()}, json_columns=("items",))


def _entries_delete(ranking_list: RankingList, *, entries: bool = True) -> None:
    """Delete the rows that cascade from the list's entries (their alerts) by list and, unless
    ``entries`` is False, the entries."""
    meta = RankingEntry._meta
    for relation in meta.related_objects:
        if relation.on_delete is not models.CASCADE:  # pragma: no cover - none today
            RankingEntry.objects.filter(ranking_list=ranking_list).delete()
            break
        cascade = {f"{relation.field.name}__ranking_list": ranking_list}
        related: Any = relation.related_model
        related._base_manager.filter(**cascade).delete()
    if not entries:
        return
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(meta.db_table)} WHERE {quote(meta.get_field('ranking_list').column)} = %s",  # noqa: S608
            [ranking_list.pk],
        )


def _entries_insert(columns: dict[str, list[Any]], json_columns: tuple[str, ...] = ()) -> None:
    """One ``INSERT … executemany`` of entries given as columns of values ready for the database
    (``json_columns``: JSON text, cast on PostgreSQL)."""
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    cast = db.vendor == "postgresql"
    marks = ", ".join("%s::jsonb" if cast and c in json_columns else "%s" for c in columns)
    names = ", ".join(quote(c) for c in columns)
    rows = list(zip(*columns.values(), strict=True))
    if rows:
        with db.cursor() as cursor:
            table = quote(RankingEntry._meta.db_table)
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _entries_replace(ranking_list: RankingList, entries: list[RankingEntry]) -> None:
    """Replace the list's entries by ``entries`` in a fixed number of statements, however many
    (a project list holds up to 10,000): the rows that cascade from an entry (its alerts) deleted
    by the list, the entries by one DELETE, the new ones by one INSERT run for each row
    (``executemany``) with the values the fields prepare for the database — what
    ``QuerySet.delete`` and ``bulk_create`` do, without a statement per 100 rows or model objects
    read back. No signal listens to entries (their models have none)."""
    _entries_delete(ranking_list)
    meta = RankingEntry._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    # the connection itself, not the thread-local proxy: each value's preparation reads it (10,000
    # entries × 19 fields went through the proxy's lookup, about a tenth of the compute's time)
    db = connections[DEFAULT_DB_ALIAS]
    quote = db.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    rows = [tuple(f.get_db_prep_save(f.pre_save(e, True), db) for f in fields) for e in entries]
    if rows:
        with db.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)  # noqa: S608


@transaction.atomic
def ranking_list_compute(
    *,
    actor: Any,
    scheme: RankingScheme,
    period: ReportingPeriod,
    today: date | None = None,
    source: str = "web",
    is_synthetic: bool = False,
) -> RankingList:
    """Compute (or recompute) the draft list of ``scheme`` for ``period`` from the reports.

    Only after the period's deadline (before it, on-time rates are not final). Exemptions
    already recorded on the draft are kept and applied. A published list raises
    :class:`ListFrozen`.
    """
    _require_office(actor)
    today = today or today_local()
    if today <= period.deadline:
        raise ValidationError(
            _("The deadline of %(period)s (%(deadline)s) has not passed yet.")
            % {"period": period.code, "deadline": period.deadline.isoformat()}
        )
    ranking_list = RankingList.objects.select_for_update().filter(scheme=scheme, period=period).first()
    created = ranking_list is None
    if ranking_list is None:
        ranking_list = RankingList(scheme=scheme, period=period, is_synthetic=is_synthetic)
        before = None
    else:
        _require_draft(ranking_list)
        before = ranking_list.snapshot()
    assessment = scheme_lists.linked_scheme(scheme)
    if assessment is None and scheme_lists.is_linked(scheme):
        raise ValidationError(
            _("The configurable scheme %(code)s has no published version.") % {"code": scheme.assessment_code}
        )
    rule = scheme.rule() if assessment is None else scheme_lists.list_rule(assessment, scheme.subject)
    ranking_list.rule = rule
    ranking_list.assessment_scheme = assessment
    ranking_list.as_of = today
    ranking_list.computed_at = clock.now()
    ranking_list.computed_by = actor if getattr(actor, "is_authenticated", False) else None
    ranking_list.save()
    exempt = (
        {
            x.project_id or x.unit_id: x.reason
            for x in RankingExemption.objects.filter(ranking_list=ranking_list)
        }
        if not created
        else {}
    )
    stored = None  # the entries' snapshot, when known without reading them back
    if assessment is not None:
        results = scheme_lists.scheme_list_results(
            assessment=assessment, period=period, as_of=today, exempt=exempt
        )
        _store(ranking_list, results)
    elif scheme.subject == Subject.PROJECTS:  # as columns: up to 10,000 projects (issue 12)
        columns = project_columns(
            filters=scheme.project_filter(), owners=selectors.group_units(scheme=scheme), period=period
        )
        made = project_lists.project_list(rule=rule, projects=columns, exempt=exempt)
        _store_columns(ranking_list, made)
        stored = _columns_snapshot(made)
    else:
        criteria = selectors.subject_criteria(scheme=scheme, period=period, as_of=today)
        _store(ranking_list, selectors.ranking_compute(rule=rule, criteria=criteria, exempt=exempt))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=ranking_list,
        before=before,
        after=ranking_list.snapshot(entries=stored),
        source=source,
    )
    return ranking_list


def _columns_snapshot(made: project_lists.ListColumns) -> dict[str, dict[str, Any]]:
    """The entries of :meth:`RankingList.snapshot` from a project list just stored by
    :func:`_store_columns` — the values written, not 10,000 rows read back — in the snapshot's
    order (owning unit's code, then project's code)."""
    p = made.projects
    unit_ids = p.unit_ids.tolist()
    unit_codes = dict(Unit.objects.filter(pk__in=set(unit_ids)).values_list("pk", "code"))
    order = sorted(range(len(p)), key=lambda i: (unit_codes[unit_ids[i]], p.codes[i]))
    return {
        p.codes[i]: {"verdict": made.verdict[i], "score": made.score[i], "rank": made.rank[i]} for i in order
    }


@transaction.atomic
def ranking_exempt(
    *,
    actor: Any,
    ranking_list: RankingList,
    unit: Unit | None = None,
    project: KeyProject | None = None,
    reason: str,
    today: date | None = None,
    source: str = "web",
) -> RankingExemption:
    """Exempt ``unit`` — on a project list ``project`` — from a draft list for force majeure (a
    reason is required) and recompute."""
    _require_office(actor)
    _require_draft(ranking_list)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason of the exemption.")]})
    scheme = ranking_list.scheme
    if scheme.subject == Subject.PROJECTS:
        projects = filtered_projects(
            filters=scheme.project_filter(), owners=selectors.group_units(scheme=scheme)
        )
        if project is None or not projects.filter(pk=project.pk).exists():
            raise ValidationError({"project": [_("This project is not ranked on this list.")]})
        unit = project.owner_unit
    else:
        project = None
        units = scheme_lists.peer_units(scheme)
        units = selectors.group_units(scheme=scheme) if units is None else units
        if unit is None or not units.filter(pk=unit.pk).exists():
            raise ValidationError({"unit": [_("This unit is not in the list's peer group.")]})
    exemption, created = RankingExemption.objects.get_or_create(
        ranking_list=ranking_list, unit=unit, project=project, defaults={"reason": reason}
    )
    before = None if created else exemption.snapshot()
    if not created:
        exemption.reason = reason
        exemption.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=exemption,
        before=before,
        after=exemption.snapshot(),
        source=source,
    )
    ranking_list_compute(
        actor=actor, scheme=ranking_list.scheme, period=ranking_list.period, today=today, source=source
    )
    return exemption


@transaction.atomic
def ranking_exempt_remove(
    *, actor: Any, exemption: RankingExemption, today: date | None = None, source: str = "web"
) -> None:
    """Withdraw an exemption of a draft list and recompute."""
    _require_office(actor)
    ranking_list = exemption.ranking_list
    _require_draft(ranking_list)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=exemption,
        before=exemption.snapshot(),
        after=None,
        source=source,
    )
    exemption.delete()
    ranking_list_compute(
        actor=actor, scheme=ranking_list.scheme, period=ranking_list.period, today=today, source=source
    )


@transaction.atomic
def ranking_list_publish(*, actor: Any, ranking_list: RankingList, source: str = "web") -> RankingList:
    """Publish a draft list as computed: from now on it is frozen (never recomputed)."""
    _require_office(actor)
    ranking_list = RankingList.objects.select_for_update().get(pk=ranking_list.pk)
    _require_draft(ranking_list)
    before = ranking_list.snapshot()
    ranking_list.status = ListStatus.PUBLISHED
    ranking_list.published_at = clock.now()
    ranking_list.published_by = actor if getattr(actor, "is_authenticated", False) else None
    ranking_list.save()
    audit_change(actor=actor, obj=ranking_list, before=before, source=source)
    return ranking_list


@transaction.atomic
def scheme_change(
    *, actor: Any, scheme: RankingScheme, changes: dict[str, Any], source: str = "web"
) -> RankingScheme:
    """Change a scheme's settings (the plan office's ``office_editable_fields``, and its subject
    and peer group while it has no list yet); checked by the model (weights of the subject add up
    to 1, the target rule fits the subject) and audited. Lists already computed keep their rule."""
    _require_office(actor)
    scheme = RankingScheme.objects.select_for_update().get(pk=scheme.pk)
    before = scheme.snapshot()
    allowed = set(scheme.office_editable_fields) | {"subject", "peer_group"}
    has_lists = scheme.lists.exists()
    for name, value in changes.items():
        if name not in allowed:
            raise ValidationError({name: [_("This field cannot be changed.")]})
        if scheme.assessment_code and name not in LINKED_EDITABLE and value != getattr(scheme, name):
            raise ValidationError(
                {
                    name: [
                        _(
                            "The lists of this scheme are computed by the configurable scheme "
                            "%(code)s: change that scheme."
                        )
                        % {"code": scheme.assessment_code}
                    ]
                }
            )
        if name in ("subject", "peer_group") and has_lists and value != getattr(scheme, name):
            raise ValidationError({name: [_("The scheme has lists already: make a new scheme instead.")]})
        setattr(scheme, name, value)
    scheme.full_clean()
    scheme.save()
    audit_change(actor=actor, obj=scheme, before=before, source=source)
    return scheme


def _link_problem(scheme: RankingScheme, assessment_code: str) -> str:
    """Why ``scheme`` cannot be computed by the configurable scheme ``assessment_code`` ("": it can,
    or the code is empty: unlinking always can)."""
    if not assessment_code:
        return ""
    if scheme.subject not in LINKABLE:
        return _("Only a scheme of units can be computed by a configurable scheme.")
    versions = AssessmentScheme.objects.filter(code=assessment_code)
    if not versions.exists():
        return _("No configurable scheme has the code %(code)s.") % {"code": assessment_code}
    if not versions.filter(status=SchemeStatus.PUBLISHED).exists():
        return _("The configurable scheme %(code)s has no published version.") % {"code": assessment_code}
    return ""


@transaction.atomic
def ranking_scheme_link(
    *, actor: Any, scheme: RankingScheme, assessment_code: str, source: str = "web"
) -> RankingScheme:
    """Let the published version of the configurable scheme ``assessment_code`` compute the
    lists of the unit scheme ``scheme`` from now on (empty: the fixed weights again). Lists
    computed before keep their rule; the next draft list is computed by the new rule."""
    _require_office(actor)
    scheme = RankingScheme.objects.select_for_update().get(pk=scheme.pk)
    problem = _link_problem(scheme, assessment_code)
    if problem:
        raise ValidationError({"assessment_code": [problem]})
    before = scheme.snapshot()
    scheme.assessment_code = assessment_code
    scheme.save()
    audit_change(actor=actor, obj=scheme, before=before, source=source)
    return scheme


@transaction.atomic
def ranking_scheme_for(*, actor: Any, assessment: AssessmentScheme, source: str = "web") -> RankingScheme:
    """The red/black scheme whose lists a configurable scheme computes: the one linked to its code
    already, or a new one (same code, name and red N / black M, subject units, peer group all:
    the configurable scheme's peer set decides who competes)."""
    _require_office(actor)
    found = RankingScheme.objects.filter(assessment_code=assessment.code).first()
    if found is not None:
        return found
    if RankingScheme.objects.filter(code=assessment.code).exists():
        raise ValidationError(_("A red/black scheme of this code exists already."))
    if not AssessmentScheme.objects.filter(code=assessment.code, status=SchemeStatus.PUBLISHED).exists():
        raise ValidationError(_("Publish the scheme before computing red/black lists with it."))
    scheme = RankingScheme(
        code=assessment.code,
        name_zh=assessment.name_zh,
        name_en=assessment.name_en,
        subject=Subject.UNITS,
        peer_group=PeerGroup.ALL,
        red_top_n=assessment.red_top_n,
        black_bottom_m=assessment.black_bottom_m,
        min_items=assessment.min_tasks,
        assessment_code=assessment.code,
        position=RankingScheme.objects.count() + 1,
        **UNIT_WEIGHTS,
    )
    scheme.full_clean()
    scheme.save()
    audit_change(actor=actor, obj=scheme, before=None, source=source)
    return scheme


@transaction.atomic
def ranking_schemes_convert(*, actor: Any, source: str = "web") -> int:
    """Carry the unit schemes over into configurable schemes ``rb-<code>`` (those not carried
    over yet) and let them compute the lists; returns how many schemes were linked."""
    _require_office(actor)
    models = {
        "ranking_scheme": RankingScheme,
        "peer_set": PeerSet,
        "assessment_scheme": AssessmentScheme,
        "criterion": SchemeCriterion,
        "unit": Unit,
    }
    convert_ranking_schemes(**models)
    convert_owner_schemes(**models)
    linked = 0
    for scheme in RankingScheme.objects.filter(subject__in=LINKABLE, assessment_code=""):
        code = f"rb-{scheme.code}"
        if not AssessmentScheme.objects.filter(code=code, status=SchemeStatus.PUBLISHED).exists():
            continue
        if scheme.subject == Subject.UNITS:
            AssessmentScheme.objects.filter(code=code, ranking_scheme=scheme, min_tasks=0).update(
                min_tasks=scheme.min_items
            )
        ranking_scheme_link(actor=actor, scheme=scheme, assessment_code=code, source=source)
        linked += 1
    _gate_owner_schemes(actor=actor, source=source)
    return linked


def _gate_owner_schemes(*, actor: Any, source: str) -> None:
    """:func:`gate_owner_schemes` with an audit row per version changed."""
    for old in RankingScheme.objects.filter(subject=Subject.PROJECT_OWNERS).exclude(assessment_code=""):
        for version in AssessmentScheme.objects.filter(
            code=old.assessment_code, ranking_scheme=old, min_tasks=0
        ):
            before = version.snapshot()
            version.min_tasks, version.gate_counts = old.min_items, GateCount.PROJECTS
            version.save(update_fields=["min_tasks", "gate_counts"])
            audit_change(actor=actor, obj=version, before=before, source=source)
