"""Job kind of the plan registry: ``plan-import`` (规划导入) — a plan file larger than
``JINGJIN_IMPORT_JOB_BYTES`` imported in the background (:func:`jingjin.plans.views.plan_import`
queues it), by the same service as a small file: all or nothing, audited as the submitter with
the submitter's source (``web``), the errors with their places as the job's error."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.limits import error_text
from jingjin.core.permissions import PermissionDenied, can_add
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, file_type, read_upload, register
from jingjin.jobs.models import Job
from jingjin.plans import planfile, services

KIND = "plan-import"


def run_plan_import(job: Job, progress: ProgressFn) -> JobOutcome:
    """Read the uploaded plan file, check it whole, then bring the database to it."""
    raw = read_upload(job, progress)
    name = job.input_name or "file"
    try:
        data = planfile.loads(raw, file_type(name), name=name)
        progress(30, gettext("Checking the plan and writing it"))
        result = services.plan_import(
            data=data, actor=job.owner, source=str(job.params.get("source") or "web")
        )
    except planfile.PlanFileError as exc:
        raise JobInputError(error_text([str(e) for e in exc.errors], total=exc.total)) from exc
    except PermissionDenied as exc:
        raise JobInputError(gettext("Only the plan office may import a plan.")) from exc
    progress(100, gettext("Imported %(plan)s") % {"plan": result.plan.code})
    return JobOutcome(
        summary={
            "plan": result.plan.code,
            "created": result.created,
            "updated": result.updated,
            "deleted": result.deleted,
        }
    )


register(KIND, label=_("Plan import"), runner=run_plan_import, may_run=can_add)
