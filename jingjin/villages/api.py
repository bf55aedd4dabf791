"""REST API of the villages; writes go through the pages' services (audited), with their rules:

* ``/api/villages`` — the villages with township, county and demonstration designation;
* ``/api/toilet-programme`` — each village's programme of a year (planned, built, accepted) with
  its acceptance records;
* ``/api/scorecards`` — the settlement-environment scores with their item lines;
* ``/api/collective-incomes`` — the collective incomes with operating and total income and tier.

Every signed-in user with a role reads them; filters ``?year=`` and ``?county=`` (a unit code).
Writes, as the pages allow them (403 for a role the page refuses, 400 naming the fields):

* ``POST /api/villages/{code}/demonstration`` — designate a demonstration village (the managers);
* ``POST /api/villages/{code}/reports`` — a demonstration village's monthly report (its units);
* ``POST /api/toilet-programme`` — a village's households planned / built of a year (its units);
* ``POST /api/toilet-programme/{id}/acceptances`` — an acceptance inspection (its units);
* ``POST /api/scorecards`` — score a village on its year's scheme (the managers);
* ``POST /api/collective-incomes`` — a village's collective income of a year (its units).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Pagination, clean_param
from jingjin.core.choices import UnitKind
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_enter_any_village_data,
    may_enter_village_data,
    may_manage_villages,
)
from jingjin.villages import economy_services, score_services, services
from jingjin.villages.choices import DemoLevel
from jingjin.villages.models import (
    CollectiveIncome,
    DemoVillage,
    Scorecard,
    ScoreLine,
    ScoreScheme,
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


def _write(call: Any) -> Any:
    """Run a service; its refusals become 403 and its validation errors 400 naming the fields."""
    try:
        return call()
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


def _body(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


def _allow(allowed: bool) -> None:
    """Refuse before reading the body (a role the page refuses gets 403 whatever it sends)."""
    if not allowed:
        raise exceptions.PermissionDenied("this role may not write these data")


def _village_of(code: str) -> Unit:
    village = Unit.objects.filter(kind=UnitKind.VILLAGE, code=code).first()
    if village is None:
        raise exceptions.ValidationError({"village": "no village has this code"})
    return village


class VillagesTeamMemberSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    duty = serializers.CharField(max_length=100, required=False, default="")


class VillagesDesignateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    level = serializers.ChoiceField(choices=DemoLevel.choices)
    theme = serializers.CharField(max_length=200, required=False, default="", allow_blank=True)
    members = VillagesTeamMemberSerializer(many=True, required=False, default=list)


class VillagesReportSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    done = serializers.CharField(max_length=2000)
    problems = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
    investment = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, default=Decimal(0)
    )
    projects_completed = serializers.IntegerField(min_value=0, max_value=10_000, required=False, default=0)


class VillagesToiletWriteSerializer(serializers.Serializer):
    village = serializers.CharField(max_length=64)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    planned = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, allow_null=True)
    built = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, allow_null=True)


class VillagesAcceptanceWriteSerializer(serializers.Serializer):
    date = serializers.DateField()
    inspector = serializers.CharField(max_length=100)
    households = serializers.IntegerField(min_value=1, max_value=1_000_000)
    problems = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class VillagesScorecardWriteSerializer(serializers.Serializer):
    village = serializers.CharField(max_length=64)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    date = serializers.DateField()
    inspector = serializers.CharField(max_length=100)
    points = serializers.DictField(
        child=serializers.DecimalField(max_digits=6, decimal_places=1, min_value=0)
    )
    notes = serializers.DictField(
        child=serializers.CharField(max_length=300, allow_blank=True), required=False
    )


class VillagesIncomeWriteSerializer(serializers.Serializer):
    village = serializers.CharField(max_length=64)
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    business = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=Decimal(0))
    contracting = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=Decimal(0))
    investment = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=Decimal(0))
    other_operating = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=0, default=Decimal(0)
    )
    subsidies = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=Decimal(0))
    other = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, default=Decimal(0))


class _List(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [_ReadOnly]
    pagination_class = Pagination


@extend_schema_view(list=extend_schema(parameters=[FILTERS[1]]))
class VillageViewSet(_List):
    """The villages (村), with township, county and demonstration designation."""

    serializer_class = VillagesUnitSerializer
    queryset = Unit.objects.none()
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self) -> Any:
        villages = Unit.objects.filter(kind=UnitKind.VILLAGE).select_related("parent__parent", "demo_village")
        return _filtered(self.request, villages, "", year=False).order_by("code")

    def _reply(self, code: str) -> Response:
        village = Unit.objects.select_related("parent__parent", "demo_village").get(code=code)
        return Response(VillagesUnitSerializer(village).data, status=status.HTTP_200_OK)

    @extend_schema(request=VillagesDesignateSerializer, responses=VillagesUnitSerializer)
    @action(detail=True, methods=["post"])
    def demonstration(self, request: Request, code: str | None = None) -> Response:
        """Designate the village a demonstration village (or change its designation and team)."""
        _allow(may_manage_villages(request.user))
        village, data = _village_of(str(code)), _body(VillagesDesignateSerializer, request)
        members = [(m["name"], m.get("duty", "")) for m in data.pop("members")]
        _write(
            lambda: services.demo_village_designate(
                actor=request.user, village=village, members=members, source="api", **data
            )
        )
        return self._reply(village.code)

    @extend_schema(request=VillagesReportSerializer, responses=VillagesReportSerializer)
    @action(detail=True, methods=["post"])
    def reports(self, request: Request, code: str | None = None) -> Response:
        """Submit (or correct) a demonstration village's monthly report."""
        village = _village_of(str(code))
        _allow(may_enter_village_data(request.user, village))
        data = _body(VillagesReportSerializer, request)
        demo = DemoVillage.objects.filter(village=village).first()
        if demo is None:
            raise exceptions.ValidationError({"village": "the village is not a demonstration village"})
        report = _write(
            lambda: services.demo_village_report_submit(actor=request.user, demo=demo, source="api", **data)
        )
        return Response(VillagesReportSerializer(report).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class ToiletViewSet(_List):
    """The toilet programme (户厕改造) by village and year, with acceptances."""

    serializer_class = VillagesToiletSerializer
    queryset = ToiletPlan.objects.none()

    def get_queryset(self) -> Any:
        plans = ToiletPlan.objects.select_related("village").prefetch_related("acceptances")
        return _filtered(self.request, plans, "village__").order_by("-year", "village__code")

    @extend_schema(request=VillagesToiletWriteSerializer, responses=VillagesToiletSerializer)
    def create(self, request: Request) -> Response:
        """Record a village's households planned and built of a year (a field left out keeps its value)."""
        _allow(may_enter_any_village_data(request.user))
        data = _body(VillagesToiletWriteSerializer, request)
        village = _village_of(data.pop("village"))
        plan = _write(
            lambda: services.toilet_plan_record(actor=request.user, village=village, source="api", **data)
        )
        fresh = self.get_queryset().get(pk=plan.pk)
        return Response(VillagesToiletSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VillagesAcceptanceWriteSerializer, responses=VillagesToiletSerializer)
    @action(detail=True, methods=["post"])
    def acceptances(self, request: Request, pk: str | None = None) -> Response:
        """Record an acceptance inspection of the programme's toilets."""
        plan = ToiletPlan.objects.filter(pk=int(str(pk)) if str(pk).isdigit() else 0).first()
        if plan is None:
            raise exceptions.NotFound()
        _allow(may_enter_village_data(request.user, plan.village))
        data = _body(VillagesAcceptanceWriteSerializer, request)
        _write(
            lambda: services.toilet_acceptance_add(
                actor=request.user, plan=plan, on=data.pop("date"), source="api", **data
            )
        )
        fresh = self.get_queryset().get(pk=plan.pk)
        return Response(VillagesToiletSerializer(fresh).data, status=status.HTTP_201_CREATED)


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

    @extend_schema(request=VillagesScorecardWriteSerializer, responses=VillagesScorecardSerializer)
    def create(self, request: Request) -> Response:
        """Score a village on its year's scheme: ``points`` maps every item's code to the points given."""
        _allow(may_manage_villages(request.user))
        data = _body(VillagesScorecardWriteSerializer, request)
        village = _village_of(data["village"])
        scheme = ScoreScheme.objects.filter(year=data["year"]).first()
        if scheme is None:
            raise exceptions.ValidationError({"year": "no scheme is set for this year"})
        items = {item.code: item.pk for item in scheme.items.all()}
        unknown = sorted(set(data["points"]) - set(items))
        if unknown:
            raise exceptions.ValidationError({"points": f"not items of the scheme: {', '.join(unknown)}"})
        notes = data.get("notes") or {}
        points = {
            pk: (data["points"][code], notes.get(code, ""))
            for code, pk in items.items()
            if code in data["points"]
        }
        card = _write(
            lambda: score_services.scorecard_save(
                actor=request.user,
                scheme=scheme,
                village=village,
                on=data["date"],
                inspector=data["inspector"],
                points=points,
                source="api",
            )
        )
        fresh = self.get_queryset().get(pk=card.pk)
        return Response(VillagesScorecardSerializer(fresh).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class IncomeViewSet(_List):
    """The village collective incomes (村集体经济, 万元) with operating and total income and tier."""

    serializer_class = VillagesIncomeSerializer
    queryset = CollectiveIncome.objects.none()

    def get_queryset(self) -> Any:
        incomes = CollectiveIncome.objects.select_related("village")
        return _filtered(self.request, incomes, "village__").order_by("-year", "village__code")

    @extend_schema(request=VillagesIncomeWriteSerializer, responses=VillagesIncomeSerializer)
    def create(self, request: Request) -> Response:
        """Record a village's collective income of a year (万元); operating income, total and tier follow."""
        _allow(may_enter_any_village_data(request.user))
        data = _body(VillagesIncomeWriteSerializer, request)
        village, year = _village_of(data.pop("village")), data.pop("year")
        income = _write(
            lambda: economy_services.collective_income_save(
                actor=request.user, village=village, year=year, parts=data, source="api"
            )
        )
        return Response(VillagesIncomeSerializer(income).data, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    """Add the villages' viewsets to the project's API router."""
    router.register("villages", VillageViewSet, basename="village")
    router.register("toilet-programme", ToiletViewSet, basename="toilet-programme")
    router.register("scorecards", ScorecardViewSet, basename="scorecard")
    router.register("collective-incomes", IncomeViewSet, basename="collective-income")
