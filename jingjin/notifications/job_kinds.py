"""Job kinds of the schedule: ``reminders`` (催报), ``supervision-reminders`` (督办提醒) and
``bulletin`` (月度通报), registered at import by :func:`jingjin.jobs.kinds.discover`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.permissions import has_role, may_run_scheduled_jobs
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, register
from jingjin.jobs.models import Job

BULLETIN_FORMATS = ("pdf", "docx", "xlsx")


def run_reminders(job: Job, progress: ProgressFn) -> JobOutcome:
    """The reminders of today (:func:`jingjin.notifications.services.reminders_send`)."""
    from jingjin.notifications.services import reminders_send

    progress(5, gettext("Looking for reports not submitted"))
    summary = reminders_send(as_of=clock.today())
    progress(100, gettext("Reminders sent: %(count)s") % {"count": summary.total})
    return JobOutcome(summary={"as_of": clock.today().isoformat(), **summary.as_json()})


def run_supervision_reminders(job: Job, progress: ProgressFn) -> JobOutcome:
    """Today's reminders of supervision items due soon or overdue."""
    from jingjin.notifications.services import supervision_reminders_send

    progress(5, gettext("Looking for supervision items due soon or overdue"))
    summary = supervision_reminders_send(as_of=clock.today())
    progress(100, gettext("Reminders sent: %(count)s") % {"count": summary.total})
    return JobOutcome(summary={"as_of": clock.today().isoformat(), **summary.as_json()})


@dataclass(frozen=True)
class SystemReader:
    """The system reading the whole plan as the plan office does (a scheduled bulletin has no
    owner): every permission rule sees a superuser."""

    pk: None = None
    is_authenticated: bool = True
    is_superuser: bool = True
    is_active: bool = True
    profile: None = None


def run_bulletin(job: Job, progress: ProgressFn) -> JobOutcome:
    """The monthly bulletin (月度通报) of ``params["period"]`` (default: the latest period whose
    deadline has passed) as ``params["format"]`` (pdf, docx or xlsx; default pdf), in the layout of
    the cockpit's download, read as the plan office."""
    from jingjin.alerts.selectors import light_period
    from jingjin.dashboard import bulletin
    from jingjin.dashboard.selectors import cockpit
    from jingjin.reporting.models import ReportingPeriod

    params: dict[str, Any] = job.params or {}
    fmt = str(params.get("format") or "pdf")
    if fmt not in BULLETIN_FORMATS:
        raise JobInputError(gettext("format: use pdf, docx or xlsx, not %(value)s.") % {"value": fmt[:20]})
    code = str(params.get("period") or "")
    today = clock.today()
    if code:
        period = next((p for p in ReportingPeriod.objects.all() if p.code == code), None)
        if period is None:
            raise JobInputError(
                gettext("period: there is no reporting period %(code)s.") % {"code": code[:20]}
            )
    else:
        period = light_period(as_of=today)
        if period is None:
            raise JobInputError(gettext("period: no reporting period has passed its deadline yet."))
    progress(10, gettext("Collecting the figures of %(period)s") % {"period": period.code})
    reader = job.owner if job.owner is not None and has_role(job.owner) else SystemReader()
    data = cockpit(user=reader, period=period, today=today)
    progress(50, gettext("Printing the bulletin"))
    with_language = settings.LANGUAGE_CODE
    from django.utils import translation

    with translation.override(with_language):
        if fmt == "pdf":
            content = bulletin.pdf_bytes(data, day=today)
        elif fmt == "docx":
            content = bulletin.docx_bytes(data)
        else:
            content = bulletin.xlsx_bytes(data)
    path = job.scratch_path(f"bulletin-{period.code}.{fmt}")
    path.write_bytes(content)
    progress(100, gettext("Bulletin ready"))
    return JobOutcome(result_path=path, summary={"period": period.code, "format": fmt, "bytes": len(content)})


register(
    "reminders",
    label=_("Reminders to report"),
    runner=run_reminders,
    may_run=may_run_scheduled_jobs,
)
register(
    "supervision-reminders",
    label=_("Supervision item reminders"),
    runner=run_supervision_reminders,
    may_run=may_run_scheduled_jobs,
)
register(
    "bulletin",
    label=_("Monthly bulletin"),
    runner=run_bulletin,
    may_run=may_run_scheduled_jobs,
)
