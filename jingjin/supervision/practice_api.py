"""REST API of the supervision practices of issue 20.

* ``/api/instructions`` — leaders' instructions (领导批示): list, read; POST by a leader or the plan
  office (one target: ``report``, ``warning``, ``ranking_list`` or ``task``; ``units`` by code).
* ``/api/extension-requests`` — 延期申请: POST by the handling unit; ``/grant`` and ``/refuse`` by
  the plan office (reason required).
* ``/api/urgings`` — three-colour urgings (督办单), read-only, ``colour`` filter.
* ``/api/meetings`` — on-site meetings with decisions; POST and ``/issue`` (decisions → items) by
  the plan office.
* ``/api/stationings`` — 蹲点: POST and ``/close`` by the plan office, ``/log`` by the cadre, their
  unit or the plan office.

A write by the wrong role gets 403, one the object's state does not allow 409, bad values 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Conflict, Pagination, UnitCodeField, clean_param
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    has_role,
    may_decide_extensions,
    may_give_instructions,
    may_log_stationing,
    may_manage_meetings,
    may_manage_stationings,
    may_request_extension,
)
from jingjin.core.texts import TextLimit
from jingjin.supervision import extensions, instructions, meetings, stationings, urging
from jingjin.supervision.choices import UrgingColour
from jingjin.supervision.models import (
    ExtensionRequest,
    Instruction,
    Meeting,
    MeetingDecision,
    Stationing,
    StationingLog,
    SupervisionItem,
    Urging,
)
from jingjin.supervision.practice_common import MAX_TEXT


def call(fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run a service, turning its errors into the API's answers (403, 409, 400)."""
    try:
        return fn(**kwargs)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except (extensions.ExtensionError, meetings.MeetingError, stationings.StationingClosed) as exc:
        raise Conflict(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(validators=[TextLimit(MAX_TEXT, "reason")])


class SupervisionPracticePermission(SignedInPermission):
    """Signed-in users with a role read; each write names its predicate in the view's ``may``."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        rule = getattr(view, "may_create", None)
        return not (getattr(view, "action", None) == "create" and rule is not None and not rule(request.user))

    def may_read(self, user: Any, obj: Any) -> bool:
        return has_role(user)  # and the queryset holds only what the user may read

    def may_act(self, user: Any, obj: Any) -> bool:
        return bool(view_rule(obj)(user, obj))


def view_rule(obj: Any) -> Callable[[Any, Any], bool]:
    if isinstance(obj, ExtensionRequest):
        return lambda user, o: may_decide_extensions(user)
    if isinstance(obj, Meeting):
        return lambda user, o: may_manage_meetings(user)
    if isinstance(obj, Stationing):
        return lambda user, o: may_manage_stationings(user) or may_log_stationing(user, o)
    return lambda user, o: False


class _Base(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [SupervisionPracticePermission]
    pagination_class = Pagination
    source = "api"
    may_create: Callable[[Any], bool] | None = None


# --------------------------------------------------------------------------------------------
# Instructions


class InstructionItemSerializer(serializers.ModelSerializer):
    assignee_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = SupervisionItem
        fields = ["id", "code", "assignee_unit", "deadline", "state", "answer"]


class InstructionSerializer(serializers.ModelSerializer):
    units = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Unit.objects.all())
    items = InstructionItemSerializer(many=True, read_only=True)
    leader_name = serializers.CharField(required=False, allow_blank=True, max_length=100)

    class Meta:
        model = Instruction
        fields = [
            "id", "code", "text", "given_on", "leader_name", "units", "deadline",
            "report", "warning", "ranking_list", "task", "items", "is_synthetic",
        ]  # fmt: skip
        read_only_fields = ["code", "given_on", "is_synthetic"]
        extra_kwargs = {"text": {"validators": [TextLimit(MAX_TEXT, "text")]}}


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("state", str, enum=["open", "closed"])]))
class InstructionViewSet(mixins.CreateModelMixin, _Base):
    """Leaders' instructions (领导批示), each with its items (one per unit concerned)."""

    serializer_class = InstructionSerializer
    queryset = Instruction.objects.all()

    @staticmethod
    def may_create(user: Any) -> bool:
        return may_give_instructions(user)

    def get_queryset(self) -> Any:
        state = clean_param(self.request, "state") if self.action == "list" else ""
        return instructions.instruction_list(state=state).prefetch_related("units", "items__assignee_unit")

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        targets = {k: data.pop(k, None) for k in instructions.TARGETS}
        serializer.instance = call(
            instructions.instruction_give,
            actor=self.request.user,
            text=data["text"],
            units=list(data["units"]),
            deadline=data["deadline"],
            leader_name=data.get("leader_name", ""),
            source=self.source,
            **targets,
        )


# --------------------------------------------------------------------------------------------
# Extension requests


class ExtensionRequestSerializer(serializers.ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(queryset=SupervisionItem.objects.all())
    item_code = serializers.CharField(source="item.code", read_only=True)
    original_deadline = serializers.DateField(source="item.original_deadline", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id", "item", "item_code", "old_deadline", "new_deadline", "original_deadline", "reason",
            "state", "requested_at", "decided_at", "decision_reason", "is_synthetic",
        ]  # fmt: skip
        read_only_fields = ["old_deadline", "state", "requested_at", "decided_at", "decision_reason"]
        extra_kwargs = {"reason": {"validators": [TextLimit(MAX_TEXT, "reason")]}}


class ExtensionRequestViewSet(mixins.CreateModelMixin, _Base):
    """Extension requests (延期申请) of supervision items."""

    serializer_class = ExtensionRequestSerializer
    queryset = ExtensionRequest.objects.all()

    def get_queryset(self) -> Any:
        return extensions.extension_list(user=self.request.user, state=clean_param(self.request, "state"))

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        item = data["item"]
        if not may_request_extension(self.request.user, item):
            raise exceptions.PermissionDenied("only the handling unit may ask for an extension")
        serializer.instance = call(
            extensions.extension_request,
            actor=self.request.user,
            item=item,
            new_deadline=data["new_deadline"],
            reason=data["reason"],
            source=self.source,
        )

    def _decide(self, request: Request, grant: bool) -> Response:
        obj = self.get_object()
        payload = ReasonSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        obj = call(
            extensions.extension_decide,
            actor=request.user,
            request=obj,
            grant=grant,
            reason=payload.validated_data["reason"],
            source=self.source,
        )
        return Response(self.get_serializer(obj).data)

    @extend_schema(
        summary="Grant (plan office)", request=ReasonSerializer, responses=ExtensionRequestSerializer
    )
    @action(detail=True, methods=["post"])
    def grant(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, True)

    @extend_schema(
        summary="Refuse (plan office)", request=ReasonSerializer, responses=ExtensionRequestSerializer
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: Any = None) -> Response:
        return self._decide(request, False)


# --------------------------------------------------------------------------------------------
# Urgings


class UrgingSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Urging
        fields = ["id", "colour", "date", "days_overdue", "unit", "item", "item_code", "report", "recipients"]


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("colour", str, enum=UrgingColour.values)])
)
class UrgingViewSet(_Base):
    """Three-colour urgings (督办单) of the units the user lists."""

    serializer_class = UrgingSerializer
    queryset = Urging.objects.all()

    def get_queryset(self) -> Any:
        return urging.urging_list(user=self.request.user, colour=clean_param(self.request, "colour"))


# --------------------------------------------------------------------------------------------
# Meetings


class MeetingDecisionSerializer(serializers.ModelSerializer):
    unit = UnitCodeField()
    items = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = MeetingDecision
        fields = ["position", "text", "unit", "deadline", "items"]
        read_only_fields = ["position"]
        extra_kwargs = {"text": {"validators": [TextLimit(MAX_TEXT, "text")]}}


class MeetingSerializer(serializers.ModelSerializer):
    units = serializers.SlugRelatedField(slug_field="code", many=True, queryset=Unit.objects.all())
    decisions = MeetingDecisionSerializer(many=True)

    class Meta:
        model = Meeting
        fields = ["id", "code", "title", "date", "place", "chair", "units", "tasks", "notes", "decisions"]
        read_only_fields = ["code"]
        extra_kwargs = {"notes": {"validators": [TextLimit(MAX_TEXT, "notes")]}}


class MeetingViewSet(mixins.CreateModelMixin, _Base):
    """On-site meetings (现场会议) and their decisions."""

    serializer_class = MeetingSerializer
    queryset = Meeting.objects.all()

    @staticmethod
    def may_create(user: Any) -> bool:
        return may_manage_meetings(user)

    def get_queryset(self) -> Any:
        return Meeting.objects.prefetch_related("units", "tasks", "decisions__unit", "decisions__items")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = call(
            meetings.meeting_record,
            actor=self.request.user,
            title=data["title"],
            date=data["date"],
            place=data["place"],
            chair=data["chair"],
            units=list(data.get("units", [])),
            tasks=list(data.get("tasks", [])),
            notes=data.get("notes", ""),
            decisions=[meetings.DecisionInput(**d) for d in data.get("decisions", [])],
            source=self.source,
        )

    @extend_schema(summary="Issue every decision not yet an item (plan office)", request=None)
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: Any = None) -> Response:
        meeting = self.get_object()
        call(meetings.meeting_issue_decisions, actor=request.user, meeting=meeting, source=self.source)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)


# --------------------------------------------------------------------------------------------
# Stationings


class StationingLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = StationingLog
        fields = ["date", "text"]
        extra_kwargs = {"text": {"validators": [TextLimit(MAX_TEXT, "text")]}, "date": {"required": False}}


class StationingSerializer(serializers.ModelSerializer):
    cadre_unit = UnitCodeField()
    village = UnitCodeField(required=False, allow_null=True)
    logs = StationingLogSerializer(many=True, read_only=True)

    class Meta:
        model = Stationing
        fields = [
            "id", "code", "cadre_name", "cadre_unit", "task", "project", "village", "purpose",
            "start", "end", "summary", "closed_at", "logs", "is_synthetic",
        ]  # fmt: skip
        read_only_fields = ["code", "summary", "closed_at", "is_synthetic"]
        extra_kwargs = {"purpose": {"validators": [TextLimit(MAX_TEXT, "purpose")]}}


class SummarySerializer(serializers.Serializer):
    summary = serializers.CharField(validators=[TextLimit(MAX_TEXT, "summary")])


class StationingViewSet(mixins.CreateModelMixin, _Base):
    """Stationings (蹲点) with their work logs."""

    serializer_class = StationingSerializer
    queryset = Stationing.objects.all()

    @staticmethod
    def may_create(user: Any) -> bool:
        return may_manage_stationings(user)

    def get_queryset(self) -> Any:
        return stationings.stationing_list().prefetch_related("logs")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        serializer.instance = call(
            stationings.stationing_create,
            actor=self.request.user,
            cadre_name=data["cadre_name"],
            cadre_unit=data["cadre_unit"],
            purpose=data["purpose"],
            start=data["start"],
            end=data["end"],
            task=data.get("task"),
            project=data.get("project"),
            village=data.get("village"),
            source=self.source,
        )

    @extend_schema(summary="Add a log entry", request=StationingLogSerializer, responses=StationingSerializer)
    @action(detail=True, methods=["post"])
    def log(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        if not may_log_stationing(request.user, obj) and obj.closed_at is None:
            raise exceptions.PermissionDenied("only the cadre, their unit or the plan office may log")
        payload = StationingLogSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        call(
            stationings.stationing_log,
            actor=request.user,
            stationing=obj,
            text=payload.validated_data["text"],
            day=payload.validated_data.get("date"),
            source=self.source,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)

    @extend_schema(
        summary="Close with the summary (plan office)",
        request=SummarySerializer,
        responses=StationingSerializer,
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        obj = self.get_object()
        if not may_manage_stationings(request.user):
            raise exceptions.PermissionDenied("only the plan office may close a stationing")
        payload = SummarySerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        obj = call(
            stationings.stationing_close,
            actor=request.user,
            stationing=obj,
            summary=payload.validated_data["summary"],
            source=self.source,
        )
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)


def register(router: Any) -> None:
    """Add the practices' viewsets to the project's API router."""
    router.register("instructions", InstructionViewSet, basename="instruction")
    router.register("extension-requests", ExtensionRequestViewSet, basename="extension-request")
    router.register("urgings", UrgingViewSet, basename="urging")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("stationings", StationingViewSet, basename="stationing")
