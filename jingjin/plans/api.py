"""REST API of the plan registry: plans, actions, measures, tasks and indicators."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import CodeRelatedField, RestrictedViewSet, UnitCodeField, clean_param
from jingjin.core.bounds import BoundedModelSerializer
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied
from jingjin.plans import shares
from jingjin.plans.models import Action, Indicator, IndicatorTarget, Measure, Mechanism, Milestone, Plan, Task
from jingjin.reporting.selectors import latest_reported

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


class PlanSerializer(BoundedModelSerializer):
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
            "public",
        ]


class ActionSerializer(BoundedModelSerializer):
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
    mechanisms = CodeRelatedField(
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


class TaskShareSerializer(BoundedModelSerializer):
    """A county's or park's share of a city task (任务分解), with its latest reported completion."""

    unit = serializers.SlugRelatedField(source="lead_unit", slug_field="code", read_only=True)
    task = serializers.SlugRelatedField(source="parent", slug_field="code", read_only=True)
    target = serializers.DecimalField(
        source="share_target", max_digits=20, decimal_places=6, read_only=True, allow_null=True
    )
    target_unit = serializers.CharField(source="share_target_unit", read_only=True)
    latest_pct = serializers.SerializerMethodField()
    latest_month = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "task",
            "unit",
            "name_zh",
            "name_en",
            "weight",
            "target",
            "target_unit",
            "start",
            "end",
            "latest_pct",
            "latest_month",
        ]

    def _latest(self, share: Task) -> tuple[Any, str] | None:
        found: dict[int, tuple[Any, str]] = self.context.get("latest", {})
        return found.get(share.pk)

    def get_latest_pct(self, share: Task) -> float | None:
        found = self._latest(share)
        return None if found is None else float(found[0])

    def get_latest_month(self, share: Task) -> str | None:
        found = self._latest(share)
        return None if found is None else found[1]


class TaskShareWriteSerializer(serializers.Serializer):
    """The input of a share: the unit (on create), weight, target, its unit and the window.
    Numbers are checked by the service (finite, weight ≥ 0), which names the field."""

    unit = serializers.CharField(required=False, max_length=64)
    weight = serializers.CharField(required=False, allow_null=True, max_length=40)
    target = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=40)
    target_unit = serializers.CharField(required=False, allow_blank=True, max_length=40)
    start = serializers.DateField(required=False, allow_null=True)
    end = serializers.DateField(required=False, allow_null=True)


def _service_call(call: Any) -> Any:
    """Run a share service, turning its refusals into DRF's 403 and 400 (naming the field)."""
    try:
        return call()
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        ) from exc


class TargetSerializer(BoundedModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["year", "value"]


class MilestoneSerializer(BoundedModelSerializer):
    class Meta:
        model = Milestone
        fields = ["date", "name_zh", "name_en"]


class IndicatorSerializer(BoundedModelSerializer):
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
            "public",
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

    def _shares_response(self, task: Task) -> Response:
        rows = list(task.shares.select_related("lead_unit", "parent").order_by("position", "code"))
        latest = latest_reported(s.pk for s in rows)
        return Response(TaskShareSerializer(rows, many=True, context={"latest": latest}).data)

    @extend_schema(
        methods=["GET"],
        responses=TaskShareSerializer(many=True),
        summary="The county and park shares of a task",
    )
    @extend_schema(
        methods=["POST"],
        request=TaskShareWriteSerializer,
        responses={201: TaskShareSerializer},
        summary="Give a county or park a share of a city task (plan office)",
    )
    @action(detail=True, methods=["get", "post"], url_path="shares", pagination_class=None)
    def shares(self, request: Request, pk: str | None = None) -> Response:
        """GET: the task's shares (任务分解) with their latest reported completion; POST: add one."""
        task = self.get_object()
        if request.method == "GET":
            return self._shares_response(task)
        body = TaskShareWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        code = data.pop("unit", "")
        unit = Unit.objects.filter(code=code).first() if code else None
        if unit is None:
            raise exceptions.ValidationError({"unit": ["unknown unit code" if code else "required"]})
        share = _service_call(
            lambda: shares.task_share_create(
                actor=request.user,
                task=task,
                unit=unit,
                weight=data.get("weight", 1) if data.get("weight") is not None else 1,
                target=data.get("target"),
                target_unit=data.get("target_unit", ""),
                start=data.get("start"),
                end=data.get("end"),
                source=self.source,
            )
        )
        return Response(
            TaskShareSerializer(share, context={"latest": latest_reported([share.pk])}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        methods=["PATCH"],
        request=TaskShareWriteSerializer,
        responses=TaskShareSerializer,
        summary="Change a share's weight, target or window (plan office)",
    )
    @extend_schema(methods=["DELETE"], responses={204: None}, summary="Delete a share without reports")
    @action(detail=True, methods=["patch", "delete"], url_path=r"shares/(?P<share_id>\d+)")
    def share(self, request: Request, pk: str | None = None, share_id: str | None = None) -> Response:
        """PATCH: change one share of the task; DELETE: delete it (refused when it has reports)."""
        task = self.get_object()
        found = (
            Task.objects.filter(parent=task, pk=int(share_id or 0))
            .select_related("lead_unit", "parent")
            .first()
        )
        if found is None:
            raise exceptions.NotFound("no such share of this task")
        if request.method == "DELETE":
            _service_call(
                lambda: shares.task_share_delete(actor=request.user, share=found, source=self.source)
            )
            return Response(status=status.HTTP_204_NO_CONTENT)
        if "unit" in request.data:
            raise exceptions.ValidationError({"unit": ["the unit of a share cannot be changed"]})
        body = TaskShareWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        changed = _service_call(
            lambda: shares.task_share_update(
                actor=request.user, share=found, source=self.source, **dict(body.validated_data)
            )
        )
        return Response(TaskShareSerializer(changed, context={"latest": latest_reported([changed.pk])}).data)


@extend_schema_view(list=extend_schema(parameters=[PLAN_FILTER, CODE_FILTER]))
class IndicatorViewSet(RestrictedViewSet):
    """Indicators (指标) with their yearly targets and milestones."""

    queryset = Indicator.objects.select_related("responsible_unit").prefetch_related("targets", "milestones")
    serializer_class = IndicatorSerializer

    def get_queryset(self) -> Any:
        return _filtered(self, super().get_queryset(), "task__measure__action__plan__code")
