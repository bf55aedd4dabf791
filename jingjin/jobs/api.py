"""REST API of background jobs (后台任务).

``GET /api/jobs`` lists the jobs the user sees (the plan office: all; others: their own and their
units'), newest first, filtered by ``state`` and ``kind``; ``GET /api/jobs/{id}`` reads one
(``{"id", "kind", "state", "progress", "message", "error", "summary", "created_at", …}``);
``GET /api/jobs/{id}/result`` downloads the result file of a done job (404 before);
``POST /api/jobs/{id}/retry`` queues a failed job again (its owner or the plan office; 403 for
anyone else, 400 when the job has not failed). Other apps submit jobs through
:func:`jingjin.jobs.services.job_submit` and answer with :func:`job_payload` (HTTP 202).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Pagination, clean_param
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_see_job,
)
from jingjin.jobs import selectors, services
from jingjin.jobs.choices import JobState
from jingjin.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    """A job: what, whose, where it is (state, progress 0–100, message), its times, result, error."""

    kind_label = serializers.CharField(read_only=True, help_text="the kind in the request's language")
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    result = serializers.SerializerMethodField(help_text="the result's download address, or null")
    result_name = serializers.CharField(read_only=True)

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_label",
            "state",
            "progress",
            "message",
            "error",
            "summary",
            "params",
            "owner",
            "unit",
            "input_name",
            "result",
            "result_name",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_result(self, job: Job) -> str | None:
        if job.state != JobState.DONE or not job.result_file:
            return None
        request = self.context.get("request")
        path = f"/api/jobs/{job.pk}/result"
        return request.build_absolute_uri(path) if request is not None else path


def job_payload(job: Job, request: Any = None) -> dict[str, Any]:
    """The API's view of a job (what ``GET /api/jobs/{id}`` answers)."""
    return dict(JobSerializer(job, context={"request": request}).data)


def queued_upload(
    request: Request, *, kind: str, upload: Any, params: dict[str, Any] | None = None
) -> Response:
    """A large upload handed to a job of ``kind`` instead of being imported while the request waits
    (the request's user owns it, ``source`` ``api``): 202 with the job as ``GET /api/jobs/{id}``
    shows it (queued, or already done where jobs run at once); 400 naming the field of a refused
    submission (a file name with control characters …), 403 when the user may not submit it."""
    try:
        job = services.job_submit(
            actor=request.user,
            kind=kind,
            params={"source": "api", **(params or {})},
            input_file=upload,
            source="api",
        )
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"file": exc.messages}
        ) from exc
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    job = Job.objects.get(pk=job.pk)  # as it is after the run (immediate mode) or queued
    return Response(job_payload(job, request), status=status.HTTP_202_ACCEPTED)


class JobPermission(SignedInPermission):
    """Signed-in users with a role; a job is read and retried by those who see it (the retry
    service then asks :func:`~jingjin.core.permissions.may_retry_job`)."""

    def may_read(self, user: Any, obj: Any) -> bool:
        return may_see_job(user, obj)

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_see_job(user, obj)


@extend_schema_view(
    list=extend_schema(
        summary="后台任务 Jobs the user sees, newest first",
        parameters=[
            OpenApiParameter(
                "state", str, enum=JobState.values, description="queued, running, done or failed"
            ),
            OpenApiParameter("kind", str, description="a job kind, e.g. warnings-refresh"),
        ],
    ),
    retrieve=extend_schema(summary="One job: state, progress, message, error, summary"),
)
class JobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Background jobs (后台任务): read, download the result, retry a failed one."""

    queryset = Job.objects.none()
    serializer_class = JobSerializer
    permission_classes = [JobPermission]
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        state = clean_param(self.request, "state") if self.action == "list" else ""
        kind = clean_param(self.request, "kind") if self.action == "list" else ""
        if state and state not in JobState.values:
            raise exceptions.ValidationError({"state": f"must be one of {', '.join(JobState.values)}"})
        if len(kind) > 64:
            raise exceptions.ValidationError({"kind": "at most 64 characters"})
        return selectors.job_list(user=self.request.user, state=state, kind=kind)

    @extend_schema(
        summary="The result file of a done job",
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="no such job, or no result (yet)"),
        },
    )
    @action(detail=True, methods=["get"])
    def result(self, request: Request, pk: Any = None) -> FileResponse:
        job = self.get_object()
        if job.state != JobState.DONE or not job.result_file:
            raise Http404("result")
        try:
            handle = job.result_file.open("rb")
        except FileNotFoundError as exc:
            raise Http404("result file") from exc
        return FileResponse(handle, as_attachment=True, filename=job.result_name)

    @extend_schema(
        summary="Queue a failed job again (its owner or the plan office)",
        request=None,
        responses={
            202: JobSerializer,
            400: OpenApiResponse(description="the job has not failed"),
            403: OpenApiResponse(description="not a user who may retry this job"),
            404: OpenApiResponse(description="no such job"),
        },
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: Any = None) -> Response:
        job = self.get_object()
        try:
            job = services.job_retry(actor=request.user, job=job, source="api")
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied("You may not retry this job.") from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        job = Job.objects.get(pk=job.pk)
        return Response(job_payload(job, request), status=202)


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("jobs", JobViewSet, basename="job")
