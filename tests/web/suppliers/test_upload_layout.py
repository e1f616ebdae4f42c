"""The upload page shows where it guessed the list starts (the sheet and the header row) and the
user corrects the guess before the columns are mapped; the service and the job read the list
from there."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from imvo.core.errors import ImvoError
from imvo.web.suppliers.models import ImportJob, ImportJobStatus, SupplierList
from imvo.web.suppliers.services import supplier_list_import
from web.accounts.people import People, build_people
from web.suppliers.cast import ZEEMAN_ROWS, StandInMatcher

UPLOAD = "/suppliers/upload/"
COLUMNS = "/suppliers/upload/columns/"
TITLE = [["Supplier list Zeeman 2018"], ["Last updated: 2018-12-31"], []]
TOTAL = [[], ["Total", None, None, None, None, 1200]]


@pytest.fixture(autouse=True)
def inline_jobs(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.VAR_DIR = tmp_path
    with translation.override("en"):
        yield
    translation.deactivate()


@pytest.fixture
def people(cast: Any) -> People:
    return build_people(cast)


def client_of(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, grid in sheets.items():
        sheet = book.create_sheet(name)
        for row in grid:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def post_upload(client: Client, data: bytes, filename: str, **fields: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {"year": 2018, "file": SimpleUploadedFile(filename, data), **fields}
    return client.post(UPLOAD, form)


def selected_fields(page: str) -> dict[str, str]:
    return dict(
        re.findall(r'name="(column_\d)"[^>]*>.*?<option value="(\w*)" selected', page, re.S)
    )


ZEEMAN_PUBLISHED = [*TITLE, *[list(row) for row in ZEEMAN_ROWS], *TOTAL]
INSTRUCTIONS = [["How to fill in this list"], ["One row per production location."]]


def test_a_list_below_a_title_on_a_second_sheet_shows_the_guess_before_importing(
    cast: Any, people: People
) -> None:
    data = workbook({"Instructions": INSTRUCTIONS, "Suppliers": ZEEMAN_PUBLISHED})
    client = client_of(people.zeeman_user)
    response = post_upload(client, data, "zeeman.xlsx", company=cast.zeeman.pk)
    assert response["Location"] == COLUMNS  # headers all known, but the place was guessed
    assert ImportJob.objects.count() == 0

    page = client.get(COLUMNS).content.decode()
    assert "Read from sheet “Suppliers”, with the column names in row 4." in page
    assert "This is a guess" in page
    assert re.search(r'<option value="Suppliers" selected>', page)
    assert re.search(r'name="header_row" value="4"', page)
    assert "Supplier list Zeeman 2018" in page and "Last updated: 2018-12-31" in page
    assert selected_fields(page)["column_0"] == "name"

    columns = {f"column_{i}": f for i, f in enumerate(["name", "address", "city", "country"])}
    client.post(COLUMNS, {"action": "import", **columns})
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE, job.message
    assert (job.sheet, job.header_row) == ("Suppliers", None)
    supplier_list = SupplierList.objects.get()
    assert (supplier_list.sheet, supplier_list.header_row) == ("Suppliers", 4)
    assert (supplier_list.row_count, supplier_list.accepted_count) == (4, 3)
    total = supplier_list.rows.get(accepted=False)
    assert total.number == 9
    assert [error["code"] for error in total.errors] == ["row.totals"]


def test_the_user_corrects_the_header_row_and_maps_the_columns_below_it(
    cast: Any, people: People
) -> None:
    # Two rows could be the header: the guess takes the first, the user says it is the second.
    grid = [
        ["Zeeman: head office and suppliers"],
        list(ZEEMAN_ROWS[0]),  # the head office, above the list in the same columns
        ["Zeeman textielSupers", "Ter Heijdestraat 1", "Alphen aan den Rijn", "Netherlands"],
        [],
        *[list(row) for row in ZEEMAN_ROWS],
    ]
    client = client_of(people.zeeman_user)
    post_upload(client, workbook({"List": grid}), "zeeman.xlsx", company=cast.zeeman.pk)
    page = client.get(COLUMNS).content.decode()
    assert re.search(r'name="header_row" value="2"', page)
    assert "Zeeman textielSupers" in page  # read as the first row below the guessed header

    corrected = client.post(COLUMNS, {"action": "layout", "sheet": "List", "header_row": "5"})
    assert corrected["Location"] == COLUMNS
    page = client.get(COLUMNS).content.decode()
    assert "with the column names in row 5." in page
    assert "This is a guess" not in page
    assert "Dhaka Knitwear Ltd." in page
    assert selected_fields(page)["column_1"] == "address"

    columns = {f"column_{i}": f for i, f in enumerate(["name", "address", "city", "country"])}
    client.post(COLUMNS, {"action": "import", **columns})
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE, job.message
    assert job.header_row == 5
    supplier_list = SupplierList.objects.get()
    assert (supplier_list.header_row, supplier_list.row_count) == (5, 3)
    assert supplier_list.accepted_count == 3


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("3", "row 3 is blank and cannot be the header"),
        ("40", "the header row 40 lies below the last filled row, 7"),
        ("0", "Ensure this value is greater than or equal to 1."),
        ("three", "Enter a whole number."),
    ],
)
def test_a_header_row_that_cannot_be_the_header_is_refused_on_the_page(
    cast: Any, people: People, row: str, message: str
) -> None:
    client = client_of(people.zeeman_user)
    post_upload(client, workbook({"S": ZEEMAN_PUBLISHED[:-2]}), "z.xlsx", company=cast.zeeman.pk)
    refused = client.post(COLUMNS, {"action": "layout", "sheet": "S", "header_row": row})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert message in page
    assert "with the column names in row 4." in page  # the upload and the guess are kept
    assert client.get(COLUMNS).status_code == 200


def test_the_correction_step_speaks_dutch(cast: Any, people: People) -> None:
    client = client_of(people.zeeman_user, "nl")
    data = workbook({"Uitleg": INSTRUCTIONS, "Leveranciers": ZEEMAN_PUBLISHED})
    with translation.override("nl"):
        post_upload(client, data, "zeeman.xlsx", company=cast.zeeman.pk)
        page = client.get(COLUMNS).content.decode()
        refused = client.post(
            COLUMNS, {"action": "layout", "sheet": "Leveranciers", "header_row": "3"}
        ).content.decode()
    assert "Gelezen van blad “Leveranciers”, met de kolomnamen in regel 4." in page
    assert "Kopregel" in page
    assert "regel 3 is leeg en kan niet de kopregel zijn" in refused


def test_another_sheet_is_read_from_its_own_header(cast: Any, people: People) -> None:
    other = [["Notes"], [], [], [], [], [], *[list(row) for row in ZEEMAN_ROWS]]
    data = workbook({"Suppliers": ZEEMAN_PUBLISHED, "Archive": other})
    client = client_of(people.zeeman_user)
    post_upload(client, data, "z.xlsx", company=cast.zeeman.pk)
    # The header row shown (4) is sent back unchanged with the other sheet: guessed anew.
    client.post(COLUMNS, {"action": "layout", "sheet": "Archive", "header_row": "4"})
    page = client.get(COLUMNS).content.decode()
    assert "Read from sheet “Archive”, with the column names in row 7." in page


def test_a_plain_list_still_imports_without_the_correction_step(cast: Any, people: People) -> None:
    data = workbook({"Suppliers": [list(row) for row in ZEEMAN_ROWS]})
    response = post_upload(client_of(people.zeeman_user), data, "z.xlsx", company=cast.zeeman.pk)
    assert response["Location"].startswith("/suppliers/jobs/")


def test_the_service_reads_from_the_header_row_it_is_given(cast: Any) -> None:
    data = workbook({"S": [["Name", "Country"], ["x", "NL"], *ZEEMAN_ROWS]})
    options = {"company": cast.zeeman, "year": 2018, "filename": "z.xlsx", "data": data}
    guessed = supplier_list_import(**options, matcher=StandInMatcher())
    assert (guessed.header_row, guessed.accepted_count) == (3, 3)  # the fuller header wins
    with pytest.raises(ImvoError, match="no column holds the required address") as caught:
        supplier_list_import(**options, header_row=1, matcher=StandInMatcher())
    assert caught.value.row == 1
    given = supplier_list_import(**options, header_row=3, sheet="S", matcher=StandInMatcher())
    assert (given.header_row, given.version) == (3, 2)


def test_the_api_reads_the_header_row_it_is_given_or_guesses_it(cast: Any, people: People) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from imvo.web.accounts.services import api_token_create

    _, raw = api_token_create(user=people.zeeman_user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    data = workbook({"Instructions": INSTRUCTIONS, "Suppliers": ZEEMAN_PUBLISHED})

    def upload(**fields: str) -> Any:
        body = {"year": "2018", "file": SimpleUploadedFile("z.xlsx", data), **fields}
        return client.post("/api/v1/supplier-lists/?wait=true", body)

    guessed = upload()
    assert guessed.status_code == 201, guessed.content
    assert (guessed.json()["accepted"], guessed.json()["rejected"]) == (3, 1)
    refused = upload(header_row="3")
    assert refused.status_code == 400
    assert "row 3 is blank" in refused.content.decode()
    assert "header_row" in refused.json()
    assert upload(header_row="first").status_code == 400
    given = upload(sheet="Suppliers", header_row="4")
    assert given.status_code == 201, given.content
    assert SupplierList.objects.get(pk=given.json()["list_id"]).header_row == 4
