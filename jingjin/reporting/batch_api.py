"""API of "copy last month" and batch reporting: ``POST /api/reports/copy-previous`` and
``POST /api/reports/batch`` (``GET`` gives the template). Both go through the services of the pages
(:func:`~jingjin.reporting.services.report_copy_previous`, :mod:`jingjin.reporting.batch`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import clean_param
from jingjin.core.limits import in_background
from jingjin.core.permissions import PermissionDenied, RestrictedPermission, can_fill_reports, restrict
from jingjin.jobs.api import queued_upload
from jingjin.plans.models import Task
from jingjin.reporting import batch, batch_template, selectors, services
from jingjin.reporting.api import ReportSerializer, _call
from jingjin.reporting.job_kinds import KIND as REPORT_BATCH
from jingjin.reporting.models import ReportingPeriod


class CopyPreviousSerializer(serializers.Serializer):  # type: ignore[type-arg]
    task = serializers.IntegerField(min_value=1, help_text="task id")
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")


class BatchUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    file = serializers.FileField(help_text="the filled-in template (.xlsx)")
    period = serializers.RegexField(r"^\d{4}-\d{2}$", help_text="YYYY-MM")
    submit = serializers.BooleanField(default=False, help_text="submit the reports for review too")


def _period(code: str) -> ReportingPeriod:
    year, month = _call(services.period_parse, code=code)
    period: ReportingPeriod = _call(services.period_get_or_create, year=year, month=month)
    return period


class ReportToolsPermission(RestrictedPermission):
    """Reporters and county users, refused before the request's body or parameters are read."""

    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and can_fill_reports(request.user)


class ReportToolsViewSet(viewsets.ViewSet):
    """Copy last month's report; upload all of a unit's reports of a month from one Excel file."""

    permission_classes = [ReportToolsPermission]
    allow_post_for_units = True
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        request=CopyPreviousSerializer,
        responses={201: ReportSerializer},
        summary="Make this month's draft from the task's last report (复制上月)",
    )
    @action(detail=False, methods=["post"], url_path="copy-previous", url_name="copy-previous")
    def copy_previous(self, request: Request) -> Response:
        body = CopyPreviousSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        task = (
            restrict(request.user, "view", Task.objects.all()).filter(pk=body.validated_data["task"]).first()
        )
        if task is None:
            raise exceptions.ValidationError({"task": ["no such task"]})
        period = _period(body.validated_data["period"])
        report = _call(
            services.report_copy_previous, actor=request.user, task=task, period=period, source="api"
        )
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"],
        parameters=[OpenApiParameter("period", str, required=True, description="month YYYY-MM")],
        responses={
            (200, batch.XLSX): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="the Excel template of the user's unit"
            )
        },
        summary="Download the batch reporting template of a month",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": BatchUploadSerializer},
        responses={
            200: OpenApiResponse(description="counts: created, updated, submitted"),
            202: OpenApiResponse(
                description="a file larger than JINGJIN_IMPORT_JOB_BYTES: queued as a job "
                "(report-batch); follow it at /api/jobs/{id}"
            ),
        },
        summary="Upload all of a unit's reports of a month from one Excel file (all or nothing)",
    )
    @action(detail=False, methods=["get", "post"], url_path="batch", url_name="batch")
    def batch(self, request: Request) -> Any:
        if request.method == "GET":
            code = clean_param(request, "period")
            if not code:
                raise exceptions.ValidationError({"period": ["give the month, YYYY-MM"]})
            year, month = _call(services.period_parse, code=code)
            period = selectors.period_of(year=year, month=month)  # a download stores nothing
            if not can_fill_reports(request.user):
                raise exceptions.PermissionDenied("only reporters and county users fill in reports")
            response = HttpResponse(
                batch_template.template(user=request.user, period=period), content_type=batch.XLSX
            )
            response["Content-Disposition"] = f'attachment; filename="reports-{period.code}.xlsx"'
            return response
        body = BatchUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        period = _period(body.validated_data["period"])
        upload = body.validated_data["file"]
        if (upload.size or 0) > batch.MAX_FILE_SIZE:
            raise exceptions.ValidationError({"file": [f"larger than {batch.MAX_FILE_SIZE // 2**20} MB"]})
        if in_background(upload.size):  # a large file: imported by a job; follow it at /api/jobs/<id>
            params = {"period_id": period.pk, "period": period.code, "submit": body.validated_data["submit"]}
            return queued_upload(request, kind=REPORT_BATCH, upload=upload, params=params)
        try:
            summary = batch.batch_import(
                actor=request.user,
                period=period,
                raw=upload.read(),
                submit=body.validated_data["submit"],
                source="api",
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except batch.BatchFileError as exc:
            return Response({"errors": [e.as_dict() for e in exc.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"period": period.code, **summary.as_dict()})
