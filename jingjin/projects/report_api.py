"""REST API of the monthly project reports: ``/api/project-reports`` with submit, approve and return,
as ``/api/reports`` does for the tasks' reports.

Reads: every signed-in user with a role (the one rule's ``view``), filtered by project, period,
status and owning unit. Writes go through :mod:`jingjin.projects.report_services`, so the API and
the pages follow the same checks and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Conflict, Pagination, clean_param
from jingjin.core.bounds import BoundedModelSerializer
from jingjin.core.permissions import (
    RestrictedPermission,
    can,
    can_fill_reports,
    can_review_reports,
    may_fill_project_report,
    may_review_project_report,
    restrict,
)
from jingjin.projects import report_selectors as selectors
from jingjin.projects import report_services as services
from jingjin.projects.choices import MilestoneKind
from jingjin.projects.models import KeyProject, ProjectReport
from jingjin.reporting.api import ApproveSerializer, ReturnSerializer, _call
from jingjin.reporting.choices import ReportStatus
from jingjin.reporting.models import ReportingPeriod


class MilestoneReachedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MilestoneKind.choices)
    actual = serializers.DateField(help_text="the day it was reached (YYYY-MM-DD)")


class ProjectReportSerializer(BoundedModelSerializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", source="period.code", help_text="YYYY-MM")
    project = serializers.SlugRelatedField(
        slug_field="code", queryset=KeyProject.objects.all(), help_text="project code"
    )
    project_name = serializers.CharField(source="project.name", read_only=True)
    unit = serializers.CharField(
        source="project.owner_unit.code", read_only=True, help_text="owning unit code"
    )
    milestones_reached = MilestoneReachedSerializer(many=True, required=False)
    supervision_item = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="the supervision item made from the support request"
    )
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProjectReport
        fields = [
            "id",
            "period",
            "project",
            "project_name",
            "unit",
            "status",
            "investment_month",
            "investment_ytd",
            "ytd_reason",
            "image_progress",
            "problems",
            "support_needed",
            "milestones_reached",
            "supervision_item",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
            "is_synthetic",
        ]
        read_only_fields = ["status", "submitted_at", "reviewed_at", "review_comment", "is_synthetic"]


class ProjectReportUpdateSerializer(ProjectReportSerializer):
    """A change of a draft or returned report: the period and project stay."""

    period = serializers.CharField(source="period.code", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)


FILTERS = [
    OpenApiParameter("project", str, description="project code"),
    OpenApiParameter("period", str, description="month YYYY-MM"),
    OpenApiParameter("status", str, enum=list(ReportStatus.values), description="report status"),
    OpenApiParameter("unit", str, description="owning unit code"),
]


class ProjectReportPermission(RestrictedPermission):
    """Signed-in users with a role. Creating, changing and submitting need a role that fills reports
    in, approving and returning one that reviews them (refused before the body is read); on one
    report, filling needs :func:`~jingjin.core.permissions.may_fill_project_report` and reviewing
    :func:`~jingjin.core.permissions.may_review_project_report`; the services check the rest."""

    ROLE_OF_ACTION: dict[str, Callable[[Any], bool]] = {
        "create": can_fill_reports,
        "partial_update": can_fill_reports,
        "submit": can_fill_reports,
        "approve": can_review_reports,
        "return_report": can_review_reports,
    }

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        rule = self.ROLE_OF_ACTION.get(getattr(view, "action", None) or "")
        return rule is None or rule(request.user)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return can(request.user, "view", obj)
        if getattr(view, "action", "") in ("approve", "return_report"):
            return may_review_project_report(request.user, obj)
        return may_fill_project_report(request.user, obj.project)


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class ProjectReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Monthly project reports (项目月报): the project's units create and change drafts; submit,
    approve, return."""

    serializer_class = ProjectReportSerializer
    pagination_class = Pagination
    queryset = ProjectReport.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]
    allow_post_for_units = True
    permission_classes = [ProjectReportPermission]
    source = "api"

    def get_serializer_class(self) -> Any:
        return {
            "partial_update": ProjectReportUpdateSerializer,
            "return_report": ReturnSerializer,
            "approve": ApproveSerializer,
        }.get(self.action or "", ProjectReportSerializer)

    def get_queryset(self) -> Any:
        period = None
        code = clean_param(self.request, "period")
        if code:
            year, month = _period(code)
            period = ReportingPeriod.objects.filter(year=year, month=month).first()
            if period is None:
                return ProjectReport.objects.none()
        status = clean_param(self.request, "status")
        if status and status not in ReportStatus.values:
            raise exceptions.ValidationError({"status": f"one of {', '.join(ReportStatus.values)}"})
        return selectors.report_list(
            user=self.request.user,
            project=clean_param(self.request, "project"),
            period=period,
            status=status,
            unit=clean_param(self.request, "unit"),
        ).order_by("-period__year", "-period__month", "project__code", "pk")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        year, month = _period(data["period"]["code"])
        project = data["project"]
        if not restrict(self.request.user, "view", KeyProject.objects.filter(pk=project.pk)).exists():
            raise exceptions.NotFound("project")
        with transaction.atomic():
            period = _call(services.period_get_or_create, year=year, month=month)
            if ProjectReport.objects.filter(project=project, period=period).exists():
                raise Conflict(
                    "A report of this project for this month exists already; change it with PATCH."
                )
            serializer.instance = self._save(project, period, data)

    def perform_update(self, serializer: Any) -> None:
        report = serializer.instance
        serializer.instance = self._save(report.project, report.period, serializer.validated_data)

    def _save(self, project: KeyProject, period: ReportingPeriod, data: dict[str, Any]) -> ProjectReport:
        fields = {k: v for k, v in data.items() if k in services.FILL_FIELDS}
        milestones = None
        if "milestones_reached" in data:
            milestones = {
                m["kind"]: m["actual"] for m in data["milestones_reached"] if "kind" in m and "actual" in m
            }
        return _call(
            services.project_report_save_draft,
            actor=self.request.user,
            project=project,
            period=period,
            data=fields,
            milestones=milestones,
            source=self.source,
        )

    def _done(self, report: ProjectReport) -> Response:
        fresh = selectors.report_list(user=self.request.user).get(pk=report.pk)
        return Response(ProjectReportSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None, responses={200: ProjectReportSerializer}, summary="Submit a draft or returned report"
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        return self._done(
            _call(services.project_report_submit, actor=request.user, report=report, source=self.source)
        )

    @extend_schema(
        request=ApproveSerializer,
        responses={200: ProjectReportSerializer},
        summary="Approve a submitted report",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        return self._review(request, services.project_report_approve, ApproveSerializer)

    @extend_schema(
        request=ReturnSerializer,
        responses={200: ProjectReportSerializer},
        summary="Return a submitted report with a comment",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request: Request, pk: str | None = None) -> Response:
        return self._review(request, services.project_report_return, ReturnSerializer)

    def _review(self, request: Request, function: Callable[..., ProjectReport], body_class: Any) -> Response:
        report = self.get_object()
        body = body_class(data=request.data)
        body.is_valid(raise_exception=True)
        comment = body.validated_data.get("comment", "")
        return self._done(
            _call(function, actor=request.user, report=report, comment=comment, source=self.source)
        )


def _period(code: str) -> tuple[int, int]:
    try:
        return services.period_parse(code)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"period": exc.messages}) from exc


def register(router: Any) -> None:
    """Add this module's viewset to the project's API router."""
    router.register("project-reports", ProjectReportViewSet, basename="project-report")
