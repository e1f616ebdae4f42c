"""Every API write endpoint, fed by schemathesis from the OpenAPI schema with well-formed and
malformed input (wrong JSON types, missing fields, junk), answers without a 5xx, and every 4xx
body is JSON that names a field (or "detail") with plain-string messages (issue 9, finding 5).

Requests go in-process through Django's test client (the schema is read from the app itself),
as an administrator and as a company user, each example in a savepoint rolled back after it,
with a fixed number of examples and derandomized generation so that CI runs the same cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.transport.wsgi import WSGI_TRANSPORT
from werkzeug.test import EnvironBuilder

from imvo.web.accounts.services import api_token_create
from imvo.web.diligence import services as diligence
from web.accounts.people import People, build_people
from web.diligence.story import CHILD_LABOUR_BD, textile_framework, zeeman_assessment

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
EXAMPLES = 10  # per operation, mode and user: about half a minute in all


def _schema() -> Any:
    """The schema as the app serves it, fetched through Django's test client: a plain WSGI
    call would end with Django closing the database connection of the test's transaction."""
    import schemathesis

    response = Client().get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    return schemathesis.openapi.from_dict(response.json())


def write_operations() -> list[Any]:
    operations = [result.ok() for result in _schema().get_all_operations()]
    return sorted(
        (op for op in operations if op.method.upper() in WRITE_METHODS), key=lambda op: op.label
    )


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.IMVO_IMPORT_JOBS = "inline"
    settings.VAR_DIR = tmp_path
    yield


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


@pytest.fixture
def objects(cast: Any, people: People) -> dict[str, Any]:
    """Real objects for the path parameters, so that the input reaches the validation."""
    textile_framework(cast)
    assessment = zeeman_assessment(cast, published=False)  # of the submitted 2018 submission
    draft = diligence.submission_create(
        actor=None, company=cast.zeeman, covenant=cast.textile, year=2019
    )
    risk = diligence.risk_item_create(actor=None, submission=draft, fields=CHILD_LABOUR_BD)
    action = diligence.action_create(
        actor=None,
        submission=draft,
        fields=diligence.ActionFields(
            what="Audit", where="", due_on=None, indicator="", risk_ids=(risk.pk,)
        ),
    )
    return {
        "submission": draft.pk,
        "risk": risk.pk,
        "action": action.pk,
        "assessment": assessment.pk,
    }


def path_parameters(operation: Any, objects: dict[str, Any]) -> dict[str, Any]:
    names = re.findall(r"{(\w+)}", operation.path)
    if not names:
        return {}
    (name,) = names
    for prefix, key in (
        ("/api/v1/submissions/", "submission"),
        ("/api/v1/risks/", "risk"),
        ("/api/v1/actions/", "action"),
        ("/api/v1/assessments/", "assessment"),
    ):
        if operation.path.startswith(prefix):
            return {name: objects[key]}
    raise AssertionError(f"no object for {operation.path}")


def send(case: Any, token: str) -> Any:
    data = WSGI_TRANSPORT.serialize_case(case, headers={"Authorization": f"Bearer {token}"})
    environ = EnvironBuilder(**data).get_environ()
    client = Client(raise_request_exception=False)
    return client.request(**environ)


def _resolves(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def check(case: Any, response: Any) -> None:
    where = f"{case.method} {case.formatted_path} body={case.body!r:.300}"
    assert response.status_code < 500, f"{where}: {response.status_code} {response.content[:300]!r}"
    if response.status_code == 404 and not _resolves(response.wsgi_request.path_info):
        return  # a malformed id in the URL matches no route: Django's own 404 page
    if 400 <= response.status_code < 500:
        assert response["Content-Type"] == "application/json", (
            f"{where}: {response['Content-Type']}"
        )
        body = response.json()
        assert isinstance(body, dict) and body, f"{where}: {body!r}"
        for field, messages in body.items():
            assert isinstance(field, str) and field, where
            if isinstance(messages, str):  # 401/403/404/405: {"detail": "..."}
                assert field == "detail", f"{where}: {body!r}"
                continue
            assert isinstance(messages, list) and messages, f"{where}: {body!r}"
            for message in messages:
                assert isinstance(message, str), f"{where}: {body!r}"
                assert "ErrorDetail" not in message, f"{where}: {body!r}"


@pytest.mark.parametrize("mode", [GenerationMode.NEGATIVE, GenerationMode.POSITIVE])
@pytest.mark.parametrize("who", ["administrator", "zeeman_user"])
def test_api_writes_never_answer_5xx_and_every_4xx_names_a_field(
    people: People, objects: dict[str, Any], who: str, mode: GenerationMode
) -> None:
    token = api_token_create(user=getattr(people, who))[1]
    operations = write_operations()
    assert len(operations) >= 15, [op.label for op in operations]
    for operation in operations:
        strategy = operation.as_strategy(
            generation_mode=mode, path_parameters=path_parameters(operation, objects)
        )

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def run(case: Any) -> None:
            with transaction.atomic():
                check(case, send(case, token))
                transaction.set_rollback(True)

        run()
