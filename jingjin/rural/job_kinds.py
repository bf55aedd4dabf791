"""Job kind of rural monitoring: ``rural-screening`` (部门筛查预警) — the screening engine over an
uploaded household table; the candidates are stored all or nothing, errors name rows and columns."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.permissions import may_screen_households
from jingjin.engines.errors import InputError
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, read_upload, register
from jingjin.jobs.models import Job
from jingjin.rural.models import ScreeningRun
from jingjin.rural.screening import JOB_KIND, screening_run_bytes


def run_screening(job: Job, progress: ProgressFn) -> JobOutcome:
    run = ScreeningRun.objects.select_related("county").filter(pk=job.params.get("run")).first()
    if run is None:
        raise JobInputError(gettext("The screening run no longer exists."))
    raw = read_upload(job, progress)
    progress(30, gettext("Screening the households"))
    try:
        summary = screening_run_bytes(run, raw, job.input_name or "input.csv")
    except InputError as exc:
        raise JobInputError(str(exc)) from exc
    progress(100, gettext("Screened"))
    return JobOutcome(summary=summary)


register(JOB_KIND, label=_("Household screening"), runner=run_screening, may_run=may_screen_households)
