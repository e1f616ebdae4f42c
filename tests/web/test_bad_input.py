"""Bad input to the API is a 400 naming the field, in plain strings, never a 500 or a Python
repr; years are bounded; an unknown mapping is refused before anything is queued; a huge value
is never echoed back whole (issue 9, findings 5 and 8)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.exceptions import ValidationError

from imvo.core.errors import shown
from imvo.web.accounts.services import api_token_create
from imvo.web.api_errors import exception_handler, field_errors
from imvo.web.suppliers.models import ImportJob
from web.accounts.people import People, build_people
from web.diligence.story import textile_framework, zeeman_assessment
from web.suppliers.cast import HEMA_ROWS, csv_bytes

pytestmark = pytest.mark.django_db

HUGE = "x" * 100_000


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.IMVO_IMPORT_JOBS = "inline"
    settings.VAR_DIR = tmp_path
    yield


def api(user: Any) -> Client:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(user=user)[1]}")
    client.raise_request_exception = False
    return client


def plain_field_errors(response: Any) -> dict[str, list[str]]:
    """The body of a 400: fields to lists of plain strings, no repr of DRF's internals."""
    assert response.status_code == 400, (response.status_code, response.content[:500])
    body = response.json()
    assert isinstance(body, dict) and body
    for field, messages in body.items():
        assert isinstance(field, str) and field
        assert isinstance(messages, list) and messages
        for message in messages:
            assert isinstance(message, str)
            assert "ErrorDetail" not in message and "{'" not in message
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"scores": "abc"}', "scores"),
        ("{}", "criterion"),
        ("5", "detail"),
        ("null", "detail"),
        ('"text"', "detail"),
        ("[1, 2]", "detail"),
        ('{"scores": [5]}', "scores.0"),
        ('{"scores": [{"criterion": "x"}]}', "scores.0.points"),
        ('{"scores": [{"criterion": "x", "points": "many", "reason": ""}]}', "scores.0.points"),
    ],
)
def test_scores_of_the_wrong_shape_are_a_400_naming_the_field(
    cast: Any, people: People, body: str, field: str
) -> None:
    textile_framework(cast)
    assessment = zeeman_assessment(cast, published=False)
    response = api(people.textile_secretariat).post(
        f"/api/v1/assessments/{assessment.pk}/scores/", body, content_type="application/json"
    )
    assert list(plain_field_errors(response)) == [field]


def test_nested_validation_errors_become_dotted_fields_with_plain_messages() -> None:
    error = ValidationError({"scores": [{}, {"points": ["A valid number is required."]}]})
    response = exception_handler(error, {})
    assert response is not None
    assert response.data == {"scores.1.points": ["A valid number is required."]}
    assert field_errors({"non_field_errors": ["Invalid data."]}) == {"detail": ["Invalid data."]}


@pytest.mark.parametrize("year", ["99999", "1999", "-1", "2018.5", "20e3"])
def test_a_year_outside_the_accepted_range_is_a_400_everywhere(
    cast: Any, people: People, year: str
) -> None:
    textile_framework(cast)
    client = api(people.zeeman_user)
    created = client.post(
        "/api/v1/submissions/",
        {"company": "zeeman", "covenant": "textile", "year": year},
        content_type="application/json",
    )
    assert list(plain_field_errors(created)) == ["year"]
    assert list(plain_field_errors(client.get(f"/api/v1/submissions/?year={year}"))) == ["year"]
    shared = client.get(f"/api/v1/companies/zeeman/shared-facilities/?year={year}")
    assert list(plain_field_errors(shared)) == ["year"]
    clusters = api(people.textile_secretariat).get(
        f"/api/v1/covenants/textile/clusters/?year={year}"
    )
    assert list(plain_field_errors(clusters)) == ["year"]
    uploaded = client.post(
        "/api/v1/supplier-lists/",
        {"year": year, "company": "zeeman", "file": SimpleUploadedFile("l.csv", b"a\n1\n")},
    )
    assert list(plain_field_errors(uploaded)) == ["year"]


def test_next_year_is_still_accepted(cast: Any, people: People) -> None:
    from django.utils import timezone

    textile_framework(cast)
    next_year = timezone.localdate().year + 1
    response = api(people.zeeman_user).get(f"/api/v1/submissions/?year={next_year}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "mapping",
    [
        {"Naam": "colour"},  # no such field
        {"No such column": "name"},  # no such column
        {"Naam": None},  # leaves the required name without a column
    ],
)
def test_a_mapping_to_an_unknown_field_or_column_is_refused_before_any_job(
    cast: Any, people: People, mapping: dict[str, Any]
) -> None:
    response = api(people.hema_user).post(
        "/api/v1/supplier-lists/",
        {
            "year": "2018",
            "file": SimpleUploadedFile("hema.csv", csv_bytes(HEMA_ROWS)),
            "mapping": json.dumps(mapping),
        },
    )
    assert list(plain_field_errors(response)) == ["mapping"]
    assert not ImportJob.objects.exists()


def test_a_mapping_that_names_known_fields_is_accepted(cast: Any, people: People) -> None:
    header = list(HEMA_ROWS[0])
    response = api(people.hema_user).post(
        "/api/v1/supplier-lists/?wait=true",
        {
            "year": "2018",
            "file": SimpleUploadedFile("hema.csv", csv_bytes(HEMA_ROWS)),
            "mapping": json.dumps({header[0]: "name"}),
        },
    )
    assert response.status_code == 201, response.content


def test_a_huge_value_is_not_echoed_back(cast: Any, people: People) -> None:
    textile_framework(cast)
    client = api(people.zeeman_user)
    responses = [
        client.post(
            "/api/v1/submissions/",
            {"company": HUGE, "covenant": "textile", "year": 2019},
            content_type="application/json",
        ),
        client.post(
            "/api/v1/submissions/",
            {"company": "zeeman", "covenant": "textile", "year": HUGE},
            content_type="application/json",
        ),
        client.get(f"/api/v1/submissions/?year={HUGE}"),
        client.post(
            "/api/v1/supplier-lists/",
            {"year": "2018", "file": SimpleUploadedFile("l.csv", b"a\n1\n"), "company": HUGE},
        ),
    ]
    for response in responses:
        assert 400 <= response.status_code < 500
        assert len(response.content) < 1000, response.content[:200]


def test_shown_cuts_a_long_value_with_an_ellipsis() -> None:
    assert shown("abc") == "'abc'"
    assert shown("y" * 500) == "'" + "y" * 80 + "…'"


def test_ids_beyond_the_database_range_are_a_400_or_404_never_a_500(
    cast: Any, people: People
) -> None:
    from imvo.web.diligence import services as diligence
    from web.diligence.story import CHILD_LABOUR_BD

    textile_framework(cast)
    draft = diligence.submission_create(
        actor=None, company=cast.zeeman, covenant=cast.textile, year=2019
    )
    diligence.risk_item_create(actor=None, submission=draft, fields=CHILD_LABOUR_BD)
    client = api(people.zeeman_user)
    huge = 2**63
    action = client.post(
        f"/api/v1/submissions/{draft.pk}/actions/",
        {"what": "Audit", "risks": [huge]},
        content_type="application/json",
    )
    assert list(plain_field_errors(action)) == ["risks.0"]
    answers = client.patch(
        f"/api/v1/submissions/{draft.pk}/",
        {"answers": {str(huge): "yes"}},
        content_type="application/json",
    )
    assert list(plain_field_errors(answers)) == ["answers"]
    assert client.get(f"/api/v1/risks/{huge}/").status_code == 404
    assert client.delete(f"/api/v1/actions/{huge * 10}/").status_code == 404
