"""REST API of the configurable schemes, races and village-cadre pay.

``/api/assessment-schemes``: every version the user may see (drafts: the plan office); the plan
office creates (POST), changes (PATCH: a draft in place, a published version by a new draft
version), previews and publishes. ``/api/races`` with their rounds, ``/api/cadre-pay`` with the
pay table. ``POST /api/recorded-figures/import`` (the plan office): a workbook of recorded
figures, all rows or none (400 with every problem's row and column). Writes go through
:mod:`jingjin.assessment.scheme_services`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.assessment import figure_imports
from jingjin.assessment import scheme_services as services
from jingjin.assessment.job_kinds import KIND as FIGURES_IMPORT
from jingjin.assessment.scheme_models import (
    AssessmentScheme,
    CadrePayScheme,
    PeerSet,
    Race,
    RaceRound,
    RecordedFigure,
    SchemeAdjustment,
    SchemeCriterion,
    SchemeStatus,
)
from jingjin.assessment.scheme_selectors import visible_schemes
from jingjin.core.api import CodeRelatedField, Pagination
from jingjin.core.limits import ImportFileError, in_background
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_manage_assessment_schemes,
    may_see_assessment_scheme,
)
from jingjin.jobs.api import queued_upload
from jingjin.reporting.services import period_get_or_create, period_parse


class SchemeCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeCriterion
        fields = ["source", "source_key", "weight", "direction", "normalisation", "target", "minimum"]


class SchemeAdjustmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = SchemeAdjustment
        fields = ["kind", "source", "source_key", "label", "points", "cap"]


class AssessmentSchemeSerializer(serializers.ModelSerializer):
    peer_set = CodeRelatedField(slug_field="code", queryset=PeerSet.objects.all(), help_text="peer set code")
    criteria = SchemeCriterionSerializer(many=True)
    adjustments = SchemeAdjustmentSerializer(many=True, required=False)

    class Meta:
        model = AssessmentScheme
        fields = [
            "id",
            "code",
            "version",
            "status",
            "name_zh",
            "name_en",
            "description",
            "peer_set",
            "red_top_n",
            "black_bottom_m",
            "target_score",
            "bonus_cap",
            "deduction_cap",
            "min_tasks",
            "gate_counts",
            "published_at",
            "is_synthetic",
            "criteria",
            "adjustments",
        ]
        read_only_fields = ["id", "version", "status", "published_at", "is_synthetic"]


class SchemePeriodSerializer(serializers.Serializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", max_length=7, help_text="month YYYY-MM")


class SchemeRunSerializer(serializers.Serializer):
    scheme = serializers.CharField()
    version = serializers.IntegerField()
    period = serializers.CharField()
    kind = serializers.CharField()
    rows = serializers.JSONField(
        help_text="one row per unit: figures, scores, points, total, rank, verdict, reasons"
    )


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


def _settings(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in AssessmentScheme.office_editable_fields}


class AssessmentSchemePermission(SignedInPermission):
    """Read: the versions :func:`visible_schemes` gives; a step: the plan office."""

    def may_read(self, user: Any, obj: Any) -> bool:
        return may_see_assessment_scheme(user, obj)

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_manage_assessment_schemes(user)


class AssessmentSchemeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Assessment schemes (考核方案), every version; the plan office creates, changes, previews, publishes."""

    serializer_class = AssessmentSchemeSerializer
    pagination_class = Pagination
    permission_classes = [AssessmentSchemePermission]
    queryset = AssessmentScheme.objects.none()
    source = "api"

    def get_queryset(self) -> Any:
        return (
            visible_schemes(user=self.request.user)
            .select_related("peer_set")
            .prefetch_related("criteria", "adjustments")
        )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_manage_assessment_schemes(request.user):
            raise exceptions.PermissionDenied("Only the plan office defines assessment schemes.")
        body = AssessmentSchemeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        scheme = _call(
            services.scheme_create,
            actor=request.user,
            code=data["code"],
            name_zh=data["name_zh"],
            name_en=data["name_en"],
            peer_set=data["peer_set"],
            criteria=data["criteria"],
            adjustments=data.get("adjustments", []),
            settings={
                k: v for k, v in _settings(data).items() if k not in ("name_zh", "name_en", "peer_set")
            },
            source=self.source,
        )
        return Response(AssessmentSchemeSerializer(scheme).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=AssessmentSchemeSerializer,
        responses={200: AssessmentSchemeSerializer},
        summary="Change a draft; a published version gives a new draft version with the changes",
    )
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        scheme = self.get_object()
        body = AssessmentSchemeSerializer(scheme, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if scheme.status != SchemeStatus.DRAFT:
            scheme = _call(services.scheme_revise, actor=request.user, scheme=scheme, source=self.source)
        scheme = _call(
            services.scheme_update,
            actor=request.user,
            scheme=scheme,
            changes=_settings(data),
            criteria=data.get("criteria"),
            adjustments=data.get("adjustments"),
            source=self.source,
        )
        return Response(AssessmentSchemeSerializer(scheme).data)

    def _run(self, request: Request, function: Any) -> Response:
        scheme = self.get_object()
        body = SchemePeriodSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        year, month = _call(period_parse, code=body.validated_data["period"])
        period = _call(period_get_or_create, year=year, month=month)
        run = _call(function, actor=request.user, scheme=scheme, period=period)
        data = {
            "scheme": scheme.code,
            "version": scheme.version,
            "period": period.code,
            "kind": run.kind,
            "rows": run.rows,
        }
        return Response(SchemeRunSerializer(data).data)

    @extend_schema(
        request=SchemePeriodSerializer,
        responses={200: SchemeRunSerializer},
        summary="Preview a draft on a month",
    )
    @action(detail=True, methods=["post"])
    def preview(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, services.scheme_preview)

    @extend_schema(
        request=SchemePeriodSerializer,
        responses={200: SchemeRunSerializer},
        summary="Publish a previewed draft",
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._run(request, services.scheme_publish)


class RaceRoundSerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code", read_only=True)
    rows = serializers.JSONField(read_only=True, help_text="the leaderboard: unit, total, rank, verdict")

    class Meta:
        model = RaceRound
        fields = ["number", "period", "rows", "computed_at"]


class RaceSerializer(serializers.ModelSerializer):
    scheme = serializers.SerializerMethodField()
    start = serializers.CharField(source="start.code", read_only=True)
    end = serializers.CharField(source="end.code", read_only=True)
    rounds = RaceRoundSerializer(many=True, read_only=True)

    class Meta:
        model = Race
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "scheme",
            "cadence",
            "start",
            "end",
            "is_synthetic",
            "rounds",
        ]

    def get_scheme(self, race: Race) -> str:
        return f"{race.scheme.code}@{race.scheme.version}"


class RaceViewSet(viewsets.ReadOnlyModelViewSet):
    """赛马 races: a published scheme run over rounds, each with its leaderboard."""

    serializer_class = RaceSerializer
    pagination_class = Pagination
    permission_classes = [SignedInPermission]
    queryset = Race.objects.none()

    def get_queryset(self) -> Any:
        return (
            Race.objects.select_related("scheme", "start", "end")
            .prefetch_related("rounds__period")
            .order_by("code")
        )


class CadrePaySerializer(serializers.ModelSerializer):
    period = serializers.CharField(source="period.code", read_only=True)
    bands = serializers.SerializerMethodField()
    rows = serializers.SerializerMethodField()

    class Meta:
        model = CadrePayScheme
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "scheme_code",
            "period",
            "base_pay",
            "is_synthetic",
            "bands",
            "rows",
        ]

    def get_bands(self, pay: CadrePayScheme) -> list[dict[str, Any]]:
        return [b.as_dict() for b in pay.bands.all()]

    def get_rows(self, pay: CadrePayScheme) -> list[dict[str, Any]]:
        table = getattr(pay, "table", None)
        return list(table.rows) if table is not None else []


class CadrePayViewSet(viewsets.ReadOnlyModelViewSet):
    """Village-cadre pay (村干部报酬): bands of scores and the computed pay table per village."""

    serializer_class = CadrePaySerializer
    pagination_class = Pagination
    permission_classes = [SignedInPermission]
    queryset = CadrePayScheme.objects.none()

    def get_queryset(self) -> Any:
        return (
            CadrePayScheme.objects.select_related("period", "table")
            .prefetch_related("bands")
            .order_by("code")
        )


class FigureImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="a workbook (.xlsx), first row the headers: key, unit code, period (YYYY-MM), value"
    )


class FigureImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class RecordedFigureViewSet(viewsets.GenericViewSet):
    """Recorded figures (记录的数值) of the schemes: the import of a workbook (the plan office)."""

    serializer_class = FigureImportSerializer
    permission_classes = [SignedInPermission]
    parser_classes = [MultiPartParser, FormParser]
    queryset = RecordedFigure.objects.none()

    @extend_schema(
        summary="Import recorded figures from a workbook (all rows or none)",
        request={"multipart/form-data": FigureImportSerializer},
        responses={
            200: FigureImportResultSerializer,
            202: OpenApiResponse(
                description="a large file, queued as a job (recorded-figures-import): /api/jobs/{id}"
            ),
            400: dict,
        },
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_file(self, request: Request) -> Response:
        if not may_manage_assessment_schemes(request.user):
            raise exceptions.PermissionDenied("Only the plan office records figures.")
        body = FigureImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if in_background(upload.size):  # a large file: a job, not while the request waits
            return queued_upload(request, kind=FIGURES_IMPORT, upload=upload)
        try:
            counts = figure_imports.figures_import(actor=request.user, raw=upload.read(), source="api")
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ImportFileError as exc:
            return Response(
                {"errors": [p.as_dict() for p in exc.problems]}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response(counts)


def register(router: Any) -> None:
    router.register("assessment-schemes", AssessmentSchemeViewSet, basename="assessment-scheme")
    router.register("races", RaceViewSet, basename="race")
    router.register("cadre-pay", CadrePayViewSet, basename="cadre-pay")
    router.register("recorded-figures", RecordedFigureViewSet, basename="recorded-figure")
