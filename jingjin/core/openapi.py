"""The OpenAPI document: what drf-spectacular cannot see from the code alone.

- A read-only related field whose model column may be empty (``AuditEntry.unit``, ``Report.reviewed_by``,
  ``EarlyWarning.indicator`` …) is ``nullable`` in the document, for every serializer at once.
- A view that answers one object from its ``list`` route (``GET /api/cockpit``) sets
  ``single_object = True`` and is documented as an object, not an array.
- Every operation documents the error answers the API gives (400, 401, 403, 404, 409, 429) with their
  body, a ``detail`` message or the messages per field.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular import openapi
from rest_framework import serializers

ERROR_SCHEMA_NAME = "Error"

ERROR_RESPONSES = {
    "400": "The request is not valid: the messages name the fields (or `detail` says what is wrong).",
    "401": "Not signed in, or the API token is unknown or has expired (`detail` says which).",
    "403": "Signed in, but the role or unit may not do this (`detail` says why).",
    "404": "No such object, or not one this user may see.",
    "409": "Conflict: the object is still in use, or changed at the same time by someone else.",
    "429": "Too many requests; try again later.",
}

ERROR_SCHEMA: dict[str, Any] = {
    "description": "An error: `detail` with a message, or a list of messages per field name "
    "(`non_field_errors` for the object as a whole), or a list of messages.",
    "oneOf": [
        {
            "type": "object",
            "properties": {"detail": {"type": "string"}},
            "additionalProperties": {},
        },
        {"type": "array", "items": {}},
    ],
}


def _model_field(field: Any) -> Any:
    """The model field behind a serializer field, or None (a method, a property, a nested source)."""
    parent = getattr(field, "parent", None)
    meta = getattr(parent, "Meta", None)
    model = getattr(meta, "model", None)
    source = getattr(field, "source", None)
    if model is None or not isinstance(source, str) or not source or source == "*":
        return None
    try:
        return model._meta.get_field(source.split(".")[0])
    except FieldDoesNotExist:
        return None


class AutoSchema(openapi.AutoSchema):
    """The project's schema class (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``)."""

    def _get_serializer_field_meta(self, field: Any, direction: str) -> dict[str, Any]:
        meta: dict[str, Any] = super()._get_serializer_field_meta(field, direction)  # type: ignore[no-untyped-call]
        if isinstance(field, serializers.RelatedField) and field.read_only:
            model_field = _model_field(field)
            if model_field is not None and model_field.concrete and getattr(model_field, "null", False):
                meta["nullable"] = True
        return meta

    def _is_list_view(self, serializer: Any = None) -> bool:
        if getattr(self.view, "single_object", False):
            return False
        return bool(super()._is_list_view(serializer))


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Postprocessing hook: the error answers of every operation, with one shared ``Error`` schema."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas[ERROR_SCHEMA_NAME] = ERROR_SCHEMA
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": reference}}}
                )
    return result
