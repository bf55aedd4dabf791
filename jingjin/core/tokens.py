"""API tokens (``Authorization: Token …``) that expire: issue, rotate and revoke, each audited.

A token lives ``settings.API_TOKEN_LIFETIME`` (``JINGJIN_API_TOKEN_DAYS``, default 30 days) from the
moment it was issued; an expired token gets 401 with a message saying so. The key itself is never
written to the audit trail, only that a token was issued, rotated or revoked and until when it is
valid.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

from jingjin.core.choices import AuditAction
from jingjin.core.services import audit_record


def expires(token: Token) -> datetime.datetime:
    """When ``token`` stops being accepted."""
    lifetime: datetime.timedelta = settings.API_TOKEN_LIFETIME
    issued: datetime.datetime = token.created
    return issued + lifetime


def is_expired(token: Token) -> bool:
    return expires(token) <= timezone.now()


def _state(token: Token | None) -> dict[str, Any]:
    if token is None:
        return {"api_token": None}
    return {"api_token": {"issued": token.created.isoformat(), "expires": expires(token).isoformat()}}


@transaction.atomic
def api_token_issue(*, user: Any, rotate: bool = False, source: str = "api") -> Token:
    """The user's valid token: the current one, or a new one when there is none, it has expired or
    ``rotate`` asks for a new one (the old key stops working at once)."""
    current = Token.objects.select_for_update().filter(user=user).first()
    if current is not None and not rotate and not is_expired(current):
        return current
    before = _state(current)
    if current is not None:
        current.delete()
    token = Token.objects.create(user=user)
    audit_record(
        actor=user, action=AuditAction.UPDATE, obj=user, before=before, after=_state(token), source=source
    )
    return token


@transaction.atomic
def api_token_revoke(*, user: Any, source: str = "api") -> bool:
    """Delete the user's token; False when there was none."""
    current = Token.objects.select_for_update().filter(user=user).first()
    if current is None:
        return False
    before = _state(current)
    current.delete()
    audit_record(
        actor=user, action=AuditAction.UPDATE, obj=user, before=before, after=_state(None), source=source
    )
    return True


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than ``settings.API_TOKEN_LIFETIME``."""

    def authenticate_credentials(self, key: str) -> tuple[Any, Token]:
        user, token = super().authenticate_credentials(key)
        if is_expired(token):
            raise exceptions.AuthenticationFailed(
                _(
                    "The API token has expired. Get a new one: POST /api/auth/token with your user name and "
                    "password."
                )
            )
        return user, token
