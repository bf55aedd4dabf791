"""Reads of official documents (公文): the register a user may read, one document, the sources a
document can be issued from."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from jingjin.assessment.choices import ListStatus
from jingjin.assessment.models import RankingList
from jingjin.core.permissions import may_issue_documents, visible_documents
from jingjin.documents.models import OfficialDocument
from jingjin.supervision.models import SupervisionItem

#: the register's columns (the files are read only by the download)
LIST_FIELDS = (
    "id",
    "plan__code",
    "kind",
    "state",
    "number",
    "prefix",
    "year",
    "sequence",
    "title",
    "addressee",
    "date",
    "is_synthetic",
)


def document_list(
    *, user: Any, kind: str = "", state: str = "", year: int | None = None
) -> QuerySet[OfficialDocument]:
    """The register as ``user`` may read it, newest first; without the files."""
    documents = visible_documents(user, OfficialDocument.objects.all()).defer("docx", "pdf", "body")
    if kind:
        documents = documents.filter(kind=kind)
    if state:
        documents = documents.filter(state=state)
    if year is not None:
        documents = documents.filter(year=year)
    return documents.select_related("plan").order_by("-date", "-year", "prefix", "-sequence")


def document_detail(*, user: Any, pk: int) -> OfficialDocument:
    """One document ``user`` may read (``DoesNotExist`` otherwise), with its files deferred."""
    return (
        visible_documents(user, OfficialDocument.objects.all())
        .defer("docx", "pdf")
        .select_related("plan", "supervision_item", "ranking_list__period", "ranking_list__scheme", "period")
        .prefetch_related("recipients")
        .get(pk=pk)
    )


def document_file(*, user: Any, pk: int, fmt: str) -> tuple[OfficialDocument, bytes]:
    """The .docx or PDF file of a document ``user`` may read."""
    field = "docx" if fmt == "docx" else "pdf"
    document = visible_documents(user, OfficialDocument.objects.all()).only("id", "number", field).get(pk=pk)
    return document, bytes(getattr(document, field))


def can_issue(*, user: Any) -> bool:
    return may_issue_documents(user)


def notice_sources() -> QuerySet[SupervisionItem]:
    """Supervision items a 督办函 can be issued for: the open ones."""
    return (
        SupervisionItem.objects.exclude(state="closed")
        .select_related("assignee_unit")
        .order_by("-issued_on", "code")
    )


def ranking_sources() -> QuerySet[RankingList]:
    """Red/black lists a notice can be issued for: the published ones."""
    return RankingList.objects.filter(status=ListStatus.PUBLISHED).select_related("scheme", "period")
