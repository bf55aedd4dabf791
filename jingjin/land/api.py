"""REST API of the per-mu evaluation: ``/api/land-campaigns`` (read) and each campaign's firm
results ``/api/land-campaigns/{id}/results`` (``?class=A``), restricted as the pages are: the
plan office and leaders every firm, a unit user the firms of its county."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Pagination
from jingjin.core.permissions import SignedInPermission
from jingjin.land import selectors
from jingjin.land.models import EvaluationCampaign, FirmResult


class LandCampaignSerializer(serializers.ModelSerializer):
    scheme = serializers.CharField(source="scheme.code", read_only=True)
    classes = serializers.SerializerMethodField()
    firms = serializers.SerializerMethodField()

    class Meta:
        model = EvaluationCampaign
        fields = [
            "id",
            "year",
            "title",
            "scheme",
            "state",
            "evaluated_at",
            "published_at",
            "runs",
            "firms",
            "classes",
            "is_synthetic",
        ]
        read_only_fields = fields

    def get_classes(self, obj: EvaluationCampaign) -> dict[str, int]:
        return dict(obj.summary.get("classes", {}))

    def get_firms(self, obj: EvaluationCampaign) -> int:
        return int(obj.summary.get("firms", 0))


class LandFirmResultSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = FirmResult
        fields = [
            "credit_code",
            "name",
            "county",
            "park_name",
            "industry_name",
            "above_scale",
            "land_mu",
            "inputs",
            "indicators",
            "points",
            "score",
            "firm_class",
            "rank",
            "flags",
            "explanation",
        ]
        read_only_fields = fields


class LandCampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Per-mu evaluation campaigns (亩均评价) by year, with their class counts."""

    serializer_class = LandCampaignSerializer
    permission_classes = [SignedInPermission]
    pagination_class = Pagination
    queryset = EvaluationCampaign.objects.none()

    def get_queryset(self) -> Any:
        return selectors.campaigns_for(self.request.user)

    @extend_schema(
        responses=LandFirmResultSerializer(many=True),
        parameters=[OpenApiParameter("class", str, description="A, B, C, D, or - (not graded)")],
    )
    @action(detail=True, methods=["get"], url_path="results", pagination_class=Pagination)
    def results(self, request: Request, pk: str | None = None) -> Response:
        """The campaign's firm results the user may see, by rank."""
        campaign = self.get_object()
        rows = selectors.search(
            selectors.results_for(request.user, campaign).select_related("county"),
            firm_class=str(request.query_params.get("class", ""))[:1],
        )
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(LandFirmResultSerializer(page, many=True).data)


def register(router: Any) -> None:
    router.register("land-campaigns", LandCampaignViewSet, basename="land-campaign")
