"""REST API of the villages (read only; the pages and their services write):

* ``/api/villages`` — the villages with township, county and demonstration designation;
* ``/api/toilet-programme`` — each village's programme of a year (planned, built, accepted) with
  its acceptance records;
* ``/api/scorecards`` — the settlement-environment scores with their item lines;
* ``/api/collective-incomes`` — the collective incomes with operating and total income and tier.

Every signed-in user with a role reads them; filters ``?year=`` and ``?county=`` (a unit code).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, viewsets

from jingjin.core.api import Pagination, clean_param
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import SignedInPermission
from jingjin.villages.models import (
    CollectiveIncome,
    DemoVillage,
    Scorecard,
    ScoreLine,
    ToiletAcceptance,
    ToiletPlan,
)

FILTERS = [
    OpenApiParameter("year", int, description="the year"),
    OpenApiParameter("county", str, description="a county's unit code"),
]


class _ReadOnly(SignedInPermission):
    """Read: every signed-in user with a role; no write."""


def _filtered(request: Any, queryset: QuerySet[Any], village: str, year: bool = True) -> QuerySet[Any]:
    text = clean_param(request, "year").strip()
    if year and text:
        if not text.isdigit():
            raise exceptions.ValidationError({"year": "must be a year"})
        queryset = queryset.filter(year=int(text))
    county = clean_param(request, "county").strip()
    if county:
        queryset = queryset.filter(Q(**{f"{village}parent__parent__code": county}))
    return queryset


class VillagesDemoSerializer(serializers.ModelSerializer):
    class Meta:
        model = DemoVillage
        fields = ["year", "level", "theme"]


class VillagesUnitSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="parent.code", read_only=True, allow_null=True)
    county = serializers.CharField(source="parent.parent.code", read_only=True, allow_null=True, default=None)
    demonstration = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = ["code", "name_zh", "name_en", "township", "county", "is_synthetic", "demonstration"]

    def get_demonstration(self, obj: Unit) -> dict[str, Any] | None:
        demo = getattr(obj, "demo_village", None)
        return VillagesDemoSerializer(demo).data if demo is not None else None


class VillagesAcceptanceSerializer(serializers.ModelSerializer):
    class Meta:
        model = ToiletAcceptance
        fields = ["date", "inspector", "households", "problems"]


class VillagesToiletSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)
    acceptances = VillagesAcceptanceSerializer(many=True, read_only=True)

    class Meta:
        model = ToiletPlan
        fields = ["id", "village", "year", "planned", "built", "accepted", "acceptances", "is_synthetic"]


class VillagesScoreLineSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.code", read_only=True)
    max_points = serializers.DecimalField(
        source="item.points", max_digits=6, decimal_places=1, read_only=True
    )

    class Meta:
        model = ScoreLine
        fields = ["item", "points", "max_points", "note"]


class VillagesScorecardSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)
    year = serializers.IntegerField(source="scheme.year", read_only=True)
    lines = VillagesScoreLineSerializer(many=True, read_only=True)

    class Meta:
        model = Scorecard
        fields = ["id", "village", "year", "date", "inspector", "total", "lines", "is_synthetic"]


class VillagesIncomeSerializer(serializers.ModelSerializer):
    village = serializers.CharField(source="village.code", read_only=True)

    class Meta:
        model = CollectiveIncome
        fields = [
            "id",
            "village",
            "year",
            "business",
            "contracting",
            "investment",
            "other_operating",
            "subsidies",
            "other",
            "operating_income",
            "total_income",
            "tier",
            "is_synthetic",
        ]


class _List(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [_ReadOnly]
    pagination_class = Pagination


@extend_schema_view(list=extend_schema(parameters=[FILTERS[1]]))
class VillageViewSet(_List):
    """The villages (村), with township, county and demonstration designation."""

    serializer_class = VillagesUnitSerializer
    queryset = Unit.objects.none()

    def get_queryset(self) -> Any:
        villages = Unit.objects.filter(kind=UnitKind.VILLAGE).select_related("parent__parent", "demo_village")
        return _filtered(self.request, villages, "", year=False).order_by("code")


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class ToiletViewSet(_List):
    """The toilet programme (户厕改造) by village and year, with acceptances."""

    serializer_class = VillagesToiletSerializer
    queryset = ToiletPlan.objects.none()

    def get_queryset(self) -> Any:
        plans = ToiletPlan.objects.select_related("village").prefetch_related("acceptances")
        return _filtered(self.request, plans, "village__").order_by("-year", "village__code")


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class ScorecardViewSet(_List):
    """The settlement-environment scores (人居环境评分) with their item lines."""

    serializer_class = VillagesScorecardSerializer
    queryset = Scorecard.objects.none()

    def get_queryset(self) -> Any:
        cards = Scorecard.objects.select_related("village", "scheme").prefetch_related("lines__item")
        text = clean_param(self.request, "year").strip()
        if text:
            if not text.isdigit():
                raise exceptions.ValidationError({"year": "must be a year"})
            cards = cards.filter(scheme__year=int(text))
        return _filtered(self.request, cards, "village__", year=False).order_by(
            "-scheme__year", "-total", "id"
        )


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class IncomeViewSet(_List):
    """The village collective incomes (村集体经济, 万元) with operating and total income and tier."""

    serializer_class = VillagesIncomeSerializer
    queryset = CollectiveIncome.objects.none()

    def get_queryset(self) -> Any:
        incomes = CollectiveIncome.objects.select_related("village")
        return _filtered(self.request, incomes, "village__").order_by("-year", "village__code")


def register(router: Any) -> None:
    """Add the villages' viewsets to the project's API router."""
    router.register("villages", VillageViewSet, basename="village")
    router.register("toilet-programme", ToiletViewSet, basename="toilet-programme")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("collective-incomes", IncomeViewSet, basename="collective-income")
