"""Job kind ``water-samples-import`` (断面监测数据导入): an upload of monthly section samples larger
than ``JINGJIN_IMPORT_JOB_BYTES`` imported in the background by the same service as a small one
(:func:`jingjin.ecology.water_services.samples_import`): all or nothing, audited as the submitter,
every problem with its row and column as the job's error."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.limits import LimitError, error_text
from jingjin.core.permissions import PermissionDenied, may_import_water_samples
from jingjin.ecology.water_services import ImportRefused, samples_import
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, read_upload, register
from jingjin.jobs.models import Job

KIND = "water-samples-import"


def run_samples_import(job: Job, progress: ProgressFn) -> JobOutcome:
    """Read the uploaded samples, check every row, then store them and compute the classes."""
    raw = read_upload(job, progress)
    progress(20, gettext("Checking the rows, storing the samples and computing the classes"))
    try:
        batch = samples_import(
            actor=job.owner,
            raw=raw,
            name=job.input_name or "file.csv",
            source=str(job.params.get("source") or "web"),
        )
    except ImportRefused as exc:
        raise JobInputError(error_text(exc.lines())) from exc
    except LimitError as exc:
        raise JobInputError(str(exc)) from exc
    except PermissionDenied as exc:
        raise JobInputError(gettext("You may not import water samples.")) from exc
    progress(100, gettext("Imported %(count)d new samples") % {"count": batch.added})
    return JobOutcome(
        summary={
            "batch": batch.pk,
            "added": batch.added,
            "changed": batch.changed,
            "unchanged": batch.unchanged,
            "gaps": batch.report.get("gap_count", 0),
            "duplicates": len(batch.report.get("duplicates", [])),
        }
    )


register(KIND, label=_("Water samples import"), runner=run_samples_import, may_run=may_import_water_samples)
