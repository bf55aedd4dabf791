"""Job kind of the park registers: ``park-register-import`` (园区名录导入) — a register file
larger than ``JINGJIN_IMPORT_JOB_BYTES`` imported in the background (the register's import page
queues it), by the same service as a small file: all or nothing, audited as the submitter, the
errors with their rows and columns as the job's error."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jingjin.core.limits import error_text
from jingjin.core.permissions import PermissionDenied, may_manage_park_registers
from jingjin.jobs.kinds import JobInputError, JobOutcome, ProgressFn, read_upload, register
from jingjin.jobs.models import Job
from jingjin.parks import services
from jingjin.parks.tables import ImportFailed

KIND = "park-register-import"
#: the registers a job imports (the import page's kinds)
KINDS = ("industries", "parks", "chains", "firms", "clusters")


def run_register_import(job: Job, progress: ProgressFn) -> JobOutcome:
    """Read the uploaded register file, check it whole, then write it."""
    kind = str(job.params.get("kind") or "")
    if kind not in KINDS:
        raise JobInputError(gettext("Unknown register: %(kind)s") % {"kind": kind})
    raw = read_upload(job, progress)
    try:
        progress(30, gettext("Checking the register and writing it"))
        result = services.register_import(
            kind=kind,
            raw=raw,
            filename=job.input_name or "",
            actor=job.owner,
            source=str(job.params.get("source") or "web"),
        )
    except ImportFailed as exc:
        raise JobInputError(error_text([str(e) for e in exc.errors])) from exc
    except PermissionDenied as exc:
        raise JobInputError(gettext("Only the plan office imports the park registers.")) from exc
    progress(100, gettext("Imported the register"))
    return JobOutcome(summary={"register": kind, "created": result.created, "updated": result.updated})


register(KIND, label=_("Park register import"), runner=run_register_import, may_run=may_manage_park_registers)
