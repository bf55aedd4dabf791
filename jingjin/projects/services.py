"""Writes of the project library (重点项目库): create, change, delete, yearly plans, milestones,
task links and state moves — each in one transaction, each with one audit row holding the
project's values before and after (its yearly plans and milestones included, see
:meth:`KeyProject.snapshot`).

Who does what (the predicates are in :mod:`jingjin.core.permissions`):

======================  =====================================================================
write                   by
======================  =====================================================================
create, delete, import  the plan office (:func:`may_add_projects`)
change fields           the plan office every field of ``office_editable_fields``; a unit user
                        whose scope holds the owning unit, county or park the fields of
                        ``unit_editable_fields`` (:func:`may_change_project`)
yearly plans, tasks     the plan office
milestones (planned)    as "change fields" (:func:`may_set_project_milestones`)
state                   the plan office to any state; a unit user forward only
                        (:func:`may_move_project_state`)
======================  =====================================================================

``actor=None`` is the system itself (the demo, the command line) and may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.bounds import BoundError, DateInYears
from jingjin.core.permissions import (
    PermissionDenied,
    editable_fields,
    may_add_projects,
    may_move_project_state,
    may_set_project_milestones,
)
from jingjin.core.services import audit_change, audit_record_many, deletion_entries
from jingjin.plans.models import Task
from jingjin.projects.choices import MILESTONE_ORDER, STATE_ORDER
from jingjin.projects.models import INVESTMENT, KeyProject, ProjectMilestone, ProjectYearPlan
from jingjin.reporting.choices import ReportStatus

#: the fields a project is created from (the state and the links come through their own arguments)
CREATE_FIELDS = ("code", *KeyProject.office_editable_fields, "state", "is_synthetic")


def _require_add(actor: Any, message: str) -> None:
    if actor is not None and not may_add_projects(actor):
        raise PermissionDenied(message)


def code_problem(code: str) -> str | None:
    """Why ``code`` cannot be a project's code (it is a part of the project's address: no slash,
    no space, not only dots), or None."""
    if not code or any(c == "/" or c.isspace() for c in code) or set(code) == {"."}:
        return _("A project code has no slash or space and is not only dots.")
    return None


def _clean(project: KeyProject) -> None:
    problem = code_problem(project.code)
    if problem:
        raise ValidationError({"code": problem})
    project.full_clean()
    if project.start and project.end and project.end < project.start:
        raise ValidationError({"end": _("The end lies before the start.")})


def _amount(value: Any, field: str) -> Decimal:
    try:
        return INVESTMENT.parse(value)
    except BoundError as exc:
        raise ValidationError({field: str(exc.message)}) from exc


# --------------------------------------------------------------------------------------------
# Create, change, delete


@transaction.atomic
def project_create(
    *,
    actor: Any,
    data: Mapping[str, Any],
    year_plans: Mapping[int, Any] | None = None,
    milestones: Mapping[str, date | None] | None = None,
    source: str = "web",
) -> KeyProject:
    """Create a project from ``data`` (field → value; ``tasks`` a list of tasks) with its yearly
    plans (year → 万元) and planned milestone dates (kind → date). The plan office only."""
    _require_add(actor, _("Only the plan office may create key projects."))
    unknown = sorted(set(data) - set(CREATE_FIELDS))
    if unknown:
        raise ValidationError({name: _("This field cannot be set.") for name in unknown})
    plain = {k: v for k, v in data.items() if k != "tasks"}
    project = KeyProject(**plain)
    if project.state not in STATE_ORDER:
        raise ValidationError({"state": _("Unknown state.")})
    _clean(project)
    project.save()
    if "tasks" in data:
        project.tasks.set(list(data["tasks"]))
    _write_year_plans(project, year_plans or {})
    _write_milestones(project, milestones or {})
    audit_change(actor=actor, obj=project, before=None, source=source)
    return project


@transaction.atomic
def project_update(
    *, actor: Any, project: KeyProject, data: Mapping[str, Any], source: str = "web"
) -> KeyProject:
    """Change the fields in ``data`` (many-to-many ``tasks`` as a list of tasks); each must be one
    the actor may change (:func:`jingjin.core.permissions.editable_fields`), else
    :class:`PermissionDenied` naming them. A change that changes nothing writes no audit row."""
    project = KeyProject.objects.select_for_update().get(pk=project.pk)
    if actor is not None:
        allowed = set(editable_fields(actor, project))
        if not allowed:
            raise PermissionDenied(_("You may not change the project %(code)s.") % {"code": project.code})
        refused = sorted(set(data) - allowed)
        if refused:
            raise PermissionDenied(_("Not allowed to change: %(fields)s") % {"fields": ", ".join(refused)})
    before = project.snapshot()
    for name, value in data.items():
        if name != "tasks":
            setattr(project, name, value)
    _clean(project)
    project.save()
    if "tasks" in data:
        project.tasks.set(list(data["tasks"]))
    audit_change(actor=actor, obj=project, before=before, source=source)
    return project


@transaction.atomic
def project_delete(*, actor: Any, project: KeyProject, source: str = "web") -> None:
    """Delete a project that has no submitted or approved report (the plan office only); its
    last values stay in the audit trail."""
    _require_add(actor, _("Only the plan office may delete key projects."))
    if project.reports.exclude(status=ReportStatus.DRAFT).exists():
        raise ValidationError(
            _("The project %(code)s has monthly reports: it cannot be deleted.") % {"code": project.code}
        )
    audit_record_many(deletion_entries(obj=project, actor=actor, source=source))
    project.delete()


# --------------------------------------------------------------------------------------------
# Yearly plans, milestones, tasks, state


def _write_year_plans(project: KeyProject, plans: Mapping[int, Any]) -> None:
    for year, value in plans.items():
        try:
            DateInYears()(date(int(year), 1, 1))
        except (ValidationError, ValueError) as exc:
            raise ValidationError({"year_plans": _("%(year)s is not a year.") % {"year": year}}) from exc
        if value is None or value == "":
            ProjectYearPlan.objects.filter(project=project, year=int(year)).delete()
            continue
        amount = _amount(value, "year_plans")
        ProjectYearPlan.objects.update_or_create(
            project=project, year=int(year), defaults={"planned_investment": amount}
        )


def _write_milestones(project: KeyProject, planned: Mapping[str, date | None]) -> None:
    for kind, day in planned.items():
        if kind not in MILESTONE_ORDER:
            raise ValidationError({"milestones": _("Unknown milestone %(kind)s.") % {"kind": kind}})
        if day is not None:
            try:
                DateInYears()(day)
            except ValidationError as exc:
                raise ValidationError({"milestones": exc.messages}) from exc
        found = ProjectMilestone.objects.filter(project=project, kind=kind).first()
        if found is None:
            if day is not None:
                ProjectMilestone.objects.create(project=project, kind=kind, planned=day)
        elif day is None and found.actual is None:
            found.delete()
        elif found.planned != day:
            found.planned = day
            found.save(update_fields=["planned"])


@transaction.atomic
def project_set_year_plans(
    *, actor: Any, project: KeyProject, plans: Mapping[int, Any], source: str = "web"
) -> KeyProject:
    """Set the yearly planned investment (年度计划投资, 万元) of the years in ``plans``; an empty
    value removes the year's plan. The plan office only."""
    _require_add(actor, _("Only the plan office may set the yearly plans of key projects."))
    before = project.snapshot()
    _write_year_plans(project, plans)
    audit_change(actor=actor, obj=project, before=before, source=source)
    return project


@transaction.atomic
def project_set_milestones(
    *, actor: Any, project: KeyProject, planned: Mapping[str, date | None], source: str = "web"
) -> KeyProject:
    """Set the planned dates of the milestones in ``planned`` (kind → date; None clears it). The
    actual dates come from approved project reports, not from here."""
    if actor is not None and not may_set_project_milestones(actor, project):
        raise PermissionDenied(_("You may not change the project %(code)s.") % {"code": project.code})
    before = project.snapshot()
    _write_milestones(project, planned)
    audit_change(actor=actor, obj=project, before=before, source=source)
    return project


def project_set_tasks(
    *, actor: Any, project: KeyProject, tasks: Iterable[Task], source: str = "web"
) -> KeyProject:
    """Link the project to these plan tasks (and no others). The plan office only."""
    _require_add(actor, _("Only the plan office may link key projects to plan tasks."))
    return project_update(actor=actor, project=project, data={"tasks": list(tasks)}, source=source)


@transaction.atomic
def project_move_state(*, actor: Any, project: KeyProject, state: str, source: str = "web") -> KeyProject:
    """Move the project to ``state`` (储备 → 前期 → 在建 → 竣工 → 投产): forward for a unit user who
    may change it, to any state for the plan office. Moving to the state it has changes nothing."""
    project = KeyProject.objects.select_for_update().get(pk=project.pk)
    if state not in STATE_ORDER:
        raise ValidationError({"state": _("Unknown state.")})
    if state == project.state:
        return project
    if actor is not None and not may_move_project_state(actor, project, state):
        raise PermissionDenied(
            _("You may not move the project %(code)s from %(from)s to %(to)s.")
            % {"code": project.code, "from": project.get_state_display(), "to": state}
        )
    before = project.snapshot()
    project.state = state
    project.save(update_fields=["state", "updated"])
    audit_change(actor=actor, obj=project, before=before, source=source)
    return project
