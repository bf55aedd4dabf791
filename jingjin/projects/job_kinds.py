"""Job kind of the project library: ``project-import`` (重点项目导入) — a workbook larger than
``JINGJIN_IMPORT_JOB_BYTES`` imported in the background (the import page and ``POST
/api/projects/import`` queue it), by the same service as a small file: all or nothing, audited as
the submitter, the errors with their rows and columns as the job's error."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.limits import error_text
from jingjin.core.permissions import PermissionDenied, may_add_projects
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, read_upload, register
from jingjin.jobs.models import Job
from jingjin.projects import imports

KIND = "project-import"


def run_project_import(job: Job, progress: ProgressFn) -> JobOutcome:
    """Read the uploaded workbook, check it whole, then create or update the projects."""
    raw = read_upload(job, progress)
    try:
        progress(30, gettext("Checking the projects and writing them"))
        result = imports.project_import(
            actor=job.owner, raw=raw, source=str(job.params.get("source") or "web")
        )
    except imports.ImportFileError as exc:
        raise JobInputError(error_text([str(e) for e in exc.errors], total=exc.total)) from exc
    except PermissionDenied as exc:
        raise JobInputError(gettext("Only the plan office may import key projects.")) from exc
    progress(100, gettext("Imported the key projects"))
    return JobOutcome(summary=result.as_dict())


register(KIND, label=_("Key-project import"), runner=run_project_import, may_run=may_add_projects)
