"""How the API reports errors: always JSON, bad input as 400 naming the field."""

from __future__ import annotations

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from imvo.core.errors import ImvoError


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus ImvoError as 400 `{"<field>": ["<message>"]}` ("detail" without a
    field). The message is written for users; the file and row stay out of it."""
    if isinstance(exc, ImvoError):
        return Response({exc.field or "detail": [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
