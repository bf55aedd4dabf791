"""The one permission rule of Jingjin: ``restrict(user, action, queryset)``.

Views, the API, exports and services all ask this module, so a rule is changed in one place.

* Anonymous users see nothing.
* ``view``: every signed-in user with a role sees the plan, the units and the audit trail.
* ``add`` and ``delete``: the plan office only.
* ``change``: the plan office changes everything; reporters, approvers and county users change
  the objects owned by their unit or a unit below it (a model names its owner fields in
  ``owner_lookups``); leaders change nothing.
* Django superusers may do everything.

A unit user may change only the fields a model lists in ``unit_editable_fields``; the plan
office may change every field in ``office_editable_fields``.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q
from rest_framework.permissions import SAFE_METHODS, BasePermission

from jingjin.core.choices import Role, UnitKind

ACTIONS = ("view", "add", "change", "delete")
UNIT_ROLES = {Role.REPORTER, Role.APPROVER, Role.COUNTY}

Q_ = TypeVar("Q_", bound=models.QuerySet[Any])


class PermissionDenied(Exception):
    """The user may not do this; services raise it, views turn it into 403."""


def role_of(user: Any) -> str | None:
    if user is None or not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.PLAN_OFFICE
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else None


def unit_scope(user: Any) -> set[int]:
    """Ids of the user's unit and every unit below it (cached on the user object)."""
    cached = getattr(user, "_jingjin_unit_scope", None)
    if cached is not None:
        return set(cached)
    profile = getattr(user, "profile", None)
    scope = profile.unit.descendant_ids() if profile is not None and profile.unit_id else set()
    user._jingjin_unit_scope = frozenset(scope)
    return scope


def restrict(user: Any, action: str, queryset: Q_) -> Q_:
    """The objects of ``queryset`` that ``user`` may ``action``."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    role = role_of(user)
    if role is None:
        return queryset.none()
    if role == Role.PLAN_OFFICE:
        return queryset
    if action == "view":
        return queryset
    if action in {"add", "delete"} or role not in UNIT_ROLES:
        return queryset.none()
    lookups: tuple[str, ...] = getattr(queryset.model, "owner_lookups", ())
    scope = unit_scope(user)
    if not lookups or not scope:
        return queryset.none()
    condition = reduce(or_, (Q(**{f"{lookup}__in": scope}) for lookup in lookups))
    return queryset.filter(condition).distinct()


def has_role(user: Any) -> bool:
    """Is ``user`` signed in with a role? The least every page and API endpoint asks."""
    return role_of(user) is not None


def acts_for_a_unit(user: Any) -> bool:
    """Does ``user`` act for a unit (reporters, approvers, county users)? Their lists of
    supervision items and warnings show their unit and the units below it, not every unit."""
    return role_of(user) in UNIT_ROLES


def is_plan_office(user: Any) -> bool:
    """Is ``user`` the plan office (督查考核办, or a Django superuser)?"""
    return role_of(user) == Role.PLAN_OFFICE


def can(user: Any, action: str, obj: models.Model) -> bool:
    """May ``user`` ``action`` this one object?"""
    manager = type(obj)._default_manager
    return restrict(user, action, manager.filter(pk=obj.pk)).exists()


def can_add(user: Any) -> bool:
    """May ``user`` add (and delete) plan objects? The plan office only."""
    return is_plan_office(user)


def may_see_report_overview(user: Any) -> bool:
    """The period overview of every unit's reports (报送总览) is for the plan office and leaders."""
    return role_of(user) in (Role.PLAN_OFFICE, Role.LEADER)


def editable_fields(user: Any, obj: models.Model) -> tuple[str, ...]:
    """The fields ``user`` may change on ``obj`` (empty if none)."""
    if not can(user, "change", obj):
        return ()
    if role_of(user) == Role.PLAN_OFFICE:
        return tuple(getattr(obj, "office_editable_fields", ()))
    return tuple(getattr(obj, "unit_editable_fields", ()))


def require(user: Any, action: str, obj: models.Model) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(f"{action} is not allowed on {obj}")


class RestrictedPermission(BasePermission):
    """DRF permission: signed-in users with a role; object checks through ``restrict``."""

    ACTION_OF_METHOD = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def has_permission(self, request: Any, view: Any) -> bool:
        if role_of(request.user) is None:
            return False
        if request.method == "POST":
            return bool(getattr(view, "allow_post_for_units", False)) or can_add(request.user)
        return True

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        return can(request.user, self.ACTION_OF_METHOD.get(request.method, "change"), obj)


class SignedInPermission(BasePermission):
    """DRF permission of the endpoints whose writes are steps decided by a service (supervision
    items, warnings, jobs, reminders): signed-in users with a role may call them; on one object,
    reading needs :meth:`may_read` (the one rule's ``view``) and a step needs :meth:`may_act`,
    which an app's subclass names by a predicate of this module (the default refuses)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return has_role(request.user)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return self.may_read(request.user, obj)
        return self.may_act(request.user, obj)

    def may_read(self, user: Any, obj: Any) -> bool:
        return can(user, "view", obj)

    def may_act(self, user: Any, obj: Any) -> bool:
        return False


def may_reopen_task(user: Any) -> bool:
    """May ``user`` reopen (恢复) a struck-off task? The plan office only."""
    return role_of(user) == Role.PLAN_OFFICE


def can_manage_shares(user: Any) -> bool:
    """May ``user`` split a city task into county and park shares (任务分解) and change or delete them?
    The plan office only."""
    return role_of(user) == Role.PLAN_OFFICE


def can_fill_reports(user: Any) -> bool:
    """Does the user's role fill in and submit monthly reports (reporters, county users)? Which
    tasks is decided by ``restrict(user, "change", …)``."""
    return role_of(user) in (Role.REPORTER, Role.COUNTY)


def reads_only(user: Any) -> bool:
    """Does the user's role read everything and change nothing (leaders)?"""
    return role_of(user) == Role.LEADER


def can_review_reports(user: Any) -> bool:
    """Does the user's role approve or return monthly reports (approvers, the plan office)? Which
    reports is decided by :func:`reviews_every_unit` and ``restrict(user, "change", …)``."""
    return role_of(user) in (Role.APPROVER, Role.PLAN_OFFICE)


def reviews_every_unit(user: Any) -> bool:
    """Does the user review the reports of every unit (the plan office), not only its own?"""
    return role_of(user) == Role.PLAN_OFFICE


def may_urge_reports(user: Any) -> bool:
    """May ``user`` urge every unit with missing reports of a period (一键催报)? The plan office."""
    return role_of(user) == Role.PLAN_OFFICE


def may_see_reminders(user: Any) -> bool:
    """May ``user`` read the reminder history (催报记录) of every unit? The plan office and leaders."""
    return role_of(user) in (Role.PLAN_OFFICE, Role.LEADER)


def may_run_scheduled_jobs(user: Any) -> bool:
    """May ``user`` start a job of the schedule (reminders, the monthly bulletin) by hand? The plan
    office."""
    return role_of(user) == Role.PLAN_OFFICE


def may_set_unit_webhook(user: Any, unit: Any) -> bool:
    """May ``user`` set the webhook of ``unit``'s group robot? The plan office for every unit, an
    approver for their own unit."""
    role = role_of(user)
    if role == Role.PLAN_OFFICE:
        return True
    profile = getattr(user, "profile", None)
    return role == Role.APPROVER and unit is not None and profile is not None and profile.unit_id == unit.pk


def unit_and_ancestor_ids(unit_id: int) -> set[int]:
    """Ids of a unit and every unit above it: the units whose users' scope includes it."""
    from jingjin.core.models import Unit

    parents = dict(Unit.objects.values_list("pk", "parent_id"))
    ids: set[int] = set()
    current: int | None = unit_id
    while current is not None and current not in ids:
        ids.add(current)
        current = parents.get(current)
    return ids


def users_who_may_report(unit_id: int | None) -> models.QuerySet[Any]:
    """Active users who fill in and submit the reports of a task led by this unit: reporters and
    county users of the unit or of a unit above it (those whose scope includes it)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    if unit_id is None:
        return users.none()
    return users.filter(
        profile__role__in=(Role.REPORTER, Role.COUNTY), profile__unit_id__in=unit_and_ancestor_ids(unit_id)
    )


def users_who_may_review(unit_id: int | None) -> models.QuerySet[Any]:
    """Active users who approve or return the reports of a task led by this unit: approvers of the
    unit or of a unit above it, and the plan office."""
    from django.contrib.auth import get_user_model

    condition = Q(profile__role=Role.PLAN_OFFICE) | Q(is_superuser=True)
    if unit_id is not None:
        condition |= Q(profile__role=Role.APPROVER, profile__unit_id__in=unit_and_ancestor_ids(unit_id))
    return get_user_model().objects.filter(is_active=True).filter(condition)


# --------------------------------------------------------------------------------------------
# Background jobs (后台任务)


def may_refresh_warnings(user: Any) -> bool:
    """May ``user`` start a refresh of the early warnings as a job? The plan office only."""
    return role_of(user) == Role.PLAN_OFFICE


def visible_jobs(user: Any, queryset: Q_) -> Q_:
    """The jobs ``user`` sees: the plan office all of them; anyone else with a role their own and
    those of their unit and the units below it."""
    role = role_of(user)
    if role is None:
        return queryset.none()
    if role == Role.PLAN_OFFICE:
        return queryset
    scope = unit_scope(user)
    return queryset.filter(Q(owner_id=user.pk) | Q(unit_id__in=scope))


def may_see_job(user: Any, job: Any) -> bool:
    """May ``user`` see this job, its progress and its result? (:func:`visible_jobs`)"""
    role = role_of(user)
    if role is None:
        return False
    if role == Role.PLAN_OFFICE or job.owner_id == user.pk:
        return True
    return job.unit_id is not None and job.unit_id in unit_scope(user)


def may_submit_job(user: Any, kind: Any) -> bool:
    """May ``user`` submit a job of this registered kind (a ``jobs.kinds.JobKind``)? Signed-in users
    with a role whom the kind's own predicate allows."""
    return role_of(user) is not None and bool(kind.may_run(user))


def may_retry_job(user: Any, job: Any) -> bool:
    """May ``user`` retry this job? A failed job, by its owner or the plan office, when the kind
    still allows them to run it (a job of the system: the plan office)."""
    if not job.has_failed or not has_role(user):
        return False
    if not is_plan_office(user) and (job.owner_id is None or job.owner_id != user.pk):
        return False
    kind = job.kind_spec
    return kind is not None and may_submit_job(user, kind)


# --------------------------------------------------------------------------------------------
# Evaluations (评价): the engines in the web, as jobs


def may_evaluate(user: Any) -> bool:
    """May ``user`` run an evaluation (air, water, score, land, admission, allocation) on a table
    they upload? Every signed-in user with a role: an evaluation changes nothing of the plan, and
    who sees it afterwards is :func:`visible_jobs` (their own unit's; the plan office all)."""
    return role_of(user) is not None


# --------------------------------------------------------------------------------------------
# Supervision (督查督办)


def may_issue_supervision_items(user: Any) -> bool:
    """May ``user`` issue (交办) supervision items and take the office's steps on them (accept,
    return, close, reopen)? The plan office only."""
    return is_plan_office(user)


def may_handle_supervision_item(user: Any, item: Any) -> bool:
    """May ``user`` take the handling unit's steps (answer, …) on ``item``? A unit user whose
    scope includes the item's unit (``restrict(user, "change", …)``)."""
    return acts_for_a_unit(user) and can(user, "change", item)


# --------------------------------------------------------------------------------------------
# Monthly project reports (项目月报; slice projreports of issue 12)


def may_fill_project_report(user: Any, project: Any) -> bool:
    """May ``user`` fill in and submit the monthly reports of this key project? Reporters and county
    users whose unit scope holds its owning unit, county or park (``restrict(user, "change", …)`` on
    the project: the same rule as the tasks' reports)."""
    return can_fill_reports(user) and can(user, "change", project)


def may_review_project_report(user: Any, report: Any) -> bool:
    """May ``user`` approve or return this project report (its state aside)? The plan office, and
    approvers whose unit scope holds the project's owning unit, county or park."""
    if not can_review_reports(user):
        return False
    return reviews_every_unit(user) or can(user, "change", report.project)


def may_supervise_project_report(user: Any, report: Any) -> bool:
    """May ``user`` turn the support request of this project report into a supervision item? Whoever
    issues supervision items (:func:`may_issue_supervision_items`)."""
    return may_issue_supervision_items(user)


# --------------------------------------------------------------------------------------------
# Red/black lists (红黑榜)


def may_manage_ranking_lists(user: Any) -> bool:
    """May ``user`` compute, exempt, publish and see the draft red/black lists? The plan office."""
    return is_plan_office(user)


# --------------------------------------------------------------------------------------------
# Key projects (重点项目) — slice projlib: the project library


def may_add_projects(user: Any) -> bool:
    """May ``user`` create, delete and import key projects, set their yearly investment plans and
    link them to plan tasks? The plan office (for the development and reform commission)."""
    return is_plan_office(user)


def may_change_project(user: Any, project: Any) -> bool:
    """May ``user`` change ``project`` at all? The plan office every project; a unit user (reporter,
    approver, county user) the projects whose owning unit, county or park is in its unit scope
    (``KeyProject.owner_lookups``), the fields of ``unit_editable_fields`` only; leaders never."""
    return bool(editable_fields(user, project))


def may_set_project_milestones(user: Any, project: Any) -> bool:
    """May ``user`` set the planned dates of ``project``'s milestones? As :func:`may_change_project`."""
    return may_change_project(user, project)


def may_move_project_state(user: Any, project: Any, target: str) -> bool:
    """May ``user`` move ``project`` to the state ``target``? The plan office to any state (also
    back); a unit user who may change the project only forward (储备 → 前期 → 在建 → 竣工 → 投产)."""
    order = list(getattr(project, "state_order", ()))  # the model's states in their order
    if target not in order or not may_change_project(user, project):
        return False
    if is_plan_office(user):
        return True
    return project.state not in order or order.index(target) > order.index(project.state)


# --------------------------------------------------------------------------------------------
# Early warnings (预警)


def listed_for(user: Any, queryset: Q_, unit_field: str) -> Q_:
    """The objects of ``queryset`` in ``user``'s lists of warnings and supervision items: unit users
    those whose ``unit_field`` (a unit id field) is their unit or below; the plan office and leaders
    all; anyone without a role none."""
    if not has_role(user):
        return queryset.none()
    if acts_for_a_unit(user):
        return queryset.filter(**{f"{unit_field}__in": unit_scope(user)})
    return queryset


def may_see_warning(user: Any, warning: Any) -> bool:
    """May ``user`` read ``warning`` (its page and ``/api/warnings/{id}``)? As :func:`listed_for`:
    unit users those of their unit and below, the plan office and leaders all."""
    if not has_role(user):
        return False
    return not acts_for_a_unit(user) or (warning.unit_id is not None and warning.unit_id in unit_scope(user))


def may_acknowledge_warning(user: Any, warning: Any) -> bool:
    """May ``user`` acknowledge (签收) ``warning``? The plan office, or a unit user whose unit scope
    includes the warning's unit; leaders never."""
    if is_plan_office(user):
        return True
    if not acts_for_a_unit(user):
        return False
    return warning.unit_id is not None and warning.unit_id in unit_scope(user)


# --------------------------------------------------------------------------------------------
# Ecology registers (生态环境台账; slice ecoreg): stations, sections, black-odorous bodies,
# pollution sources and reduction projects, the soil risk list, heavy-metal projects


def may_manage_ecology_registers(user: Any) -> bool:
    """May ``user`` add and delete the records of the ecology registers (and add new ones by an
    import)? The plan office only; everyone signed in reads them."""
    return is_plan_office(user)


def may_change_ecology_record(user: Any, record: Any) -> bool:
    """May ``user`` change ``record`` of an ecology register (its fields, its state, a section's
    targets)? The plan office any; unit users those of their county (and below:
    ``restrict(user, "change", …)`` over the record's ``owner_lookups``); leaders none."""
    return can(user, "change", record)


def may_import_ecology_registers(user: Any) -> bool:
    """May ``user`` upload a register file? The plan office (any row) and unit users (rows of
    existing records of their county; each row is checked by :func:`may_change_ecology_record`)."""
    return is_plan_office(user) or acts_for_a_unit(user)


# --------------------------------------------------------------------------------------------
# Who is told (recipients chosen by role)


def plan_office_users(*, with_superusers: bool = True) -> models.QuerySet[Any]:
    """Active users of the plan office (and Django superusers unless ``with_superusers`` is
    false): told of failed and announced system jobs; the bulletin's issuing office is theirs."""
    from django.contrib.auth import get_user_model

    condition = Q(profile__role=Role.PLAN_OFFICE)
    if with_superusers:
        condition |= Q(is_superuser=True)
    return get_user_model().objects.filter(is_active=True).filter(condition)


def users_who_head_unit(unit_id: int) -> models.QuerySet[Any]:
    """Active approvers and leaders of the unit itself: they get an escalated reminder (the
    approver signs the unit's reports off, the leader reads them)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, profile__unit_id=unit_id, profile__role__in=(Role.APPROVER, Role.LEADER)
    )


def users_who_may_handle(unit_id: int) -> models.QuerySet[Any]:
    """Active unit users (reporters, approvers, county users) of the unit or of a unit above it:
    those whose scope includes it, reminded of its supervision items."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, profile__role__in=UNIT_ROLES, profile__unit_id__in=unit_and_ancestor_ids(unit_id)
    )


# --------------------------------------------------------------------------------------------
# Which role a unit may hold


def check_role_and_unit(role: str, unit: Any) -> None:
    """Raise ``ValueError`` unless a user of ``role`` may belong to ``unit`` (None: no unit): unit
    users need a unit; a county user belongs to a county or a park."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    if role in UNIT_ROLES and unit is None:
        raise ValueError(f"role {role} needs a unit")
    if role == Role.COUNTY and unit is not None and unit.kind not in {UnitKind.COUNTY, UnitKind.PARK}:
        raise ValueError("a county user belongs to a county or a park")
    if role == Role.CASE_WORKER and (unit is None or unit.kind != UnitKind.COUNTY):
        raise ValueError("a rural case worker belongs to a county")


# --------------------------------------------------------------------------------------------
# Key projects: campaigns and networks (issue 12, slice projdemo)


def may_manage_campaigns(user: Any) -> bool:
    """May ``user`` create and change project campaigns (攻坚大会战: targets, window, projects)?
    The plan office only; every signed-in user with a role reads them."""
    return is_plan_office(user)


def may_manage_networks(user: Any) -> bool:
    """May ``user`` create and change the transport networks and their lines (7向19线 …)? The plan
    office only; every signed-in user with a role reads them."""
    return is_plan_office(user)


# --------------------------------------------------------------------------------------------
# Industrial parks (产业园区): the registers of industries, parks, chains, firms and clusters


def may_manage_park_registers(user: Any) -> bool:
    """May ``user`` import the park registers (industries, parks, chains, firms, clusters) and add
    or delete their entries? The plan office. A unit user (the economy bureau's, a park's or a
    county's) changes the firms and the park of its unit and the units below it
    (``restrict(user, "change", …)`` over the models' ``owner_lookups``)."""
    return is_plan_office(user)


# --------------------------------------------------------------------------------------------
# Ecology — air monitoring data (ecoair): every signed-in user reads; the plan office and the
# units of the stations' counties import hourly data; the plan office sets the yearly targets.


def may_import_air_data(user: Any) -> bool:
    """May ``user`` open the import of hourly station data? The plan office, and the unit users
    (reporters, approvers, county users) of a unit — each file row still needs
    :func:`may_import_station_data` for its station."""
    role = role_of(user)
    return role == Role.PLAN_OFFICE or (role in UNIT_ROLES and bool(unit_scope(user)))


def may_import_station_data(user: Any, station: Any) -> bool:
    """May ``user`` import hourly data of this station? The plan office any; a unit user the
    stations of their county (the station's county in their unit or below it)."""
    role = role_of(user)
    if role == Role.PLAN_OFFICE:
        return True
    return role in UNIT_ROLES and station.county_id is not None and station.county_id in unit_scope(user)


def may_set_air_targets(user: Any) -> bool:
    """May ``user`` set the city's good-day ratio target of a year? The plan office only."""
    return is_plan_office(user)


# --------------------------------------------------------------------------------------------
# Ecology — water data and fed indicators (slice ecowater)


def may_import_water_samples(user: Any) -> bool:
    """May ``user`` import monthly section samples? The plan office, and unit users for the
    sections of their county (each row is checked with ``restrict(user, "change", …)``)."""
    return is_plan_office(user) or acts_for_a_unit(user)


def may_link_indicator_feeds(user: Any) -> bool:
    """May ``user`` link a plan indicator to a computed figure (自动取数)? The plan office."""
    return is_plan_office(user)


# Targeted attraction (靶向招引) — slice parksattr: candidate firms and the attraction pipeline


def may_import_candidates(user: Any) -> bool:
    """May ``user`` import the list of candidate firms (靶向招引名单)? The plan office."""
    return is_plan_office(user)


def may_add_attraction_leads(user: Any) -> bool:
    """May ``user`` add attraction leads? The plan office (for any unit) and the unit users
    (reporters, approvers, county users: for their unit or a unit below it); leaders only read."""
    return is_plan_office(user) or acts_for_a_unit(user)


def may_own_attraction_lead(user: Any, unit: Any) -> bool:
    """May ``user`` make ``unit`` the owner of a lead? The plan office any unit; a unit user its
    unit or a unit below it."""
    if is_plan_office(user):
        return True
    return acts_for_a_unit(user) and unit is not None and unit.pk in unit_scope(user)


def may_move_attraction_lead(user: Any, lead: Any) -> bool:
    """May ``user`` change ``lead`` and move it through the pipeline? The plan office every lead;
    the users of the lead's owner unit (or a unit above it) their leads
    (``AttractionLead.owner_lookups``); leaders never."""
    return can(user, "change", lead)


# --------------------------------------------------------------------------------------------
# ---- villages (issue 15): demonstration villages, toilets, scorecards, collective economy


def is_rural_bureau(user: Any) -> bool:
    """Is ``user`` a reporter or approver of the agriculture and rural (rural revitalisation) bureau,
    a unit named in the setting ``JINGJIN_RURAL_BUREAU_UNITS`` (unit codes)?"""
    from django.conf import settings

    profile = getattr(user, "profile", None)
    if role_of(user) not in (Role.REPORTER, Role.APPROVER) or profile is None or profile.unit_id is None:
        return False
    return profile.unit.code in set(getattr(settings, "JINGJIN_RURAL_BUREAU_UNITS", ()))


def may_manage_villages(user: Any) -> bool:
    """May ``user`` manage the villages' work city-wide: designate demonstration villages, set the
    toilet targets, the scorecard schemes and the collective-economy thresholds, score villages and
    enter any village's data? The plan office and the rural bureau (:func:`is_rural_bureau`)."""
    return is_plan_office(user) or is_rural_bureau(user)


def may_enter_village_data(user: Any, village: Any) -> bool:
    """May ``user`` enter ``village``'s data (toilets built, acceptances, monthly reports of a
    demonstration village, collective income)? The managers any village; a unit user (reporter,
    approver, county user) the villages in its unit scope (its county or township); leaders never."""
    if may_manage_villages(user):
        return True
    return acts_for_a_unit(user) and village is not None and village.pk in unit_scope(user)


def may_import_collective_incomes(user: Any) -> bool:
    """May ``user`` open the import of collective incomes? The managers (any village) and unit users
    (rows of the villages in their scope, each checked by :func:`may_enter_village_data`)."""
    return may_manage_villages(user) or acts_for_a_unit(user)


def may_enter_any_village_data(user: Any) -> bool:
    """May ``user`` call a write of the villages' data whose village is named in the request (the
    API's toilet programme and collective incomes)? The managers and unit users; each village is then
    checked by :func:`may_enter_village_data`."""
    return may_manage_villages(user) or acts_for_a_unit(user)


def village_scope_filter(user: Any, queryset: Q_, village_field: str) -> Q_:
    """The rows of ``queryset`` whose ``village_field`` (a unit id lookup) ``user`` enters data for
    (:func:`may_enter_village_data`): the managers all, unit users their scope, others none."""
    if may_manage_villages(user):
        return queryset
    if not acts_for_a_unit(user):
        return queryset.none()
    return queryset.filter(**{f"{village_field}__in": unit_scope(user)})


# --------------------------------------------------------------------------------------------
# ---- supervise (issue 20: instructions, extensions, urging, meetings, 蹲点)


def may_give_instructions(user: Any) -> bool:
    """May ``user`` record a leader's instruction (领导批示)? Leaders (their own) and the plan
    office (on a leader's behalf, naming the leader)."""
    return is_plan_office(user) or role_of(user) == Role.LEADER


def may_request_extension(user: Any, item: Any) -> bool:
    """May ``user`` ask for a later deadline of ``item`` (延期申请)? The users of its handling unit."""
    return may_handle_supervision_item(user, item)


def may_decide_extensions(user: Any) -> bool:
    """May ``user`` grant or refuse an extension request? The plan office."""
    return is_plan_office(user)


def may_manage_meetings(user: Any) -> bool:
    """May ``user`` record on-site meetings (现场会议) and turn their decisions into items? The
    plan office."""
    return is_plan_office(user)


def may_manage_stationings(user: Any) -> bool:
    """May ``user`` station a cadre (蹲点) and close the stationing? The plan office."""
    return is_plan_office(user)


def may_log_stationing(user: Any, stationing: Any) -> bool:
    """May ``user`` write the work log of ``stationing``? The plan office, the cadre's own account,
    and the users of the cadre's unit (``restrict(user, "change", …)``); never once it is closed."""
    if stationing.closed_at is not None:
        return False
    if is_plan_office(user):
        return True
    if user is not None and user.is_authenticated and stationing.cadre_user_id == user.pk:
        return True
    return acts_for_a_unit(user) and can(user, "change", stationing)


def responsible_leaders(unit_id: int) -> models.QuerySet[Any]:
    """Active leaders of the unit or of a unit above it: they get the red urging notice (督办单)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, profile__role=Role.LEADER, profile__unit_id__in=unit_and_ancestor_ids(unit_id)
    )


# ---- admission
# Project admission (准入) and quota allocation runs — slice admission (issue 14).


def may_manage_admission_registers(user: Any) -> bool:
    """May ``user`` add, change and import the industry catalogue, the zoning units, the
    standard-land thresholds and the quota pools? The plan office."""
    return is_plan_office(user)


def may_file_admission_application(user: Any, park: Any = None) -> bool:
    """May ``user`` file an admission application (for ``park`` when given)? The plan office any;
    a unit user (county, reporter, approver) for a park of its county or unit (or below it)."""
    if is_plan_office(user):
        return True
    if not acts_for_a_unit(user):
        return False
    if park is None:
        return True
    scope = unit_scope(user)
    return park.unit_id in scope or (park.county_id is not None and park.county_id in scope)


def may_check_admission_application(user: Any, application: Any) -> bool:
    """May ``user`` run the check of an application, and enter its actual figures at completion
    and at full production? The plan office, and the unit users of the application's park or
    county (``Application.owner_lookups``)."""
    return is_plan_office(user) or (acts_for_a_unit(user) and can(user, "change", application))


def may_decide_admission_application(user: Any) -> bool:
    """May ``user`` decide an application (鼓励支持 / 限制 / 禁入)? The plan office only: the
    decision is the city's, a county proposes by filing and checking."""
    return is_plan_office(user)


def may_run_quota_allocation(user: Any) -> bool:
    """May ``user`` start an allocation run of the year's quotas? The plan office."""
    return is_plan_office(user)


# --------------------------------------------------------------------------------------------
# ---- documents: official documents (公文) and the public page (slice documents of issue 20)


def may_issue_documents(user: Any) -> bool:
    """May ``user`` issue (and withdraw) official documents — 督办函, 通报, 红黑榜通报 — and set how
    a plan's documents are headed and numbered? The plan office only."""
    return is_plan_office(user)


def visible_documents(user: Any, queryset: Q_) -> Q_:
    """The documents of ``queryset`` that ``user`` may read: the plan office and leaders all; unit
    users (reporters, approvers, county users) those addressed to their unit or a unit below it;
    other roles and anonymous users none."""
    role = role_of(user)
    if role in (Role.PLAN_OFFICE, Role.LEADER):
        return queryset
    if role in UNIT_ROLES:
        return queryset.filter(recipients__in=unit_scope(user)).distinct()
    return queryset.none()


def may_read_document(user: Any, document: Any) -> bool:
    """May ``user`` read ``document`` and download its files? As :func:`visible_documents`."""
    return bool(visible_documents(user, type(document)._default_manager.filter(pk=document.pk)).exists())


def may_set_public_page(user: Any) -> bool:
    """May ``user`` opt a plan in to (or out of) the public page and select its indicators shown
    there? The plan office only. (The public page itself is read without sign-in.)"""
    return is_plan_office(user)


# --------------------------------------------------------------------------------------------
# ---- people (issue 17: talent pool, 揭榜挂帅, party organisations and their early warning)


def manages_people(user: Any) -> bool:
    """Does ``user`` manage the talent pool, the challenge board and the party organisations of every
    unit (the personnel officers of the organisation department, and the plan office)?"""
    return role_of(user) in (Role.PERSONNEL, Role.PLAN_OFFICE)


def sees_personal_data(user: Any) -> bool:
    """Does ``user`` see a talent's personal fields (ID number, phone, birth date) unmasked? The
    personnel officers and the plan office; every other role sees them masked."""
    return manages_people(user)


def talents_for(user: Any, queryset: Q_) -> Q_:
    """The talents (and teams) ``user`` sees one by one: managers every one; unit users those of
    their unit and the units below it; leaders and every other role none (they read counts)."""
    if manages_people(user):
        return queryset
    if acts_for_a_unit(user):
        return queryset.filter(unit_id__in=unit_scope(user))
    return queryset.none()


def may_see_talent(user: Any, talent: Any) -> bool:
    """May ``user`` open ``talent``'s record? As :func:`talents_for`."""
    if manages_people(user):
        return True
    return acts_for_a_unit(user) and talent.unit_id in unit_scope(user)


def reads_people_counts(user: Any) -> bool:
    """May ``user`` read the counts of talents, organisations and warnings (the overview pages)?
    Every signed-in user with a role."""
    return has_role(user)


def may_see_talent_access_log(user: Any) -> bool:
    """May ``user`` read who viewed which talent record? The personnel officers and the plan office."""
    return manages_people(user)


def may_manage_challenges(user: Any) -> bool:
    """May ``user`` publish challenges (揭榜挂帅), record bids, select, set milestones and accept?"""
    return manages_people(user)


def party_orgs_for(user: Any, queryset: Q_, unit_field: str = "unit_id") -> Q_:
    """The party organisations (or their warnings, through ``unit_field``) ``user`` sees one by one:
    managers all; unit users those of their unit and below; leaders and others none (counts only)."""
    if manages_people(user):
        return queryset
    if acts_for_a_unit(user):
        return queryset.filter(**{f"{unit_field}__in": unit_scope(user)})
    return queryset.none()


def may_see_party_org(user: Any, org: Any) -> bool:
    """May ``user`` open ``org`` (and its warnings)? As :func:`party_orgs_for`."""
    if manages_people(user):
        return True
    return acts_for_a_unit(user) and org.unit_id in unit_scope(user)


def may_edit_party_org(user: Any, org: Any) -> bool:
    """May ``user`` change ``org``, record its meetings and member changes and rectify its
    warnings? Managers any; unit users those of their unit and below; leaders never."""
    return may_see_party_org(user, org)


def may_manage_party_orgs(user: Any) -> bool:
    """May ``user`` add organisations, set the warning rules and run the early warning?"""
    return manages_people(user)


def may_add_talents(user: Any) -> bool:
    """May ``user`` add a talent or a team (one by one, on the form)? Managers into any unit; unit
    users into their unit and the units below it (:func:`people_units_for`)."""
    return manages_people(user) or acts_for_a_unit(user)


def people_units_for(user: Any, queryset: Q_) -> Q_:
    """The units ``user`` may keep a talent or a team in: managers every unit; unit users their
    unit and below; anyone else none."""
    if manages_people(user):
        return queryset
    if acts_for_a_unit(user):
        return queryset.filter(pk__in=unit_scope(user))
    return queryset.none()


def may_edit_talent_team(user: Any, team: Any) -> bool:
    """May ``user`` change ``team``? Managers any; unit users those of their unit and below."""
    if manages_people(user):
        return True
    return acts_for_a_unit(user) and team.unit_id in unit_scope(user)


# --------------------------------------------------------------------------------------------
# ---- landeval: the yearly per-mu evaluation (亩均评价; issue 14). The plan office (for the
# economy and natural-resources bureaus) manages campaigns, schemes, policies and appeals; leaders
# read everything; a unit user (reporter, approver, county user) sees the firms of its county and
# files appeals and updates rectifications for them.


def may_manage_land_campaigns(user: Any) -> bool:
    """May ``user`` create campaigns and schemes, import the sources, run, review and publish, set
    the differentiated policies and decide appeals? The plan office only."""
    return is_plan_office(user)


def may_see_all_land_results(user: Any) -> bool:
    """Does ``user`` see every firm's result (the plan office and leaders), not only its county's?"""
    return role_of(user) in (Role.PLAN_OFFICE, Role.LEADER)


def land_results_for(user: Any, queryset: Q_, county_field: str = "county_id") -> Q_:
    """The firm results (or rectifications, appeals' firms) ``user`` sees: all for the plan office
    and leaders; a unit user those of the counties in its unit scope; anyone else none."""
    if may_see_all_land_results(user):
        return queryset
    if acts_for_a_unit(user):
        return queryset.filter(**{f"{county_field}__in": unit_scope(user)})
    return queryset.none()


def may_see_land_result(user: Any, county_id: int | None) -> bool:
    """May ``user`` read a firm's result whose county is ``county_id``? (:func:`land_results_for`)"""
    if may_see_all_land_results(user):
        return True
    return acts_for_a_unit(user) and county_id is not None and county_id in unit_scope(user)


def may_file_land_appeal(user: Any, county_id: int | None) -> bool:
    """May ``user`` file a firm's appeal (on its behalf, with the evidence)? The plan office any
    firm; a unit user the firms of its county."""
    if is_plan_office(user):
        return True
    return acts_for_a_unit(user) and county_id is not None and county_id in unit_scope(user)


def may_update_land_rectification(user: Any, county_id: int | None) -> bool:
    """May ``user`` record a D-class firm's rectification plan and progress? As
    :func:`may_file_land_appeal`: the plan office, or a unit user of the firm's county."""
    return may_file_land_appeal(user, county_id)


def may_file_land_appeals(user: Any) -> bool:
    """May ``user`` file appeals at all (for some firm: :func:`may_file_land_appeal` says which)?
    The plan office and the unit users."""
    return is_plan_office(user) or acts_for_a_unit(user)


# --------------------------------------------------------------------------------------------
# ---- ruralhh: return-to-poverty monitoring (防止返贫动态监测, issue 15). Everyone signed in
# reads the households with personal data masked; only a rural case worker whose unit is the
# household's county sees them in full, works on its file and screens the county's tables.


def may_see_personal_data(user: Any, household: Any) -> bool:
    """May ``user`` see the ID numbers, phones, bank accounts and health conditions of
    ``household``'s members in full? Only a case worker (帮扶干部) of the household's county."""
    if role_of(user) != Role.CASE_WORKER:
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.unit_id is not None and profile.unit_id == household.county_id


def may_work_on_household(user: Any, household: Any) -> bool:
    """May ``user`` record identification steps, members, risks, measures and incomes of
    ``household``, or eliminate its risk? The case workers of its county."""
    return may_see_personal_data(user, household)


def may_screen_households(user: Any) -> bool:
    """May ``user`` run the screening over a table and turn candidates into households? Case
    workers (for their county)."""
    return role_of(user) == Role.CASE_WORKER


def may_read_access_log(user: Any) -> bool:
    """May ``user`` read who looked at whose personal data? The plan office."""
    return is_plan_office(user)


def may_manage_income_lines(user: Any) -> bool:
    """May ``user`` record the yearly monitoring lines (监测范围) per province? The plan office and
    the rural bureau (:func:`is_rural_bureau`). Everyone with a role reads them."""
    return is_plan_office(user) or is_rural_bureau(user)


# --------------------------------------------------------------------------------------------
# ---- schemes: configurable assessment schemes (考核方案), 赛马 races, village-cadre pay


def may_manage_assessment_schemes(user: Any) -> bool:
    """May ``user`` create, change, preview and publish assessment schemes, run races, record
    figures and compute village-cadre pay? The plan office."""
    return is_plan_office(user)


def may_see_assessment_scheme(user: Any, scheme: Any) -> bool:
    """May ``user`` see this scheme version? The plan office every version (drafts too); every
    other user with a role the published and superseded ones."""
    if is_plan_office(user):
        return True
    return has_role(user) and scheme.status != "draft"


def may_see_cadre_pay(user: Any) -> bool:
    """May ``user`` see the village-cadre pay tables? Every user with a role (published figures)."""
    return has_role(user)


# --------------------------------------------------------------------------------------------
# ---- appeals (issue 20): a unit's appeal (异议) against its entry on a published red/black list


def may_file_appeal(user: Any, unit_id: int | None) -> bool:
    """May ``user`` file an appeal for the unit ``unit_id``? A unit user (reporter, approver,
    county user) for its own unit or one below it; the plan office for any unit, on its behalf."""
    if is_plan_office(user):
        return True
    return acts_for_a_unit(user) and unit_id is not None and unit_id in unit_scope(user)


def may_file_appeals(user: Any) -> bool:
    """May ``user`` file appeals at all (for some unit)? The plan office and unit users."""
    return is_plan_office(user) or acts_for_a_unit(user)


def may_decide_appeals(user: Any) -> bool:
    """May ``user`` accept (correcting the list) or reject an appeal? The plan office."""
    return is_plan_office(user)


def appeals_for(user: Any, queryset: Q_, unit_field: str = "unit_id") -> Q_:
    """The appeals ``user`` sees: all for the plan office and leaders, a unit user those of its
    unit and the units below it; anyone else none."""
    if is_plan_office(user) or role_of(user) == Role.LEADER:
        return queryset
    if acts_for_a_unit(user):
        return queryset.filter(**{f"{unit_field}__in": unit_scope(user)})
    return queryset.none()


def may_see_appeal(user: Any, appeal: Any) -> bool:
    """May ``user`` read this appeal and its evidence? (:func:`appeals_for`)"""
    if is_plan_office(user) or role_of(user) == Role.LEADER:
        return True
    return acts_for_a_unit(user) and appeal.unit_id in unit_scope(user)


# --------------------------------------------------------------------------------------------
# ---- burden (issue 20: less reporting burden, document settings)


def may_see_reporting_load(user: Any) -> bool:
    """May ``user`` see the reporting load of every unit (填报负担: forms and fields per month)?
    The plan office and leaders. (No clicks or logins are counted or shown.)"""
    return role_of(user) in (Role.PLAN_OFFICE, Role.LEADER)


def may_set_document_settings(user: Any) -> bool:
    """May ``user`` change a plan's document settings (issuing office, number prefix, 抄送 and
    印发 lines, signature)? As :func:`may_issue_documents`: the plan office."""
    return may_issue_documents(user)
