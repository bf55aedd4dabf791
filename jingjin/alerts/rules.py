"""Early-warning rules (预警规则): pure-ish functions from selector results and a day to findings.

Each rule takes plain rows (fetched set-based by :mod:`jingjin.alerts.selectors`) and ``as_of``
and returns :class:`Finding` objects; it never touches the database. A finding's ``key``
(rule + object + period) identifies the warning across recomputations.

* :func:`report_missing` (red): a due task has no submitted report for a period ``N`` days
  after the period's deadline or later (``N`` = ``settings.JINGJIN_WARNING_MISSING_DAYS``,
  default 3): raised on ``deadline + N``, not on ``deadline + N − 1``.
* :func:`status_red` (red): the status engine puts the task at 严重滞后 (far behind) or 逾期
  (overdue) for the latest period whose deadline has passed.
* :func:`indicator_projected_to_miss`: the indicator outlook from the reported actuals is
  难以达成 (unlikely, red) or 存在风险 (at risk, yellow); indicators without a projection
  (no actuals, no target, boolean or milestone) are skipped.
* :func:`supervision_due_soon` (yellow): an open supervision item whose deadline is ``as_of``
  or one of the next three days (the supervision selectors' ``due_soon`` signal).
* :func:`supervision_overdue` (red): an open supervision item after its deadline day.
* :func:`black_list_escalation` (red): a unit black-listed on two consecutive published lists
  (the entry's ``escalated`` flag) on the scheme's latest published list.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_noop

from jingjin.alerts.choices import NotificationKind, WarningLevel, WarningRule
from jingjin.engines.status import Outlook, Status

#: rule → the reason message (English msgid, Chinese in the catalogue), filled with the params
MESSAGES: dict[str, str] = {
    WarningRule.REPORT_MISSING: gettext_noop(
        "No report of task %(task)s for %(period)s has been submitted; the deadline was %(deadline)s."
    ),
    WarningRule.STATUS_RED: gettext_noop(
        "Task %(task)s is %(status)s: %(reported)s reported against %(expected)s expected for %(period)s."
    ),
    WarningRule.INDICATOR_PROJECTED_TO_MISS: gettext_noop(
        "Indicator %(indicator)s is projected at %(projected)s by %(year)s against the target "
        "%(target)s: %(outlook)s."
    ),
    WarningRule.SUPERVISION_DUE_SOON: gettext_noop(
        "Supervision item %(item)s is due on %(deadline)s (in %(days)s days)."
    ),
    WarningRule.SUPERVISION_OVERDUE: gettext_noop(
        "Supervision item %(item)s is overdue: the deadline was %(deadline)s."
    ),
    WarningRule.BLACK_LIST_ESCALATION: gettext_noop(
        "Unit %(unit)s is on the black list of %(scheme)s for the second period in a row (%(period)s)."
    ),
}

#: the engine's names of status and outlook codes as msgids (translated when the reason is shown)
STATUS_NAMES = {Status.FAR_BEHIND: gettext_noop("far behind"), Status.OVERDUE: gettext_noop("overdue")}
OUTLOOK_NAMES = {Outlook.AT_RISK: gettext_noop("at risk"), Outlook.UNLIKELY: gettext_noop("unlikely")}


@dataclass(frozen=True)
class Finding:
    """One condition a rule found: what would become (or keep) a warning."""

    key: str
    rule: str
    level: str
    params: dict[str, Any]
    unit_id: int | None
    task_id: int | None = None
    indicator_id: int | None = None
    period_id: int | None = None
    supervision_item_id: int | None = None
    ranking_entry_id: int | None = None
    translated: tuple[str, ...] = field(default=())  # params whose values are msgids


@dataclass(frozen=True)
class DueRow:
    """A task due for a period, and whether a report was submitted for it."""

    task_id: int
    task_code: str
    unit_id: int
    period_id: int
    period_code: str
    deadline: date
    submitted: bool


def report_missing(rows: Iterable[DueRow], *, as_of: date, days: int) -> list[Finding]:
    """Red for every due task without a submitted report once ``as_of ≥ deadline + days``."""
    out = []
    for row in rows:
        if row.submitted or as_of < row.deadline + timedelta(days=days):
            continue
        out.append(
            Finding(
                key=f"{WarningRule.REPORT_MISSING}:task:{row.task_id}:{row.period_code}",
                rule=WarningRule.REPORT_MISSING,
                level=WarningLevel.RED,
                params={
                    "task": row.task_code,
                    "period": row.period_code,
                    "deadline": row.deadline.isoformat(),
                },
                unit_id=row.unit_id,
                task_id=row.task_id,
                period_id=row.period_id,
            )
        )
    return out


@dataclass(frozen=True)
class LightRow:
    """A task's status light for a period (from the reporting selectors' status engine call)."""

    task_id: int
    task_code: str
    unit_id: int
    period_id: int
    period_code: str
    light: int
    expected_pct: float | None
    reported_pct: float | None


def status_red(rows: Iterable[LightRow], *, as_of: date) -> list[Finding]:
    """Red for every task whose light is far behind or overdue. The key has no period: the warning
    stays open (and is refreshed) while the task stays red from one month to the next."""
    out = []
    for row in rows:
        if row.light not in (Status.FAR_BEHIND, Status.OVERDUE):
            continue
        out.append(
            Finding(
                key=f"{WarningRule.STATUS_RED}:task:{row.task_id}",
                rule=WarningRule.STATUS_RED,
                level=WarningLevel.RED,
                params={
                    "task": row.task_code,
                    "status": STATUS_NAMES[Status(row.light)],
                    "reported": _number(row.reported_pct or 0) + "%",
                    "expected": _number(row.expected_pct or 0) + "%",
                    "period": row.period_code,
                },
                unit_id=row.unit_id,
                task_id=row.task_id,
                period_id=row.period_id,
                translated=("status",),
            )
        )
    return out


@dataclass(frozen=True)
class OutlookRow:
    """An indicator's outlook from the status engine."""

    indicator_id: int
    indicator_code: str
    task_id: int
    unit_id: int | None
    outlook: int
    projected: float | None
    target: float | None
    target_year: int | None


def indicator_projected_to_miss(rows: Iterable[OutlookRow], *, as_of: date) -> list[Finding]:
    """Red for 难以达成 (unlikely), yellow for 存在风险 (at risk); other outlooks are skipped."""
    out = []
    for row in rows:
        if row.outlook not in (Outlook.AT_RISK, Outlook.UNLIKELY):
            continue
        out.append(
            Finding(
                key=f"{WarningRule.INDICATOR_PROJECTED_TO_MISS}:indicator:{row.indicator_id}",
                rule=WarningRule.INDICATOR_PROJECTED_TO_MISS,
                level=WarningLevel.RED if row.outlook == Outlook.UNLIKELY else WarningLevel.YELLOW,
                params={
                    "indicator": row.indicator_code,
                    "projected": _number(row.projected),
                    "target": _number(row.target),
                    "year": row.target_year or "",
                    "outlook": OUTLOOK_NAMES[Outlook(row.outlook)],
                },
                unit_id=row.unit_id,
                task_id=row.task_id,
                indicator_id=row.indicator_id,
                translated=("outlook",),
            )
        )
    return out


@dataclass(frozen=True)
class ItemRow:
    """An open supervision item."""

    item_id: int
    item_code: str
    unit_id: int
    task_id: int | None
    deadline: date


def supervision_due_soon(rows: Iterable[ItemRow], *, as_of: date, days: int = 3) -> list[Finding]:
    """Yellow from ``days`` days before the deadline up to the deadline day itself."""
    out = []
    for row in rows:
        left = (row.deadline - as_of).days
        if not 0 <= left <= days:
            continue
        out.append(
            Finding(
                key=f"{WarningRule.SUPERVISION_DUE_SOON}:item:{row.item_id}",
                rule=WarningRule.SUPERVISION_DUE_SOON,
                level=WarningLevel.YELLOW,
                params={"item": row.item_code, "deadline": row.deadline.isoformat(), "days": left},
                unit_id=row.unit_id,
                task_id=row.task_id,
                supervision_item_id=row.item_id,
            )
        )
    return out


def supervision_overdue(rows: Iterable[ItemRow], *, as_of: date) -> list[Finding]:
    """Red from the day after the deadline."""
    out = []
    for row in rows:
        if as_of <= row.deadline:
            continue
        out.append(
            Finding(
                key=f"{WarningRule.SUPERVISION_OVERDUE}:item:{row.item_id}",
                rule=WarningRule.SUPERVISION_OVERDUE,
                level=WarningLevel.RED,
                params={"item": row.item_code, "deadline": row.deadline.isoformat()},
                unit_id=row.unit_id,
                task_id=row.task_id,
                supervision_item_id=row.item_id,
            )
        )
    return out


@dataclass(frozen=True)
class EntryRow:
    """An entry of a scheme's latest published list."""

    entry_id: int
    unit_id: int
    unit_code: str
    scheme_code: str
    period_id: int
    period_code: str
    escalated: bool


def black_list_escalation(rows: Iterable[EntryRow], *, as_of: date) -> list[Finding]:
    """Red for each escalated entry (black on this list and the scheme's previous one)."""
    return [
        Finding(
            key=f"{WarningRule.BLACK_LIST_ESCALATION}:entry:{row.entry_id}:{row.period_code}",
            rule=WarningRule.BLACK_LIST_ESCALATION,
            level=WarningLevel.RED,
            params={"unit": row.unit_code, "scheme": row.scheme_code, "period": row.period_code},
            unit_id=row.unit_id,
            period_id=row.period_id,
            ranking_entry_id=row.entry_id,
        )
        for row in rows
        if row.escalated
    ]


#: params that name an object by its code, and how a rendered reason shows them: "code name"
#: (tasks, indicators, supervision items) or the name alone (units, schemes); the names are stored
#: next to the code as ``<param>_zh`` and ``<param>_en`` when the warning is raised
NAMED_PARAMS: dict[str, bool] = {
    "task": True,
    "indicator": True,
    "item": True,
    "unit": False,
    "scheme": False,
}


def render_reason(rule: str, params: dict[str, Any]) -> str:
    """The reason of a warning in the active language: the rule's message filled with ``params``
    (the values named in ``params["_t"]`` are msgids and are translated too; the objects of
    :data:`NAMED_PARAMS` are shown by their names in the active language when ``params`` holds
    them, by their codes otherwise)."""
    from django.utils.translation import gettext

    message = MESSAGES.get(rule)
    if message is None:
        return ""
    values = dict(params)
    for name in params.get("_t", ()):
        values[name] = gettext(str(values.get(name, "")))
    return render_reason_values(message, values)


#: notification kind → its message (English msgid, Chinese in the catalogue), filled with the
#: notification's params; "task" shows as "code name" and "unit" as the name in the reader's language
NOTIFICATION_MESSAGES: dict[str, str] = {
    NotificationKind.REPORT_RETURNED: gettext_noop(
        "Your report of %(task)s for %(period)s was returned by %(reviewer)s: %(comment)s"
    ),
    NotificationKind.REPORT_SUBMITTED: gettext_noop(
        "%(unit)s submitted the report of %(task)s for %(period)s: it waits for your review."
    ),
}
#: the same for a report submitted again after it was returned
RESUBMITTED_MESSAGE = gettext_noop(
    "%(unit)s resubmitted the report of %(task)s for %(period)s: it waits for your review."
)
NOTIFICATION_MESSAGES[NotificationKind.REPORT_APPROVED] = gettext_noop(
    "Your report of %(task)s for %(period)s was approved by %(reviewer)s."
)
NOTIFICATION_MESSAGES[NotificationKind.SUPERVISION_NEW] = gettext_noop(
    "Supervision item %(item)s was assigned to %(unit)s (deadline %(deadline)s)."
)
NOTIFICATION_MESSAGES[NotificationKind.JOB_FINISHED] = gettext_noop("Your job %(job)s (%(kind)s) is done.")
#: (kind, params["stage"]) → the message of that stage of a kind (reminders, supervision items, jobs)
NOTIFICATION_STAGES: dict[tuple[str, str], str] = {
    (NotificationKind.REMINDER, "before"): gettext_noop(
        "Reminder: %(unit)s has %(count)s report(s) for %(period)s not submitted yet; "
        "the deadline is %(deadline)s, in %(days)s day(s)."
    ),
    (NotificationKind.REMINDER, "overdue"): gettext_noop(
        "Overdue: %(unit)s has %(count)s report(s) for %(period)s not submitted; "
        "the deadline was %(deadline)s, %(days)s day(s) ago. Please submit them."
    ),
    (NotificationKind.REMINDER, "escalation"): gettext_noop(
        "Escalation: %(unit)s still has %(count)s report(s) for %(period)s not submitted, "
        "%(days)s day(s) after the deadline %(deadline)s."
    ),
    (NotificationKind.REMINDER, "urge"): gettext_noop(
        "The plan office urges %(unit)s: %(count)s report(s) for %(period)s are not submitted "
        "(deadline %(deadline)s)."
    ),
    (NotificationKind.SUPERVISION_DUE, "due_soon"): gettext_noop(
        "Supervision item %(item)s of %(unit)s is due on %(deadline)s."
    ),
    (NotificationKind.SUPERVISION_DUE, "overdue"): gettext_noop(
        "Supervision item %(item)s of %(unit)s is overdue since %(deadline)s; please answer it."
    ),
    (NotificationKind.JOB_FINISHED, "failed"): gettext_noop("Your job %(job)s (%(kind)s) failed: %(error)s"),
    # three-colour urging (督办单, issue 20): blue to the unit, yellow to its head, red to the leader
    (NotificationKind.SUPERVISION_DUE, "urging_blue"): gettext_noop(
        "Blue urging (reminder): %(item)s of %(unit)s is %(days)s day(s) past its deadline %(deadline)s."
    ),
    (NotificationKind.SUPERVISION_DUE, "urging_yellow"): gettext_noop(
        "Yellow urging notice to the head of %(unit)s: %(item)s is %(days)s day(s) past its deadline "
        "%(deadline)s."
    ),
    (NotificationKind.SUPERVISION_DUE, "urging_red"): gettext_noop(
        "Red urging notice to the responsible leader: %(item)s of %(unit)s is %(days)s day(s) past its "
        "deadline %(deadline)s."
    ),
}


def render_notification(kind: str, params: dict[str, Any]) -> str:
    """The text of a notification (a report returned, submitted or approved, a reminder, a
    supervision item, a finished job) in the active language; ``params["stage"]`` picks a variant
    of the kind (:data:`NOTIFICATION_STAGES`), the values named in ``params["_t"]`` are msgids and
    are translated too. "" for a kind without a message (a warning's notification shows the
    warning's reason)."""
    from django.utils.translation import gettext

    message = NOTIFICATION_STAGES.get((kind, str(params.get("stage", "")))) or NOTIFICATION_MESSAGES.get(kind)
    if message is None:
        return ""
    if kind == NotificationKind.REPORT_SUBMITTED and params.get("resubmitted"):
        message = RESUBMITTED_MESSAGE
    values = {"task": "", "period": "", "reviewer": "", "comment": "", "unit": "", **params}
    for name in params.get("_t", ()):  # values that are msgids
        values[name] = gettext(str(values.get(name, "")))
    if kind == NotificationKind.JOB_FINISHED:  # the job kind's label in the reader's language
        from jingjin.jobs.kinds import find

        entry = find(str(params.get("kind", "")))
        values["kind"] = str(entry.label) if entry is not None else params.get("kind", "")
    return render_reason_values(message, values)


def render_reason_values(message: str, params: dict[str, Any]) -> str:
    """``message`` translated and filled with ``params``, names as :func:`render_reason` shows them."""
    from django.utils.translation import gettext

    from jingjin.core.models import bilingual, english_active

    values = dict(params)
    english = english_active()
    for name, with_code in NAMED_PARAMS.items():
        label = bilingual(
            str(params.get(f"{name}_zh") or ""), str(params.get(f"{name}_en") or ""), english=english
        )
        if label:
            code = values.get(name)
            values[name] = f"{code} {label}" if with_code and code else label
    try:
        return gettext(message) % values
    except (KeyError, TypeError, ValueError):
        return gettext(message)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}"
