"""REST API of the project library: ``/api/projects``.

List (filters ``level``, ``category``, ``state``, ``county``, ``park``, ``owner_unit``, ``line``,
``task``, ``search``; ``month=YYYY-MM`` for the progress figures, by default the month being
reported on), detail with the yearly plans, milestones and progress, create and delete (the plan
office), change (the plan office every field; a unit user the fields a unit may change on its own
projects, and the state forward only) — with the same permissions as tasks. ``POST
/api/projects/import`` takes the commission's workbook (all or nothing; a 400 lists every error
with its row and column).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import CodeRelatedField, RestrictedViewSet, UnitCodeField, clean_param
from jingjin.core.bounds import BoundedModelSerializer
from jingjin.core.limits import in_background
from jingjin.core.permissions import PermissionDenied
from jingjin.jobs.api import queued_upload
from jingjin.plans.models import Task
from jingjin.projects import imports, selectors, services
from jingjin.projects.choices import MilestoneKind, ProjectCategory, ProjectLevel, ProjectState
from jingjin.projects.job_kinds import KIND as PROJECT_IMPORT
from jingjin.projects.models import KeyProject, NetworkLine, ProjectMilestone, ProjectYearPlan
from jingjin.projects.progress import ProgressTable, progress_table

FILTERS = [
    OpenApiParameter("level", str, enum=ProjectLevel.values, description="省重点 / 市重点 / 县重点"),
    OpenApiParameter("category", str, enum=ProjectCategory.values),
    OpenApiParameter("state", str, enum=ProjectState.values),
    OpenApiParameter("county", str, description="county unit code"),
    OpenApiParameter("park", str, description="park unit code"),
    OpenApiParameter("owner_unit", str, description="owning unit code (with the units below it)"),
    OpenApiParameter("line", str, description="network line code"),
    OpenApiParameter("task", str, description="plan task code"),
    OpenApiParameter("search", str, description="text in the code or the names"),
    OpenApiParameter("month", str, pattern=r"^\d{4}-\d{2}$", description="as-of month YYYY-MM"),
]


class YearPlanSerializer(BoundedModelSerializer):
    class Meta:
        model = ProjectYearPlan
        fields = ["year", "planned_investment"]
        extra_kwargs = {"planned_investment": {"allow_null": True}}


class ProjectMilestoneSerializer(BoundedModelSerializer):
    kind = serializers.ChoiceField(choices=MilestoneKind.choices)

    class Meta:
        model = ProjectMilestone
        fields = ["kind", "planned", "actual"]
        read_only_fields = ["actual"]


class ProgressSerializer(serializers.Serializer):
    """The investment progress as of ``month`` (万元 and %; null where there is no plan)."""

    month = serializers.CharField()
    planned = serializers.FloatField(allow_null=True)
    ytd = serializers.FloatField()
    completion_pct = serializers.FloatField(allow_null=True)
    elapsed_pct = serializers.FloatField()
    gap = serializers.FloatField(allow_null=True)
    projected_pct = serializers.FloatField(allow_null=True)
    delay_days = serializers.IntegerField()
    lag = serializers.ChoiceField(choices=["ahead", "on_track", "behind", "far_behind"], allow_null=True)


class ProjectSerializer(BoundedModelSerializer):
    owner_unit = UnitCodeField()
    county = UnitCodeField(required=False, allow_null=True)
    park = UnitCodeField(required=False, allow_null=True)
    line = CodeRelatedField(
        slug_field="code", queryset=NetworkLine.objects.all(), required=False, allow_null=True
    )
    tasks = serializers.PrimaryKeyRelatedField(
        queryset=Task.objects.all(), many=True, required=False, help_text="plan task ids"
    )
    year_plans = YearPlanSerializer(
        many=True, required=False, help_text="null planned_investment removes a year"
    )
    milestones = ProjectMilestoneSerializer(
        many=True, required=False, help_text="planned dates; actual come from reports"
    )
    progress = serializers.SerializerMethodField()
    five_ones_complete = serializers.SerializerMethodField()

    class Meta:
        model = KeyProject
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "level",
            "category",
            "line",
            "owner_unit",
            "county",
            "park",
            "industry",
            "total_investment",
            "start",
            "end",
            "leader",
            "team",
            "plan_document",
            "timeline",
            "support_measures",
            "five_ones_complete",
            "state",
            "description",
            "tasks",
            "year_plans",
            "milestones",
            "progress",
            "is_synthetic",
        ]
        read_only_fields = ["is_synthetic"]

    def get_five_ones_complete(self, project: KeyProject) -> bool:
        return all(v.strip() for v in project.five_ones.values())

    @extend_schema_field(ProgressSerializer(allow_null=True))
    def get_progress(self, project: KeyProject) -> dict[str, Any] | None:
        table: ProgressTable | None = self.context.get("progress")
        if table is None:
            return None
        row = table.row(project.pk)
        return {"month": f"{table.year:04d}-{table.month:02d}", **row} if row else None

    def validate_year_plans(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if any("year" not in item for item in value):
            raise serializers.ValidationError("each yearly plan needs its year")
        if len({item["year"] for item in value}) != len(value):
            raise serializers.ValidationError("a year appears twice")
        return value

    def validate_milestones(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if any("kind" not in item for item in value):
            raise serializers.ValidationError("each milestone needs its kind")
        return value

    def validate_code(self, value: str) -> str:
        if self.instance is not None and value != self.instance.code:
            raise serializers.ValidationError("the code of a project cannot be changed")
        return value


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        ) from exc


def _same(project: KeyProject, name: str, value: Any) -> bool:
    if name == "tasks":
        return {t.pk for t in project.tasks.all()} == {t.pk for t in value}
    return bool(getattr(project, name) == value)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="the commission's workbook (.xlsx), one row per project")


@extend_schema_view(
    list=extend_schema(parameters=FILTERS),
    retrieve=extend_schema(parameters=[FILTERS[-1]]),
    destroy=extend_schema(responses={204: None, 400: OpenApiResponse(description="the project has reports")}),
)
class ProjectViewSet(RestrictedViewSet):
    """Key projects (重点项目) with the five ones (五个一), yearly plans, milestones and progress."""

    queryset = KeyProject.objects.all()
    serializer_class = ProjectSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _month(self) -> tuple[int, int]:
        try:
            return selectors.as_of_month(clean_param(self.request, "month"))
        except selectors.FilterError as exc:
            raise exceptions.ValidationError({exc.field: [str(exc)]}) from exc

    def get_queryset(self) -> Any:
        if self.action == "list":
            filters = {name: clean_param(self.request, name) for name in selectors.FILTERS}
            try:
                projects = selectors.project_list(user=self.request.user, filters=filters)
            except selectors.FilterError as exc:
                if exc.field in ("county", "park", "owner_unit"):
                    return KeyProject.objects.none()
                raise exceptions.ValidationError({exc.field: [str(exc)]}) from exc
        else:
            projects = super().get_queryset()
        return (
            projects.select_related("owner_unit", "county", "park", "line")
            .prefetch_related("tasks", "year_plans", "milestones")
            .order_by("code")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year, month = self._month()
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page or [])
        table = progress_table(KeyProject.objects.filter(pk__in=[p.pk for p in rows]), year, month)
        data = ProjectSerializer(
            rows, many=True, context={**self.get_serializer_context(), "progress": table}
        ).data
        return self.get_paginated_response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        year, month = self._month()
        project = self.get_object()
        table = progress_table(KeyProject.objects.filter(pk=project.pk), year, month)
        return Response(self._data(project, table))

    def _data(self, project: KeyProject, table: ProgressTable | None = None) -> Any:
        fresh = self.get_queryset().get(pk=project.pk)
        if table is None:
            year, month = self._month()
            table = progress_table(KeyProject.objects.filter(pk=project.pk), year, month)
        return ProjectSerializer(fresh, context={**self.get_serializer_context(), "progress": table}).data

    @staticmethod
    def _plans(data: dict[str, Any]) -> dict[int, Any] | None:
        plans = data.pop("year_plans", None)
        return None if plans is None else {p["year"]: p.get("planned_investment") for p in plans}

    @staticmethod
    def _milestones(data: dict[str, Any]) -> dict[str, Any] | None:
        given = data.pop("milestones", None)
        return None if given is None else {m["kind"]: m.get("planned") for m in given}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plans, milestones = self._plans(data), self._milestones(data)
        project = _call(
            services.project_create,
            actor=request.user,
            data=data,
            year_plans=plans,
            milestones=milestones,
            source=self.source,
        )
        return Response(self._data(project), status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        project = self.get_object()
        serializer = self.get_serializer(project, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        plans, milestones = self._plans(data), self._milestones(data)
        state = data.pop("state", None)
        changed = {k: v for k, v in data.items() if not _same(project, k, v)}
        with transaction.atomic():
            if changed:
                project = _call(
                    services.project_update,
                    actor=request.user,
                    project=project,
                    data=changed,
                    source=self.source,
                )
            if plans:
                _call(
                    services.project_set_year_plans,
                    actor=request.user,
                    project=project,
                    plans=plans,
                    source=self.source,
                )
            if milestones:
                _call(
                    services.project_set_milestones,
                    actor=request.user,
                    project=project,
                    planned=milestones,
                    source=self.source,
                )
            if state is not None:
                _call(
                    services.project_move_state,
                    actor=request.user,
                    project=project,
                    state=state,
                    source=self.source,
                )
        return Response(self._data(project))

    def perform_destroy(self, instance: Any) -> None:
        _call(services.project_delete, actor=self.request.user, project=instance, source=self.source)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={
            200: OpenApiResponse(description="counts: created, updated"),
            202: OpenApiResponse(
                description="a large file, queued as a job (project-import): /api/jobs/{id}"
            ),
            400: OpenApiResponse(description="errors, each with its row, column, header and message"),
        },
        summary="Import the commission's key-project workbook (plan office; all or nothing)",
    )
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_file(self, request: Request) -> Response:
        body = ImportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if in_background(upload.size):
            return queued_upload(request, kind=PROJECT_IMPORT, upload=upload)
        try:
            result = imports.project_import(actor=request.user, raw=upload.read(), source="api")
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except imports.ImportFileError as exc:
            return Response({"errors": [e.as_dict() for e in exc.errors]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(result.as_dict())


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("projects", ProjectViewSet, basename="project")
