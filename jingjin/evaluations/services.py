"""Writes of evaluations (评价): submit one as a job.

:func:`evaluation_submit` checks the kind, the uploaded file's type and the options (against the
kind's option names and types and the command line's own checks) before anything is stored, then
queues a job of the kind through :func:`jingjin.jobs.services.job_submit` (which checks the
permission, stores the upload, writes the audit row and enqueues the job on commit).
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

from jingjin.commands._io import SUPPORTED
from jingjin.core.limits import LimitError, check_size, check_workbook, limit
from jingjin.evaluations.options import EVALUATIONS, OptionsError, clean_options
from jingjin.jobs.models import Job
from jingjin.jobs.services import job_submit


def _check_limits(file: File | IO[bytes], *, workbook: bool) -> None:
    """The upload limits (:mod:`jingjin.core.limits`): ``JINGJIN_EVALUATION_MAX_BYTES``, and for a
    workbook its unzipped size ``JINGJIN_EVALUATION_MAX_UNZIPPED`` (a zip bomb is refused before
    the job is queued); ValidationError on ``file``."""
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    try:
        check_size(size, max_bytes=limit("JINGJIN_EVALUATION_MAX_BYTES"))
        if workbook:
            file.seek(0)
            check_workbook(file, max_unzipped=limit("JINGJIN_EVALUATION_MAX_UNZIPPED"))
    except LimitError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    finally:
        file.seek(0)


def evaluation_submit(
    *,
    actor: Any,
    kind: str,
    file: File | IO[bytes] | None,
    file_name: str,
    options: Any,
    source: str = "web",
) -> Job:
    """Queue an evaluation of ``kind`` on the uploaded table ``file`` with ``options`` (a JSON
    object, the command line's options). Raises ``ValidationError`` naming the field (``kind``,
    ``file``, ``options``) or ``PermissionDenied``; nothing is stored then."""
    if kind not in EVALUATIONS:
        raise ValidationError(
            {
                "kind": _("Unknown evaluation kind %(kind)s; use one of %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(EVALUATIONS)}
            }
        )
    if file is None:
        raise ValidationError({"file": _("Upload the input table (.csv, .xlsx or .parquet).")})
    suffix = Path(str(file_name)).suffix.lower()
    if suffix not in SUPPORTED:
        raise ValidationError(
            {
                "file": _("%(name)s: unsupported file type; use .csv, .xlsx or .parquet.")
                % {"name": Path(str(file_name)).name}
            }
        )
    _check_limits(file, workbook=suffix == ".xlsx")
    try:
        cleaned = clean_options(kind, options)
    except OptionsError as exc:
        raise ValidationError({"options": str(exc)}) from exc
    return job_submit(
        actor=actor,
        kind=kind,
        params={"options": cleaned},
        input_file=file,
        input_name=file_name,
        source=source,
    )
