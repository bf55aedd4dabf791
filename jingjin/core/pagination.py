"""The API's paging (``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``), apart from the viewsets so that
DRF can import it while it builds its own classes."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, pagination
from rest_framework.request import Request


class Pagination(pagination.LimitOffsetPagination):
    """Limit/offset paging with bounds: ``limit`` (or its alias ``page_size``) from 1 to
    ``max_limit``, ``offset`` from 0; anything else is a 400 naming the parameter, not a silent default."""

    default_limit = 100
    max_limit = 1000
    max_offset = 10**9
    page_size_query_param = "page_size"

    def _integer(self, request: Request, name: str, low: int, high: int) -> int | None:
        raw = request.query_params.get(name)
        if raw is None:
            return None
        try:
            value = int(raw.strip())
        except ValueError:
            raise exceptions.ValidationError({name: f"must be a whole number from {low} to {high}"}) from None
        if not low <= value <= high:
            raise exceptions.ValidationError({name: f"must be a whole number from {low} to {high}"})
        return value

    def get_limit(self, request: Request) -> int:
        limit = self._integer(request, self.limit_query_param, 1, self.max_limit)
        page_size = self._integer(request, self.page_size_query_param, 1, self.max_limit)
        if limit is not None and page_size is not None and limit != page_size:
            raise exceptions.ValidationError(
                {"page_size": "give limit or page_size, not two different values"}
            )
        chosen = limit if limit is not None else page_size
        return chosen if chosen is not None else self.default_limit

    def get_offset(self, request: Request) -> int:
        offset = self._integer(request, self.offset_query_param, 0, self.max_offset)
        return offset or 0

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        bounds = {"type": "integer", "minimum": 1, "maximum": self.max_limit}
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Number of results to return per page (1–{self.max_limit}, default "
                f"{self.default_limit}).",
                "schema": bounds,
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": "Another name of `limit`.",
                "schema": bounds,
            },
            {
                "name": self.offset_query_param,
                "required": False,
                "in": "query",
                "description": "The initial index from which to return the results.",
                "schema": {"type": "integer", "minimum": 0, "maximum": self.max_offset},
            },
        ]
