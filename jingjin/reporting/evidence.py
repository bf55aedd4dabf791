"""Evidence files of a report (佐证材料): attach and remove, each checked, atomic and audited.

A file is accepted by its extension (:data:`EVIDENCE_TYPES`) and by its content
(:func:`sniff_kind`), up to :func:`evidence_max_size`, once per report (by content); it is stored
under ``MEDIA_ROOT/evidence/<yyyy>/<mm>/`` with a random name. Only the reporters of an editable
report change its evidence (the rules of :mod:`jingjin.reporting.services`).
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from jingjin.core.services import audit_change
from jingjin.reporting.models import Evidence, Report
from jingjin.reporting.services import _require_editable, _require_reporter

#: allowed evidence types: extension → kind
EVIDENCE_TYPES = {
    "pdf": "pdf",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "docx": "docx",
    "xlsx": "xlsx",
    "txt": "txt",
    "csv": "csv",
}


def evidence_max_size() -> int:
    """Largest evidence file in bytes (setting ``JINGJIN_EVIDENCE_MAX_SIZE``, default 20 MB)."""
    return int(getattr(settings, "JINGJIN_EVIDENCE_MAX_SIZE", 20 * 1024 * 1024))


def sniff_kind(head: bytes, content: IO[bytes]) -> str | None:
    """The file type its content shows (pdf, png, jpg, docx, xlsx, text), or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith(b"PK\x03\x04"):
        try:
            content.seek(0)
            names = zipfile.ZipFile(content).namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("word/") for n in names):
                return "docx"
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
        return None
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            # a multi-byte character cut at the end of the sample is fine
            try:
                head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        return "text"
    return None


@transaction.atomic
def evidence_add(
    *, actor: Any, report: Report, content: IO[bytes], name: str, size: int | None = None, source: str = "web"
) -> Evidence:
    """Attach an evidence file to an editable report.

    The type is checked by extension and by content; the file is stored under
    ``MEDIA_ROOT/evidence/<yyyy>/<mm>/`` with a random name, the original name kept for display.
    """
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require_reporter(actor, report.task)
    _require_editable(report)
    original = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255] or "file"
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    kind = EVIDENCE_TYPES.get(extension)
    if kind is None:
        raise ValidationError(
            {"file": _("Files of this type are not accepted; allowed: PDF, JPG, PNG, DOCX, XLSX, TXT, CSV.")}
        )
    limit = evidence_max_size()
    data = content.read(limit + 1)
    if (size is not None and size > limit) or len(data) > limit:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:g}"}}
        )
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    sniffed = sniff_kind(data[:8192], io.BytesIO(data))
    expected = "text" if kind in ("txt", "csv") else kind
    if sniffed != expected:
        raise ValidationError(
            {"file": _("The content of the file does not match its type (.%(ext)s).") % {"ext": extension}}
        )
    digest = hashlib.sha256(data).hexdigest()
    same = report.evidence.filter(sha256=digest).first()
    if same is not None:
        raise ValidationError(
            {
                "file": _("A file with the same content was uploaded already: %(name)s")
                % {"name": same.original_name}
            }
        )
    before = report.snapshot()
    evidence = Evidence(
        report=report,
        original_name=original,
        kind=kind,
        size=len(data),
        sha256=digest,
        uploaded_by=actor,
    )
    evidence.file.save(
        f"{secrets.token_hex(16)}.{'jpg' if kind == 'jpg' else extension}", ContentFile(data), save=False
    )
    evidence.save()
    audit_change(actor=actor, obj=report, before=before, source=source)
    return evidence


@transaction.atomic
def evidence_delete(*, actor: Any, evidence: Evidence, source: str = "web") -> None:
    """Remove an evidence file from an editable report (and from the disk)."""
    report = Report.objects.select_for_update().get(pk=evidence.report_id)
    _require_reporter(actor, report.task)
    _require_editable(report)
    before = report.snapshot()
    storage, path = evidence.file.storage, evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: storage.delete(path) if path else None)
    audit_change(actor=actor, obj=report, before=before, source=source)
