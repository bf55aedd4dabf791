"""``/api/auth/token``: get, rotate and revoke the API token (see :mod:`jingjin.core.tokens`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import parsers, permissions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from jingjin.core import tokens

TokenAnswer = inline_serializer(
    "ApiToken",
    {
        "token": serializers.CharField(),
        "expires": serializers.DateTimeField(help_text="after this moment the token gets 401"),
    },
)


class TokenRequestSerializer(AuthTokenSerializer):
    rotate = serializers.BooleanField(
        required=False, default=False, help_text="issue a new token even if the current one is still valid"
    )


def _answer(token: Any, *, created: bool = False) -> Response:
    return Response(
        {"token": token.key, "expires": tokens.expires(token)},
        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
    )


class TokenView(APIView):
    """POST: a token for a user name and password (the current one while it is valid); DELETE: revoke
    the signed-in user's token."""

    parser_classes = [parsers.FormParser, parsers.MultiPartParser, parsers.JSONParser]
    throttle_classes: list[Any] = []

    def get_permissions(self) -> list[Any]:
        if self.request.method == "POST":
            return []
        return [permissions.IsAuthenticated()]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenAnswer}, summary="Get an API token")
    def post(self, request: Request) -> Response:
        body = TokenRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        user = body.validated_data["user"]
        return _answer(tokens.api_token_issue(user=user, rotate=body.validated_data["rotate"]))

    @extend_schema(request=None, responses={204: None}, summary="Revoke the signed-in user's API token")
    def delete(self, request: Request) -> Response:
        tokens.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenRotateView(APIView):
    """A new token for the signed-in user (session or a still valid token); the old one stops working."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None, responses={200: TokenAnswer}, summary="Rotate the signed-in user's API token"
    )
    def post(self, request: Request) -> Response:
        return _answer(tokens.api_token_issue(user=request.user, rotate=True))
