"""The texts of a document from its source: a supervision item (督办函), the monthly bulletin's
figures (月度通报) or a published red/black list (红黑榜通报).

The texts are Chinese whatever the interface language: they are official documents of a Chinese
office (GB/T 9704-2012). Each function returns a :class:`Draft` — title, addressee, paragraphs and
the units the document is addressed to; :mod:`jingjin.documents.services` numbers and stores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.utils import translation

from jingjin.core.models import Unit
from jingjin.plans.models import Plan

#: the most rows of one list a bulletin names (the rest are counted)
MAX_NAMED = 20

#: the reader of the bulletin's figures when the system issues a document (demo data): sees the
#: whole plan, as the plan office does
SYSTEM_READER = SimpleNamespace(is_authenticated=True, is_superuser=True, pk=None)


class SourceError(ValueError):
    """The source cannot give a document (a draft list, an empty period …)."""


@dataclass
class Draft:
    title: str
    addressee: str
    paragraphs: list[str]
    recipients: list[Unit] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def from_supervision_item(item: Any, *, plan: Plan) -> Draft:
    """督办函: what the unit is to do, by when, and what happens if it does not."""
    unit = item.assignee_unit
    with translation.override("zh-hans"):
        unit_name = unit.name
        plan_name = plan.name
    paragraphs = [
        f"根据《{plan_name}》工作安排，现将“{item.title}”（督办编号：{item.code}）交由你单位办理。",
        *[line.strip() for line in (item.body or "").splitlines() if line.strip()],
        f"请于{_date(item.deadline)}前办结，并将办理情况书面反馈。逾期未办结的，将按有关规定予以通报。",
    ]
    if item.task_id is not None:
        paragraphs.insert(1, f"该事项涉及任务：{item.task.code} {item.task.name_zh}。")
    return Draft(
        title=f"关于督办“{item.title}”的函",
        addressee=unit_name,
        paragraphs=paragraphs,
        recipients=[unit],
        notes=["（本件为演示数据，非真实督办。）"] if item.is_synthetic else [],
    )


def from_bulletin(period: Any, *, plan: Plan, reader: Any) -> Draft:
    """月度通报: the bulletin's summary, then the late and missing reports and the overdue items."""
    from jingjin.dashboard import bulletin
    from jingjin.dashboard.selectors import cockpit

    with translation.override("zh-hans"):
        data = cockpit(user=reader or SYSTEM_READER, period=period, plan_code=plan.code)
        paragraphs = [
            f"现将{period.year}年{period.month}月《{plan.name}》工作推进情况通报如下。",
            "一、总体情况",
            bulletin.summary(data),
        ]
        listed = {"Late and missing": "二、报送情况", "Supervision overdue": "三、督办事项"}
        names = {translation.gettext(key): heading for key, heading in listed.items()}
        for table in bulletin.tables(data):
            heading = names.get(table.sheet)
            if heading is None:
                continue
            paragraphs.append(heading)
            if not table.rows:
                paragraphs.append("无。")
                continue
            named = ["，".join(str(v) for v in row if v not in (None, "")) for row in table.rows[:MAX_NAMED]]
            more = len(table.rows) - len(named)
            paragraphs.append("；".join(named) + (f"；另有{more}项。" if more > 0 else "。"))
        paragraphs.append("请各单位对照通报情况，认真分析原因，抓紧整改落实。")
        notes = [bulletin.synthetic_note()] if data.synthetic else []
    lead_ids = {t.lead_unit_id for t in data.tasks if t.lead_unit_id is not None}
    return Draft(
        title=f"关于{period.year}年{period.month}月工作推进情况的通报",
        addressee="各有关单位",
        paragraphs=paragraphs,
        recipients=list(Unit.objects.filter(pk__in=lead_ids)),
        notes=notes,
    )


def from_ranking_list(ranking_list: Any, *, plan: Plan) -> Draft:
    """红黑榜通报 of a published list: the units on the red list, those on the black list with
    the reason, and what follows."""
    from jingjin.assessment.choices import Verdict

    if not ranking_list.is_published:
        raise SourceError("only a published red/black list can be notified")
    period = ranking_list.period
    entries = list(
        ranking_list.entries.select_related("unit", "project").order_by("rank", "bottom_rank", "unit__code")
    )
    with translation.override("zh-hans"):
        scheme = ranking_list.scheme.name

        def who(entry: Any) -> str:
            return str(entry.project.name if entry.project_id else entry.unit.name)

        red = [who(e) for e in entries if e.verdict == Verdict.RED]
        black = [
            f"{who(e)}（{e.reason}）" if e.reason else who(e) for e in entries if e.verdict == Verdict.BLACK
        ]
    paragraphs = [
        f"根据{scheme}办法，经综合评分，现将{period.year}年{period.month}月红黑榜通报如下。",
        "一、红榜",
        ("、".join(red) + "。") if red else "本期无。",
        "二、黑榜",
        ("、".join(black) + "。") if black else "本期无。",
        "希望上榜红榜的单位再接再厉；列入黑榜的单位要深刻查找原因，制定整改措施，按期报送整改情况。",
    ]
    return Draft(
        title=f"关于{period.year}年{period.month}月红黑榜情况的通报",
        addressee="各有关单位",
        paragraphs=paragraphs,
        recipients=list({e.unit_id: e.unit for e in entries}.values()),
        notes=["（本件依据演示数据生成。）"] if ranking_list.is_synthetic else [],
    )
