"""Writes of the notifications app: notifying users on their channels, sending the deliveries,
reminders (催报) by the schedule and by the plan office (一键催报), preferences, and the
scheduled jobs.

Notifying (:func:`notify`) stores the in-app notifications at once and, for e-mail and webhook,
one :class:`~jingjin.notifications.models.Delivery` each; the deliveries are sent by the job
queue's workers once the transaction commits (``tasks.deliver``), never in the request. A failed
attempt is logged and retried after ``JINGJIN_NOTIFY_RETRY_SECONDS`` × attempts, up to
``JINGJIN_NOTIFY_ATTEMPTS`` attempts; then the delivery is ``failed`` with the error kept.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from jingjin.alerts.choices import NotificationKind
from jingjin.alerts.models import Notification
from jingjin.core import clock
from jingjin.core.choices import AuditAction
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_set_unit_webhook,
    may_urge_reports,
)
from jingjin.core.services import audit_change, audit_record
from jingjin.core.texts import CONTROL_CHARACTERS
from jingjin.notifications import selectors
from jingjin.notifications.choices import Channel, DeliveryState, ReminderKind
from jingjin.notifications.models import URL_MAX, Delivery, Preference, Reminder, UnitWebhook, UserChannels
from jingjin.reporting.models import ReportingPeriod

log = logging.getLogger("jingjin.notifications")
CHUNK = 500


# --------------------------------------------------------------------------------------------
# Notifying on every channel


def _site_text(kind: str, params: dict[str, Any]) -> str:
    """The notification's text in the site's language (Chinese first), for e-mail and webhooks."""
    from jingjin.alerts.rules import render_notification

    with translation.override(settings.LANGUAGE_CODE):
        return render_notification(kind, params)


def _subject(kind: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("[Jingjin] %(kind)s") % {"kind": NotificationKind(kind).label}


def absolute_link(link: str) -> str:
    """``link`` (a path) on the site's address ``JINGJIN_SITE_URL`` when it is set."""
    if not link:
        return ""
    base = str(getattr(settings, "JINGJIN_SITE_URL", "") or "")
    return f"{base}{link}" if link.startswith("/") else link


def _body(text: str, link: str) -> str:
    full = absolute_link(link)
    return f"{text}\n{full}" if full else text


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    params: dict[str, Any],
    link: str = "",
    unit: Unit | None = None,
) -> int:
    """Notify ``users`` (users or ids) of ``kind``: an in-app notification for those who keep it on,
    an e-mail to those with an address who keep e-mail on, a webhook message to those with their
    own webhook who keep it on, and one message to ``unit``'s group robot when given and set.
    The text is made from ``kind`` and ``params`` (in the reader's language in the app, in the
    site's language elsewhere). E-mails and webhooks leave once the transaction commits, from a
    worker. Returns the number of in-app notifications."""
    if kind not in NotificationKind.values or kind == NotificationKind.WARNING:
        raise ValueError(f"unknown notification kind {kind!r}")
    ids = {int(getattr(user, "pk", user)) for user in users}
    link = link[:300]
    on = selectors.channel_users(user_ids=ids, kind=kind)
    notes = [
        Notification(user_id=pk, kind=kind, params=params, link=link) for pk in sorted(on[Channel.IN_APP])
    ]
    Notification.objects.bulk_create(notes, batch_size=CHUNK)
    subject = _subject(kind)
    body = _body(_site_text(kind, params), link)
    deliveries = _user_deliveries(on=on, kind=kind, subject=subject, body=body)
    hook = selectors.unit_webhook_of(unit=unit)
    if hook:
        deliveries.append(
            Delivery(channel=Channel.WEBHOOK, kind=kind, unit=unit, target=hook, subject=subject, body=body)
        )
    deliveries_queue(deliveries)
    return len(notes)


def _user_deliveries(*, on: dict[str, set[int]], kind: str, subject: str, body: str) -> list[Delivery]:
    deliveries: list[Delivery] = []
    emails = (
        get_user_model()
        .objects.filter(pk__in=on[Channel.EMAIL], is_active=True)
        .exclude(email="")
        .values_list("pk", "email")
    )
    for pk, email in emails:
        deliveries.append(
            Delivery(channel=Channel.EMAIL, kind=kind, user_id=pk, target=email, subject=subject, body=body)
        )
    hooks = UserChannels.objects.filter(user_id__in=on[Channel.WEBHOOK], user__is_active=True).exclude(
        webhook_url=""
    )
    for pk, url in hooks.values_list("user_id", "webhook_url"):
        deliveries.append(
            Delivery(channel=Channel.WEBHOOK, kind=kind, user_id=pk, target=url, subject=subject, body=body)
        )
    return deliveries


def digest_deliveries(*, kind: str, messages: dict[int, tuple[str, str]]) -> int:
    """Queue one e-mail and one webhook message per user of ``messages`` (user id → (subject,
    body)), as their preferences for ``kind`` allow — e.g. one e-mail listing a user's new warnings.
    Returns the number of deliveries."""
    on = selectors.channel_users(user_ids=set(messages), kind=kind)
    deliveries = _user_deliveries(on=on, kind=kind, subject="", body="")
    for delivery in deliveries:
        delivery.subject, delivery.body = messages[delivery.user_id]  # type: ignore[index]
    deliveries_queue(deliveries)
    return len(deliveries)


def deliveries_queue(deliveries: list[Delivery]) -> None:
    """Store the deliveries and send each from a worker once the transaction commits."""
    for delivery in deliveries:
        delivery.subject = CONTROL_CHARACTERS.sub(" ", delivery.subject)[:300]
    created = Delivery.objects.bulk_create(deliveries, batch_size=CHUNK)
    for delivery in created:
        transaction.on_commit(partial(delivery_enqueue, int(delivery.pk)))


def delivery_enqueue(delivery_id: int, *, delay: int = 0) -> None:
    """Put ``deliver(delivery_id)`` on the job queue (after ``delay`` seconds); a queue that cannot
    be reached is logged, the delivery stays queued."""
    from jingjin.notifications import tasks

    try:
        if delay:
            tasks.deliver.schedule((delivery_id,), delay=delay)
        else:
            tasks.deliver(delivery_id)
    except Exception:
        log.exception("delivery %s: the job queue could not be reached", delivery_id)


def webhook_payload(delivery: Delivery) -> dict[str, Any]:
    """The JSON body of a webhook message, as WeCom and DingTalk group robots read it."""
    return {"msgtype": "text", "text": {"content": f"{delivery.subject}\n{delivery.body}"}}


def _post_webhook(delivery: Delivery) -> None:
    data = json.dumps(webhook_payload(delivery), ensure_ascii=False).encode("utf-8")
    if not delivery.target.lower().startswith(("http://", "https://")):
        raise ValueError(f"not a web address: {delivery.target[:60]}")
    if not webhook_host_allowed(delivery.target):  # the setting may have changed since it was saved
        raise ValueError(f"host not allowed (JINGJIN_WEBHOOK_HOSTS): {delivery.target[:60]}")
    request = urllib.request.Request(  # noqa: S310 (http and https only, checked above)
        delivery.target, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    timeout = int(getattr(settings, "JINGJIN_WEBHOOK_TIMEOUT", 10))
    opener = urllib.request.build_opener(_NoRedirects)
    with opener.open(request, timeout=timeout) as response:  # http/https and the host checked above
        text = response.read(65536).decode("utf-8", "replace")
    try:
        answer = json.loads(text) if text.strip() else {}
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode") not in (None, 0):  # WeCom / DingTalk refusals
        raise RuntimeError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")


def _send_mail(delivery: Delivery) -> None:
    EmailMessage(subject=delivery.subject, body=delivery.body, to=[delivery.target]).send(fail_silently=False)


def delivery_send(delivery_id: int) -> Delivery | None:
    """Send a queued delivery once: ``sent``, or one more failed attempt (the error kept and
    logged) — ``failed`` after ``JINGJIN_NOTIFY_ATTEMPTS`` attempts, else still ``queued`` for a
    retry. None when it is no longer queued."""
    with transaction.atomic():
        delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None or delivery.state != DeliveryState.QUEUED:
            return None
        delivery.attempts += 1
        delivery.save(update_fields=["attempts"])
    try:
        if delivery.channel == Channel.EMAIL:
            _send_mail(delivery)
        else:
            _post_webhook(delivery)
    except Exception as exc:  # any failure of the network or the server: retried
        delivery.error = CONTROL_CHARACTERS.sub(" ", f"{type(exc).__name__}: {exc}")[:2000]
        limit = int(getattr(settings, "JINGJIN_NOTIFY_ATTEMPTS", 3))
        if delivery.attempts >= limit:
            delivery.state = DeliveryState.FAILED
        log.warning(
            "delivery %s (%s to %s) attempt %s failed: %s",
            delivery.pk,
            delivery.channel,
            delivery.target,
            delivery.attempts,
            delivery.error,
        )
        delivery.save(update_fields=["state", "error"])
        return delivery
    delivery.state = DeliveryState.SENT
    delivery.sent_at = clock.now()
    delivery.error = ""
    delivery.save(update_fields=["state", "sent_at", "error"])
    return delivery


def retry_delay(delivery: Delivery) -> int:
    """Seconds before the next attempt of a delivery that failed ``attempts`` times."""
    return int(getattr(settings, "JINGJIN_NOTIFY_RETRY_SECONDS", 300)) * max(1, delivery.attempts)


# --------------------------------------------------------------------------------------------
# Preferences and webhooks


def _check_url(url: str, *, field_name: str) -> str:
    url = (url or "").strip()
    if not url:
        return ""
    if len(url) > URL_MAX or CONTROL_CHARACTERS.search(url):
        raise ValidationError(
            {field_name: _("Give a web address of at most %(n)s characters.") % {"n": URL_MAX}}
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ValidationError(
            {field_name: _("Give a web address starting with http:// or https://.")}
        ) from exc
    if not webhook_host_allowed(url):
        raise ValidationError(
            {
                field_name: _("Messages may only be sent to these hosts: %(hosts)s.")
                % {"hosts": ", ".join(settings.JINGJIN_WEBHOOK_HOSTS)}
            }
        )
    return url


def webhook_host_allowed(url: str) -> bool:
    """Is ``url``'s host (or host:port) in the setting ``JINGJIN_WEBHOOK_HOSTS`` ("*": any)?"""
    allowed = [h.lower() for h in getattr(settings, "JINGJIN_WEBHOOK_HOSTS", [])]
    if "*" in allowed:
        return True
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        return False
    return bool(host) and (host in allowed or (port is not None and f"{host}:{port}" in allowed))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook is posted where it was set up to go, never redirected elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@transaction.atomic
def preferences_save(
    *, actor: Any, choices: dict[str, dict[str, bool]], webhook_url: str, source: str = "web"
) -> UserChannels:
    """Store ``actor``'s own choices: kind → channel → on/off (every kind of the settings page; a
    kind left out keeps all its channels on) and their webhook address (empty: none). Audited."""
    if not has_role(actor):
        raise PermissionDenied("sign in to choose notification settings")
    url = _check_url(webhook_url, field_name="webhook_url")
    unknown = set(choices) - set(selectors.PREFERENCE_KINDS)
    if unknown:
        raise ValidationError(
            {"kind": _("Unknown notification kind: %(kind)s.") % {"kind": sorted(unknown)[0]}}
        )
    channels, created = UserChannels.objects.get_or_create(user=actor)
    before = None if created else _preferences_snapshot(channels)
    channels.webhook_url = url
    channels.save()
    Preference.objects.filter(user=actor).delete()
    Preference.objects.bulk_create(
        [
            Preference(
                user=actor,
                kind=kind,
                **{channel: bool(choices.get(kind, {}).get(channel, True)) for channel in selectors.CHANNELS},
            )
            for kind in selectors.PREFERENCE_KINDS
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
        obj=channels,
        before=before,
        after=_preferences_snapshot(channels),
        source=source,
    )
    return channels


def _preferences_snapshot(channels: UserChannels) -> dict[str, Any]:
    data = channels.snapshot()
    data["preferences"] = {
        p.kind: [c for c in selectors.CHANNELS if p.on(c)]
        for p in Preference.objects.filter(user_id=channels.user_id).order_by("kind")
    }
    return data


@transaction.atomic
def unit_webhook_set(*, actor: Any, unit: Unit, url: str, source: str = "web") -> UnitWebhook | None:
    """Set (or with an empty ``url`` remove) the webhook of ``unit``'s group robot. Audited."""
    if not may_set_unit_webhook(actor, unit):
        raise PermissionDenied(f"{actor} may not set the webhook of {unit}")
    url = _check_url(url, field_name="unit_webhook_url")
    hook = UnitWebhook.objects.filter(unit=unit).first()
    if not url:
        if hook is not None:
            from jingjin.core.services import object_delete

            object_delete(obj=hook, actor=actor, source=source)
        return None
    before = hook.snapshot() if hook is not None else None
    if hook is None:
        hook = UnitWebhook(unit=unit, url=url)
    hook.url = url
    hook.save()
    audit_change(actor=actor, obj=hook, before=before, source=source)
    return hook


# --------------------------------------------------------------------------------------------
# Reminders (催报)


@dataclass
class ReminderSummary:
    """What one run of reminders did: reminders sent by kind, and those skipped (already sent)."""

    sent: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    units: list[str] = field(default_factory=list)

    def add(self, kind: str, unit: str) -> None:
        self.sent[kind] = self.sent.get(kind, 0) + 1
        self.units.append(unit)

    @property
    def total(self) -> int:
        return sum(self.sent.values())

    def as_json(self) -> dict[str, Any]:
        return {"sent": dict(sorted(self.sent.items())), "total": self.total, "skipped": self.skipped}


def reminder_key(kind: str, unit: Unit, subject: str, day: date) -> str:
    return f"{kind}:{unit.code}:{subject}:{day.isoformat()}"[:200]


def _names(prefix: str, obj: Any) -> dict[str, str]:
    return {prefix: obj.code, f"{prefix}_zh": obj.name_zh, f"{prefix}_en": obj.name_en}


def _period_reminder(
    *,
    kind: str,
    unit: Unit,
    period: ReportingPeriod,
    tasks: list[str],
    day: date,
    actor: Any,
    source: str,
    summary: ReminderSummary,
) -> Reminder | None:
    """One reminder of ``kind`` to ``unit`` about its missing ``tasks`` of ``period`` on ``day``,
    unless one with the same key exists; notifies the unit's reporters (its leaders for an
    escalation)."""
    key = reminder_key(kind, unit, period.code, day)
    if Reminder.objects.filter(key=key).exists():
        summary.skipped += 1
        return None
    days = (period.deadline - day).days
    stages: dict[str, str] = {
        ReminderKind.BEFORE: "before",
        ReminderKind.URGE: "urge",
        ReminderKind.ESCALATION: "escalation",
    }
    stage = stages.get(kind, "overdue")
    escalated = kind == ReminderKind.ESCALATION
    users = list(
        (selectors.leaders_of(unit.pk) if escalated else selectors.reporters_of(unit.pk)).values_list(
            "pk", flat=True
        )
    )
    reminder = Reminder.objects.create(
        key=key,
        kind=kind,
        unit=unit,
        period=period,
        day=day,
        days=days,
        tasks=tasks,
        recipients=len(users),
        sent_by=actor if getattr(actor, "pk", None) is not None else None,
        created_at=clock.now(),
    )
    audit_change(actor=actor, obj=reminder, before=None, source=source)
    params = {
        **_names("unit", unit),
        "period": period.code,
        "deadline": period.deadline.isoformat(),
        "days": abs(days),
        "count": len(tasks),
        "tasks": tasks[:50],
        "stage": stage,
        "reminder": reminder.pk,
    }
    link = f"{reverse('reporting:home')}?period={period.code}"
    notify(
        users=users,
        kind=NotificationKind.REMINDER,
        params=params,
        link=link,
        unit=None if escalated else unit,
    )
    summary.add(kind, unit.code)
    return reminder


def _units(ids: Iterable[int]) -> dict[int, Unit]:
    return {u.pk: u for u in Unit.objects.filter(pk__in=set(ids))}


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


@transaction.atomic
def reminders_send(*, as_of: date | None = None, source: str = "schedule") -> ReminderSummary:
    """The reminders (催报) of one day, by the schedule; run twice on a day, the second run sends
    nothing (one reminder per unit, period, kind and day).

    For each period whose deadline is ``JINGJIN_REMINDER_DAYS_BEFORE`` days away (3 and 1) a
    reminder ``before`` to each unit with due reports not submitted; for each period whose deadline
    passed at most ``JINGJIN_REMINDER_OVERDUE_DAYS`` days ago a daily reminder ``overdue`` to each
    such unit and, from ``JINGJIN_REMINDER_ESCALATE_DAYS`` days after the deadline, an
    ``escalation`` to the unit's leaders as well. A unit whose due reports are all in gets nothing;
    a struck-off task is not due (:func:`jingjin.reporting.selectors.tasks_due`)."""
    day = as_of or clock.today()
    before_days = sorted({int(d) for d in _setting("JINGJIN_REMINDER_DAYS_BEFORE", [3, 1]) if int(d) > 0})
    overdue_days = int(_setting("JINGJIN_REMINDER_OVERDUE_DAYS", 30))
    escalate_after = int(_setting("JINGJIN_REMINDER_ESCALATE_DAYS", 3))
    summary = ReminderSummary()
    latest = day + timedelta(days=max(before_days, default=0))
    periods = ReportingPeriod.objects.filter(
        deadline__gte=day - timedelta(days=overdue_days), deadline__lte=latest
    ).order_by("year", "month")
    for period in periods:
        to_go = (period.deadline - day).days
        if to_go > 0 and to_go in before_days:
            kinds = [ReminderKind.BEFORE]
        elif to_go < 0:
            kinds = [ReminderKind.OVERDUE]
            if -to_go >= escalate_after:
                kinds.append(ReminderKind.ESCALATION)
        else:
            continue
        missing = selectors.missing_by_unit(period=period)
        units = _units(missing)
        for unit_id in sorted(missing, key=lambda pk: units[pk].code):
            for kind in kinds:
                _period_reminder(
                    kind=kind,
                    unit=units[unit_id],
                    period=period,
                    tasks=missing[unit_id],
                    day=day,
                    actor=None,
                    source=source,
                    summary=summary,
                )
    return summary


@transaction.atomic
def supervision_reminders_send(*, as_of: date | None = None, source: str = "schedule") -> ReminderSummary:
    """Daily reminders of open supervision items to the handling unit: due soon (within the
    supervision's due-soon days) and overdue; at most one per item, kind and day."""
    from jingjin.supervision.models import SupervisionItem
    from jingjin.supervision.selectors import due_soon_q, overdue_q

    day = as_of or clock.today()
    summary = ReminderSummary()
    for kind, condition, stage in (
        (ReminderKind.ITEM_DUE_SOON, due_soon_q(day), "due_soon"),
        (ReminderKind.ITEM_OVERDUE, overdue_q(day), "overdue"),
    ):
        items = (
            SupervisionItem.objects.filter(condition)
            .select_related("assignee_unit")
            .order_by("deadline", "code")
        )
        for item in items:
            unit = item.assignee_unit
            key = reminder_key(kind, unit, item.code, day)
            if Reminder.objects.filter(key=key).exists():
                summary.skipped += 1
                continue
            users = list(selectors.handlers_of(unit.pk).values_list("pk", flat=True))
            reminder = Reminder.objects.create(
                key=key,
                kind=kind,
                unit=unit,
                supervision_item=item,
                day=day,
                days=(item.deadline - day).days,
                recipients=len(users),
                created_at=clock.now(),
            )
            audit_change(actor=None, obj=reminder, before=None, source=source)
            notify(
                users=users,
                kind=NotificationKind.SUPERVISION_DUE,
                params={**supervision_params(item), "stage": stage, "reminder": reminder.pk},
                link=reverse("supervision:detail", args=[item.code]),
                unit=unit,
            )
            summary.add(kind, unit.code)
    return summary


def supervision_params(item: Any) -> dict[str, Any]:
    unit = item.assignee_unit
    return {
        "item": item.code,
        "item_zh": item.title,
        "item_en": item.title,
        **_names("unit", unit),
        "deadline": item.deadline.isoformat(),
    }


def notify_supervision_new(*, item: Any) -> int:
    """Tell the handling unit's users that a supervision item was assigned to it."""
    return notify(
        users=selectors.handlers_of(item.assignee_unit_id).values_list("pk", flat=True),
        kind=NotificationKind.SUPERVISION_NEW,
        params=supervision_params(item),
        link=reverse("supervision:detail", args=[item.code]),
        unit=item.assignee_unit,
    )


@dataclass(frozen=True)
class UrgeResult:
    """What one click of "urge all" did: the units urged now, and those already urged today."""

    period: str
    urged: list[str]
    already: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "urged": len(self.urged),
            "already_today": len(self.already),
            "units": self.urged,
        }


@transaction.atomic
def reports_urge(*, actor: Any, period: ReportingPeriod, source: str = "web") -> UrgeResult:
    """一键催报: one reminder (audited) to every unit with due reports of ``period`` not submitted,
    to its reporters and its group robot — the plan office only. A unit already urged today about
    this period is not urged again the same day."""
    if not may_urge_reports(actor):
        raise PermissionDenied(f"{actor} may not urge the units")
    day = clock.today()
    summary = ReminderSummary()
    missing = selectors.missing_by_unit(period=period)
    units = _units(missing)
    already: list[str] = []
    for unit_id in sorted(missing, key=lambda pk: units[pk].code):
        unit = units[unit_id]
        made = _period_reminder(
            kind=ReminderKind.URGE,
            unit=unit,
            period=period,
            tasks=missing[unit_id],
            day=day,
            actor=actor,
            source=source,
            summary=summary,
        )
        if made is None:
            already.append(unit.code)
    return UrgeResult(period=period.code, urged=summary.units, already=already)


# --------------------------------------------------------------------------------------------
# The schedule's jobs


def schedule_submit(kind: str, *, day: date | None = None) -> Any:
    """Submit the scheduled job ``kind`` of ``day`` (default today) as the system, unless one of that
    kind and day is already queued, running or done (a consumer restarted within the minute, or two
    consumers). Returns the job, or None when skipped."""
    from jingjin.jobs.choices import JobState
    from jingjin.jobs.models import Job
    from jingjin.jobs.services import job_submit

    day = day or clock.today()
    if (
        Job.objects.filter(kind=kind, params__scheduled=day.isoformat())
        .exclude(state=JobState.FAILED)
        .exists()
    ):
        return None
    return job_submit(actor=None, kind=kind, params={"scheduled": day.isoformat()}, source="schedule")
