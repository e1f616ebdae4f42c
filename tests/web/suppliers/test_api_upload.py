"""`/api/v1/supplier-lists/` and `/api/v1/import-jobs/`: uploading by API token, for each role."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from imvo.web.accounts.services import api_token_create
from imvo.web.suppliers.models import ImportJob, ImportJobStatus, SupplierList
from web.accounts.people import People, build_people
from web.suppliers.cast import HEMA_ROWS, ZEEMAN_ROWS, csv_bytes, database_counts, xls_bytes

URL = "/api/v1/supplier-lists/"


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.VAR_DIR = tmp_path
    yield


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


def api(user: Any) -> Client:
    _, raw = api_token_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def upload(client: Client, data: bytes, filename: str, query: str = "", **fields: Any) -> Any:
    body = {"year": "2018", "file": SimpleUploadedFile(filename, data), **fields}
    return client.post(URL + query, body)


def test_upload_with_wait_answers_201_with_the_summary(cast: Any, people: People) -> None:
    response = upload(api(people.hema_user), csv_bytes(HEMA_ROWS), "hema.csv", "?wait=true")

    assert response.status_code == 201, response.content
    summary = response.json()
    assert {k: summary[k] for k in ("rows", "accepted", "rejected")} == {
        "rows": 5,
        "accepted": 4,
        "rejected": 1,
    }
    assert summary["rows"] == summary["accepted"] + summary["rejected"]
    assert summary["accepted"] == sum(
        summary[k] for k in ("duplicates", "matched", "new", "review")
    )
    assert summary["errors"] == [
        {"row": 6, "field": "country", "message": summary["errors"][0]["message"]}
    ]
    assert "Atlantis" in summary["errors"][0]["message"]
    assert SupplierList.objects.get(pk=summary["list_id"]).company == cast.hema


def test_upload_without_wait_answers_202_with_the_job_to_follow(cast: Any, people: People) -> None:
    client = api(people.zeeman_user)
    response = upload(client, xls_bytes(ZEEMAN_ROWS), "zeeman.xls", company="zeeman")

    assert response.status_code == 202
    job = response.json()
    assert job["status_url"].endswith(f"/api/v1/import-jobs/{job['job_id']}/")
    followed = client.get(f"/api/v1/import-jobs/{job['job_id']}/").json()
    assert followed["status"] == "done"
    listed = client.get(f"/api/v1/supplier-lists/{followed['list_id']}/").json()
    assert (listed["company"], listed["format"], listed["new"]) == ("zeeman", "xls", 3)


def test_a_company_user_cannot_upload_for_or_read_another_company(
    cast: Any, people: People
) -> None:
    hema = api(people.hema_user)
    before = database_counts()
    posted = upload(hema, csv_bytes(HEMA_ROWS), "x.csv", company="zeeman")
    assert posted.status_code == 404
    assert database_counts() == before

    response = upload(api(people.zeeman_user), csv_bytes(HEMA_ROWS), "z.csv", "?wait=1")
    list_id = response.json()["list_id"]
    job = ImportJob.objects.get()
    assert hema.get(f"/api/v1/supplier-lists/{list_id}/").status_code == 404
    assert hema.get(f"/api/v1/import-jobs/{job.pk}/").status_code == 404
    assert hema.get(URL).json() == []
    assert [item["list_id"] for item in api(people.textile_secretariat).get(URL).json()] == [
        list_id
    ]
    assert api(people.fnv_observer).get(URL).status_code == 403


def test_the_secretariat_names_the_company_and_only_one_of_its_covenant(
    cast: Any, people: People
) -> None:
    client = api(people.textile_secretariat)
    unnamed = upload(client, csv_bytes(HEMA_ROWS), "x.csv")
    other = upload(api(people.banking_secretariat), csv_bytes(HEMA_ROWS), "x.csv", company="hema")
    named = upload(client, csv_bytes(HEMA_ROWS), "x.csv", "?wait=true", company="hema")

    assert unnamed.status_code == 400
    assert list(unnamed.json()) == ["company"]
    assert other.status_code == 404
    assert named.status_code == 201


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("garbage.csv", bytes(range(256)) * 40),
        ("bomb.xlsx", b"PK\x03\x04" + b"\x00" * 300),
        ("fake.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\xff" * 600),
    ],
)
def test_hostile_files_are_a_400_naming_the_file_and_nothing_is_written(
    cast: Any, people: People, settings: Any, filename: str, data: bytes
) -> None:
    before = database_counts()
    response = upload(api(people.zeeman_user), data, filename, "?wait=true")

    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["file"]
    assert body["file"][0].startswith(f"{filename}: ")
    assert database_counts() == before
    assert not list((Path(settings.VAR_DIR) / "uploads").glob("*"))


def test_a_body_over_the_limit_is_refused_by_its_length(cast: Any, people: People) -> None:
    client = api(people.zeeman_user)
    response = client.generic(
        "POST",
        URL,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(21 * 1024 * 1024),
    )
    assert response.status_code == 400
    assert "larger than the limit of 20 MB" in response.json()["file"][0]


def test_unknown_headers_need_a_mapping_which_places_the_columns(cast: Any, people: People) -> None:
    grid = [
        ["Fabriek", "Waar", "Natie"],
        ["Mill One", "1 Road", "BD"],
        ["Mill Two", "2 Road", "XX"],
    ]
    client = api(people.zeeman_user)
    unmapped = upload(client, csv_bytes(grid), "odd.csv", "?wait=true")
    malformed = upload(client, csv_bytes(grid), "odd.csv", "?wait=true", mapping="{oops")
    mapping = {"Fabriek": "name", "Waar": "address", "Natie": "country"}
    mapped = upload(client, csv_bytes(grid), "odd.csv", "?wait=true", mapping=json.dumps(mapping))

    assert unmapped.status_code == 400
    assert "no column holds the required address, country" in unmapped.json()["mapping"][0]
    assert malformed.status_code == 400
    assert list(malformed.json()) == ["mapping"]
    assert mapped.status_code == 201
    assert (mapped.json()["accepted"], mapped.json()["rejected"]) == (1, 1)


def test_a_bad_year_or_covenant_is_a_400_naming_it(cast: Any, people: People) -> None:
    client = api(people.zeeman_user)
    year = upload(client, csv_bytes(HEMA_ROWS), "x.csv", year="last year")
    covenant = upload(client, csv_bytes(HEMA_ROWS), "x.csv", covenant="tea")
    too_old = upload(client, csv_bytes(HEMA_ROWS), "x.csv", "?wait=true", year="1999")

    assert list(year.json()) == ["year"]
    assert list(covenant.json()) == ["covenant"]
    assert too_old.status_code == 400
    assert list(too_old.json()) == ["year"]
    assert SupplierList.objects.count() == 0


def test_without_a_token_the_upload_is_401(cast: Any) -> None:
    response = upload(Client(), csv_bytes(HEMA_ROWS), "x.csv")
    assert response.status_code == 401
    assert ImportJob.objects.filter(status=ImportJobStatus.DONE).count() == 0
