"""Job kind of the supervision app: ``urging`` (三色督办), the daily escalation of overdue items
and reports (:func:`jingjin.supervision.urging.urging_run`), run by the schedule
(``settings.JINGJIN_SCHEDULE["urging"]``) and registered at import by
:func:`jingjin.jobs.kinds.discover`."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.permissions import may_run_scheduled_jobs
from jingjin.jobs.kinds import JobOutcome, ProgressFn, register
from jingjin.jobs.models import Job


def run_urging(job: Job, progress: ProgressFn) -> JobOutcome:
    """Today's three-colour urging step of every overdue item and report."""
    from jingjin.supervision.urging import urging_run

    progress(5, gettext("Looking for overdue items and reports"))
    summary = urging_run(as_of=clock.today())
    progress(100, gettext("Urgings made: %(count)s") % {"count": summary.total})
    return JobOutcome(summary={"as_of": clock.today().isoformat(), **summary.as_json()})


register("urging", label=_("Three-colour urging"), runner=run_urging, may_run=may_run_scheduled_jobs)
