"""`GET /api/v1/me/`: who the API thinks you are, so a token can be checked."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imvo.web.accounts import selectors
from imvo.web.accounts.models import Role
from imvo.web.accounts.permissions import is_admin

MeSerializer = inline_serializer(
    "Me",
    fields={
        "email": serializers.CharField(),
        "is_admin": serializers.BooleanField(),
        "roles": inline_serializer(
            "MeRole",
            fields={
                "role": serializers.ChoiceField(choices=Role.values),
                "company": serializers.CharField(
                    allow_null=True, help_text="The company's slug, for a company user."
                ),
                "covenant": serializers.CharField(
                    allow_null=True, help_text="The covenant's slug, for secretariat or observer."
                ),
            },
            many=True,
        ),
    },
)


class MeView(APIView):
    """The authenticated account and its roles."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, summary="The account the request authenticates as")
    def get(self, request: Request) -> Response:
        user = request.user
        return Response(
            {
                "email": getattr(user, "email", "") or user.get_username(),
                "is_admin": is_admin(user),
                "roles": [
                    {
                        "role": m.role,
                        "company": m.company.slug if m.company else None,
                        "covenant": m.covenant.slug if m.covenant else None,
                    }
                    for m in selectors.memberships_of(user)
                ],
            }
        )
