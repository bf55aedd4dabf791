"""Job kind of the admission app: ``admission-allocation`` — solve a saved quota allocation run
(:func:`jingjin.admission.allocation.run_solve`) in the background."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.admission import allocation
from jingjin.admission.models import AllocationRun
from jingjin.core.permissions import may_run_quota_allocation
from jingjin.engines.scoring import InputError
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, register
from jingjin.jobs.models import Job

KIND = "admission-allocation"


def run_allocation(job: Job, progress: ProgressFn) -> JobOutcome:
    """Solve the run named in the job's params; the engine's refusal becomes the job's error."""
    run = AllocationRun.objects.filter(pk=job.params.get("run")).first()
    if run is None:
        raise JobInputError(gettext("The allocation run no longer exists."))
    progress(20, gettext("Solving the allocation"))
    try:
        run = allocation.run_solve(run)
    except InputError as exc:
        allocation.run_fail(run, str(exc))
        raise JobInputError(str(exc)) from exc
    progress(100, gettext("Solved"))
    summary = run.summary
    return JobOutcome(
        summary={"run": run.code, "objective": summary.get("objective"), "gap": summary.get("gap")}
    )


register(KIND, label=_("Quota allocation run"), runner=run_allocation, may_run=may_run_quota_allocation)
