"""REST API of the per-mu evaluation: ``/api/land-campaigns`` and each campaign's firm results
``/api/land-campaigns/{id}/results`` (``?class=A``), restricted as the pages are: the plan office
and leaders every firm, a unit user the firms of its county.

Writes, through the pages' services (403 for a role the service refuses, 400 naming the field):
``POST /api/land-campaigns`` (a campaign: year, title, scheme code), ``POST …/{id}/run`` (queue
the run as a background job, 202), ``POST …/{id}/review``, ``POST …/{id}/publish`` (optional
``deadline`` of the rectifications), ``GET|POST …/{id}/appeals`` (the appeals the user sees; file
one: ``credit_code``, ``reason``) and ``POST …/{id}/appeals/{appeal}/decide`` (``accept``,
``decision``, ``corrections`` — an accepted appeal queues the run again)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import Pagination
from jingjin.core.bounds import year_validators
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_file_land_appeals,
    may_manage_land_campaigns,
)
from jingjin.land import selectors, services
from jingjin.land.forms import CORRECTION_FIELDS
from jingjin.land.models import Appeal, EvaluationCampaign, EvaluationScheme, FirmResult


class LandCampaignSerializer(serializers.ModelSerializer):
    scheme = serializers.SlugRelatedField(slug_field="code", queryset=EvaluationScheme.objects.all())
    year = serializers.IntegerField(validators=year_validators())
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
        read_only_fields = ["id", "state", "evaluated_at", "published_at", "runs", "is_synthetic"]

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


class LandAppealSerializer(serializers.ModelSerializer):
    class Meta:
        model = Appeal
        fields = [
            "id",
            "credit_code",
            "firm_name",
            "reason",
            "state",
            "corrections",
            "decision",
            "class_before",
            "class_after",
            "score_before",
            "score_after",
            "filed_at",
            "decided_at",
        ]
        read_only_fields = fields


class LandAppealFileSerializer(serializers.Serializer):
    credit_code = serializers.CharField(max_length=18)
    reason = serializers.CharField(max_length=2000)


class LandAppealDecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    decision = serializers.CharField(max_length=2000)
    corrections = serializers.DictField(child=serializers.FloatField(), required=False)

    def validate_corrections(self, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CORRECTION_FIELDS))
        if unknown:
            raise serializers.ValidationError(
                _("These columns cannot be corrected: %(names)s.") % {"names": ", ".join(unknown)}
            )
        return value


class LandPublishSerializer(serializers.Serializer):
    deadline = serializers.DateField(required=False, allow_null=True)


def _refused(exc: Exception, field: str = "state") -> exceptions.APIException:
    """The service's refusal as the API's: 403, or 400 naming the field (``field`` when the
    service names none, e.g. a step the campaign's state does not allow)."""
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    assert isinstance(exc, DjangoValidationError)
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({field: exc.messages})


class LandCampaignPermission(SignedInPermission):
    """Reading: the one rule's ``view``; a write on a campaign: the plan office or a user who may
    file appeals — each action and its service then check their own predicate."""

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_manage_land_campaigns(user) or may_file_land_appeals(user)


class LandCampaignViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Per-mu evaluation campaigns (亩均评价) by year, with their class counts; the plan office
    creates, runs, reviews and publishes them and decides the appeals."""

    serializer_class = LandCampaignSerializer
    permission_classes = [LandCampaignPermission]
    pagination_class = Pagination
    queryset = EvaluationCampaign.objects.none()

    def get_queryset(self) -> Any:
        return selectors.campaigns_for(self.request.user)

    def _office(self, request: Request) -> None:
        if not may_manage_land_campaigns(request.user):
            raise exceptions.PermissionDenied("only the plan office manages the campaigns")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self._office(request)
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        try:
            serializer.instance = services.campaign_create(
                actor=self.request.user, source="api", **serializer.validated_data
            )
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _refused(exc, "year") from exc

    def _campaign(self, campaign: EvaluationCampaign) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=campaign.pk)).data)

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

    @extend_schema(request=None, responses={202: dict})
    @action(detail=True, methods=["post"])
    def run(self, request: Request, pk: str | None = None) -> Response:
        """Queue the campaign's run (the plan office); the job's id and state."""
        try:
            job = services.campaign_queue_run(actor=request.user, campaign=self.get_object(), source="api")
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _refused(exc) from exc
        return Response({"job": job.pk, "state": job.state}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=LandCampaignSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        """Evaluated → under review: appeals open."""
        campaign = self.get_object()
        try:
            services.campaign_start_review(actor=request.user, campaign=campaign, source="api")
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _refused(exc) from exc
        return self._campaign(campaign)

    @extend_schema(request=LandPublishSerializer, responses=LandCampaignSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Under review → published; every D-class firm gets a rectification due by ``deadline``."""
        campaign = self.get_object()
        self._office(request)
        body = LandPublishSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.campaign_publish(
                actor=request.user,
                campaign=campaign,
                deadline=body.validated_data.get("deadline"),
                source="api",
            )
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _refused(exc) from exc
        return self._campaign(campaign)

    @extend_schema(request=LandAppealFileSerializer, responses=LandAppealSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def appeals(self, request: Request, pk: str | None = None) -> Response:
        """The campaign's appeals the user sees (GET), or file one for a firm the user sees (POST)."""
        campaign = self.get_object()
        if request.method == "GET":
            rows = selectors.appeals_for(request.user, campaign)
            return Response(LandAppealSerializer(rows, many=True).data)
        if not may_file_land_appeals(request.user):
            raise exceptions.PermissionDenied("may not file appeals")
        body = LandAppealFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        code = body.validated_data["credit_code"].strip().upper()
        if not selectors.results_for(request.user, campaign).filter(credit_code=code).exists():
            raise exceptions.ValidationError({"credit_code": [_("The firm is not in this campaign.")]})
        try:
            appeal = services.appeal_file(
                actor=request.user,
                campaign=campaign,
                credit_code=code,
                reason=body.validated_data["reason"],
                source="api",
            )
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _refused(exc) from exc
        return Response(LandAppealSerializer(appeal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LandAppealDecisionSerializer, responses=LandAppealSerializer)
    @action(detail=True, methods=["post"], url_path=r"appeals/(?P<appeal>[0-9]+)/decide")
    def decide(self, request: Request, pk: str | None = None, appeal: str = "") -> Response:
        """Accept an appeal with corrected data (the run is queued again) or reject it with a
        reason — the plan office."""
        campaign = self.get_object()
        self._office(request)
        item = get_object_or_404(selectors.appeals_for(request.user, campaign), pk=appeal)
        body = LandAppealDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            item = services.appeal_decide(
                actor=request.user,
                appeal=item,
                accept=data["accept"],
                decision=data["decision"],
                corrections=data.get("corrections") or {},
                source="api",
            )
            if data["accept"]:
                services.campaign_queue_run(actor=request.user, campaign=campaign, source="api")
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _refused(exc) from exc
        return Response(LandAppealSerializer(item).data)


def register(router: Any) -> None:
    router.register("land-campaigns", LandCampaignViewSet, basename="land-campaign")
