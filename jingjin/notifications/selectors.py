"""Reads of the notifications app: who is reminded, whose reports are missing, preferences and the
reminder history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from jingjin.alerts.choices import NotificationKind
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    users_who_head_unit,
    users_who_may_handle,
    users_who_may_report,
)
from jingjin.notifications.choices import Channel
from jingjin.notifications.models import Preference, Reminder, UnitWebhook, UserChannels
from jingjin.reporting.choices import REPORTED_STATES
from jingjin.reporting.models import Report, ReportingPeriod
from jingjin.reporting.selectors import tasks_due

#: the kinds a user may choose channels for, in the order of the settings page
PREFERENCE_KINDS: tuple[str, ...] = (
    NotificationKind.REMINDER,
    NotificationKind.REPORT_RETURNED,
    NotificationKind.REPORT_APPROVED,
    NotificationKind.REPORT_SUBMITTED,
    NotificationKind.SUPERVISION_NEW,
    NotificationKind.SUPERVISION_DUE,
    NotificationKind.WARNING,
    NotificationKind.JOB_FINISHED,
)
CHANNELS: tuple[str, ...] = (Channel.IN_APP, Channel.EMAIL, Channel.WEBHOOK)


def missing_by_unit(*, period: ReportingPeriod) -> dict[int, list[str]]:
    """Lead unit id → the codes of its tasks due in ``period`` (:func:`tasks_due`: struck-off tasks
    and split city tasks are not due) without a submitted, resubmitted or approved report of that
    period (no report, a draft, or a returned report not yet sent again), then the codes of its key
    projects without their monthly report (:func:`jingjin.projects.report_selectors.missing_by_owner`).
    Units with every report in are absent. Three queries."""
    reported = Report.objects.filter(task=OuterRef("pk"), period=period, status__in=REPORTED_STATES)
    rows = (
        tasks_due(period=period)
        .exclude(Exists(reported))
        .order_by("code")
        .values_list("lead_unit_id", "code")
    )
    missing: dict[int, list[str]] = defaultdict(list)
    for unit_id, code in rows:
        missing[unit_id].append(code)
    # the key projects' monthly reports the unit owes (projreports)
    from jingjin.projects.report_selectors import missing_by_owner

    for unit_id, codes in missing_by_owner(period=period).items():
        missing[unit_id].extend(codes)
    return dict(missing)


def reporters_of(unit_id: int) -> QuerySet[Any]:
    """Who is reminded of a unit's missing reports: the users who fill them in and submit them
    (reporters and county users of the unit or a unit above it)."""
    return users_who_may_report(unit_id)


def leaders_of(unit_id: int) -> QuerySet[Any]:
    """Who gets an escalated reminder (the unit's leaders): the active approvers and leaders of the
    unit itself — the approver signs the unit's reports off, the leader reads them."""
    return users_who_head_unit(unit_id).order_by("pk")


def handlers_of(unit_id: int) -> QuerySet[Any]:
    """Who is reminded of a supervision item: the active reporters, approvers and county users of
    the handling unit or a unit above it."""
    return users_who_may_handle(unit_id)


@dataclass(frozen=True)
class PreferenceRow:
    """One line of the settings page: a kind and whether each channel is on."""

    kind: str
    in_app: bool
    email: bool
    webhook: bool

    @property
    def label(self) -> str:
        return str(NotificationKind(self.kind).label)


def preferences_of(*, user: Any) -> list[PreferenceRow]:
    """The user's choice for every kind (every channel on where the user chose nothing)."""
    stored = {p.kind: p for p in Preference.objects.filter(user=user)}
    rows = []
    for kind in PREFERENCE_KINDS:
        pref = stored.get(kind)
        rows.append(
            PreferenceRow(
                kind=kind,
                in_app=pref.in_app if pref else True,
                email=pref.email if pref else True,
                webhook=pref.webhook if pref else True,
            )
        )
    return rows


def channel_users(*, user_ids: set[int], kind: str) -> dict[str, set[int]]:
    """Channel → the users among ``user_ids`` who receive ``kind`` on it (one query)."""
    off: dict[str, set[int]] = {channel: set() for channel in CHANNELS}
    for pref in Preference.objects.filter(user_id__in=user_ids, kind=kind):
        for channel in CHANNELS:
            if not pref.on(channel):
                off[channel].add(pref.user_id)
    return {channel: user_ids - off[channel] for channel in CHANNELS}


def webhook_of(*, user: Any) -> str:
    channels = UserChannels.objects.filter(user=user).first()
    return channels.webhook_url if channels is not None else ""


def unit_webhook_of(*, unit: Unit | None) -> str:
    if unit is None:
        return ""
    hook = UnitWebhook.objects.filter(unit=unit).first()
    return hook.url if hook is not None else ""


def reminder_history(
    *, period: ReportingPeriod | None = None, kind: str = "", unit: str = ""
) -> QuerySet[Reminder]:
    """The reminders sent, newest first, optionally of one period, kind or unit (by code)."""
    reminders = Reminder.objects.select_related("unit", "period", "supervision_item", "sent_by")
    if period is not None:
        reminders = reminders.filter(period=period)
    if kind:
        reminders = reminders.filter(kind=kind)
    if unit:
        reminders = reminders.filter(unit__code=unit)
    return reminders
