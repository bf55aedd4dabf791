"""REST API of the plan registry: plans, actions, measures, tasks and indicators."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers

from jingjin.core.api import RestrictedViewSet, UnitCodeField, clean_param
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

    class Meta:
        model = Task
        fields = ["measure", *NODE_FIELDS, "counties", "mechanisms", "indicators"]


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
        return _filtered(self, super().get_queryset(), "measure__action__plan__code")


@extend_schema_view(list=extend_schema(parameters=[PLAN_FILTER, CODE_FILTER]))
class IndicatorViewSet(RestrictedViewSet):
    """Indicators (指标) with their yearly targets and milestones."""

    queryset = Indicator.objects.select_related("responsible_unit").prefetch_related("targets", "milestones")
    serializer_class = IndicatorSerializer

    def get_queryset(self) -> Any:
        return _filtered(self, super().get_queryset(), "task__measure__action__plan__code")
