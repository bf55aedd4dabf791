"""REST API of official documents (公文): ``/api/documents``.

List (filters ``kind``, ``state``, ``year``), read, issue from a source (POST, the plan office:
``kind`` with ``supervision_item`` (an id), ``period`` (a code such as ``2023-09``) or
``ranking_list`` (the id of a published list)), download a file (``/docx``, ``/pdf``) and
withdraw (``/withdraw`` with a reason). Unit users read the documents addressed to their unit or a
unit below it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.assessment.models import RankingList
from jingjin.core.api import Conflict, Pagination, clean_param
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_issue_documents,
    may_read_document,
)
from jingjin.core.texts import TextLimit
from jingjin.documents import layout, selectors, services
from jingjin.documents.choices import DocumentKind, DocumentState
from jingjin.documents.models import OfficialDocument
from jingjin.plans.models import Plan
from jingjin.reporting.models import ReportingPeriod
from jingjin.supervision.models import SupervisionItem

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


class DocumentSerializer(serializers.ModelSerializer):
    plan = serializers.SlugRelatedField(slug_field="code", read_only=True)
    recipients = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    period = serializers.SlugRelatedField(slug_field="code", read_only=True)
    files = serializers.SerializerMethodField(help_text="download addresses of the .docx and the PDF")

    class Meta:
        model = OfficialDocument
        fields = [
            "id",
            "plan",
            "kind",
            "state",
            "number",
            "prefix",
            "year",
            "sequence",
            "issuer",
            "title",
            "addressee",
            "body",
            "signature",
            "date",
            "copy_to",
            "printer",
            "recipients",
            "supervision_item",
            "ranking_list",
            "period",
            "issued_at",
            "withdrawn_at",
            "withdraw_reason",
            "is_synthetic",
            "files",
        ]
        read_only_fields = fields

    def get_files(self, document: OfficialDocument) -> dict[str, str]:
        base = f"/api/documents/{document.pk}/"
        return {"docx": base + "docx", "pdf": base + "pdf"}


class DocumentIssueSerializer(serializers.Serializer):
    plan = serializers.SlugRelatedField(slug_field="code", queryset=Plan.objects.all())
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    supervision_item = serializers.PrimaryKeyRelatedField(
        queryset=SupervisionItem.objects.all(), required=False, help_text="for kind=notice"
    )
    period = serializers.RegexField(
        r"^\d{4}-(0[1-9]|1[0-2])$", required=False, help_text="for kind=bulletin: a period code, YYYY-MM"
    )
    ranking_list = serializers.PrimaryKeyRelatedField(
        queryset=RankingList.objects.all(), required=False, help_text="for kind=ranking (a published list)"
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        needed = {
            DocumentKind.NOTICE: "supervision_item",
            DocumentKind.BULLETIN: "period",
            DocumentKind.RANKING: "ranking_list",
        }[data["kind"]]
        if data.get(needed) is None:
            raise serializers.ValidationError({needed: "required for this kind of document"})
        if needed == "period":
            year, month = (int(part) for part in data["period"].split("-"))
            period = ReportingPeriod.objects.filter(year=year, month=month).first()
            if period is None:
                raise serializers.ValidationError({"period": "no such reporting period"})
            data["period"] = period
        data["source"] = data[needed]
        return data


class DocumentWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(validators=[TextLimit(services.MAX_REASON, "reason")])


class DocumentPermission(SignedInPermission):
    """Signed-in users with a role read what :func:`visible_documents` gives them; issuing and
    withdrawing are for the plan office."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if getattr(view, "action", None) == "create" and not may_issue_documents(request.user):
            return False
        return super().has_permission(request, view)

    def may_read(self, user: Any, obj: Any) -> bool:
        return may_read_document(user, obj)

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_issue_documents(user)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("kind", str, enum=DocumentKind.values),
            OpenApiParameter("state", str, enum=DocumentState.values),
            OpenApiParameter("year", int),
        ]
    ),
    create=extend_schema(
        request=DocumentIssueSerializer,
        responses={
            201: DocumentSerializer,
            400: OpenApiResponse(description="no source, or a source that gives no document"),
            403: OpenApiResponse(description="only the plan office issues documents"),
        },
    ),
)
class DocumentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Official documents (公文): 督办函, 月度通报, 红黑榜通报, numbered per prefix and year."""

    serializer_class = DocumentSerializer
    permission_classes = [DocumentPermission]
    pagination_class = Pagination
    queryset = OfficialDocument.objects.none()

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return OfficialDocument.objects.none()
        kind = clean_param(self.request, "kind")
        if kind and kind not in DocumentKind.values:
            raise exceptions.ValidationError({"kind": f"must be one of {', '.join(DocumentKind.values)}"})
        state = clean_param(self.request, "state")
        if state and state not in DocumentState.values:
            raise exceptions.ValidationError({"state": f"must be one of {', '.join(DocumentState.values)}"})
        year_text = clean_param(self.request, "year")
        if year_text and not (year_text.isdigit() and len(year_text) == 4):
            raise exceptions.ValidationError({"year": "must be a year such as 2023"})
        documents = selectors.document_list(
            user=self.request.user, kind=kind, state=state, year=int(year_text) if year_text else None
        )
        return (
            documents.defer(None).defer("docx", "pdf").prefetch_related("recipients").select_related("period")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        payload = DocumentIssueSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            document = services.document_issue(
                actor=request.user, kind=data["kind"], plan=data["plan"], source=data["source"], origin="api"
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except services.DocumentError as exc:
            raise exceptions.ValidationError({"source": [str(exc)]}) from exc
        document = self.get_queryset().get(pk=document.pk)
        return Response(DocumentSerializer(document).data, status=201)

    def _file(self, fmt: str) -> HttpResponse:
        document = self.get_object()
        _, content = selectors.document_file(user=self.request.user, pk=document.pk, fmt=fmt)
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = layout.content_disposition(document.pk, document.number, fmt)
        return response

    @extend_schema(
        summary="The document as Word (.docx)",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="no such document, or not addressed to the user's unit"),
        },
    )
    @action(detail=True, methods=["get"])
    def docx(self, request: Request, pk: Any = None) -> HttpResponse:
        return self._file("docx")

    @extend_schema(
        summary="The document as PDF",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="no such document, or not addressed to the user's unit"),
        },
    )
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: Any = None) -> HttpResponse:
        return self._file("pdf")

    @extend_schema(
        summary="撤回 Withdraw a document (plan office; it keeps its number)",
        request=DocumentWithdrawSerializer,
        responses={
            200: DocumentSerializer,
            400: OpenApiResponse(description="no reason"),
            403: OpenApiResponse(description="only the plan office withdraws documents"),
            409: OpenApiResponse(description="already withdrawn"),
        },
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: Any = None) -> Response:
        document = self.get_object()
        payload = DocumentWithdrawSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            services.document_withdraw(
                actor=request.user, document=document, reason=payload.validated_data["reason"], origin="api"
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except services.DocumentError as exc:
            raise Conflict(str(exc)) from exc
        return Response(DocumentSerializer(self.get_queryset().get(pk=document.pk)).data)


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("documents", DocumentViewSet, basename="document")
