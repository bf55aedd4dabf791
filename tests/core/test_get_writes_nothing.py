"""Page views never create rows (issue 18, finding 9): ``GET /reports/?period=2099-01`` created a
reporting period, and so did the cockpit, the unit pages and the batch template for any month.

Every GET route of the URL conf without parameters, and the routes with a period or an object
filled in, are requested by every role with ``?period=`` months that are not stored; no table
(sessions aside) may gain or lose a row."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

#: tables a signed-in GET may write by design
IGNORED = {"django_session", "axes_accessattempt", "axes_accesslog"}
#: not pages (POST-only, sign-out) or the slow API schema, which reads no data
SKIPPED_PREFIXES = ("/logout", "/i18n/", "/accounts/logout", "/api/openapi.json", "/api/docs")


def _plain_routes() -> list[str]:
    """Every route of the URL conf that takes no parameter (e.g. ``/reports/``, ``/api/units``)."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            text = str(pattern.pattern)
            if text.startswith("^"):  # the API router's regular expressions
                text = text.strip("^").removesuffix("$").removesuffix("/?")
            if "<" in text or "(?P" in text or "\\" in text or "[" in text:
                continue
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + text)
            elif isinstance(pattern, URLPattern):
                found.append("/" + prefix + text.rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted({r for r in found if not r.startswith(SKIPPED_PREFIXES)})


def _counts() -> dict[str, int]:
    return {
        model._meta.db_table: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.db_table not in IGNORED and not model._meta.proxy and model._meta.managed
    }


@pytest.mark.first_database_only(
    "the subject is what the views do on a GET, the same code on either database; every route "
    "runs on PostgreSQL, as every role, in the permission matrix (tests/core/test_permission_matrix.py, "
    "which also fails a denied request that leaves an audit row)"
)
def test_no_get_of_any_page_or_api_route_creates_or_deletes_rows(
    users: dict[str, Any], make_user: Any
) -> None:
    from jingjin.plans.models import Task

    make_user("approver_a", "approver", "t.a")
    task = Task.objects.get(code="A1.M1.T1")
    routes = _plain_routes()
    assert "/reports/" in routes and "/cockpit/" in routes and "/api/reports" in routes
    with_objects = [
        f"/reports/2099-01/tasks/{task.pk}/",
        f"/reports/2030-05/tasks/{task.pk}/",
        "/units/t.a/",
    ]
    before = _counts()
    errors: list[tuple[str, str, int]] = []
    for username in ("office", "reporter_a", "approver_a", "county_c", "leader"):
        client = Client()
        client.force_login(apps.get_model("auth", "User").objects.get(username=username))
        for route in [*routes, *with_objects]:
            for period in ("2099-01", "2030-05", ""):
                query = f"?period={period}" if period else ""
                response = client.get(route + query)
                if response.status_code >= 500:
                    errors.append((username, route + query, response.status_code))
        after = _counts()
        changed = {table: (before[table], after[table]) for table in before if before[table] != after[table]}
        assert not changed, (username, changed)
    assert not errors


def test_the_report_page_of_an_unstored_month_shows_the_form_and_a_save_stores_the_month(
    users: dict[str, Any],
) -> None:
    from jingjin.plans.models import Task
    from jingjin.reporting.models import Report, ReportingPeriod

    task = Task.objects.get(code="A1.M1.T1")
    client = Client()
    client.force_login(users["reporter_a"])
    url = f"/reports/2024-07/tasks/{task.pk}/"
    assert client.get(url).status_code == 200
    assert not ReportingPeriod.objects.filter(year=2024, month=7).exists()
    saved = client.post(url, {"action": "save", "progress": "进展", "completion_pct": "20"})
    assert saved.status_code == 302, saved.content[:2000]
    period = ReportingPeriod.objects.get(year=2024, month=7)
    assert Report.objects.filter(task=task, period=period).exists()
