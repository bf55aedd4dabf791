"""API of the reporting load (填报负担): ``GET /api/reporting-load?months=12&until=YYYY-MM&sort=code|load``.

Per unit and month the forms (items) it filled in and the fields they asked, by kind, with the
trend (:mod:`jingjin.reporting.load`); for the plan office and leaders. No clicks or logins.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from jingjin.core.api import clean_param
from jingjin.core.permissions import RestrictedPermission, may_see_reporting_load
from jingjin.reporting import load


class LoadPermission(RestrictedPermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        return super().has_permission(request, view) and may_see_reporting_load(request.user)


def load_params(get: Any) -> tuple[int, date | None, str]:
    """(months, until, sort) of a request's parameters; ValueError names the wrong one."""
    raw_months = get("months") or "12"
    if not raw_months.isdigit() or not 1 <= int(raw_months) <= load.MAX_MONTHS:
        raise ValueError("months")
    until = None
    raw_until = get("until") or ""
    if raw_until:
        try:
            year, month = (int(p) for p in raw_until.split("-"))
            until = date(year, month, 1)
        except ValueError:
            raise ValueError("until") from None
    sort = get("sort") or "code"
    if sort not in load.SORTS:
        raise ValueError("sort")
    return int(raw_months), until, sort


class ReportingLoadViewSet(viewsets.ViewSet):
    """The reporting load of each unit per month (items and fields), sorted by unit code or load."""

    permission_classes = [LoadPermission]

    @extend_schema(
        parameters=[
            OpenApiParameter("months", int, description=f"1–{load.MAX_MONTHS}, default 12"),
            OpenApiParameter("until", str, description="YYYY-MM, default this month"),
            OpenApiParameter("sort", str, enum=list(load.SORTS)),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request: Request) -> Response:
        try:
            months, until, sort = load_params(lambda name: clean_param(request, name))
        except ValueError as exc:
            raise exceptions.ValidationError({str(exc): "invalid value"}) from None
        return Response(load.as_json(load.reporting_load(months=months, until=until, sort=sort)))


def register(router: Any) -> None:
    router.register("reporting-load", ReportingLoadViewSet, basename="reporting-load")
