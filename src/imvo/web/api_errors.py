"""How the API reports errors: always JSON, bad input as 400 naming the field.

One shape for bad input: `{"<field>": ["<message>", …]}` with plain strings; a problem inside
a list or nested object is named by its path (`scores.0.points`); a problem with the body as a
whole (not an object, say) is under "detail". Missing, forbidden and unauthenticated keep
DRF's `{"detail": "<message>"}`. No message is longer than MESSAGE_CHARACTERS, so a huge
submitted value is never echoed back.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from imvo.core.errors import ImvoError

MESSAGE_CHARACTERS = 300
API_PREFIX = "/api/"


def brief(message: object) -> str:
    """A message as a plain string, cut to MESSAGE_CHARACTERS."""
    text = str(message)
    return text if len(text) <= MESSAGE_CHARACTERS else text[:MESSAGE_CHARACTERS] + "…"


def field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's (possibly nested) validation errors as `{"field.path": [plain strings]}`."""
    found: dict[str, list[str]] = {}

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key == api_settings.NON_FIELD_ERRORS_KEY:  # about the object as a whole
                    walk(inner, path)
                else:
                    walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list | tuple):
            if all(not isinstance(item, dict | list | tuple) for item in value):
                if value:
                    found.setdefault(path or "detail", []).extend(brief(v) for v in value)
                return
            for index, inner in enumerate(value):
                walk(inner, f"{path}.{index}" if path else str(index))
        else:
            found.setdefault(path or "detail", []).append(brief(value))

    walk(detail, prefix)
    return found


def first_field_error(detail: Any) -> tuple[str, str]:
    """The first problem of DRF's validation errors: its field path and message."""
    field, messages = next(iter(field_errors(detail).items()), ("detail", ["invalid input"]))
    return field, messages[0]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus ImvoError as 400 `{"<field>": ["<message>"]}` ("detail" without a
    field). The message is written for users; the file and row stay out of it."""
    if isinstance(exc, ImvoError):
        return Response(
            {exc.field or "detail": [brief(exc.message)]}, status=status.HTTP_400_BAD_REQUEST
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = field_errors(exc.detail)
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {**response.data, "detail": brief(response.data["detail"])}
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 for a URL no route matches: JSON under the API, the site's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: JSON under the API (nothing about the cause), the site's page elsewhere."""
    if _is_api(request):
        return JsonResponse({"detail": "A server error occurred."}, status=500)
    return defaults.server_error(request)
