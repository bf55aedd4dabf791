"""API of the document settings: ``GET /api/document-settings`` (every plan's, stored or the
defaults), ``GET`` and ``PUT``/``PATCH /api/document-settings/<plan code>`` — the plan office;
saved through :func:`jingjin.documents.services.document_settings_save` (audited)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.permissions import PermissionDenied, RestrictedPermission, may_set_document_settings
from jingjin.documents import services
from jingjin.documents.forms import SETTINGS_FIELDS
from jingjin.documents.settings_views import settings_initial
from jingjin.plans.models import Plan


class SettingsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    issuer = serializers.CharField(max_length=60)
    prefix_notice = serializers.CharField(max_length=20)
    prefix_bulletin = serializers.CharField(max_length=20)
    prefix_ranking = serializers.CharField(max_length=20)
    signature = serializers.CharField(max_length=60, allow_blank=True, required=False)
    copy_to = serializers.CharField(max_length=300, allow_blank=True, required=False)
    printer = serializers.CharField(max_length=60, allow_blank=True, required=False)


class SettingsPermission(RestrictedPermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and may_set_document_settings(request.user)


def _payload(plan: Plan) -> dict[str, Any]:
    found, values = settings_initial(plan)
    return {"plan": plan.code, "stored": found is not None, **values}


class DocumentSettingsViewSet(viewsets.ViewSet):
    """How each plan's documents are headed and numbered (issuing office, prefixes, signature,
    抄送 and 印发 lines)."""

    permission_classes = [SettingsPermission]
    lookup_field = "code"
    lookup_value_regex = r"[a-z0-9-]+"

    @extend_schema(
        operation_id="document_settings_list",
        # one object per plan; a list action, so the document wraps this schema in an array
        responses={200: {"type": "object", "additionalProperties": {}}},
    )
    def list(self, request: Request) -> Response:
        return Response([_payload(plan) for plan in Plan.objects.order_by("code")])

    def _plan(self, code: str) -> Plan:
        plan: Plan | None = Plan.objects.filter(code=code).first()
        if plan is None:
            raise exceptions.NotFound()
        return plan

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request: Request, code: str = "") -> Response:
        return Response(_payload(self._plan(code)))

    @extend_schema(request=SettingsSerializer, responses={200: OpenApiTypes.OBJECT})
    def update(self, request: Request, code: str = "") -> Response:
        return self._save(request, code, partial=False)

    @extend_schema(request=SettingsSerializer, responses={200: OpenApiTypes.OBJECT})
    def partial_update(self, request: Request, code: str = "") -> Response:
        return self._save(request, code, partial=True)

    def _save(self, request: Request, code: str, *, partial: bool) -> Response:
        plan = self._plan(code)
        payload = SettingsSerializer(data=request.data, partial=partial)
        payload.is_valid(raise_exception=True)
        values = {k: v for k, v in payload.validated_data.items() if k in SETTINGS_FIELDS}
        if partial:
            values = {**settings_initial(plan)[1], **values}
        try:
            services.document_settings_save(actor=request.user, plan=plan, values=values, origin="api")
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        except ValidationError as exc:
            raise exceptions.ValidationError(exc.message_dict) from exc
        return Response(_payload(plan))


def register(router: Any) -> None:
    router.register("document-settings", DocumentSettingsViewSet, basename="document-settings")
