"""The role × endpoint × object matrix (issue 18), generated from the URL conf.

Every URL pattern of the project (pages and API, each method it answers) has an entry in
:data:`MATRIX` — a test fails when a URL is added without one. Each entry names, for each method,
the predicate of :mod:`jingjin.core.permissions` that decides who may call it; the test then
asks, for every role (plan office, reporter, approver, county user, leader, anonymous) and every
object relative to the user's unit (own unit, another unit, the unit above, a unit below):

* denied by the predicate → 403 or 404, and nothing is written (no audit row);
* allowed → no 401/403 (no 404 unless the entry says a state may hide it), never a server error;
* anonymous → the sign-in page (pages) or 401 (API).

Writes run in a transaction rolled back after each request, so every case starts from the same
data. Payloads are empty: an allowed write may answer 400 (a validation error) — it passed the
permission check, which is what this matrix tests; the workflows have their own tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from http.cookies import SimpleCookie
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from jingjin.core import permissions as P
from jingjin.core.models import AuditEntry, Unit

pytestmark = pytest.mark.django_db

ROLES = ("plan_office", "reporter", "approver", "county", "leader", "anonymous")
RELATIONS = ("own", "other", "above", "below")

#: the user's unit of each role, and the unit at each relation to it (None: no such unit)
UNIT_OF_ROLE = {
    "plan_office": "t",
    "reporter": "t.a",
    "approver": "t.a",
    "county": "t.c",
    "leader": "t",
    "anonymous": "t.a",
}
RELATED_UNIT = {
    "t": {"own": "t", "other": None, "above": None, "below": "t.a"},
    "t.a": {"own": "t.a", "other": "t.b", "above": "t", "below": "t.a.x"},
    "t.c": {"own": "t.c", "other": "t.a", "above": "t", "below": "t.c.x"},
}
UNITS = ("t", "t.a", "t.a.x", "t.b", "t.c", "t.c.x")


# --------------------------------------------------------------------------------------------
# The objects: one of each kind per unit


@dataclass
class World:
    users: dict[str, Any]
    units: dict[str, Unit]
    period: Any
    actions: dict[str, Any] = field(default_factory=dict)
    measures: dict[str, Any] = field(default_factory=dict)
    tasks: dict[str, Any] = field(default_factory=dict)
    shares: dict[str, Any] = field(default_factory=dict)
    indicators: dict[str, Any] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, Any] = field(default_factory=dict)
    items: dict[str, Any] = field(default_factory=dict)
    warnings: dict[str, Any] = field(default_factory=dict)
    jobs: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, Any] = field(default_factory=dict)  # "draft" and "published" red/black lists
    # key projects and their submitted reports of the period (projreports)
    projects: dict[str, Any] = field(default_factory=dict)
    project_reports: dict[str, Any] = field(default_factory=dict)
    firms: dict[str, Any] = field(default_factory=dict)  # a firm of each unit (its county field)
    parks: dict[str, Any] = field(default_factory=dict)  # "park", "industry", "chain", "cluster"
    leads: dict[str, Any] = field(default_factory=dict)  # an attraction lead owned by each unit
    villages: dict[str, Any] = field(default_factory=dict)  # a demonstration village below each unit
    land: dict[str, Any] = field(
        default_factory=dict
    )  # landeval: a campaign, per unit a result, appeal, rectification
    schemes: dict[str, Any] = field(default_factory=dict)  # a published scheme, a race, a pay scheme


def _build(loaded_plan: Any, make_user: Any) -> World:
    from jingjin.alerts.models import EarlyWarning
    from jingjin.jobs.models import Job
    from jingjin.plans.models import Action, Indicator, Measure, Task
    from jingjin.reporting.models import Evidence, Report
    from jingjin.reporting.services import period_get_or_create
    from jingjin.supervision.models import SupervisionItem

    units = {u.code: u for u in Unit.objects.all()}
    units["t.a.x"] = Unit.objects.create(
        code="t.a.x", name_zh="甲局下属", kind="department", parent=units["t.a"]
    )
    units["t.c.x"] = Unit.objects.create(
        code="t.c.x", name_zh="丙县乡镇", kind="township", parent=units["t.c"]
    )
    users = {
        "plan_office": make_user("m_office", "plan_office", "t"),
        "reporter": make_user("m_reporter", "reporter", "t.a"),
        "approver": make_user("m_approver", "approver", "t.a"),
        "county": make_user("m_county", "county", "t.c"),
        "leader": make_user("m_leader", "leader", "t"),
        "anonymous": None,
    }
    period = period_get_or_create(year=2024, month=3)
    world = World(users=users, units=units, period=period)
    now = timezone.make_aware(datetime(2024, 3, 20, 10))
    for number, code in enumerate(UNITS, start=1):
        unit = units[code]
        action = Action.objects.create(
            plan=loaded_plan,
            code=f"M{number}",
            name_zh=f"行动{number}",
            name_en=f"Action {number}",
            lead_unit=unit,
        )
        measure = Measure.objects.create(
            action=action, code=f"M{number}.M1", name_zh="措施", name_en="Measure", lead_unit=unit
        )
        task = Task.objects.create(
            measure=measure,
            code=f"M{number}.M1.T1",
            name_zh="任务",
            name_en="Task",
            lead_unit=unit,
            start=date(2021, 9, 1),
            end=date(2025, 12, 31),
        )
        share = Task.objects.create(
            measure=measure,
            code=f"M{number}.M1.T1.S1",
            name_zh="分解",
            name_en="Share",
            lead_unit=units["t.c"],
            parent=task,
        )
        indicator = Indicator.objects.create(
            task=task,
            code=f"M{number}.M1.T1.I1",
            name_zh="指标",
            name_en="Indicator",
            direction="higher",
            responsible_unit=unit,
        )
        report = Report.objects.create(
            task=task, period=period, completion_pct=40, status="submitted", submitted_at=now
        )
        evidence = Evidence.objects.create(
            report=report, file="evidence/x.pdf", original_name="x.pdf", kind="pdf", size=1, sha256="0" * 64
        )
        item = SupervisionItem.objects.create(
            code=f"DB-2024-{number:03}",
            title="督办事项",
            assignee_unit=unit,
            deadline=date(2024, 4, 10),
            issued_on=date(2024, 3, 1),
        )
        warning = EarlyWarning.objects.create(
            key=f"matrix:{code}",
            rule="report_missing",
            level="yellow",
            reason="未报",
            unit=unit,
            task=task,
            first_raised_at=now,
            last_seen_at=now,
        )
        job = Job.objects.create(kind="air-aqi", unit=unit, state="failed", error="坏了")
        world.actions[code], world.measures[code], world.tasks[code] = action, measure, task
        world.shares[code], world.indicators[code], world.reports[code] = share, indicator, report
        world.evidence[code], world.items[code], world.warnings[code] = evidence, item, warning
        world.jobs[code] = job
        _add_project_report(world, code, now)
    _build_parks(world)
    _build_villages(world)
    from jingjin.assessment.models import RankingScheme
    from jingjin.assessment.services import ranking_list_compute, ranking_list_publish, schemes_load_builtin

    schemes_load_builtin()
    scheme = RankingScheme.objects.order_by("pk").first()
    world.lists["draft"] = ranking_list_compute(actor=None, scheme=scheme, period=period)
    published = ranking_list_compute(
        actor=None, scheme=scheme, period=period_get_or_create(year=2024, month=2)
    )
    world.lists["published"] = ranking_list_publish(actor=None, ranking_list=published)
    _build_schemes(world)
    return world


def _build_schemes(world: World) -> None:
    """A published assessment scheme of t.a and t.b, a race on it and a pay scheme (schemes)."""
    from jingjin.assessment.models import AssessmentScheme, CadrePayScheme, PeerSet, Race

    peers = PeerSet.objects.create(code="m", name_zh="组", name_en="Set")
    peers.units.set([world.units["t.a"], world.units["t.b"]])
    scheme = AssessmentScheme.objects.create(
        code="m", name_zh="方案", name_en="S", peer_set=peers, status="published"
    )
    scheme.criteria.create(source="on_time", weight=1)
    race = Race.objects.create(
        code="m", name_zh="赛", name_en="R", scheme=scheme, start=world.period, end=world.period
    )
    pay = CadrePayScheme.objects.create(
        code="m", name_zh="报酬", name_en="P", scheme_code="m", period=world.period, base_pay=1
    )
    world.schemes.update(scheme=scheme, race=race, pay=pay)


def _add_project_report(world: World, code: str, now: datetime) -> None:
    """A key project of the unit with a submitted report asking for support (projreports)."""
    from jingjin.projects.models import KeyProject, ProjectReport

    project = KeyProject.objects.create(
        code=f"XM-{code}",
        name_zh="示例项目",
        name_en="Demo project",
        level="city",
        category="industry",
        owner_unit=world.units[code],
        total_investment=100,
        state="construction",
    )
    world.projects[code] = project
    world.project_reports[code] = ProjectReport.objects.create(
        project=project,
        period=world.period,
        investment_month=1,
        investment_ytd=1,
        image_progress="施工",
        support_needed="协调",
        status="submitted",
        submitted_at=now,
    )


def _build_parks(world: World) -> None:
    """The park registers: one park (under county t.c), industry, chain and cluster, and a firm
    of each unit (owned through its ``county`` field)."""
    from jingjin.parks.creditcode import check_character
    from jingjin.parks.models import Chain, Cluster, Firm, Industry, Park

    unit = Unit.objects.create(code="t.c.p", name_zh="丙县园区", kind="park", parent=world.units["t.c"])
    industry = Industry.objects.create(code="LI", name_zh="锂电", name_en="Lithium")
    world.parks["park"] = Park.objects.create(unit=unit, level="provincial", county=world.units["t.c"])
    world.parks["industry"] = industry
    world.parks["chain"] = Chain.objects.create(code="C.LI", name_zh="锂电链", name_en="Li chain")
    world.parks["cluster"] = Cluster.objects.create(code="CL", name_zh="集群", name_en="Cluster")
    for number, code in enumerate(UNITS, start=1):
        first17 = f"91510900MA6{number:06d}"
        world.firms[code] = Firm.objects.create(
            name=f"示例企业{number}", credit_code=first17 + check_character(first17), county=world.units[code]
        )
    _build_leads(world)
    _build_land(world)


def _build_land(world: World) -> None:
    """landeval: a campaign under review with, for each unit's firm, a result (county: the unit),
    a pending appeal and a rectification."""
    from jingjin.land.models import Appeal, EvaluationCampaign, EvaluationScheme, FirmResult, Rectification

    scheme = EvaluationScheme.objects.create(code="m", title="m", body={})
    campaign = EvaluationCampaign.objects.create(year=2022, title="m", scheme=scheme, state="under_review")
    world.land["campaign"] = campaign
    for code, firm in world.firms.items():
        unit = world.units[code]
        FirmResult.objects.create(
            campaign=campaign, credit_code=firm.credit_code, county=unit, firm_class="D"
        )
        world.land[f"appeal:{code}"] = Appeal.objects.create(
            campaign=campaign, credit_code=firm.credit_code, reason="r"
        )
        world.land[f"rect:{code}"] = Rectification.objects.create(
            campaign=campaign, credit_code=firm.credit_code, county=unit
        )


def _build_leads(world: World) -> None:
    """An attraction lead owned by each unit, and one candidate firm (parksattr)."""
    from jingjin.parks.models import AttractionLead, CandidateFirm

    world.parks["candidate"] = CandidateFirm.objects.create(name="示例候选企业")
    for code in UNITS:
        world.leads[code] = AttractionLead.objects.create(
            firm_name=f"示例线索{code}", owner_unit=world.units[code], stage_date=date(2024, 1, 2)
        )


def _build_villages(world: World) -> None:
    """A village below each unit, each a demonstration village; a scheme of the year with one
    scored village and its photo (issue 15, villages)."""
    from django.core.files.base import ContentFile

    from jingjin.villages.models import DemoVillage, Scorecard, ScorePhoto, ScoreScheme, ToiletPlan

    for code in UNITS:
        village = Unit.objects.create(
            code=f"{code}.v", name_zh="村", kind="village", parent=world.units[code]
        )
        DemoVillage.objects.create(village=village, year=2021, level="city")
        world.villages[code] = village
        world.villages[f"plan-{code}"] = ToiletPlan.objects.create(
            village=village, year=2024, planned=10, built=5
        )
    scheme = ScoreScheme.objects.create(year=2024, name="细则")
    card = Scorecard.objects.create(
        scheme=scheme, village=world.villages["t"], date=date(2024, 3, 1), inspector="甲"
    )
    photo = ScorePhoto(scorecard=card, original_name="p.png", kind="png", size=8, sha256="0" * 64)
    photo.file.save("p.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    world.villages["photo"] = photo


# --------------------------------------------------------------------------------------------
# The entries


Rule = Callable[[Any, World, str | None], bool]
PathOf = Callable[[World, str | None], str]


def signed_in(user: Any, world: World, unit: str | None) -> bool:
    return P.has_role(user)


def nobody(user: Any, world: World, unit: str | None) -> bool:
    return False


def anybody(user: Any, world: World, unit: str | None) -> bool:
    return True


def office(user: Any, world: World, unit: str | None) -> bool:
    return P.can_add(user)


def change(kind: str) -> Rule:
    """``restrict(user, "change", …)`` on the unit's object of ``kind`` (a World attribute)."""

    def rule(user: Any, world: World, unit: str | None) -> bool:
        assert unit is not None
        return P.can(user, "change", getattr(world, kind)[unit])

    rule.__name__ = f"change_{kind}"
    return rule


def delete(kind: str) -> Rule:
    def rule(user: Any, world: World, unit: str | None) -> bool:
        assert unit is not None
        return P.can(user, "delete", getattr(world, kind)[unit])

    return rule


def sees_job(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_see_job(user, world.jobs[unit])


def retries_job(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_retry_job(user, world.jobs[unit])


def sees_warning(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_see_warning(user, world.warnings[unit])


def acknowledges_warning(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_acknowledge_warning(user, world.warnings[unit])


def handles_item(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_handle_supervision_item(user, world.items[unit])


def issues_items(user: Any, world: World, unit: str | None) -> bool:
    return P.may_issue_supervision_items(user)


def reviews(user: Any, world: World, unit: str | None) -> bool:
    """Approve/return: an approver of the report's unit (or above), the plan office."""
    assert unit is not None
    report = world.reports[unit]
    return P.can_review_reports(user) and (P.reviews_every_unit(user) or P.can(user, "change", report))


def fills(user: Any, world: World, unit: str | None) -> bool:
    """Fill in / submit the report of the unit's task: reporters and county users of its unit."""
    assert unit is not None
    return P.can_fill_reports(user) and P.can(user, "change", world.tasks[unit])


def fills_project(user: Any, world: World, unit: str | None) -> bool:
    """Fill in / submit the report of the unit's key project (projreports)."""
    assert unit is not None
    return P.may_fill_project_report(user, world.projects[unit])


def reviews_project(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_review_project_report(user, world.project_reports[unit])


def supervises_project(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_supervise_project_report(user, world.project_reports[unit])


def fills_any(user: Any, world: World, unit: str | None) -> bool:
    return P.can_fill_reports(user)


def overview(user: Any, world: World, unit: str | None) -> bool:
    return P.may_see_report_overview(user)


def reviewers(user: Any, world: World, unit: str | None) -> bool:
    return P.can_review_reports(user)


def reminders(user: Any, world: World, unit: str | None) -> bool:
    return P.may_see_reminders(user)


def urges(user: Any, world: World, unit: str | None) -> bool:
    return P.may_urge_reports(user)


def sees_list(user: Any, world: World, state: str | None) -> bool:
    """A published list: every signed-in user; a draft: those who manage the lists."""
    return P.has_role(user) and (state == "published" or P.may_manage_ranking_lists(user))


def lists_office(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_ranking_lists(user)


def edits_indicator(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return bool(P.editable_fields(user, world.indicators[unit]))


def edits_task(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return bool(P.editable_fields(user, world.tasks[unit]))


def manages_shares(user: Any, world: World, unit: str | None) -> bool:
    return P.can_manage_shares(user)


def reopens(user: Any, world: World, unit: str | None) -> bool:
    return P.may_reopen_task(user)


def evaluates(user: Any, world: World, unit: str | None) -> bool:
    return P.may_evaluate(user)


def edits_project(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_change_project(user, world.projects[unit])


# -- key projects: campaigns and networks (issue 12, projdemo) -------------------------------


def manages_campaigns(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_campaigns(user)


def _campaign_pk(w: World, u: str | None) -> str:
    from jingjin.projects.models import Campaign

    campaign, _ = Campaign.objects.get_or_create(
        code="m-c1",
        defaults={"name_zh": "会战", "name_en": "C", "start": date(2024, 1, 1), "end": date(2024, 12, 31)},
    )
    return str(campaign.pk)


def _network_code(w: World, u: str | None) -> str:
    from jingjin.projects.models import NetworkPlan

    NetworkPlan.objects.get_or_create(code="m-n1", defaults={"kind": "rail", "name_zh": "网", "name_en": "N"})
    return "m-n1"


def manages_networks(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_networks(user)


def _line_code(w: World, u: str | None) -> str:
    from jingjin.projects.models import NetworkLine, NetworkPlan

    network = NetworkPlan.objects.get(code=_network_code(w, u))
    NetworkLine.objects.get_or_create(
        code="m-l1", defaults={"network": network, "name_zh": "线", "name_en": "L"}
    )
    return "m-l1"


def manages_parks(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_park_registers(user)


# ecoair: the air monitoring data
def imports_air(user: Any, world: World, unit: str | None) -> bool:
    return P.may_import_air_data(user)


def sets_air_targets(user: Any, world: World, unit: str | None) -> bool:
    return P.may_set_air_targets(user)


# -- ecology: water data and fed indicators (slice ecowater)
def imports_water(user: Any, world: World, unit: str | None) -> bool:
    return P.may_import_water_samples(user)


def links_feeds(user: Any, world: World, unit: str | None) -> bool:
    return P.may_link_indicator_feeds(user)


def adds_leads(user: Any, world: World, unit: str | None) -> bool:
    return P.may_add_attraction_leads(user)


def moves_lead(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_move_attraction_lead(user, world.leads[unit])


def imports_candidates(user: Any, world: World, unit: str | None) -> bool:
    return P.may_import_candidates(user)


# -- configurable schemes (slice schemes)
def schemes_office(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_assessment_schemes(user)


def _scheme_path(suffix: str) -> PathOf:
    return lambda w, u: f"/schemes/{w.schemes['scheme'].pk}/{suffix}"


def changes_park(user: Any, world: World, unit: str | None) -> bool:
    return bool(P.editable_fields(user, world.parks["park"]))


# -- villages (issue 15)
def manages_villages(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_villages(user)


def enters_village(user: Any, world: World, unit: str | None) -> bool:
    assert unit is not None
    return P.may_enter_village_data(user, world.villages[unit])


def imports_incomes(user: Any, world: World, unit: str | None) -> bool:
    return P.may_import_collective_incomes(user)


def enters_any_village(user: Any, world: World, unit: str | None) -> bool:
    return P.may_enter_any_village_data(user)


# -- official documents and the public page (issue 20, slice documents)


def _document(w: World, unit: str | None) -> Any:
    """A document addressed to ``unit`` (made on first use; the files are stubs: the matrix tests
    who may read them, tests/documents their layout)."""
    from jingjin.documents.models import OfficialDocument

    assert unit is not None
    made: dict[str, Any] = w.__dict__.setdefault("documents", {})
    if unit not in made:
        number = len(made) + 1
        document = OfficialDocument.objects.create(
            plan=w.tasks["t"].measure.action.plan,
            kind="notice",
            issuer="测试办",
            prefix="测督",
            year=2024,
            sequence=number,
            number=f"测督〔2024〕{number}号",
            title="督办函",
            body="正文",
            signature="测试办",
            date=date(2024, 3, 1),
            docx=b"PK",
            pdf=b"%PDF",
        )
        document.recipients.set([w.units[unit]])
        made[unit] = document
    return made[unit]


def reads_document(user: Any, world: World, unit: str | None) -> bool:
    return P.may_read_document(user, _document(world, unit))


def issues_documents(user: Any, world: World, unit: str | None) -> bool:
    return P.may_issue_documents(user)


def sees_reporting_load(user: Any, world: World, unit: str | None) -> bool:
    return P.may_see_reporting_load(user)


def sets_document_settings(user: Any, world: World, unit: str | None) -> bool:
    return P.may_set_document_settings(user)


def sets_public_page(user: Any, world: World, unit: str | None) -> bool:
    return P.may_set_public_page(user)


def _public_plan(w: World, u: str | None) -> str:
    from jingjin.plans.models import Plan

    Plan.objects.filter(code=plan(w)).update(public=True)
    return f"/public/{plan(w)}/"


# -- people (issue 17): a talent, a party organisation and its warning per unit, one challenge


def _people(w: World, kind: str, unit: str | None) -> Any:
    """The unit's talent, organisation or warning (``kind``), or the challenge, made on first use."""
    from jingjin.people import models as pm

    made: dict[tuple[str, str | None], Any] = w.__dict__.setdefault("people", {})
    key = (kind, None if kind == "challenge" else unit)
    if key in made:
        return made[key]
    if kind == "challenge":
        made[key] = pm.Challenge.objects.create(
            code="JB-M",
            title="难题",
            goal="g",
            budget=1,
            deadline=date(2099, 1, 1),
            evaluation="e",
            unit=w.units["t"],
            state="published",
        )
        return made[key]
    assert unit is not None
    n = UNITS.index(unit)
    if kind == "talent":
        made[key] = pm.Talent.objects.create(
            code=f"RC-M{n}", name="张某", category="leading", unit=w.units[unit]
        )
    elif kind == "team":
        made[key] = pm.TalentTeam.objects.create(code=f"TD-M{n}", name="团队", unit=w.units[unit])
    elif kind == "org":
        made[key] = pm.PartyOrg.objects.create(
            code=f"DZ-M{n}", name="支部", kind="village", unit=w.units[unit], members=9
        )
    else:
        made[key] = pm.PartyWarning.objects.create(
            org=_people(w, "org", unit),
            level="red",
            reasons=[],
            raised_on=date(2024, 3, 1),
            evaluated_on=date(2024, 3, 1),
        )
    return made[key]


def sees_talent(user: Any, world: World, unit: str | None) -> bool:
    return P.may_see_talent(user, _people(world, "talent", unit))


def sees_org(user: Any, world: World, unit: str | None) -> bool:
    return P.may_see_party_org(user, _people(world, "org", unit))


def edits_org(user: Any, world: World, unit: str | None) -> bool:
    return P.may_edit_party_org(user, _people(world, "org", unit))


def manages_people(user: Any, world: World, unit: str | None) -> bool:
    return P.manages_people(user)


def adds_talents(user: Any, world: World, unit: str | None) -> bool:
    return P.may_add_talents(user)


def edits_team(user: Any, world: World, unit: str | None) -> bool:
    return P.may_edit_talent_team(user, _people(world, "team", unit))


def manages_challenges(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_challenges(user)


def manages_orgs(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_party_orgs(user)


def reads_access_log(user: Any, world: World, unit: str | None) -> bool:
    return P.may_see_talent_access_log(user)


@dataclass(frozen=True)
class Entry:
    path: PathOf
    methods: dict[str, Rule]
    api: bool = False
    scoped: bool = False  # the object depends on the unit (own / other / above / below)
    may_404: bool = False  # allowed, the object's state may still answer 404
    public: bool = False  # open to anonymous users (sign-in, language, API token)
    data: dict[str, Any] = field(default_factory=dict)  # the body of a write
    states: bool = False  # the object is a red/black list, draft or published (not a unit's)


def page(path: str | PathOf, methods: dict[str, Rule] | None = None, **kw: Any) -> Entry:
    return Entry(path if callable(path) else (lambda w, u, p=path: p), methods or {"GET": signed_in}, **kw)


def api(path: str | PathOf, methods: dict[str, Rule] | None = None, **kw: Any) -> Entry:
    return page(path, methods, api=True, **kw)


def plan(w: World) -> str:
    return w.tasks["t"].measure.action.plan.code


def _pk(kind: str, suffix: str = "") -> PathOf:
    return lambda w, u: f"/api/{kind.replace('_', '-')}s/{getattr(w, kind + 's')[u].pk}{suffix}"


def _crud(kind: str, **kw: Any) -> Entry:
    return api(
        _pk(kind),
        {
            "GET": signed_in,
            "PUT": change(kind + "s"),
            "PATCH": change(kind + "s"),
            "DELETE": delete(kind + "s"),
        },
        scoped=True,
        **kw,
    )


# -- ecology registers (slice ecoreg): one record of each register per unit, made on first use


def _eco(w: World, kind: str, unit: str | None) -> Any:
    """The unit's record of the ecology register ``kind`` (a register slug), created when first asked."""
    from jingjin.ecology import models as eco

    assert unit is not None
    made: dict[tuple[str, str], Any] = w.__dict__.setdefault("eco", {})
    if (kind, unit) not in made:
        county = w.units[unit]
        n = UNITS.index(unit)
        common = {"code": f"E{n}-{kind[:3]}", "name_zh": "示例", "name_en": "Example"}
        if kind == "reduction-projects":
            made[(kind, unit)] = eco.ReductionProject.objects.create(
                source=_eco(w, "pollution-sources", unit), **common
            )
        else:
            model, extra = {
                "stations": (eco.Station, {"level": "city"}),
                "sections": (eco.Section, {"level": "city", "waterbody": "河"}),
                "blackodor-bodies": (eco.BlackOdorousBody, {}),
                "pollution-sources": (eco.PollutionSource, {"kind": "other"}),
                "soil-risk-sites": (eco.SoilRiskSite, {}),
                "heavy-metal-projects": (eco.HeavyMetalProject, {"metals": "铅"}),
            }[kind]
            made[(kind, unit)] = model.objects.create(county=county, **common, **extra)
    return made[(kind, unit)]


def manages_ecology(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_ecology_registers(user)


def imports_ecology(user: Any, world: World, unit: str | None) -> bool:
    return P.may_import_ecology_registers(user)


def changes_eco(kind: str) -> Rule:
    def rule(user: Any, world: World, unit: str | None) -> bool:
        return P.may_change_ecology_record(user, _eco(world, kind, unit))

    rule.__name__ = f"changes_{kind}"
    return rule


def _eco_api(kind: str) -> Entry:
    return api(
        lambda w, u: f"/api/{kind}/{_eco(w, kind, u).pk}",
        {"GET": signed_in, "PUT": changes_eco(kind), "PATCH": changes_eco(kind), "DELETE": manages_ecology},
        scoped=True,
    )


def manages_land(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_land_campaigns(user)


def sees_land_firm(user: Any, world: World, unit: str | None) -> bool:
    return unit is not None and P.may_see_land_result(user, world.units[unit].pk)


def appeals_land(user: Any, world: World, unit: str | None) -> bool:
    return unit is not None and P.may_file_land_appeal(user, world.units[unit].pk)


def files_land_appeals(user: Any, world: World, unit: str | None) -> bool:
    return P.may_file_land_appeals(user)


def rectifies_land(user: Any, world: World, unit: str | None) -> bool:
    return unit is not None and P.may_update_land_rectification(user, world.units[unit].pk)


def _eco_page(suffix: str) -> PathOf:
    return lambda w, u: f"/ecology/registers/blackodor-bodies/{_eco(w, 'blackodor-bodies', u).code}/{suffix}"


# -- admission (slice admission): a catalogue entry, a zoning unit, an application in the park of
# county t.c and a run, made on first use


def _adm(w: World, kind: str) -> Any:
    from decimal import Decimal

    from jingjin.admission import models as adm

    made: dict[str, Any] = w.__dict__.setdefault("adm", {})
    if not made:
        park, industry = w.parks["park"], w.parks["industry"]
        made["catalogue"] = adm.CatalogueEntry.objects.create(
            code="C1", name="示例", klass="encouraged", version=2024
        )
        zoning = adm.ZoningUnit.objects.create(
            code="Z1", name="示例", county=w.units["t.c"], unit_type="general"
        )
        made["zoning"] = zoning
        figures = {f: Decimal(1) for f in ("land_mu", "investment_intensity", "output_per_mu", "tax_per_mu")}
        made["application"] = adm.Application.objects.create(
            code="AP1", project_name="示例", firm="示例企业甲", credit_code=w.firms["t"].credit_code,
            park=park, industry=industry, zoning_unit=zoning, energy_per_output=Decimal(1),
            submitted_on=date(2024, 3, 1), **figures,
        )  # fmt: skip
        pool = adm.QuotaPool.objects.create(year=2024, land_mu=1, energy_tce=1, env_units=1)
        made["run"] = adm.AllocationRun.objects.create(
            code="R1", name="示例", pool=pool, source="applications"
        )
    return made[kind]


def manages_admission(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_admission_registers(user)


def files_applications(user: Any, world: World, unit: str | None) -> bool:
    return P.may_file_admission_application(user)


def checks_application(user: Any, world: World, unit: str | None) -> bool:
    return P.may_check_admission_application(user, _adm(world, "application"))


def decides_applications(user: Any, world: World, unit: str | None) -> bool:
    return P.may_decide_admission_application(user)


def runs_allocation(user: Any, world: World, unit: str | None) -> bool:
    return P.may_run_quota_allocation(user)


ECOLOGY_API = {
    "station": "stations",
    "section": "sections",
    "blackodorousbody": "blackodor-bodies",
    "pollutionsource": "pollution-sources",
    "reductionproject": "reduction-projects",
    "soilrisksite": "soil-risk-sites",
    "heavymetalproject": "heavy-metal-projects",
}


# -- supervision practices (slice supervise, issue 20): made on first use, one per unit


def _sv(w: World, kind: str, unit: str | None = None) -> Any:
    """The instruction, meeting (one each), or the unit's extension request, urging or stationing."""
    from jingjin.supervision.models import ExtensionRequest, Instruction, Meeting, Stationing, Urging

    made: dict[tuple[str, str | None], Any] = w.__dict__.setdefault("sv", {})
    key = (kind, unit)
    if key not in made:
        if kind == "instruction":
            made[key] = Instruction.objects.create(
                code="PS-2024-0001",
                text="批示",
                leader_name="某领导",
                deadline=date(2024, 5, 1),
                task=w.tasks["t"],
            )
        elif kind == "meeting":
            meeting = Meeting.objects.create(
                code="HY-2024-0001", title="会", date=date(2024, 3, 5), place="地", chair="某"
            )
            meeting.decisions.create(text="定", unit=w.units["t.a"], deadline=date(2024, 4, 1))
            made[key] = meeting
        elif kind == "extension":
            item = w.items[unit]
            made[key] = ExtensionRequest.objects.create(
                item=item, old_deadline=item.deadline, new_deadline=date(2024, 5, 1), reason="理由"
            )
        elif kind == "urging":
            made[key] = Urging.objects.create(
                item=w.items[unit], unit=w.units[unit], colour="blue", date=date(2024, 4, 11)
            )
        else:
            made[key] = Stationing.objects.create(
                code=f"DD-2024-{UNITS.index(unit or 't') + 1:04d}", cadre_name="某", cadre_unit=w.units[unit],
                task=w.tasks["t"], purpose="蹲点", start=date(2024, 3, 1), end=date(2024, 6, 1),
            )  # fmt: skip
    return made[key]


def lists_unit(user: Any, world: World, unit: str | None) -> bool:
    """In the user's lists: the plan office and leaders every unit's, unit users their scope's."""
    assert unit is not None
    return P.has_role(user) and (not P.acts_for_a_unit(user) or world.units[unit].pk in P.unit_scope(user))


def gives_instructions(user: Any, world: World, unit: str | None) -> bool:
    return P.may_give_instructions(user)


def asks_extension(user: Any, world: World, unit: str | None) -> bool:
    return P.may_request_extension(user, world.items[unit])


def decides_extensions(user: Any, world: World, unit: str | None) -> bool:
    return P.may_decide_extensions(user) and lists_unit(user, world, unit)


def decides_extensions_anywhere(user: Any, world: World, unit: str | None) -> bool:
    return P.may_decide_extensions(user)


def manages_meetings(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_meetings(user)


def manages_stationings(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_stationings(user)


def logs_stationing(user: Any, world: World, unit: str | None) -> bool:
    return P.may_log_stationing(user, _sv(world, "stationing", unit))


def _sv_api(kind: str, suffix: str = "") -> PathOf:
    route = {"extension": "extension-requests", "urging": "urgings", "stationing": "stationings"}[kind]
    return lambda w, u: f"/api/{route}/{_sv(w, kind, u).pk}{suffix}"


def _sv_pages() -> dict[str, Entry]:
    ins = lambda w, u: f"/supervision/instructions/new/?task={w.tasks['t'].pk}"  # noqa: E731
    meet = lambda w, u: f"/supervision/meetings/{_sv(w, 'meeting').code}/"  # noqa: E731
    stat = lambda w, u: f"/supervision/stationings/{_sv(w, 'stationing', u).code}/"  # noqa: E731
    return {
        "supervision:instructions": page("/supervision/instructions/"),
        "supervision:instruction_give": page(ins, {"GET": gives_instructions, "POST": gives_instructions}),
        "supervision:instruction": page(
            lambda w, u: f"/supervision/instructions/{_sv(w, 'instruction').code}/"
        ),
        "supervision:extensions": page("/supervision/extensions/"),
        "supervision:extension_decide": page(
            lambda w, u: f"/supervision/extensions/{_sv(w, 'extension', u).pk}/decide/",
            {"POST": decides_extensions_anywhere},
            scoped=True,
        ),
        "supervision:extension_request": page(
            lambda w, u: f"/supervision/{w.items[u].code}/extension/", {"POST": asks_extension}, scoped=True
        ),
        "supervision:urgings": page("/supervision/urgings/"),
        "supervision:meetings": page("/supervision/meetings/"),
        "supervision:meeting_new": page(
            "/supervision/meetings/new/", {"GET": manages_meetings, "POST": manages_meetings}
        ),
        "supervision:meeting": page(meet),
        "supervision:meeting_issue": page(lambda w, u: meet(w, u) + "issue/", {"POST": manages_meetings}),
        "supervision:meeting_minutes": page(lambda w, u: meet(w, u) + "minutes.docx"),
        "supervision:stationings": page("/supervision/stationings/"),
        "supervision:stationing_new": page(
            "/supervision/stationings/new/", {"GET": manages_stationings, "POST": manages_stationings}
        ),
        "supervision:stationing": page(stat, scoped=True),
        "supervision:stationing_write": page(
            lambda w, u: stat(w, u) + "log/", {"POST": logs_stationing}, scoped=True
        ),
    }


def _sv_apis() -> dict[str, Entry]:
    return {
        "instruction-list": api("/api/instructions", {"GET": signed_in, "POST": gives_instructions}),
        "instruction-detail": api(lambda w, u: f"/api/instructions/{_sv(w, 'instruction').pk}"),
        "extension-request-list": api("/api/extension-requests", {"GET": signed_in, "POST": signed_in}),
        "extension-request-detail": api(_sv_api("extension"), {"GET": lists_unit}, scoped=True),
        "extension-request-grant": api(
            _sv_api("extension", "/grant"), {"POST": decides_extensions}, scoped=True
        ),
        "extension-request-refuse": api(
            _sv_api("extension", "/refuse"), {"POST": decides_extensions}, scoped=True
        ),
        "urging-list": api("/api/urgings"),
        "urging-detail": api(_sv_api("urging"), {"GET": lists_unit}, scoped=True),
        "meeting-list": api("/api/meetings", {"GET": signed_in, "POST": manages_meetings}),
        "meeting-detail": api(lambda w, u: f"/api/meetings/{_sv(w, 'meeting').pk}"),
        "meeting-issue": api(
            lambda w, u: f"/api/meetings/{_sv(w, 'meeting').pk}/issue", {"POST": manages_meetings}
        ),
        "stationing-list": api("/api/stationings", {"GET": signed_in, "POST": manages_stationings}),
        "stationing-detail": api(_sv_api("stationing"), scoped=True),
        "stationing-log": api(_sv_api("stationing", "/log"), {"POST": logs_stationing}, scoped=True),
        "stationing-close": api(_sv_api("stationing", "/close"), {"POST": manages_stationings}, scoped=True),
    }


# -- appeals (issue 20, slice appeals): the unit's entry of the published list and an appeal on it


def _appeal(w: World, unit: str | None) -> Any:
    """The unit's appeal (with an evidence file) on its entry of the published list, made on first use."""
    made: dict[str | None, Any] = w.__dict__.setdefault("appeals", {})
    if unit not in made:
        from django.core.files.base import ContentFile

        from jingjin.appeals.models import Appeal, AppealEvidence
        from jingjin.assessment.models import RankingEntry

        listed = w.lists["published"]
        entry = RankingEntry.objects.filter(ranking_list=listed, unit=w.units[unit], project=None).first()
        if entry is None:
            entry = RankingEntry.objects.create(
                ranking_list=listed,
                unit=w.units[unit],
                on_time_pct=50,
                score=50,
                target_met=False,
                verdict="none",
            )
        appeal = Appeal.objects.create(
            ranking_list=listed, unit=w.units[unit], reason="异议", filed_at=timezone.now()
        )
        evidence = AppealEvidence(
            appeal=appeal,
            original_name="证明.txt",
            kind="txt",
            size=2,
            sha256="0" * 64,
            uploaded_at=timezone.now(),
        )
        evidence.file.save("a.txt", ContentFile(b"ok"), save=True)
        made[unit] = {"entry": entry, "appeal": appeal, "evidence": evidence}
    return made[unit]


def files_appeal(user: Any, world: World, unit: str | None) -> bool:
    return P.may_file_appeal(user, world.units[unit].pk if unit else None)


def files_appeals(user: Any, world: World, unit: str | None) -> bool:
    return P.may_file_appeals(user)


def sees_appeal(user: Any, world: World, unit: str | None) -> bool:
    return P.may_see_appeal(user, _appeal(world, unit)["appeal"])


def decides_appeal(user: Any, world: World, unit: str | None) -> bool:
    return P.may_decide_appeals(user) and sees_appeal(user, world, unit)


def _appeal_run(w: World) -> Any:
    """A published run of the world's scheme with a row for every unit (appeals on runs), made on
    first use."""
    if "appeal_run" not in w.__dict__:
        from jingjin.assessment.scheme_models import SchemeRun

        rows = [
            {"unit": code, "name_zh": code, "total": 1.0, "rank": None, "verdict": "none"} for code in w.units
        ]
        w.__dict__["appeal_run"] = SchemeRun.objects.create(
            scheme=w.schemes["scheme"],
            period=w.period,
            kind="published",
            rows=rows,
            as_of=timezone.now().date(),
            computed_at=timezone.now(),
        )
    return w.__dict__["appeal_run"]


def _appeal_entries() -> dict[str, Entry]:
    detail = lambda w, u: f"/appeals/{_appeal(w, u)['appeal'].pk}/"  # noqa: E731
    api_detail = lambda w, u: f"/api/appeals/{_appeal(w, u)['appeal'].pk}"  # noqa: E731
    return {
        "appeals:queue": page("/appeals/"),
        "appeals:file": page(
            lambda w, u: f"/appeals/file/{_appeal(w, u)['entry'].pk}/",
            {"GET": files_appeal, "POST": files_appeal},
            scoped=True,
        ),
        "appeals:file_run": page(
            lambda w, u: f"/appeals/file/run/{_appeal_run(w).pk}/{u}/",
            {"GET": files_appeal, "POST": files_appeal},
            scoped=True,
        ),
        "appeals:detail": page(detail, {"GET": sees_appeal}, scoped=True),
        "appeals:decide": page(lambda w, u: detail(w, u) + "decide/", {"POST": decides_appeal}, scoped=True),
        "appeals:evidence": page(
            lambda w, u: f"/appeals/evidence/{_appeal(w, u)['evidence'].pk}/",
            {"GET": sees_appeal},
            scoped=True,
        ),
        "appeal-list": api("/api/appeals", {"GET": signed_in, "POST": files_appeals}),
        "appeal-detail": api(api_detail, {"GET": sees_appeal}, scoped=True),
        "appeal-decide": api(
            lambda w, u: api_detail(w, u) + "/decide", {"POST": decides_appeal}, scoped=True
        ),
    }


# -- rural monitoring (issue 15, slice ruralhh): one household in a village of county C, made on first use


def _rural(w: World) -> dict[str, Any]:
    """A household of county C (t.c) with a screening run and a candidate, created when first asked."""
    made: dict[str, Any] | None = w.__dict__.get("rural")
    if made is None:
        from jingjin.rural.models import (
            AssistanceMeasure,
            Candidate,
            Household,
            IncomeRecord,
            Member,
            RiskFactor,
            ScreeningRun,
        )

        village, _ = Unit.objects.get_or_create(  # the villages' world may have made it
            code="t.c.x.v", defaults={"name_zh": "示例村", "kind": "village", "parent": w.units["t.c.x"]}
        )
        county = w.units["t.c"]
        household = Household.objects.create(
            code="JC000001", head_name="张某（演示）", village=village, county=county, channel="cadre_visit",
            monitoring_type="marginal", lead_date=date(2024, 3, 1),
        )  # fmt: skip
        run = ScreeningRun.objects.create(county=county, year=2021, line=6000, as_of=date(2024, 3, 1))
        candidate = Candidate.objects.create(
            run=run, reference="R1", village=village, size=2, net_income=1000, rigid_expenditure=0,
            per_capita_income=500, monitoring_type="marginal",
        )  # fmt: skip
        risk = RiskFactor.objects.create(household=household, kind="illness")
        member = Member.objects.create(household=household, name="张某（演示）", relation="head")
        measure = AssistanceMeasure.objects.create(
            household=household, kind="medical", description="医疗救助（演示）", started_on=date(2024, 3, 5)
        )
        income = IncomeRecord.objects.create(household=household, month=date(2024, 2, 1), net_income=8000)
        made = w.__dict__["rural"] = {
            "household": household,
            "run": run,
            "candidate": candidate,
            "risk": risk,
            "members": member,
            "risks": risk,
            "measures": measure,
            "incomes": income,
        }
    return made


def _household_path(part: str) -> PathOf:
    """The path of one of the demo household's record routes (``steps``, ``members`` …)."""
    return lambda w, u: f"/api/households/{_rural(w)['household'].code}/{part}"


def _household_record_path(kind: str, suffix: str = "") -> PathOf:
    """The path of one of the demo household's records (``members``, ``risks`` …), then ``suffix``."""
    return lambda w, u: f"/api/households/{_rural(w)['household'].code}/{kind}/{_rural(w)[kind].pk}{suffix}"


def screens_households(user: Any, world: World, unit: str | None) -> bool:
    return P.may_screen_households(user)


def works_on_household(user: Any, world: World, unit: str | None) -> bool:
    return P.may_work_on_household(user, _rural(world)["household"])


def reads_rural_access_log(user: Any, world: World, unit: str | None) -> bool:
    return P.may_read_access_log(user)


def manages_income_lines(user: Any, world: World, unit: str | None) -> bool:
    return P.may_manage_income_lines(user)


MATRIX: dict[str, Entry] = {
    # -- the API ---------------------------------------------------------------------------
    # the schema and its docs need signing in; a token is asked for with a user name and password
    "openapi": api("/api/openapi.json"),
    "api-docs": api("/api/docs"),
    "api-token": api("/api/auth/token", {"POST": anybody, "DELETE": signed_in}, public=True),
    "api-token-rotate": api("/api/auth/token/rotate", {"POST": signed_in}),
    "api-root": api("/api/"),
    "unit-list": api("/api/units", {"GET": signed_in, "POST": office}),
    "unit-detail": api(
        lambda w, u: f"/api/units/{w.units[u].pk}",
        {"GET": signed_in, "PUT": office, "PATCH": office, "DELETE": office},
        scoped=True,
    ),
    "plan-list": api("/api/plans", {"GET": signed_in, "POST": office}),
    "plan-detail": api(
        lambda w, u: f"/api/plans/{w.tasks['t'].measure.action.plan_id}",
        {"GET": signed_in, "PUT": office, "PATCH": office, "DELETE": office},
    ),
    "action-list": api("/api/actions", {"GET": signed_in, "POST": office}),
    "action-detail": _crud("action"),
    "measure-list": api("/api/measures", {"GET": signed_in, "POST": office}),
    "measure-detail": _crud("measure"),
    "task-list": api("/api/tasks", {"GET": signed_in, "POST": office}),
    "task-detail": _crud("task"),
    "task-reopen": api(_pk("task", "/reopen"), {"POST": reopens}, scoped=True),
    "task-shares": api(_pk("task", "/shares"), {"GET": signed_in, "POST": manages_shares}, scoped=True),
    "task-share": api(
        lambda w, u: f"/api/tasks/{w.tasks[u].pk}/shares/{w.shares[u].pk}",
        {"PATCH": manages_shares, "DELETE": manages_shares},
        scoped=True,
    ),
    "indicator-list": api("/api/indicators", {"GET": signed_in, "POST": office}),
    "indicator-detail": _crud("indicator"),
    "audit-list": api("/api/audit"),
    "audit-detail": api(lambda w, u: f"/api/audit/{AuditEntry.objects.order_by('pk').first().pk}"),
    "report-tools-batch": api("/api/reports/batch", {"GET": fills_any, "POST": fills_any}),
    "report-tools-copy-previous": api("/api/reports/copy-previous", {"POST": fills_any}),
    "report-list": api("/api/reports", {"GET": signed_in, "POST": fills_any}),
    "report-detail": api(_pk("report"), {"GET": signed_in, "PATCH": fills}, scoped=True),
    "report-approve": api(_pk("report", "/approve"), {"POST": reviews}, scoped=True),
    "report-return": api(_pk("report", "/return"), {"POST": reviews}, scoped=True),
    "report-submit": api(_pk("report", "/submit"), {"POST": fills}, scoped=True),
    "period-list": api("/api/periods"),
    "period-detail": api(lambda w, u: f"/api/periods/{w.period.pk}"),
    "period-urge-urge": api(lambda w, u: f"/api/periods/{w.period.code}/urge", {"POST": urges}),
    "supervision-item-list": api("/api/supervision-items", {"GET": signed_in, "POST": issues_items}),
    "supervision-item-detail": api(lambda w, u: f"/api/supervision-items/{w.items[u].pk}", scoped=True),
    "supervision-item-acknowledge": api(
        lambda w, u: f"/api/supervision-items/{w.items[u].pk}/acknowledge",
        {"POST": handles_item},
        scoped=True,
    ),
    "supervision-item-start": api(
        lambda w, u: f"/api/supervision-items/{w.items[u].pk}/start", {"POST": handles_item}, scoped=True
    ),
    "supervision-item-answer": api(
        lambda w, u: f"/api/supervision-items/{w.items[u].pk}/answer", {"POST": handles_item}, scoped=True
    ),
    "supervision-item-close": api(
        lambda w, u: f"/api/supervision-items/{w.items[u].pk}/close", {"POST": issues_items}, scoped=True
    ),
    "supervision-item-reopen": api(
        lambda w, u: f"/api/supervision-items/{w.items[u].pk}/reopen", {"POST": issues_items}, scoped=True
    ),
    "ranking-list-list": api("/api/ranking-lists", {"GET": signed_in, "POST": lists_office}),
    "ranking-list-detail": api(
        lambda w, s: f"/api/ranking-lists/{w.lists[s].pk}", {"GET": sees_list}, states=True
    ),
    "ranking-list-exempt": api(
        lambda w, s: f"/api/ranking-lists/{w.lists[s].pk}/exempt", {"POST": lists_office}, states=True
    ),
    "ranking-list-publish": api(
        lambda w, s: f"/api/ranking-lists/{w.lists[s].pk}/publish", {"POST": lists_office}, states=True
    ),
    "ranking-scheme-list": api("/api/ranking-schemes"),
    # -- configurable schemes, races, village-cadre pay (slice schemes)
    "assessment-scheme-list": api("/api/assessment-schemes", {"GET": signed_in, "POST": schemes_office}),
    "assessment-scheme-detail": api(
        lambda w, u: f"/api/assessment-schemes/{w.schemes['scheme'].pk}",
        {"GET": signed_in, "PATCH": schemes_office},
    ),
    "assessment-scheme-preview": api(
        lambda w, u: f"/api/assessment-schemes/{w.schemes['scheme'].pk}/preview", {"POST": schemes_office}
    ),
    "assessment-scheme-publish": api(
        lambda w, u: f"/api/assessment-schemes/{w.schemes['scheme'].pk}/publish", {"POST": schemes_office}
    ),
    "race-list": api("/api/races"),
    "recorded-figure-import": api("/api/recorded-figures/import", {"POST": schemes_office}),  # figimport
    "race-detail": api(lambda w, u: f"/api/races/{w.schemes['race'].pk}"),
    "cadre-pay-list": api("/api/cadre-pay"),
    "cadre-pay-detail": api(lambda w, u: f"/api/cadre-pay/{w.schemes['pay'].pk}"),
    "ranking-scheme-detail": api("/api/ranking-schemes/999999", may_404=True),
    "cockpit-list": api("/api/cockpit"),
    "warning-list": api("/api/warnings"),
    "warning-detail": api(
        lambda w, u: f"/api/warnings/{w.warnings[u].pk}", {"GET": sees_warning}, scoped=True
    ),
    "warning-acknowledge": api(
        lambda w, u: f"/api/warnings/{w.warnings[u].pk}/acknowledge",
        {"POST": acknowledges_warning},
        scoped=True,
    ),
    "job-list": api("/api/jobs"),
    "job-detail": api(lambda w, u: f"/api/jobs/{w.jobs[u].pk}", {"GET": sees_job}, scoped=True),
    "job-result": api(
        lambda w, u: f"/api/jobs/{w.jobs[u].pk}/result", {"GET": sees_job}, scoped=True, may_404=True
    ),
    "job-retry": api(lambda w, u: f"/api/jobs/{w.jobs[u].pk}/retry", {"POST": retries_job}, scoped=True),
    "evaluation-list": api("/api/evaluations", {"GET": signed_in, "POST": evaluates}),
    "evaluation-detail": api(lambda w, u: f"/api/evaluations/{w.jobs[u].pk}", {"GET": sees_job}, scoped=True),
    "evaluation-result": api(
        lambda w, u: f"/api/evaluations/{w.jobs[u].pk}/result", {"GET": sees_job}, scoped=True, may_404=True
    ),
    "reminder-list": api("/api/reminders", {"GET": reminders}),
    "project-report-list": api("/api/project-reports", {"GET": signed_in, "POST": fills_any}),
    "project-report-detail": api(
        _pk("project_report"), {"GET": signed_in, "PATCH": fills_project}, scoped=True
    ),
    "project-report-submit": api(_pk("project_report", "/submit"), {"POST": fills_project}, scoped=True),
    "project-report-approve": api(_pk("project_report", "/approve"), {"POST": reviews_project}, scoped=True),
    "project-report-return": api(_pk("project_report", "/return"), {"POST": reviews_project}, scoped=True),
    # key projects (slice projlib)
    "project-list": api("/api/projects", {"GET": signed_in, "POST": office}),
    "project-detail": _crud("project"),
    "project-import": api("/api/projects/import", {"POST": office}),
    # ecoair: the daily air results and the import of hourly data
    "station-data-list": api("/api/station-data"),
    "station-data-import-file": api("/api/station-data/import", {"POST": imports_air}),
    "section-sample-list": api("/api/section-samples"),
    "section-sample-import": api("/api/section-samples/import", {"POST": imports_water}),
    # -- the pages -------------------------------------------------------------------------
    "set_language": page("/i18n/setlang/", {"POST": anybody}, public=True),
    "login": page("/accounts/login/", {"GET": anybody, "POST": anybody}, public=True),
    "logout": page("/accounts/logout/", {"POST": anybody}, public=True),
    "units": page("/units/"),
    "unit": page(lambda w, u: f"/units/{u}/", scoped=True),
    "audit": page("/audit/"),
    "benchmark:compare": page("/benchmark/"),
    "benchmark:export": page("/benchmark/export.xlsx"),
    "benchmark:import": page("/benchmark/import/", {"GET": office, "POST": office}),
    "benchmark:catalogue": page("/benchmark/catalogue/"),
    "benchmark:groups": page("/benchmark/groups/"),
    "reporting:home": page("/reports/"),
    "reporting:review": page("/reports/review/", {"GET": reviewers}),
    "reporting:overview": page("/reports/overview/", {"GET": overview}),
    "reporting:overview_export": page("/reports/overview/export.xlsx", {"GET": overview}),
    "reporting:evidence": page(
        lambda w, u: f"/reports/evidence/{w.evidence[u].pk}/", scoped=True, may_404=True
    ),
    "reporting:report": page(
        lambda w, u: f"/reports/{w.period.code}/tasks/{w.tasks[u].pk}/",
        {"GET": signed_in, "POST": fills},
        scoped=True,
        data={"action": "save"},
    ),
    "reporting:batch": page("/reports/batch/", {"GET": fills_any, "POST": fills_any}),
    "reporting:batch_template": page("/reports/batch/template.xlsx", {"GET": fills_any}),
    "reporting:copy_previous": page(
        lambda w, u: f"/reports/{w.period.code}/tasks/{w.tasks[u].pk}/copy/", {"POST": fills}, scoped=True
    ),
    "projects:report_home": page("/projects/reports/"),
    "projects:report_review": page("/projects/reports/review/", {"GET": reviewers}),
    "projects:report_edit": page(
        lambda w, u: f"/projects/reports/{w.period.code}/{w.projects[u].code}/",
        {"GET": signed_in, "POST": fills_project},
        scoped=True,
        data={"action": "save"},
    ),
    "projects:report_detail": page(
        lambda w, u: f"/projects/reports/{w.project_reports[u].pk}/",
        {"GET": signed_in, "POST": reviews_project},
        scoped=True,
        data={"action": "approve"},
    ),
    "projects:report_supervise": page(
        lambda w, u: f"/projects/reports/{w.project_reports[u].pk}/supervise/",
        {"POST": supervises_project},
        scoped=True,
        data={"assignee_unit": "t.a", "deadline": "2099-01-01"},
    ),
    "supervision:list": page("/supervision/"),
    "supervision:issue": page("/supervision/new/", {"GET": issues_items, "POST": issues_items}),
    "supervision:detail": page(lambda w, u: f"/supervision/{w.items[u].code}/", scoped=True),
    "supervision:step": page(
        lambda w, u: f"/supervision/{w.items[u].code}/answer/", {"POST": handles_item}, scoped=True
    ),
    "assessment:lists": page("/lists/"),
    "schemes:list": page("/schemes/", {"GET": signed_in, "POST": schemes_office}),
    "schemes:detail": page(_scheme_path(""), {"GET": signed_in, "POST": schemes_office}),
    "schemes:preview": page(_scheme_path("preview/"), {"POST": schemes_office}),
    "schemes:publish": page(_scheme_path("publish/"), {"POST": schemes_office}),
    "schemes:revise": page(_scheme_path("revise/"), {"POST": schemes_office}),
    "schemes:lists": page(_scheme_path("lists/"), {"POST": schemes_office}),
    "schemes:race_create": page(_scheme_path("race/"), {"POST": schemes_office}),
    "schemes:race": page(lambda w, u: f"/schemes/races/{w.schemes['race'].pk}/"),
    "schemes:race_run": page(
        lambda w, u: f"/schemes/races/{w.schemes['race'].pk}/run/", {"POST": schemes_office}
    ),
    "schemes:figures": page("/schemes/figures/", {"GET": schemes_office, "POST": schemes_office}),
    # figimport: the template (an empty query answers 400) and the import of recorded figures
    "schemes:figures_template": page("/schemes/figures/template/", {"GET": schemes_office}),
    "schemes:figures_import": page("/schemes/figures/import/", {"POST": schemes_office}),
    "schemes:pay_create": page("/schemes/pay/new/", {"GET": schemes_office, "POST": schemes_office}),
    "schemes:pay_edit": page(
        lambda w, u: f"/schemes/pay/{w.schemes['pay'].pk}/edit/",
        {"GET": schemes_office, "POST": schemes_office},
    ),
    "schemes:pay": page(lambda w, u: f"/schemes/pay/{w.schemes['pay'].pk}/"),
    "schemes:pay_compute": page(
        lambda w, u: f"/schemes/pay/{w.schemes['pay'].pk}/compute/", {"POST": schemes_office}
    ),
    "schemes:pay_export": page(lambda w, u: f"/schemes/pay/{w.schemes['pay'].pk}/export/"),
    "assessment:compute": page("/lists/compute/", {"POST": lists_office}, may_404=True),
    "assessment:list": page(lambda w, s: f"/lists/{w.lists[s].pk}/", {"GET": sees_list}, states=True),
    "assessment:publish": page(
        lambda w, s: f"/lists/{w.lists[s].pk}/publish/", {"POST": lists_office}, states=True
    ),
    "assessment:exempt": page(
        lambda w, s: f"/lists/{w.lists[s].pk}/exempt/",
        {"POST": lists_office},
        states=True,
        data={"unit": "t.a", "reason": "测试"},
    ),
    "assessment:history": page(lambda w, u: f"/lists/units/{u}/", scoped=True),
    # projrank: the plan office edits a red/black list scheme (an empty POST re-shows the form)
    "assessment:scheme_edit": page(
        lambda w, u: f"/lists/schemes/{w.lists['draft'].scheme_id}/",
        {"GET": lists_office, "POST": lists_office},
    ),
    # figimport: the office links the scheme to a configurable scheme (an empty POST unlinks it)
    "assessment:scheme_link": page(
        lambda w, u: f"/lists/schemes/{w.lists['draft'].scheme_id}/link/", {"POST": lists_office}
    ),
    "dashboard:cockpit": page("/cockpit/"),
    "dashboard:tasks": page("/cockpit/tasks/"),
    "dashboard:bulletin": page(lambda w, u: f"/cockpit/bulletin/{w.period.code}.xlsx"),
    "alerts:list": page("/warnings/"),
    "alerts:acknowledge": page(
        lambda w, u: f"/warnings/{w.warnings[u].pk}/acknowledge/", {"POST": acknowledges_warning}, scoped=True
    ),
    "alerts:notifications_read": page("/warnings/notifications/read/", {"POST": signed_in}),
    "jobs:list": page("/jobs/"),
    "jobs:rows": page("/jobs/rows/"),
    "jobs:detail": page(lambda w, u: f"/jobs/{w.jobs[u].pk}/", {"GET": sees_job}, scoped=True),
    "jobs:status": page(lambda w, u: f"/jobs/{w.jobs[u].pk}/status/", {"GET": sees_job}, scoped=True),
    "jobs:result": page(
        lambda w, u: f"/jobs/{w.jobs[u].pk}/result", {"GET": sees_job}, scoped=True, may_404=True
    ),
    "jobs:retry": page(lambda w, u: f"/jobs/{w.jobs[u].pk}/retry/", {"POST": retries_job}, scoped=True),
    "evaluations:index": page("/evaluations/"),
    # ecoair: the air quality pages
    "ecology:air": page("/ecology/air/"),
    "ecology:air_import": page("/ecology/air/import/", {"GET": imports_air, "POST": imports_air}),
    "ecology:air_target": page("/ecology/air/target/", {"POST": sets_air_targets}),
    "evaluations:kind": page("/evaluations/air-aqi/", {"GET": evaluates, "POST": evaluates}),
    "evaluations:run": page(
        lambda w, u: f"/evaluations/air-aqi/{w.jobs[u].pk}/", {"GET": sees_job}, scoped=True
    ),
    "evaluations:status": page(
        lambda w, u: f"/evaluations/air-aqi/{w.jobs[u].pk}/status/", {"GET": sees_job}, scoped=True
    ),
    "evaluations:result": page(
        lambda w, u: f"/evaluations/air-aqi/{w.jobs[u].pk}/result",
        {"GET": sees_job},
        scoped=True,
        may_404=True,
    ),
    "ecology:water_matrix": page("/ecology/water/"),
    "ecology:water_import": page("/ecology/water/import/", {"GET": imports_water, "POST": imports_water}),
    "ecology:water_feeds": page("/ecology/water/feeds/", {"GET": links_feeds, "POST": links_feeds}),
    "notifications:settings": page("/notifications/settings/", {"GET": signed_in, "POST": signed_in}),
    "notifications:reminders": page("/notifications/reminders/", {"GET": reminders}),
    "notifications:urge": page("/notifications/urge/", {"POST": urges}),
    "projects:list": page("/projects/"),
    "projects:export": page("/projects/export.xlsx"),
    "projects:import": page("/projects/import/", {"GET": office, "POST": office}),
    "projects:import_template": page("/projects/import/template.xlsx"),
    "projects:create": page("/projects/new/", {"GET": office, "POST": office}),
    "projects:detail": page(lambda w, u: f"/projects/{w.projects[u].code}/", scoped=True),
    "projects:detail_docx": page(lambda w, u: f"/projects/{w.projects[u].code}/export.docx", scoped=True),
    "projects:edit": page(
        lambda w, u: f"/projects/{w.projects[u].code}/edit/",
        {"GET": edits_project, "POST": edits_project},
        scoped=True,
    ),
    "projects:delete": page(
        lambda w, u: f"/projects/{w.projects[u].code}/delete/", {"POST": office}, scoped=True
    ),
    # key projects: campaigns and networks (issue 12, projdemo)
    "campaign-list": api("/api/campaigns", {"GET": signed_in, "POST": manages_campaigns}),
    "campaign-detail": api(
        lambda w, u: f"/api/campaigns/{_campaign_pk(w, u)}",
        {"GET": signed_in, "PUT": manages_campaigns, "PATCH": manages_campaigns},
    ),
    "projects:campaigns": page("/projects/campaigns/"),
    "projects:campaign": page(lambda w, u: f"/projects/campaigns/m-c1/?pk={_campaign_pk(w, u)}"),
    "projects:campaign_create": page(
        "/projects/campaigns/new/", {"GET": manages_campaigns, "POST": manages_campaigns}
    ),
    "projects:campaign_edit": page(
        lambda w, u: f"/projects/campaigns/m-c1/edit/?pk={_campaign_pk(w, u)}",
        {"GET": manages_campaigns, "POST": manages_campaigns},
    ),
    "projects:networks": page("/projects/networks/"),
    "projects:network": page(lambda w, u: f"/projects/networks/{_network_code(w, u)}/"),
    # projects slice: the plan office's network and line forms
    "projects:network_create": page(
        "/projects/networks/new/", {"GET": manages_networks, "POST": manages_networks}
    ),
    "projects:network_edit": page(
        lambda w, u: f"/projects/networks/{_network_code(w, u)}/edit/",
        {"GET": manages_networks, "POST": manages_networks},
    ),
    "projects:line_create": page(
        lambda w, u: f"/projects/networks/{_network_code(w, u)}/lines/new/",
        {"GET": manages_networks, "POST": manages_networks},
    ),
    "projects:line_edit": page(
        lambda w, u: f"/projects/networks/{_network_code(w, u)}/lines/{_line_code(w, u)}/edit/",
        {"GET": manages_networks, "POST": manages_networks},
    ),
    "industry-list": api("/api/industries"),
    "industry-detail": api(lambda w, u: f"/api/industries/{w.parks['industry'].pk}"),
    "park-list": api("/api/parks"),
    "park-detail": api(lambda w, u: f"/api/parks/{w.parks['park'].pk}"),
    "chain-list": api("/api/chains"),
    "chain-detail": api(lambda w, u: f"/api/chains/{w.parks['chain'].pk}"),
    "cluster-list": api("/api/clusters"),
    "cluster-detail": api(lambda w, u: f"/api/clusters/{w.parks['cluster'].pk}"),
    "firm-list": api("/api/firms", {"GET": signed_in, "POST": office}),
    "firm-detail": _crud("firm"),
    "parks:list": page("/parks/"),
    "parks:park": page(lambda w, u: f"/parks/{w.parks['park'].unit.code}/"),
    "parks:industries": page("/parks/industries/"),
    "parks:chains": page("/parks/chains/"),
    "parks:chain": page(lambda w, u: f"/parks/chains/{w.parks['chain'].code}/"),
    "parks:firms": page("/parks/firms/"),
    "parks:clusters": page("/parks/clusters/"),
    "parks:overlap": page("/parks/overlap/"),
    "parks:park_edit": page(
        lambda w, u: f"/parks/{w.parks['park'].unit.code}/edit/", {"GET": changes_park, "POST": changes_park}
    ),
    "parks:cluster_plan": page(lambda w, u: f"/parks/clusters/{w.parks['cluster'].code}/plan/"),
    "parks:cluster_link": page(
        lambda w, u: f"/parks/clusters/{w.parks['cluster'].code}/plan/link", {"POST": manages_parks}
    ),
    "parks:cluster_apply": page(
        lambda w, u: f"/parks/clusters/{w.parks['cluster'].code}/plan/apply", {"POST": fills_any}
    ),
    "parks:import": page("/parks/import/firms/", {"GET": manages_parks, "POST": manages_parks}),
    "parks:template": page("/parks/import/firms/template.xlsx"),
    "parks:export": page("/parks/export/firms.xlsx"),
    # -- admission (issue 14, slice admission) ------------------------------------------------
    "admission:applications": page("/admission/"),
    "admission:application_new": page(
        "/admission/applications/new/", {"GET": files_applications, "POST": files_applications}
    ),
    "admission:application": page(lambda w, u: f"/admission/applications/{_adm(w, 'application').pk}/"),
    "admission:application_step": page(
        lambda w, u: f"/admission/applications/{_adm(w, 'application').pk}/check/",
        {"POST": checks_application},
    ),
    "admission:register": page(
        "/admission/registers/catalogue/", {"GET": signed_in, "POST": manages_admission}
    ),
    "admission:register_new": page(
        "/admission/registers/zoning/new/", {"GET": manages_admission, "POST": manages_admission}
    ),
    "admission:register_edit": page(
        lambda w, u: f"/admission/registers/catalogue/{_adm(w, 'catalogue').pk}/",
        {"GET": manages_admission, "POST": manages_admission},
    ),
    "admission:runs": page("/admission/runs/"),
    "admission:run_new": page("/admission/runs/new/", {"GET": runs_allocation, "POST": runs_allocation}),
    "admission:run": page(lambda w, u: f"/admission/runs/{_adm(w, 'run').pk}/"),
    "admission:run_export": page(lambda w, u: f"/admission/runs/{_adm(w, 'run').pk}/export.xlsx"),
    "catalogue-entry-list": api("/api/catalogue-entries", {"GET": signed_in, "POST": manages_admission}),
    "catalogue-entry-detail": api(
        lambda w, u: f"/api/catalogue-entries/{_adm(w, 'catalogue').pk}",
        {"GET": signed_in, "PUT": manages_admission, "PATCH": manages_admission},
    ),
    "zoning-unit-list": api("/api/zoning-units", {"GET": signed_in, "POST": manages_admission}),
    "zoning-unit-detail": api(
        lambda w, u: f"/api/zoning-units/{_adm(w, 'zoning').pk}",
        {"GET": signed_in, "PUT": manages_admission, "PATCH": manages_admission},
    ),
    "admission-application-list": api(
        "/api/admission-applications", {"GET": signed_in, "POST": files_applications}
    ),
    "admission-application-detail": api(
        lambda w, u: f"/api/admission-applications/{_adm(w, 'application').pk}"
    ),
    "admission-application-check": api(
        lambda w, u: f"/api/admission-applications/{_adm(w, 'application').pk}/check",
        {"POST": checks_application},
    ),
    "admission-application-decide": api(
        lambda w, u: f"/api/admission-applications/{_adm(w, 'application').pk}/decide",
        {"POST": decides_applications},
    ),
    "admission-application-recheck": api(
        lambda w, u: f"/api/admission-applications/{_adm(w, 'application').pk}/recheck",
        {"POST": checks_application},
    ),
    "allocation-run-list": api("/api/allocation-runs", {"GET": signed_in, "POST": runs_allocation}),
    "allocation-run-detail": api(lambda w, u: f"/api/allocation-runs/{_adm(w, 'run').pk}"),
    # -- targeted attraction (issue 13, parksattr) -----------------------------------------
    "attraction-lead-list": api("/api/attraction-leads", {"GET": signed_in, "POST": adds_leads}),
    "attraction-lead-detail": api(
        lambda w, u: f"/api/attraction-leads/{w.leads[u].pk}",
        {"GET": signed_in, "PUT": moves_lead, "PATCH": moves_lead},
        scoped=True,
    ),
    "attraction-lead-move": api(
        lambda w, u: f"/api/attraction-leads/{w.leads[u].pk}/move", {"POST": moves_lead}, scoped=True
    ),
    "attraction-candidate-list": api("/api/attraction-candidates"),
    "attraction-candidate-detail": api(lambda w, u: f"/api/attraction-candidates/{w.parks['candidate'].pk}"),
    "parks:attraction": page("/parks/attraction/"),
    "parks:attraction-new": page("/parks/attraction/new/", {"GET": adds_leads, "POST": adds_leads}),
    "parks:attraction-funnel": page("/parks/attraction/funnel/"),
    "parks:attraction-candidates": page("/parks/attraction/candidates/"),
    "parks:attraction-import": page(
        "/parks/attraction/candidates/import/", {"GET": imports_candidates, "POST": imports_candidates}
    ),
    "parks:attraction-template": page("/parks/attraction/candidates/template.xlsx"),
    "parks:attraction-lead": page(lambda w, u: f"/parks/attraction/{w.leads[u].pk}/", scoped=True),
    "parks:attraction-edit": page(
        lambda w, u: f"/parks/attraction/{w.leads[u].pk}/edit/",
        {"GET": moves_lead, "POST": moves_lead},
        scoped=True,
    ),
    "parks:attraction-move": page(
        lambda w, u: f"/parks/attraction/{w.leads[u].pk}/move/", {"POST": moves_lead}, scoped=True
    ),
    # -- villages (issue 15)
    "village-list": api("/api/villages"),
    "village-demonstration": api(
        lambda w, u: f"/api/villages/{w.villages[u].code}/demonstration",
        {"POST": manages_villages},
        scoped=True,
    ),
    "village-reports": api(
        lambda w, u: f"/api/villages/{w.villages[u].code}/reports", {"POST": enters_village}, scoped=True
    ),
    "toilet-programme-list": api("/api/toilet-programme", {"GET": signed_in, "POST": enters_any_village}),
    "toilet-programme-acceptances": api(
        lambda w, u: f"/api/toilet-programme/{w.villages[f'plan-{u}'].pk}/acceptances",
        {"POST": enters_village},
        scoped=True,
    ),
    "scorecard-list": api("/api/scorecards", {"GET": signed_in, "POST": manages_villages}),
    "collective-income-list": api("/api/collective-incomes", {"GET": signed_in, "POST": enters_any_village}),
    "villages:scheme": page("/villages/scores/scheme/", {"GET": manages_villages, "POST": manages_villages}),
    "villages:home": page("/villages/"),
    "villages:demo": page("/villages/demo/"),
    "villages:toilets": page("/villages/toilets/"),
    "villages:toilets_export": page("/villages/toilets/export.xlsx"),
    "villages:scores": page("/villages/scores/"),
    "villages:economy": page("/villages/economy/"),
    "villages:economy_export": page("/villages/economy/export.xlsx"),
    "villages:economy_template": page("/villages/economy/template.xlsx"),
    "villages:economy_import": page(
        "/villages/economy/import/", {"GET": imports_incomes, "POST": imports_incomes}
    ),
    "villages:photo": page(lambda w, u: f"/villages/photos/{w.villages['photo'].pk}/"),
    "villages:village": page(lambda w, u: f"/villages/v/{w.villages[u].code}/", scoped=True),
    "villages:toilet_record": page(
        lambda w, u: f"/villages/v/{w.villages[u].code}/toilets/", {"POST": enters_village}, scoped=True
    ),
    "villages:toilet_accept": page(
        lambda w, u: f"/villages/v/{w.villages[u].code}/toilets/accept/",
        {"POST": enters_village},
        scoped=True,
    ),
    "villages:report": page(
        lambda w, u: f"/villages/v/{w.villages[u].code}/report/", {"POST": enters_village}, scoped=True
    ),
    "villages:toilet_target": page("/villages/toilets/target/", {"POST": manages_villages}),
    "villages:thresholds": page("/villages/economy/thresholds/", {"POST": manages_villages}),
    "villages:designate": page(
        lambda w, u: f"/villages/v/{w.villages[u].code}/designate/", {"POST": manages_villages}, scoped=True
    ),
    "villages:score": page(
        lambda w, u: f"/villages/v/{w.villages[u].code}/score/",
        {"GET": manages_villages, "POST": manages_villages},
        scoped=True,
    ),
    "plans:tree": page("/"),
    "plans:search": page("/search/"),
    "plans:import": page("/plan/import/", {"GET": office, "POST": office}),
    "plans:tree_of": page(lambda w, u: f"/plan/{plan(w)}/"),
    "plans:export": page(lambda w, u: f"/plan/{plan(w)}/export.xlsx"),
    "plans:action": page(lambda w, u: f"/plan/{plan(w)}/actions/{w.actions[u].code}/", scoped=True),
    "plans:measure": page(lambda w, u: f"/plan/{plan(w)}/measures/{w.measures[u].code}/", scoped=True),
    "plans:measure_tasks": page(
        lambda w, u: f"/plan/{plan(w)}/measures/{w.measures[u].code}/tasks/", scoped=True
    ),
    "plans:task": page(lambda w, u: f"/plan/{plan(w)}/tasks/{w.tasks[u].code}/", scoped=True),
    "plans:task_edit": page(
        lambda w, u: f"/plan/{plan(w)}/tasks/{w.tasks[u].code}/edit/",
        {"GET": edits_task, "POST": edits_task},
        scoped=True,
    ),
    "plans:task_reopen": page(
        lambda w, u: f"/plan/{plan(w)}/tasks/{w.tasks[u].code}/reopen/", {"POST": reopens}, scoped=True
    ),
    "plans:task_shares_add": page(
        lambda w, u: f"/plan/{plan(w)}/tasks/{w.tasks[u].code}/shares/", {"POST": manages_shares}, scoped=True
    ),
    "plans:task_share_edit": page(
        lambda w, u: f"/plan/{plan(w)}/tasks/{w.tasks[u].code}/shares/{w.shares[u].pk}/",
        {"POST": manages_shares},
        scoped=True,
    ),
    "plans:indicator_edit": page(
        lambda w, u: f"/plan/{plan(w)}/indicators/{w.indicators[u].code}/edit/",
        {"GET": edits_indicator, "POST": edits_indicator},
        scoped=True,
    ),
    # -- ecology registers (slice ecoreg)
    **{
        f"{name}-list": api(f"/api/{kind}", {"GET": signed_in, "POST": manages_ecology})
        for name, kind in ECOLOGY_API.items()
    },
    **{f"{name}-detail": _eco_api(kind) for name, kind in ECOLOGY_API.items()},
    "ecology:home": page("/ecology/"),
    "ecology:register_list": page("/ecology/registers/stations/"),
    "ecology:register_new": page(
        "/ecology/registers/stations/new/", {"GET": manages_ecology, "POST": manages_ecology}
    ),
    "ecology:register_import": page(
        "/ecology/registers/stations/import/", {"GET": imports_ecology, "POST": imports_ecology}
    ),
    "ecology:register_template": page("/ecology/registers/sections/template.xlsx"),
    "ecology:register_export": page("/ecology/registers/sections/export.xlsx"),
    "ecology:register_detail": page(_eco_page(""), scoped=True),
    "ecology:register_edit": page(
        _eco_page("edit/"),
        {"GET": changes_eco("blackodor-bodies"), "POST": changes_eco("blackodor-bodies")},
        scoped=True,
    ),
    "ecology:register_move": page(_eco_page("move/"), {"POST": changes_eco("blackodor-bodies")}, scoped=True),
    "ecology:register_delete": page(_eco_page("delete/"), {"POST": manages_ecology}, scoped=True),
    **_sv_pages(),  # slice supervise (issue 20)
    **_sv_apis(),
    **_appeal_entries(),  # slice appeals (issue 20)
    # official documents and the public page (issue 20, slice documents)
    "document-list": api("/api/documents", {"GET": signed_in, "POST": issues_documents}),
    "document-detail": api(
        lambda w, u: f"/api/documents/{_document(w, u).pk}", {"GET": reads_document}, scoped=True
    ),
    "document-docx": api(
        lambda w, u: f"/api/documents/{_document(w, u).pk}/docx", {"GET": reads_document}, scoped=True
    ),
    "document-pdf": api(
        lambda w, u: f"/api/documents/{_document(w, u).pk}/pdf", {"GET": reads_document}, scoped=True
    ),
    "document-withdraw": api(
        lambda w, u: f"/api/documents/{_document(w, u).pk}/withdraw",
        {"POST": issues_documents},
        scoped=True,
        data={"reason": "测试"},
    ),
    "documents:list": page("/documents/"),
    "documents:issue": page("/documents/new/", {"GET": issues_documents, "POST": issues_documents}),
    "documents:detail": page(
        lambda w, u: f"/documents/{_document(w, u).pk}/", {"GET": reads_document}, scoped=True
    ),
    "documents:download": page(
        lambda w, u: f"/documents/{_document(w, u).pk}/file.pdf", {"GET": reads_document}, scoped=True
    ),
    "documents:withdraw": page(
        lambda w, u: f"/documents/{_document(w, u).pk}/withdraw/",
        {"POST": issues_documents},
        scoped=True,
        data={"reason": "测试"},
    ),
    "public:index": page("/public/", {"GET": anybody}, public=True),
    "public:plan": page(_public_plan, {"GET": anybody}, public=True),
    "public:settings": page(
        lambda w, u: f"/public/{plan(w)}/settings/", {"GET": sets_public_page, "POST": sets_public_page}
    ),
    # -- people (issue 17): talents, challenges, party organisations and their warnings
    "talent-list": api("/api/talents"),
    "talent-detail": api(
        lambda w, u: f"/api/talents/{_people(w, 'talent', u).pk}", {"GET": sees_talent}, scoped=True
    ),
    "challenge-list": api("/api/challenges", {"GET": signed_in, "POST": manages_challenges}),
    "challenge-detail": api(lambda w, u: f"/api/challenges/{_people(w, 'challenge', u).pk}"),
    **{
        f"challenge-{step}": api(
            lambda w, u, s=step: f"/api/challenges/{_people(w, 'challenge', u).pk}/{s}",
            {"POST": manages_challenges},
        )
        for step in ("publish", "bid", "select", "milestone", "reach", "accept")
    },
    "party-organisation-list": api("/api/party-organisations"),
    "party-organisation-detail": api(
        lambda w, u: f"/api/party-organisations/{_people(w, 'org', u).pk}", {"GET": sees_org}, scoped=True
    ),
    "party-warning-list": api("/api/party-warnings"),
    "party-warning-detail": api(
        lambda w, u: f"/api/party-warnings/{_people(w, 'warning', u).pk}", {"GET": sees_org}, scoped=True
    ),
    "party-warning-rectify": api(
        lambda w, u: f"/api/party-warnings/{_people(w, 'warning', u).pk}/rectify",
        {"POST": edits_org},
        scoped=True,
    ),
    "people:home": page("/people/"),
    "people:talents": page("/people/talents/"),
    "people:talent_export": page("/people/talents/export.xlsx"),
    "people:talent_import": page("/people/talents/import/", {"GET": manages_people, "POST": manages_people}),
    "people:access_log": page("/people/talents/access-log/", {"GET": reads_access_log}),
    "people:talent": page(
        lambda w, u: f"/people/talents/{_people(w, 'talent', u).code}/",
        {"GET": sees_talent, "POST": sees_talent},
        scoped=True,
    ),
    "people:talent_create": page("/people/talents/new/", {"GET": adds_talents, "POST": adds_talents}),
    "people:talent_edit": page(
        lambda w, u: f"/people/talents/{_people(w, 'talent', u).code}/edit/",
        {"GET": sees_talent, "POST": sees_talent},
        scoped=True,
    ),
    "people:team_create": page("/people/talents/teams/new/", {"GET": adds_talents, "POST": adds_talents}),
    "people:team_edit": page(
        lambda w, u: f"/people/talents/teams/{_people(w, 'team', u).code}/edit/",
        {"GET": edits_team, "POST": edits_team},
        scoped=True,
    ),
    "people:challenges": page("/people/challenges/"),
    "people:challenge_create": page(
        "/people/challenges/new/", {"GET": manages_challenges, "POST": manages_challenges}
    ),
    "people:challenge": page(
        lambda w, u: f"/people/challenges/{_people(w, 'challenge', u).code}/",
        {"GET": signed_in, "POST": manages_challenges},
    ),
    "people:open_challenges": page("/people/open-challenges/", {"GET": anybody}, public=True),
    "people:orgs": page("/people/organisations/"),
    "people:org_create": page("/people/organisations/new/", {"GET": manages_orgs, "POST": manages_orgs}),
    "people:unit_members": page(
        "/people/organisations/members/", {"GET": manages_orgs, "POST": manages_orgs}
    ),
    "people:org": page(
        lambda w, u: f"/people/organisations/{_people(w, 'org', u).code}/",
        {"GET": sees_org, "POST": edits_org},
        scoped=True,
    ),
    "people:warnings": page("/people/warnings/", {"GET": signed_in, "POST": manages_orgs}),
    "people:rules": page("/people/warnings/rules/", {"GET": manages_orgs, "POST": manages_orgs}),
    "people:warning": page(
        lambda w, u: f"/people/warnings/{_people(w, 'warning', u).pk}/",
        {"GET": sees_org, "POST": edits_org},
        scoped=True,
    ),
    # -- per-mu evaluation (issue 14, landeval) ---------------------------------------------
    "land-campaign-list": api("/api/land-campaigns", {"GET": signed_in, "POST": manages_land}),
    "land-campaign-detail": api(lambda w, u: f"/api/land-campaigns/{w.land['campaign'].pk}"),
    "land-campaign-results": api(lambda w, u: f"/api/land-campaigns/{w.land['campaign'].pk}/results"),
    "land-campaign-run": api(
        lambda w, u: f"/api/land-campaigns/{w.land['campaign'].pk}/run", {"POST": manages_land}
    ),
    "land-campaign-review": api(
        lambda w, u: f"/api/land-campaigns/{w.land['campaign'].pk}/review", {"POST": manages_land}
    ),
    "land-campaign-publish": api(
        lambda w, u: f"/api/land-campaigns/{w.land['campaign'].pk}/publish", {"POST": manages_land}
    ),
    "land-campaign-appeals": api(
        lambda w, u: f"/api/land-campaigns/{w.land['campaign'].pk}/appeals",
        {"GET": signed_in, "POST": files_land_appeals},
    ),
    "land-campaign-decide": api(
        lambda w, u: f"/api/land-campaigns/{w.land['campaign'].pk}/appeals/{w.land[f'appeal:{u}'].pk}/decide",
        {"POST": manages_land},
        scoped=True,
    ),
    "land:campaigns": page("/land/", {"GET": signed_in, "POST": manages_land}),
    "land:policies": page("/land/policies/", {"GET": signed_in, "POST": manages_land}),
    "land:scheme": page("/land/schemes/m/", {"GET": signed_in, "POST": manages_land}),
    "land:scheme_indicators": page("/land/schemes/m/indicators/", {"GET": signed_in, "POST": manages_land}),
    "land:rectifications": page("/land/rectifications/"),
    "land:rectification": page(
        lambda w, u: f"/land/rectifications/{w.land[f'rect:{u}'].pk}/", {"POST": rectifies_land}, scoped=True
    ),
    "land:appeal": page(
        lambda w, u: f"/land/appeals/{w.land[f'appeal:{u}'].pk}/",
        {"GET": sees_land_firm, "POST": manages_land},
        scoped=True,
    ),
    "land:evidence": page(
        lambda w, u: f"/land/appeals/{w.land[f'appeal:{u}'].pk}/evidence/",
        {"GET": sees_land_firm},
        scoped=True,
        may_404=True,
    ),
    "land:firm": page(
        lambda w, u: f"/land/firms/{w.firms[u].credit_code}/",
        {"GET": sees_land_firm, "POST": appeals_land},
        scoped=True,
    ),
    "land:campaign": page("/land/2022/", {"GET": signed_in, "POST": manages_land}),
    "land:results": page("/land/2022/results/"),
    "land:export": page("/land/2022/export.xlsx", may_404=True),
    "land:step": page("/land/2022/review/", {"POST": manages_land}),
    # -- rural monitoring (issue 15, slice ruralhh)
    "household-list": api("/api/households"),
    "household-detail": api(lambda w, u: f"/api/households/{_rural(w)['household'].code}"),
    # a household's records, written by the county's case workers
    **{
        name: api(_household_path(part), {"POST": works_on_household})
        for name, part in (
            ("household-steps", "steps"),
            ("household-add-member", "members"),
            ("household-risks", "risks"),
            ("household-measures", "measures"),
            ("household-incomes", "incomes"),
        )
    },
    # ... and corrected (PATCH) or removed with a reason (POST …/remove) by them
    **{
        name: api(_household_record_path(kind), {"PATCH": works_on_household})
        for name, kind in (
            ("household-member", "members"),
            ("household-risk", "risks"),
            ("household-measure", "measures"),
            ("household-income", "incomes"),
        )
    },
    "household-remove-record": api(_household_record_path("risks", "/remove"), {"POST": works_on_household}),
    "rural:households": page("/rural/"),
    "rural:export": page("/rural/members.xlsx"),
    "rural:announcement": page("/rural/announcement/"),
    "rural:announcement-export": page("/rural/announcement.xlsx"),
    "rural:screening": page("/rural/screening/", {"GET": screens_households, "POST": screens_households}),
    "rural:run": page(lambda w, u: f"/rural/screening/{_rural(w)['run'].pk}/", {"GET": screens_households}),
    "rural:take": page(
        lambda w, u: f"/rural/candidates/{_rural(w)['candidate'].pk}/take/", {"POST": screens_households}
    ),
    "rural:access-log": page("/rural/access-log/", {"GET": reads_rural_access_log}),
    "rural:household": page(lambda w, u: f"/rural/households/{_rural(w)['household'].code}/"),
    "rural:notice": page(lambda w, u: f"/rural/households/{_rural(w)['household'].code}/notice/"),
    "rural:action": page(
        lambda w, u: f"/rural/households/{_rural(w)['household'].code}/risk/", {"POST": works_on_household}
    ),
    "rural:edit": page(
        lambda w, u: f"/rural/households/{_rural(w)['household'].code}/risk/{_rural(w)['risk'].pk}/edit/",
        {"GET": works_on_household, "POST": works_on_household},
    ),
    "rural:lines": page("/rural/lines/", {"GET": signed_in, "POST": manages_income_lines}),
    "income-line-list": api("/api/income-lines", {"GET": signed_in, "POST": manages_income_lines}),
    # -- less reporting burden and the document settings (issue 20, slice burden)
    "reporting:load": page("/reports/load/", {"GET": sees_reporting_load}),
    "reporting-load-list": api("/api/reporting-load", {"GET": sees_reporting_load}),
    "documents:settings": page(
        "/documents/settings/", {"GET": sets_document_settings, "POST": sets_document_settings}
    ),
    "document-settings-list": api("/api/document-settings", {"GET": sets_document_settings}),
    "document-settings-detail": api(
        lambda w, u: f"/api/document-settings/{plan(w)}",
        {"GET": sets_document_settings, "PUT": sets_document_settings, "PATCH": sets_document_settings},
    ),
}


# --------------------------------------------------------------------------------------------
# The URL conf


def url_names() -> dict[str, set[str]]:
    """Every named URL pattern of the project → the HTTP methods it answers (API: from the
    viewset's actions; pages: every method, the test's entry says which are meant)."""

    def walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, set[str]]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                actions = getattr(pattern.callback, "actions", None)
                methods: set[str] = set()
                if actions:  # the viewset's actions that its http_method_names lets through
                    allowed = {m.upper() for m in pattern.callback.cls.http_method_names}
                    # (DRF adds HEAD to the actions of GET at the first request: not a method of its own)
                    methods = ({m.upper() for m in actions} & allowed) - {"HEAD", "OPTIONS"}
                yield namespace + (pattern.name or str(pattern.pattern)), methods

    names: dict[str, set[str]] = {}
    for name, methods in walk(get_resolver().url_patterns):
        names.setdefault(name, set()).update(methods)
    return names


def test_every_url_has_an_entry_in_the_matrix() -> None:
    names = url_names()
    assert sorted(set(names) - set(MATRIX)) == [], "add the new URLs to MATRIX with their predicates"
    assert sorted(set(MATRIX) - set(names)) == [], "remove the entries of URLs that are gone"
    for name, methods in names.items():
        if methods:  # an API viewset: the entry lists every method it answers
            assert set(MATRIX[name].methods) == methods, name


# --------------------------------------------------------------------------------------------
# The matrix


DENIED = {403, 404}


def _last_audit_id() -> int | None:
    """The newest audit row's id (an index look-up): a request that writes one moves it."""
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()


def _request(client: Any, method: str, path: str, entry: Entry) -> Any:
    kwargs: dict[str, Any] = {}
    if entry.api and method in {"POST", "PUT", "PATCH"}:
        kwargs = {"data": entry.data, "content_type": "application/json"}
    elif method == "POST":
        kwargs = {"data": entry.data}
    return getattr(client, method.lower())(path, **kwargs)


def _cases(entry: Entry, role: str) -> list[str | None]:
    if entry.states:
        return ["draft", "published"]
    if not entry.scoped:
        return [None]
    related = RELATED_UNIT[UNIT_OF_ROLE[role]]
    return [r for r in RELATIONS if related[r] is not None]


def _check(world: World, client: Any, name: str, entry: Entry, sessions: dict[str, str]) -> list[str]:
    """What is wrong at ``entry`` for each role. A role's requests carry the session it was signed
    in with when the world was built (``sessions``: role → session key, rows of the world's
    transaction), not a new sign-in per test: each request is rolled back, a sign-out with it."""
    problems = []
    for role in ROLES:
        user = world.users[role]
        client.cookies = SimpleCookie()
        if user is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
        for relation in _cases(entry, role):
            if entry.states:
                unit = relation
            else:
                unit = RELATED_UNIT[UNIT_OF_ROLE[role]][relation] if relation else None
            path = entry.path(world, unit)
            for method, rule in entry.methods.items():
                audit_before = _last_audit_id()
                with transaction.atomic():
                    response = _request(client, method, path, entry)
                    audited = _last_audit_id() != audit_before
                    transaction.set_rollback(True)
                status = response.status_code
                where = f"{method} {path} as {role}" + (
                    f" on {relation} " + ("list" if entry.states else "unit") if relation else ""
                )
                if status >= 500:
                    problems.append(f"{where}: server error {status}")
                elif user is None and not entry.public:
                    login = status == 302 and "/accounts/login/" in response.get("Location", "")
                    if not (login or status in {401, 403}):
                        problems.append(f"{where}: anonymous got {status}")
                elif user is None:
                    continue
                elif rule(user, world, unit):
                    if status in {401, 403} or (status == 404 and not entry.may_404):
                        problems.append(f"{where}: allowed by {rule.__name__} but got {status}")
                else:
                    if status not in DENIED:
                        problems.append(f"{where}: denied by {rule.__name__} but got {status}")
                    elif audited:
                        problems.append(f"{where}: denied, yet an audit row was written")
    return problems


@pytest.fixture(scope="class")
def built_world(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[Any]:
    """The world and its media folder, built once for the class's tests (on each xdist worker that
    runs some of them) instead of once per URL. It is built inside a transaction that stays open
    while the class's tests run: each test's own transaction (pytest-django's ``db``) is a savepoint
    in it, rolled back after the test, so every test starts from the same data; the whole is rolled
    back when the class is done, so no other test sees it."""
    from django.test import override_settings

    from jingjin.core.services import user_ensure
    from jingjin.plans.services import plan_import
    from tests.conftest import FAST_HASHERS, PASSWORD, small_plan

    media = tmp_path_factory.mktemp("matrix-media")
    fast = override_settings(MEDIA_ROOT=str(media), PASSWORD_HASHERS=FAST_HASHERS)

    def make_user(username: str, role: str, unit_code: str | None) -> Any:
        unit = Unit.objects.get(code=unit_code) if unit_code else None
        return user_ensure(username=username, password=PASSWORD, role=role, unit=unit, source="test")[0]

    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = _build(plan_import(data=small_plan(), actor=None, source="test").plan, make_user)
            sessions = {}
            for role, user in world.users.items():
                if user is not None:
                    signed_in = Client()
                    signed_in.force_login(user)
                    sessions[role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield world, media, sessions
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class TestTheMatrix:
    @pytest.mark.parametrize("name", sorted(MATRIX))
    def test_the_matrix(self, name: str, built_world: Any, client: Any, settings: Any) -> None:
        built, media, sessions = built_world
        settings.MEDIA_ROOT = media
        # a copy of the world for this test: the entries made on first use (``_eco`` …) land in
        # the copy's dictionaries and are forgotten with the test's rolled-back rows
        world = World.__new__(World)
        world.__dict__.update({k: dict(v) if isinstance(v, dict) else v for k, v in built.__dict__.items()})
        problems = _check(world, client, name, MATRIX[name], sessions)
        assert problems == [], "\n".join(problems)


def test_the_relations_are_what_they_say() -> None:
    """own / other / above / below are what their names say in the unit tree used here."""
    parents = {"t": None, "t.a": "t", "t.a.x": "t.a", "t.b": "t", "t.c": "t", "t.c.x": "t.c"}
    for own, related in RELATED_UNIT.items():
        assert related["own"] == own
        if related["above"]:
            assert parents[own] == related["above"]
        if related["below"]:
            assert parents[related["below"]] == own
        if related["other"]:
            assert not re.match(re.escape(own) + r"(\.|$)", related["other"])
            assert not re.match(re.escape(related["other"]) + r"(\.|$)", own)


#: docs/permissions.md's table of ``change``, written out: role → the relations whose objects of
#: each kind the role changes (the plan office: all; leaders: none; unit users: their unit and
#: below, and only tasks, indicators, reports, supervision items, warnings and jobs — never
#: actions and measures, even those their unit leads: finding 6 of issue 18)
UNIT_KINDS = ("tasks", "indicators", "reports", "items", "warnings", "jobs")
DOCUMENTED_CHANGE = {
    "plan_office": {kind: {"own", "below"} for kind in ("actions", "measures", *UNIT_KINDS)},
    "reporter": {"actions": set(), "measures": set(), **{k: {"own", "below"} for k in UNIT_KINDS}},
    "approver": {"actions": set(), "measures": set(), **{k: {"own", "below"} for k in UNIT_KINDS}},
    "county": {"actions": set(), "measures": set(), **{k: {"own", "below"} for k in UNIT_KINDS}},
    "leader": {kind: set() for kind in ("actions", "measures", *UNIT_KINDS)},
    "anonymous": {kind: set() for kind in ("actions", "measures", *UNIT_KINDS)},
}


def test_the_change_rule_is_the_documented_one(loaded_plan: Any, make_user: Any) -> None:
    """The predicates the matrix reads agree with the table of docs/permissions.md."""
    world = _build(loaded_plan, make_user)
    wrong = []
    for role, kinds in DOCUMENTED_CHANGE.items():
        user = world.users[role]
        for kind, relations in kinds.items():
            for relation, unit in RELATED_UNIT[UNIT_OF_ROLE[role]].items():
                if unit is None:
                    continue
                allowed = P.can(user, "change", getattr(world, kind)[unit]) if user is not None else False
                if allowed != (relation in relations):
                    wrong.append(
                        f"{role} {'may' if allowed else 'may not'} change the {kind} of the {relation} unit"
                    )
    assert wrong == []
