"""API authentication by token: `Authorization: Bearer <token>` (or `Token <token>`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from imvo.web.accounts.models import ApiToken
from imvo.web.accounts.services import api_token_use

SCHEMES = (b"bearer", b"token")


class BearerTokenAuthentication(BaseAuthentication):
    """Authenticates a request by an API token made with `imvo users token` or on the
    account page. No header: not this class's business (the next class, or anonymous)."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in SCHEMES:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Send the token as `Authorization: Bearer <token>`.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This API token is not valid.")) from None
        token = api_token_use(raw=raw)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid: it is unknown, revoked or its account is off.")
            )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """Documents the token scheme in the OpenAPI schema."""

    target_class = BearerTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from `imvo users token EMAIL` or the account page, "
            "sent as `Authorization: Bearer <token>` (`Token <token>` works too).",
        }
