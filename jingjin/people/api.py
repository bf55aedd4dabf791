"""REST API of talent and party building (issue 17): ``/api/talents``, ``/api/challenges``,
``/api/party-organisations`` and ``/api/party-warnings``.

Talents: the managers (personnel officers, the plan office) read every talent with the personal
fields in full; unit users their unit's talents, masked; leaders and others an empty list (they
read counts on the pages). Each ``GET /api/talents/{id}`` is written to the access log.
Challenges: every signed-in user reads them; the managers create drafts and take the steps after
the draft as actions on ``/api/challenges/{id}/``: ``publish``, ``bid`` (``team`` code, ``plan``,
``budget_asked``), ``select`` (``bid`` id, ``reason``), ``milestone`` (``name``, ``planned``),
``reach`` (``milestone`` id, ``reached``, ``note``) and ``accept`` (``passed``, ``reason``: passed
or failed, which closes the challenge) — the services and state rules of the pages. Party organisations and
their warnings: the managers all, unit users their unit's; ``POST /api/party-warnings/{id}/rectify``
records the rectification plan (``plan``, ``deadline``) or, with ``note``, that it was done.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core import permissions as P
from jingjin.core.api import UnitCodeField
from jingjin.core.bounds import BoundedModelSerializer
from jingjin.core.pagination import Pagination
from jingjin.people import challenge_services, selectors, services, warning_services
from jingjin.people.models import (
    Bid,
    Challenge,
    ChallengeMilestone,
    PartyOrg,
    PartyWarning,
    Talent,
    TalentTeam,
)


def _refusal(exc: Exception) -> Exception:
    if isinstance(exc, P.PermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    assert isinstance(exc, DjangoValidationError)
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class PeopleTalentSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    team = serializers.SlugRelatedField(slug_field="code", read_only=True)
    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    birth_date = serializers.SerializerMethodField()

    class Meta:
        model = Talent
        fields = [
            "id",
            "code",
            "name",
            "category",
            "unit",
            "title",
            "field",
            "team",
            "recognised_on",
            "id_number",
            "phone",
            "birth_date",
            "is_synthetic",
        ]

    def _personal(self, obj: Talent) -> dict[str, str]:
        return selectors.personal_fields(self.context["request"].user, obj)

    def get_id_number(self, obj: Talent) -> str:
        return self._personal(obj)["id_number"]

    def get_phone(self, obj: Talent) -> str:
        return self._personal(obj)["phone"]

    def get_birth_date(self, obj: Talent) -> str:
        return self._personal(obj)["birth_date"]


class PeoplePermission(P.SignedInPermission):
    """Signed-in users with a role list; one object as the viewset's ``may_see`` says."""

    def may_read(self, user: Any, obj: Any) -> bool:
        if isinstance(obj, Talent):
            return P.may_see_talent(user, obj)
        if isinstance(obj, PartyOrg):
            return P.may_see_party_org(user, obj)
        if isinstance(obj, PartyWarning):
            return P.may_see_party_org(user, obj.org)
        return P.has_role(user)

    def may_act(self, user: Any, obj: Any) -> bool:
        if isinstance(obj, PartyWarning):
            return P.may_edit_party_org(user, obj.org)
        return P.may_manage_challenges(user)


class TalentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The talent pool (人才库), scoped and masked per role; each record read is logged."""

    serializer_class = PeopleTalentSerializer
    permission_classes = [PeoplePermission]
    pagination_class = Pagination
    queryset = Talent.objects.none()

    def get_queryset(self) -> Any:
        return selectors.talents_for(self.request.user).order_by("code")

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        talent = self.get_object()
        services.talent_viewed(actor=request.user, talent=talent, source="api")
        return Response(self.get_serializer(talent).data)


class PeopleBidSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Bid
        fields = ["id", "team", "plan", "budget_asked", "submitted_on", "selected"]


class PeopleMilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChallengeMilestone
        fields = ["id", "name", "planned", "reached", "note"]


class PeopleChallengeSerializer(BoundedModelSerializer):
    unit = UnitCodeField()
    bids = PeopleBidSerializer(many=True, read_only=True)
    milestones = PeopleMilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Challenge
        fields = [
            "id",
            "code",
            "title",
            "goal",
            "budget",
            "deadline",
            "evaluation",
            "unit",
            "state",
            "published_on",
            "selection_reason",
            "acceptance_reason",
            "accepted_on",
            "bids",
            "milestones",
            "is_synthetic",
        ]
        read_only_fields = [
            "state",
            "published_on",
            "selection_reason",
            "acceptance_reason",
            "accepted_on",
            "is_synthetic",
        ]


class PeopleNoBodySerializer(serializers.Serializer):
    """A step without fields (publish)."""


class PeopleBidBodySerializer(serializers.Serializer):
    team = serializers.SlugRelatedField(slug_field="code", queryset=TalentTeam.objects.all())
    plan = serializers.CharField(max_length=4000)
    budget_asked = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0, max_value=10**11)
    submitted_on = serializers.DateField(required=False)


class PeopleSelectBodySerializer(serializers.Serializer):
    bid = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=4000, allow_blank=True)

    def validate_bid(self, value: int) -> Bid:
        bid = Bid.objects.filter(pk=value, challenge=self.context["challenge"]).first()
        if bid is None:
            raise serializers.ValidationError("not a bid of this challenge")
        return bid


class PeopleMilestoneBodySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    planned = serializers.DateField()


class PeopleReachBodySerializer(serializers.Serializer):
    milestone = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reached = serializers.DateField()
    note = serializers.CharField(max_length=400, required=False, allow_blank=True, default="")

    def validate_milestone(self, value: int) -> ChallengeMilestone:
        milestone = ChallengeMilestone.objects.filter(pk=value, challenge=self.context["challenge"]).first()
        if milestone is None:
            raise serializers.ValidationError("not a milestone of this challenge")
        return milestone


class PeopleAcceptBodySerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class ChallengeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The 揭榜挂帅 challenge board; the managers create drafts and take the steps (actions)."""

    serializer_class = PeopleChallengeSerializer
    permission_classes = [PeoplePermission]
    pagination_class = Pagination
    queryset = Challenge.objects.none()

    def get_queryset(self) -> Any:
        return selectors.challenges_for(self.request.user).prefetch_related("bids__team", "milestones")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not P.may_manage_challenges(request.user):
            raise exceptions.PermissionDenied()
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        try:
            serializer.instance = challenge_services.challenge_save(
                actor=self.request.user, data=dict(serializer.validated_data), source="api"
            )
        except (P.PermissionDenied, DjangoValidationError) as exc:
            raise _refusal(exc) from exc

    def _step(self, request: Request, body_class: type[serializers.Serializer], run: Any) -> Response:
        """Check the step's body, run the service ``run(challenge, data)``, answer the challenge."""
        challenge = self.get_object()
        body = body_class(data=request.data, context={"challenge": challenge})
        body.is_valid(raise_exception=True)
        try:
            run(challenge, body.validated_data)
        except (P.PermissionDenied, DjangoValidationError) as exc:
            raise _refusal(exc) from exc
        fresh = self.get_queryset().get(pk=challenge.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=None, responses=PeopleChallengeSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        """Publish a draft (its deadline must lie ahead)."""
        return self._step(
            request,
            PeopleNoBodySerializer,
            lambda c, d: challenge_services.challenge_publish(actor=request.user, challenge=c, source="api"),
        )

    @extend_schema(request=PeopleBidBodySerializer, responses=PeopleChallengeSerializer)
    @action(detail=True, methods=["post"])
    def bid(self, request: Request, pk: str | None = None) -> Response:
        """Record a team's bid on a published challenge."""
        return self._step(
            request,
            PeopleBidBodySerializer,
            lambda c, d: challenge_services.bid_record(actor=request.user, challenge=c, source="api", **d),
        )

    @extend_schema(request=PeopleSelectBodySerializer, responses=PeopleChallengeSerializer)
    @action(detail=True, methods=["post"])
    def select(self, request: Request, pk: str | None = None) -> Response:
        """Select a bid with the reasons (挂帅)."""
        return self._step(
            request,
            PeopleSelectBodySerializer,
            lambda c, d: challenge_services.bid_select(
                actor=request.user, bid=d["bid"], reason=d["reason"], source="api"
            ),
        )

    @extend_schema(request=PeopleMilestoneBodySerializer, responses=PeopleChallengeSerializer)
    @action(detail=True, methods=["post"])
    def milestone(self, request: Request, pk: str | None = None) -> Response:
        """Add a milestone of the selected team's work."""
        return self._step(
            request,
            PeopleMilestoneBodySerializer,
            lambda c, d: challenge_services.milestone_add(actor=request.user, challenge=c, source="api", **d),
        )

    @extend_schema(request=PeopleReachBodySerializer, responses=PeopleChallengeSerializer)
    @action(detail=True, methods=["post"])
    def reach(self, request: Request, pk: str | None = None) -> Response:
        """Record the date a milestone was reached."""
        return self._step(
            request,
            PeopleReachBodySerializer,
            lambda c, d: challenge_services.milestone_reach(actor=request.user, source="api", **d),
        )

    @extend_schema(request=PeopleAcceptBodySerializer, responses=PeopleChallengeSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        """Accept the work (验收): passed, or failed with the reasons; either closes the challenge."""
        return self._step(
            request,
            PeopleAcceptBodySerializer,
            lambda c, d: challenge_services.challenge_accept(
                actor=request.user, challenge=c, source="api", **d
            ),
        )


class PeopleOrgSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    secretary_vacant = serializers.BooleanField(read_only=True)

    class Meta:
        model = PartyOrg
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "unit",
            "members",
            "secretary",
            "secretary_vacant",
            "vacant_since",
            "founded_on",
            "is_synthetic",
        ]


class PartyOrgViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Party organisations (党组织), the managers' all, a unit user's of its unit and below."""

    serializer_class = PeopleOrgSerializer
    permission_classes = [PeoplePermission]
    pagination_class = Pagination
    queryset = PartyOrg.objects.none()

    def get_queryset(self) -> Any:
        return selectors.orgs_for(self.request.user)


class PeopleWarningSerializer(serializers.ModelSerializer):
    org = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = PartyWarning
        fields = [
            "id",
            "org",
            "level",
            "state",
            "reasons",
            "raised_on",
            "evaluated_on",
            "rectification_plan",
            "rectification_deadline",
            "rectified_on",
            "rectification_note",
            "is_synthetic",
        ]
        read_only_fields = fields


class PeopleRectifySerializer(serializers.Serializer):
    plan = serializers.CharField(required=False, max_length=4000)
    deadline = serializers.DateField(required=False)
    note = serializers.CharField(required=False, max_length=4000)


class PartyWarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Early warnings of party organisations (防瘫防软预警) with reasons and rectification."""

    serializer_class = PeopleWarningSerializer
    permission_classes = [PeoplePermission]
    pagination_class = Pagination
    queryset = PartyWarning.objects.none()

    def get_queryset(self) -> Any:
        return selectors.warnings_for(self.request.user)

    @extend_schema(request=PeopleRectifySerializer, responses=PeopleWarningSerializer)
    @action(detail=True, methods=["post"])
    def rectify(self, request: Request, pk: str | None = None) -> Response:
        warning = self.get_object()
        body = PeopleRectifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            if "note" in data:
                warning = warning_services.rectification_done(
                    actor=request.user, warning=warning, note=data["note"], source="api"
                )
            else:
                if "plan" not in data or "deadline" not in data:
                    raise exceptions.ValidationError({"plan": ["give a plan and a deadline, or a note"]})
                warning = warning_services.rectification_plan(
                    actor=request.user,
                    warning=warning,
                    plan=data["plan"],
                    deadline=data["deadline"],
                    source="api",
                )
        except (P.PermissionDenied, DjangoValidationError) as exc:
            raise _refusal(exc) from exc
        return Response(PeopleWarningSerializer(warning).data)


def register(router: Any) -> None:
    router.register("talents", TalentViewSet, basename="talent")
    router.register("challenges", ChallengeViewSet, basename="challenge")
    router.register("party-organisations", PartyOrgViewSet, basename="party-organisation")
    router.register("party-warnings", PartyWarningViewSet, basename="party-warning")
