"""REST API of the park registers: ``/api/industries``, ``/api/parks``, ``/api/chains`` (links
nested), ``/api/clusters`` (years nested) read; ``/api/firms`` read and written.

Every signed-in user with a role reads. On ``/api/firms`` the plan office adds and deletes; the
plan office and the unit users whose scope holds a firm's park or county change it (the fields
:func:`jingjin.core.permissions.editable_fields` allows); every write goes through the audited
services. The registers themselves are filled by the imports (pages ``/parks/import/…``).
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, viewsets

from jingjin.core.api import CodeRelatedField, Pagination, RestrictedViewSet, UnitCodeField, clean_param
from jingjin.core.bounds import BoundedModelSerializer
from jingjin.parks import selectors
from jingjin.parks.models import Chain, ChainLink, Cluster, ClusterYear, Firm, Industry, Park


def _codes(model: Any, **kwargs: Any) -> CodeRelatedField:
    return CodeRelatedField(slug_field="code", queryset=model.objects.all(), **kwargs)


@extend_schema_field(serializers.CharField())
class ParkCodeField(CodeRelatedField):
    """A park by the code of its unit."""

    def __init__(self, **kwargs: Any):
        super().__init__(slug_field="unit__code", queryset=Park.objects.select_related("unit"), **kwargs)

    def to_representation(self, obj: Park) -> str:
        return obj.unit.code


class IndustrySerializer(BoundedModelSerializer):
    parent = _codes(Industry, required=False, allow_null=True)

    class Meta:
        model = Industry
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "parent",
            "gbt4754",
            "system_tier",
            "position",
            "is_synthetic",
        ]


class ParkSerializer(BoundedModelSerializer):
    unit = UnitCodeField()
    name_zh = serializers.CharField(source="unit.name_zh", read_only=True)
    name_en = serializers.CharField(source="unit.name_en", read_only=True)
    county = UnitCodeField(required=False, allow_null=True)
    leading_industries = _codes(Industry, many=True, required=False)
    industries = _codes(Industry, many=True, required=False)
    leading_cap = serializers.SerializerMethodField()
    over_cap = serializers.SerializerMethodField()

    class Meta:
        model = Park
        fields = [
            "id",
            "unit",
            "name_zh",
            "name_en",
            "level",
            "county",
            "area_km2",
            "leading_industries",
            "industries",
            "leading_cap",
            "over_cap",
            "is_synthetic",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_leading_cap(self, park: Park) -> int | None:
        return selectors.leading_cap(park.level)

    @extend_schema_field(serializers.BooleanField())
    def get_over_cap(self, park: Park) -> bool:
        count = len(park.leading_industries.all())
        return selectors.leading_cap_exceeded(level=park.level, leading_count=count)


class ChainLinkSerializer(BoundedModelSerializer):
    class Meta:
        model = ChainLink
        fields = ["id", "code", "name_zh", "name_en", "position", "order", "importance", "reference_output"]


class ChainSerializer(BoundedModelSerializer):
    lead_unit = UnitCodeField(required=False, allow_null=True)
    industry = _codes(Industry, required=False, allow_null=True)
    links = ChainLinkSerializer(many=True, read_only=True)

    class Meta:
        model = Chain
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "chain_leader",
            "chain_leader_post",
            "lead_unit",
            "industry",
            "position",
            "links",
            "is_synthetic",
        ]


class ClusterYearSerializer(BoundedModelSerializer):
    class Meta:
        model = ClusterYear
        fields = ["year", "target_output", "actual_output"]


class ClusterSerializer(BoundedModelSerializer):
    industries = _codes(Industry, many=True, required=False)
    years = ClusterYearSerializer(many=True, read_only=True)

    class Meta:
        model = Cluster
        fields = ["id", "code", "name_zh", "name_en", "industries", "position", "years", "is_synthetic"]


class FirmSerializer(BoundedModelSerializer):
    park = ParkCodeField(required=False, allow_null=True)
    county = UnitCodeField(required=False, allow_null=True)
    industry = _codes(Industry, required=False, allow_null=True)
    chain_links = _codes(ChainLink, many=True, required=False)

    class Meta:
        model = Firm
        fields = [
            "id",
            "name",
            "credit_code",
            "park",
            "county",
            "industry",
            "chain_links",
            "output",
            "tax",
            "employees",
            "fortune500",
            "is_industry_leader",
            "is_hidden_champion",
            "is_specialised",
            "is_hq",
            "is_soe",
            "is_foreign",
            "is_synthetic",
        ]
        read_only_fields = ["is_synthetic"]

    def validate_credit_code(self, value: str) -> str:
        if self.instance is not None and value != self.instance.credit_code:
            raise serializers.ValidationError("the credit code of a firm does not change")
        return value


class _ReadOnly(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        return self.queryset.restrict(self.request.user, "view")


class IndustryViewSet(_ReadOnly):
    """Industries and sub-industries (产业 / 细分产业) of the 3+3+3 system."""

    queryset = Industry.objects.select_related("parent")
    serializer_class = IndustrySerializer


class ParkViewSet(_ReadOnly):
    """Industrial parks (产业园区): level, county, area (km²), leading industries and their cap."""

    queryset = Park.objects.select_related("unit", "county").prefetch_related(
        "leading_industries", "industries"
    )
    serializer_class = ParkSerializer


class ChainViewSet(_ReadOnly):
    """Industrial chains (产业链) with the chain leader (链长) and the links up-, mid- and downstream."""

    queryset = Chain.objects.select_related("lead_unit", "industry").prefetch_related("links")
    serializer_class = ChainSerializer


class ClusterViewSet(_ReadOnly):
    """100-billion-yuan clusters (千亿级产业集群) with their yearly target and actual output (亿元)."""

    queryset = Cluster.objects.prefetch_related("industries", "years")
    serializer_class = ClusterSerializer


FIRM_FILTERS = [
    OpenApiParameter("park", str, description="park unit code"),
    OpenApiParameter("county", str, description="county unit code"),
    OpenApiParameter("chain", str, description="chain code"),
    OpenApiParameter("link", str, description="chain link code"),
    OpenApiParameter("industry", str, description="industry code (with its sub-industries)"),
    OpenApiParameter("category", str, enum=list(selectors.CATEGORIES), description="firm category"),
    OpenApiParameter("q", str, description="part of the name or the credit code"),
]


@extend_schema_view(list=extend_schema(parameters=FIRM_FILTERS))
class FirmViewSet(RestrictedViewSet):
    """Firms (企业) with their chain links, output, tax, employees and categories (firm_category)."""

    queryset = Firm.objects.select_related("park__unit", "county", "industry").prefetch_related("chain_links")
    serializer_class = FirmSerializer

    def get_queryset(self) -> Any:
        if self.action != "list":
            return super().get_queryset()
        category = clean_param(self.request, "category")
        if category and category not in selectors.CATEGORIES:
            raise exceptions.ValidationError(
                {"category": f"must be one of {', '.join(selectors.CATEGORIES)}"}
            )
        filters = selectors.FirmFilters(
            **{
                name: clean_param(self.request, name)
                for name in ("park", "county", "chain", "link", "industry", "q")
            },
            category=category,
        )
        return selectors.firm_list(user=self.request.user, filters=filters).prefetch_related("chain_links")


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("industries", IndustryViewSet, basename="industry")
    router.register("parks", ParkViewSet, basename="park")
    router.register("chains", ChainViewSet, basename="chain")
    router.register("clusters", ClusterViewSet, basename="cluster")
    router.register("firms", FirmViewSet, basename="firm")
