"""REST API of admission: ``/api/catalogue-entries``, ``/api/zoning-units`` (the registers: read
by everyone, created and changed by the plan office), ``/api/admission-applications`` (list,
detail, file; the steps ``check``, ``decide`` and ``recheck``) and ``/api/allocation-runs`` (list,
detail with the candidates, start a run from the admitted applications or from key projects).
Everyone with a role reads; the writes are the services', which check the predicates of
``core/permissions.py`` (403 otherwise).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.admission import allocation, selectors, services
from jingjin.admission.choices import AdmissionOutcome, CandidateSource, RecheckStage
from jingjin.admission.models import (
    CODE_MAX,
    FIGURE,
    QUOTA,
    AllocationCandidate,
    AllocationRun,
    Application,
    CatalogueEntry,
    QuotaPool,
    ZoningUnit,
)
from jingjin.core.api import CodeRelatedField, Pagination
from jingjin.core.bounds import BoundedModelSerializer
from jingjin.core.models import Unit
from jingjin.core.permissions import (
    PermissionDenied,
    SignedInPermission,
    may_check_admission_application,
    may_decide_admission_application,
    may_file_admission_application,
    may_manage_admission_registers,
    may_run_quota_allocation,
)
from jingjin.parks.models import Industry, Park


@extend_schema_field(OpenApiTypes.STR)
class ParkCodeField(CodeRelatedField):
    """A park by its unit's code."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("slug_field", "unit__code")
        kwargs.setdefault("queryset", Park.objects.select_related("unit"))
        super().__init__(**kwargs)

    def to_representation(self, obj: Any) -> str:
        return str(obj.unit.code)


class AdmissionCatalogueSerializer(serializers.ModelSerializer):
    industry = CodeRelatedField(
        slug_field="code", queryset=Industry.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = CatalogueEntry
        fields = ["id", "code", "name", "klass", "version", "industry", "is_synthetic"]
        read_only_fields = ["is_synthetic"]


class AdmissionZoningSerializer(serializers.ModelSerializer):
    county = CodeRelatedField(slug_field="code", queryset=Unit.objects.filter(kind="county"))
    prohibited = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX), required=False, max_length=500
    )
    restricted = serializers.ListField(
        child=serializers.CharField(max_length=CODE_MAX), required=False, max_length=500
    )

    class Meta:
        model = ZoningUnit
        fields = ["id", "code", "name", "county", "unit_type", "prohibited", "restricted", "is_synthetic"]
        read_only_fields = ["is_synthetic"]


class AdmissionApplicationSerializer(BoundedModelSerializer):
    park = ParkCodeField()
    industry = CodeRelatedField(slug_field="code", queryset=Industry.objects.all())
    catalogue_entry = serializers.PrimaryKeyRelatedField(
        queryset=CatalogueEntry.objects.all(), required=False, allow_null=True
    )
    zoning_unit = CodeRelatedField(slug_field="code", queryset=ZoningUnit.objects.all())
    rechecks = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id", "code", "project_name", "firm", "credit_code", "park", "industry", "catalogue_entry",
            "zoning_unit", "land_mu", "investment_intensity", "output_per_mu", "tax_per_mu",
            "energy_per_output", "plot_ratio", "env_units", "submitted_on", "state", "outcome", "reasons",
            "decision", "decision_note", "rechecks", "is_synthetic",
        ]  # fmt: skip
        read_only_fields = ["state", "outcome", "reasons", "decision", "decision_note", "is_synthetic"]
        extra_kwargs = {"submitted_on": {"required": False}}

    def get_rechecks(self, obj: Application) -> list[dict[str, Any]]:
        return [
            {"stage": r.stage, "checked_on": r.checked_on.isoformat(), "shortfalls": r.shortfalls}
            for r in obj.rechecks.all()
        ]


class AdmissionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=AdmissionOutcome.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class AdmissionRecheckSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=RecheckStage.choices)
    investment_intensity = serializers.DecimalField(
        max_digits=FIGURE.max_digits, decimal_places=FIGURE.decimal_places, min_value=0, required=False
    )
    output_per_mu = serializers.DecimalField(
        max_digits=FIGURE.max_digits, decimal_places=FIGURE.decimal_places, min_value=0, required=False
    )
    tax_per_mu = serializers.DecimalField(
        max_digits=FIGURE.max_digits, decimal_places=FIGURE.decimal_places, min_value=0, required=False
    )
    energy_per_output = serializers.DecimalField(
        max_digits=FIGURE.max_digits, decimal_places=FIGURE.decimal_places, min_value=0, required=False
    )


class AdmissionCandidateSerializer(serializers.ModelSerializer):
    class Meta:
        model = AllocationCandidate
        fields = [
            "project_id", "label", "benefit", "land_mu", "energy_tce", "env_units", "leading", "must",
            "exclude", "selected", "greedy_selected", "reason",
        ]  # fmt: skip


def _demand(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=QUOTA.max_digits, decimal_places=QUOTA.decimal_places, min_value=0, required=False,
        allow_null=True, **kwargs,
    )  # fmt: skip


class KeyProjectDemandSerializer(serializers.Serializer):
    """A key project as a candidate: its code and demand; a missing figure counts as
    :data:`jingjin.admission.allocation.KEY_PROJECT_MISSING` says (0; the benefit: the project's
    total investment)."""

    code = serializers.CharField(max_length=64)
    benefit = _demand()
    land_mu = _demand()
    energy_tce = _demand()
    env_units = _demand()
    leading = serializers.BooleanField(required=False, default=False)


class AllocationRunSerializer(serializers.ModelSerializer):
    pool = serializers.SlugRelatedField(slug_field="year", queryset=QuotaPool.objects.all())
    source = serializers.ChoiceField(choices=CandidateSource.choices, required=False, default="applications")
    key_projects = KeyProjectDemandSerializer(many=True, write_only=True, required=False)
    candidates = AdmissionCandidateSerializer(many=True, read_only=True)
    must = serializers.ListField(child=serializers.CharField(max_length=32), write_only=True, required=False)
    exclude = serializers.ListField(
        child=serializers.CharField(max_length=32), write_only=True, required=False
    )

    class Meta:
        model = AllocationRun
        fields = [
            "id", "code", "name", "pool", "source", "leading_bonus", "state", "summary", "error",
            "candidates", "must", "exclude", "key_projects", "is_synthetic",
        ]  # fmt: skip
        read_only_fields = ["state", "summary", "error", "is_synthetic"]


class AdmissionStepPermission(SignedInPermission):
    """Reading: the one rule's ``view``; a step on an application: whoever may check it (the plan
    office, the unit users of its park or county) or decide it (the plan office) — the service
    then checks the step's own predicate."""

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_check_admission_application(user, obj) or may_decide_admission_application(user)


def _service_errors(exc: Exception) -> exceptions.APIException:
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc))
    assert isinstance(exc, DjangoValidationError)
    return exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class AdmissionRegisterPermission(SignedInPermission):
    """Reading: the one rule's ``view``; a change: whoever keeps the registers (the plan office)."""

    def may_act(self, user: Any, obj: Any) -> bool:
        return may_manage_admission_registers(user)


class RegisterViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A register: read by everyone with a role; created and changed by the plan office through
    :func:`services.register_save` (the model's validation, audited)."""

    permission_classes = [AdmissionRegisterPermission]
    pagination_class = Pagination

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_manage_admission_registers(request.user):
            raise exceptions.PermissionDenied("only the plan office keeps the admission registers")
        return super().create(request, *args, **kwargs)

    def _save(self, serializer: Any, obj: Any) -> None:
        model = serializer.Meta.model
        try:
            serializer.instance = services.register_save(
                actor=self.request.user,
                model=model,
                data=dict(serializer.validated_data),
                obj=obj,
                source="api",
            )
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _service_errors(exc) from exc

    def perform_create(self, serializer: Any) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: Any) -> None:
        # the serializer's instance is the record before the change (its snapshot is audited)
        self._save(serializer, serializer.instance)


class CatalogueEntryViewSet(RegisterViewSet):
    """The industry catalogue (产业结构调整指导目录)."""

    serializer_class = AdmissionCatalogueSerializer

    def get_queryset(self) -> Any:
        return selectors.catalogue(self.request.user)


class ZoningUnitViewSet(RegisterViewSet):
    """The environmental control units of 三线一单 with their admission lists."""

    serializer_class = AdmissionZoningSerializer

    def get_queryset(self) -> Any:
        return selectors.zoning_units(self.request.user)


class ApplicationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Admission applications: file, check, decide, re-check the commitment."""

    serializer_class = AdmissionApplicationSerializer
    permission_classes = [AdmissionStepPermission]
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        params = self.request.query_params
        queryset = selectors.applications(
            self.request.user, state=params.get("state", ""), outcome=params.get("outcome", "")
        )
        return queryset.prefetch_related("rechecks")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_file_admission_application(request.user):
            raise exceptions.PermissionDenied("may not file admission applications")
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer: Any) -> None:
        try:
            serializer.instance = services.application_submit(
                actor=self.request.user, data=dict(serializer.validated_data), source="api"
            )
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _service_errors(exc) from exc

    def _reply(self, application: Application) -> Response:
        fresh = self.get_queryset().get(pk=application.pk)
        return Response(self.get_serializer(fresh).data)

    @extend_schema(request=None, responses=AdmissionApplicationSerializer)
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        try:
            app = services.application_check(actor=request.user, application=self.get_object(), source="api")
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _service_errors(exc) from exc
        return self._reply(app)

    @extend_schema(request=AdmissionDecisionSerializer, responses=AdmissionApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        application = self.get_object()
        if not may_decide_admission_application(request.user):
            raise exceptions.PermissionDenied("only the plan office decides admission applications")
        body = AdmissionDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            app = services.application_decide(
                actor=request.user,
                application=application,
                decision=body.validated_data.get("decision", ""),
                note=body.validated_data.get("note", ""),
                source="api",
            )
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _service_errors(exc) from exc
        return self._reply(app)

    @extend_schema(request=AdmissionRecheckSerializer, responses=AdmissionApplicationSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, pk: str | None = None) -> Response:
        app = self.get_object()
        if not may_check_admission_application(request.user, app):
            raise exceptions.PermissionDenied("may not re-check this application")
        body = AdmissionRecheckSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        stage = data.pop("stage")
        try:
            services.application_recheck(
                actor=request.user, application=app, stage=stage, actual=data, source="api"
            )
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _service_errors(exc) from exc
        return self._reply(app)


class AllocationRunViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Quota allocation runs; a new run takes the admitted applications (``source``
    ``applications``) or the key projects given in ``key_projects`` (``source`` ``key_projects``:
    each a code with its demand) and is solved in the background (``state`` turns ``done`` or
    ``failed``)."""

    serializer_class = AllocationRunSerializer
    permission_classes = [SignedInPermission]
    pagination_class = Pagination

    def get_queryset(self) -> Any:
        return selectors.runs(self.request.user).prefetch_related("candidates")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_run_quota_allocation(request.user):
            raise exceptions.PermissionDenied("only the plan office runs quota allocations")
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        must, exclude = set(data.get("must", [])), set(data.get("exclude", []))
        try:
            if data["source"] == CandidateSource.KEY_PROJECTS:
                if not data.get("key_projects"):
                    raise DjangoValidationError({"key_projects": _("Give at least one key project.")})
                candidates = allocation.key_project_candidates(
                    [dict(row) for row in data["key_projects"]], must=must, exclude=exclude
                )
            else:
                candidates = allocation.application_candidates(
                    allocation.admitted_applications(), must=must, exclude=exclude
                )
            run = allocation.run_create(
                actor=request.user, code=data["code"], name=data["name"], pool=data["pool"],
                source=data["source"], leading_bonus=data.get("leading_bonus", 0), candidates=candidates,
                origin="api",
            )  # fmt: skip
        except (PermissionDenied, DjangoValidationError) as exc:
            raise _service_errors(exc) from exc
        run = self.get_queryset().get(pk=run.pk)
        return Response(self.get_serializer(run).data, status=status.HTTP_201_CREATED)


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    router.register("catalogue-entries", CatalogueEntryViewSet, basename="catalogue-entry")
    router.register("zoning-units", ZoningUnitViewSet, basename="zoning-unit")
    router.register("admission-applications", ApplicationViewSet, basename="admission-application")
    router.register("allocation-runs", AllocationRunViewSet, basename="allocation-run")
