"""REST API of the cockpit: ``GET /api/cockpit`` gives the cockpit's figures as JSON."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import clean_param
from jingjin.core.permissions import RestrictedPermission
from jingjin.dashboard import as_json, links, results, selectors, services
from jingjin.plans.models import Plan


class CockpitStatusCountsSerializer(serializers.Serializer):
    on_track = serializers.IntegerField()
    behind = serializers.IntegerField()
    far_behind = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    unknown = serializers.IntegerField(help_text="no report yet, or no task window")


STATUS_HELP = "one of: " + ", ".join(results.STATUS_KEYS.values())


class CockpitCodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CockpitPeriodSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="YYYY-MM")
    deadline = serializers.DateField()


class CockpitTaskFigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    lead_unit = serializers.CharField()
    reported_pct = serializers.FloatField(allow_null=True, help_text="latest reported completion, 0–100")
    expected_pct = serializers.FloatField(allow_null=True, help_text="expected at the end of the period")
    status = serializers.CharField(help_text=STATUS_HELP)
    url = serializers.CharField(help_text="the task's page")


URL_HELP = "a relative URL of the list behind the figure (drill-down)"


class CockpitStatusLinksSerializer(serializers.Serializer):
    """The list behind each status count (the cockpit's task list filtered by status)."""

    tasks = serializers.CharField(required=False, help_text="every task counted")
    on_track = serializers.CharField(help_text=URL_HELP)
    behind = serializers.CharField(help_text=URL_HELP)
    far_behind = serializers.CharField(help_text=URL_HELP)
    done = serializers.CharField(help_text=URL_HELP)
    overdue = serializers.CharField(help_text=URL_HELP)
    unknown = serializers.CharField(help_text=URL_HELP)


class CockpitActionFigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.FloatField()
    progress = serializers.FloatField(allow_null=True, help_text="weighted roll-up of the tasks, 0–100")
    coverage = serializers.FloatField(help_text="share of the weight with a reported value, 0–1")
    status_counts = CockpitStatusCountsSerializer()
    worst_status = serializers.CharField(help_text=STATUS_HELP)
    tasks = CockpitTaskFigureSerializer(many=True)
    url = serializers.CharField(help_text="the action's page in the plan tree")
    links = CockpitStatusLinksSerializer()


class CockpitAttentionSerializer(serializers.Serializer):
    task = serializers.CharField()
    task_name = serializers.CharField()
    unit = serializers.CharField(allow_null=True)
    state = serializers.CharField(help_text="report state, or 'missing'")
    late = serializers.BooleanField()
    missing = serializers.BooleanField()
    url = serializers.CharField(help_text="the report, or the task's page when it is missing")


class CockpitReportFiguresSerializer(serializers.Serializer):
    due = serializers.IntegerField()
    late = serializers.IntegerField()
    missing = serializers.IntegerField()
    review = serializers.IntegerField(help_text="submitted or resubmitted, waiting for review")
    attention = CockpitAttentionSerializer(many=True)


class CockpitItemFigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    deadline = serializers.DateField()
    state = serializers.CharField()


class CockpitSupervisionFiguresSerializer(serializers.Serializer):
    as_of = serializers.DateField(
        allow_null=True,
        help_text="the items are shown as they stood at the end of this day: the period's last day, "
        "or today while the period runs",
    )
    overdue_count = serializers.IntegerField()
    due_soon_count = serializers.IntegerField()
    overdue = CockpitItemFigureSerializer(many=True, help_text="at most 50, the most overdue first")
    due_soon = CockpitItemFigureSerializer(many=True)


class CockpitOpenWarningsSerializer(serializers.Serializer):
    red = serializers.IntegerField()
    yellow = serializers.IntegerField()


class CockpitTrendSerializer(serializers.Serializer):
    month = serializers.CharField(help_text="YYYY-MM")
    progress = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True, help_text="0–1")
    reports = serializers.IntegerField()
    on_time = serializers.IntegerField()
    due = serializers.IntegerField()
    url = serializers.CharField(help_text="the cockpit of that month")


class CockpitCountyTaskSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.CharField(help_text=STATUS_HELP)


class CockpitCountyFigureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    status_counts = CockpitStatusCountsSerializer()
    tasks = CockpitCountyTaskSerializer(many=True)
    url = serializers.CharField(help_text="the unit's scorecard")
    links = CockpitStatusLinksSerializer()


class CockpitRankingEntrySerializer(serializers.Serializer):
    unit = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    reason = serializers.CharField()
    code = serializers.CharField(required=False, help_text="the unit's code")
    url = serializers.CharField(help_text="the unit's scorecard, or empty without a code")


class CockpitRankingListSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False)
    url = serializers.CharField(help_text="the list's page, or empty without an id")
    title = serializers.CharField()
    period = serializers.CharField()
    red = CockpitRankingEntrySerializer(many=True)
    black = CockpitRankingEntrySerializer(many=True)


class CockpitReportLinksSerializer(serializers.Serializer):
    """The period overview filtered by state; empty for users who may not see the overview."""

    all = serializers.CharField(required=False)
    attention = serializers.CharField(required=False, help_text="late or missing")
    late = serializers.CharField(required=False)
    missing = serializers.CharField(required=False)
    review = serializers.CharField(required=False)


class CockpitLinksSerializer(serializers.Serializer):
    tasks = serializers.CharField(help_text="the cockpit's task list")
    status = CockpitStatusLinksSerializer()
    reports = CockpitReportLinksSerializer()
    supervision = serializers.DictField(child=serializers.CharField(), help_text="overdue, due_soon")
    warnings = serializers.DictField(child=serializers.CharField(), help_text="all, red, yellow")


class CockpitSerializer(serializers.Serializer):
    plan = CockpitCodeNameSerializer(allow_null=True)
    period = CockpitPeriodSerializer()
    as_of = serializers.DateField()
    progress = serializers.FloatField(allow_null=True, help_text="weighted plan progress, 0–100")
    coverage = serializers.FloatField()
    status_counts = CockpitStatusCountsSerializer()
    actions = CockpitActionFigureSerializer(many=True)
    reports = CockpitReportFiguresSerializer()
    supervision = CockpitSupervisionFiguresSerializer()
    trends = CockpitTrendSerializer(many=True)
    counties = CockpitCountyFigureSerializer(many=True)
    ranking_lists = CockpitRankingListSerializer(many=True)
    open_warnings = CockpitOpenWarningsSerializer(help_text="warnings open at the end of supervision.as_of")
    synthetic = serializers.BooleanField()
    links = CockpitLinksSerializer()


class CockpitViewSet(viewsets.ViewSet):
    """The leader cockpit's figures (领导驾驶舱), for every signed-in user with a role."""

    permission_classes = [RestrictedPermission]
    single_object = True  # one object from the list route (jingjin.core.openapi.AutoSchema)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "period",
                str,
                description="month YYYY-MM (the first reporting month … this month); default: last month",
            ),
            OpenApiParameter("plan", str, description="plan code; default: the first plan"),
        ],
        responses=CockpitSerializer,
    )
    def list(self, request: Request) -> Response:
        try:
            period = services.period_resolve(code=clean_param(request, "period"))
        except DjangoValidationError as exc:
            raise exceptions.ValidationError({"period": exc.messages}) from exc
        try:
            data = selectors.cockpit(user=request.user, period=period, plan_code=clean_param(request, "plan"))
        except Plan.DoesNotExist as exc:
            raise exceptions.ValidationError({"plan": ["There is no such plan."]}) from exc
        return Response(links.add_json_links(as_json.cockpit_json(data), data, user=request.user))


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("cockpit", CockpitViewSet, basename="cockpit")
