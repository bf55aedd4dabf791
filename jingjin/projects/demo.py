"""Synthetic key projects for the demo (示例重点项目): about 150 projects of the demo's units,
counties and parks with yearly plans, milestones and monthly reports from the demo's first month
to ``today``'s, the 成渝之星 campaign of the plan's years, and the transport networks of action 2
(7向19线 rail, 1环9射2纵 expressways, the airport and the waterways) with their lines and segment
projects.

Everything is marked ``is_synthetic`` and every project's name starts with 示例重点项目 ("example key
project"): no real project is invented under a real name. The numbers of lines (19 rail lines;
1 ring, 9 radials and 2 verticals) come from the source article, and so do the names of the lines it
names (成遂南达万, 绵泸高铁（绵遂内段）, 遂渝, 遂广 railways; 成南 and 遂渝 widening, 遂德, 南遂潼,
三大乐 expressways — the article does not say which of the 1环9射2纵 they are: the demo lists them
among the radials); every other line is named 示例… and every figure is invented.

Deterministic (one random stream per project, seeded), idempotent (a second run adds nothing) and
fast: rows and their audit rows (source ``demo``) are bulk-inserted. Report states follow the task
reports' demo (:func:`jingjin.reporting.demo._fate`): nothing is dated on or after ``today``, the
last months still have drafts, submissions waiting for review and returned reports.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from jingjin.core.choices import AuditAction, UnitKind
from jingjin.core.models import AuditEntry, Unit
from jingjin.plans.models import Indicator, Mechanism, Plan, Task
from jingjin.projects.choices import (
    MILESTONE_ORDER,
    MilestoneKind,
    NetworkKind,
    ProjectCategory,
    ProjectLevel,
    ProjectState,
)
from jingjin.projects.models import (
    Campaign,
    KeyProject,
    NetworkLine,
    NetworkPlan,
    ProjectMilestone,
    ProjectReport,
    ProjectReportMilestone,
    ProjectYearPlan,
)
from jingjin.reporting.choices import ReportStatus
from jingjin.reporting.demo import _fate, _months, _periods

PROJECTS = 150
CODE_PREFIX = "DEMO-P"
CAMPAIGN_CODE = "chengyu-star"

#: (network code, kind, name zh, name en, plan indicator code, line names zh (named by the article) , lines)
NETWORKS = (
    (
        "rail-7x19",
        NetworkKind.RAIL,
        "“7向19线”现代铁路干线网",
        "Rail network of 7 directions and 19 lines",
        "A2.M3.T4.I2",
        ("成遂南达万铁路", "绵泸高铁（绵遂内段）", "遂渝铁路", "遂广铁路"),
        19,
    ),
    (
        "expressway-ring",
        NetworkKind.EXPRESSWAY,
        "“1环9射2纵”高速公路网：环线",
        "Expressway network 1环9射2纵: ring",
        "A2.M3.T6.I1",
        (),
        1,
    ),
    (
        "expressway-radials",
        NetworkKind.EXPRESSWAY,
        "“1环9射2纵”高速公路网：射线",
        "Expressway network 1环9射2纵: radials",
        "A2.M3.T6.I2",
        ("成南高速扩容", "遂渝高速扩容", "遂德高速", "南遂潼高速", "三大乐高速"),
        9,
    ),
    (
        "expressway-verticals",
        NetworkKind.EXPRESSWAY,
        "“1环9射2纵”高速公路网：纵线",
        "Expressway network 1环9射2纵: verticals",
        "A2.M3.T6.I3",
        (),
        2,
    ),
    # the airport and the waterways: the article names the airport and the waterway upgrade only
    (
        "airport",
        NetworkKind.AIRPORT,
        "民用运输机场",
        "Civil transport airport",
        "",
        ("遂宁安居民用运输机场",),
        1,
    ),
    (
        "waterway",
        NetworkKind.WATERWAY,
        "航道提标升级工程",
        "Waterway upgrade works",
        "",
        (),
        2,
    ),
)
#: the plan tasks the demo links projects to: rail and expressway segments, industry projects
TASK_OF_NETWORK: dict[str, str] = {
    NetworkKind.RAIL: "A2.M3.T4",
    NetworkKind.EXPRESSWAY: "A2.M3.T6",
    NetworkKind.AIRPORT: "A2.M3.T7",
    NetworkKind.WATERWAY: "A2.M3.T8",
}
SEGMENT_KIND: dict[str, str] = {
    NetworkKind.RAIL: "铁路建设路段",
    NetworkKind.EXPRESSWAY: "高速公路建设路段",
    NetworkKind.AIRPORT: "机场建设工程",
    NetworkKind.WATERWAY: "航道整治工程",
}
CAMPAIGN_TASK = "A1.M3.T4"
KEY_PROJECT_TASK = "A1.M3.T5"
KINDS = {
    ProjectCategory.INDUSTRY: (
        "锂电材料生产线",
        "电子信息产业园",
        "天然气化工项目",
        "智能制造基地",
        "食品加工园",
    ),
    ProjectCategory.INFRASTRUCTURE: ("城市道路改造", "物流园区", "供水管网工程", "综合管廊", "客运枢纽"),
    ProjectCategory.SOCIAL: ("医院综合楼", "中学新校区", "养老服务中心", "保障性住房", "文体中心"),
    ProjectCategory.ECOLOGY: ("污水处理厂提标", "河道综合治理", "湿地公园", "固废处置中心", "生态修复工程"),
}
KIND_EN = {
    ProjectCategory.INDUSTRY: "industry project",
    ProjectCategory.INFRASTRUCTURE: "infrastructure project",
    ProjectCategory.SOCIAL: "social project",
    ProjectCategory.ECOLOGY: "ecology project",
}
PROGRESS = (
    "完成主体工程{p}%，现场施工有序推进。",
    "本月完成投资计划，{p}%工程量已完成。",
    "形象进度约{p}%，正在推进下一阶段施工。",
)
PROBLEMS = ("用地报批进度偏慢", "资金到位滞后", "施工图审查待完成", "")
SUPPORT = ("请求协调用地指标", "请求协调专项债券资金拨付", "请求协调电力接入")
#: share of the reports with a problem that ask for support
SUPPORT_SHARE = 0.04


@dataclass
class _Made:
    projects: list[KeyProject] = field(default_factory=list)
    plans: list[ProjectYearPlan] = field(default_factory=list)
    milestones: list[ProjectMilestone] = field(default_factory=list)
    reports: list[ProjectReport] = field(default_factory=list)
    reached: list[tuple[ProjectReport, str, date]] = field(default_factory=list)
    tasks: list[tuple[KeyProject, str]] = field(default_factory=list)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _money(value: float) -> Decimal:
    return Decimal(str(round(max(value, 0.0), 2)))


@transaction.atomic
def demo_projects(*, today: date, seed: int = 2021) -> dict[str, int]:
    """The demo's projects, networks and campaign as they stand on ``today``; idempotent (nothing
    is made when the demo's projects exist). Returns how many of each were made."""
    if KeyProject.objects.filter(code__startswith=CODE_PREFIX).exists():
        return {"projects": 0, "reports": 0, "networks": 0, "campaigns": 0}
    plan = Plan.objects.order_by("code").first()
    units = _units()
    if plan is None or not units["departments"] or not units["counties"]:
        return {"projects": 0, "reports": 0, "networks": 0, "campaigns": 0}
    months = _months(today)
    periods = _periods(months)
    networks, lines = _networks()
    made = _Made()
    line_slots = _segments_of(lines, seed)
    for number in range(1, PROJECTS + 1):
        rng = random.Random(f"{seed}:{CODE_PREFIX}{number:03d}")  # demo data, not security
        line = line_slots[number - 1] if number <= len(line_slots) else None
        _project(made, number, rng, line, networks, units, plan, today, months, periods)
    _store(made)
    campaign = _campaign(plan, made.projects, today)
    return {
        "projects": len(made.projects),
        "reports": len(made.reports),
        "networks": len(networks),
        "campaigns": 1 if campaign is not None else 0,
    }


def _units() -> dict[str, list[Unit]]:
    real = Unit.objects.filter(is_synthetic=False).order_by("code")
    return {
        "departments": list(real.filter(kind=UnitKind.DEPARTMENT)),
        "counties": list(real.filter(kind=UnitKind.COUNTY)),
        "parks": list(real.filter(kind=UnitKind.PARK)),
    }


def _networks() -> tuple[dict[int, NetworkPlan], list[NetworkLine]]:
    """The networks and their lines (bulk, audited)."""
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=[n[4] for n in NETWORKS])}
    plans = [
        NetworkPlan(
            code=code,
            kind=kind,
            name_zh=f"{name_zh}（示例数据）",
            name_en=f"{name_en} (demo data)",
            description="线路数量来自原文；线路名称除原文点名者外均为示例，投资与进度均为虚构。"
            if names or count > 2
            else "线路数量来自原文；线路名称和数据为示例。",
            indicator=indicators.get(indicator),
            position=position,
            is_synthetic=True,
        )
        for position, (code, kind, name_zh, name_en, indicator, names, count) in enumerate(NETWORKS)
    ]
    NetworkPlan.objects.bulk_create(plans)
    lines = []
    for network, (code, _kind, _zh, _en, _ind, names, count) in zip(plans, NETWORKS, strict=True):
        for i in range(count):
            named = names[i] if i < len(names) else None
            lines.append(
                NetworkLine(
                    network=network,
                    code=f"{code}-{i + 1:02d}",
                    name_zh=named or f"示例线路{i + 1:02d}",
                    name_en=f"{named} (named in the article)" if named else f"Example line {i + 1:02d}",
                    position=i,
                    is_synthetic=True,
                )
            )
    NetworkLine.objects.bulk_create(lines)
    _audit(plans, lambda n: {"code": n.code, "name_zh": n.name_zh, "kind": n.kind, "is_synthetic": True})
    _audit(
        lines,
        lambda n: {"code": n.code, "name_zh": n.name_zh, "network": n.network.code, "is_synthetic": True},
    )
    return {n.pk: n for n in plans}, lines


def _segments_of(lines: list[NetworkLine], seed: int) -> list[NetworkLine]:
    """The line of each segment project: four lines in five have one to three segments, the
    others none yet (planned only)."""
    slots: list[NetworkLine] = []
    for line in lines:
        rng = random.Random(f"{seed}:{line.code}")  # demo data, not security
        if rng.random() < 0.8:
            slots.extend([line] * rng.randint(1, 3))
    return slots


def _pace(rng: random.Random) -> float:
    roll = rng.random()
    if roll < 0.08:
        return rng.uniform(1.15, 1.3)
    if roll < 0.63:
        return rng.uniform(0.95, 1.1)
    if roll < 0.88:
        return rng.uniform(0.75, 0.9)
    return rng.uniform(0.4, 0.7)


def _project(
    made: _Made,
    number: int,
    rng: random.Random,
    line: NetworkLine | None,
    networks: dict[int, NetworkPlan],
    units: dict[str, list[Unit]],
    plan: Plan,
    today: date,
    months: list[tuple[int, int]],
    periods: dict[tuple[int, int], Any],
) -> None:
    """One project with its plans, milestones, reports and task links (unsaved, collected in ``made``)."""
    category = ProjectCategory.INFRASTRUCTURE if line else rng.choice(list(KINDS))
    level = (
        rng.choice([ProjectLevel.PROVINCIAL, ProjectLevel.CITY]) if line else rng.choice(list(ProjectLevel))
    )
    county = rng.choice(units["counties"])
    park = (
        rng.choice(units["parks"])
        if units["parks"] and category == ProjectCategory.INDUSTRY and rng.random() < 0.6
        else None
    )
    owner = county if level == ProjectLevel.COUNTY else (park or rng.choice(units["departments"]))
    # a segment's name says its kind only: no real project under a real line's name
    kind = SEGMENT_KIND[networks[line.network_id].kind] if line else rng.choice(KINDS[category])
    start = date(plan.start_year - 1, 1, 1) + timedelta(
        days=rng.randint(0, 365 * (today.year - plan.start_year + 3))
    )
    duration = rng.randint(18, 60) if not line else rng.randint(30, 60)
    end = _add_months(start, duration)
    total = rng.choice([1, 2, 5, 10, 20, 50]) * rng.randint(2, 10) * 1000 * (3 if line else 1)
    pace = _pace(rng)
    project = KeyProject(
        code=f"{CODE_PREFIX}{number:03d}",
        name_zh=f"示例重点项目{number:03d} {kind}",
        name_en=f"Example key project {number:03d} ({KIND_EN[category]})",
        level=level,
        category=category,
        line=line,
        owner_unit=owner,
        county=county,
        park=park,
        industry=kind if category == ProjectCategory.INDUSTRY else "",
        total_investment=_money(total),
        start=start,
        end=end,
        leader=f"示例领导{number % 17 + 1:02d}",
        team="示例项目专班：发改、自然资源、住建、生态环境等部门",
        plan_document=f"示例重点项目{number:03d}推进方案",
        timeline="按年度计划和节点推进",
        support_measures="要素保障、审批代办、资金协调" if rng.random() < 0.9 else "",
        is_synthetic=True,
    )
    delay = rng.randint(0, 20) if pace >= 0.9 else rng.randint(15, 120)
    actual = _milestones(made, project, rng, start, end, delay, today)
    project.state = _state(actual)
    made.projects.append(project)
    _year_plans(made, project, rng, plan, start, end, total, today)
    if actual.get(MilestoneKind.STARTED):
        _reports(made, project, rng, pace, actual, today, months, periods)
    _task_links(made, project, rng, line, networks)


def _milestones(
    made: _Made, project: KeyProject, rng: random.Random, start: date, end: date, delay: int, today: date
) -> dict[str, date]:
    span = (end - start).days
    planned: dict[str, date] = {
        MilestoneKind.SIGNED: start - timedelta(days=150),
        MilestoneKind.LAND_SUPPLIED: start - timedelta(days=90),
        MilestoneKind.PERMITS: start - timedelta(days=30),
        MilestoneKind.STARTED: start,
        MilestoneKind.TOPPED_OUT: start + timedelta(days=int(span * 0.55)),
        MilestoneKind.COMPLETED: end,
    }
    if project.category == ProjectCategory.INDUSTRY:
        planned[MilestoneKind.IN_PRODUCTION] = end + timedelta(days=60)
    actual: dict[str, date] = {}
    lag = 0
    for kind in MILESTONE_ORDER:
        if kind not in planned:
            continue
        lag = max(lag, int(delay * rng.uniform(0.5, 1.0)))
        done = planned[kind] + timedelta(days=lag)
        if done < today - timedelta(days=1):
            actual[kind] = done
        made.milestones.append(
            ProjectMilestone(project=project, kind=kind, planned=planned[kind], actual=actual.get(kind))
        )
    return actual


def _state(actual: dict[str, date]) -> str:
    if MilestoneKind.IN_PRODUCTION in actual:
        return ProjectState.PRODUCTION
    if MilestoneKind.COMPLETED in actual:
        return ProjectState.COMPLETED
    if MilestoneKind.STARTED in actual:
        return ProjectState.CONSTRUCTION
    if MilestoneKind.SIGNED in actual:
        return ProjectState.PREPARATION
    return ProjectState.RESERVE


def _active_months(year: int, start: date, end: date) -> int:
    first = max(year * 12, start.year * 12 + start.month - 1)
    last = min(year * 12 + 11, end.year * 12 + end.month - 1)
    return max(last - first + 1, 0)


def _year_plans(
    made: _Made,
    project: KeyProject,
    rng: random.Random,
    plan: Plan,
    start: date,
    end: date,
    total: float,
    today: date,
) -> None:
    """A plan for each year of the plan's period up to ``today``'s that the project is active in;
    a few projects have none for the current year (not judged)."""
    months_total = max((end.year - start.year) * 12 + end.month - start.month + 1, 1)
    skip_current = rng.random() < 0.05
    for year in range(plan.start_year, today.year + 1):
        active = _active_months(year, start, end)
        if active == 0 or (year == today.year and skip_current):
            continue
        amount = total * active / months_total * rng.uniform(0.9, 1.1)
        made.plans.append(ProjectYearPlan(project=project, year=year, planned_investment=_money(amount)))


def _reports(
    made: _Made,
    project: KeyProject,
    rng: random.Random,
    pace: float,
    actual: dict[str, date],
    today: date,
    months: list[tuple[int, int]],
    periods: dict[tuple[int, int], Any],
) -> None:
    """Monthly reports from the actual start to the completion (or ``today``'s month)."""
    started, completed = actual[MilestoneKind.STARTED], actual.get(MilestoneKind.COMPLETED)
    plans = {p.year: float(p.planned_investment) for p in made.plans if p.project is project}
    ytd, year_of = 0.0, 0
    for year, month in months:
        first = date(year, month, 1)
        if (year, month) < (started.year, started.month) or (completed is not None and first > completed):
            continue
        if year != year_of:
            ytd, year_of = 0.0, year
        assert project.start is not None and project.end is not None
        active = max(_active_months(year, project.start, project.end), 1)
        monthly = plans.get(year, 0.0) / active * pace * rng.uniform(0.7, 1.3)
        ytd += monthly
        period = periods[(year, month)]
        fate = _fate(rng, period, today)
        if fate.status is None:
            continue
        pct = min(99, int(ytd * 100 / plans[year])) if plans.get(year) else 0
        problem = rng.choice(PROBLEMS) if pace < 0.9 else ""
        support = rng.choice(SUPPORT) if problem and rng.random() < SUPPORT_SHARE else ""
        report = ProjectReport(
            project=project,
            period=period,
            period_index=period.index,
            investment_month=_money(monthly),
            investment_ytd=_money(ytd),
            image_progress=rng.choice(PROGRESS).format(p=pct),
            problems=problem,
            support_needed=support,
            status=fate.status,
            submitted_at=fate.submitted,
            first_submitted_at=fate.first_submitted,
            reviewed_at=fate.reviewed,
            review_comment=fate.return_comment if fate.status == ReportStatus.RETURNED else "",
            is_synthetic=True,
        )
        made.reports.append(report)
        for kind, day in actual.items():
            if (day.year, day.month) == (year, month):
                made.reached.append((report, kind, day))


def _task_links(
    made: _Made,
    project: KeyProject,
    rng: random.Random,
    line: NetworkLine | None,
    networks: dict[int, NetworkPlan],
) -> None:
    if line is not None:
        made.tasks.append((project, TASK_OF_NETWORK[networks[line.network_id].kind]))
    elif project.category == ProjectCategory.INDUSTRY and rng.random() < 0.5:
        made.tasks.append((project, CAMPAIGN_TASK))
    elif project.level == ProjectLevel.PROVINCIAL and rng.random() < 0.5:
        made.tasks.append((project, KEY_PROJECT_TASK))


def _store(made: _Made) -> None:
    """Bulk-insert what was made, with one audit row per project and per report."""
    KeyProject.objects.bulk_create(made.projects, batch_size=500)
    ProjectYearPlan.objects.bulk_create(made.plans, batch_size=1000)
    ProjectMilestone.objects.bulk_create(made.milestones, batch_size=1000)
    ProjectReport.objects.bulk_create(made.reports, batch_size=1000)
    ProjectReportMilestone.objects.bulk_create(
        [ProjectReportMilestone(report=r, kind=k, actual=d) for r, k, d in made.reached], batch_size=1000
    )
    tasks = {t.code: t.pk for t in Task.objects.filter(code__in={c for _p, c in made.tasks})}
    through = KeyProject.tasks.through
    through.objects.bulk_create(
        [through(keyproject_id=p.pk, task_id=tasks[c]) for p, c in made.tasks if c in tasks], batch_size=1000
    )
    _audit(
        made.projects,
        lambda p: {
            "code": p.code,
            "name_zh": p.name_zh,
            "level": p.level,
            "category": p.category,
            "owner_unit": p.owner_unit.code,
            "total_investment": str(p.total_investment),
            "state": p.state,
            "is_synthetic": True,
        },
    )
    _audit(
        made.reports,
        lambda r: {
            "project": r.project.code,
            "period": r.period.code,
            "investment_month": str(r.investment_month),
            "investment_ytd": str(r.investment_ytd),
            "status": r.status,
            "is_synthetic": True,
        },
        repr_of=lambda r: f"{r.project.code} {r.period.code}",
    )


def _campaign(plan: Plan, projects: list[KeyProject], today: date) -> Campaign | None:
    """The 成渝之星 campaign over its task's window (the plan's years), with the provincial and city
    projects planned to start in it; its targets are the demo's (synthetic)."""
    task = (
        Task.objects.filter(measure__action__plan=plan, code=CAMPAIGN_TASK)
        .select_related("lead_unit")
        .first()
    )
    mechanism = Mechanism.objects.filter(code="chengyu_star_campaign").first()
    start = task.start if task and task.start else date(plan.start_year, 1, 1)
    end = task.end if task and task.end else date(plan.end_year, 12, 31)
    members = [p for p in projects if p.level != ProjectLevel.COUNTY and p.end and p.end >= start]
    starting = [p for p in members if p.start and start <= p.start <= end]
    name_zh = mechanism.name_zh if mechanism else "升腾“成渝之星”项目攻坚大会战"
    name_en = mechanism.name_en if mechanism else "Chengdu–Chongqing Star project campaign"
    campaign = Campaign.objects.create(
        code=CAMPAIGN_CODE,
        name_zh=f"{name_zh}（示例数据）",
        name_en=f"{name_en} (demo data)",
        start=start,
        end=end,
        lead_unit=task.lead_unit if task else None,
        target_started=max(len(starting) - 2, 1),
        target_investment=_money(sum(float(p.total_investment) for p in members) * 0.6),
        description="大会战真实存在（原文）；项目、目标和数据均为示例。",
        is_synthetic=True,
    )
    campaign.projects.set(members)
    _audit(
        [campaign],
        lambda c: {"code": c.code, "name_zh": c.name_zh, "projects": len(members), "is_synthetic": True},
    )
    return campaign


def _audit(objs: list[Any], after: Any, repr_of: Any = None) -> None:
    """One "create" audit row per object (source ``demo``), built without extra queries."""
    if not objs:
        return
    content_type = ContentType.objects.get_for_model(type(objs[0]))
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                user=None,
                user_name="demo",
                action=AuditAction.CREATE,
                content_type=content_type,
                object_id=o.pk,
                object_repr=(repr_of(o) if repr_of else f"{o.code} {o.name_zh}")[:400],
                before=None,
                after=after(o),
                source="demo",
            )
            for o in objs
        ],
        batch_size=1000,
    )
