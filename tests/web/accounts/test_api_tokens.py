"""API authentication: `Authorization: Bearer <token>` or `Token <token>`, and /api/v1/me/."""

from __future__ import annotations

import pytest
from django.test import Client

from imvo.web.accounts import services
from web.accounts.people import People

ME = "/api/v1/me/"


@pytest.fixture
def zeeman_token(people: People) -> str:
    return services.api_token_create(user=people.zeeman_user)[1]


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "bearer"])
def test_a_token_authenticates_as_its_user(client: Client, zeeman_token: str, scheme: str) -> None:
    response = client.get(ME, HTTP_AUTHORIZATION=f"{scheme} {zeeman_token}")
    assert response.status_code == 200
    assert response.json() == {
        "email": "anna@zeeman.example",
        "is_admin": False,
        "roles": [{"role": "company", "company": "zeeman", "covenant": None}],
    }


def test_without_credentials_the_api_answers_401_with_a_bearer_challenge(
    client: Client, db: None
) -> None:
    response = client.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header",
    ["Bearer imvo_not-a-real-token", "Bearer", "Bearer two parts", "Token x", "Bearer ñ"],
)
def test_a_bad_token_is_refused_with_401(client: Client, db: None, header: str) -> None:
    response = client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_revoked_token_stops_working_at_once(
    client: Client, people: People, zeeman_token: str
) -> None:
    token = people.zeeman_user.api_tokens.get()
    services.api_token_revoke(token=token, revoked_by=people.zeeman_user)
    assert client.get(ME, HTTP_AUTHORIZATION=f"Bearer {zeeman_token}").status_code == 401


def test_the_session_of_a_logged_in_user_works_for_the_api(client: Client, people: People) -> None:
    client.force_login(people.administrator)
    body = client.get(ME).json()
    assert body["is_admin"] is True
    assert body["roles"] == [{"role": "admin", "company": None, "covenant": None}]


def test_other_authorization_schemes_are_left_alone(client: Client, db: None) -> None:
    response = client.get(ME, HTTP_AUTHORIZATION="Basic YWRtaW46YWRtaW4=")
    assert response.status_code == 401


def test_the_schema_documents_the_token_scheme(client: Client, db: None) -> None:
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/me/"]["get"]["security"]
