"""REST API of the water data: ``GET /api/section-samples`` (filters ``section`` = code, ``year``,
``month``; paginated) and ``POST /api/section-samples/import`` (multipart ``file``: CSV or Excel,
the platform's or the long layout) → 201 with the batch (added, changed, unchanged, duplicates,
gaps) or 400 with every problem naming its row and column; a large file → 202 with the job."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Pagination, clean_param
from jingjin.core.bounds import year_problem
from jingjin.core.limits import LimitError, in_background
from jingjin.core.permissions import PermissionDenied, has_role, may_import_water_samples
from jingjin.ecology import water_selectors
from jingjin.ecology.water_jobs import KIND as SAMPLES_IMPORT
from jingjin.ecology.water_models import SAMPLE_PARAMETERS, SectionSample
from jingjin.ecology.water_services import ImportRefused, samples_import
from jingjin.jobs.services import job_submit


class SamplePermission(BasePermission):
    """Everyone with a role reads; the import is for :func:`may_import_water_samples`."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not has_role(request.user):
            return False
        if getattr(view, "action", None) == "samples_import":
            return may_import_water_samples(request.user)
        return True


class SectionSampleSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    section = serializers.CharField(source="section.code", read_only=True)

    class Meta:
        model = SectionSample
        fields = ["id", "section", "year", "month", *SAMPLE_PARAMETERS, "batch", "is_synthetic"]


def _int(request: Request, name: str, low: int, high: int) -> int | None:
    text = clean_param(request, name)
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise exceptions.ValidationError({name: f"must be a whole number from {low} to {high}"})
    return int(text)


@extend_schema_view(
    list=extend_schema(
        summary="断面月监测数据 Monthly section samples",
        parameters=[
            OpenApiParameter("section", str, description="section code"),
            OpenApiParameter("year", int),
            OpenApiParameter("month", int, description="1–12"),
        ],
    )
)
class SectionSampleViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Monthly samples of the water sections (GB 3838 routine items and TN, mg/L)."""

    queryset = SectionSample.objects.none()
    serializer_class = SectionSampleSerializer
    permission_classes = [SamplePermission]
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        year = _int(self.request, "year", 1900, 2200)
        if year is not None and year_problem(year) is not None:
            raise exceptions.ValidationError({"year": "out of range"})
        return water_selectors.samples(
            section=clean_param(self.request, "section")[:32],
            year=year,
            month=_int(self.request, "month", 1, 12),
        )

    @extend_schema(summary="Import monthly samples (CSV or Excel)", request=None, responses={201: None})
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        url_name="import",
        parser_classes=[MultiPartParser, FormParser],
    )
    def samples_import(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": "choose a CSV or Excel file"})
        if in_background(upload.size):
            try:
                job = job_submit(
                    actor=request.user, kind=SAMPLES_IMPORT, params={"source": "api"}, input_file=upload
                )
            except DjangoValidationError as exc:
                raise exceptions.ValidationError({"file": exc.messages}) from exc
            return Response({"job": job.pk, "state": job.state}, status=202)
        try:
            batch = samples_import(
                actor=request.user, raw=upload.read(), name=upload.name or "", source="api"
            )
        except ImportRefused as exc:
            raise exceptions.ValidationError({"file": exc.lines()}) from exc
        except LimitError as exc:
            raise exceptions.ValidationError({"file": [str(exc)]}) from exc
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied() from exc
        body = {
            "batch": batch.pk,
            "layout": batch.layout,
            "rows": batch.rows,
            "added": batch.added,
            "changed": batch.changed,
            "unchanged": batch.unchanged,
            **batch.report,
        }
        return Response(body, status=201)


def register(router: Any) -> None:
    """Add the water data's viewsets to the project's API router."""
    router.register("section-samples", SectionSampleViewSet, basename="section-sample")
