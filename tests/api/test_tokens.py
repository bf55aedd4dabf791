"""API tokens expire, can be rotated and revoked, each change audited (finding 11)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from jingjin.core.models import AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _get_token(client, username: str, **extra) -> dict:
    response = client.post(
        "/api/auth/token",
        {"username": username, "password": PASSWORD, **extra},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return response.json()


def _units(client, key: str):
    client.cookies["django_language"] = "en"
    return client.get("/api/units", HTTP_AUTHORIZATION=f"Token {key}")


def test_a_token_expires_after_the_lifetime(client, users, settings):
    settings.API_TOKEN_LIFETIME = datetime.timedelta(days=30)
    answer = _get_token(client, "reporter_a")
    assert _units(client, answer["token"]).status_code == 200
    expires = datetime.datetime.fromisoformat(answer["expires"])
    assert abs(expires - (timezone.now() + datetime.timedelta(days=30))) < datetime.timedelta(minutes=1)
    Token.objects.filter(key=answer["token"]).update(created=timezone.now() - datetime.timedelta(days=31))
    response = _units(client, answer["token"])
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert response["WWW-Authenticate"] == "Token"
    # signing in again gives a new token, and the old key stays refused
    fresh = _get_token(client, "reporter_a")
    assert fresh["token"] != answer["token"]
    assert _units(client, fresh["token"]).status_code == 200
    assert _units(client, answer["token"]).status_code == 401


def test_the_same_valid_token_until_rotated(client, users):
    first = _get_token(client, "office")
    assert _get_token(client, "office")["token"] == first["token"]
    rotated = _get_token(client, "office", rotate=True)
    assert rotated["token"] != first["token"]
    assert _units(client, first["token"]).status_code == 401
    again = client.post("/api/auth/token/rotate", HTTP_AUTHORIZATION=f"Token {rotated['token']}")
    assert again.status_code == 200 and again.json()["token"] != rotated["token"]
    assert _units(client, rotated["token"]).status_code == 401
    assert _units(client, again.json()["token"]).status_code == 200


def test_revoke(client, users):
    key = _get_token(client, "leader")["token"]
    assert client.delete("/api/auth/token", HTTP_AUTHORIZATION=f"Token {key}").status_code == 204
    assert _units(client, key).status_code == 401
    assert client.delete("/api/auth/token").status_code in {401, 403}
    assert client.post("/api/auth/token/rotate").status_code in {401, 403}


def test_token_changes_are_audited_without_the_key(client, users):
    before = AuditEntry.objects.count()
    key = _get_token(client, "county_c")["token"]
    _get_token(client, "county_c", rotate=True)
    entries = list(AuditEntry.objects.order_by("pk")[before:])
    assert len(entries) == 2
    assert all(e.user_name == "county_c" and e.content_type.model == "user" for e in entries)
    assert key not in str([(e.before, e.after) for e in entries])


def test_wrong_password_gets_no_token(client, users):
    response = client.post(
        "/api/auth/token", {"username": "office", "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code == 400 and "token" not in response.json()


def test_token_requests_count_towards_the_login_lockout(client, users, settings):
    """Guessing passwords through the token endpoint is limited like the sign-in page (django-axes)."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        response = client.post(
            "/api/auth/token", {"username": "office", "password": "guess"}, content_type="application/json"
        )
        assert response.status_code == 400
    locked = client.post(
        "/api/auth/token", {"username": "office", "password": PASSWORD}, content_type="application/json"
    )
    assert locked.status_code in {400, 403, 429} and "token" not in locked.json()
