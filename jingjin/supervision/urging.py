"""Three-colour urging (三色督办单): the daily escalation of overdue items and reports.

An open supervision item not yet answered (assigned, acknowledged or in progress) past its
deadline, and a monthly report not submitted (draft or returned) past its period's deadline, are
urged by rule, one colour a step, in the order of ``settings.JINGJIN_URGING["colours"]``:

* **blue** (提醒): a reminder to the handling unit's users;
* **yellow** (督办通知): an urging notice to the unit's head (its approvers and leaders);
* **red** (督办单 to the leader): a notice to the responsible leaders (the unit's or above).

The first colour is given ``first_after_days`` days after the deadline, each next one
``days_between`` days after the previous. Each step is an :class:`Urging` (target, colour, date,
recipients) and one notification per recipient. Once answered (or submitted) nothing is urged any
more. A target gets at most one urging a day and one of each colour, so running twice a day (or
again after a crash) urges nobody twice (the unique constraints hold under races).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse

from jingjin.alerts.choices import NotificationKind
from jingjin.core import clock
from jingjin.core.choices import AuditAction
from jingjin.core.models import Unit
from jingjin.core.permissions import responsible_leaders, users_who_head_unit, users_who_may_handle
from jingjin.core.services import audit_record
from jingjin.supervision.choices import ItemState, UrgingColour
from jingjin.supervision.models import SupervisionItem, Urging

#: states of an item that is still waiting for the unit's answer
UNANSWERED = (ItemState.ASSIGNED, ItemState.ACKNOWLEDGED, ItemState.IN_PROGRESS)


@dataclass(frozen=True)
class UrgingRule:
    """The escalation settings: colours in order, days after the deadline, days between colours."""

    colours: tuple[str, ...]
    first_after_days: int
    days_between: int


def rule() -> UrgingRule:
    """The rule of ``settings.JINGJIN_URGING`` (unknown colours dropped, order kept)."""
    conf: dict[str, Any] = dict(getattr(settings, "JINGJIN_URGING", {}))
    colours = tuple(
        c for c in conf.get("colours", UrgingColour.values) if str(c).strip() in UrgingColour.values
    )
    return UrgingRule(
        colours=colours or tuple(UrgingColour.values),
        first_after_days=max(1, int(conf.get("first_after_days", 1))),
        days_between=max(1, int(conf.get("days_between", 3))),
    )


def next_colour(*, deadline: date, given: list[tuple[str, date]], day: date, rule: UrgingRule) -> str:
    """The colour due on ``day`` for a target with ``deadline`` already urged ``given`` ((colour,
    date) pairs), or "" — pure: the whole schedule is this function."""
    done = {c for c, _ in given}
    if any(d == day for _, d in given):
        return ""
    pending = [c for c in rule.colours if c not in done]
    if not pending:
        return ""
    if not given:
        return pending[0] if (day - deadline).days >= rule.first_after_days else ""
    last = max(d for _, d in given)
    return pending[0] if (day - last).days >= rule.days_between else ""


def _recipients(colour: str, unit_id: int) -> list[Any]:
    if colour == UrgingColour.BLUE:
        users = users_who_may_handle(unit_id)
    elif colour == UrgingColour.YELLOW:
        users = users_who_head_unit(unit_id)
    else:
        users = responsible_leaders(unit_id)
    return list(users.order_by("username"))


@dataclass
class UrgingSummary:
    """What one run did: the urgings made by colour, and the targets it skipped."""

    made: dict[str, int] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.made.values())

    def as_json(self) -> dict[str, Any]:
        return {"urged": self.total, **{c: self.made.get(c, 0) for c in UrgingColour.values}}


def _urge(
    *,
    colour: str,
    unit: Unit,
    day: date,
    deadline: date,
    label: str,
    link: str,
    is_synthetic: bool,
    source: str,
    **target: Any,
) -> Urging | None:
    users = _recipients(colour, unit.pk)
    urging = Urging(
        unit=unit,
        colour=colour,
        date=day,
        days_overdue=(day - deadline).days,
        recipients=[u.get_username() for u in users],
        created_at=clock.now(),
        is_synthetic=is_synthetic,
        **target,
    )
    try:
        with transaction.atomic():
            urging.save(force_insert=True)
    except IntegrityError:  # another run gave this colour at the same moment
        return None
    after = {"colour": colour, "date": day.isoformat(), "unit": unit.code, "target": label}
    audit_record(actor=None, action=AuditAction.CREATE, obj=urging, before=None, after=after, source=source)
    if not is_synthetic:
        from jingjin.notifications.services import notify

        params = {
            "stage": f"urging_{colour}",
            "item": label,
            "unit": unit.code,
            "unit_zh": unit.name_zh,
            "unit_en": getattr(unit, "name_en", "") or unit.name_zh,
            "deadline": deadline.isoformat(),
            "days": urging.days_overdue,
        }
        notify(users=users, kind=NotificationKind.SUPERVISION_DUE, params=params, link=link, unit=None)
    return urging


def _given(urgings: QuerySet[Urging], key: str) -> dict[int, list[tuple[str, date]]]:
    out: dict[int, list[tuple[str, date]]] = {}
    for pk, colour, day in urgings.values_list(key, "colour", "date"):
        out.setdefault(pk, []).append((colour, day))
    return out


@transaction.atomic
def urging_run(*, as_of: date | None = None, source: str = "schedule") -> UrgingSummary:
    """Today's escalation step for every overdue item not answered and every overdue report not
    submitted (see the module's doc); idempotent per day."""
    day = as_of or clock.today()
    current = rule()
    summary = UrgingSummary()
    items = list(
        SupervisionItem.objects.filter(state__in=UNANSWERED, deadline__lt=day)
        .select_related("assignee_unit")
        .order_by("deadline", "code")
    )
    given = _given(Urging.objects.filter(item__in=items), "item_id")
    for item in items:
        colour = item_urge(item=item, given=given.get(item.pk, []), day=day, rule_=current, source=source)
        if colour:
            summary.made[colour] = summary.made.get(colour, 0) + 1
            summary.codes.append(item.code)
    _urge_reports(day=day, rule_=current, summary=summary, source=source)
    return summary


def item_urge(
    *, item: SupervisionItem, given: list[tuple[str, date]], day: date, rule_: UrgingRule, source: str
) -> str:
    """Urge ``item`` on ``day`` with the colour the rule says is due (given the urgings ``given``
    so far); the colour, or "" when none is due or another run gave it."""
    if item.state not in UNANSWERED or item.deadline >= day:
        return ""
    colour = next_colour(deadline=item.deadline, given=given, day=day, rule=rule_)
    made = colour and _urge(
        colour=colour,
        unit=item.assignee_unit,
        day=day,
        deadline=item.deadline,
        label=item.code,
        link=reverse("supervision:detail", args=[item.code]),
        is_synthetic=item.is_synthetic,
        source=source,
        item=item,
    )
    return colour if made else ""


def _urge_reports(*, day: date, rule_: UrgingRule, summary: UrgingSummary, source: str) -> None:
    from jingjin.reporting.choices import ReportStatus
    from jingjin.reporting.models import Report

    reports = list(
        Report.objects.filter(
            status__in=(ReportStatus.DRAFT, ReportStatus.RETURNED), period__deadline__lt=day
        ).select_related("task__lead_unit", "period")
    )
    given = _given(Urging.objects.filter(report__in=reports), "report_id")
    for report in reports:
        unit = report.task.lead_unit
        if unit is None:
            continue
        deadline = report.period.deadline
        colour = next_colour(deadline=deadline, given=given.get(report.pk, []), day=day, rule=rule_)
        label = f"{report.task.code} {report.period.code}"
        if colour and _urge(
            colour=colour,
            unit=unit,
            day=day,
            deadline=deadline,
            label=label,
            link=reverse("reporting:report", args=[report.period.code, report.task_id]),
            is_synthetic=False,
            source=source,
            report=report,
        ):
            summary.made[colour] = summary.made.get(colour, 0) + 1
            summary.codes.append(label)


def urging_list(*, user: Any, colour: str = "") -> QuerySet[Urging]:
    """The urgings of the items and reports of the units ``user`` lists, newest first."""
    from jingjin.core.permissions import listed_for

    queryset = listed_for(user, Urging.objects.all(), "unit_id").select_related(
        "item", "report__task", "report__period", "unit"
    )
    return queryset.filter(colour=colour) if colour in UrgingColour.values else queryset


def urgings_of_item(item: SupervisionItem) -> list[Urging]:
    return list(item.urgings.order_by("date", "id"))
