"""Writes of official documents (公文): issue one from its source, withdraw it, set a plan's
document settings.

Numbers (发文字号) are taken from :class:`~jingjin.documents.models.NumberCounter` under a row
lock (``select_for_update``) in the transaction that stores the document: two documents issued at
the same moment get consecutive numbers, never the same one, and a failure rolls the number back
with the document, so the register has no gaps either. A withdrawn document keeps its number.

The actor ``None`` is the system itself (the demo-data generator).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction

from jingjin.core import clock
from jingjin.core.permissions import PermissionDenied, may_issue_documents
from jingjin.core.services import audit_change
from jingjin.dashboard.selectors import issuing_office
from jingjin.documents import layout, sources
from jingjin.documents.choices import DocumentKind, DocumentState
from jingjin.documents.models import DocumentSettings, NumberCounter, OfficialDocument
from jingjin.plans.models import Plan

#: prefixes (机关代字) of the numbers when a plan has no document settings
DEFAULT_PREFIXES = {DocumentKind.NOTICE: "督函", DocumentKind.BULLETIN: "督通", DocumentKind.RANKING: "督榜"}
MAX_REASON = 2000


class DocumentError(ValueError):
    """A document that cannot be issued or withdrawn with these values."""


def _check(actor: Any) -> None:
    if actor is not None and not may_issue_documents(actor):
        raise PermissionDenied("only the plan office issues official documents")


def number_take(*, prefix: str, year: int) -> int:
    """The next sequence number of ``prefix`` in ``year``; call inside the transaction that stores
    the document (the counter row stays locked until it ends)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("number_take must run inside the transaction that stores the document")
    NumberCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = NumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def heading_of(plan: Plan, kind: str) -> dict[str, str]:
    """Issuer, prefix, signature, 抄送 and 印发 of a plan's documents of ``kind``."""
    found = DocumentSettings.objects.filter(plan=plan).first()
    if found is not None:
        return {
            "issuer": found.issuer,
            "prefix": found.prefix_of(kind),
            "signature": found.signature or found.issuer,
            "copy_to": found.copy_to,
            "printer": found.printer or found.issuer,
        }
    office = issuing_office(plan) or plan.city
    return {
        "issuer": office,
        "prefix": DEFAULT_PREFIXES[DocumentKind(kind)],
        "signature": office,
        "copy_to": "",
        "printer": office,
    }


def _draft(*, kind: str, plan: Plan, source: Any, actor: Any) -> sources.Draft:
    if kind == DocumentKind.NOTICE:
        return sources.from_supervision_item(source, plan=plan)
    if kind == DocumentKind.BULLETIN:
        return sources.from_bulletin(source, plan=plan, reader=actor)
    if kind == DocumentKind.RANKING:
        try:
            return sources.from_ranking_list(source, plan=plan)
        except sources.SourceError as exc:
            raise DocumentError(str(exc)) from exc
    raise DocumentError(f"unknown kind {kind!r}")


def document_issue(
    *,
    actor: Any,
    kind: str,
    plan: Plan,
    source: Any,
    day: date | None = None,
    origin: str = "web",
    is_synthetic: bool = False,
) -> OfficialDocument:
    """Issue a document of ``kind`` from ``source`` (a supervision item, a reporting period or a
    published red/black list): number it, write its .docx and PDF, store it and audit it."""
    _check(actor)
    day = day or clock.today()
    draft = _draft(kind=kind, plan=plan, source=source, actor=actor)
    heading = heading_of(plan, kind)
    with transaction.atomic():
        sequence = number_take(prefix=heading["prefix"], year=day.year)
        number = layout.document_number(heading["prefix"], day.year, sequence)
        page = layout.Page(
            issuer=heading["issuer"],
            number=number,
            title=draft.title,
            addressee=draft.addressee,
            paragraphs=draft.paragraphs,
            signature=heading["signature"],
            day=day,
            copy_to=heading["copy_to"],
            printer=heading["printer"],
            notes=draft.notes,
        )
        document = OfficialDocument(
            plan=plan,
            kind=kind,
            issuer=page.issuer,
            prefix=heading["prefix"],
            year=day.year,
            sequence=sequence,
            number=number,
            title=page.title[:200],
            addressee=page.addressee[:300],
            body="\n".join([*page.paragraphs, *page.notes]),
            signature=page.signature,
            date=day,
            copy_to=page.copy_to,
            printer=page.printer,
            supervision_item=source if kind == DocumentKind.NOTICE else None,
            period=source if kind == DocumentKind.BULLETIN else None,
            ranking_list=source if kind == DocumentKind.RANKING else None,
            docx=layout.docx_bytes(page),
            pdf=layout.pdf_bytes(page),
            issued_by=actor if actor is not None and actor.is_authenticated else None,
            is_synthetic=is_synthetic,
        )
        document.save()
        document.recipients.set(draft.recipients)
        audit_change(actor=actor, obj=document, before=None, source=origin)
    return document


def document_withdraw(
    *, actor: Any, document: OfficialDocument, reason: str, origin: str = "web"
) -> OfficialDocument:
    """Withdraw (撤回) an issued document with a reason; it keeps its number and its files."""
    _check(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError("a withdrawal needs a reason")
    if len(reason) > MAX_REASON:
        raise DocumentError(f"the reason is longer than {MAX_REASON} characters")
    with transaction.atomic():
        document = OfficialDocument.objects.select_for_update().get(pk=document.pk)
        if document.state != DocumentState.ISSUED:
            raise DocumentError(f"{document.number} is already withdrawn")
        before = document.snapshot()
        document.state = DocumentState.WITHDRAWN
        document.withdrawn_at = clock.now()
        document.withdraw_reason = reason
        document.save(update_fields=["state", "withdrawn_at", "withdraw_reason"])
        audit_change(actor=actor, obj=document, before=before, source=origin)
    return document


def document_settings_save(
    *, actor: Any, plan: Plan, values: dict[str, str], origin: str = "web"
) -> DocumentSettings:
    """Set how ``plan``'s documents are headed and numbered (the plan office)."""
    _check(actor)
    fields = (
        "issuer",
        "signature",
        "prefix_notice",
        "prefix_bulletin",
        "prefix_ranking",
        "copy_to",
        "printer",
    )
    with transaction.atomic():
        found = DocumentSettings.objects.select_for_update().filter(plan=plan).first()
        before = found.snapshot() if found is not None else None
        obj = found or DocumentSettings(plan=plan)
        for name in fields:
            if name in values:
                setattr(obj, name, values[name])
        _check_prefixes(obj)
        obj.full_clean()
        obj.save()
        audit_change(actor=actor, obj=obj, before=before, source=origin)
    return obj


def _check_prefixes(obj: DocumentSettings) -> None:
    """A prefix (机关代字) is one word without 〔〕 or 号, so that the number reads back."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    errors = {}
    for name in ("prefix_notice", "prefix_bulletin", "prefix_ranking"):
        value = str(getattr(obj, name) or "").strip()
        setattr(obj, name, value)
        number = layout.document_number(value, 2000, 1)
        if not value or "〔" in value or "〕" in value or not layout.NUMBER_PATTERN.match(number):
            errors[name] = _("A prefix is one word without spaces or 〔〕, such as 督函.")
    if errors:
        raise ValidationError(errors)
