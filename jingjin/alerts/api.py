"""REST API of early warnings (预警).

``/api/warnings`` lists the open warnings the user sees (the plan office and leaders: all; unit
users: their unit's and the units' below), filtered by ``level``, ``rule``, ``acknowledged`` and
``resolved``; ``/api/warnings/{id}`` reads one; ``POST /api/warnings/{id}/acknowledge`` with a
``note`` acknowledges it (the plan office, or users whose unit scope includes the warning's unit;
403 for anyone else, leaders included).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.alerts import selectors, services
from jingjin.alerts.choices import WarningLevel, WarningRule
from jingjin.alerts.models import EarlyWarning
from jingjin.core.api import Pagination, clean_param
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_acknowledge_warning,
)
from jingjin.core.texts import TextLimit


class EarlyWarningSerializer(serializers.ModelSerializer):
    """A warning; ``level`` and ``rule`` are plain strings (see the list's filters for the values)."""

    level = serializers.CharField(read_only=True, help_text="yellow or red")
    rule = serializers.CharField(read_only=True, help_text="the rule that raised the warning")
    reason = serializers.CharField(
        source="reason_text", read_only=True, help_text="in the request's language"
    )
    reason_zh = serializers.CharField(source="reason", read_only=True, help_text="as written when raised")
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    task = serializers.SlugRelatedField(slug_field="code", read_only=True)
    indicator = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.CharField(source="period.code", read_only=True, allow_null=True, default=None)
    supervision_item = serializers.SlugRelatedField(slug_field="code", read_only=True)
    acknowledged_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = EarlyWarning
        fields = [
            "id",
            "key",
            "rule",
            "level",
            "reason",
            "reason_zh",
            "params",
            "unit",
            "task",
            "indicator",
            "period",
            "supervision_item",
            "ranking_entry",
            "first_raised_at",
            "last_seen_at",
            "resolved_at",
            "acknowledged_by",
            "acknowledged_at",
            "acknowledge_note",
        ]
        read_only_fields = fields


class EarlyWarningAcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=services.NOTE_MAX,
        validators=[TextLimit(services.NOTE_MAX, "note")],
        help_text="what is being done",
    )


class WarningPermission(SignedInPermission):
    """Any signed-in user with a role may read; acknowledging is for those who may acknowledge."""

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_acknowledge_warning(user, obj)


def _flag(request: Request, name: str) -> bool | None:
    value = clean_param(request, name).lower()
    if value in {"", "any"}:
        return None
    if value in {"true", "1", "yes"}:
        return True
    if value in {"false", "0", "no"}:
        return False
    raise exceptions.ValidationError({name: "must be true or false"})


@extend_schema_view(
    list=extend_schema(
        summary="预警 Early warnings the user sees",
        parameters=[
            OpenApiParameter("level", str, enum=WarningLevel.values, description="yellow or red"),
            OpenApiParameter("rule", str, enum=WarningRule.values, description="the rule"),
            OpenApiParameter("acknowledged", OpenApiTypes.BOOL, description="acknowledged or not"),
            OpenApiParameter("resolved", OpenApiTypes.BOOL, description="true: resolved ones too"),
        ],
    ),
    retrieve=extend_schema(summary="One early warning"),
)
class EarlyWarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Early warnings (预警) raised by the rules; read, and acknowledge."""

    queryset = EarlyWarning.objects.none()
    serializer_class = EarlyWarningSerializer
    permission_classes = [WarningPermission]
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        if self.action != "list":
            return selectors.warning_list(user=self.request.user, include_resolved=True)
        level = clean_param(self.request, "level")
        rule = clean_param(self.request, "rule")
        if level and level not in WarningLevel.values:
            raise exceptions.ValidationError({"level": f"must be one of {', '.join(WarningLevel.values)}"})
        if rule and rule not in WarningRule.values:
            raise exceptions.ValidationError({"rule": f"must be one of {', '.join(WarningRule.values)}"})
        return selectors.warning_list(
            user=self.request.user,
            level=level,
            rule=rule,
            acknowledged=_flag(self.request, "acknowledged"),
            include_resolved=bool(_flag(self.request, "resolved")),
        )

    @extend_schema(
        summary="Acknowledge a warning (plan office, or users of the responsible unit)",
        request=EarlyWarningAcknowledgeSerializer,
        responses={
            200: EarlyWarningSerializer,
            400: OpenApiResponse(description="the note is too long"),
            403: OpenApiResponse(description="not a user who may acknowledge this warning"),
            404: OpenApiResponse(description="no such warning"),
        },
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: Any = None) -> Response:
        warning = self.get_object()
        data = EarlyWarningAcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            warning = services.warning_acknowledge(
                actor=request.user, warning=warning, note=data.validated_data["note"], source="api"
            )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=warning.pk)).data)


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("warnings", EarlyWarningViewSet, basename="warning")
