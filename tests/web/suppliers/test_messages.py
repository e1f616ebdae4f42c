"""Intake messages in the page's language: row errors, file errors and a failed import's
problem in Dutch (the default) or English, with user data escaped in both."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from imvo.core.errors import ImvoError
from imvo.core.intake.messages import MESSAGES
from imvo.web.suppliers.jobs import import_job_create, import_job_start, upload_stage
from imvo.web.suppliers.messages import (
    TEMPLATES,
    error_text,
    job_problem_text,
    row_errors_shown,
    text,
)
from imvo.web.suppliers.models import ImportJob, ImportJobStatus, SupplierRow
from web.accounts.people import People, build_people
from web.suppliers.cast import csv_bytes

UPLOAD = "/suppliers/upload/"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CATALOGUE = Path(django_settings.LOCALE_PATHS[0]) / "nl" / "LC_MESSAGES" / "django.po"

BROKEN_ROWS = [
    ["Naam", "Adres", "Land", "Breedtegraad", "Lengtegraad", "Aantal werknemers"],
    ["Dhaka Knit", "Plot 12", "BD", "", "", "1200"],
    ["Atlantis Mill", "1 Sea Road", "Atlantis", "", "", ""],
    ["North Mill", "2 Pole Road", "NL", "95", "4", ""],
    ["Half Mill", "3 Half Road", "NL", "", "", "12.5"],
    ["", "4 Nameless Road", "NL", "", "", ""],
    ["<script>alert(1)</script>", "5 Road", "<script>steal()</script>", "", "", ""],
]


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.VAR_DIR = tmp_path
    yield
    translation.deactivate()


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


def client_of(user: Any, language: str | None = None, *, cookie: bool = False) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language) if language and not cookie else Client()
    if cookie and language:
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(user)
    return client


def upload(client: Client, data: bytes, filename: str, company: Any) -> Any:
    form = {"year": 2018, "company": company.pk, "file": SimpleUploadedFile(filename, data)}
    return client.post(UPLOAD, form)


def placeholders(template: str) -> set[str]:
    return set(PLACEHOLDER.findall(template))


# ---- the catalogue -------------------------------------------------------------------------


def test_every_core_message_has_a_web_template_with_the_same_placeholders() -> None:
    assert set(TEMPLATES) == set(MESSAGES)
    for code, english in MESSAGES.items():
        assert placeholders(str(TEMPLATES[code])) == placeholders(english), code


def test_web_templates_read_as_the_core_english_messages() -> None:
    with translation.override("en"):
        assert {code: str(TEMPLATES[code]) for code in MESSAGES} == MESSAGES


def test_every_dutch_translation_keeps_the_placeholders_of_its_message() -> None:
    catalogue = {entry.msgid: entry for entry in polib.pofile(str(CATALOGUE))}
    for code, english in MESSAGES.items():
        entry = catalogue[english]
        assert entry.msgstr, code
        assert not entry.fuzzy, code
        assert placeholders(entry.msgstr) == placeholders(english), code
        assert entry.msgstr != english, code


def test_a_message_without_a_code_is_shown_as_stored() -> None:
    with translation.override("nl"):
        assert text(None, {}, "stored before codes") == "stored before codes"
        assert row_errors_shown([{"row": 3, "field": "country", "message": "old text"}]) == [
            {"row": 3, "field": "land", "message": "old text"}
        ]


def test_numbers_in_messages_are_grouped_the_way_the_language_writes_them() -> None:
    error = ImvoError(
        "x", file="big.csv", row=7, code="file.too_many_rows", params={"limit": 200000}
    )
    with translation.override("nl"):
        assert error_text(error) == (
            "big.csv: rij 7: het bestand heeft meer dan 200.000 rijen; "
            "splits het in kleinere bestanden"
        )
    with translation.override("en"):
        assert error_text(error) == (
            "big.csv: row 7: the file has more than 200,000 rows; split it into smaller files"
        )


def test_a_failed_job_without_a_code_shows_its_stored_message() -> None:
    with translation.override("nl"):
        assert job_problem_text({}, "kept message") == "kept message"
        assert job_problem_text({"code": "no.such.code"}, "kept message") == "kept message"


# ---- row errors on the status page and the list page -------------------------------------


DUTCH_ROW_ERRORS = (
    "onbekend land &#x27;Atlantis&#x27;",
    "breedtegraad &#x27;95&#x27; ligt buiten -90..90",
    "aantal werknemers &#x27;12.5&#x27; is geen geheel getal",
    "naam is leeg",
)
ENGLISH_ROW_ERRORS = (
    "unknown country &#x27;Atlantis&#x27;",
    "latitude &#x27;95&#x27; lies outside -90..90",
    "workers &#x27;12.5&#x27; is not a whole number",
    "name is empty",
)


def import_broken_list(cast: Any, people: People, client: Client) -> tuple[str, str]:
    """The status page and the list page of an upload of BROKEN_ROWS, as `client` sees them."""
    response = upload(client, csv_bytes(BROKEN_ROWS), "leveranciers.csv", cast.zeeman)
    assert response.status_code == 302, response.content.decode()
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE, job.message
    status_page = client.get(response["Location"]).content.decode()
    list_page = client.get(f"/suppliers/lists/{job.supplier_list_id}/").content.decode()
    return status_page, list_page


def test_dutch_page_shows_row_errors_and_field_names_in_dutch(cast: Any, people: People) -> None:
    status_page, list_page = import_broken_list(cast, people, client_of(people.zeeman_user))

    for page in (status_page, list_page):
        for message in DUTCH_ROW_ERRORS:
            assert message in page
        assert "<td>breedtegraad</td>" in page
        assert "<td>aantal werknemers</td>" in page
        assert "unknown country" not in page
        assert "is empty" not in page


@pytest.mark.parametrize("cookie", [False, True], ids=["accept-language", "language-cookie"])
def test_english_page_shows_row_errors_in_english(cast: Any, people: People, cookie: bool) -> None:
    client = client_of(people.zeeman_user, "en", cookie=cookie)
    status_page, list_page = import_broken_list(cast, people, client)

    for page in (status_page, list_page):
        for message in ENGLISH_ROW_ERRORS:
            assert message in page
        assert "<td>latitude</td>" in page
        assert "onbekend land" not in page


@pytest.mark.parametrize("language", ["nl", "en"])
def test_script_in_a_cell_comes_out_escaped(cast: Any, people: People, language: str) -> None:
    status_page, list_page = import_broken_list(
        cast, people, client_of(people.zeeman_user, language)
    )

    for page in (status_page, list_page):
        assert "<script>steal()</script>" not in page
        assert "&#x27;&lt;script&gt;steal()&lt;/script&gt;&#x27;" in page


def test_stored_row_errors_keep_their_code_and_parameters(cast: Any, people: People) -> None:
    import_broken_list(cast, people, client_of(people.zeeman_user))

    errors = {row.number: row.errors for row in SupplierRow.objects.filter(accepted=False)}
    assert errors[3] == [
        {
            "field": "country",
            "message": "unknown country 'Atlantis'",
            "code": "country.unknown",
            "params": {"value": "'Atlantis'"},
        }
    ]
    assert errors[6][0]["code"] == "row.empty"


# ---- file errors on the upload form and a failed import -----------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "het bestand is geen CSV- of spreadsheetbestand: het bevat binaire gegevens"),
        ("en", "the file is not a CSV or spreadsheet file: it contains binary data"),
    ],
)
def test_unreadable_file_is_refused_in_the_page_language(
    cast: Any, people: People, language: str, expected: str
) -> None:
    data = bytes(range(256)) * 64
    response = upload(client_of(people.zeeman_user, language), data, "<i>lijst.csv", cast.zeeman)

    page = response.content.decode()
    assert response.status_code == 400
    assert f"&lt;i&gt;lijst.csv: {expected}" in page
    assert "<i>lijst" not in page


def test_empty_file_is_refused_in_dutch(cast: Any, people: People) -> None:
    response = upload(client_of(people.zeeman_user, "nl"), b"  \r\n", "leeg.csv", cast.zeeman)

    assert response.status_code == 400
    assert "leeg.csv: het bestand is leeg" in response.content.decode()


def failed_import(cast: Any, data: bytes, filename: str) -> ImportJob:
    job = import_job_create(
        company=cast.zeeman, year=2018, token=upload_stage(data), filename=filename
    )
    import_job_start(job)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    return job


def test_import_without_a_name_column_fails_with_a_dutch_problem(cast: Any, people: People) -> None:
    data = csv_bytes([["Adres", "Land", "Kleur"], ["1 Road", "NL", "<i>rood</i>"]])
    job = failed_import(cast, data, "zonder-naam.csv")

    dutch = client_of(people.zeeman_user).get(f"/suppliers/jobs/{job.pk}/").content.decode()
    english = client_of(people.zeeman_user, "en").get(f"/suppliers/jobs/{job.pk}/").content.decode()
    assert (
        "zonder-naam.csv: rij 1: geen kolom bevat het verplichte veld naam; "
        "niet herkende kolommen: &#x27;Kleur&#x27;"
    ) in dutch
    assert (
        "zonder-naam.csv: row 1: no column holds the required name; "
        "columns not recognised: &#x27;Kleur&#x27;"
    ) in english
    assert job.message == (  # the API and CLI keep the English message
        "zonder-naam.csv: row 1: no column holds the required name; columns not recognised: 'Kleur'"
    )
