"""Job kind of the air data: ``air-import`` (小时数据导入) — a platform export imported in the
background (a large file from the page, every file from the API), by the same service as a small
file: checked whole, all or nothing, then the days it touched evaluated again. Registered from
:mod:`jingjin.ecology.job_kinds`."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.limits import error_text
from jingjin.core.permissions import PermissionDenied, may_import_air_data
from jingjin.ecology import air_imports, air_services
from jingjin.ecology.air_models import AirImportBatch
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, register
from jingjin.jobs.models import Job

KIND = "air-import"


def run_air_import(job: Job, progress: ProgressFn) -> JobOutcome:
    """Read the uploaded export, import it and evaluate the days it touched."""
    if not job.input_file:
        raise JobInputError(gettext("No input file was uploaded."))
    name = job.input_name or "file"
    progress(5, gettext("Reading %(name)s") % {"name": name})
    try:
        result = air_services.import_file(
            actor=job.owner,
            path=job.input_file.path,
            file_name=name,
            source=str(job.params.get("source") or "web"),
            progress=progress,
        )
    except air_imports.AirFileError as exc:
        raise JobInputError(error_text(exc.errors)) from exc
    except PermissionDenied as exc:
        raise JobInputError(gettext("You may import the data of no station.")) from exc
    batch = result.batch
    progress(100, gettext("Imported %(rows)d rows") % {"rows": batch.rows})
    return JobOutcome(summary=batch_summary(batch) | {"days_evaluated": result.days_evaluated})


def batch_summary(batch: AirImportBatch) -> dict[str, object]:
    """What an import did, as the job's summary and the API show it."""
    return {
        "batch": batch.pk,
        "file_name": batch.file_name,
        "rows": batch.rows,
        "new": batch.new,
        "revised": batch.revised,
        "unchanged": batch.unchanged,
        "duplicates": batch.duplicates,
        "gaps": batch.gaps,
        "first_day": batch.first_day.isoformat() if batch.first_day else None,
        "last_day": batch.last_day.isoformat() if batch.last_day else None,
        "duplicate_examples": batch.details.get("duplicate_examples", []),
        "gap_examples": batch.details.get("gap_examples", []),
    }


register(KIND, label=_("Air data import"), runner=run_air_import, may_run=may_import_air_data)
