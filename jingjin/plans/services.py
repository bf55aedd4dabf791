"""Writes of the plan registry: import of a plan file, edits, deletes — each audited.

Export (``plan_export``) turns the database into the plan-file dict of ``planfile``; import
(``plan_import``) validates the whole file first, then brings the database to exactly the
file's content in one transaction: objects are matched by code, created, updated or deleted,
and every change leaves an audit row with the values before and after. Importing the same
file twice changes nothing and writes no audit row (loading is idempotent).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from jingjin.core.choices import AuditAction
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.permissions import PermissionDenied, can_add
from jingjin.core.services import audit_entry, audit_record_many, deletion_entries
from jingjin.plans import planfile
from jingjin.plans.models import (
    Action,
    Indicator,
    IndicatorTarget,
    Measure,
    Mechanism,
    Milestone,
    Plan,
    Task,
)

# --------------------------------------------------------------------------------------------
# Plan-file form of each model (also the "before/after" of the audit trail)
# --------------------------------------------------------------------------------------------


def number(value: Decimal | None) -> int | float | None:
    """A stored decimal as the JSON number of the plan file (whole numbers as integers)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _code(unit: Unit | None) -> str | None:
    return unit.code if unit is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def plan_data(plan: Plan) -> dict[str, Any]:
    return {k: getattr(plan, k) for k in planfile.PLAN_KEYS}


def unit_data(unit: Unit) -> dict[str, Any]:
    return {
        "code": unit.code,
        "name_zh": unit.name_zh,
        "name_en": unit.name_en,
        "kind": unit.kind,
        "parent": _code(unit.parent),
    }


def mechanism_data(mechanism: Mechanism) -> dict[str, Any]:
    return {k: getattr(mechanism, k) for k in planfile.MECHANISM_KEYS}


def _node_data(node: Action | Measure | Task) -> dict[str, Any]:
    return {
        "code": node.code,
        "name_zh": node.name_zh,
        "name_en": node.name_en,
        "description_zh": node.description_zh,
        "description_en": node.description_en,
        "lead_unit": _code(node.lead_unit),
        "co_units": sorted(u.code for u in node.co_units.all()),
        "weight": number(node.weight),
        "start": _day(node.start),
        "end": _day(node.end),
    }


def action_data(action: Action) -> dict[str, Any]:
    return _node_data(action)


def measure_data(measure: Measure) -> dict[str, Any]:
    return _node_data(measure)


def task_data(task: Task) -> dict[str, Any]:
    base = _node_data(task)
    return {
        **{k: base[k] for k in planfile.NODE_KEYS if k not in {"weight", "start", "end"}},
        "counties": sorted(u.code for u in task.counties.all()),
        "weight": base["weight"],
        "start": base["start"],
        "end": base["end"],
        "mechanisms": [m.code for m in task.mechanisms.all()],
    }


def indicator_data(ind: Indicator) -> dict[str, Any]:
    return {
        "code": ind.code,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "unit": ind.unit,
        "direction": ind.direction,
        "baseline_value": number(ind.baseline_value),
        "baseline_year": ind.baseline_year,
        "target_value": number(ind.target_value),
        "target_min": number(ind.target_min),
        "target_max": number(ind.target_max),
        "target_year": ind.target_year,
        "targets": [{"year": t.year, "value": number(t.value)} for t in ind.targets.all()],
        "milestones": [
            {"date": _day(m.date), "name_zh": m.name_zh, "name_en": m.name_en} for m in ind.milestones.all()
        ],
        "data_source": ind.data_source,
        "responsible_unit": _code(ind.responsible_unit),
        "note_zh": ind.note_zh,
        "note_en": ind.note_en,
    }


SNAPSHOTS: dict[type, Callable[[Any], dict[str, Any]]] = {
    Plan: plan_data,
    Mechanism: mechanism_data,
    Action: action_data,
    Measure: measure_data,
    Task: task_data,
    Indicator: indicator_data,
}


def _prefetched_plan(code: str) -> Plan:
    """The plan with its whole tree in a fixed number of queries (ordering from each model's Meta)."""
    return Plan.objects.prefetch_related(
        "mechanisms",
        "actions__lead_unit",
        "actions__co_units",
        "actions__measures__lead_unit",
        "actions__measures__co_units",
        "actions__measures__tasks__lead_unit",
        "actions__measures__tasks__co_units",
        "actions__measures__tasks__counties",
        "actions__measures__tasks__mechanisms",
        "actions__measures__tasks__indicators__responsible_unit",
        "actions__measures__tasks__indicators__targets",
        "actions__measures__tasks__indicators__milestones",
    ).get(code=code)


def plan_export(*, code: str | None = None) -> dict[str, Any]:
    """The plan (the only one if ``code`` is None) as a plan-file dict."""
    plan = _prefetched_plan(code if code is not None else _only_plan_code())
    actions = []
    used_units: set[str] = set()
    for action in plan.actions.all():
        a = {**action_data(action), "measures": []}
        used_units.update(filter(None, [a["lead_unit"], *a["co_units"]]))
        for measure in action.measures.all():
            m = {**measure_data(measure), "tasks": []}
            used_units.update(filter(None, [m["lead_unit"], *m["co_units"]]))
            for task in measure.tasks.all():
                if task.parent_id is not None:
                    continue  # a county's or park's share: listed under its city task
                t = {**task_data(task), "indicators": []}
                used_units.update(filter(None, [t["lead_unit"], *t["co_units"], *t["counties"]]))
                for ind in task.indicators.all():
                    i = indicator_data(ind)
                    if i["responsible_unit"]:
                        used_units.add(i["responsible_unit"])
                    t["indicators"].append(i)
                m["tasks"].append(t)
            a["measures"].append(m)
        actions.append(a)
    return {
        "format": planfile.FORMAT,
        "plan": plan_data(plan),
        "units": _units_with_ancestors(used_units),
        "mechanisms": [mechanism_data(m) for m in plan.mechanisms.all()],
        "actions": actions,
    }


def _only_plan_code() -> str:
    codes = list(Plan.objects.values_list("code", flat=True)[:2])
    if len(codes) != 1:
        raise planfile.PlanFileError(
            [
                planfile.PlanError(
                    "plan",
                    "no plan in the database" if not codes else "several plans: name one with --plan CODE",
                )
            ]
        )
    return codes[0]


def _units_with_ancestors(codes: set[str]) -> list[dict[str, Any]]:
    units = {u.code: u for u in Unit.objects.select_related("parent")}
    wanted: set[str] = set()
    for code in codes:
        current = units.get(code)
        while current is not None and current.code not in wanted:
            wanted.add(current.code)
            current = current.parent
    return [unit_data(u) for u in units.values() if u.code in wanted]


# --------------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    plan: Plan
    created: int = 0
    updated: int = 0
    deleted: int = 0
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


class _Importer:
    def __init__(self, actor: Any, source: str):
        self.actor = actor
        self.source = source
        self.audit: list[AuditEntry] = []
        self.units: dict[str, Unit] = {u.code: u for u in Unit.objects.all()}
        self.mechanisms: dict[str, Mechanism] = {}
        self.result: ImportResult | None = None

    def log(self, action: str, obj: Any, before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        assert self.result is not None
        if action == AuditAction.CREATE:
            self.result.created += 1
        elif action == AuditAction.UPDATE:
            self.result.updated += 1
        else:
            self.result.deleted += 1
        self.result.changes.append(f"{action} {type(obj).__name__} {getattr(obj, 'code', obj.pk)}")
        self.audit.append(
            audit_entry(
                actor=self.actor, action=action, obj=obj, before=before, after=after, source=self.source
            )
        )

    def log_delete(self, obj: Any) -> None:
        """Record the delete of ``obj`` and of everything it cascades to."""
        assert self.result is not None
        entries = deletion_entries(obj=obj, actor=self.actor, source=self.source)
        self.result.deleted += len(entries)
        self.result.changes.extend(f"delete {e.object_repr}" for e in entries)
        self.audit.extend(entries)

    def unit(self, code: str | None) -> Unit | None:
        return self.units[code] if code is not None else None

    def upsert_units(self, units: list[dict[str, Any]]) -> None:
        for position, data in enumerate(units):
            unit = self.units.get(data["code"])
            fields = {"name_zh": data["name_zh"], "name_en": data["name_en"], "kind": data["kind"]}
            if unit is None:
                unit = Unit(code=data["code"], position=position, parent=None, **fields)
                unit.save()
                self.units[unit.code] = unit
                self.pending_parent(unit, data)
                self.log(AuditAction.CREATE, unit, None, unit_data_with_parent(data))
            else:
                before = unit_data(unit)
                changed = any(getattr(unit, k) != v for k, v in fields.items())
                for k, v in fields.items():
                    setattr(unit, k, v)
                if changed:
                    unit.save()
                self.pending_parent(unit, data)
                if unit_data_with_parent(data) != before:
                    self.log(AuditAction.UPDATE, unit, before, unit_data_with_parent(data))
        for unit, parent_code in self.parents:
            if _code(unit.parent) != parent_code:
                unit.parent = self.unit(parent_code)
                unit.save(update_fields=["parent"])

    parents: list[tuple[Unit, str | None]]

    def pending_parent(self, unit: Unit, data: dict[str, Any]) -> None:
        self.parents.append((unit, data["parent"]))

    def sync(
        self, model: type, existing: dict[str, Any], items: list[dict[str, Any]], make: Any, apply: Any
    ) -> list[tuple[Any, dict[str, Any]]]:
        """Create, update or delete the children of one parent to match ``items``; returns (obj, data)."""
        snapshot = SNAPSHOTS[model]
        out = []
        wanted = {item["code"] for item in items}
        for code, obj in existing.items():
            if code not in wanted:
                self.log_delete(obj)
                obj.delete()
        for position, item in enumerate(items):
            obj = existing.get(item["code"])
            flat = {k: v for k, v in item.items() if k not in {"measures", "tasks", "indicators"}}
            if obj is None:
                obj = make(item["code"])
                apply(obj, item, position)
                self.log(AuditAction.CREATE, obj, None, snapshot(obj))
            else:
                before = snapshot(obj)
                if before != flat or obj.position != position:
                    apply(obj, item, position)
                    after = snapshot(obj)
                    if after != before:
                        self.log(AuditAction.UPDATE, obj, before, after)
            out.append((obj, item))
        return out

    def apply_node(self, obj: Any, item: dict[str, Any], position: int) -> None:
        obj.name_zh, obj.name_en = item["name_zh"], item["name_en"]
        obj.description_zh, obj.description_en = item["description_zh"], item["description_en"]
        obj.lead_unit = self.unit(item["lead_unit"])
        obj.weight = Decimal(str(item["weight"]))
        obj.start = date.fromisoformat(item["start"]) if item["start"] else None
        obj.end = date.fromisoformat(item["end"]) if item["end"] else None
        obj.position = position
        obj.save()
        obj.co_units.set([self.units[c] for c in item["co_units"]])
        if isinstance(obj, Task):
            obj.counties.set([self.units[c] for c in item["counties"]])
            obj.mechanisms.set([self.mechanisms[c] for c in item["mechanisms"]])
            # keep the file's order of mechanisms: stored order is by mechanism position
        for attr in ("co_units", "counties", "mechanisms"):
            if hasattr(obj, "_prefetched_objects_cache"):
                obj._prefetched_objects_cache.pop(attr, None)

    def apply_indicator(self, ind: Indicator, item: dict[str, Any], position: int) -> None:
        for key in (
            "name_zh",
            "name_en",
            "unit",
            "direction",
            "baseline_year",
            "target_year",
            "data_source",
            "note_zh",
            "note_en",
        ):
            setattr(ind, key, item[key])
        for key in ("baseline_value", "target_value", "target_min", "target_max"):
            setattr(ind, key, None if item[key] is None else Decimal(str(item[key])))
        ind.responsible_unit = self.unit(item["responsible_unit"])
        ind.position = position
        ind.save()
        ind.targets.all().delete()
        IndicatorTarget.objects.bulk_create(
            [
                IndicatorTarget(indicator=ind, year=t["year"], value=Decimal(str(t["value"])))
                for t in item["targets"]
            ]
        )
        ind.milestones.all().delete()
        Milestone.objects.bulk_create(
            [
                Milestone(
                    indicator=ind,
                    position=i,
                    name_zh=m["name_zh"],
                    name_en=m["name_en"],
                    date=date.fromisoformat(m["date"]) if m["date"] else None,
                )
                for i, m in enumerate(item["milestones"])
            ]
        )
        if hasattr(ind, "_prefetched_objects_cache"):
            ind._prefetched_objects_cache.clear()

    def run(self, data: dict[str, Any]) -> ImportResult:
        self.parents = []
        plan_fields = data["plan"]
        plan = Plan.objects.filter(code=plan_fields["code"]).first()
        self.result = ImportResult(plan=plan if plan is not None else Plan(code=plan_fields["code"]))
        self.upsert_units(data["units"])
        if plan is None:
            plan = Plan(**plan_fields)
            plan.full_clean()
            plan.save()
            self.result.plan = plan
            self.log(AuditAction.CREATE, plan, None, plan_data(plan))
        else:
            before = plan_data(plan)
            if before != plan_fields:
                for key, value in plan_fields.items():
                    setattr(plan, key, value)
                plan.full_clean()
                plan.save()
                self.log(AuditAction.UPDATE, plan, before, plan_data(plan))

        # Mechanisms first: tasks refer to them.
        existing_mechanisms: dict[str, Mechanism] = {m.code: m for m in Mechanism.objects.filter(plan=plan)}
        wanted = {m["code"] for m in data["mechanisms"]}
        for position, item in enumerate(data["mechanisms"]):
            mechanism = existing_mechanisms.get(item["code"]) or Mechanism(plan=plan, code=item["code"])
            previous = mechanism_data(mechanism) if mechanism.pk else None
            if previous != item or mechanism.position != position:
                for key in planfile.MECHANISM_KEYS:
                    setattr(mechanism, key, item[key])
                mechanism.position = position
                mechanism.save()
                if previous != item:
                    action = AuditAction.UPDATE if previous is not None else AuditAction.CREATE
                    self.log(action, mechanism, previous, mechanism_data(mechanism))
            self.mechanisms[mechanism.code] = mechanism

        full = _prefetched_plan(plan.code)
        actions = self.sync(
            Action,
            {a.code: a for a in full.actions.all()},
            data["actions"],
            lambda code: Action(plan=plan, code=code),
            self.apply_node,
        )
        for action, a_item in actions:
            measures = self.sync(
                Measure,
                {m.code: m for m in action.measures.all()} if action.pk else {},
                a_item["measures"],
                lambda code, a=action: Measure(action=a, code=code),
                self.apply_node,
            )
            for measure, m_item in measures:
                tasks = self.sync(
                    Task,
                    # the city tasks; county and park shares (任务分解) are not tasks of the file
                    {t.code: t for t in measure.tasks.all() if t.parent_id is None},
                    m_item["tasks"],
                    lambda code, m=measure: Task(measure=m, code=code),
                    self.apply_node,
                )
                for task, t_item in tasks:
                    self.sync(
                        Indicator,
                        {i.code: i for i in task.indicators.all()},
                        t_item["indicators"],
                        lambda code, t=task: Indicator(task=t, code=code),
                        self.apply_indicator,
                    )
        for code, mechanism in existing_mechanisms.items():
            if code not in wanted:
                self.log_delete(mechanism)
                mechanism.delete()
        audit_record_many(self.audit)
        return self.result


def unit_data_with_parent(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in planfile.UNIT_KEYS}


def plan_import(*, data: Any, actor: Any, source: str = "import") -> ImportResult:
    """Validate ``data`` (a plan-file dict) whole, then bring the database to it.

    Raises :class:`planfile.PlanFileError` listing every error (nothing is written), or
    :class:`PermissionDenied` if ``actor`` is not the plan office (``actor=None`` is the
    system itself, e.g. the built-in plan loader).
    """
    if actor is not None and not can_add(actor):
        raise PermissionDenied("only the plan office may import a plan")
    known_units = set(Unit.objects.values_list("code", flat=True))
    errors = planfile.validate(data, known_units=known_units)
    if errors:
        located = [planfile.PlanError(planfile.locate(data, e.place), e.message) for e in errors]
        raise planfile.PlanFileError(located)
    normal = planfile.normalise(data)
    with transaction.atomic():
        return _Importer(actor, source).run(normal)


def builtin_plan_load(*, actor: Any = None) -> ImportResult:
    """Load (or bring up to date) the built-in Suining plan; idempotent."""
    return plan_import(data=planfile.builtin_data(), actor=actor, source="builtin")
