"""REST API of the plan registry: plans, actions, measures, tasks and indicators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import RestrictedViewSet, UnitCodeField, clean_param
from jingjin.core.permissions import PermissionDenied
from jingjin.plans.models import Action, Indicator, IndicatorTarget, Measure, Mechanism, Milestone, Plan, Task

NODE_FIELDS = [
    "id",
    "code",
    "name_zh",
    "name_en",
    "description_zh",
    "description_en",
    "lead_unit",
    "co_units",
    "weight",
    "start",
    "end",
]
PLAN_FILTER = OpenApiParameter("plan", str, description="plan code")
CODE_FILTER = OpenApiParameter("code", str, description="exact code, e.g. A3.M4.T2")
UNIT_FILTER = OpenApiParameter("lead_unit", str, description="lead unit code")


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "city",
            "start_year",
            "end_year",
            "source",
            "description_zh",
            "description_en",
        ]


class ActionSerializer(serializers.ModelSerializer):
    lead_unit = UnitCodeField(required=False, allow_null=True)
    co_units = UnitCodeField(many=True, required=False)

    class Meta:
        model = Action
        fields = ["plan", *NODE_FIELDS]


class MeasureSerializer(ActionSerializer):
    class Meta:
        model = Measure
        fields = ["action", *NODE_FIELDS]


class TaskSerializer(ActionSerializer):
    counties = UnitCodeField(many=True, required=False)
    mechanisms = serializers.SlugRelatedField(
        slug_field="code", many=True, required=False, queryset=Mechanism.objects.all()
    )
    indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    struck_off_from = serializers.SerializerMethodField(
        help_text="struck off (销号) from this month, YYYY-MM; null when not struck off"
    )

    class Meta:
        model = Task
        fields = ["measure", *NODE_FIELDS, "counties", "mechanisms", "indicators", "struck_off_from"]

    def get_struck_off_from(self, task: Task) -> str | None:
        from jingjin.reporting.selectors import month_code

        index = getattr(task, "struck_off_index", None)
        if index is None and not hasattr(task, "struck_off_index"):
            index = _struck_off_index(Task.objects.filter(pk=task.pk)).values_list(
                "struck_off_index", flat=True
            )[0]
        return None if index is None else month_code(index)


def _struck_off_index(tasks: Any) -> Any:
    """``tasks`` annotated with ``struck_off_index``: the first month (month index) of the task's
    strike-off that is not reopened, or None."""
    from jingjin.reporting.models import StrikeOff

    current = StrikeOff.objects.filter(task=OuterRef("pk"), reopened_from_index__isnull=True).order_by(
        "-from_index"
    )
    return tasks.annotate(struck_off_index=Subquery(current.values("from_index")[:1]))


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000, allow_blank=True, help_text="why the struck-off task is reopened (required)"
    )


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "value"]


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["date", "name_zh", "name_en"]


class IndicatorSerializer(serializers.ModelSerializer):
    responsible_unit = UnitCodeField(required=False, allow_null=True)
    targets = TargetSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "task",
            "code",
            "name_zh",
            "name_en",
            "unit",
            "direction",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_min",
            "target_max",
            "target_year",
            "targets",
            "milestones",
            "data_source",
            "responsible_unit",
            "note_zh",
            "note_en",
        ]


def _filtered(viewset: RestrictedViewSet, queryset: Any, plan_path: str) -> Any:
    plan = clean_param(viewset.request, "plan")
    code = clean_param(viewset.request, "code")
    lead = clean_param(viewset.request, "lead_unit")
    if plan:
        queryset = queryset.filter(**{plan_path: plan})
    if code:
        queryset = queryset.filter(code=code)
    if lead and hasattr(queryset.model, "lead_unit"):
        queryset = queryset.filter(lead_unit__code=lead)
    return queryset


@extend_schema_view(list=extend_schema(parameters=[CODE_FILTER]))
class PlanViewSet(RestrictedViewSet):
    """Plans (规划)."""

    queryset = Plan.objects.all()
    serializer_class = PlanSerializer

    def get_queryset(self) -> Any:
        code = clean_param(self.request, "code")
        plans = super().get_queryset()
        return plans.filter(code=code) if code else plans


@extend_schema_view(list=extend_schema(parameters=[PLAN_FILTER, CODE_FILTER, UNIT_FILTER]))
class ActionViewSet(RestrictedViewSet):
    """Actions (对标竞进行动)."""

    queryset = Action.objects.select_related("lead_unit").prefetch_related("co_units")
    serializer_class = ActionSerializer

    def get_queryset(self) -> Any:
        return _filtered(self, super().get_queryset(), "plan__code")


@extend_schema_view(list=extend_schema(parameters=[PLAN_FILTER, CODE_FILTER, UNIT_FILTER]))
class MeasureViewSet(RestrictedViewSet):
    """Measures (措施)."""

    queryset = Measure.objects.select_related("lead_unit").prefetch_related("co_units")
    serializer_class = MeasureSerializer

    def get_queryset(self) -> Any:
        return _filtered(self, super().get_queryset(), "action__plan__code")


@extend_schema_view(list=extend_schema(parameters=[PLAN_FILTER, CODE_FILTER, UNIT_FILTER]))
class TaskViewSet(RestrictedViewSet):
    """Tasks (任务): a unit user may change its own tasks' descriptions and dates."""

    queryset = Task.objects.select_related("lead_unit").prefetch_related(
        "co_units", "counties", "mechanisms", "indicators"
    )
    serializer_class = TaskSerializer

    def get_queryset(self) -> Any:
        return _struck_off_index(_filtered(self, super().get_queryset(), "measure__action__plan__code"))

    def get_serializer_class(self) -> Any:
        return ReopenSerializer if self.action == "reopen" else TaskSerializer

    @extend_schema(
        request=ReopenSerializer,
        responses={200: TaskSerializer},
        summary="Reopen (恢复) a struck-off task from the current month (plan office)",
    )
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str | None = None) -> Response:
        from jingjin.reporting.services import task_reopen

        task = self.get_object()
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            task_reopen(actor=request.user, task=task, reason=body.validated_data["reason"], source="api")
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        fresh = self.get_queryset().get(pk=task.pk)
        return Response(TaskSerializer(fresh, context=self.get_serializer_context()).data)


@extend_schema_view(list=extend_schema(parameters=[PLAN_FILTER, CODE_FILTER]))
class IndicatorViewSet(RestrictedViewSet):
    """Indicators (指标) with their yearly targets and milestones."""

    queryset = Indicator.objects.select_related("responsible_unit").prefetch_related("targets", "milestones")
    serializer_class = IndicatorSerializer

    def get_queryset(self) -> Any:
        return _filtered(self, super().get_queryset(), "task__measure__action__plan__code")
