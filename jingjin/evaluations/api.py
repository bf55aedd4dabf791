"""REST API of evaluations (评价): the engines of the command line as jobs.

``POST /api/evaluations`` (multipart: ``kind``, ``file``, ``options`` = a JSON object with the
command line's options) → 202 ``{"id", "state", "progress", …}``; a bad kind, file or options → 400
naming the field, before anything is queued. ``GET /api/evaluations/{id}`` → ``{"id", "kind",
"state", "progress", "message", "error", "summary", …}``; ``GET /api/evaluations/{id}/result
?format=csv|xlsx|parquet`` → the table the command line writes (404 until done). Who sees which:
``core.permissions.visible_jobs`` (their own unit's evaluations; the plan office all).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Pagination, clean_param
from jingjin.core.permissions import PermissionDenied
from jingjin.evaluations import selectors, services
from jingjin.evaluations.options import EVALUATIONS
from jingjin.jobs.api import JobPermission
from jingjin.jobs.choices import JobState
from jingjin.jobs.models import Job


class EvaluationSerializer(serializers.ModelSerializer):
    """An evaluation: its kind, where it is (state, progress 0–100, message), the engine's error or
    the summary, the options it ran with and the download addresses of its result."""

    state = serializers.CharField(read_only=True, help_text="queued, running, done or failed")
    options = serializers.SerializerMethodField(help_text="the options, defaults filled in")
    results = serializers.SerializerMethodField(
        help_text="download addresses by format (csv, xlsx, parquet) once done, else null"
    )

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "state",
            "progress",
            "message",
            "error",
            "summary",
            "options",
            "input_name",
            "results",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_options(self, job: Job) -> dict[str, Any]:
        options = job.params.get("options") if isinstance(job.params, dict) else None
        return options if isinstance(options, dict) else {}

    def get_results(self, job: Job) -> dict[str, str] | None:
        if job.state != JobState.DONE or not job.result_file:
            return None
        request = self.context.get("request")
        links = {}
        for fmt in selectors.FORMATS:
            path = f"/api/evaluations/{job.pk}/result?format={fmt}"
            links[fmt] = request.build_absolute_uri(path) if request is not None else path
        return links


class EvaluationSubmitSerializer(serializers.Serializer):
    """What ``POST /api/evaluations`` takes (multipart/form-data)."""

    kind = serializers.ChoiceField(choices=list(EVALUATIONS), help_text="the evaluation")
    file = serializers.FileField(help_text="the input table: .csv, .xlsx or .parquet")
    options = serializers.CharField(
        required=False,
        help_text='a JSON object with the command line\'s options, e.g. {"scheme": "huangyan-2022"}',
    )


def _options(request: Request) -> Any:
    text = request.data.get("options")
    if text in (None, ""):
        return {}
    if not isinstance(text, str):
        raise exceptions.ValidationError({"options": "must be a JSON object (a text field of the form)"})
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise exceptions.ValidationError({"options": f"not valid JSON: {exc}"}) from exc
    if not isinstance(value, dict):
        raise exceptions.ValidationError({"options": "must be a JSON object"})
    return value


class FormatIsTheFilesFormat(DefaultContentNegotiation):
    """``?format=csv|xlsx|parquet`` names the result file's format here, not DRF's renderer."""

    class settings:  # stands in for DRF's api_settings
        URL_FORMAT_OVERRIDE = None


@extend_schema_view(
    list=extend_schema(
        summary="评价 Evaluations the user sees, newest first",
        parameters=[OpenApiParameter("kind", str, enum=list(EVALUATIONS), description="one kind only")],
    ),
    retrieve=extend_schema(summary="One evaluation: state, progress, message, error, summary"),
)
class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evaluations (评价): the air, water, scoring, per-mu, admission and allocation engines run as
    jobs on an uploaded table."""

    queryset = Job.objects.none()
    serializer_class = EvaluationSerializer
    permission_classes = [JobPermission]
    pagination_class = Pagination
    parser_classes = [MultiPartParser, FormParser]
    content_negotiation_class = FormatIsTheFilesFormat

    def get_queryset(self) -> Any:
        kind = clean_param(self.request, "kind") if self.action == "list" else ""
        if kind and kind not in EVALUATIONS:
            raise exceptions.ValidationError({"kind": f"must be one of {', '.join(EVALUATIONS)}"})
        return selectors.evaluation_list(user=self.request.user, kind=kind)

    @extend_schema(
        summary="Run an evaluation on an uploaded table (queued as a job)",
        request={"multipart/form-data": EvaluationSubmitSerializer},
        responses={
            202: EvaluationSerializer,
            400: OpenApiResponse(description="bad kind, file or options (the field is named)"),
            403: OpenApiResponse(description="not a user who may run evaluations"),
        },
    )
    def create(self, request: Request) -> Response:
        kind = request.data.get("kind")
        if not isinstance(kind, str) or kind not in EVALUATIONS:
            raise exceptions.ValidationError({"kind": f"must be one of {', '.join(EVALUATIONS)}"})
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": "upload the input table (.csv, .xlsx or .parquet)"})
        options = _options(request)
        try:
            job = services.evaluation_submit(
                actor=request.user,
                kind=kind,
                file=upload,
                file_name=upload.name or "",
                options=options,
                source="api",
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied("You may not run evaluations.") from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        job = Job.objects.get(pk=job.pk)
        return Response(EvaluationSerializer(job, context={"request": request}).data, status=202)

    @extend_schema(
        summary="The result table of a done evaluation, as CSV, XLSX or Parquet",
        parameters=[
            OpenApiParameter("format", str, enum=list(selectors.FORMATS), description="default parquet")
        ],
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description="unknown format, or too many rows for XLSX"),
            404: OpenApiResponse(description="no such evaluation, or no result (yet)"),
        },
    )
    @action(detail=True, methods=["get"])
    def result(self, request: Request, pk: Any = None) -> HttpResponse | FileResponse:
        fmt = clean_param(request, "format") or "parquet"
        if fmt not in selectors.FORMATS:
            raise exceptions.ValidationError({"format": f"must be one of {', '.join(selectors.FORMATS)}"})
        job = self.get_object()
        return download(job, fmt)


def download(job: Job, fmt: str) -> HttpResponse | FileResponse:
    """The response with a done evaluation's result in ``fmt`` (404 before it is done; 400 when the
    result has more rows than a workbook's sheet holds)."""
    if job.state != JobState.DONE or not job.result_file:
        raise Http404("result")
    try:
        content, name, content_type = selectors.result_download(job, fmt)
    except FileNotFoundError as exc:
        raise Http404("result file") from exc
    except selectors.ResultTooLarge:
        return HttpResponse(
            "The result has more rows than a workbook's sheet holds; download CSV or Parquet.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    if not isinstance(content, bytes):
        return FileResponse(content.open("rb"), as_attachment=True, filename=name, content_type=content_type)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
