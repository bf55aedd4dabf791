"""Job kinds of the platform itself: ``warnings-refresh`` (预警刷新).

Registered at import by :func:`jingjin.jobs.kinds.discover` (every app's ``job_kinds`` module).
"""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core import clock
from jingjin.core.permissions import may_refresh_warnings
from jingjin.jobs.kinds import JobOutcome, ProgressFn, register
from jingjin.jobs.models import Job


def run_warnings_refresh(job: Job, progress: ProgressFn) -> JobOutcome:
    """Recompute the early warnings as of today (:func:`jingjin.alerts.services.warnings_refresh`)
    and notify the responsible users of new ones."""
    from jingjin.alerts.services import warnings_refresh

    today = clock.today()
    progress(5, gettext("Checking the rules as of %(day)s") % {"day": today.isoformat()})
    summary = warnings_refresh(as_of=today)
    progress(100, gettext("Warnings refreshed"))
    return JobOutcome(
        result_path=None,
        summary={
            "as_of": today.isoformat(),
            "raised": summary.raised,
            "updated": summary.updated,
            "resolved": summary.resolved,
        },
    )


register(
    "warnings-refresh",
    label=_("Warnings refresh"),
    runner=run_warnings_refresh,
    may_run=may_refresh_warnings,
)
