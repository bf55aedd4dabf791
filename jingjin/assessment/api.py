"""REST API of the red/black lists: lists with their entries, compute (POST) and publish.

Reads go through :func:`jingjin.assessment.selectors.visible_lists` (drafts for the plan
office only); every write goes through :mod:`jingjin.assessment.services`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.appeals.selectors import list_marks, mark_text
from jingjin.assessment import selectors, services
from jingjin.assessment.choices import Subject
from jingjin.assessment.models import RankingEntry, RankingList, RankingScheme
from jingjin.core.api import CodeRelatedField, Conflict, Pagination
from jingjin.core.permissions import PermissionDenied, RestrictedPermission, restrict
from jingjin.projects.models import KeyProject
from jingjin.reporting.services import period_get_or_create, period_parse


class RankingSchemeSerializer(serializers.ModelSerializer):
    project_campaign = serializers.SlugRelatedField(slug_field="code", read_only=True)
    project_county = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = RankingScheme
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "subject",
            "peer_group",
            "weight_on_time",
            "weight_progress",
            "weight_attainment",
            "weight_investment",
            "weight_gap",
            "weight_milestones",
            "project_levels",
            "project_categories",
            "project_campaign",
            "project_county",
            "red_top_n",
            "black_bottom_m",
            "target_rule",
            "target_score",
            "min_on_time",
            "min_progress",
            "min_attainment",
            "min_investment",
            "is_active",
        ]


class RankingListEntrySerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name_zh", read_only=True)
    project = serializers.SlugRelatedField(
        slug_field="code", read_only=True, help_text="the project's code on a project list, else null"
    )
    project_name = serializers.SerializerMethodField()
    appeal = serializers.SerializerMethodField(
        help_text="the latest appeal (异议) of the entry: state (filed, accepted, rejected), mark; or null"
    )
    items = serializers.JSONField(
        read_only=True, help_text="the score item by item (criterion, value, weight, contribution)"
    )

    class Meta:
        model = RankingEntry
        fields = [
            "unit",
            "unit_name",
            "project",
            "project_name",
            "on_time_pct",
            "progress_pct",
            "attainment_pct",
            "investment_pct",
            "gap_pct",
            "milestones_pct",
            "score",
            "rank",
            "bottom_rank",
            "target_met",
            "verdict",
            "reason",
            "escalated",
            "tasks_due",
            "items",
            "appeal",
        ]

    def get_appeal(self, entry: RankingEntry) -> dict[str, Any] | None:
        """The appeal mark, the list's appeals read once per list (one query per list)."""
        cache: dict[int, Any] = self.context.setdefault("_appeal_marks", {})
        if entry.ranking_list_id not in cache:
            cache[entry.ranking_list_id] = list_marks(ranking_list=entry.ranking_list_id)
        appeal = cache[entry.ranking_list_id].get((entry.unit_id, entry.project_id))
        if appeal is None:
            return None
        return {"id": appeal.pk, "state": appeal.state, "mark": mark_text(appeal)}

    def get_project_name(self, entry: RankingEntry) -> str | None:
        return entry.project.name_zh if entry.project_id else None


class RankingListDetailSerializer(serializers.ModelSerializer):
    scheme = serializers.CharField(source="scheme.code", read_only=True)
    period = serializers.CharField(source="period.code", read_only=True)
    entries = RankingListEntrySerializer(many=True, read_only=True)
    rule = serializers.JSONField(read_only=True)

    class Meta:
        model = RankingList
        fields = [
            "id",
            "scheme",
            "period",
            "status",
            "rule",
            "as_of",
            "computed_at",
            "published_at",
            "is_synthetic",
            "entries",
        ]


class RankingListComputeSerializer(serializers.Serializer):
    scheme = CodeRelatedField(
        slug_field="code", queryset=RankingScheme.objects.all(), help_text="scheme code, e.g. departments"
    )
    period = serializers.RegexField(r"^\d{4}-\d{2}$", max_length=7, help_text="month YYYY-MM")


class RankingListExemptSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=64, required=False, help_text="unit code (unit lists)")
    project = serializers.CharField(max_length=64, required=False, help_text="project code (project lists)")
    reason = serializers.CharField(max_length=4000, help_text="the force-majeure reason (required)")


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except services.ListFrozen as exc:
        raise Conflict(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


class RankingListViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Red/black lists (红黑榜) with their entries; the plan office computes (POST) and publishes."""

    serializer_class = RankingListDetailSerializer
    pagination_class = Pagination
    permission_classes = [RestrictedPermission]
    queryset = RankingList.objects.none()
    source = "api"

    def get_queryset(self) -> Any:
        return (
            selectors.visible_lists(user=self.request.user)
            .prefetch_related("entries__unit", "entries__project")
            .order_by("-period__year", "-period__month", "scheme__code", "pk")
        )

    @extend_schema(
        request=RankingListComputeSerializer,
        responses={201: RankingListDetailSerializer},
        summary="Compute (or recompute) the draft list of a scheme for a period (plan office)",
    )
    def create(self, request: Request) -> Response:
        body = RankingListComputeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        year, month = _call(period_parse, code=body.validated_data["period"])
        period = _call(period_get_or_create, year=year, month=month)
        ranking_list = _call(
            services.ranking_list_compute,
            actor=request.user,
            scheme=body.validated_data["scheme"],
            period=period,
            source=self.source,
        )
        return Response(self._data(ranking_list), status=status.HTTP_201_CREATED)

    def _data(self, ranking_list: RankingList) -> Any:
        fresh = self.get_queryset().get(pk=ranking_list.pk)
        return RankingListDetailSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(
        request=None, responses={200: RankingListDetailSerializer}, summary="Publish and freeze a draft list"
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        ranking_list = self.get_object()
        _call(
            services.ranking_list_publish, actor=request.user, ranking_list=ranking_list, source=self.source
        )
        return Response(self._data(ranking_list))

    @extend_schema(
        request=RankingListExemptSerializer,
        responses={200: RankingListDetailSerializer},
        summary="Exempt a unit from a draft list for force majeure (plan office)",
    )
    @action(detail=True, methods=["post"])
    def exempt(self, request: Request, pk: str | None = None) -> Response:
        ranking_list = self.get_object()
        body = RankingListExemptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        unit = project = None
        if ranking_list.scheme.subject == Subject.PROJECTS:
            project = KeyProject.objects.filter(code=body.validated_data.get("project", "")).first()
            if project is None:
                raise exceptions.ValidationError({"project": ["not a project of the list"]})
        else:
            unit = (
                selectors.group_units(scheme=ranking_list.scheme)
                .filter(code=body.validated_data.get("unit", ""))
                .first()
            )
            if unit is None:
                raise exceptions.ValidationError({"unit": ["not a unit of the list's peer group"]})
        _call(
            services.ranking_exempt,
            actor=request.user,
            ranking_list=ranking_list,
            unit=unit,
            project=project,
            reason=body.validated_data["reason"],
            source=self.source,
        )
        return Response(self._data(ranking_list))


class RankingSchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Red/black list schemes (红黑榜方案): subject, peer group, project filters, weights, N and M,
    the target rule."""

    serializer_class = RankingSchemeSerializer
    pagination_class = Pagination
    queryset = RankingScheme.objects.all()

    def get_queryset(self) -> Any:
        return restrict(self.request.user, "view", RankingScheme.objects.all())


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("ranking-lists", RankingListViewSet, basename="ranking-list")
    router.register("ranking-schemes", RankingSchemeViewSet, basename="ranking-scheme")
