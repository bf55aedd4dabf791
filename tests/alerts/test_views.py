"""The warning page and the API through the test client."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from jingjin.alerts.models import EarlyWarning
from jingjin.alerts.services import warnings_refresh
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised(users: Any, item: Any, period: Any) -> list[EarlyWarning]:
    """An item warning of t.a, and missing-report warnings of t.a and t.b."""
    warnings_refresh(as_of=date(2024, 4, 8))
    return list(EarlyWarning.objects.order_by("key"))


def _client(client: Any, username: str) -> Any:
    assert client.login(username=username, password=PASSWORD)
    return client


def test_page_shows_the_unit_its_own(client: Any, raised: Any) -> None:
    page = _client(client, "reporter_b").get("/warnings/")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="warning"') == 1
    assert "A1.M1.T2" in text
    assert 'data-testid="unread-count">1<' in text


def test_page_filters_for_the_office(client: Any, raised: Any) -> None:
    office = _client(client, "office")
    assert office.get("/warnings/").content.decode().count('data-testid="warning"') == 3
    assert office.get("/warnings/?level=yellow").content.decode().count('data-testid="warning"') == 1
    assert office.get("/warnings/?rule=report_missing").content.decode().count('data-testid="warning"') == 2
    assert office.get("/warnings/?acknowledged=yes").content.decode().count('data-testid="warning"') == 0


def test_acknowledge_button(client: Any, raised: Any) -> None:
    warning = EarlyWarning.objects.get(rule="supervision_due_soon")
    leader = _client(client, "leader")
    assert "acknowledge-form" not in leader.get("/warnings/").content.decode()
    assert leader.post(f"/warnings/{warning.pk}/acknowledge/", {"note": "x"}).status_code == 403
    reporter = _client(client, "reporter_a")
    response = reporter.post(f"/warnings/{warning.pk}/acknowledge/", {"note": "已安排"})
    assert response.status_code == 302
    warning.refresh_from_db()
    assert warning.acknowledge_note == "已安排"
    assert "已安排" in reporter.get("/warnings/?acknowledged=yes").content.decode()
    assert reporter.post("/warnings/notifications/read/").status_code == 302
    assert 'data-testid="unread-count">0<' in reporter.get("/warnings/").content.decode()


def test_api_list_retrieve_acknowledge(client: Any, raised: Any) -> None:
    office = _client(client, "office")
    listed = office.get("/api/warnings?level=red").json()
    assert listed["count"] == 2
    assert {row["rule"] for row in listed["results"]} == {"report_missing"}
    assert office.get("/api/warnings?level=purple").status_code == 400
    warning = EarlyWarning.objects.get(rule="supervision_due_soon")
    one = office.get(f"/api/warnings/{warning.pk}").json()
    assert one["supervision_item"] == "DB-2024-001" and one["level"] == "yellow"
    client.logout()
    leader = _client(client, "leader")
    assert leader.post(f"/api/warnings/{warning.pk}/acknowledge", {"note": "x"}).status_code == 403
    client.logout()
    reporter_b = _client(client, "reporter_b")
    assert reporter_b.get(f"/api/warnings/{warning.pk}").status_code == 404  # not its unit's
    client.logout()
    reporter = _client(client, "reporter_a")
    done = reporter.post(
        f"/api/warnings/{warning.pk}/acknowledge", {"note": "ok"}, content_type="application/json"
    )
    assert done.status_code == 200
    assert done.json()["acknowledged_by"] == "reporter_a"
    assert reporter.get("/api/warnings?acknowledged=true").json()["count"] == 1
