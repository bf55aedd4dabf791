"""REST API of appeals (异议) on red/black lists and on scheme runs: ``/api/appeals``.

* GET — the appeals the user sees (the plan office and leaders: all; a unit user: its unit's and
  below), filter ``?state=filed|accepted|rejected`` and ``?ranking_list=<id>``;
* POST — file an appeal: ``ranking_list`` (id of a published list), ``unit`` (code; on a project
  list ``project``, code), ``reason``, and ``evidence`` files (multipart), within the window;
* POST ``/api/appeals/<id>/decide`` — the plan office: ``outcome`` accept (with ``corrections``,
  criterion → % on a list, criterion key → figure on a run, and/or ``exempt``) or reject, and the
  ``decision`` (the reason).

Every write goes through :mod:`jingjin.appeals.services`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.appeals import selectors, services
from jingjin.appeals.choices import AppealState
from jingjin.appeals.models import Appeal
from jingjin.assessment.selectors import visible_lists
from jingjin.core.api import Pagination, clean_param
from jingjin.core.models import Unit
from jingjin.core.permissions import PermissionDenied, has_role, may_decide_appeals, may_file_appeals


class AppealSerializer(serializers.ModelSerializer):
    ranking_list = serializers.PrimaryKeyRelatedField(read_only=True)
    scheme_run = serializers.PrimaryKeyRelatedField(read_only=True)
    scheme = serializers.SerializerMethodField()
    period = serializers.SerializerMethodField()
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    project = serializers.SlugRelatedField(slug_field="code", read_only=True)
    mark = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "id",
            "ranking_list",
            "scheme_run",
            "scheme",
            "period",
            "unit",
            "project",
            "reason",
            "state",
            "mark",
            "corrections",
            "exempted",
            "decision",
            "score_before",
            "rank_before",
            "verdict_before",
            "score_after",
            "rank_after",
            "verdict_after",
            "entries_changed",
            "filed_at",
            "decided_at",
            "is_synthetic",
            "evidence",
        ]
        read_only_fields = fields

    def get_scheme(self, appeal: Appeal) -> str:
        """The code of the list's scheme, or of the run's configurable scheme."""
        source = appeal.scheme_run or appeal.ranking_list
        return source.scheme.code if source is not None else ""

    def get_period(self, appeal: Appeal) -> str:
        source = appeal.scheme_run or appeal.ranking_list
        return source.period.code if source is not None else ""

    def get_mark(self, appeal: Appeal) -> str:
        return selectors.mark_text(appeal)

    def get_evidence(self, appeal: Appeal) -> list[dict[str, Any]]:
        return [
            {"name": e.original_name, "kind": e.kind, "size": e.size, "url": f"/appeals/evidence/{e.pk}/"}
            for e in appeal.evidence.all()
        ]


class AppealFileSerializer(serializers.Serializer):
    ranking_list = serializers.IntegerField(required=False, help_text="id of a published red/black list")
    scheme_run = serializers.IntegerField(
        required=False, help_text="id of a scheme's published run (instead of ranking_list)"
    )
    unit = serializers.CharField(
        max_length=64, help_text="the unit's code (the owning unit's on a project list)"
    )
    project = serializers.CharField(
        max_length=64, required=False, help_text="the project's code (project lists)"
    )
    reason = serializers.CharField(max_length=services.MAX_TEXT, help_text="the grounds of the appeal")
    evidence = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="evidence files (multipart)"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("ranking_list" in attrs) == ("scheme_run" in attrs):
            raise serializers.ValidationError("give either ranking_list or scheme_run")
        if "scheme_run" in attrs and attrs.get("project"):
            raise serializers.ValidationError({"project": ["a scheme run has no projects"]})
        return attrs


class AppealDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["accept", "reject"])
    decision = serializers.CharField(max_length=services.MAX_TEXT, help_text="the reason of the decision")
    corrections = serializers.DictField(
        child=serializers.FloatField(),
        required=False,
        help_text='accept: corrected criterion values, criterion → percent (e.g. {"on_time": 100}); '
        "on a scheme run, criterion key → figure",
    )
    exempt = serializers.BooleanField(
        required=False, default=False, help_text="accept: exempt (force majeure)"
    )


def _call(function: Any, **kwargs: Any) -> Any:
    try:
        return function(**kwargs)
    except PermissionDenied as exc:
        raise exceptions.PermissionDenied(str(exc)) from exc
    except DjangoValidationError as exc:
        raise exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        ) from exc


class AppealViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Appeals (异议) against entries of published red/black lists and scores of published runs."""

    serializer_class = AppealSerializer
    pagination_class = Pagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Appeal.objects.none()
    source = "api"
    #: unit users file appeals (the service checks the unit); RestrictedPermission lets them POST
    allow_post_for_units = True

    def get_queryset(self) -> Any:
        if not has_role(self.request.user):
            return Appeal.objects.none()
        appeals = selectors.visible_appeals(user=self.request.user).prefetch_related("evidence")
        state = clean_param(self.request, "state")
        if state in AppealState.values:
            appeals = appeals.filter(state=state)
        listed = clean_param(self.request, "ranking_list")
        if listed and listed.isdigit():
            appeals = appeals.filter(ranking_list_id=int(listed))
        run = clean_param(self.request, "scheme_run")
        if run and run.isdigit():
            appeals = appeals.filter(scheme_run_id=int(run))
        return appeals.order_by("-filed_at", "-pk")

    def _entry(self, data: dict[str, Any]) -> Any:
        ranking_list = visible_lists(user=self.request.user).filter(pk=data["ranking_list"]).first()
        if ranking_list is None:
            raise exceptions.ValidationError({"ranking_list": ["not a list you can see"]})
        entries = ranking_list.entries.filter(unit__code=data["unit"])
        project = data.get("project")
        entries = entries.filter(project__code=project) if project else entries.filter(project__isnull=True)
        entry = entries.first()
        if entry is None:
            raise exceptions.ValidationError({"unit": ["no such entry on the list"]})
        return entry

    @extend_schema(
        request=AppealFileSerializer,
        responses={201: AppealSerializer},
        summary="File an appeal against an entry of a published list or a unit's score in a scheme's "
        "published run (its unit, or the plan office)",
    )
    def create(self, request: Request) -> Response:
        if not may_file_appeals(request.user):
            raise exceptions.PermissionDenied("only a unit's users or the plan office file appeals")
        body = AppealFileSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        files = request.FILES.getlist("evidence") if hasattr(request, "FILES") else []
        if "scheme_run" in data:
            appeal = self._file_run(data, files)
            return Response(self._data(appeal), status=status.HTTP_201_CREATED)
        appeal = _call(
            services.appeal_file,
            actor=request.user,
            entry=self._entry(data),
            reason=data["reason"],
            files=files,
            source=self.source,
        )
        return Response(self._data(appeal), status=status.HTTP_201_CREATED)

    def _file_run(self, data: dict[str, Any], files: list[Any]) -> Appeal:
        run = selectors.published_run(user=self.request.user, pk=data["scheme_run"])
        if run is None:
            raise exceptions.ValidationError({"scheme_run": ["not a published run you can see"]})
        unit = Unit.objects.filter(code=data["unit"]).first()
        if unit is None or services.run_row(run, unit.code) is None:
            raise exceptions.ValidationError({"unit": ["no such unit in the run"]})
        appeal: Appeal = _call(
            services.appeal_file_run,
            actor=self.request.user,
            scheme_run=run,
            unit=unit,
            reason=data["reason"],
            files=files,
            source=self.source,
        )
        return appeal

    def _data(self, appeal: Appeal) -> Any:
        fresh = self.get_queryset().get(pk=appeal.pk)
        return AppealSerializer(fresh, context=self.get_serializer_context()).data

    @extend_schema(
        request=AppealDecideSerializer,
        responses={200: AppealSerializer},
        summary="Accept (with the correction; the list or run is computed again) or reject an appeal "
        "(plan office)",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        appeal = self.get_object()
        if not may_decide_appeals(request.user):
            raise exceptions.PermissionDenied("only the plan office decides appeals")
        body = AppealDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["outcome"] == "accept":
            appeal = _call(
                services.appeal_accept,
                actor=request.user,
                appeal=appeal,
                decision=data["decision"],
                corrections=data.get("corrections") or {},
                exempt=data.get("exempt", False),
                source=self.source,
            )
        else:
            appeal = _call(
                services.appeal_reject,
                actor=request.user,
                appeal=appeal,
                decision=data["decision"],
                source=self.source,
            )
        return Response(self._data(appeal))


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("appeals", AppealViewSet, basename="appeal")
