"""REST API of the attraction pipeline (靶向招引): ``/api/attraction-leads`` (list with filters,
detail, create, change, and ``POST /api/attraction-leads/{id}/move`` with stage, date and reason)
and ``/api/attraction-candidates`` (read).

Everyone with a role reads. A lead is added by the plan office or a unit user (for its unit or a
unit below it: :func:`~jingjin.core.permissions.may_add_attraction_leads`), changed and moved by
the users of its owner unit and the plan office
(:func:`~jingjin.core.permissions.may_move_attraction_lead`); the stage changes only through
``move`` (the state rules of :mod:`jingjin.parks.attraction_services`). Nothing is deleted: a lead
that goes nowhere is dropped (终止) with a reason.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import CodeRelatedField, Pagination, UnitCodeField, clean_param
from jingjin.core.bounds import BoundedModelSerializer, DateInYears
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_add_attraction_leads,
    may_move_attraction_lead,
)
from jingjin.parks import attraction_selectors, attraction_services
from jingjin.parks.api import ParkCodeField
from jingjin.parks.attraction_choices import LeadStageName
from jingjin.parks.models import TEXT_MAX, AttractionLead, CandidateFirm, ChainLink


class LeadPermission(SignedInPermission):
    """Reads for every role; a new lead for those who may add leads; a change or a move for
    those who may move the lead."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method == "POST" and getattr(view, "action", "") == "create":
            return may_add_attraction_leads(request.user)
        return True

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_move_attraction_lead(user, obj)


class LeadStageSerializer(serializers.Serializer):
    stage = serializers.CharField()
    date = serializers.DateField()
    reason = serializers.CharField()
    user_name = serializers.CharField()


class LeadSerializer(BoundedModelSerializer):
    candidate = serializers.SlugRelatedField(
        slug_field="name", queryset=CandidateFirm.objects.all(), required=False, allow_null=True
    )
    chain_links = CodeRelatedField(
        slug_field="code", queryset=ChainLink.objects.all(), many=True, required=False
    )
    park = ParkCodeField(required=False, allow_null=True)
    owner_unit = UnitCodeField()
    firm_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date = serializers.DateField(
        write_only=True, required=False, validators=[DateInYears()], help_text="the date of the lead (create)"
    )
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    stale = serializers.SerializerMethodField()
    history = LeadStageSerializer(source="stages", many=True, read_only=True)

    class Meta:
        model = AttractionLead
        fields = [
            "id",
            "candidate",
            "firm_name",
            "chain_links",
            "park",
            "owner_unit",
            "owner_person",
            "stage",
            "reached",
            "stage_date",
            "date",
            "drop_reason",
            "planned_investment",
            "notes",
            "project",
            "stale",
            "history",
            "is_synthetic",
        ]
        read_only_fields = ["stage", "reached", "stage_date", "drop_reason", "is_synthetic"]

    @extend_schema_field(serializers.BooleanField())
    def get_stale(self, lead: AttractionLead) -> bool:
        return attraction_selectors.is_stale(lead.stage, lead.stage_date)


class MoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=LeadStageName.choices)
    date = serializers.DateField(validators=[DateInYears()])
    reason = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class CandidateSerializer(BoundedModelSerializer):
    industry = serializers.SlugRelatedField(slug_field="code", read_only=True)
    chain_links = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = CandidateFirm
        fields = [
            "id",
            "name",
            "credit_code",
            "industry",
            "chain_links",
            "fortune500",
            "is_industry_leader",
            "is_hidden_champion",
            "is_hq",
            "is_soe",
            "is_foreign",
            "is_specialised",
            "source",
            "is_synthetic",
        ]


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


LEAD_FILTERS = [
    OpenApiParameter("chain", str, description="chain code"),
    OpenApiParameter("park", str, description="park unit code"),
    OpenApiParameter("owner", str, description="owner unit code"),
    OpenApiParameter("stage", str, enum=list(LeadStageName.values), description="stage"),
    OpenApiParameter("stale", bool, description="stale leads only"),
]


@extend_schema_view(list=extend_schema(parameters=LEAD_FILTERS))
class AttractionLeadViewSet(viewsets.ModelViewSet):
    """Attraction leads (招商线索): firm, chain links, park, owner, stage with its history, planned
    investment (万元), the key project once signed, the stale flag."""

    queryset = AttractionLead.objects.select_related(
        "candidate", "park__unit", "owner_unit", "project"
    ).prefetch_related("chain_links", "stages")
    serializer_class = LeadSerializer
    permission_classes = [LeadPermission]
    pagination_class = Pagination
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self) -> Any:
        if self.action != "list":
            return self.queryset.restrict(self.request.user, "view")
        stage = clean_param(self.request, "stage")
        if stage and stage not in LeadStageName.values:
            raise exceptions.ValidationError({"stage": f"must be one of {', '.join(LeadStageName.values)}"})
        filters = attraction_selectors.LeadFilters(
            chain=clean_param(self.request, "chain"),
            park=clean_param(self.request, "park"),
            owner=clean_param(self.request, "owner"),
            stage=stage,
            stale=clean_param(self.request, "stale") in ("1", "true"),
        )
        return attraction_selectors.lead_list(user=self.request.user, filters=filters).prefetch_related(
            "stages"
        )

    def perform_create(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        on = data.pop("date", None)
        serializer.instance = _call(
            attraction_services.lead_create, actor=self.request.user, data=data, stage_date=on, source="api"
        )

    def perform_update(self, serializer: Any) -> None:
        data = dict(serializer.validated_data)
        if "date" in data:
            raise exceptions.ValidationError({"date": "the date changes with a move"})
        serializer.instance = _call(
            attraction_services.lead_update,
            actor=self.request.user,
            lead=serializer.instance,
            data=data,
            source="api",
        )

    @extend_schema(request=MoveSerializer, responses=LeadSerializer, summary="Move the lead to a stage")
    @action(detail=True, methods=["post"], url_path="move", url_name="move")
    def move(self, request: Request, pk: Any = None) -> Response:
        lead = self.get_object()
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lead = _call(
            attraction_services.lead_move,
            actor=request.user,
            lead=lead,
            stage=body.validated_data["stage"],
            on=body.validated_data["date"],
            reason=body.validated_data.get("reason", ""),
            source="api",
        )
        return Response(LeadSerializer(self.get_queryset().get(pk=lead.pk)).data)


class CandidateViewSet(viewsets.ReadOnlyModelViewSet):
    """Candidate firms of the targeted attraction list (靶向招引名单) with the links they would fill."""

    queryset = CandidateFirm.objects.select_related("industry").prefetch_related("chain_links")
    serializer_class = CandidateSerializer
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        return self.queryset.restrict(self.request.user, "view")


def register(router: Any) -> None:
    """Add this module's viewsets to the project's API router."""
    router.register("attraction-leads", AttractionLeadViewSet, basename="attraction-lead")
    router.register("attraction-candidates", CandidateViewSet, basename="attraction-candidate")
