"""REST API of supervision items (督办件): list, read, issue, and the workflow steps.

``/api/supervision-items`` lists the items the user works with (the plan office and leaders: all;
unit users: their unit's), filtered by ``state``, ``unit``, ``overdue`` and ``due_soon``; the plan
office issues an item with POST. The steps are POST actions on an item: ``/acknowledge``,
``/start``, ``/answer`` (text required), ``/close`` and ``/reopen`` (text required). A step by the
wrong role or unit gets 403, a step the item's state does not allow 409, a missing text 400.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core import clock
from jingjin.core.api import Conflict, Pagination, UnitCodeField, clean_param
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_handle_supervision_item,
    may_issue_supervision_items,
)
from jingjin.core.texts import TextLimit
from jingjin.plans.models import Task
from jingjin.supervision import selectors, services
from jingjin.supervision.choices import ItemState, ItemStep, Signal
from jingjin.supervision.models import SupervisionItem, SupervisionStep

STATES = ", ".join(ItemState.values)


class StepSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name", read_only=True)
    actor_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    # plain strings: one enum of states in the schema (the item's ``state``), not three
    from_state = serializers.CharField(read_only=True, help_text=f"empty for the issue step, else: {STATES}")
    to_state = serializers.CharField(read_only=True, help_text=STATES)

    class Meta:
        model = SupervisionStep
        fields = ["step", "actor", "actor_unit", "time", "from_state", "to_state", "text"]


class SupervisionItemSerializer(serializers.ModelSerializer):
    assignee_unit = UnitCodeField()
    task = serializers.PrimaryKeyRelatedField(queryset=Task.objects.all(), required=False, allow_null=True)
    issued_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    signal = serializers.SerializerMethodField(help_text="overdue (red), due_soon (yellow) or empty")
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = SupervisionItem
        fields = [
            "id",
            "code",
            "title",
            "body",
            "assignee_unit",
            "task",
            "deadline",
            "state",
            "signal",
            "answer",
            "issued_by",
            "issued_on",
            "closed_at",
            "is_synthetic",
            "steps",
        ]
        extra_kwargs = {
            "title": {"validators": [TextLimit(200, "title")]},
            "body": {"validators": [TextLimit(services.MAX_TEXT, "body")]},
        }
        read_only_fields = ["code", "state", "answer", "issued_on", "closed_at", "is_synthetic"]

    @extend_schema_field(serializers.ChoiceField(choices=[("", "none"), *Signal.choices], allow_blank=True))
    def get_signal(self, item: SupervisionItem) -> str:
        return selectors.deadline_signal(deadline=item.deadline, state=item.state)


class StepInputSerializer(serializers.Serializer):
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        validators=[TextLimit(services.MAX_TEXT, "text")],
        help_text="comment; the answer for /answer, the reason for /reopen (both required there)",
    )


class ItemPermission(SignedInPermission):
    """Any signed-in user with a role may read and POST (the issue service refuses all but the plan
    office); a step on an item is for the plan office or the item's handling unit, and the service
    decides which step each may take."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if getattr(view, "action", None) == "create" and not may_issue_supervision_items(request.user):
            return False
        return super().has_permission(request, view)

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_issue_supervision_items(user) or may_handle_supervision_item(user, obj)


def _flag(request: Request, name: str) -> bool | None:
    value = clean_param(request, name).lower()
    if value in {"", "any"}:
        return None
    if value in {"true", "1", "yes"}:
        return True
    if value in {"false", "0", "no"}:
        return False
    raise exceptions.ValidationError({name: "must be true or false"})


STEP_RESPONSES = {
    200: SupervisionItemSerializer,
    400: OpenApiResponse(description="the step needs a text, or the text is too long"),
    403: OpenApiResponse(description="not a user who may do this step on this item"),
    404: OpenApiResponse(description="no such item"),
    409: OpenApiResponse(description="the item's state does not allow the step"),
}


_F = TypeVar("_F", bound=Callable[..., Any])


def _step_schema(summary: str) -> Callable[[_F], _F]:
    return extend_schema(summary=summary, request=StepInputSerializer, responses=STEP_RESPONSES)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("state", str, enum=ItemState.values, description="workflow state"),
            OpenApiParameter("unit", str, description="assignee unit code (with the units below it)"),
            OpenApiParameter("overdue", OpenApiTypes.BOOL, description="past the deadline and not closed"),
            OpenApiParameter("due_soon", OpenApiTypes.BOOL, description="deadline within 3 days, not closed"),
        ]
    ),
    create=extend_schema(
        responses={
            201: SupervisionItemSerializer,
            400: OpenApiResponse(description="bad values"),
            403: OpenApiResponse(description="only the plan office issues items"),
        }
    ),
)
class SupervisionItemViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Supervision items (督办件): 交办 → 签收 → 办理 → 反馈 → 办结."""

    queryset = SupervisionItem.objects.all()
    serializer_class = SupervisionItemSerializer
    permission_classes = [ItemPermission]
    pagination_class = Pagination
    source = "api"

    def get_queryset(self) -> Any:
        user = self.request.user
        if self.action != "list":
            items = SupervisionItem.objects.restrict(user, "view").select_related(
                "assignee_unit", "issued_by"
            )
            return items.prefetch_related("steps__actor_unit")
        state = clean_param(self.request, "state")
        if state and state not in ItemState.values:
            raise exceptions.ValidationError({"state": f"must be one of {', '.join(ItemState.values)}"})
        unit: Unit | None = None
        unit_code = clean_param(self.request, "unit")
        if unit_code:
            unit = Unit.objects.filter(code=unit_code).first()
            if unit is None:
                return SupervisionItem.objects.none()
        items = selectors.item_list(user=user, state=state, unit=unit)
        today = clock.today()
        overdue = _flag(self.request, "overdue")
        if overdue is not None:
            q = selectors.overdue_q(today)
            items = items.filter(q) if overdue else items.exclude(q)
        due_soon = _flag(self.request, "due_soon")
        if due_soon is not None:
            q = selectors.due_soon_q(today)
            items = items.filter(q) if due_soon else items.exclude(q)
        return items.prefetch_related("steps__actor_unit")

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        try:
            serializer.instance = services.item_issue(
                actor=self.request.user,
                title=data["title"],
                body=data.get("body", ""),
                assignee_unit=data["assignee_unit"],
                task=data.get("task"),
                deadline=data["deadline"],
                source=self.source,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc

    def _step(self, request: Request, step: str) -> Response:
        item = self.get_object()
        payload = StepInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            item = services.item_step(
                actor=request.user,
                item=item,
                step=step,
                text=payload.validated_data["text"],
                source=self.source,
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except services.IllegalTransition as exc:
            raise Conflict(str(exc)) from exc
        except services.SupervisionError as exc:
            raise exceptions.ValidationError({"text": [str(exc)]}) from exc
        item = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(item).data)

    @_step_schema("签收 Acknowledge (users of the assignee unit; assigned → acknowledged)")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, ItemStep.ACKNOWLEDGE)

    @_step_schema("办理 Start work (users of the assignee unit; acknowledged → in_progress)")
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, ItemStep.START)

    @_step_schema("反馈 Answer (users of the assignee unit; in_progress → answered; text required)")
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, ItemStep.ANSWER)

    @_step_schema("办结 Close (plan office; answered → closed)")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, ItemStep.CLOSE)

    @_step_schema("Send back (plan office; answered → in_progress; text required)")
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: Any = None) -> Response:
        return self._step(request, ItemStep.REOPEN)


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("supervision-items", SupervisionItemViewSet, basename="supervision-item")
