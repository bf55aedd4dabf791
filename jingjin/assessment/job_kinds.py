"""Job kind of the schemes' recorded figures: ``recorded-figures-import`` (记录指标导入) — a
workbook larger than ``JINGJIN_IMPORT_JOB_BYTES`` imported in the background (the figures page
and ``POST /api/recorded-figures/import`` queue it), by the same service as a small file: all or
nothing, audited as the submitter, the problems with their rows and columns as the job's error."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.assessment import figure_imports
from jingjin.core.limits import ImportFileError, error_text
from jingjin.core.permissions import PermissionDenied, may_manage_assessment_schemes
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, read_upload, register
from jingjin.jobs.models import Job

KIND = "recorded-figures-import"


def run_figures_import(job: Job, progress: ProgressFn) -> JobOutcome:
    """Read the uploaded workbook, check it whole, then record its figures."""
    raw = read_upload(job, progress)
    try:
        progress(30, gettext("Checking the figures and recording them"))
        counts = figure_imports.figures_import(
            actor=job.owner, raw=raw, source=str(job.params.get("source") or "web")
        )
    except ImportFileError as exc:
        raise JobInputError(error_text([str(problem) for problem in exc.problems])) from exc
    except PermissionDenied as exc:
        raise JobInputError(gettext("Only the plan office records figures and defines pay schemes.")) from exc
    progress(100, gettext("Recorded the figures"))
    return JobOutcome(summary=counts)


register(
    KIND,
    label=_("Recorded figures import"),
    runner=run_figures_import,
    may_run=may_manage_assessment_schemes,
)
