"""Job kind of reporting: ``report-batch`` (批量报送) — a filled-in batch template larger than
``JINGJIN_IMPORT_JOB_BYTES`` imported in the background (the batch page and ``POST
/api/reports/batch`` queue it), by the same function as a small file
(:func:`jingjin.reporting.batch.batch_import`): all or nothing, every report saved (and submitted)
as the submitter through the report services, each audited, every error with its sheet, row and
column as the job's error."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.limits import error_text
from jingjin.core.permissions import PermissionDenied, can_fill_reports
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, read_upload, register
from jingjin.jobs.models import Job
from jingjin.reporting import batch
from jingjin.reporting.models import ReportingPeriod

KIND = "report-batch"


def run_report_batch(job: Job, progress: ProgressFn) -> JobOutcome:
    """Check the uploaded template whole, then save (and submit) every filled-in report, or none.
    ``params``: ``period_id`` (stored when the job was queued), ``submit``, ``source``."""
    period = ReportingPeriod.objects.filter(pk=job.params.get("period_id")).first()
    if period is None:
        raise JobInputError(gettext("period: there is no such reporting period."))
    submit = bool(job.params.get("submit"))
    raw = read_upload(job, progress)
    progress(20, gettext("Checking the reports of %(period)s and saving them") % {"period": period.code})
    try:
        summary = batch.batch_import(
            actor=job.owner,
            period=period,
            raw=raw,
            submit=submit,
            source=str(job.params.get("source") or "web"),
        )
    except batch.BatchFileError as exc:
        raise JobInputError(error_text([str(e) for e in exc.errors], total=exc.total)) from exc
    except PermissionDenied as exc:
        raise JobInputError(str(exc)) from exc
    progress(100, gettext("Saved %(count)d reports") % {"count": summary.saved})
    return JobOutcome(summary={"period": period.code, **summary.as_dict()})


register(KIND, label=_("Batch reporting"), runner=run_report_batch, may_run=can_fill_reports)
