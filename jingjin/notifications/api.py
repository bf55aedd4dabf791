"""REST API of reminders: 一键催报 ``POST /api/periods/{code}/urge`` and the reminder history
``GET /api/reminders``."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Pagination, clean_param
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_see_reminders,
    may_urge_reports,
)
from jingjin.notifications import selectors, services
from jingjin.notifications.choices import ReminderKind
from jingjin.notifications.models import Reminder
from jingjin.reporting.models import ReportingPeriod

PERIOD_CODE = r"\d{4}-\d{2}"


class ReminderPermission(SignedInPermission):
    """Signed-in users with a role; urging (the one step, checked by the service) is the plan
    office's."""

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_urge_reports(user)


def period_of(code: str) -> ReportingPeriod:
    try:
        year, month = (int(part) for part in code.split("-"))
        return ReportingPeriod.objects.get(year=year, month=month)
    except (ValueError, ReportingPeriod.DoesNotExist) as exc:
        raise exceptions.NotFound(f"no reporting period {code}") from exc


class PeriodUrgeViewSet(viewsets.GenericViewSet):
    """一键催报: urge every unit with missing reports of a period (the plan office)."""

    queryset = ReportingPeriod.objects.none()
    permission_classes = [ReminderPermission]
    lookup_field = "code"
    lookup_value_regex = PERIOD_CODE
    serializer_class = serializers.Serializer

    @extend_schema(
        summary="Urge every unit with reports of the period not submitted (一键催报)",
        request=None,
        responses={
            200: inline_serializer(
                "UrgeResult",
                {
                    "period": serializers.CharField(),
                    "urged": serializers.IntegerField(help_text="units urged now"),
                    "already_today": serializers.IntegerField(help_text="units already urged today"),
                    "units": serializers.ListField(
                        child=serializers.CharField(), help_text="codes of the units urged"
                    ),
                },
            ),
            403: OpenApiResponse(description="not the plan office"),
            404: OpenApiResponse(description="no such period"),
        },
    )
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, code: str = "") -> Response:
        period = period_of(code)
        try:
            result = services.reports_urge(actor=request.user, period=period, source="api")
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied("Only the plan office may urge the units.") from exc
        return Response(result.as_json())


class ReminderSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    period = serializers.SerializerMethodField()
    supervision_item = serializers.SerializerMethodField()
    sent_by = serializers.SerializerMethodField()

    class Meta:
        model = Reminder
        fields = [
            "id",
            "kind",
            "unit",
            "period",
            "supervision_item",
            "day",
            "days",
            "tasks",
            "recipients",
            "sent_by",
            "created_at",
        ]

    def get_period(self, obj: Reminder) -> str | None:
        return obj.period.code if obj.period is not None else None

    def get_supervision_item(self, obj: Reminder) -> str | None:
        return obj.supervision_item.code if obj.supervision_item is not None else None

    def get_sent_by(self, obj: Reminder) -> str | None:
        return obj.sent_by.get_username() if obj.sent_by is not None else None


class ReminderViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The reminder history (催报记录): plan office and leaders; ``?period=YYYY-MM``, ``?kind=``,
    ``?unit=`` (a unit code)."""

    queryset = Reminder.objects.none()
    serializer_class = ReminderSerializer
    permission_classes = [ReminderPermission]
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        if not may_see_reminders(self.request.user):
            raise exceptions.PermissionDenied("Only the plan office and leaders see the reminders.")
        code = clean_param(self.request, "period")
        kind = clean_param(self.request, "kind")
        if kind and kind not in ReminderKind.values:
            raise exceptions.ValidationError({"kind": f"must be one of {', '.join(ReminderKind.values)}"})
        period = period_of(code) if code else None
        return selectors.reminder_history(
            period=period, kind=kind, unit=clean_param(self.request, "unit")[:64]
        )


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("periods", PeriodUrgeViewSet, basename="period-urge")
    router.register("reminders", ReminderViewSet, basename="reminder")
