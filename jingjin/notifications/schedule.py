"""The schedule (定时任务): which job kind runs when, from the crontab lines of
``settings.JINGJIN_SCHEDULE`` ("minute hour day month day-of-week", in ``TIME_ZONE``).

The consumer of the job queue (``jingjin worker`` or the one embedded in ``jingjin demo``/``serve``)
checks every minute whether an entry is due (:mod:`jingjin.notifications.tasks`); a due entry
submits a job of its kind (:func:`jingjin.notifications.services.schedule_submit`), at most one a
day. ``jingjin schedule`` lists the entries and their next run (:func:`next_run`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from huey import crontab

#: what each schedule entry does (its job kind has the same code)
DESCRIPTIONS = {
    "warnings-refresh": _("Refresh the early warnings (nightly; also after each approval)"),
    "reminders": _("Remind units of reports not submitted: 3 and 1 days before the deadline, daily after it"),
    "supervision-reminders": _("Remind units of supervision items due soon or overdue"),
    "bulletin": _("Generate the monthly bulletin of the last month (PDF, in My jobs)"),
    "urging": _("Three-colour urging (blue, yellow, red) of overdue supervision items and reports"),
}

#: how far ahead :func:`next_run` looks (a line like "0 0 31 2 *" never runs)
HORIZON = timedelta(days=366 * 4 + 1)


class ScheduleError(ValueError):
    """A crontab line of the schedule that is not valid."""


@dataclass(frozen=True)
class Entry:
    """One schedule entry: the job kind it submits and its crontab line."""

    kind: str
    line: str

    @property
    def description(self) -> str:
        return str(DESCRIPTIONS.get(self.kind, self.kind))

    def matcher(self) -> Callable[[datetime], bool]:
        return cron_matcher(self.line)

    def next_run(self, after: datetime) -> datetime | None:
        return next_run(self.line, after)


def cron_matcher(line: str) -> Callable[[datetime], bool]:
    """Huey's crontab of ``line`` (a function of a naive local datetime); raises ScheduleError."""
    parts = str(line).split()
    if len(parts) != 5:
        raise ScheduleError(f"{line!r}: give five fields, minute hour day month day-of-week")
    try:
        return crontab(*parts, strict=True)  # type: ignore[no-any-return]
    except ValueError as exc:
        raise ScheduleError(f"{line!r}: {exc}") from exc


def entries() -> list[Entry]:
    """The schedule of the settings, in a fixed order."""
    configured: dict[str, str] = dict(getattr(settings, "JINGJIN_SCHEDULE", {}))
    return [Entry(kind=kind, line=line) for kind, line in configured.items() if str(line).strip()]


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def next_run(line: str, after: datetime) -> datetime | None:
    """The first minute strictly after ``after`` (aware, or naive local) that ``line`` matches, as an
    aware local datetime; None when none lies within :data:`HORIZON`.

    Steps a day at a time over days that cannot match (month, day and weekday checked at noon with
    every hour and minute allowed), then a minute at a time within a day."""
    zone = local_zone()
    start = after.astimezone(zone).replace(tzinfo=None) if after.tzinfo else after
    start = start.replace(second=0, microsecond=0) + timedelta(minutes=1)
    fields = str(line).split()
    matches = cron_matcher(line)
    day_matches = cron_matcher(" ".join(["*", "*", *fields[2:]]))
    moment = start
    limit = start + HORIZON
    while moment < limit:
        if not day_matches(moment):
            moment = (moment + timedelta(days=1)).replace(hour=0, minute=0)
            continue
        day = moment.date()
        while moment.date() == day:
            if matches(moment):
                return moment.replace(tzinfo=zone)
            moment += timedelta(minutes=1)
    return None


def due_now(line: str, timestamp: datetime) -> bool:
    """Whether ``line`` matches the consumer's ``timestamp`` (naive UTC when Huey runs in UTC,
    naive local otherwise), in the local zone."""
    huey_utc = bool(getattr(settings, "HUEY", {}).get("utc", True))
    local = (
        timestamp.replace(tzinfo=UTC).astimezone(local_zone()).replace(tzinfo=None) if huey_utc else timestamp
    )
    return cron_matcher(line)(local)
