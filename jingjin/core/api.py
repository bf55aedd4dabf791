"""REST API plumbing shared by every app: restricted viewsets whose writes go through services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request

from jingjin.core import services
from jingjin.core.models import AuditEntry, Unit
from jingjin.core.pagination import Pagination
from jingjin.core.permissions import PermissionDenied

__all__ = ["CodeRelatedField", "Pagination", "RestrictedViewSet", "UnitCodeField", "clean_param"]


def clean_param(request: Request, name: str) -> str:
    """A query parameter without NUL characters (PostgreSQL refuses them)."""
    value = request.query_params.get(name, "")
    if "\x00" in value:
        raise exceptions.ValidationError({name: "must not contain NUL characters"})
    return value


class CodeRelatedField(serializers.SlugRelatedField):
    """A reference to an object by its code: a code with a NUL character is a 400 before any query
    (PostgreSQL refuses NUL in a text parameter, which would otherwise be a 500)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


class UnitCodeField(CodeRelatedField):
    """A reference to a unit by its code."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Unit.objects.all())
        super().__init__(**kwargs)


class RestrictedViewSet(viewsets.ModelViewSet):
    """A model viewset that reads through ``restrict`` and writes through the audited services."""

    pagination_class = Pagination
    source = "api"

    def get_queryset(self) -> Any:
        return self.queryset.restrict(self.request.user, "view")

    def _save(self, serializer: serializers.ModelSerializer, *, create: bool) -> None:
        data = dict(serializer.validated_data)
        try:
            if create:
                serializer.instance = services.object_create(
                    model=serializer.Meta.model, actor=self.request.user, data=data, source=self.source
                )
            else:
                instance = serializer.instance
                assert instance is not None
                changed = {k: v for k, v in data.items() if not _same(instance, k, v)}
                serializer.instance = services.object_update(
                    obj=instance, actor=self.request.user, data=changed, source=self.source
                )
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc

    def perform_create(self, serializer: serializers.ModelSerializer) -> None:
        self._save(serializer, create=True)

    def perform_update(self, serializer: serializers.ModelSerializer) -> None:
        self._save(serializer, create=False)

    def perform_destroy(self, instance: Any) -> None:
        try:
            services.object_delete(obj=instance, actor=self.request.user, source=self.source)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ProtectedError as exc:
            used_by = sorted({str(o) for o in exc.protected_objects})[:10]
            raise Conflict(f"{instance} is still used by: {'; '.join(used_by)}") from exc


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The object is still in use."
    default_code = "conflict"


def _same(instance: Any, name: str, value: Any) -> bool:
    field = instance._meta.get_field(name)
    if field.many_to_many:
        return {o.pk for o in getattr(instance, name).all()} == {o.pk for o in value}
    return getattr(instance, name) == value


class UnitSerializer(serializers.ModelSerializer):
    parent = UnitCodeField(required=False, allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name_zh", "name_en", "kind", "parent"]


class UnitViewSet(RestrictedViewSet):
    """Units (单位): the city, departments, counties, parks, townships and villages."""

    queryset = Unit.objects.select_related("parent")
    serializer_class = UnitSerializer

    def get_queryset(self) -> Any:
        units = super().get_queryset()
        kind = clean_param(self.request, "kind")
        return units.filter(kind=kind) if kind else units


class AuditEntrySerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    model = serializers.CharField(source="content_type.model", read_only=True)

    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "time",
            "user_name",
            "unit",
            "action",
            "model",
            "object_id",
            "object_repr",
            "before",
            "after",
            "source",
        ]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """The audit trail (变更记录), newest first; filters: user, unit, model, date_from, date_to."""

    serializer_class = AuditEntrySerializer
    pagination_class = Pagination
    queryset = AuditEntry.objects.none()

    def get_queryset(self) -> Any:
        from jingjin.core.selectors import audit_list

        def day(name: str) -> Any:
            from datetime import date

            value = clean_param(self.request, name)
            try:
                return date.fromisoformat(value) if value else None
            except ValueError as exc:
                raise exceptions.ValidationError({name: "must be a date YYYY-MM-DD"}) from exc

        return audit_list(
            user=self.request.user,
            username=clean_param(self.request, "user"),
            unit=clean_param(self.request, "unit"),
            model=clean_param(self.request, "model"),
            date_from=day("date_from"),
            date_to=day("date_to"),
        )
