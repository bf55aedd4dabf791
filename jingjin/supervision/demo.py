"""Synthetic supervision items (督办件) for the demo: a dozen examples in every state.

The items are marked ``is_synthetic`` and their titles begin with 【示例】 ("example"), so no one
takes them for real instructions. Deadlines are set relative to ``today`` (the demo's as-of date):
some items are due soon (yellow), some overdue (red), some closed; each step is dated between the
day of issue and the day before ``today``. Calling :func:`demo_items` again changes nothing.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.plans.models import Task
from jingjin.supervision import services
from jingjin.supervision.choices import ItemState, ItemStep
from jingjin.supervision.models import SupervisionItem

TITLE_PREFIX = "【示例】"

#: (title, body, state it ends in, deadline in days from today, "department" or "county",
#: whether the plan office once sent the answer back)
DEMO_ITEMS: tuple[tuple[str, str, str, int, str, bool], ...] = (
    (
        "加快重点项目前期手续办理",
        "梳理在库项目的用地、环评、能评手续，逐项明确完成时限。",
        ItemState.ASSIGNED,
        2,
        "department",
        False,
    ),
    (
        "上报村级集体经济薄弱村名单",
        "按消薄倍增要求核实薄弱村名单并报送。",
        ItemState.ASSIGNED,
        -21,  # overdue already at the end of last month: the cockpit's default month shows it
        "county",
        False,
    ),
    (
        "完善招商项目库信息",
        "补齐招商项目库中企业类别、投资额和对接进度。",
        ItemState.ASSIGNED,
        20,
        "department",
        False,
    ),
    (
        "整改空气质量监测点周边扬尘",
        "对监测点周边工地落实扬尘管控措施，反馈整改情况。",
        ItemState.ACKNOWLEDGED,
        1,
        "county",
        False,
    ),
    (
        "报送产业链链长制工作台账",
        "按月更新链长制工作台账并报送督查考核办。",
        ItemState.ACKNOWLEDGED,
        -18,
        "department",
        False,
    ),
    (
        "推进农村户厕问题整改",
        "对排查发现的问题户厕逐户整改，建立销号台账。",
        ItemState.IN_PROGRESS,
        3,
        "county",
        False,
    ),
    (
        "落实亩均效益评价结果运用",
        "将评价结果用于差别化要素配置，报送落实情况。",
        ItemState.IN_PROGRESS,
        -1,
        "department",
        False,
    ),
    ("开展黑臭水体排查", "对辖区水体开展排查，建立问题清单。", ItemState.IN_PROGRESS, 15, "county", True),
    (
        "报送人才引进阶段性成效",
        "汇总本年度引进人才数量、结构和使用情况。",
        ItemState.ANSWERED,
        5,
        "department",
        False,
    ),
    (
        "防返贫监测对象帮扶措施落实",
        "核实监测对象帮扶措施落实情况，防止漏监测。",
        ItemState.ANSWERED,
        -2,
        "county",
        False,
    ),
    (
        "修订标准地出让控制指标",
        "结合亩均评价修订标准地控制指标。",
        ItemState.CLOSED,
        -10,
        "department",
        False,
    ),
    (
        "园区污水处理设施运行核查",
        "核查园区污水处理设施运行记录和出水水质。",
        ItemState.CLOSED,
        7,
        "county",
        False,
    ),
)

#: the steps that lead from "assigned" to each state, with the text the demo gives each step
PATH_TO: dict[str, tuple[tuple[str, str], ...]] = {
    ItemState.ASSIGNED: (),
    ItemState.ACKNOWLEDGED: ((ItemStep.ACKNOWLEDGE, "已签收。"),),
    ItemState.IN_PROGRESS: ((ItemStep.ACKNOWLEDGE, "已签收。"), (ItemStep.START, "已安排专人办理。")),
    ItemState.ANSWERED: (
        (ItemStep.ACKNOWLEDGE, "已签收。"),
        (ItemStep.START, "已安排专人办理。"),
        (ItemStep.ANSWER, "已按要求完成，相关材料已报送（示例）。"),
    ),
    ItemState.CLOSED: (
        (ItemStep.ACKNOWLEDGE, "已签收。"),
        (ItemStep.START, "已安排专人办理。"),
        (ItemStep.ANSWER, "已按要求完成，相关材料已报送（示例）。"),
        (ItemStep.CLOSE, "办结。"),
    ),
}
SENT_BACK: tuple[tuple[str, str], ...] = (
    (ItemStep.ACKNOWLEDGE, "已签收。"),
    (ItemStep.START, "已安排专人办理。"),
    (ItemStep.ANSWER, "已完成初步排查（示例）。"),
    (ItemStep.REOPEN, "请补充问题清单和整改时限。"),
)


def _units(kind: str) -> list[Unit]:
    """Departments that lead tasks (the demo accounts' units among them), or counties and parks."""
    if kind == "department":
        leads = Task.objects.values("lead_unit")
        return list(
            Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_synthetic=False, pk__in=leads).order_by(
                "position", "code"
            )
        )
    kinds = [UnitKind.COUNTY, UnitKind.PARK]
    return list(Unit.objects.filter(kind__in=kinds, is_synthetic=False).order_by("position", "code"))


@transaction.atomic
def demo_items(*, today: date, seed: int = 2021) -> int:
    """Create the example supervision items that are missing; return how many were created.

    Items go to the departments and the counties/parks of the loaded plan (chosen with ``seed``),
    each linked to a task its unit leads when there is one. Needs units; without any it creates
    nothing. Every item is issued and moved on through the services, so it has its history and
    audit rows like a real one (by the system, source ``demo``).
    """
    rng = random.Random(seed)
    pools = {kind: _units(kind) for kind in ("department", "county")}
    existing = set(
        SupervisionItem.objects.filter(is_synthetic=True, title__startswith=TITLE_PREFIX).values_list(
            "title", flat=True
        )
    )
    created = 0
    turns = {"department": 0, "county": 0}
    for title, body, state, days, kind, sent_back in DEMO_ITEMS:
        pool = pools[kind] or pools["department"] or pools["county"]
        unit = pool[turns[kind] % len(pool)] if pool else None  # in turn, so every unit gets one
        turns[kind] += 1
        full_title = f"{TITLE_PREFIX}{title}"
        if unit is None or full_title in existing:
            continue
        tasks = list(Task.objects.filter(lead_unit=unit).order_by("code").values_list("pk", flat=True)[:20])
        task = Task.objects.get(pk=rng.choice(tasks)) if tasks else None
        deadline = today + timedelta(days=days)
        item = services.item_issue(
            actor=None,
            title=full_title,
            body=body,
            assignee_unit=unit,
            task=task,
            deadline=deadline,
            issued_on=min(today, deadline) - timedelta(days=20),
            is_synthetic=True,
            source="demo",
        )
        path = SENT_BACK if sent_back else PATH_TO[state]
        # the steps are spread over the days between the issue and today, so that past months'
        # views show each item in the state it had then
        gap = max(1, (today - item.issued_on).days // (len(path) + 1))
        for number, (step, text) in enumerate(path, start=1):
            day = min(item.issued_on + timedelta(days=gap * number), today - timedelta(days=1))
            at = timezone.make_aware(datetime.combine(day, time(10, number)))
            item = services.item_step(actor=None, item=item, step=step, text=text, source="demo", at=at)
        assert item.state == state, (item.code, item.state, state)
        created += 1
    return created


# --------------------------------------------------------------------------------------------
# Issue 20: instructions, extensions, urgings, a meeting and two stationings (all synthetic)

DEMO_LEADER = "王某（演示）"


def _open_demo_items() -> list[SupervisionItem]:
    return list(
        SupervisionItem.objects.filter(is_synthetic=True, title__startswith=TITLE_PREFIX)
        .exclude(state__in=(ItemState.ANSWERED, ItemState.CLOSED))
        .select_related("assignee_unit")
        .order_by("deadline", "code")
    )


def _demo_instructions(*, today: date) -> int:
    from jingjin.reporting.models import Report
    from jingjin.supervision.instructions import instruction_give

    report = (
        Report.objects.filter(status="approved")
        .select_related("task__lead_unit")
        .order_by("-period_index", "pk")
        .first()
    )
    task = Task.objects.filter(lead_unit__isnull=False).order_by("code").first()
    made = 0
    if report is not None and report.task.lead_unit is not None:
        closed = instruction_give(
            actor=None,
            text="【示例】该项进度偏慢，请牵头单位说明原因并提出赶进度措施。",
            units=[report.task.lead_unit],
            deadline=today - timedelta(days=3),
            leader_name=DEMO_LEADER,
            given_on=today - timedelta(days=12),
            is_synthetic=True,
            source="demo",
            report=report,
        )
        for item in closed.items.all():
            # dated between the instruction (12 days ago) and the as-of day, as a history is
            for number, (step, text) in enumerate(PATH_TO[ItemState.CLOSED]):
                at = timezone.make_aware(datetime.combine(today - timedelta(days=10 - 2 * number), time(10)))
                services.item_step(actor=None, item=item, step=step, text=text, source="demo", at=at)
        made += 1
    if task is not None and task.lead_unit is not None:
        instruction_give(
            actor=None,
            text="【示例】请加强统筹，月底前拿出推进方案。",
            units=[task.lead_unit],
            deadline=today + timedelta(days=14),
            leader_name=DEMO_LEADER,
            given_on=today - timedelta(days=2),
            is_synthetic=True,
            source="demo",
            task=task,
        )
        made += 1
    return made


def _demo_extensions() -> int:
    from jingjin.supervision.extensions import extension_decide, extension_request

    items = [i for i in _open_demo_items() if i.deadline > i.issued_on][:2]
    for number, item in enumerate(items):
        request = extension_request(
            actor=None,
            item=item,
            new_deadline=item.deadline + timedelta(days=15),
            reason="【示例】受汛期影响，现场施工暂停。" if number == 0 else "【示例】配套资金尚未到位。",
            is_synthetic=True,
            source="demo",
        )
        extension_decide(
            actor=None,
            request=request,
            grant=number == 0,
            reason="【示例】属不可抗力，同意延期。"
            if number == 0
            else "【示例】不属于延期情形，请按期完成。",
            source="demo",
        )
    return len(items)


def _demo_urgings(*, today: date) -> int:
    from jingjin.supervision.urging import item_urge, rule

    current = rule()
    made = 0
    for item in _open_demo_items():
        given: list[tuple[str, date]] = []
        day = item.deadline + timedelta(days=1)
        while day <= today:
            colour = item_urge(item=item, given=given, day=day, rule_=current, source="demo")
            if colour:
                given.append((colour, day))
                made += 1
            day += timedelta(days=1)
    return made


def _demo_meeting_and_stationings(*, today: date) -> int:
    from jingjin.projects.models import KeyProject
    from jingjin.supervision.meetings import DecisionInput, decision_issue, meeting_record
    from jingjin.supervision.stationings import stationing_close, stationing_create, stationing_log

    tasks = list(
        Task.objects.filter(lead_unit__isnull=False).select_related("lead_unit").order_by("code")[:2]
    )
    if not tasks:
        return 0
    units = sorted({t.lead_unit for t in tasks if t.lead_unit is not None}, key=lambda u: u.code)
    meeting = meeting_record(
        actor=None,
        title="【示例】重点任务现场推进会",
        date=today - timedelta(days=6),
        place="【示例】某项目施工现场",
        chair=DEMO_LEADER,
        units=units,
        tasks=tasks,
        notes="【示例】现场查看进度，逐项研究存在问题。",
        decisions=[
            DecisionInput(
                text="【示例】两周内完成剩余征地协调。", unit=units[0], deadline=today + timedelta(days=8)
            ),
            DecisionInput(
                text="【示例】协调落实配套资金。", unit=units[-1], deadline=today + timedelta(days=20)
            ),
        ],
        is_synthetic=True,
        source="demo",
    )
    decision_issue(actor=None, decision=meeting.decisions.order_by("position").first(), source="demo")  # type: ignore[arg-type]
    first = stationing_create(
        actor=None,
        cadre_name="张某（演示）",
        cadre_unit=units[0],
        purpose="【示例】驻点推进任务落实。",
        start=today - timedelta(days=40),
        end=today - timedelta(days=5),
        is_synthetic=True,
        source="demo",
        task=tasks[0],
    )
    for days, text in ((35, "【示例】召开协调会，梳理问题清单。"), (20, "【示例】现场督导整改。")):
        stationing_log(
            actor=None, stationing=first, text=text, day=today - timedelta(days=days), source="demo"
        )
    stationing_close(
        actor=None, stationing=first, summary="【示例】问题清单已销号，任务恢复正常进度。", source="demo"
    )
    project = KeyProject.objects.order_by("code").first()
    target = {"project": project} if project is not None else {"task": tasks[-1]}
    second = stationing_create(
        actor=None,
        cadre_name="李某（演示）",
        cadre_unit=units[-1],
        purpose="【示例】蹲点服务重点项目建设。",
        start=today - timedelta(days=10),
        end=today + timedelta(days=50),
        is_synthetic=True,
        source="demo",
        **target,
    )
    stationing_log(
        actor=None,
        stationing=second,
        text="【示例】走访项目业主，了解要素需求。",
        day=today - timedelta(days=3),
        source="demo",
    )
    return 3


@transaction.atomic
def demo_practices(*, today: date) -> dict[str, int]:
    """Instructions (one closed, one open), an extension granted and one refused, the urgings of
    the overdue items (each colour), a meeting with decisions and two stationings with logs; all
    synthetic. Does nothing when they exist already."""
    from jingjin.supervision.models import Instruction, Meeting

    if (
        Instruction.objects.filter(is_synthetic=True).exists()
        or Meeting.objects.filter(is_synthetic=True).exists()
    ):
        return {}
    return {
        "instructions": _demo_instructions(today=today),
        "extensions": _demo_extensions(),
        "urgings": _demo_urgings(today=today),
        "meeting_and_stationings": _demo_meeting_and_stationings(today=today),
    }
