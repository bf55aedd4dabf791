"""REST API of the ecology registers: ``/api/stations``, ``/api/sections`` (targets nested),
``/api/blackodor-bodies``, ``/api/pollution-sources`` (reduction projects nested, read-only),
``/api/reduction-projects``, ``/api/soil-risk-sites``, ``/api/heavy-metal-projects``.

Everyone signed in reads; the plan office adds and deletes; the plan office and unit users of a
record's county change it (unit users not its code, county or source: 403). Lists take ``q`` (a
code or name fragment), ``county`` (a unit code) and, where the register has states, ``state``.
Writes go through :mod:`jingjin.ecology.services`, each with its audit row.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission

from jingjin.core.api import CodeRelatedField, Conflict, Pagination, UnitCodeField, clean_param
from jingjin.core.bounds import BoundedModelSerializer
from jingjin.core.permissions import (
    PermissionDenied,
    has_role,
    may_change_ecology_record,
    may_manage_ecology_registers,
)
from jingjin.ecology import selectors, services
from jingjin.ecology.models import (
    BlackOdorousBody,
    HeavyMetalProject,
    PollutionSource,
    ReductionProject,
    Section,
    SectionTarget,
    SoilRiskSite,
    Station,
)
from jingjin.ecology.registers import REGISTERS, Register


class EcologyRegisterPermission(BasePermission):
    """Reading: signed-in users with a role; adding and deleting: the plan office
    (:func:`may_manage_ecology_registers`); changing: :func:`may_change_ecology_record`."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not has_role(request.user):
            return False
        return request.method != "POST" or may_manage_ecology_registers(request.user)

    def has_object_permission(self, request: Any, view: Any, obj: Any) -> bool:
        if request.method in SAFE_METHODS:
            return has_role(request.user)
        if request.method == "DELETE":
            return may_manage_ecology_registers(request.user)
        return may_change_ecology_record(request.user, obj)


#: an empty English name takes the Chinese one (services.record_create)
NAME_EN_OPTIONAL = {"name_en": {"required": False, "allow_blank": True}}


class StationSerializer(BoundedModelSerializer):
    county = UnitCodeField(required=False, allow_null=True)

    class Meta:
        model = Station
        extra_kwargs = NAME_EN_OPTIONAL
        fields = [
            "id", "code", "name_zh", "name_en", "level", "county", "longitude", "latitude",
            "counts_for_city", "active", "is_synthetic",
        ]  # fmt: skip


class SectionTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SectionTarget
        fields = ["year", "target_class"]


class SectionSerializer(BoundedModelSerializer):
    county = UnitCodeField(required=False, allow_null=True)
    targets = SectionTargetSerializer(
        many=True, required=False, help_text="target class (1–6, 6 = 劣Ⅴ) by year"
    )

    class Meta:
        model = Section
        extra_kwargs = NAME_EN_OPTIONAL
        fields = [
            "id", "code", "name_zh", "name_en", "waterbody", "waterbody_type", "level", "county",
            "active", "is_synthetic", "targets",
        ]  # fmt: skip


class BlackOdorousBodySerializer(BoundedModelSerializer):
    county = UnitCodeField()

    class Meta:
        model = BlackOdorousBody
        extra_kwargs = NAME_EN_OPTIONAL
        fields = [
            "id", "code", "name_zh", "name_en", "county", "location", "length_km", "area_km2",
            "chief_names", "chief_posts", "state", "identified_on", "treating_on", "treated_on",
            "clean_on", "last_check_level", "last_check_on", "is_synthetic",
        ]  # fmt: skip


class ReductionProjectSerializer(BoundedModelSerializer):
    source = CodeRelatedField(slug_field="code", queryset=PollutionSource.objects.all())

    class Meta:
        model = ReductionProject
        extra_kwargs = NAME_EN_OPTIONAL
        fields = [
            "id", "code", "name_zh", "name_en", "source", "nox_reduction_t", "vocs_reduction_t",
            "state", "due_on", "done_on", "is_synthetic",
        ]  # fmt: skip


class PollutionSourceSerializer(BoundedModelSerializer):
    county = UnitCodeField()
    projects = ReductionProjectSerializer(many=True, read_only=True)

    class Meta:
        model = PollutionSource
        extra_kwargs = NAME_EN_OPTIONAL
        fields = [
            "id",
            "code",
            "name_zh",
            "name_en",
            "county",
            "kind",
            "nox_t",
            "vocs_t",
            "is_synthetic",
            "projects",
        ]


class SoilRiskSiteSerializer(BoundedModelSerializer):
    county = UnitCodeField()

    class Meta:
        model = SoilRiskSite
        extra_kwargs = NAME_EN_OPTIONAL
        fields = [
            "id", "code", "name_zh", "name_en", "county", "area_m2", "former_use", "state",
            "listed_on", "removed_on", "is_synthetic",
        ]  # fmt: skip


class HeavyMetalProjectSerializer(BoundedModelSerializer):
    county = UnitCodeField()

    class Meta:
        model = HeavyMetalProject
        extra_kwargs = NAME_EN_OPTIONAL
        fields = [
            "id", "code", "name_zh", "name_en", "county", "metals", "reduction_kg", "state",
            "due_on", "done_on", "is_synthetic",
        ]  # fmt: skip


FILTERS = [
    OpenApiParameter("q", str, description="a fragment of the code or the name"),
    OpenApiParameter("county", str, description="the county's unit code"),
    OpenApiParameter("state", str, description="the state (registers with states)"),
]


class RegisterViewSet(viewsets.ModelViewSet):
    """A register's records; writes through the ecology services."""

    pagination_class = Pagination
    permission_classes = [EcologyRegisterPermission]
    register: Register

    def get_queryset(self) -> Any:
        records = selectors.record_list(
            register=self.register,
            user=self.request.user,
            query=clean_param(self.request, "q")[:100],
            county=clean_param(self.request, "county")[:50],
            state=clean_param(self.request, "state")[:30],
        )
        if self.register.model is PollutionSource:
            records = records.prefetch_related("projects__source")
        return records

    def _write(self, serializer: Any, *, create: bool) -> None:
        data = dict(serializer.validated_data)
        targets = data.pop("targets", None)
        by_year = {t["year"]: t["target_class"] for t in targets} if targets is not None else None
        try:
            if create:
                serializer.instance = services.record_create(
                    model=self.register.model,
                    actor=self.request.user,
                    data=data,
                    targets=by_year,
                    source="api",
                )
            else:
                serializer.instance = services.record_update(
                    record=serializer.instance,
                    actor=self.request.user,
                    data=data,
                    targets=by_year,
                    replace_targets=True,
                    source="api",
                )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc

    def perform_create(self, serializer: Any) -> None:
        self._write(serializer, create=True)

    def perform_update(self, serializer: Any) -> None:
        self._write(serializer, create=False)

    def perform_destroy(self, instance: Any) -> None:
        try:
            services.record_delete(record=instance, actor=self.request.user, source="api")
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ProtectedError as exc:
            raise Conflict(f"{instance} is still used by its data") from exc


def _viewset(slug: str, serializer: type, doc: str) -> type[RegisterViewSet]:
    register = REGISTERS[slug]
    name = "".join(part.title() for part in slug.split("-")) + "ViewSet"
    viewset = type(
        name, (RegisterViewSet,), {"register": register, "serializer_class": serializer, "__doc__": doc}
    )
    return extend_schema_view(list=extend_schema(parameters=FILTERS))(viewset)


VIEWSETS = (
    ("stations", StationSerializer, "空气质量监测站点 Air monitoring stations."),
    ("sections", SectionSerializer, "水质断面 Water sections, with their target class by year."),
    ("blackodor-bodies", BlackOdorousBodySerializer, "黑臭水体 Black-odorous water bodies and their chiefs."),
    (
        "pollution-sources",
        PollutionSourceSerializer,
        "污染源 NOx and VOCs sources, with their reduction projects.",
    ),
    ("reduction-projects", ReductionProjectSerializer, "减排项目 NOx and VOCs reduction projects."),
    ("soil-risk-sites", SoilRiskSiteSerializer, "土壤污染风险管控和修复名录 The soil risk list."),
    ("heavy-metal-projects", HeavyMetalProjectSerializer, "重金属减排项目 Heavy-metal reduction projects."),
)


def register(router: Any) -> None:
    """Add this app's viewsets to the project's API router."""
    for slug, serializer, doc in VIEWSETS:
        router.register(
            slug, _viewset(slug, serializer, doc), basename=REGISTERS[slug].model._meta.model_name
        )
