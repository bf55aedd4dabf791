"""REST API of project campaigns (攻坚大会战): ``/api/campaigns``.

Every signed-in user with a role lists and reads the campaigns; the plan office creates them
(POST) and changes them (PUT, PATCH). A campaign's detail carries its ``figures`` as of the month
being reported on (or ``?period=YYYY-MM``): projects, projects started, investment completed in the
window and the share of each target (:mod:`jingjin.projects.campaign_selectors`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import CodeRelatedField, Pagination, UnitCodeField, clean_param
from jingjin.core.bounds import BoundedModelSerializer
from jingjin.core.permissions import PermissionDenied, SignedInPermission, has_role, may_manage_campaigns
from jingjin.projects import campaign_selectors as selectors
from jingjin.projects import campaign_services as services
from jingjin.projects.models import Campaign, KeyProject

PERIOD = OpenApiParameter("period", str, description="as-of month of the figures, YYYY-MM")


class CampaignPermission(SignedInPermission):
    """Read: every signed-in user with a role; create and change: :func:`may_manage_campaigns`."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if request.method == "POST":
            return may_manage_campaigns(request.user)
        return has_role(request.user)

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_manage_campaigns(user)


class CampaignSerializer(BoundedModelSerializer):  # type: ignore[type-arg]
    lead_unit = UnitCodeField(required=False, allow_null=True)
    projects = CodeRelatedField(
        slug_field="code", many=True, required=False, queryset=KeyProject.objects.all()
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "start",
            "end",
            "lead_unit",
            "target_started",
            "target_investment",
            "description",
            "projects",
            "is_synthetic",
        ]
        read_only_fields = ["is_synthetic"]


def _figures(campaign: Campaign, period: str) -> dict[str, Any]:
    from jingjin.dashboard.services import period_resolve

    try:
        resolved = period_resolve(code=period)
    except DjangoValidationError as exc:
        raise exceptions.ValidationError({"period": exc.messages}) from exc
    f = selectors.campaign_figures(campaign, year=resolved.year, month=resolved.month)
    return {
        "as_of": resolved.code,
        "projects": f.projects,
        "started": f.started,
        "started_pct": f.started_pct,
        "investment": round(f.investment, 2),
        "investment_pct": f.investment_pct,
    }


@extend_schema_view(retrieve=extend_schema(parameters=[PERIOD]))
class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,  # type: ignore[type-arg]
):
    """Project campaigns (攻坚大会战) with their targets and projects."""

    serializer_class = CampaignSerializer
    permission_classes = [CampaignPermission]
    pagination_class = Pagination
    queryset = Campaign.objects.none()

    def get_queryset(self) -> Any:
        return selectors.campaigns_for(self.request.user).prefetch_related("projects")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        campaign = self.get_object()
        body = dict(self.get_serializer(campaign).data)
        body["figures"] = _figures(campaign, clean_param(request, "period"))
        return Response(body)

    def _save(self, serializer: Any, *, create: bool) -> None:
        data = dict(serializer.validated_data)
        try:
            if create:
                serializer.instance = services.campaign_create(
                    actor=self.request.user, data=data, source="api"
                )
            else:
                assert isinstance(serializer.instance, Campaign)
                serializer.instance = services.campaign_update(
                    campaign=serializer.instance, actor=self.request.user, data=data, source="api"
                )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, create=True)

    def perform_update(self, serializer: Any) -> None:
        self._save(serializer, create=False)


def register(router: Any) -> None:
    """Add the campaigns' viewset to the project's API router."""
    router.register("campaigns", CampaignViewSet, basename="campaign")
