"""Job kind of the benchmark: ``statistics-import`` (统计数据导入) — a statistics file larger
than ``JINGJIN_IMPORT_JOB_BYTES`` imported in the background
(:func:`jingjin.benchmark.views.import_statistics` queues it), by the same service as a small file:
all or nothing, audited as the submitter, every error with its row and column as the job's error."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.benchmark import services
from jingjin.benchmark.statistics import RowError
from jingjin.core.limits import error_text
from jingjin.core.permissions import PermissionDenied, can_add
from jingjin.i18n import translated
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, file_type, read_upload, register
from jingjin.jobs.models import Job

KIND = "statistics-import"


def _line(error: RowError) -> str:
    return translated(error.describe())


def run_statistics_import(job: Job, progress: ProgressFn) -> JobOutcome:
    """Read the uploaded statistics file, check every row, then write the values (or nothing)."""
    raw = read_upload(job, progress)
    name = job.input_name or "file"
    progress(20, gettext("Checking the rows and writing the values"))
    try:
        summary = services.statistics_import(
            raw=raw,
            fmt=file_type(name),
            actor=job.owner,
            source=str(job.params.get("source") or "web"),
            add_cities=bool(job.params.get("add_cities")),
        )
    except services.StatisticsFileError as exc:
        raise JobInputError(error_text([_line(e) for e in exc.errors])) from exc
    except PermissionDenied as exc:
        raise JobInputError(gettext("Only the plan office may import statistics.")) from exc
    progress(100, gettext("Imported %(count)d new values") % {"count": summary.created})
    return JobOutcome(
        summary={
            "created": summary.created,
            "revised": summary.revised,
            "unchanged": summary.unchanged,
            "cities_created": "、".join(summary.cities_created),
        }
    )


register(KIND, label=_("Statistics import"), runner=run_statistics_import, may_run=can_add)
