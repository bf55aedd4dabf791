"""REST API of monthly reporting: reports with their workflow actions, and reporting periods.

Reads go through the one rule (``restrict``); every write goes through
:mod:`jingjin.reporting.services`, so the API and the pages follow the same checks and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Conflict, Pagination, clean_param
from jingjin.core.permissions import (
    PermissionDenied,
    RestrictedPermission,
    can,
    can_fill_reports,
    can_review_reports,
    restrict,
)
from jingjin.plans.models import Task
from jingjin.reporting import selectors, services
from jingjin.reporting.choices import ReportStatus
from jingjin.reporting.models import COMMENT_MAX, REASON_MAX, Report, ReportingPeriod
from jingjin.reporting.services import WorkflowError


class PeriodSerializer(serializers.ModelSerializer):
    code = serializers.CharField(read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "code", "year", "month", "deadline"]


class IndicatorValueSerializer(serializers.Serializer):
    indicator = serializers.CharField(max_length=80, help_text="indicator code, e.g. A1.M1.T1.I1")
    value = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="original_name", read_only=True)
    kind = serializers.CharField(read_only=True)
    size = serializers.IntegerField(read_only=True)


class ContinuitySerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=0, max_value=1000)
    text = serializers.CharField(read_only=True)
    outcome = serializers.ChoiceField(choices=["", "done", "moved", "dropped"], allow_blank=True)
    reason = serializers.CharField(allow_blank=True, required=False, max_length=REASON_MAX)


class ReviewCommentSerializer(serializers.Serializer):
    verdict = serializers.CharField(read_only=True, help_text="returned or approved")
    text = serializers.CharField(read_only=True, help_text="the reviewer's comment")
    author = serializers.CharField(
        source="author.get_username", read_only=True, allow_null=True, default=None, help_text="user name"
    )
    created_at = serializers.DateTimeField(read_only=True, help_text="local time with its offset")


class ReportSerializer(serializers.ModelSerializer):
    period = serializers.RegexField(r"^\d{4}-\d{2}$", source="period.code", help_text="YYYY-MM")
    task = serializers.PrimaryKeyRelatedField(queryset=Task.objects.all())
    task_code = serializers.CharField(source="task.code", read_only=True)
    unit = serializers.CharField(source="task.lead_unit.code", read_only=True, allow_null=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    reviewed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    indicator_values = IndicatorValueSerializer(many=True, required=False)
    continuity = ContinuitySerializer(many=True, required=False, source="continuity_items")
    evidence = EvidenceSerializer(many=True, read_only=True)
    review_comments = ReviewCommentSerializer(
        many=True, read_only=True, help_text="every verdict with its comment, oldest first"
    )
    completion_pct = serializers.IntegerField(min_value=0, max_value=100, allow_null=True, required=False)

    class Meta:
        model = Report
        fields = [
            "id",
            "period",
            "task",
            "task_code",
            "unit",
            "status",
            "progress",
            "completion_pct",
            "milestone_reached",
            "next_plan",
            "problems",
            "support_needed",
            "regression_reason",
            "indicator_values",
            "continuity",
            "evidence",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
            "review_comment",
            "review_comments",
            "is_synthetic",
        ]
        read_only_fields = [
            "status",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "is_synthetic",
        ]

    def to_representation(self, instance: Report) -> dict[str, Any]:
        data = super().to_representation(instance)
        data["indicator_values"] = [
            {"indicator": v.indicator.code, "value": None if v.value is None else str(v.value)}
            for v in instance.indicator_values.all()
        ]
        return data


class ReportUpdateSerializer(ReportSerializer):
    """A change of a draft: the period and task stay."""

    period = serializers.CharField(source="period.code", read_only=True)
    task = serializers.PrimaryKeyRelatedField(read_only=True)


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=COMMENT_MAX, help_text="why the report is returned (required)")


class ApproveSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=COMMENT_MAX, required=False, allow_blank=True)


REPORT_FILTERS = [
    OpenApiParameter("period", str, description="month YYYY-MM"),
    OpenApiParameter("unit", str, description="lead unit code"),
    OpenApiParameter("status", str, enum=list(ReportStatus.values), description="report status"),
]


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except WorkflowError as exc:
        raise Conflict(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


class ReportPermission(RestrictedPermission):
    """Signed-in users with a role; creating, changing and submitting a report need a role that
    fills reports in, approving and returning one a role that reviews them (refused before the
    body is read); the workflow actions on a report need ``change`` on it — the services then
    check the rest."""

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
        action = "view" if request.method in ("GET", "HEAD", "OPTIONS") else "change"
        return can(request.user, action, obj)


@extend_schema_view(list=extend_schema(parameters=REPORT_FILTERS))
class ReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Monthly reports (月报告): the lead unit creates and changes drafts; submit, approve, return."""

    serializer_class = ReportSerializer
    pagination_class = Pagination
    queryset = Report.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]
    allow_post_for_units = True
    permission_classes = [ReportPermission]
    source = "api"

    def get_serializer_class(self) -> Any:
        if self.action == "partial_update":
            return ReportUpdateSerializer
        if self.action == "return_report":
            return ReturnSerializer
        if self.action == "approve":
            return ApproveSerializer
        return ReportSerializer

    def get_queryset(self) -> Any:
        period = None
        code = clean_param(self.request, "period")
        if code:
            try:
                year, month = services.period_parse(code)
            except DjangoValidationError as exc:
                raise exceptions.ValidationError({"period": exc.messages}) from exc
            period = ReportingPeriod.objects.filter(year=year, month=month).first()
            if period is None:
                return Report.objects.none()
        status = clean_param(self.request, "status")
        if status and status not in ReportStatus.values:
            raise exceptions.ValidationError({"status": f"one of {', '.join(ReportStatus.values)}"})
        return selectors.report_list(
            user=self.request.user, period=period, unit=clean_param(self.request, "unit"), status=status
        ).order_by("-period__year", "-period__month", "task__code", "pk")

    @staticmethod
    def _complete(items: list[dict[str, Any]], field: str, keys: tuple[str, ...]) -> None:
        """A PATCH validates its nested items partially: an item without one of ``keys`` is a 400
        naming the field and the key (not a KeyError, a 500)."""
        for index, item in enumerate(items):
            missing = [key for key in keys if key not in item]
            if missing:
                raise exceptions.ValidationError(
                    {field: {str(index): {key: [gettext("This field is required.")] for key in missing}}}
                )

    def _values(self, data: dict[str, Any]) -> dict[str, Any]:
        items = data.get("indicator_values", [])
        self._complete(items, "indicator_values", ("indicator", "value"))
        return {v["indicator"]: v["value"] for v in items}

    def _ticks(self, data: dict[str, Any]) -> list[services.ContinuityTick] | None:
        if "continuity_items" not in data:
            return None
        self._complete(data["continuity_items"], "continuity", ("position", "outcome"))
        return [
            services.ContinuityTick(position=c["position"], outcome=c["outcome"], reason=c.get("reason", ""))
            for c in data["continuity_items"]
        ]

    def _fields(self, data: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in data.items() if k in services.REPORT_FIELDS}

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        year, month = _call(services.period_parse, code=data["period"]["code"])
        task = data["task"]
        if not restrict(self.request.user, "view", Task.objects.filter(pk=task.pk)).exists():
            raise exceptions.NotFound("task")
        with transaction.atomic():
            period = _call(services.period_get_or_create, year=year, month=month)
            # checked in the transaction: a report created by another request a moment ago is a
            # conflict, not a draft to change (PostgreSQL: the unique index refuses the second)
            if Report.objects.filter(task=task, period=period).exists():
                raise Conflict("A report of this task for this month exists already; change it with PATCH.")
            serializer.instance = _call(
                services.report_save_draft,
                actor=self.request.user,
                task=task,
                period=period,
                data=self._fields(data),
                indicator_values=self._values(data),
                continuity=self._ticks(data),
                source=self.source,
            )

    def perform_update(self, serializer: Any) -> None:
        report = serializer.instance
        data = serializer.validated_data
        serializer.instance = _call(
            services.report_save_draft,
            actor=self.request.user,
            task=report.task,
            period=report.period,
            data=self._fields(data),
            indicator_values=self._values(data),
            continuity=self._ticks(data),
            source=self.source,
        )

    def _done(self, report: Report) -> Response:
        fresh = selectors.report_list(user=self.request.user).get(pk=report.pk)
        return Response(ReportSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(
        request=None, responses={200: ReportSerializer}, summary="Submit a draft or returned report"
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        return self._done(
            _call(services.report_submit, actor=request.user, report=report, source=self.source)
        )

    @extend_schema(
        request=ApproveSerializer, responses={200: ReportSerializer}, summary="Approve a submitted report"
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        body = ApproveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = body.validated_data.get("comment", "")
        return self._done(
            _call(
                services.report_approve,
                actor=request.user,
                report=report,
                comment=comment,
                source=self.source,
            )
        )

    @extend_schema(
        request=ReturnSerializer,
        responses={200: ReportSerializer},
        summary="Return a submitted report with a comment",
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request: Request, pk: str | None = None) -> Response:
        report = self.get_object()
        body = ReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._done(
            _call(
                services.report_return,
                actor=request.user,
                report=report,
                comment=body.validated_data["comment"],
                source=self.source,
            )
        )


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting periods (报送期): months with their deadlines."""

    serializer_class = PeriodSerializer
    pagination_class = Pagination
    queryset = ReportingPeriod.objects.all()

    def get_queryset(self) -> Any:
        return restrict(self.request.user, "view", ReportingPeriod.objects.all())


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    from jingjin.reporting.batch_api import ReportToolsViewSet

    # before the reports themselves: /reports/batch is not the report with the id "batch"
    router.register("reports", ReportToolsViewSet, basename="report-tools")
    router.register("reports", ReportViewSet, basename="report")
    router.register("periods", PeriodViewSet, basename="period")
