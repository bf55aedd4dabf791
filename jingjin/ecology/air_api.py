"""REST API of the air data.

``GET /api/station-data`` — the daily results (日报), paginated: ``station=CODE`` (a station's) or
``city=1`` (the city's; default: both), ``date_from`` / ``date_to`` (``YYYY-MM-DD``). Each row has
the daily concentrations (µg/m³; CO mg/m³), AQI, level, category, primary pollutants, whether every
indicator was there, and the standard of the day (HJ633-2012 before 2026-03-01, HJ633-2026 from it).

``POST /api/station-data/import`` (multipart ``file``: the platform's CSV/XLSX export or the long
layout) → 202 with the ``air-import`` job (``/api/jobs/{id}`` follows it); the plan office and the
unit users of the stations' counties.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Pagination, clean_param
from jingjin.core.bounds import BoundError, parse_date
from jingjin.core.permissions import SignedInPermission, may_import_air_data
from jingjin.ecology.air_jobs import KIND
from jingjin.ecology.air_models import StationDay
from jingjin.jobs.services import job_submit


class StationDaySerializer(serializers.ModelSerializer):
    station = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="null: the city")
    city = serializers.SerializerMethodField(help_text="the city's result (the mean over its stations)")
    primary_pollutants = serializers.SerializerMethodField()

    class Meta:
        model = StationDay
        fields = [
            "station",
            "city",
            "date",
            "hours",
            "so2_24h",
            "no2_24h",
            "pm10_24h",
            "pm25_24h",
            "co_24h",
            "o3_1h",
            "o3_8h",
            "aqi",
            "level",
            "category",
            "primary_pollutants",
            "complete",
            "standard",
        ]

    def get_city(self, day: StationDay) -> bool:
        return day.station_id is None

    def get_primary_pollutants(self, day: StationDay) -> list[str]:
        return [p for p in day.primary_pollutants.split(";") if p]


class ImportPermission(SignedInPermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method == "POST":
            return may_import_air_data(request.user)
        return super().has_permission(request, view)


@extend_schema_view(
    list=extend_schema(
        summary="Daily air results of the stations and the city",
        parameters=[
            OpenApiParameter("station", str, description="a station's code"),
            OpenApiParameter("city", bool, description="1: the city's results only"),
            OpenApiParameter("date_from", str, description="YYYY-MM-DD"),
            OpenApiParameter("date_to", str, description="YYYY-MM-DD"),
        ],
    )
)
class StationDataViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = StationDaySerializer
    permission_classes = [ImportPermission]
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        query = StationDay.objects.select_related("station").order_by("station__code", "date", "id")
        station = clean_param(self.request, "station")
        if station:
            query = query.filter(station__code=station)
        if clean_param(self.request, "city") in {"1", "true", "yes"}:
            query = query.filter(station__isnull=True)
        for name, lookup in (("date_from", "date__gte"), ("date_to", "date__lte")):
            raw = clean_param(self.request, name)
            if raw:
                try:
                    query = query.filter(**{lookup: parse_date(raw)})
                except BoundError as exc:
                    raise exceptions.ValidationError({name: str(exc)}) from exc
        return query

    @extend_schema(summary="Import hourly station data (a job)", request=None, responses={202: dict})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_file(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": "upload the hourly data (.csv or .xlsx)"})
        name = upload.name or ""
        if not name.lower().endswith((".csv", ".xlsx")):
            raise exceptions.ValidationError({"file": "a .csv or .xlsx file"})
        try:
            job = job_submit(
                actor=request.user, kind=KIND, params={"source": "api"}, input_file=upload, source="api"
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        job.refresh_from_db()
        return Response(
            {
                "job": job.pk,
                "state": job.state,
                "error": job.error,
                "summary": job.summary,
                "url": f"/api/jobs/{job.pk}",
            },
            status=202,
        )


def register(router: Any) -> None:
    router.register("station-data", StationDataViewSet, basename="station-data")
